// Test plugin for strict mode: a plugin written with the SDK that makes, on request, the
// mistakes real hosts punish (header `x-misuse` names the mistake; see the branches below and
// tests/strict/sdk-plugin.test.mjs). Without `x-misuse` it behaves: it authorizes with a callout
// and resumes the stream properly.
import {
  FilterDataStatus,
  FilterHeadersStatus,
  HeaderPair,
  HttpContext,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
import * as callouts from "proxy-wasm-as/assembly/hostcalls/callouts";
import * as context from "proxy-wasm-as/assembly/hostcalls/context";
import * as memory from "proxy-wasm-as/assembly/hostcalls/memory";
import * as metrics from "proxy-wasm-as/assembly/hostcalls/metrics";
import * as properties from "proxy-wasm-as/assembly/hostcalls/properties";
import * as shared from "proxy-wasm-as/assembly/hostcalls/shared-data";
export * from "proxy-wasm-as/assembly/exports";

class Misuse extends HttpContext {
  misuse: string = "";

  constructor(
    id: u32,
    private readonly owner: MisuseRoot,
  ) {
    super(id, owner);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const m = this.requestHeaders.get("x-misuse");
    this.misuse = m === null ? "" : m;
    if (this.misuse == "continue-after-reply") {
      this.sendLocalResponse(403, "denied");
      return FilterHeadersStatus.Continue;
    }
    if (this.misuse == "pause-forever") return FilterHeadersStatus.StopIteration;
    if (this.misuse == "config-per-request") {
      const config = this.owner.getPluginConfigurationString();
      this.requestHeaders.add("x-config", config.length > 0 ? config : "(none)");
      return FilterHeadersStatus.Continue;
    }
    if (this.misuse == "late-header" || this.misuse == "rewrite-body")
      return FilterHeadersStatus.Continue;
    if (this.misuse == "no-authority") {
      // C1: :authority missing (written as "host"); the callout never starts
      callouts.httpCall(
        "authz",
        [
          new HeaderPair(":method", "GET"),
          new HeaderPair(":path", "/"),
          new HeaderPair("host", "a"),
        ],
        null,
        null,
        500,
      );
      return FilterHeadersStatus.Continue;
    }
    if (this.misuse == "crlf-header") {
      // Q8: a value with CR LF (header injection)
      this.requestHeaders.add("x-user", "bob\r\nx-admin: true");
      return FilterHeadersStatus.Continue;
    }
    if (this.misuse == "metric-per-request") {
      // M5: a metric defined for every request
      metrics.defineMetric(0, "requests_" + this.requestHeaders.get(":path")!);
      return FilterHeadersStatus.Continue;
    }
    if (this.misuse == "blind-counter") {
      // D2: read-modify-write with cas 0
      let hits: i32 = 0;
      if (shared.getSharedData("hits") == 0) hits = I32.parseInt(memory.takeOutString());
      shared.setSharedData("hits", String.UTF8.encode((hits + 1).toString()), 0);
      return FilterHeadersStatus.Continue;
    }
    if (this.misuse == "dotted-property") {
      // X3: the path as one dotted string instead of segments
      const path = properties.getProperty(["request.path"]);
      this.requestHeaders.add("x-path", path === null ? "(none)" : String.UTF8.decode(path));
      return FilterHeadersStatus.Continue;
    }
    // authorize with a callout, pausing the request until the answer
    const result = callouts.httpCall(
      "authz",
      [
        new HeaderPair(":method", "GET"),
        new HeaderPair(":path", "/check"),
        new HeaderPair(":authority", "authz"),
      ],
      null,
      null,
      this.misuse == "no-timeout" ? 0 : 500, // C5: 0 = no timeout in Envoy
    );
    if (result != 0) {
      this.sendLocalResponse(500, "authz unavailable");
      return FilterHeadersStatus.StopAllIterationAndWatermark;
    }
    this.owner.waiting = this;
    return FilterHeadersStatus.StopAllIterationAndWatermark;
  }

  onRequestBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    if (this.misuse == "late-header") this.requestHeaders.add("x-body-size", bodySize.toString());
    if (this.misuse == "rewrite-body") {
      // P2: the body changes length; content-length (forwarded with the headers) does not
      if (!endOfStream) return FilterDataStatus.StopIterationAndBuffer;
      this.requestBody.setString("redacted");
    }
    return FilterDataStatus.Continue;
  }
}

class MisuseRoot extends RootContext {
  waiting: Misuse | null = null;

  createHttpContext(contextId: u32): HttpContext | null {
    return new Misuse(contextId, this);
  }

  onHttpCallResponse(token: u32, numHeaders: u32, bodySize: u32, numTrailers: u32): void {
    const stream = this.waiting;
    if (stream === null) return;
    this.waiting = null;
    if (stream.misuse != "no-effective-context") context.setEffectiveContext(stream.id);
    stream.continueRequest();
  }
}

registerRootContext((id: u32): RootContext => new MisuseRoot(id));
