// Foreign function hostcall (reference §3.10): host extensions called by name (Envoy:
// compress, uncompress, declare_property, set_envoy_filter_state, clear_route_cache, …).
import { WasmResult } from "../abi/types";
import {
  bufferLength,
  bufferPtr,
  clearOutPair,
  encodedLength,
  encodeUtf8,
  OUT_PTR,
  OUT_SIZE,
  SLOT_KEY,
} from "./memory";

// @ts-ignore: decorator
@external("env", "proxy_call_foreign_function")
declare function proxy_call_foreign_function(
  namePtr: usize,
  nameSize: usize,
  argumentsPtr: usize,
  argumentsSize: usize,
  outResultPtr: usize,
  outResultSize: usize,
): WasmResult;

/** Calls host function `name` with `args` (result → out pair). NotFound for unknown names. */
export function callForeignFunction(name: string, args: ArrayBuffer | null): WasmResult {
  const namePtr = encodeUtf8(name, SLOT_KEY);
  clearOutPair();
  return proxy_call_foreign_function(
    namePtr,
    encodedLength(SLOT_KEY),
    bufferPtr(args),
    bufferLength(args),
    OUT_PTR,
    OUT_SIZE,
  );
}
