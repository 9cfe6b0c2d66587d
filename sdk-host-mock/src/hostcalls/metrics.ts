/** Metric hostcalls (reference §3.9). */
import { WasmResult } from "../abi.js";
import type { HostcallDef } from "./types.js";
import { proxy } from "./types.js";

export const METRIC_HOSTCALLS: HostcallDef[] = [
  proxy(
    "proxy_define_metric",
    4,
    (vm) => (type: number, namePtr: number, nameLen: number, idPtr: number) => {
      const name = vm.memory.readString(namePtr, nameLen);
      if (name === null) return WasmResult.InvalidMemoryAccess;
      const r = vm.metricIds.define(type >>> 0, name);
      if (r.result !== WasmResult.Ok) return r.result;
      return vm.memory.writeU32(idPtr, r.id!) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
  ),
  proxy(
    "proxy_increment_metric",
    ["i32", "i64"],
    (vm) => (id: number, delta: bigint) =>
      vm.metricIds.increment(id >>> 0, BigInt.asIntN(64, delta)),
  ),
  proxy(
    "proxy_record_metric",
    ["i32", "i64"],
    (vm) => (id: number, value: bigint) => vm.metricIds.record(id >>> 0, value),
  ),
  proxy("proxy_get_metric", 2, (vm) => (id: number, ptr: number) => {
    const r = vm.metricIds.get(id >>> 0);
    if (r.result !== WasmResult.Ok) return r.result;
    return vm.memory.writeU64(ptr, r.value!) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
  }),
];
