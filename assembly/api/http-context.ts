// The HTTP stream context: one per request/response exchange.
import {
  FilterDataStatus,
  FilterHeadersStatus,
  FilterTrailersStatus,
  GrpcStatus,
  StreamType,
  WasmResult,
} from "../abi/types";
import * as streamControl from "../hostcalls/stream-control";
import { HeaderPair } from "../util/pairs";
import { BaseContext, ContextKind } from "./base-context";
import { Body, requestBody, responseBody } from "./body";
import {
  HeaderMap,
  requestHeaders,
  requestTrailers,
  responseHeaders,
  responseTrailers,
} from "./header-map";
import { RootContext } from "./root-context";

/**
 * Context of one HTTP stream. Extend it and override the callbacks the plugin needs; each
 * default continues. Created by `RootContext.createHttpContext`. Keep per-request state in
 * fields: every stream gets its own instance.
 *
 * Callback order (Envoy): onRequestHeaders → onRequestBody* → onRequestTrailers →
 * onResponseHeaders → onResponseBody* → onResponseTrailers → onLog → onDone → onDelete.
 */
export class HttpContext extends BaseContext {
  /** @param id the host's id for this stream @param root the plugin's root context */
  constructor(
    id: u32,
    public readonly root: RootContext,
  ) {
    super(id, ContextKind.Http);
  }

  /** Request headers arrived (`endOfStream`: no body follows). Read/edit `requestHeaders`. */
  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    return FilterHeadersStatus.Continue;
  }

  /** A request body chunk arrived (`bodySize` bytes readable through `requestBody`). */
  onRequestBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    return FilterDataStatus.Continue;
  }

  /** Request trailers arrived (`requestTrailers`). */
  onRequestTrailers(numTrailers: u32): FilterTrailersStatus {
    return FilterTrailersStatus.Continue;
  }

  /** Response headers arrived (`endOfStream`: no body follows). Read/edit `responseHeaders`. */
  onResponseHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    return FilterHeadersStatus.Continue;
  }

  /** A response body chunk arrived (`bodySize` bytes readable through `responseBody`). */
  onResponseBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    return FilterDataStatus.Continue;
  }

  /** Response trailers arrived (`responseTrailers`). */
  onResponseTrailers(numTrailers: u32): FilterTrailersStatus {
    return FilterTrailersStatus.Continue;
  }

  /** The stream is complete (access-log phase): headers readable, not writable. */
  onLog(): void {}

  /** The host is done with the stream (after onLog on Envoy). */
  onDone(): void {}

  /** Last call for this context. */
  onDelete(): void {}

  /** Request headers: valid from onRequestHeaders until the request continues; read-only in onLog. */
  get requestHeaders(): HeaderMap {
    return requestHeaders;
  }

  /** Request trailers: valid in onRequestTrailers (or created from the last onRequestBody). */
  get requestTrailers(): HeaderMap {
    return requestTrailers;
  }

  /** Response headers: valid in onResponseHeaders (and while paused there); read-only in onLog. */
  get responseHeaders(): HeaderMap {
    return responseHeaders;
  }

  /** Response trailers: valid in onResponseTrailers (or created from the last onResponseBody). */
  get responseTrailers(): HeaderMap {
    return responseTrailers;
  }

  /** Request body: valid in onRequestBody. */
  get requestBody(): Body {
    return requestBody;
  }

  /** Response body: valid in onResponseBody. */
  get responseBody(): Body {
    return responseBody;
  }

  /**
   * Answers the request from the plugin instead of the upstream (sent after the callback
   * returns; the callback's return value is then ignored). `headers` are added to the reply,
   * `details` becomes the response-code details (spaces become `_`), `grpcStatus` adds a gRPC
   * status when not `GrpcStatus.None`. Valid in request callbacks and response headers.
   */
  sendLocalResponse(
    statusCode: u32,
    body: string = "",
    headers: HeaderPair[] | null = null,
    details: string = "",
    grpcStatus: GrpcStatus = GrpcStatus.None,
  ): WasmResult {
    return streamControl.sendLocalResponse(
      statusCode,
      details,
      String.UTF8.encode(body),
      headers,
      grpcStatus,
    );
  }

  /** `sendLocalResponse` with a binary body. */
  sendLocalResponseBytes(
    statusCode: u32,
    body: ArrayBuffer,
    headers: HeaderPair[] | null = null,
    details: string = "",
    grpcStatus: GrpcStatus = GrpcStatus.None,
  ): WasmResult {
    return streamControl.sendLocalResponse(statusCode, details, body, headers, grpcStatus);
  }

  /**
   * Resumes a request paused by a headers/body/trailers callback; it continues after the current
   * callback returns. Valid in any later callback of this stream, or from a root callback after
   * the effective context was set to this stream.
   */
  continueRequest(): WasmResult {
    return streamControl.continueStream(StreamType.HttpRequest);
  }

  /** Resumes a paused response after the current callback returns. Valid as `continueRequest`. */
  continueResponse(): WasmResult {
    return streamControl.continueStream(StreamType.HttpResponse);
  }

  /**
   * Resets the stream: no reply is sent (Envoy sets details `wasm_close_stream`). Valid in any
   * callback of this stream. To answer the client instead, use `sendLocalResponse`.
   */
  resetStream(): WasmResult {
    return streamControl.closeStream(StreamType.HttpRequest);
  }
}
