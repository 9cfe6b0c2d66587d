// Shared data and shared queue hostcalls (reference §3.8, §6.10, §6.11). Wrappers return the
// host's WasmResult; outputs (value bytes, CAS, token) are then read from the out-parameters
// with `takeOutBytes()` / `outU32()` of ./memory.
import { WasmResult } from "../abi/types";
import {
  bufferLength,
  bufferPtr,
  clearOutPair,
  encodedLength,
  encodeUtf8,
  OUT_PTR,
  OUT_SIZE,
  OUT_U32,
  SLOT_KEY,
  SLOT_VALUE,
} from "./memory";

// @ts-ignore: decorator
@external("env", "proxy_get_shared_data")
declare function proxy_get_shared_data(
  keyPtr: usize,
  keySize: usize,
  outValuePtr: usize,
  outValueSize: usize,
  outCas: usize,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_set_shared_data")
declare function proxy_set_shared_data(
  keyPtr: usize,
  keySize: usize,
  valuePtr: usize,
  valueSize: usize,
  cas: u32,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_register_shared_queue")
declare function proxy_register_shared_queue(
  namePtr: usize,
  nameSize: usize,
  outToken: usize,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_resolve_shared_queue")
declare function proxy_resolve_shared_queue(
  vmIdPtr: usize,
  vmIdSize: usize,
  namePtr: usize,
  nameSize: usize,
  outToken: usize,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_enqueue_shared_queue")
declare function proxy_enqueue_shared_queue(
  token: u32,
  valuePtr: usize,
  valueSize: usize,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_dequeue_shared_queue")
declare function proxy_dequeue_shared_queue(
  token: u32,
  outValuePtr: usize,
  outValueSize: usize,
): WasmResult;

/** Reads `key` (value → out pair, CAS → OUT_U32). NotFound when absent. */
export function getSharedData(key: string): WasmResult {
  const keyPtr = encodeUtf8(key, SLOT_KEY);
  clearOutPair();
  store<u32>(OUT_U32, 0);
  return proxy_get_shared_data(keyPtr, encodedLength(SLOT_KEY), OUT_PTR, OUT_SIZE, OUT_U32);
}

/** Writes `key`; `cas` 0 writes unconditionally, else CasMismatch when stale. */
export function setSharedData(key: string, value: ArrayBuffer | null, cas: u32): WasmResult {
  const keyPtr = encodeUtf8(key, SLOT_KEY);
  return proxy_set_shared_data(
    keyPtr,
    encodedLength(SLOT_KEY),
    bufferPtr(value),
    bufferLength(value),
    cas,
  );
}

/** Registers (or re-opens) queue `name` for this root (token → OUT_U32). */
export function registerSharedQueue(name: string): WasmResult {
  const namePtr = encodeUtf8(name, SLOT_KEY);
  store<u32>(OUT_U32, 0);
  return proxy_register_shared_queue(namePtr, encodedLength(SLOT_KEY), OUT_U32);
}

/** Finds queue `name` of `vmId` ("" = own VM id) (token → OUT_U32). NotFound when absent. */
export function resolveSharedQueue(vmId: string, name: string): WasmResult {
  const vmIdPtr = encodeUtf8(vmId, SLOT_KEY);
  const namePtr = encodeUtf8(name, SLOT_VALUE);
  store<u32>(OUT_U32, 0);
  return proxy_resolve_shared_queue(
    vmIdPtr,
    encodedLength(SLOT_KEY),
    namePtr,
    encodedLength(SLOT_VALUE),
    OUT_U32,
  );
}

/** Appends `value` to queue `token`. NotFound for an unknown token. */
export function enqueueSharedQueue(token: u32, value: ArrayBuffer | null): WasmResult {
  return proxy_enqueue_shared_queue(token, bufferPtr(value), bufferLength(value));
}

/** Pops the front of queue `token` (value → out pair). Empty when there is none. */
export function dequeueSharedQueue(token: u32): WasmResult {
  clearOutPair();
  return proxy_dequeue_shared_queue(token, OUT_PTR, OUT_SIZE);
}
