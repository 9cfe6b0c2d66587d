// Context control and status hostcalls (reference §3.1, §3.10).
import { WasmResult } from "../abi/types";
import { OUT_PTR, OUT_SIZE, OUT_U32, clearOutPair, takeOutString } from "./memory";

// @ts-ignore: decorator
@external("env", "proxy_set_effective_context")
declare function proxy_set_effective_context(contextId: u32): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_done")
declare function proxy_done(): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_get_status")
declare function proxy_get_status(
  outCode: usize,
  outMessagePtr: usize,
  outMessageSize: usize,
): WasmResult;

/** Makes the following hostcalls of this callback act on `contextId` (BadArgument if unknown). */
export function setEffectiveContext(contextId: u32): WasmResult {
  return proxy_set_effective_context(contextId);
}

/** Tells the host a root context that returned false from onDone has finished. */
export function done(): WasmResult {
  return proxy_done();
}

/** Message of the status read by the last `getStatus()` (e.g. "reset" after a failed callout). */
export let lastStatusMessage: string = "";

/**
 * Reads the root context's status code (callout failures, gRPC close); the message goes to
 * `lastStatusMessage`. Valid in callout callbacks.
 */
export function getStatus(): u32 {
  store<u32>(OUT_U32, 0);
  clearOutPair();
  if (proxy_get_status(OUT_U32, OUT_PTR, OUT_SIZE) != WasmResult.Ok) {
    lastStatusMessage = "";
    return 0;
  }
  lastStatusMessage = takeOutString();
  return load<u32>(OUT_U32);
}
