// Benchmark job B1 written with the SDK (see ../../shared/bench/b1): on request headers read
// user-agent (absent → empty) and add x-ua-len with its byte length; on response headers add
// x-powered-by: bench; continue everywhere; no logging.
import {
  FilterHeadersStatus,
  HttpContext,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

class B1 extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const ua = this.requestHeaders.get("user-agent");
    const length = ua === null ? 0 : String.UTF8.byteLength(ua);
    this.requestHeaders.add("x-ua-len", length.toString());
    return FilterHeadersStatus.Continue;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    this.responseHeaders.add("x-powered-by", "bench");
    return FilterHeadersStatus.Continue;
  }
}

class B1Root extends RootContext {
  createHttpContext(contextId: u32): HttpContext | null {
    return new B1(contextId, this);
  }
}

registerRootContext((id: u32): RootContext => new B1Root(id));
