/**
 * Checks across the VMs of one plugin (Envoy runs the plugin's lifecycle in a configuration
 * canary, in one VM per worker, and again in a reloaded VM): S2 (the same start-up side effect
 * made by more than one VM) and T1 (the same tick work done by more than one VM). The worker
 * roots of one plugin share one {@link StrictGroup}; VMs are told apart by identity.
 */
import { WasmResult } from "../abi.js";
import { decodePairs } from "../pairs.js";
import { utf8 } from "../memory.js";
import type { HostcallCheck, HostcallEvent, StrictMonitor } from "./monitor.js";

/** Side effects seen per configuration: effect → the VMs (by identity) that made it. @internal */
export class StrictGroup {
  readonly startup = new Map<string, Set<object>>();
  readonly ticks = new Map<string, Set<object>>();
}

const STARTUP = new Set(["proxy_on_context_create", "proxy_on_vm_start", "proxy_on_configure"]);

/** What a side-effecting hostcall did, as a key ("http_call to auth /token"), or null. */
function effect(m: StrictMonitor, e: HostcallEvent): string | null {
  if (e.result !== WasmResult.Ok) return null;
  const mem = m.plugin.vm.memory;
  const a = e.args.map(Number);
  switch (e.name) {
    case "proxy_http_call": {
      const headers = mem.read(a[2], a[3]);
      const path = headers ? decodePairs(headers).find(([k]) => k === ":path")?.[1] : undefined;
      return `http_call to ${mem.readString(a[0], a[1])} ${path ?? ""}`.trim();
    }
    case "proxy_grpc_call":
    case "proxy_grpc_stream": {
      const service = mem.read(a[0], a[1]);
      const name = mem.readString(a[2], a[3]);
      const method = mem.readString(a[4], a[5]);
      // a cluster name is printable; a serialized GrpcService is not
      const target =
        service && /^[\x20-\x7e]*$/.test(utf8(service)) ? utf8(service) : "(GrpcService)";
      return `${e.name.slice(6)} to ${target} ${name}/${method}`;
    }
    case "proxy_set_shared_data":
      return `set_shared_data "${mem.readString(a[0], a[1])}"`;
    case "proxy_enqueue_shared_queue":
      return `enqueue_shared_queue on queue ${a[0] >>> 0}`;
    default:
      return null;
  }
}

function tally(
  m: StrictMonitor,
  e: HostcallEvent,
  table: Map<string, Set<object>>,
): { key: string; vms: number } | null {
  const key = effect(m, e);
  if (key === null) return null;
  let vms = table.get(key);
  if (!vms) table.set(key, (vms = new Set()));
  const before = vms.size;
  vms.add(m.plugin.vm);
  return vms.size === 2 && before === 1 ? { key, vms: vms.size } : null;
}

const sideEffect: HostcallCheck = (m, e) => {
  const frame = e.frame;
  if (frame === null || frame.ctx.kind !== "root") return;
  if (STARTUP.has(frame.name)) {
    const dup = tally(m, e, m.group.startup);
    if (dup)
      m.report(
        "S2",
        e.ctx,
        `${dup.key} made at start-up (${frame.name}) by ${dup.vms} VMs of this plugin: Envoy runs on_vm_start/on_configure in a configuration canary and in every worker VM, so this side effect happens once per VM (the canary's dies with it). Do once-per-process work from a singleton service, or make it idempotent`,
        { hostcall: e.name },
      );
  } else if (frame.name === "proxy_on_tick") {
    const dup = tally(m, e, m.group.ticks);
    if (dup)
      m.report(
        "T1",
        e.ctx,
        `${dup.key} made from on_tick by ${dup.vms} VMs of this plugin: every worker VM has its own timer, so this work runs once per worker per period. Use a singleton service, or share the result through shared data`,
        { hostcall: e.name },
      );
  }
};

/** Hostcall checks of this family, by hostcall name. @internal */
export const WORKER_HOSTCALL_CHECKS: [string, HostcallCheck][] = [
  "proxy_http_call",
  "proxy_grpc_call",
  "proxy_grpc_stream",
  "proxy_set_shared_data",
  "proxy_enqueue_shared_queue",
].map((n): [string, HostcallCheck] => [n, sideEffect]);
