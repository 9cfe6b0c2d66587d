// Whole-body transformation for HTTP: buffer a request or response body until end_of_stream,
// then read and replace it at once — with Content-Length dropped up front (pitfall P2) and a
// size cap instead of unbounded buffering (pitfall Q7).
import {
  BufferType,
  FilterDataStatus,
  FilterHeadersStatus,
  GrpcStatus,
  MapType,
  WasmResult,
} from "../abi/types";
import * as buffers from "../hostcalls/buffers";
import * as headerMaps from "../hostcalls/header-maps";
import * as streamControl from "../hostcalls/stream-control";
import {
  bufferLength,
  bufferPtr,
  encodedLength,
  encodeUtf8,
  SLOT_VALUE,
} from "../hostcalls/memory";
import { JsonParseResult, JsonValue, parseJson } from "../util/json";
import { stringifyJson } from "../util/json-write";
import { HeaderPair } from "../util/pairs";

const WHOLE: u32 = 0xffffffff;

/** Which body a `BufferedBody` collects. */
export enum BodyDirection {
  /** The request body (`onRequestHeaders` / `onRequestBody`). */
  Request = 0,
  /** The response body (`onResponseHeaders` / `onResponseBody`). */
  Response = 1,
}

/** Where a `BufferedBody` stands. */
export enum BodyState {
  /** Headers not seen yet, or chunks are being collected. */
  Buffering = 0,
  /** The whole body is in the buffer (the callback that saw end_of_stream): read and replace it now. */
  Complete = 1,
  /** The body exceeded the cap: a request was answered with 413; a response is passed through unchanged. */
  TooLarge = 2,
  /** There is no body (headers had end_of_stream). */
  NoBody = 3,
}

/**
 * Collects one HTTP body so it can be transformed whole. Keep one per stream as a field of the
 * `HttpContext`, and forward the two callbacks of its direction to it:
 *
 *   body: BufferedBody = new BufferedBody(BodyDirection.Response, 64 * 1024);
 *   onResponseHeaders(n: u32, endOfStream: bool): FilterHeadersStatus {
 *     return this.body.onHeaders(endOfStream);
 *   }
 *   onResponseBody(size: u32, endOfStream: bool): FilterDataStatus {
 *     const status = this.body.onBody(size, endOfStream);
 *     if (this.body.state == BodyState.Complete) this.body.replaceString(this.body.readString().toUpperCase());
 *     return status;
 *   }
 *
 * `onHeaders` removes `content-length` when a body follows, because the transformed body may
 * have another length (Envoy then sends it chunked / framed; pitfall P2). A request whose
 * declared or buffered size exceeds `maxBytes` is answered 413 (`details`
 * `request_payload_too_large`). A response over the cap cannot be answered any more (its
 * headers already went downstream, pitfall P1): it is passed through unchanged and `state` is
 * TooLarge. Bodies followed by trailers (gRPC) never see end_of_stream in a body callback and
 * are not supported. Nothing is read from the host until `readBytes` / `readString` / `readJson`.
 */
export class BufferedBody {
  /** Where collection stands; `Complete` only during the callback that saw the end. */
  state: BodyState = BodyState.Buffering;
  private passThrough: bool = false;

  /**
   * @param direction the request or the response body
   * @param maxBytes the most bytes buffered (default 1 MiB)
   */
  constructor(
    public readonly direction: BodyDirection,
    public readonly maxBytes: u32 = 1 << 20,
  ) {}

  private get bufferType(): BufferType {
    return this.direction == BodyDirection.Request
      ? BufferType.HttpRequestBody
      : BufferType.HttpResponseBody;
  }

  private get mapType(): MapType {
    return this.direction == BodyDirection.Request
      ? MapType.RequestHeaders
      : MapType.ResponseHeaders;
  }

