// HTTP callouts (reference §3.6, §5.4, §6.7): a request builder, a handler class bound to the
// context that made the call, and the response view the handler reads.
//
//   class CheckDone extends HttpCallHandler<AuthzContext> {
//     onResponse(ctx: AuthzContext, response: HttpCallResponse): void { … ctx.continueRequest(); }
//     onFailure(ctx: AuthzContext, failure: CalloutStatus): void { ctx.sendLocalResponse(503); }
//   }
//   const checkDone = new CheckDone(); // handlers hold no per-call state: one instance serves all
//   httpCall(this, "authz", HttpCallRequest.get("authz.local", "/check"), checkDone);
import { BufferType, MapType, WasmResult } from "../abi/types";
import * as buffers from "../hostcalls/buffers";
import * as callouts from "../hostcalls/callouts";
import { outU32 } from "../hostcalls/memory";
import {
  addCallout,
  enterOrigin,
  findCallout,
  forgetCallout,
  PendingCallout,
} from "../dispatcher/pending-callouts";
import { HeaderPair } from "../util/pairs";
import { BaseContext } from "./base-context";
import { calloutStatus, CalloutStatus } from "./callout-status";
import { HeaderMap } from "./header-map";

/** Timeout of an `HttpCallRequest` unless `setTimeout` changes it (Envoy's 0 means none). */
export const DEFAULT_HTTP_CALL_TIMEOUT_MS: u32 = 5000;

const WHOLE: u32 = 0xffffffff;

/**
 * An outgoing HTTP request for `httpCall`. Envoy requires `:method`, `:path` and `:authority`
 * (pitfall C1): the constructor sets all three. Setters return the request, so calls chain:
 *
 *   HttpCallRequest.post("logs.internal", "/batch").setHeader("content-type", "text/plain")
 *     .setBodyString(lines).setTimeout(2000)
 */
export class HttpCallRequest {
  /** Request headers in order, pseudo-headers first. */
  headers: HeaderPair[];
  /** Request body, or null for none (Envoy adds `content-length` for a non-empty body). */
  body: ArrayBuffer | null = null;
  /** Request trailers, or null for none. */
  trailers: HeaderPair[] | null = null;
  /** Milliseconds until Envoy gives up (answered as a 504 response); 0 = no timeout. */
  timeoutMs: u32 = DEFAULT_HTTP_CALL_TIMEOUT_MS;

  /**
   * @param method `:method`, e.g. "GET"
   * @param authority `:authority` (the Host the upstream sees; not the cluster name)
   * @param path `:path`, with the query string
   */
  constructor(method: string, authority: string, path: string) {
    this.headers = [
      new HeaderPair(":method", method),
      new HeaderPair(":path", path),
      new HeaderPair(":authority", authority),
    ];
  }

  /** A GET request. */
  static get(authority: string, path: string): HttpCallRequest {
    return new HttpCallRequest("GET", authority, path);
  }

  /** A POST request (add the body with `setBody`/`setBodyString`). */
  static post(authority: string, path: string): HttpCallRequest {
    return new HttpCallRequest("POST", authority, path);
  }

  /** Sets `:method`. */
  setMethod(method: string): HttpCallRequest {
    return this.setHeader(":method", method);
  }

  /** Sets `:path`. */
  setPath(path: string): HttpCallRequest {
    return this.setHeader(":path", path);
  }

  /** Sets `:authority`. */
  setAuthority(authority: string): HttpCallRequest {
    return this.setHeader(":authority", authority);
  }

  /** Appends a header, keeping existing entries of `name`. */
  addHeader(name: string, value: string): HttpCallRequest {
    this.headers.push(new HeaderPair(name, value));
    return this;
  }

  /** Sets `name` to exactly `value` (replaces the first entry, removes the others). */
  setHeader(name: string, value: string): HttpCallRequest {
    const lower = name.toLowerCase();
    let found = false;
    const kept = new Array<HeaderPair>();
    for (let i = 0; i < this.headers.length; i++) {
      const pair = unchecked(this.headers[i]);
      if (pair.name.toLowerCase() != lower) kept.push(pair);
      else if (!found) {
        found = true;
        kept.push(new HeaderPair(pair.name, value));
      }
    }
    if (!found) kept.push(new HeaderPair(name, value));
    this.headers = kept;
    return this;
  }

