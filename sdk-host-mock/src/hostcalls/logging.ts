/** Logging, time, status and configuration hostcalls (reference §3.1). */
import { WasmResult } from "../abi.js";
import type { HostcallDef } from "./types.js";
import { proxy } from "./types.js";

export const LOGGING_HOSTCALLS: HostcallDef[] = [
  proxy(
    "proxy_log",
    3,
    (vm) => (level: number, ptr: number, len: number) => {
      if (level >>> 0 > 5) return WasmResult.BadArgument;
      const msg = vm.memory.readString(ptr, len);
      if (msg === null) return WasmResult.InvalidMemoryAccess;
      vm.plugin.log(level, msg, vm.current().id);
      if (level >= 4 && msg.startsWith("abort:")) vm.abortMessage = msg;
      return WasmResult.Ok;
    },
    { allowedAtStart: true, allowedInAllocator: true },
  ),
  proxy(
    "proxy_get_log_level",
    1,
    (vm) => (ptr: number) =>
      vm.memory.writeU32(ptr, vm.plugin.logLevel) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess,
    { versions: ["0.2.1"] },
  ),
  proxy(
    "proxy_get_current_time_nanoseconds",
    1,
    (vm) => (ptr: number) =>
      vm.memory.writeU64(ptr, vm.plugin.host.nowNanos)
        ? WasmResult.Ok
        : WasmResult.InvalidMemoryAccess,
  ),
  proxy("proxy_get_status", 3, (vm) => (codePtr: number, msgPtrPtr: number, msgLenPtr: number) => {
    const status = vm.plugin.status;
    if (!vm.memory.writeU32(codePtr, status.code)) return WasmResult.InvalidMemoryAccess;
    return vm.memory.copyOut(new TextEncoder().encode(status.message), msgPtrPtr, msgLenPtr);
  }),
  proxy(
    "proxy_get_configuration",
    2,
    (vm) => (ptrPtr: number, lenPtr: number) => {
      const p = vm.plugin;
      const data = p.configurationReadable ? p.configuration : p.vmConfiguration;
      return vm.memory.copyOut(data, ptrPtr, lenPtr);
    },
    { versions: ["0.1.0"] },
  ),
  {
    module: "env",
    name: "pthread_equal",
    params: ["i32", "i32"],
    results: ["i32"],
    resultKind: "none",
    impl: () => (a: number, b: number) => (a === b ? 1 : 0),
  },
  {
    module: "env",
    name: "emscripten_notify_memory_growth",
    params: ["i32"],
    results: [],
    resultKind: "none",
    allowedAtStart: true,
    impl: () => () => undefined,
  },
];
