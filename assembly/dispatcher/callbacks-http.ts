// HTTP (L7) stream callbacks (reference §2.1, §6.2). Unknown contexts are logged and continue.
import { FilterDataStatus, FilterHeadersStatus, FilterTrailersStatus } from "../abi/types";
import { dispatcher } from "./dispatcher";

/** Host → plugin: request headers (`numHeaders` entries). */
export function proxy_on_request_headers(contextId: u32, numHeaders: u32, endOfStream: u32): u32 {
  const context = dispatcher.httpContext(contextId);
  return context === null
    ? FilterHeadersStatus.Continue
    : <u32>context.onRequestHeaders(numHeaders, endOfStream != 0);
}

/** Host → plugin: a request body chunk (`bodySize` bytes available). */
export function proxy_on_request_body(contextId: u32, bodySize: u32, endOfStream: u32): u32 {
  const context = dispatcher.httpContext(contextId);
  return context === null
    ? FilterDataStatus.Continue
    : <u32>context.onRequestBody(bodySize, endOfStream != 0);
}

/** Host → plugin: request trailers. */
export function proxy_on_request_trailers(contextId: u32, numTrailers: u32): u32 {
  const context = dispatcher.httpContext(contextId);
  return context === null
    ? FilterTrailersStatus.Continue
    : <u32>context.onRequestTrailers(numTrailers);
}

/** Host → plugin: HTTP/2 request METADATA (not readable; hosts ignore the return). */
export function proxy_on_request_metadata(contextId: u32, numElements: u32): u32 {
  return 0;
}

/** Host → plugin: response headers. */
export function proxy_on_response_headers(contextId: u32, numHeaders: u32, endOfStream: u32): u32 {
  const context = dispatcher.httpContext(contextId);
  return context === null
    ? FilterHeadersStatus.Continue
    : <u32>context.onResponseHeaders(numHeaders, endOfStream != 0);
}

/** Host → plugin: a response body chunk. */
export function proxy_on_response_body(contextId: u32, bodySize: u32, endOfStream: u32): u32 {
  const context = dispatcher.httpContext(contextId);
  return context === null
    ? FilterDataStatus.Continue
    : <u32>context.onResponseBody(bodySize, endOfStream != 0);
}

/** Host → plugin: response trailers. */
export function proxy_on_response_trailers(contextId: u32, numTrailers: u32): u32 {
  const context = dispatcher.httpContext(contextId);
  return context === null
    ? FilterTrailersStatus.Continue
    : <u32>context.onResponseTrailers(numTrailers);
}

/** Host → plugin: HTTP/2 response METADATA (not readable; hosts ignore the return). */
export function proxy_on_response_metadata(contextId: u32, numElements: u32): u32 {
  return 0;
}
