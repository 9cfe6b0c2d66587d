// One root serving both HTTP streams and TCP connections: the host does not tell the kind at
// proxy_on_context_create, so the SDK creates an HTTP context first and swaps in the TCP context
// when the stream's first callback is a TCP one.
import {
  FilterHeadersStatus,
  FilterStatus,
  HttpContext,
  log,
  LogLevel,
  registerRootContext,
  RootContext,
  StreamContext,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

class Http extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    this.requestHeaders.add("x-kind", "http");
    return FilterHeadersStatus.Continue;
  }

  onDelete(): void {
    log(LogLevel.Info, "http delete " + this.id.toString());
  }
}

class Tcp extends StreamContext {
  onNewConnection(): FilterStatus {
    log(LogLevel.Info, "tcp connection " + this.id.toString());
    return FilterStatus.Continue;
  }

  onDelete(): void {
    log(LogLevel.Info, "tcp delete " + this.id.toString());
  }
}

class DualRoot extends RootContext {
  createHttpContext(contextId: u32): HttpContext | null {
    return new Http(contextId, this);
  }

  createStreamContext(contextId: u32): StreamContext | null {
    return new Tcp(contextId, this);
  }
}

registerRootContext((id: u32): RootContext => new DualRoot(id));
