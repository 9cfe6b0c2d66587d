import { WasmResult } from "./abi.js";

const utf8Decoder = new TextDecoder();

/** Decodes UTF-8 bytes (invalid sequences become U+FFFD). */
export function utf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

const utf8Encoder = new TextEncoder();

/** Encodes a string as UTF-8. */
export function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === "string" ? utf8Encoder.encode(value) : value;
}

/**
 * A wasm i32 argument (JS passes it signed) as the unsigned 32-bit value cpp-host sees. Host
 * code must convert pointers with this BEFORE doing arithmetic on them (`u32(iovs) + i * 8`),
 * so that sums are computed on unsigned values and can exceed 2^32 (and fail the bounds check)
 * instead of wrapping around to a low address.
 */
export function u32(value: number): number {
  return value >>> 0;
}

/**
 * A guest address or length as given to {@link GuestMemory}: a raw wasm i32 argument (negative =
 * top bit set) or an offset the host computed from unsigned values. Returns -1 for anything that
 * is not a 32-bit unsigned value — in particular computed offsets ≥ 2^32, which cpp-host's 64-bit
 * `Word` arithmetic also rejects (out of bounds) rather than wrapping.
 */
function address(value: number): number {
  if (!Number.isInteger(value)) return -1;
  if (value < 0) return value >= -0x80000000 ? value >>> 0 : -1;
  return value <= 0xffffffff ? value : -1;
}

/**
 * Bounds-checked access to a module's linear memory (reference §1.7). Every method reports
 * failure as a boolean / null / `InvalidMemoryAccess` — never a JS exception — so a bad pointer
 * from the plugin is returned to the plugin and the host keeps running. Pointers and lengths
 * are raw i32 arguments or unsigned offsets (see {@link u32}); a range that does not lie entirely
 * inside memory — including one at or past 2^32 — is out of bounds, never wrapped.
 */
export class GuestMemory {
  private buffer: ArrayBuffer | null = null;
  private u8 = new Uint8Array(0);
  private dv = new DataView(new ArrayBuffer(0));

  /**
   * @param memory the instance's memory (exported or imported)
   * @param allocate calls the module allocator; returns 0 on failure
   */
  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly allocate: (size: number) => number,
  ) {}

  private sync(): void {
    const b = this.memory.buffer;
    if (b !== this.buffer) {
      this.buffer = b;
      this.u8 = new Uint8Array(b);
      this.dv = new DataView(b);
    }
  }

  /** Current memory size in bytes. */
  get size(): number {
    this.sync();
    return this.u8.length;
  }

  /** The start of `[ptr, ptr+len)` if the range lies inside memory, else -1. */
  private start(ptr: number, len: number): number {
    this.sync();
    const p = address(ptr);
    const n = address(len);
    if (p < 0 || n < 0 || p + n > this.u8.length) return -1;
    return p;
  }

  /** True when `[ptr, ptr+len)` lies inside memory. */
  inBounds(ptr: number, len: number): boolean {
    return this.start(ptr, len) >= 0;
  }

  /** Copies `len` bytes at `ptr`, or null if out of bounds. */
  read(ptr: number, len: number): Uint8Array | null {
    const p = this.start(ptr, len);
    if (p < 0) return null;
    return this.u8.slice(p, p + address(len));
  }

  /** Reads UTF-8 text at `ptr`, or null if out of bounds. */
  readString(ptr: number, len: number): string | null {
    const p = this.start(ptr, len);
    if (p < 0) return null;
    return utf8(this.u8.subarray(p, p + address(len)));
  }

  /** Reads a u32, or null if out of bounds. */
  readU32(ptr: number): number | null {
    const p = this.start(ptr, 4);
    if (p < 0) return null;
    return this.dv.getUint32(p, true);
  }

  /** Writes a u32 LE; false if out of bounds. */
  writeU32(ptr: number, value: number): boolean {
    const p = this.start(ptr, 4);
    if (p < 0) return false;
    this.dv.setUint32(p, value >>> 0, true);
    return true;
  }

  /** Writes a u64 LE; false if out of bounds. */
  writeU64(ptr: number, value: bigint): boolean {
    const p = this.start(ptr, 8);
    if (p < 0) return false;
    this.dv.setBigUint64(p, BigInt.asUintN(64, value), true);
    return true;
  }

  /** Writes bytes; false if out of bounds. */
  write(ptr: number, data: Uint8Array): boolean {
    const p = this.start(ptr, data.length);
    if (p < 0) return false;
    this.u8.set(data, p);
    return true;
  }

  /**
   * cpp-host `copyToPointerSize`: allocates `data.length` bytes with the module allocator,
   * copies the data and writes the pointer and size words. Zero-length data writes 0/0 without
   * calling the allocator. Failure (allocator returned 0 or an out-of-range block, bad output
   * pointers) → `InvalidMemoryAccess`.
   */
  copyOut(data: Uint8Array, ptrPtr: number, sizePtr: number): WasmResult {
    let pointer = 0;
    if (data.length > 0) {
      pointer = this.allocate(data.length);
      if (pointer === 0 || !this.write(pointer, data)) return WasmResult.InvalidMemoryAccess;
    }
    if (!this.writeU32(ptrPtr, pointer)) return WasmResult.InvalidMemoryAccess;
    if (!this.writeU32(sizePtr, data.length)) return WasmResult.InvalidMemoryAccess;
    return WasmResult.Ok;
  }
}
