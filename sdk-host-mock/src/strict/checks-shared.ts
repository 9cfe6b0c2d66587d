/**
 * Shared state checks: S6 (shared-data read missing in its own vm_id namespace but present in
 * another plugin's), D2 (blind overwrite of a key read in the same callback; CasMismatch without retry),
 * D3 (shared-data keys above the limit), T2 (queue registered by two plugins of one vm_id,
 * resolved under the wrong vm_id).
 */
import { WasmResult } from "../abi.js";
import type { CallFrame, HostcallCheck, StrictMonitor } from "./monitor.js";

function key(m: StrictMonitor, ptr: number | bigint, len: number | bigint): string | null {
  return m.plugin.vm.memory.readString(Number(ptr), Number(len));
}

/** vm_ids of the other plugins of this host. */
function otherVmIds(m: StrictMonitor): string[] {
  const own = m.plugin.vmId;
  return [...new Set(m.plugin.host.plugins.map((p) => p.vmId))].filter((v) => v !== own);
}

const getShared: HostcallCheck = (m, e) => {
  const k = key(m, e.args[0], e.args[1]);
  if (k === null) return;
  if (e.result === WasmResult.Ok) {
    if (e.frame) (e.frame.sharedReads ??= new Set()).add(k);
    e.frame?.casMismatches?.delete(k);
    return;
  }
  if (e.result !== WasmResult.NotFound) return;
  // Another plugin (by name) under another vm_id has the key: this one expected to share it. The
  // same plugin deployed under two vm_ids keeps separate data on purpose (first reads miss).
  const other = m.plugin.host.plugins.find(
    (p) =>
      p.vmId !== m.plugin.vmId &&
      p.name !== m.plugin.name &&
      m.plugin.host.sharedData.get(p.vmId, k) !== null,
  );
  if (other !== undefined)
    m.report(
      "S6",
      e.ctx,
      `shared-data key "${k}" is not in this plugin's vm_id namespace "${m.plugin.vmId}" but plugin ${other.name} has it under vm_id "${other.vmId}": shared data is namespaced by vm_id, plugins with different vm_ids never see each other's keys`,
      { hostcall: e.name },
    );
};

const setShared: HostcallCheck = (m, e) => {
  const k = key(m, e.args[0], e.args[1]);
  if (k === null) return;
  const cas = Number(e.args[4]) >>> 0;
  if (cas === 0 && e.frame?.sharedReads?.has(k))
    m.report(
      "D2",
      e.ctx,
      `set_shared_data("${k}") with cas 0 after reading the key in the same callback: a blind overwrite loses updates other workers made in between. Pass the cas from get_shared_data and retry on CasMismatch`,
      { hostcall: e.name },
    );
  if (e.result === WasmResult.CasMismatch && e.frame) (e.frame.casMismatches ??= new Set()).add(k);
  if (e.result === WasmResult.Ok) {
    e.frame?.casMismatches?.delete(k);
    const n = m.plugin.host.sharedData.entries(m.plugin.vmId).size;
    const limit = m.settings.limits.sharedDataKeys;
    if (n === limit + 1)
      m.report(
        "D3",
        e.ctx,
        `shared data of vm_id "${m.plugin.vmId}" now has ${n} keys (limit ${limit}; last "${k}"): keys cannot be deleted in ABI 0.2.x, so per-client or per-time keys grow until the proxy runs out of memory`,
        { hostcall: e.name },
      );
  }
};

const registerQueue: HostcallCheck = (m, e) => {
  if (e.result !== WasmResult.Ok) return;
  const name = key(m, e.args[0], e.args[1]);
  if (name === null) return;
  const token = m.plugin.vm.memory.readU32(Number(e.args[2]));
  if (token !== null) m.registeredQueues.set(token, name);
  const other = m.plugin.host.plugins.find(
    (p) =>
      p !== m.plugin &&
      p.vmId === m.plugin.vmId &&
      p.state !== "deleted" &&
      p.strictMonitor !== null &&
      [...p.strictMonitor.registeredQueues.values()].includes(name),
  );
  if (other)
    m.report(
      "T2",
      e.ctx,
      `shared queue "${name}" (vm_id "${m.plugin.vmId}") was already registered by plugin ${other.name}: only the last registrant is notified, the other never hears about items`,
      { hostcall: e.name },
    );
};

const resolveQueue: HostcallCheck = (m, e) => {
  if (e.result !== WasmResult.NotFound) return;
  const vmId = key(m, e.args[0], e.args[1]);
  const name = key(m, e.args[2], e.args[3]);
  if (vmId === null || name === null) return;
  const candidates = [m.plugin.vmId, ...otherVmIds(m)].filter((v) => v !== vmId);
  const found = candidates.find((v) => m.plugin.host.sharedQueues.resolve(v, name) !== null);
  if (found !== undefined)
    m.report(
      "T2",
      e.ctx,
      `resolve_shared_queue("${vmId}", "${name}") found nothing, but the queue exists under vm_id "${found}": queues are keyed by (vm_id, name)`,
      { hostcall: e.name },
    );
};

/** Hostcall checks of this family, by hostcall name. @internal */
export const SHARED_HOSTCALL_CHECKS: [string, HostcallCheck][] = [
  ["proxy_get_shared_data", getShared],
  ["proxy_set_shared_data", setShared],
  ["proxy_register_shared_queue", registerQueue],
  ["proxy_resolve_shared_queue", resolveQueue],
];

/** D2: a CasMismatch the callback did not retry. @internal */
export function onCallEndShared(m: StrictMonitor, frame: CallFrame): void {
  for (const k of frame.casMismatches ?? [])
    m.report(
      "D2",
      frame.ctx,
      `set_shared_data("${k}") failed with CasMismatch in ${frame.name} and was not retried: the update is lost. Re-read the key and retry (bounded) on CasMismatch`,
      { stack: false },
    );
}