  /** The first value of header `name`, or null. */
  getHeader(name: string): string | null {
    const lower = name.toLowerCase();
    for (let i = 0; i < this.headers.length; i++) {
      const pair = unchecked(this.headers[i]);
      if (pair.name.toLowerCase() == lower) return pair.value;
    }
    return null;
  }

  /** Sets the body bytes. */
  setBody(body: ArrayBuffer): HttpCallRequest {
    this.body = body;
    return this;
  }

  /** Sets the body to the UTF-8 bytes of `text`. */
  setBodyString(text: string): HttpCallRequest {
    this.body = String.UTF8.encode(text);
    return this;
  }

  /** Appends a trailer. */
  addTrailer(name: string, value: string): HttpCallRequest {
    let trailers = this.trailers;
    if (trailers === null) {
      trailers = new Array<HeaderPair>();
      this.trailers = trailers;
    }
    trailers.push(new HeaderPair(name, value));
    return this;
  }

  /** Sets the timeout in milliseconds; 0 = none (a paused stream may then wait forever). */
  setTimeout(timeoutMs: u32): HttpCallRequest {
    this.timeoutMs = timeoutMs;
    return this;
  }
}

/**
 * The response to an HTTP callout, as the handler sees it. Valid only inside
 * `HttpCallHandler.onResponse`: the host drops headers, body and trailers when the callback
 * returns (reads afterwards give null / empty). Nothing is copied until a reader is called.
 */
export class HttpCallResponse {
  /** Number of response headers (`:status` included). */
  numHeaders: u32 = 0;
  /** Size of the whole response body in bytes. */
  bodySize: u32 = 0;
  /** Number of response trailers (0 when none). */
  numTrailers: u32 = 0;
  /** Response headers (read-only). */
  readonly headers: HeaderMap = new HeaderMap(MapType.HttpCallResponseHeaders);
  /** Response trailers (read-only). */
  readonly trailers: HeaderMap = new HeaderMap(MapType.HttpCallResponseTrailers);
  // `:status` parsed on first use (-1: not read yet for this response).
  private statusCode: i32 = -1;

  /** @internal Points the view at a new response. */
  reset(numHeaders: u32, bodySize: u32, numTrailers: u32): HttpCallResponse {
    this.numHeaders = numHeaders;
    this.bodySize = bodySize;
    this.numTrailers = numTrailers;
    this.statusCode = -1;
    return this;
  }

  /**
   * The `:status` code, or 0 when missing or not a number (read from the host once per
   * response). A timeout of the call arrives as Envoy's own 504 "upstream request timeout", a
   * connection failure as 503 (reference §6.7).
   */
  get status(): u32 {
    if (this.statusCode < 0) this.statusCode = <i32>parseStatus(this.headers.get(":status"));
    return <u32>this.statusCode;
  }

  /** The body bytes (empty when there is none). */
  body(): ArrayBuffer {
    if (this.bodySize == 0) return new ArrayBuffer(0);
    const bytes = buffers.getBufferBytes(BufferType.HttpCallResponseBody, 0, WHOLE);
    return bytes === null ? new ArrayBuffer(0) : bytes;
  }

  /** The body decoded as UTF-8 ("" when there is none). */
  bodyString(): string {
    if (this.bodySize == 0) return "";
    const text = buffers.getBufferString(BufferType.HttpCallResponseBody, 0, WHOLE);
    return text === null ? "" : text;
  }
}

/** A 3-digit status code, or 0. */
function parseStatus(text: string | null): u32 {
  if (text === null || text.length == 0 || text.length > 3) return 0;
  let code: u32 = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = <u32>text.charCodeAt(i) - 48;
    if (digit > 9) return 0;
    code = code * 10 + digit;
  }
  return code;
}

/** The one response view handed to handlers, created at the first response. */
let callResponse: HttpCallResponse | null = null;

