/**
 * Worker VMs and reloads of a plugin: which root (worker VM, or a fresh VM under
 * `"per-request"`) a new stream goes to, and Envoy's reload of a failed VM under the `"reload"`
 * failure policy (`maybeReloadHandleIfNeeded`, with its backoff).
 */
import { PluginLoadError } from "./errors.js";
import { Plugin } from "./plugin.js";
import { bootRoot } from "./plugin-start.js";
import { cancelTimer } from "./plugin-lifecycle.js";

/** Envoy `PluginConfig::createContext`: picks the worker root, reloading a failed VM if allowed. */
export function rootForNewStream(plugin: Plugin, pinned: number | undefined): Plugin {
  const p = plugin.primary;
  if (p.vmModel === "per-request" && !p.disabled) {
    return p.host.dispatch(
      () => new Plugin(p.host, p.options, { primary: p, worker: 0, ephemeral: true }),
    );
  }
  const root = p.workers[p.selector.pick(pinned)];
  if (root.vm.failed) maybeReload(root);
  return root;
}

/** Envoy `maybeReloadHandleIfNeeded` for a root. */
function maybeReload(p: Plugin): void {
  if (p.state === "deleted" || !p.failureTracker.shouldReload(p.lastLoadMs)) return;
  const old = { vm: p.vm, id: p.id, state: p.state };
  p.vm.removeRoot(p);
  cancelTimer(p);
  p.tickPeriodMs = 0;
  p.state = "active";
  for (const rec of p.httpCalls) {
    rec.answered = true;
    if (rec.timer) rec.timer.cancelled = true;
  }
  try {
    p.host.dispatch(() => bootRoot(p));
    p.failureTracker.reloaded(true);
  } catch (e) {
    if (!(e instanceof PluginLoadError)) throw e;
    if (p.vm !== old.vm) p.vm.removeRoot(p);
    p.vm = old.vm;
    (p as { id: number }).id = old.id;
    p.state = old.state;
    p.lastLoadMs = p.host.now;
    p.failureTracker.reloaded(false);
  }
}
