/**
 * Start and configuration checks: S3 (plugin configuration read outside on_configure), S4 (trap
 * in on_configure), M3 (any other trap). S1 is reported by {@link StrictMonitor.restricted}.
 */
import { WasmResult } from "../abi.js";
import type { PluginTrapError } from "../errors.js";
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

/** Hostcall checks of this family, by hostcall name. @internal */
export const START_HOSTCALL_CHECKS: [string, HostcallCheck][] = [
  ["proxy_get_buffer_bytes", configRead],
  ["proxy_get_buffer_status", configRead],
];

/** S4 / M3 when a callback trapped. @internal */
export function onCallEndStart(m: StrictMonitor, frame: CallFrame, trap: PluginTrapError): void {
  if (trap.trapMessage === "restricted_callback") return; // reported as S1
  const what = `: ${trap.trapMessage}${trap.pluginMessage ? ` (${trap.pluginMessage})` : ""}`;
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