  /**
   * Call from `onRequestHeaders` / `onResponseHeaders` (matching the direction) and return its
   * result. Without a body: NoBody, Continue. Otherwise removes `content-length`; a request
   * declaring more than `maxBytes` is answered 413 right away; a response declaring more keeps
   * its `content-length`, passes unchanged, and `state` is TooLarge already here — the last
   * moment a plugin can still answer with its own local reply instead.
   */
  onHeaders(endOfStream: bool): FilterHeadersStatus {
    if (endOfStream) {
      this.state = BodyState.NoBody;
      return FilterHeadersStatus.Continue;
    }
    const declared = headerMaps.getHeaderMapValue(this.mapType, "content-length");
    if (declared !== null) {
      if (exceeds(declared, this.maxBytes)) {
        if (this.direction == BodyDirection.Request) {
          this.rejectRequest();
          return FilterHeadersStatus.StopIteration;
        }
        // Still in the response headers: the plugin may answer instead (e.g. 502); otherwise
        // the body passes unchanged, so content-length stays.
        this.state = BodyState.TooLarge;
        this.passThrough = true;
        return FilterHeadersStatus.Continue;
      }
      headerMaps.removeHeaderMapValue(this.mapType, "content-length");
    }
    this.state = BodyState.Buffering;
    return FilterHeadersStatus.Continue;
  }

  /**
   * Call from `onRequestBody` / `onResponseBody` and return its result: StopIterationAndBuffer
   * while collecting; at the end `state` becomes Complete (transform now) and the result is
   * Continue, which forwards the (replaced) whole body. Over the cap: see the class comment.
   */
  onBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    if (this.passThrough) return FilterDataStatus.Continue;
    if (this.state == BodyState.TooLarge) return FilterDataStatus.StopIterationNoBuffer;
    if (bodySize > this.maxBytes) {
      this.state = BodyState.TooLarge;
      if (this.direction == BodyDirection.Request) {
        this.rejectRequest();
        return FilterDataStatus.StopIterationNoBuffer;
      }
      this.passThrough = true;
      return FilterDataStatus.Continue;
    }
    if (!endOfStream) {
      this.state = BodyState.Buffering;
      return FilterDataStatus.StopIterationAndBuffer;
    }
    this.state = BodyState.Complete;
    return FilterDataStatus.Continue;
  }

  /** The whole body (when Complete); empty when unavailable (`lastResult()` tells why). */
  readBytes(): ArrayBuffer {
    const bytes = buffers.getBufferBytes(this.bufferType, 0, WHOLE);
    return bytes === null ? new ArrayBuffer(0) : bytes;
  }

  /** The whole body as UTF-8 text (when Complete). */
  readString(): string {
    const text = buffers.getBufferString(this.bufferType, 0, WHOLE);
    return text === null ? "" : text;
  }

  /** The whole body parsed as JSON (when Complete); check `ok` / `error` of the result. */
  readJson(): JsonParseResult {
    return parseJson(this.readString());
  }

  /** Replaces the whole body with `data` (when Complete). Returns Ok, or the host's error. */
  replaceBytes(data: ArrayBuffer): WasmResult {
    return buffers.setBufferBytes(this.bufferType, 0, WHOLE, bufferPtr(data), bufferLength(data));
  }

  /** Replaces the whole body with the UTF-8 bytes of `text` (when Complete). */
  replaceString(text: string): WasmResult {
    const ptr = encodeUtf8(text, SLOT_VALUE);
    return buffers.setBufferBytes(this.bufferType, 0, WHOLE, ptr, encodedLength(SLOT_VALUE));
  }

  /** Replaces the whole body with `value` serialized as compact JSON (when Complete). */
  replaceJson(value: JsonValue): WasmResult {
    return this.replaceString(stringifyJson(value));
  }

  private rejectRequest(): void {
    this.state = BodyState.TooLarge;
    const headers: HeaderPair[] = [new HeaderPair("content-type", "text/plain")];
    streamControl.sendLocalResponse(
      413,
      "request_payload_too_large",
      String.UTF8.encode("Payload Too Large"),
      headers,
      GrpcStatus.None,
    );
  }
}

/** True when the decimal `text` is a number above `limit` (anything else: false; the host checks it). */
function exceeds(text: string, limit: u32): bool {
  if (text.length == 0) return false;
  let n: u64 = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
    n = n * 10 + <u64>(c - 0x30);
    if (n > <u64>limit) return true;
  }
  return false;
}
