// Header-map hostcalls (reference §3.4). Keys are lower-cased by the host. The single-value
// wrappers are inlined into their callers: they run for nearly every header a plugin touches,
// and inlining spares each call a shadow-stack frame.
import { MapType, WasmResult } from "../abi/types";
import { decodePairs, encodePairs, HeaderPair } from "../util/pairs";
import { recordResult } from "./result";
import {
  clearOutPair,
  encodedLength,
  encodeUtf8,
  OUT_PTR,
  OUT_SIZE,
  OUT_U32,
  SLOT_KEY,
  SLOT_VALUE,
  releaseHostBlock,
  takeOutString,
} from "./memory";

// @ts-ignore: decorator
@external("env", "proxy_get_header_map_value")
declare function proxy_get_header_map_value(
  mapType: MapType,
  keyPtr: usize,
  keySize: usize,
  outValuePtr: usize,
  outValueSize: usize,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_add_header_map_value")
declare function proxy_add_header_map_value(
  mapType: MapType,
  keyPtr: usize,
  keySize: usize,
  valuePtr: usize,
  valueSize: usize,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_replace_header_map_value")
declare function proxy_replace_header_map_value(
  mapType: MapType,
  keyPtr: usize,
  keySize: usize,
  valuePtr: usize,
  valueSize: usize,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_remove_header_map_value")
declare function proxy_remove_header_map_value(
  mapType: MapType,
  keyPtr: usize,
  keySize: usize,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_get_header_map_pairs")
declare function proxy_get_header_map_pairs(
  mapType: MapType,
  outPtr: usize,
  outSize: usize,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_set_header_map_pairs")
declare function proxy_set_header_map_pairs(
  mapType: MapType,
  pairsPtr: usize,
  pairsSize: usize,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_get_header_map_size")
declare function proxy_get_header_map_size(mapType: MapType, outSize: usize): WasmResult;

/** First value of `key`; null when absent (NotFound) or the map is unavailable (BadArgument). */
// @ts-ignore: decorator
@inline
export function getHeaderMapValue(mapType: MapType, key: string): string | null {
  return getValue(mapType, changetype<usize>(key));
}

function getValue(mapType: MapType, key: usize): string | null {
  const keyPtr = encodeUtf8(changetype<string>(key), SLOT_KEY);
  clearOutPair();
  const result = recordResult(
    proxy_get_header_map_value(mapType, keyPtr, encodedLength(SLOT_KEY), OUT_PTR, OUT_SIZE),
  );
  if (result != WasmResult.Ok) return null;
  return takeOutString();
}

/** Appends an entry (Envoy comma-joins into an existing inline header, reference §3.4). */
// @ts-ignore: decorator
@inline
export function addHeaderMapValue(mapType: MapType, key: string, value: string): WasmResult {
  const keyPtr = encodeUtf8(key, SLOT_KEY);
  const valuePtr = encodeUtf8(value, SLOT_VALUE);
  return proxy_add_header_map_value(
    mapType,
    keyPtr,
    encodedLength(SLOT_KEY),
    valuePtr,
    encodedLength(SLOT_VALUE),
  );
}

/** Removes every entry of `key`, then appends one entry `key: value`. */
// @ts-ignore: decorator
@inline
export function replaceHeaderMapValue(mapType: MapType, key: string, value: string): WasmResult {
  const keyPtr = encodeUtf8(key, SLOT_KEY);
  const valuePtr = encodeUtf8(value, SLOT_VALUE);
  return proxy_replace_header_map_value(
    mapType,
    keyPtr,
    encodedLength(SLOT_KEY),
    valuePtr,
    encodedLength(SLOT_VALUE),
  );
}

/** Removes every entry of `key` (Ok also when absent). */
// @ts-ignore: decorator
@inline
export function removeHeaderMapValue(mapType: MapType, key: string): WasmResult {
  const keyPtr = encodeUtf8(key, SLOT_KEY);
  return proxy_remove_header_map_value(mapType, keyPtr, encodedLength(SLOT_KEY));
}

/** Every entry in host order (duplicates kept); empty when the map is empty or unavailable. */
export function getHeaderMapPairs(mapType: MapType): HeaderPair[] {
  clearOutPair();
  const result = recordResult(proxy_get_header_map_pairs(mapType, OUT_PTR, OUT_SIZE));
  const ptr = <usize>load<u32>(OUT_PTR);
  const size = <usize>load<u32>(OUT_SIZE);
  if (result != WasmResult.Ok || ptr == 0) return [];
  const pairs = decodePairs(ptr, size);
  releaseHostBlock(ptr);
  return pairs;
}

/** Replaces the whole map (pseudo-headers included) with `pairs`. */
export function setHeaderMapPairs(mapType: MapType, pairs: HeaderPair[]): WasmResult {
  const encoded = encodePairs(pairs);
  return proxy_set_header_map_pairs(mapType, changetype<usize>(encoded), encoded.byteLength);
}

/** Envoy's byte size of the map (sum of key and value lengths); 0 when unavailable. */
export function getHeaderMapSize(mapType: MapType): u32 {
  store<u32>(OUT_U32, 0);
  const result = recordResult(proxy_get_header_map_size(mapType, OUT_U32));
  return result == WasmResult.Ok ? load<u32>(OUT_U32) : 0;
}