/** @internal The non-generic face of `HttpCallHandler`, which the token map stores. */
export abstract class HttpCallDelivery {
  /** @internal */
  abstract deliverResponse(origin: BaseContext, response: HttpCallResponse): void;
  /** @internal */
  abstract deliverFailure(origin: BaseContext, failure: CalloutStatus): void;
}

/**
 * Receives the outcome of HTTP callouts made by a context of type `C`. Extend it and implement
 * both methods; `C` is the class of the context passed to `httpCall`, so the methods get it
 * typed, without casts. The SDK calls them with that context as the effective context, so
 * stream calls (`continueRequest`, `sendLocalResponse`, headers) act on the originating stream
 * (pitfall C4). If that stream is gone when the answer arrives, nothing is called (pitfall C6).
 *
 * A handler keeps no per-call state of its own (AssemblyScript has no closures): keep state on
 * the context, and share one handler instance between calls.
 */
export abstract class HttpCallHandler<C> extends HttpCallDelivery {
  /**
   * The upstream answered (any status, including Envoy's own 504 for a timeout and 503 for a
   * connection failure). `response` is valid only during this call.
   */
  abstract onResponse(context: C, response: HttpCallResponse): void;

  /**
   * The call failed without a response: Envoy reset it or the response exceeded its buffer
   * limit (`failure.code` `WasmResult.BrokenConnection`, `failure.message` "reset").
   */
  abstract onFailure(context: C, failure: CalloutStatus): void;

  /** @internal */
  deliverResponse(origin: BaseContext, response: HttpCallResponse): void {
    this.onResponse(changetype<C>(origin), response);
  }

  /** @internal */
  deliverFailure(origin: BaseContext, failure: CalloutStatus): void {
    this.onFailure(changetype<C>(origin), failure);
  }
}

/** @internal An HTTP callout in flight. */
export class PendingHttpCall extends PendingCallout {
  constructor(
    token: u32,
    originId: u32,
    public readonly handler: HttpCallDelivery,
  ) {
    super(token, originId);
  }
}

/**
 * Sends `request` to the Envoy cluster `cluster` (a configured cluster name, not a URL:
 * pitfall C2; in Istio e.g. `outbound|443||api.example.com`). `handler` receives the outcome
 * with `origin` (the context making the call, usually `this`) once the host answers.
 *
 * Valid in any callback of any context after the VM started (not in top-level code). Results:
 * `Ok` (the handler will be called exactly once, unless `origin` is a stream that ends first);
 * `BadArgument` (unknown cluster, a missing `:method`/`:path`/`:authority`, or a timeout ≥ 2^31);
 * `InternalFailure` (Envoy could not start the request). On any result but `Ok` the handler is
 * never called — a stream paused for the answer must be resumed or answered by the caller.
 */
export function httpCall<C extends BaseContext>(
  origin: C,
  cluster: string,
  request: HttpCallRequest,
  handler: HttpCallHandler<C>,
): WasmResult {
  const result = callouts.httpCall(
    cluster,
    request.headers,
    request.body,
    request.trailers,
    request.timeoutMs,
  );
  if (result == WasmResult.Ok) {
    addCallout(new PendingHttpCall(outU32(), origin.id, handler));
  }
  return result;
}

/** @internal Routes `proxy_on_http_call_response`; false when `token` is not an SDK call. */
export function deliverHttpCallResponse(
  rootContextId: u32,
  token: u32,
  numHeaders: u32,
  bodySize: u32,
  numTrailers: u32,
): bool {
  const pending = findCallout(token);
  if (pending === null || !(pending instanceof PendingHttpCall)) return false;
  forgetCallout(token);
  const call = changetype<PendingHttpCall>(pending);
  const origin = enterOrigin(call, rootContextId);
  if (origin === null) return true;
  if (numHeaders == 0) {
    call.handler.deliverFailure(origin, calloutStatus().reset(0, false));
    return true;
  }
  let response = callResponse;
  if (response === null) {
    response = new HttpCallResponse();
    callResponse = response;
  }
  call.handler.deliverResponse(origin, response.reset(numHeaders, bodySize, numTrailers));
  return true;
}
