// Memory plumbing shared by every hostcall wrapper: the out-parameter slots the host writes
// into, the scratch areas strings are encoded into before a hostcall, and taking ownership of
// the blocks the host allocated through `malloc` / `proxy_on_memory_allocate`.
//
// None of this allocates garbage-collected objects on the hot path: strings passed to the host
// are encoded into reusable raw buffers, and host-allocated blocks are freed right after their
// bytes have been turned into the value the plugin asked for.

/** Out-parameter: pointer written by the host (u32 LE). */
export const OUT_PTR: usize = memory.data(4, 4);
/** Out-parameter: size written by the host (u32 LE). */
export const OUT_SIZE: usize = memory.data(4, 4);
/** Out-parameter: a u32 (ids, tokens, levels, CAS values, flags). */
export const OUT_U32: usize = memory.data(4, 4);
/** Out-parameter: a u64 (times, metric values). */
export const OUT_U64: usize = memory.data(8, 8);

/** Scratch slot for the first string argument of a hostcall (usually a key). */
export const SLOT_KEY: i32 = 0;
/** Scratch slot for the second string argument (usually a value). */
export const SLOT_VALUE: i32 = 1;
/** Scratch slot for a third string argument. */
export const SLOT_EXTRA: i32 = 2;

const SLOT_COUNT: i32 = 3;
const slotPtr = new StaticArray<usize>(SLOT_COUNT);
const slotCapacity = new StaticArray<usize>(SLOT_COUNT);
const slotLength = new StaticArray<usize>(SLOT_COUNT);

/**
 * Encodes `text` as UTF-8 into scratch slot `slot` and returns the pointer; the byte length is
 * then `encodedLength(slot)`. The bytes stay valid until the same slot is used again.
 */
export function encodeUtf8(text: string, slot: i32): usize {
  const worstCase = <usize>text.length * 3;
  let ptr = unchecked(slotPtr[slot]);
  if (worstCase > unchecked(slotCapacity[slot])) {
    const capacity = max<usize>(worstCase, 64);
    if (ptr != 0) heap.free(ptr);
    ptr = heap.alloc(capacity);
    unchecked((slotPtr[slot] = ptr));
    unchecked((slotCapacity[slot] = capacity));
  }
  unchecked(
    (slotLength[slot] = String.UTF8.encodeUnsafe(changetype<usize>(text), text.length, ptr)),
  );
  return ptr;
}

/** Byte length of the string last encoded into `slot`. */
// @ts-ignore: decorator
@inline
export function encodedLength(slot: i32): usize {
  return unchecked(slotLength[slot]);
}

/** Pointer of an ArrayBuffer's bytes (0 for an empty or null buffer). */
// @ts-ignore: decorator
@inline
export function bufferPtr(data: ArrayBuffer | null): usize {
  return data === null ? 0 : changetype<usize>(data);
}

/** Byte length of an ArrayBuffer (0 for null). */
// @ts-ignore: decorator
@inline
export function bufferLength(data: ArrayBuffer | null): usize {
  return data === null ? 0 : <usize>data.byteLength;
}

/** Clears the (pointer, size) out-parameters before a hostcall that may not write them. */
// @ts-ignore: decorator
@inline
export function clearOutPair(): void {
  store<u32>(OUT_PTR, 0);
  store<u32>(OUT_SIZE, 0);
}

/** Takes the host-allocated block named by the out-parameters as a string, and frees it. */
export function takeOutString(): string {
  const ptr = <usize>load<u32>(OUT_PTR);
  const size = <usize>load<u32>(OUT_SIZE);
  if (ptr == 0 || size == 0) return "";
  const text = String.UTF8.decodeUnsafe(ptr, size);
  heap.free(ptr);
  return text;
}

/** Takes the host-allocated block named by the out-parameters as bytes, and frees it. */
export function takeOutBytes(): ArrayBuffer {
  const ptr = <usize>load<u32>(OUT_PTR);
  const size = <usize>load<u32>(OUT_SIZE);
  const bytes = new ArrayBuffer(<i32>size);
  if (ptr != 0) {
    memory.copy(changetype<usize>(bytes), ptr, size);
    heap.free(ptr);
  }
  return bytes;
}

/** Frees the host-allocated block named by the out-parameters without reading it. */
export function discardOut(): void {
  const ptr = <usize>load<u32>(OUT_PTR);
  if (ptr != 0) heap.free(ptr);
}

/** Allocator the host calls to hand data to the plugin (reference §1.7). */
export function allocateForHost(size: usize): usize {
  return heap.alloc(size);
}

/** The u32 out-parameter written by the last hostcall (id, token, CAS, level). */
// @ts-ignore: decorator
@inline
export function outU32(): u32 {
  return load<u32>(OUT_U32);
}

/** The u64 out-parameter written by the last hostcall (time, metric value). */
// @ts-ignore: decorator
@inline
export function outU64(): u64 {
  return load<u64>(OUT_U64);
}
