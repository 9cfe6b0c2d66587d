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
 * Bounds-checked access to a module's linear memory (reference §1.7). Every method reports
 * failure as a boolean / null / `InvalidMemoryAccess` — never a JS exception — so a bad pointer
 * from the plugin is returned to the plugin and the host keeps running.
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

  /** True when `[ptr, ptr+len)` lies inside memory. */
  inBounds(ptr: number, len: number): boolean {
    this.sync();
    ptr >>>= 0;
    len >>>= 0;
    return ptr + len <= this.u8.length;
  }

  /** Copies `len` bytes at `ptr`, or null if out of bounds. */
  read(ptr: number, len: number): Uint8Array | null {
    if (!this.inBounds(ptr, len)) return null;
    ptr >>>= 0;
    return this.u8.slice(ptr, ptr + (len >>> 0));
  }

  /** Reads UTF-8 text at `ptr`, or null if out of bounds. */
  readString(ptr: number, len: number): string | null {
    if (!this.inBounds(ptr, len)) return null;
    ptr >>>= 0;
    return utf8(this.u8.subarray(ptr, ptr + (len >>> 0)));
  }

  /** Reads a u32, or null if out of bounds. */
  readU32(ptr: number): number | null {
    if (!this.inBounds(ptr, 4)) return null;
    return this.dv.getUint32(ptr >>> 0, true);
  }

  /** Writes a u32 LE; false if out of bounds. */
  writeU32(ptr: number, value: number): boolean {
    if (!this.inBounds(ptr, 4)) return false;
    this.dv.setUint32(ptr >>> 0, value >>> 0, true);
    return true;
  }

  /** Writes a u64 LE; false if out of bounds. */
  writeU64(ptr: number, value: bigint): boolean {
    if (!this.inBounds(ptr, 8)) return false;
    this.dv.setBigUint64(ptr >>> 0, BigInt.asUintN(64, value), true);
    return true;
  }

  /** Writes bytes; false if out of bounds. */
  write(ptr: number, data: Uint8Array): boolean {
    if (!this.inBounds(ptr, data.length)) return false;
    this.u8.set(data, ptr >>> 0);
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
