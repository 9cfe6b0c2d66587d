// The result of the last value-returning hostcall. Getters in the SDK return the value (or null,
// or a fallback) so plugin code stays simple; when the difference matters ("absent" versus "not
// available in this phase"), `lastResult()` tells which WasmResult the host gave.
import { WasmResult } from "../abi/types";

let last: WasmResult = WasmResult.Ok;

/** Records `result` as the last getter result and returns it. */
// @ts-ignore: decorator
@inline
export function recordResult(result: WasmResult): WasmResult {
  last = result;
  return result;
}

/**
 * The WasmResult of the SDK's last getter hostcall (`HeaderMap.get/getAll/pairs/byteSize`,
 * `Body.readBytes/readString/size`, configuration reads, `getProperty*`). For example after
 * `requestHeaders.get("x")` returned null: `NotFound` means absent, `BadArgument` means the map
 * is not available in this phase. Valid right after the getter, before the next one.
 */
export function lastResult(): WasmResult {
  return last;
}
