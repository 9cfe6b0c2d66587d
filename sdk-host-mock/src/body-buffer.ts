import { WasmResult } from "./abi.js";

/**
 * A mutable byte buffer with Envoy `Buffer::copyFrom` semantics for `proxy_set_buffer_bytes`
 * (reference §3.3): start 0 → drain `length` bytes then prepend the data; start ≥ size → append
 * (length ignored); 0 < start < size → BadArgument.
 */
export class BodyBuffer {
  private data: Uint8Array;

  constructor(initial: Uint8Array = new Uint8Array(0)) {
    this.data = initial;
  }

  /** Current size. */
  get size(): number {
    return this.data.length;
  }

  /** The current bytes (do not mutate). */
  get bytes(): Uint8Array {
    return this.data;
  }

  /** `proxy_get_buffer_bytes` clamping: never an error, start ≥ size → empty. */
  read(start: number, maxLength: number): Uint8Array {
    start >>>= 0;
    maxLength >>>= 0;
    if (start >= this.data.length || maxLength === 0) return new Uint8Array(0);
    return this.data.slice(start, Math.min(this.data.length, start + maxLength));
  }

  /** Envoy `copyFrom` edit. */
  set(start: number, length: number, bytes: Uint8Array): WasmResult {
    start >>>= 0;
    length >>>= 0;
    if (start === 0) {
      const rest =
        length === 0 ? this.data : this.data.subarray(Math.min(length, this.data.length));
      this.data = concat(bytes, rest);
      return WasmResult.Ok;
    }
    if (start >= this.data.length) {
      this.data = concat(this.data, bytes);
      return WasmResult.Ok;
    }
    return WasmResult.BadArgument;
  }

  /** Appends bytes (host-side, e.g. a new chunk arriving). */
  append(bytes: Uint8Array): void {
    this.data = concat(this.data, bytes);
  }

  /** Replaces the contents. */
  replaceAll(bytes: Uint8Array): void {
    this.data = bytes;
  }
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** What `proxy_get_buffer_*` / `proxy_set_buffer_bytes` operate on. @internal */
export interface BufferLike {
  readonly size: number;
  read(start: number, maxLength: number): Uint8Array;
  set(start: number, length: number, bytes: Uint8Array): WasmResult;
}

/** A string-backed buffer (configuration, call response, call data): writes → BadArgument. */
export class ReadOnlyBuffer implements BufferLike {
  private readonly inner: BodyBuffer;
  constructor(bytes: Uint8Array) {
    this.inner = new BodyBuffer(bytes);
  }
  get size(): number {
    return this.inner.size;
  }
  read(start: number, maxLength: number): Uint8Array {
    return this.inner.read(start, maxLength);
  }
  set(): WasmResult {
    return WasmResult.BadArgument;
  }
}

/** Envoy's wrapper around a null buffer pointer: size 0, writes → BadArgument. */
export const NULL_BUFFER: BufferLike = new ReadOnlyBuffer(new Uint8Array(0));
