// Clock and timer hostcalls (reference §3.1, §6.9).
import { WasmResult } from "../abi/types";
import { OUT_U64 } from "./memory";

// @ts-ignore: decorator
@external("env", "proxy_get_current_time_nanoseconds")
declare function proxy_get_current_time_nanoseconds(outTime: usize): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_set_tick_period_milliseconds")
declare function proxy_set_tick_period_milliseconds(periodMs: u32): WasmResult;

/**
 * Host wall-clock time in nanoseconds since the Unix epoch (0 if the host refuses). Valid in any
 * callback; not in top-level code (Envoy allows only logging and WASI during `_start`).
 */
export function getCurrentTimeNanoseconds(): u64 {
  store<u64>(OUT_U64, 0);
  proxy_get_current_time_nanoseconds(OUT_U64);
  return load<u64>(OUT_U64);
}

/** Sets the calling root context's timer period; 0 stops it. Valid in any callback. */
export function setTickPeriodMilliseconds(periodMs: u32): WasmResult {
  return proxy_set_tick_period_milliseconds(periodMs);
}
