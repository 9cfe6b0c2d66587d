// Test plugin for strict mode: a plugin written with the SDK that makes, on request, the
// mistakes real hosts punish (header `x-misuse`): Q2 continue after a local reply, Q1 a pause
// nobody resumes, Q4 a request header added from the body callback, C4 a callout answer that
// resumes the stream without set_effective_context, S3 the configuration read per request.
// Without `x-misuse` it behaves: it authorizes with a callout and resumes the stream properly.
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
    if (this.misuse == "late-header") return FilterHeadersStatus.Continue;
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
      500,
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
