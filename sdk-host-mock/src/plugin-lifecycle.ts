/**
 * A root context's life after its start (reference §6.1, §6.5): the tick timer, shutdown
 * (`proxy_on_done`, `proxy_done()` for a deferred done, `proxy_on_delete`) and what deletion
 * releases (callout timers, the VM when it has no roots left, the vm_id's shared data and
 * queues when no other plugin uses it).
 */
import { WasmResult } from "./abi.js";
import type { Plugin } from "./plugin.js";

/**
 * Root shutdown (§6.1): `proxy_on_done(root)`; non-zero → `proxy_on_delete(root)`; zero →
 * the root stays alive (`state` = "done-pending") until the plugin calls `proxy_done()`. On a
 * plugin with workers, every worker root is shut down.
 */
export function shutdownRoot(p: Plugin): void {
  // A loaded plugin goes away on every worker (each worker VM has its own root context).
  if (p.primary === p) for (const w of p.workers.slice(1)) shutdownRoot(w);
  p.host.dispatch(() => {
    if (p.state !== "active") return;
    cancelTimer(p);
    if (p.vm.failed) {
      p.state = "deleted";
      afterDelete(p);
      return;
    }
    const r = p.vm.call("proxy_on_done", p, [p.id]);
    if (r === 0) {
      p.state = "done-pending";
      return;
    }
    deleteRoot(p);
  });
}

/** Calls `proxy_on_tick(root)` now (independent of the timer). */
export function tick(p: Plugin): void {
  p.host.dispatch(() => {
    if (p.vm.failed || p.state === "deleted") return;
    p.vm.call("proxy_on_tick", p, [p.id]);
  });
}

/** @internal `proxy_set_tick_period_milliseconds`: (re)starts the root's timer. */
export function setTickPeriod(p: Plugin, ms: number): void {
  p.tickPeriodMs = ms;
  cancelTimer(p);
  if (ms > 0) armTimer(p);
}

/** @internal `proxy_done()` from the root context. */
export function doneFromPlugin(p: Plugin): WasmResult {
  if (p.state !== "done-pending") return WasmResult.NotFound;
  p.state = "deleted";
  p.host.defer(() => deleteRoot(p));
  return WasmResult.Ok;
}

function deleteRoot(p: Plugin): void {
  p.state = "deleted";
  if (!p.vm.failed) p.vm.call("proxy_on_delete", p, [p.id]);
  p.vm.removeContext(p.id);
  afterDelete(p);
}

function afterDelete(p: Plugin): void {
  p.vm.removeRoot(p);
  if (p.vm.roots.length === 0) p.host.vmRegistry.forget(p.vm);
  for (const rec of p.httpCalls) {
    rec.answered = true;
    if (rec.timer) rec.timer.cancelled = true;
  }
  const others = p.host.plugins
    .flatMap((other) => other.workers)
    .some((w) => w !== p && w.vmId === p.vmId && w.state !== "deleted");
  if (!others) {
    p.host.sharedData.dropNamespace(p.vmId);
    p.host.sharedQueues.dropNamespace(p.vmId);
  }
}

function armTimer(p: Plugin): void {
  const period = p.tickPeriodMs;
  p.tickTimer = p.host.schedule(p.host.nowNanos + BigInt(period) * 1_000_000n, () => {
    p.tickTimer = null;
    if (p.vm.failed || p.state === "deleted" || !p.vm.has("proxy_on_tick")) return;
    p.vm.call("proxy_on_tick", p, [p.id]);
    if (p.tickTimer === null && p.tickPeriodMs > 0 && !p.vm.failed) armTimer(p);
  });
}

export function cancelTimer(p: Plugin): void {
  if (p.tickTimer) p.tickTimer.cancelled = true;
  p.tickTimer = null;
}
