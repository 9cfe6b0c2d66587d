// A body or data buffer as plugin code sees it: a stateless view over one host buffer.
// Nothing is copied until a read method is called.
import { BufferType, WasmResult } from "../abi/types";
import * as hostcalls from "../hostcalls/buffers";
import {
  bufferLength,
  bufferPtr,
  encodedLength,
  encodeUtf8,
  SLOT_VALUE,
} from "../hostcalls/memory";

/** "Everything from `start`": hosts clamp reads and treat a start past the end as append. */
const TO_END: u32 = 0xffffffff;

/**
 * One of the host's mutable byte buffers: the HTTP request or response body, or TCP
 * downstream/upstream data.
 *
 * Valid in the matching body/data callback. There it holds the current chunk, or the whole body
 * buffered so far when the previous body callback returned `StopIterationAndBuffer`. Edits follow
 * Envoy (reference §3.3): `set` replaces everything, `prepend` inserts at the front, `append` adds
 * at the end, `replacePrefix` replaces the first bytes; edits in the middle are not possible.
 */
export class Body {
  /** @param bufferType the host buffer this view reads and writes */
  constructor(public readonly bufferType: BufferType) {}

  /** Current size in bytes (0 when unavailable). */
  size(): u32 {
    return hostcalls.getBufferSize(this.bufferType);
  }

  /** Bytes from `start` (at most `maxLength`); empty when unavailable or out of range. */
  readBytes(start: u32 = 0, maxLength: u32 = TO_END): ArrayBuffer {
    const bytes = hostcalls.getBufferBytes(this.bufferType, start, maxLength);
    return bytes === null ? new ArrayBuffer(0) : bytes;
  }

  /** Like `readBytes`, decoded as UTF-8. */
  readString(start: u32 = 0, maxLength: u32 = TO_END): string {
    const text = hostcalls.getBufferString(this.bufferType, start, maxLength);
    return text === null ? "" : text;
  }

  /** Replaces the whole buffer with `data`. */
  set(data: ArrayBuffer): WasmResult {
    return hostcalls.setBufferBytes(
      this.bufferType,
      0,
      TO_END,
      bufferPtr(data),
      bufferLength(data),
    );
  }

  /** Replaces the whole buffer with the UTF-8 bytes of `text`. */
  setString(text: string): WasmResult {
    return this.editString(0, TO_END, text);
  }

  /** Inserts `data` at the front. */
  prepend(data: ArrayBuffer): WasmResult {
    return hostcalls.setBufferBytes(this.bufferType, 0, 0, bufferPtr(data), bufferLength(data));
  }

  /** Inserts the UTF-8 bytes of `text` at the front. */
  prependString(text: string): WasmResult {
    return this.editString(0, 0, text);
  }

  /** Adds `data` at the end. */
  append(data: ArrayBuffer): WasmResult {
    return hostcalls.setBufferBytes(
      this.bufferType,
      TO_END,
      0,
      bufferPtr(data),
      bufferLength(data),
    );
  }

  /** Adds the UTF-8 bytes of `text` at the end. */
  appendString(text: string): WasmResult {
    return this.editString(TO_END, 0, text);
  }

  /** Replaces the first `length` bytes with `data` (all of it when `length` ≥ size). */
  replacePrefix(length: u32, data: ArrayBuffer): WasmResult {
    return hostcalls.setBufferBytes(
      this.bufferType,
      0,
      length,
      bufferPtr(data),
      bufferLength(data),
    );
  }

  /** Replaces the first `length` bytes with the UTF-8 bytes of `text`. */
  replacePrefixString(length: u32, text: string): WasmResult {
    return this.editString(0, length, text);
  }

  private editString(start: u32, length: u32, text: string): WasmResult {
    const ptr = encodeUtf8(text, SLOT_VALUE);
    return hostcalls.setBufferBytes(this.bufferType, start, length, ptr, encodedLength(SLOT_VALUE));
  }
}

// @lazy: compiled into a plugin only when it uses this (a plain global is always compiled in).
/** Request body of the current HTTP stream. */
// @ts-ignore: decorator
@lazy
export const requestBody = new Body(BufferType.HttpRequestBody);
/** Response body of the current HTTP stream. */
// @ts-ignore: decorator
@lazy
export const responseBody = new Body(BufferType.HttpResponseBody);
/** Bytes from the client of the current TCP connection. */
// @ts-ignore: decorator
@lazy
export const downstreamData = new Body(BufferType.DownstreamData);
/** Bytes from the backend of the current TCP connection. */
// @ts-ignore: decorator
@lazy
export const upstreamData = new Body(BufferType.UpstreamData);
