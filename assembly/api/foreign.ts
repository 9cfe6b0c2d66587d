// Foreign functions (reference §3.10, §5.7): host extensions called by name, and the
// host-initiated direction (`RootContext.onForeignFunction`).
import { BufferType, WasmResult } from "../abi/types";
import * as buffers from "../hostcalls/buffers";
import * as hostcalls from "../hostcalls/foreign";
import { OUT_PTR, releaseHostBlock, takeOutBytes } from "../hostcalls/memory";
import { recordResult } from "../hostcalls/result";

/**
 * Calls the host function `name` with `args` and returns its result bytes (empty when it
 * returned none), or null when the call failed: `lastResult()` then gives the host's result —
 * `NotFound` for a name the host does not know, else the function's own result (Envoy:
 * `BadArgument` for malformed protobuf arguments, `SerializationFailure` from `compress`, …).
 * Acts on the current (or effective) context. Valid in any callback.
 *
 * Envoy's functions: `compress`, `uncompress`, `clear_route_cache`, `set_envoy_filter_state`,
 * `declare_property`, and with newer builds `verify_signature`, `sign`, `expr_*`.
 */
export function callForeignFunction(
  name: string,
  args: ArrayBuffer | null = null,
): ArrayBuffer | null {
  const result = recordResult(hostcalls.callForeignFunction(name, args));
  const bytes = takeOutBytes();
  return result == WasmResult.Ok ? bytes : null;
}

/**
 * Envoy's `clear_route_cache`: the route of the current request is chosen again, e.g. after
 * the plugin changed a header that routes match on. Valid in request callbacks of an HTTP
 * stream (or with it as the effective context). Results: `Ok`; `NotFound` on hosts without the
 * function (older Envoy: use a 0.1.0-ABI `proxy_clear_route_cache` build instead).
 */
export function clearRouteCache(): WasmResult {
  const result = hostcalls.callForeignFunction("clear_route_cache", null);
  releaseHostBlock(<usize>load<u32>(OUT_PTR));
  return result;
}

/**
 * The arguments of a host-initiated foreign function call. Valid only inside
 * `RootContext.onForeignFunction`; empty elsewhere.
 */
export function getForeignFunctionArguments(): ArrayBuffer {
  const bytes = buffers.getBufferBytes(BufferType.CallData, 0, 0xffffffff);
  return bytes === null ? new ArrayBuffer(0) : bytes;
}
