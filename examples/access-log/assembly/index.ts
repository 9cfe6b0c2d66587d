// access-log: access logs shipped in batches. Two roots of one module, sharing a vm_id:
//   "access-log"          — the HTTP filter on every worker: each finished request becomes one
//                           JSON line, enqueued on the shared queue (no callout per request);
//   "access-log-shipper"  — a singleton service (Envoy bootstrap extension): registers the
//                           queue, drains it every `flushIntervalMs` (or as soon as `maxBatch`
//                           lines wait) and POSTs each batch to the log sink through an HTTP
//                           callout; reports shipped/dropped counts every `statsIntervalMs`.
// Example configuration (both roots):
//
//   { "queue": "access-log", "cluster": "log-sink", "authority": "logs.internal",
//     "path": "/ingest", "flushIntervalMs": 1000, "maxBatch": 100, "statsIntervalMs": 60000 }
import {
  CalloutStatus,
  httpCall,
  HttpCallHandler,
  HttpCallRequest,
  HttpCallResponse,
  HttpContext,
  isLogEnabled,
  JsonValue,
  logDebug,
  LogLevel,
  logError,
  logInfo,
  logWarn,
  parseJson,
  PeriodicTask,
  PeriodicTasks,
  registerRootContext,
  RootContext,
  SharedQueue,
  WasmResult,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

class Settings {
  queue: string = "access-log";
  cluster: string = "";
  authority: string = "";
  path: string = "/ingest";
  flushIntervalMs: u32 = 1000;
  maxBatch: i32 = 100;
  statsIntervalMs: u32 = 60000;
}

function readString(config: JsonValue, name: string, current: string): string | null {
  const value = config.get(name);
  if (value === null) return current;
  if (value.kindName() != "string" || value.asString().length == 0) {
    logError("access-log: bad configuration: " + name + " must be a non-empty string");
    return null;
  }
  return value.asString();
}

function readInt(config: JsonValue, name: string, current: i64, min: i64, max: i64): i64 {
  const value = config.get(name);
  if (value === null) return current;
  const n = value.asNumber(-1);
  if (value.kindName() != "number" || n != Math.floor(n) || n < <f64>min || n > <f64>max) {
    logError(
      "access-log: bad configuration: " +
        name +
        " must be an integer from " +
        min.toString() +
        " to " +
        max.toString(),
    );
    return -1;
  }
  return <i64>n;
}

/** Parses the configuration; `shipper` also needs where to send the batches. */
function parseSettings(text: string, shipper: bool): Settings | null {
  const settings = new Settings();
  if (text.length == 0 && !shipper) return settings;
  const config = parseJson(text).value;
  if (config === null || config.kindName() != "object") {
    logError("access-log: configuration must be a JSON object");
    return null;
  }
  const queue = readString(config, "queue", settings.queue);
  const cluster = readString(config, "cluster", "");
  const path = readString(config, "path", settings.path);
  if (queue === null || cluster === null || path === null) return null;
  if (shipper && cluster.length == 0) {
    logError("access-log: bad configuration: cluster is required by the shipper");
    return null;
  }
  const authority = readString(config, "authority", cluster);
  const flush = readInt(config, "flushIntervalMs", 1000, 10, 3600000);
  const batch = readInt(config, "maxBatch", 100, 1, 10000);
  const stats = readInt(config, "statsIntervalMs", 60000, 1000, 86400000);
  if (authority === null || flush < 0 || batch < 0 || stats < 0) return null;
  settings.queue = queue;
  settings.cluster = cluster;
  settings.authority = authority;
  settings.path = path;
  settings.flushIntervalMs = <u32>flush;
  settings.maxBatch = <i32>batch;
  settings.statsIntervalMs = <u32>stats;
  return settings;
}

/** `text` as a JSON string literal. */
function jsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c == 0x22) out += '\\"';
    else if (c == 0x5c) out += "\\\\";
    else if (c < 0x20) out += "\\u00" + (c < 0x10 ? "0" : "") + c.toString(16);
    else out += String.fromCharCode(c);
  }
  return out + '"';
}

// ------------------------------------------------------------------------ the HTTP filter

class AccessLogRoot extends RootContext {
  settings: Settings = new Settings();
  queue: SharedQueue | null = null;
  warned: bool = false;

  onConfigure(size: u32): bool {
    const settings = parseSettings(this.getPluginConfigurationString(), false);
    if (settings === null) return false;
    this.settings = settings;
    this.queue = null;
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new LoggedRequest(contextId, this);
  }

  /** Queues one line for the shipper; the queue is resolved when first needed. */
  ship(line: string): void {
    let queue = this.queue;
    if (queue === null) {
      queue = SharedQueue.resolve(this.settings.queue);
      this.queue = queue;
    }
    if (queue !== null && queue.enqueueString(line) == WasmResult.Ok) return;
    this.queue = null; // resolve again next time: the shipper may (re)start later
    if (!this.warned) {
      this.warned = true;
      logWarn(
        "access-log: no shipper has registered queue " + this.settings.queue + "; dropping lines",
      );
    }
  }
}

