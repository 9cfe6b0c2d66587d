// Test plugin: exercises the HTTP API of the SDK. The request header `x-op` picks what the
// stream does; results are written into headers/bodies or logged, for tests/sdk/http.test.mjs.
import {
  FilterDataStatus,
  FilterHeadersStatus,
  FilterTrailersStatus,
  GrpcStatus,
  HeaderPair,
  HttpContext,
  lastResult,
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
      h.add("x-missing-result", lastResult().toString());
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
    } else if (this.op == "literals") {
      // Literal names and values laid out in static memory at many different distances (so
      // some pairs share a cache index): the UTF-8 cache must keep both strings of one call.
      const names: string[] = [
        "x-lit-00",
        "x-lit-01",
        "x-lit-02",
        "x-lit-03",
        "x-lit-04",
        "x-lit-05",
        "x-lit-06",
        "x-lit-07",
        "x-lit-08",
        "x-lit-09",
        "x-lit-10",
        "x-lit-11",
        "x-lit-12",
        "x-lit-13",
        "x-lit-14",
        "x-lit-15",
        "x-lit-16",
        "x-lit-17",
        "x-lit-18",
        "x-lit-19",
        "x-lit-20",
        "x-lit-21",
        "x-lit-22",
        "x-lit-23",
        "x-lit-24",
        "x-lit-25",
        "x-lit-26",
        "x-lit-27",
        "x-lit-28",
        "x-lit-29",
        "x-lit-30",
        "x-lit-31",
        "x-lit-32",
        "x-lit-33",
        "x-lit-34",
        "x-lit-35",
        "x-lit-36",
        "x-lit-37",
        "x-lit-38",
        "x-lit-39",
        "x-lit-40",
        "x-lit-41",
        "x-lit-42",
        "x-lit-43",
        "x-lit-44",
        "x-lit-45",
        "x-lit-46",
        "x-lit-47",
        "x-lit-48",
        "x-lit-49",
      ];
      for (let d = 1; d < names.length; d++) {
        h.add(names[0], names[d]);
        h.add(names[d], names[0]);
      }
    } else if (this.op == "garbage") {
      // Short-lived allocations only: x-kib KiB in 16 KiB buffers, none kept.
      const kib = I32.parseInt(h.get("x-kib")!);
      let checksum: u32 = 0;
      for (let i = 0; i < kib / 16; i++) {
        const buffer = new ArrayBuffer(16 * 1024);
        store<u8>(changetype<usize>(buffer), <u8>i);
        checksum += load<u8>(changetype<usize>(buffer));
      }
      h.add("x-checksum", checksum.toString());
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
      logInfo("result now: " + lastResult().toString());
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
