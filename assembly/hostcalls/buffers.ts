// Buffer hostcalls: bodies, TCP data, configurations, callout bodies (reference §3.3).
import { BufferType, WasmResult } from "../abi/types";
import { recordResult } from "./result";
import { clearOutPair, OUT_PTR, OUT_SIZE, OUT_U32, takeOutBytes, takeOutString } from "./memory";

// @ts-ignore: decorator
@external("env", "proxy_get_buffer_bytes")
declare function proxy_get_buffer_bytes(
  bufferType: BufferType,
  start: u32,
  maxSize: u32,
  outPtr: usize,
  outSize: usize,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_get_buffer_status")
declare function proxy_get_buffer_status(
  bufferType: BufferType,
  outLength: usize,
  outFlags: usize,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_set_buffer_bytes")
declare function proxy_set_buffer_bytes(
  bufferType: BufferType,
  start: u32,
  length: u32,
  dataPtr: usize,
  dataSize: usize,
): WasmResult;

/** Reads up to `maxSize` bytes from `start`; null when the host reports the buffer unavailable. */
export function getBufferBytes(
  bufferType: BufferType,
  start: u32,
  maxSize: u32,
): ArrayBuffer | null {
  clearOutPair();
  const result = recordResult(
    proxy_get_buffer_bytes(bufferType, start, maxSize, OUT_PTR, OUT_SIZE),
  );
  if (result != WasmResult.Ok) return null;
  return takeOutBytes();
}

/** Like `getBufferBytes`, decoded as UTF-8; null when unavailable. */
export function getBufferString(bufferType: BufferType, start: u32, maxSize: u32): string | null {
  clearOutPair();
  const result = recordResult(
    proxy_get_buffer_bytes(bufferType, start, maxSize, OUT_PTR, OUT_SIZE),
  );
  if (result != WasmResult.Ok) return null;
  return takeOutString();
}

/** Current size of a buffer in bytes; 0 when unavailable (see `lastResult()`). */
export function getBufferSize(bufferType: BufferType): u32 {
  store<u32>(OUT_U32, 0);
  const result = recordResult(proxy_get_buffer_status(bufferType, OUT_U32, OUT_SIZE));
  return result == WasmResult.Ok ? load<u32>(OUT_U32) : 0;
}

/**
 * Envoy's buffer edit (reference §3.3): `start == 0` drains `length` bytes then prepends `data`;
 * `start >= size` appends; anything in between is BadArgument.
 */
export function setBufferBytes(
  bufferType: BufferType,
  start: u32,
  length: u32,
  dataPtr: usize,
  dataSize: usize,
): WasmResult {
  return proxy_set_buffer_bytes(bufferType, start, length, dataPtr, dataSize);
}
