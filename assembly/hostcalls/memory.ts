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
// Per-slot state in static memory (plain loads and stores on the hot path: no bounds checks, no
// object indirection). Each table holds one usize per slot.
const slotPtr: usize = memory.data(SLOT_COUNT * sizeof<usize>(), sizeof<usize>());
const slotCapacity: usize = memory.data(SLOT_COUNT * sizeof<usize>(), sizeof<usize>());
const slotLength: usize = memory.data(SLOT_COUNT * sizeof<usize>(), sizeof<usize>());
/** Where the string last encoded into each slot is (the slot buffer, or a literal's cache entry). */
const slotLast: usize = memory.data(SLOT_COUNT * sizeof<usize>(), sizeof<usize>());

// String literals live in static memory (below `__data_end`): immutable and never freed, so
// their UTF-8 bytes are cached and header names such as "user-agent" are encoded once per VM
// instead of once per call. Each scratch slot has its own direct-mapped cache (by address), so
// the strings of one hostcall, which always use different slots, never evict each other.
const LITERAL_CACHE_BITS: i32 = 4;
const LITERAL_CACHE_SIZE: i32 = 1 << LITERAL_CACHE_BITS;
const LITERAL_ENTRIES: i32 = SLOT_COUNT * LITERAL_CACHE_SIZE;
const literalSource: usize = memory.data(LITERAL_ENTRIES * sizeof<usize>(), sizeof<usize>());
const literalPtr: usize = memory.data(LITERAL_ENTRIES * sizeof<usize>(), sizeof<usize>());
const literalLength: usize = memory.data(LITERAL_ENTRIES * sizeof<usize>(), sizeof<usize>());

/** UTF-16 code units of the string at `source` (from its object header, as `String#length`). */
// @ts-ignore: decorator
@inline
function lengthOf(source: usize): usize {
  return <usize>(load<u32>(source - 4) >> 1);
}

/** Byte offset of entry `index` in one of the tables above. */
// @ts-ignore: decorator
@inline
function at(index: i32): usize {
  return (<usize>index) << alignof<usize>();
}

// The encoders take the string's address rather than the string: a function with a managed
// parameter gets a shadow-stack frame (AssemblyScript's incremental GC), and these run for every
// string a hostcall passes. The caller holds the string alive.
function encodeLiteral(source: usize, slot: i32): usize {
  const entry = at(
    (slot << LITERAL_CACHE_BITS) + <i32>((source >> 4) & (<usize>(LITERAL_CACHE_SIZE - 1))),
  );
  let ptr = load<usize>(literalPtr + entry);
  if (load<usize>(literalSource + entry) != source) {
    if (ptr != 0) heap.free(ptr);
    const length = lengthOf(source);
    ptr = heap.alloc(max<usize>(length * 3, 1));
    store<usize>(literalPtr + entry, ptr);
    store<usize>(literalLength + entry, String.UTF8.encodeUnsafe(source, <i32>length, ptr));
    store<usize>(literalSource + entry, source);
  }
  store<usize>(slotLength + at(slot), load<usize>(literalLength + entry));
  store<usize>(slotLast + at(slot), ptr);
  return ptr;
}

/**
 * Encodes `text` as UTF-8 and returns the pointer; the byte length is then
 * `encodedLength(slot)`. The bytes stay valid until the same slot is used again.
 */
// @ts-ignore: decorator
@inline
export function encodeUtf8(text: string, slot: i32): usize {
  return encodeAt(changetype<usize>(text), slot);
}

function encodeAt(source: usize, slot: i32): usize {
  if (source < __data_end) return encodeLiteral(source, slot);
  const length = lengthOf(source);
  const worstCase = length * 3;
  const offset = at(slot);
  let ptr = load<usize>(slotPtr + offset);
  if (worstCase > load<usize>(slotCapacity + offset)) {
    const capacity = max<usize>(worstCase, 64);
    if (ptr != 0) heap.free(ptr);
    ptr = heap.alloc(capacity);
    store<usize>(slotPtr + offset, ptr);
    store<usize>(slotCapacity + offset, capacity);
  }
  store<usize>(slotLength + offset, String.UTF8.encodeUnsafe(source, <i32>length, ptr));
  store<usize>(slotLast + offset, ptr);
  return ptr;
}

/** Pointer of the bytes of the string last encoded into `slot`. */
// @ts-ignore: decorator
@inline
export function encodedPtr(slot: i32): usize {
  return load<usize>(slotLast + at(slot));
}

/** Byte length of the string last encoded into `slot`. */
// @ts-ignore: decorator
@inline
export function encodedLength(slot: i32): usize {
  return load<usize>(slotLength + at(slot));
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

// Blocks the host asks for (`malloc` / `proxy_on_memory_allocate`) are consumed by the wrapper
// that made the hostcall before any other hostcall, so a small one is served from a static
// buffer: no heap traffic for typical header values. A second block while the first is still
// held, or a large one, comes from the heap.
const HOST_SCRATCH_SIZE: usize = 1024;
const hostScratch: usize = memory.data(<i32>HOST_SCRATCH_SIZE, 16);
let hostScratchInUse: bool = false;

/** Allocator the host calls to hand data to the plugin (reference §1.7). */
export function allocateForHost(size: usize): usize {
  if (size <= HOST_SCRATCH_SIZE && !hostScratchInUse) {
    hostScratchInUse = true;
    return hostScratch;
  }
  return heap.alloc(size);
}

/** Gives back a block the host allocated, once its bytes have been consumed. */
export function releaseHostBlock(ptr: usize): void {
  if (ptr == hostScratch) hostScratchInUse = false;
  else if (ptr != 0) heap.free(ptr);
}

/**
 * Clears the (pointer, size) out-parameters before a hostcall that returns a block. A block
 * of an earlier hostcall that was never consumed is abandoned here.
 */
export function clearOutPair(): void {
  store<u32>(OUT_PTR, 0);
  store<u32>(OUT_SIZE, 0);
  hostScratchInUse = false;
}

/** Takes the host-allocated block named by the out-parameters as a string, and releases it. */
export function takeOutString(): string {
  const ptr = <usize>load<u32>(OUT_PTR);
  const size = <usize>load<u32>(OUT_SIZE);
  if (ptr == 0) return "";
  if (ptr != hostScratch) return takeHeapString(ptr, size);
  // The scratch buffer can be released before decoding: nothing writes it until the next
  // hostcall. (No string local here keeps this function free of a shadow-stack frame.)
  hostScratchInUse = false;
  return size == 0 ? "" : String.UTF8.decodeUnsafe(ptr, size);
}

function takeHeapString(ptr: usize, size: usize): string {
  const text = size == 0 ? "" : String.UTF8.decodeUnsafe(ptr, size);
  heap.free(ptr);
  return text;
}

/** Takes the host-allocated block named by the out-parameters as bytes, and releases it. */
export function takeOutBytes(): ArrayBuffer {
  const ptr = <usize>load<u32>(OUT_PTR);
  const size = <usize>load<u32>(OUT_SIZE);
  const bytes = new ArrayBuffer(<i32>size);
  if (ptr != 0) {
    memory.copy(changetype<usize>(bytes), ptr, size);
    releaseHostBlock(ptr);
  }
  return bytes;
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
