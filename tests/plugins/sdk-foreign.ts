// Test plugin for foreign functions (assembly/api/foreign.ts): `x-op` picks a call made from
// the request headers; the root logs host-initiated calls and their arguments.
import {
  callForeignFunction,
  clearRouteCache,
  FilterHeadersStatus,
  getForeignFunctionArguments,
  HttpContext,
  lastResult,
  logInfo,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

class Caller extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const op = this.requestHeaders.get("x-op");
    if (op == "route") {
      this.requestHeaders.set("x-route", "canary");
      logInfo("clear_route_cache: " + clearRouteCache().toString());
    } else if (op == "roundtrip") {
      const packed = callForeignFunction("compress", String.UTF8.encode("hello hello hello"));
      logInfo("compress: " + lastResult().toString());
      const unpacked = callForeignFunction("uncompress", packed);
      logInfo("uncompress: " + (unpacked === null ? "null" : String.UTF8.decode(unpacked)));
    } else if (op == "unknown") {
      const result = callForeignFunction("no_such_function");
      logInfo("unknown: " + (result === null ? "null" : "bytes") + " " + lastResult().toString());
    } else if (op == "bad") {
      const result = callForeignFunction("uncompress", String.UTF8.encode("not zlib"));
      logInfo("bad: " + (result === null ? "null" : "bytes") + " " + lastResult().toString());
    } else if (op == "echo") {
      const result = callForeignFunction("echo", String.UTF8.encode("ping"));
      logInfo("echo: " + (result === null ? "null" : String.UTF8.decode(result)));
    }
    return FilterHeadersStatus.Continue;
  }
}

class ForeignRoot extends RootContext {
  onForeignFunction(functionId: u32, argumentsSize: u32): void {
    const args = getForeignFunctionArguments();
    logInfo(
      "host called " +
        functionId.toString() +
        " with " +
        argumentsSize.toString() +
        " bytes: " +
        String.UTF8.decode(args),
    );
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new Caller(contextId, this);
  }
}

registerRootContext((id: u32): RootContext => new ForeignRoot(id));
