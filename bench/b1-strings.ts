// B1 written in AssemblyScript without the SDK but the way plugin code reads: header values as
// strings (decoded, measured, number formatted, encoded again), with the SDK's compiler preset
// (incremental GC runtime, WASI shim, abort reporting). `npm run bench` compiles it as a
// reference point between the raw floor (no strings, no GC) and the SDK: the size and time the
// language runtime alone costs for this job.
// @ts-ignore: decorator
@external("env", "proxy_get_header_map_value")
declare function getValue(map: i32, key: usize, keySize: usize, out: usize, outSize: usize): i32;
// @ts-ignore: decorator
@external("env", "proxy_add_header_map_value")
declare function addValue(map: i32, key: usize, keySize: usize, value: usize, size: usize): i32;

const OUT = memory.data(8, 4);

export function proxy_abi_version_0_2_1(): void {}

export function proxy_on_memory_allocate(size: usize): usize {
  return heap.alloc(size);
}

export function malloc(size: usize): usize {
  return heap.alloc(size);
}

export function proxy_on_context_create(context: u32, parent: u32): void {}

export function proxy_on_vm_start(context: u32, size: u32): u32 {
  return 1;
}

export function proxy_on_delete(context: u32): void {}

function addHeader(map: i32, name: string, value: string): void {
  const n = String.UTF8.encode(name);
  const v = String.UTF8.encode(value);
  addValue(map, changetype<usize>(n), n.byteLength, changetype<usize>(v), v.byteLength);
}

export function proxy_on_request_headers(context: u32, headers: u32, endOfStream: u32): u32 {
  const key = String.UTF8.encode("user-agent");
  let userAgent = "";
  if (getValue(0, changetype<usize>(key), key.byteLength, OUT, OUT + 4) == 0) {
    const ptr = load<usize>(OUT);
    userAgent = String.UTF8.decodeUnsafe(ptr, load<u32>(OUT, 4));
    heap.free(ptr);
  }
  addHeader(0, "x-ua-len", String.UTF8.byteLength(userAgent).toString());
  return 0;
}

export function proxy_on_response_headers(context: u32, headers: u32, endOfStream: u32): u32 {
  addHeader(2, "x-powered-by", "bench");
  return 0;
}
