// Test plugin: crashes on request, to check how a trap is reported.
import {
  FilterHeadersStatus,
  HttpContext,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

function explode(reason: string): void {
  throw new Error("plugin exploded: " + reason);
}

class Crashing extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const reason = this.requestHeaders.get("x-crash");
    if (reason !== null) explode(reason);
    return FilterHeadersStatus.Continue;
  }
}

class CrashingRoot extends RootContext {
  createHttpContext(contextId: u32): HttpContext | null {
    return new Crashing(contextId, this);
  }
}

registerRootContext((id: u32): RootContext => new CrashingRoot(id));
