/** Timers, effective context and `proxy_done` (reference §3.1, §3.10, §6.9, §6.14). */
import { WasmResult } from "../abi.js";
import type { HostcallDef } from "./types.js";
import { proxy } from "./types.js";

export const CONTEXT_CONTROL_HOSTCALLS: HostcallDef[] = [
  proxy("proxy_set_tick_period_milliseconds", 1, (vm) => (period: number) => {
    vm.plugin.setTickPeriod(period >>> 0);
    return WasmResult.Ok;
  }),
  proxy("proxy_set_effective_context", 1, (vm) => (id: number) => {
    const ctx = vm.contexts.get(id >>> 0);
    if (!ctx) return WasmResult.BadArgument;
    vm.setEffective(ctx);
    return WasmResult.Ok;
  }),
  proxy(
    "proxy_done",
    0,
    (vm) => () => (vm.current().kind === "root" ? vm.plugin.doneFromPlugin() : WasmResult.NotFound),
  ),
];