class LoggedRequest extends HttpContext {
  constructor(
    id: u32,
    private readonly logger: AccessLogRoot,
  ) {
    super(id, logger);
  }

  onLog(): void {
    const method = this.requestHeaders.get(":method");
    const path = this.requestHeaders.get(":path");
    const authority = this.requestHeaders.get(":authority");
    const status = this.responseHeaders.get(":status");
    this.logger.ship(
      '{"method":' +
        jsonString(method === null ? "" : method) +
        ',"authority":' +
        jsonString(authority === null ? "" : authority) +
        ',"path":' +
        jsonString(path === null ? "" : path) +
        ',"status":' +
        (status === null ? "0" : status) +
        "}",
    );
  }
}

// ------------------------------------------------------------------------- the shipper

/** The sink's answer to one batch; carries the batch size (one handler per batch). */
class BatchPosted extends HttpCallHandler<ShipperRoot> {
  constructor(private readonly lines: i32) {
    super();
  }

  onResponse(shipper: ShipperRoot, response: HttpCallResponse): void {
    const status = response.status;
    if (status >= 200 && status < 300) {
      shipper.shipped += this.lines;
      shipper.batches++;
      if (isLogEnabled(LogLevel.Debug))
        logDebug("access-log: shipped " + this.lines.toString() + " lines");
    } else {
      shipper.lost(this.lines, "status " + status.toString());
    }
  }

  onFailure(shipper: ShipperRoot, failure: CalloutStatus): void {
    shipper.lost(this.lines, failure.message);
  }
}

class Flush extends PeriodicTask {
  constructor(private readonly shipper: ShipperRoot) {
    super();
  }

  run(): void {
    this.shipper.flush();
  }
}

class Report extends PeriodicTask {
  constructor(private readonly shipper: ShipperRoot) {
    super();
  }

  run(): void {
    const s = this.shipper;
    logInfo(
      "access-log: shipped " +
        s.shipped.toString() +
        " lines in " +
        s.batches.toString() +
        " batches, dropped " +
        s.dropped.toString(),
    );
  }
}

class ShipperRoot extends RootContext {
  settings: Settings = new Settings();
  queue: SharedQueue | null = null;
  tasks: PeriodicTasks | null = null;
  waiting: i32 = 0;
  shipped: u64 = 0;
  batches: u64 = 0;
  dropped: u64 = 0;

  onConfigure(size: u32): bool {
    const settings = parseSettings(this.getPluginConfigurationString(), true);
    if (settings === null) return false;
    const queue = SharedQueue.register(settings.queue);
    if (queue === null) {
      logError("access-log: cannot register queue " + settings.queue);
      return false;
    }
    this.settings = settings;
    this.queue = queue;
    const tasks = new PeriodicTasks()
      .every(settings.flushIntervalMs, new Flush(this))
      .every(settings.statsIntervalMs, new Report(this));
    this.tasks = tasks;
    tasks.start();
    logInfo(
      "access-log: shipping queue " +
        settings.queue +
        " to cluster " +
        settings.cluster +
        ", path " +
        settings.path,
    );
    return true;
  }

  onTick(): void {
    const tasks = this.tasks;
    if (tasks !== null) tasks.onTick();
  }

  /** One call per enqueue (reference §6.11): flush early once a full batch waits. */
  onQueueReady(queueId: u32): void {
    if (++this.waiting >= this.settings.maxBatch) this.flush();
  }

  /** Sends every waiting line, in batches of at most `maxBatch`. */
  flush(): void {
    const queue = this.queue;
    if (queue === null) return;
    this.waiting = 0;
    while (true) {
      let body = "";
      let lines = 0;
      while (lines < this.settings.maxBatch) {
        const line = queue.dequeueString();
        if (line === null) break;
        body += line + "\n";
        lines++;
      }
      if (lines == 0) return;
      const request = HttpCallRequest.post(this.settings.authority, this.settings.path)
        .setHeader("content-type", "application/x-ndjson")
        .setBodyString(body);
      const result = httpCall(this, this.settings.cluster, request, new BatchPosted(lines));
      if (result != WasmResult.Ok) this.lost(lines, "callout not started: " + result.toString());
      if (lines < this.settings.maxBatch) return;
    }
  }

  lost(lines: i32, reason: string): void {
    this.dropped += lines;
    logWarn("access-log: batch of " + lines.toString() + " lines lost (" + reason + ")");
  }
}

registerRootContext((id: u32): RootContext => new AccessLogRoot(id), "access-log");
registerRootContext((id: u32): RootContext => new ShipperRoot(id), "access-log-shipper");
