// Property hostcalls (reference §3.2, §5.2). Paths are NUL-joined segments.
import { WasmResult } from "../abi/types";
import { encodePropertyPath } from "../util/property-path";
import { recordResult } from "./result";
import {
  bufferLength,
  bufferPtr,
  clearOutPair,
  encodedLength,
  encodeUtf8,
  OUT_PTR,
  OUT_SIZE,
  SLOT_EXTRA,
  takeOutBytes,
} from "./memory";

// @ts-ignore: decorator
@external("env", "proxy_get_property")
declare function proxy_get_property(
  pathPtr: usize,
  pathSize: usize,
  outValuePtr: usize,
  outValueSize: usize,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_set_property")
declare function proxy_set_property(
  pathPtr: usize,
  pathSize: usize,
  valuePtr: usize,
  valueSize: usize,
): WasmResult;

/** Raw property bytes (encoding per reference §5.3); null when the host has no such property. */
export function getProperty(path: string[]): ArrayBuffer | null {
  const encodedPath = encodePropertyPath(path);
  clearOutPair();
  const result = recordResult(
    proxy_get_property(changetype<usize>(encodedPath), encodedPath.byteLength, OUT_PTR, OUT_SIZE),
  );
  if (result != WasmResult.Ok) return null;
  return takeOutBytes();
}

/** Stores raw bytes under `path` (Envoy: filter state `wasm.<path>`). */
export function setProperty(path: string[], value: ArrayBuffer | null): WasmResult {
  const encodedPath = encodePropertyPath(path);
  return proxy_set_property(
    changetype<usize>(encodedPath),
    encodedPath.byteLength,
    bufferPtr(value),
    bufferLength(value),
  );
}

/**
 * Like `getProperty`, with the path already NUL-joined (`"request\0path"`): a string literal
 * is encoded once per VM (scratch-slot literal cache), so typed attribute getters allocate
 * nothing for the path.
 */
export function getPropertyJoined(joinedPath: string): ArrayBuffer | null {
  const pathPtr = encodeUtf8(joinedPath, SLOT_EXTRA);
  clearOutPair();
  const result = recordResult(
    proxy_get_property(pathPtr, encodedLength(SLOT_EXTRA), OUT_PTR, OUT_SIZE),
  );
  if (result != WasmResult.Ok) return null;
  return takeOutBytes();
}
