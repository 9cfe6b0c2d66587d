// Test plugin: stream control from root callbacks and the root's remaining callbacks. A stream
// paused with x-op parks itself on the root; the root's tick resumes, resets or answers it (after
// making it the effective context); configuration and properties in bytes form; a deferred
// onDone finished with done(); foreign-function and HTTP-callout callbacks.
import {
  BufferType,
  FilterHeadersStatus,
  getPropertyFloat64,
  getPropertyUint64,
  HeaderPair,
  hasProperty,
  HttpContext,
  logInfo,
  registerRootContext,
  RootContext,
  setProperty,
  getPropertyString,
} from "proxy-wasm-as/assembly";
import * as buffers from "proxy-wasm-as/assembly/hostcalls/buffers";
import * as callouts from "proxy-wasm-as/assembly/hostcalls/callouts";
import * as context from "proxy-wasm-as/assembly/hostcalls/context";
import * as memory from "proxy-wasm-as/assembly/hostcalls/memory";
export * from "proxy-wasm-as/assembly/exports";

class Parked extends HttpContext {
  op: string = "";

  constructor(
    id: u32,
    private readonly control: ControlRoot,
  ) {
    super(id, control);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const op = this.requestHeaders.get("x-op");
    this.op = op === null ? "" : op;
    if (this.op == "properties") {
      logInfo("uint=" + getPropertyUint64(["my", "uint"]).toString());
      logInfo("double=" + getPropertyFloat64(["my", "double"]).toString());
      logInfo("has=" + (hasProperty(["my", "uint"]) ? "yes" : "no"));
      logInfo("has missing=" + (hasProperty(["my", "missing"]) ? "yes" : "no"));
      logInfo("set bytes=" + setProperty(["raw_state"], String.UTF8.encode("bytes!")).toString());
      logInfo("read back=" + getPropertyString(["raw_state"])!);
      return FilterHeadersStatus.Continue;
    }
    if (this.op.startsWith("request-")) {
      this.control.parked.push(this);
      return FilterHeadersStatus.StopAllIterationAndWatermark;
    }
    return FilterHeadersStatus.Continue;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    if (this.op == "response-continue") {
      this.control.parked.push(this);
      return FilterHeadersStatus.StopAllIterationAndWatermark;
    }
    return FilterHeadersStatus.Continue;
  }

  /** Runs in the root's tick, with this stream as the effective context. */
  resume(): void {
    if (this.op == "request-continue") logInfo("continue: " + this.continueRequest().toString());
    else if (this.op == "request-reset") logInfo("reset: " + this.resetStream().toString());
    else if (this.op == "request-reply") {
      const result = this.sendLocalResponseBytes(
        418,
        String.UTF8.encode("short and stout"),
        [new HeaderPair("x-teapot", "yes")],
        "i am a teapot",
      );
      logInfo("reply: " + result.toString());
    } else if (this.op == "response-continue") {
      this.responseHeaders.add("x-resumed", "by tick");
      logInfo("continue response: " + this.continueResponse().toString());
    }
  }
}

class ControlRoot extends RootContext {
  parked: Parked[] = [];
  ticks: i32 = 0;
  deferDone: bool = false;

  onVmStart(vmConfigurationSize: u32): bool {
    logInfo("vm config bytes=" + this.getVmConfiguration().byteLength.toString());
    return true;
  }

  onConfigure(pluginConfigurationSize: u32): bool {
    const bytes = this.getPluginConfiguration();
    logInfo("plugin config bytes=" + bytes.byteLength.toString());
    const config = String.UTF8.decode(bytes);
    this.deferDone = config.includes("defer-done");
    logInfo("tick period: " + this.setTickPeriod(1000).toString());
    if (config.includes("callout")) {
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
      logInfo("callout: " + result.toString() + " token " + memory.outU32().toString());
    }
    return true;
  }

  onTick(): void {
    this.ticks++;
    for (let i = 0; i < this.parked.length; i++) {
      const stream = this.parked[i];
      context.setEffectiveContext(stream.id);
      stream.resume();
    }
    this.parked = [];
    if (this.deferDone && this.ticks > 1) logInfo("done: " + this.done().toString());
  }

  onHttpCallResponse(token: u32, numHeaders: u32, bodySize: u32, numTrailers: u32): void {
    const body = buffers.getBufferString(BufferType.HttpCallResponseBody, 0, bodySize);
    logInfo(
      "callout response " +
        token.toString() +
        ": headers=" +
        numHeaders.toString() +
        " body=" +
        (body === null ? "(none)" : body) +
        " status=" +
        context.getStatus().toString(),
    );
  }

  onForeignFunction(functionId: u32, argumentsSize: u32): void {
    const args = buffers.getBufferString(BufferType.CallData, 0, argumentsSize);
    logInfo("foreign " + functionId.toString() + ": " + (args === null ? "(none)" : args));
  }

  onDone(): bool {
    logInfo("root onDone, deferring=" + (this.deferDone ? "yes" : "no"));
    return !this.deferDone;
  }

  onDelete(): void {
    logInfo("root onDelete");
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new Parked(contextId, this);
  }
}

registerRootContext((id: u32): RootContext => new ControlRoot(id));
