// Garbage collection at callback boundaries. The preset builds plugins with AssemblyScript's
// `minimal` runtime: no incremental collector and no write barriers on the hot path; instead
// the SDK runs a full collection where it is safe and often enough.
//
// Safe: at the end of a callback export, when no managed reference is held on the wasm stack
// (hosts never re-enter a VM during a call, except for the allocator).
// Often enough: every `interval` callbacks, and at once when the heap had to grow (the
// allocator doubles memory when it runs out). The interval adapts: a collection forced by
// growth quarters it, so plugins that make much garbage per request collect more often and keep
// a small heap; a collection on schedule doubles it, up to MAX_INTERVAL. It starts small, so the
// first requests cannot inflate the heap before the interval has adapted.
// Built with another runtime (`--runtime incremental`), all of this compiles away.

/** Most callbacks between two collections (a request makes about five): bounds the garbage a heap holds. */
const MAX_INTERVAL: i32 = 256;
/** Fewest callbacks between two scheduled collections. */
const MIN_INTERVAL: i32 = 2;

let pagesAtLastCollection: i32 = memory.size();
let callbacksSinceCollection: i32 = 0;
let interval: i32 = MIN_INTERVAL; // ramps up while collections find the heap big enough

/** Collects garbage when due (minimal runtime only). Called last in every callback export. */
// @ts-ignore: decorator
@inline
export function collectAfterCallback(): void {
  if (ASC_RUNTIME == 1) {
    const grew = memory.size() != pagesAtLastCollection;
    if (grew || ++callbacksSinceCollection >= interval) collect(grew);
  }
}

function collect(grew: bool): void {
  if (grew) interval = max(interval >> 2, MIN_INTERVAL);
  else interval = min(interval << 1, MAX_INTERVAL);
  __collect();
  callbacksSinceCollection = 0;
  pagesAtLastCollection = memory.size();
}
