/**
 * Start and configuration checks: S3 (plugin configuration read outside on_configure), S4 (trap
 * in on_configure), S5 (root id); and what a trap means: M2 (out of fuel), M3 (any other trap).
 * S1 is reported by {@link StrictMonitor.restricted}.
 */
import { WasmResult } from "../abi.js";
import type { PluginTrapError } from "../errors.js";
import { FUEL_TRAP_MESSAGE } from "../fuel.js";
import type { CallFrame, HostcallCheck, StrictMonitor } from "./monitor.js";

/** Buffer type 7 = PluginConfiguration (reference §3.3). */
const PLUGIN_CONFIGURATION = 7;

const configRead: HostcallCheck = (m, e) => {
  if (Number(e.args[0]) >>> 0 !== PLUGIN_CONFIGURATION) return;
  if (e.result !== WasmResult.NotFound) return;
  m.report(
    "S3",
    e.ctx,
    `${e.name}(PluginConfiguration) in ${e.frame?.name ?? "no callback"}: Envoy exposes the plugin configuration only during on_configure (NotFound here, so the plugin silently runs on defaults). Parse it in on_configure and keep the result on the root context`,
    { hostcall: e.name },
  );
};

/** S5: this SDK's own report that no registered root matches the configured root id. */
const rootIdMissing: HostcallCheck = (m, e) => {
  if (e.frame?.ctx.kind !== "root") return;
  const message = m.plugin.vm.memory.readString(Number(e.args[1]), Number(e.args[2]));
  if (message === null || !message.includes("no root context registered for plugin_root_id"))
    return;
  m.report(
    "S5",
    e.ctx,
    `root id "${m.plugin.rootId}" matches no root context the module registered (${message}); Envoy's requests would get 503. Configure the registered id, or register the deployed one`,
    { hostcall: e.name },
  );
};

/** Hostcall checks of this family, by hostcall name. @internal */
export const START_HOSTCALL_CHECKS: [string, HostcallCheck][] = [
  ["proxy_get_buffer_bytes", configRead],
  ["proxy_get_buffer_status", configRead],
  ["proxy_log", rootIdMissing],
];

/** S4 / M3 when a callback trapped. @internal */
export function onCallEndStart(m: StrictMonitor, frame: CallFrame, trap: PluginTrapError): void {
  if (trap.trapMessage === "restricted_callback") return; // reported as S1
  const what = `: ${trap.trapMessage}${trap.pluginMessage ? ` (${trap.pluginMessage})` : ""}`;
  if (trap.trapMessage.startsWith(FUEL_TRAP_MESSAGE)) {
    m.report(
      "M2",
      frame.ctx,
      `${frame.name} ran out of fuel (${trap.trapMessage}): a loop or expensive work in a callback blocks Envoy's worker thread, which serves every connection. Bound the work, move it out of the request path`,
      { stack: false },
    );
    return;
  }
  if (frame.name === "proxy_on_configure") {
    m.report(
      "S4",
      frame.ctx,
      `proxy_on_configure trapped${what}. Return false for a configuration you cannot use: Envoy then rejects the update cleanly, while a trap fails the VM`,
      { stack: false },
    );
    return;
  }
  m.report(
    "M3",
    frame.ctx,
    `${frame.name} trapped${what}. One trap fails this worker's VM for good (503 or bypass for every later request); handle the error and answer with a status instead`,
    { stack: false },
  );
}
