// Test plugin: every SDK feature in one module, compiled with no warnings and importing only
// host-provided functions (tests/sdk/everything.test.mjs). Root "http" serves HTTP, root "tcp"
// serves TCP. Each feature is used the way a plugin would; the test checks the observable result:
// shared data, metrics, attributes, configuration, whole bodies, JSON, properties, local replies,
// HTTP and gRPC callouts (unary and streams), periodic tasks, shared queues, foreign functions.
import {
  BodyDirection,
  callForeignFunction,
  CalloutStatus,
  clearRouteCache,
  getForeignFunctionArguments,
  grpcCall,
  GrpcCall,
  GrpcCallHandler,
  GrpcMessage,
  GrpcStream,
  GrpcStreamHandler,
  httpCall,
  HttpCallHandler,
  HttpCallRequest,
  HttpCallResponse,
  openGrpcStream,
  PeriodicTask,
  PeriodicTasks,
  SharedQueue,
  BodyState,
  BufferedBody,
  configAccepted,
  Connection,
  Counter,
  CounterFamily,
  Destination,
  FilterDataStatus,
  FilterHeadersStatus,
  FilterStatus,
  FilterTrailersStatus,
  Gauge,
  GaugeFamily,
  getCurrentTimeNanoseconds,
  getPropertyString,
  HeaderPair,
  Histogram,
  HistogramFamily,
  HttpContext,
  isLogEnabled,
  jsonNumber,
  jsonString,
  LogLevel,
  logDebug,
  logInfo,
  logWarn,
  Metadata,
  MetadataSource,
  PeerType,
  PluginInfo,
  readPluginConfig,
  registerRootContext,
  Request,
  Response,
  RootContext,
  setMember,
  setPropertyString,
  SharedData,
  SharedUpdate,
  SharedValue,
  Source,
  StreamContext,
  TagStyle,
  u64Bytes,
  Upstream,
  WasmResult,
  Xds,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

const requests = new CounterFamily("everything_requests_total", ["method"]);
const inFlight = new Gauge("everything_in_flight");
const bodySizes = new Histogram("everything_body_bytes");
const ticks = new Counter("everything_ticks_total");
const zones = new GaugeFamily("everything_zone", ["zone"], TagStyle.Dotted);
const latency = new HistogramFamily("everything_latency_ms", ["route"]);
const tcpBytes = new Counter("everything_tcp_bytes_total");
const events = new Counter("everything_events_total");
const slowTicks = new Counter("everything_slow_ticks_total");

/** HTTP callout answer: 200 lets the request through with a header, anything else is 403. */
class AuthzVerdict extends HttpCallHandler<EverythingStream> {
  onResponse(stream: EverythingStream, response: HttpCallResponse): void {
    if (response.status == 200) {
      stream.requestHeaders.set("x-authz", response.bodyString());
      stream.continueRequest();
    } else {
      stream.sendLocalResponse(403, "authz said " + response.status.toString());
    }
  }
  onFailure(stream: EverythingStream, failure: CalloutStatus): void {
    stream.sendLocalResponse(503, "authz " + failure.message);
  }
}
const authzVerdict = new AuthzVerdict();

/** Unary gRPC answer: any message lets the request through. */
class GrpcVerdict extends GrpcCallHandler<EverythingStream> {
  onResponse(stream: EverythingStream, call: GrpcCall, message: GrpcMessage): void {
    stream.requestHeaders.set("x-grpc", message.text());
    stream.continueRequest();
  }
  onFailure(stream: EverythingStream, call: GrpcCall, status: CalloutStatus): void {
    stream.sendLocalResponse(503, "grpc " + status.code.toString() + " " + status.message);
  }
}
const grpcVerdict = new GrpcVerdict();

/** gRPC stream: the first message is put in a header, then the stream is closed. */
class Watch extends GrpcStreamHandler<EverythingStream> {
  onMessage(stream: EverythingStream, grpc: GrpcStream, message: GrpcMessage): void {
    stream.requestHeaders.set("x-watch", message.text());
    grpc.close();
    stream.continueRequest();
  }
  onClose(stream: EverythingStream, grpc: GrpcStream, status: CalloutStatus): void {
    logInfo("watch closed " + status.code.toString());
  }
}
const watch = new Watch();

/** Every second: count; every three seconds: note it in shared data. */
class EverySecond extends PeriodicTask {
  run(): void {
    ticks.increment();
  }
}
class EveryThreeSeconds extends PeriodicTask {
  run(): void {
    slowTicks.increment();
    SharedData.setString("everything:last-tick", getCurrentTimeNanoseconds().toString());
  }
}

/** Counts requests in shared data with a CAS read-modify-write. */
class CountRequest extends SharedUpdate {
  total: u64 = 0;
  apply(current: SharedValue | null): ArrayBuffer | null {
    this.total = (current === null ? 0 : current.toU64()) + 1;
    return u64Bytes(this.total);
  }
}

class HttpRoot extends RootContext {
  greeting: string = "";
  maxBody: i64 = 0;
  redact: string[] = [];
  queue: SharedQueue | null = null;
  tasks: PeriodicTasks = new PeriodicTasks()
    .every(1000, new EverySecond())
    .every(3000, new EveryThreeSeconds());

  onConfigure(size: u32): bool {
    const cfg = readPluginConfig();
    this.greeting = cfg.string("greeting", "hello");
    this.maxBody = cfg.object("body").positiveInteger("max", 1024);
    this.redact = cfg.stringArray("redact");
    if (!configAccepted(cfg)) return false;
    logInfo(
      "everything: " +
        PluginInfo.name()! +
        " " +
        PluginInfo.rootId()! +
        " on " +
        (Xds.nodeId() === null ? "?" : Xds.nodeId()!),
    );
    this.queue = SharedQueue.register("everything-events");
    this.tasks.start();
    return true;
  }

  onTick(): void {
    this.tasks.onTick();
  }

  onQueueReady(queueId: u32): void {
    const queue = new SharedQueue(queueId);
    for (let item = queue.dequeueString(); item !== null; item = queue.dequeueString()) {
      events.increment();
      logInfo("event " + item);
    }
  }

  onForeignFunction(functionId: u32, argumentsSize: u32): void {
    logInfo(
      "foreign " + functionId.toString() + " " + String.UTF8.decode(getForeignFunctionArguments()),
    );
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new EverythingStream(contextId, this);
  }
}

class EverythingStream extends HttpContext {
  private body: BufferedBody;
  private started: i64 = 0;

  constructor(
    id: u32,
    private readonly config: HttpRoot,
  ) {
    super(id, config);
    this.body = new BufferedBody(BodyDirection.Response, <u32>config.maxBody);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    this.started = Request.timeNanos();
    const method = Request.method();
    requests.with([method === null ? "-" : method]).increment();
    inFlight.add(1);
    const count = new CountRequest();
    if (SharedData.update("everything:requests", count) != WasmResult.Ok) logWarn("count lost");
    if (this.requestHeaders.get("x-deny") !== null) {
      this.sendLocalResponse(
        403,
        "denied",
        [new HeaderPair("x-by", "everything")],
        "denied_by_header",
      );
      return FilterHeadersStatus.StopIteration;
    }
    this.requestHeaders.set("x-request-count", count.total.toString());
    this.requestHeaders.set("x-greeting", this.config.greeting);
    const client = Source.address();
    if (client !== null) this.requestHeaders.set("x-client", client);
    setPropertyString(["everything_seen"], "yes");
    if (isLogEnabled(LogLevel.Debug)) {
      logDebug(
        "to " +
          (Destination.address() === null ? "?" : Destination.address()!) +
          " mtls " +
          Connection.mtls().toString() +
          " upstream " +
          (Upstream.address() === null ? "?" : Upstream.address()!),
      );
    }
    const tenant = Metadata.getString(MetadataSource.Route, "everything", "tenant");
    if (tenant !== null) {
      zones.with([tenant]).set(1);
      this.requestHeaders.set("x-tenant", tenant);
      clearRouteCache(); // routes may match on x-tenant
    }
    const queue = this.config.queue;
    if (queue !== null) queue.enqueueString(Request.path()!);
    const compressed = callForeignFunction(
      "compress",
      String.UTF8.encode("aaaaaaaaaaaaaaaaaaaaaaaa"),
    );
    if (compressed !== null)
      this.requestHeaders.set("x-compressed", compressed.byteLength.toString());
    const callout = this.requestHeaders.get("x-callout");
    if (callout == "http") {
      const check = HttpCallRequest.get("authz.internal", "/check")
        .addHeader("x-user", "ann")
        .setTimeout(500);
      if (httpCall(this, "authz", check, authzVerdict) != WasmResult.Ok)
        this.sendLocalResponse(503);
      return FilterHeadersStatus.StopAllIterationAndWatermark;
    }
    if (callout == "grpc") {
      const call = grpcCall(
        this,
        "authz-grpc",
        "authz.v1.Authz",
        "Check",
        String.UTF8.encode("req"),
        grpcVerdict,
        500,
      );
      if (!call.ok) this.sendLocalResponse(503);
      return FilterHeadersStatus.StopAllIterationAndWatermark;
    }
    if (callout == "stream") {
      const stream = openGrpcStream(this, "watch-grpc", "watch.v1.Watch", "Follow", watch);
      stream.send(String.UTF8.encode("follow"));
      return FilterHeadersStatus.StopAllIterationAndWatermark;
    }
    return FilterHeadersStatus.Continue;
  }

  onRequestBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    bodySizes.record(bodySize);
    return FilterDataStatus.Continue;
  }

  onRequestTrailers(numTrailers: u32): FilterTrailersStatus {
    return FilterTrailersStatus.Continue;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    this.responseHeaders.set(
      "x-seen",
      getPropertyString(["everything_seen"]) === null ? "no" : "yes",
    );
    const type = this.responseHeaders.get("content-type");
    if (type === null || type != "application/json") return FilterHeadersStatus.Continue;
    return this.body.onHeaders(endOfStream);
  }

  onResponseBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    const status = this.body.onBody(bodySize, endOfStream);
    if (this.body.state == BodyState.Complete) {
      const parsed = this.body.readJson();
      if (parsed.ok) {
        const root = parsed.value!;
        for (let i = 0; i < this.config.redact.length; i++) {
          if (root.has(this.config.redact[i]))
            setMember(root, this.config.redact[i], jsonString("***"));
        }
        setMember(root, "requests", jsonNumber(<f64>SharedData.getU64("everything:requests")));
        this.body.replaceJson(root);
      }
    }
    return status;
  }

  onLog(): void {
    inFlight.add(-1);
    const path = Request.urlPath();
    const code = Response.code();
    const elapsedMs =
      this.started > 0 ? (getCurrentTimeNanoseconds() - <u64>this.started) / 1_000_000 : 0;
    latency.with([path === null ? "-" : path]).record(elapsedMs);
    logInfo("done " + (path === null ? "?" : path) + " " + code.toString());
  }
}

class TcpRoot extends RootContext {
  createStreamContext(contextId: u32): StreamContext | null {
    return new EverythingTcp(contextId, this);
  }
}

class EverythingTcp extends StreamContext {
  onNewConnection(): FilterStatus {
    logInfo(
      "tcp from " +
        (Source.address() === null ? "?" : Source.address()!) +
        " port " +
        Source.port().toString() +
        " id " +
        Connection.id().toString(),
    );
    return FilterStatus.Continue;
  }

  onDownstreamData(dataSize: u32, endOfStream: bool): FilterStatus {
    tcpBytes.increment(dataSize);
    return FilterStatus.Continue;
  }

  onUpstreamData(dataSize: u32, endOfStream: bool): FilterStatus {
    tcpBytes.increment(dataSize);
    return FilterStatus.Continue;
  }

  onDownstreamClose(peerType: PeerType): void {
    logInfo("tcp closed");
  }
}

registerRootContext((id: u32) => new HttpRoot(id), "http");
registerRootContext((id: u32) => new TcpRoot(id), "tcp");
