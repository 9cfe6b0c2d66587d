// Test plugin: exercises the HTTP API of the SDK. The request header `x-op` picks what the
// stream does; results are written into headers/bodies or logged, for tests/sdk/http.test.mjs.
import {
  FilterDataStatus,
  FilterHeadersStatus,
  FilterTrailersStatus,
  GrpcStatus,
  HeaderPair,
  HttpContext,
  logInfo,
  registerRootContext,
  RootContext,
  WasmResult,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

function describe(value: string | null): string {
  return value === null ? "(null)" : value;
}

class HttpApi extends HttpContext {
  op: string = "";

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const op = this.requestHeaders.get("x-op");
    this.op = op === null ? "" : op;
    const h = this.requestHeaders;
    if (this.op == "headers") {
      h.add("x-got-ua", describe(h.get("User-Agent")));
      h.add("x-got-missing", describe(h.get("x-missing")));
      h.add("x-has-ua", h.has("user-agent") ? "yes" : "no");
      h.add("x-multi-values", h.getAll("x-multi").join("|"));
      h.add("x-num-headers", numHeaders.toString());
      h.add("x-pairs-before", h.pairs().length.toString());
      h.set("x-replace", "new");
      h.remove("x-remove");
      h.add("x-byte-size", h.byteSize().toString());
    } else if (this.op == "set-pairs") {
      const pairs = h.pairs();
      pairs.push(new HeaderPair("x-added-by-pairs", "1"));
      const kept = new Array<HeaderPair>();
      for (let i = 0; i < pairs.length; i++) if (pairs[i].name != "x-op") kept.push(pairs[i]);
      h.setPairs(kept);
    } else if (this.op == "local-reply") {
      this.sendLocalResponse(
        403,
        "denied",
        [new HeaderPair("X-Reason", "test")],
        "access denied",
        GrpcStatus.PermissionDenied,
      );
      return FilterHeadersStatus.Continue; // ignored by the host after a local reply
    } else if (this.op == "pause") {
      return FilterHeadersStatus.StopAllIterationAndWatermark;
    }
    return FilterHeadersStatus.Continue;
  }

  onRequestBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    if (this.op == "pause") {
      logInfo("body while paused: " + bodySize.toString());
      return FilterDataStatus.Continue;
    }
    if (!this.op.startsWith("body-")) return FilterDataStatus.Continue;
    if (!endOfStream) return FilterDataStatus.StopIterationAndBuffer;
    const body = this.requestBody;
    logInfo(
      "body size " + bodySize.toString() + "/" + body.size().toString() + ": " + body.readString(),
    );
    logInfo("body slice: " + body.readString(2, 3));
    let result = WasmResult.Ok;
    if (this.op == "body-set") result = body.setString("replaced");
    else if (this.op == "body-append") result = body.appendString("+tail");
    else if (this.op == "body-prepend") result = body.prependString("head+");
    else if (this.op == "body-prefix") result = body.replacePrefixString(3, "XYZW");
    else if (this.op == "body-bytes") {
      const bytes = body.readBytes();
      const view = Uint8Array.wrap(bytes);
      for (let i = 0; i < view.length; i++) view[i] = view[i] ^ 0x20;
      result = body.set(bytes);
    }
    logInfo("edit result " + result.toString());
    return FilterDataStatus.Continue;
  }

  onRequestTrailers(numTrailers: u32): FilterTrailersStatus {
    this.requestTrailers.add("x-trailer-seen", numTrailers.toString());
    return FilterTrailersStatus.Continue;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    this.responseHeaders.add("x-response-seen", this.op);
    if (this.op == "continue-late") {
      logInfo("request headers now: " + describe(this.requestHeaders.get("x-op")));
      logInfo("add to request now: " + this.requestHeaders.add("x-late", "1").toString());
    }
    return FilterHeadersStatus.Continue;
  }

  onResponseBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    if (this.op == "response-upper") {
      if (!endOfStream) return FilterDataStatus.StopIterationAndBuffer;
      this.responseBody.setString(this.responseBody.readString().toUpperCase());
    }
    return FilterDataStatus.Continue;
  }

  onResponseTrailers(numTrailers: u32): FilterTrailersStatus {
    this.responseTrailers.set("x-response-trailer", "seen");
    return FilterTrailersStatus.Continue;
  }

  onLog(): void {
    logInfo("onLog " + this.id.toString() + " path=" + describe(this.requestHeaders.get(":path")));
  }

  onDone(): void {
    logInfo("onDone " + this.id.toString());
  }

  onDelete(): void {
    logInfo("onDelete " + this.id.toString());
  }
}

class HttpApiRoot extends RootContext {
  createHttpContext(contextId: u32): HttpContext | null {
    return new HttpApi(contextId, this);
  }
}

registerRootContext((id: u32): RootContext => new HttpApiRoot(id));
