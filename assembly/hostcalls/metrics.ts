// Metric hostcalls (reference §3.9). Wrappers return the host's WasmResult; the defined id goes
// to OUT_U32 and a read value to OUT_U64 (see ./memory).
import { MetricType, WasmResult } from "../abi/types";
import { encodedLength, encodeUtf8, OUT_U32, OUT_U64, SLOT_KEY } from "./memory";

// @ts-ignore: decorator
@external("env", "proxy_define_metric")
declare function proxy_define_metric(
  metricType: MetricType,
  namePtr: usize,
  nameSize: usize,
  outId: usize,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_increment_metric")
declare function proxy_increment_metric(id: u32, delta: i64): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_record_metric")
declare function proxy_record_metric(id: u32, value: i64): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_get_metric")
declare function proxy_get_metric(id: u32, outValue: usize): WasmResult;

/** Defines (or looks up) metric `name` (id → OUT_U32). */
export function defineMetric(metricType: MetricType, name: string): WasmResult {
  const namePtr = encodeUtf8(name, SLOT_KEY);
  store<u32>(OUT_U32, 0);
  return proxy_define_metric(metricType, namePtr, encodedLength(SLOT_KEY), OUT_U32);
}

/** Adds `delta` (counters: must be > 0; gauges: may be negative). */
export function incrementMetric(id: u32, delta: i64): WasmResult {
  return proxy_increment_metric(id, delta);
}

/** Counter: adds; gauge: sets; histogram: records a sample. */
export function recordMetric(id: u32, value: i64): WasmResult {
  return proxy_record_metric(id, value);
}

/** Reads a counter or gauge (value → OUT_U64). */
export function getMetric(id: u32): WasmResult {
  store<u64>(OUT_U64, 0);
  return proxy_get_metric(id, OUT_U64);
}
