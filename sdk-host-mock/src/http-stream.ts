/**
 * One HTTP stream through the plugin's filter, as Envoy drives it (reference §6.2–§6.6):
 * lazy `proxy_on_context_create`, headers/body/trailers callbacks with end_of_stream, cpp-host
 * status clamping, pausing and `proxy_continue_stream` (run after the current VM call),
 * StopIterationAndBuffer accumulation, the mutable-map windows, local replies, fail-closed and
 * teardown `log → done → delete`.
 */
import {
  FilterDataStatus,
  FilterHeadersStatus,
  FilterTrailersStatus,
  clampDataStatus,
  clampHeadersStatus,
  clampTrailersStatus,
  type DataStatusName,
  type HeadersStatusName,
  type NotDeliveredStatus,
  type TrailersStatusName,
} from "./abi.js";
import { BodyBuffer, NULL_BUFFER, concat, type BufferLike } from "./body-buffer.js";
import type { ContextRef } from "./context.js";
import { PluginTrapError } from "./errors.js";
import { HeaderMap, headerListFrom, type HeaderList, type HeadersInput } from "./header-map.js";
import { toBytes, utf8 } from "./memory.js";
import type { Plugin } from "./plugin.js";
import type { Vm } from "./vm.js";
import {
  PropertyTree,
  defineOwn,
  duration,
  timestamp,
  uint,
  type PropertiesInput,
  type PropertyValue,
} from "./properties.js";

/** Options for a new stream. */
export interface StreamOptions {
  /** Per-stream properties by dotted path; they override the plugin's. */
  properties?: PropertiesInput;
  /** `request.protocol` (default `"HTTP/1.1"`). */
  protocol?: string;
  /** Worker VM to run the stream on (default: the plugin's worker selection, see `workers`). */
  worker?: number;
}

/** Options of the send* methods. */
export interface SendOptions {
  /** end_of_stream flag of this event. */
  endOfStream?: boolean;
}

/** A local reply sent by the plugin (or the 503 of a failed VM). */
export interface LocalResponse {
  status: number;
  body: Uint8Array;
  bodyText: string;
  /** Extra headers given by the plugin (keys lower-cased). */
  headers: [string, string][];
  /** Response code details (whitespace replaced by `_`). */
  details: string;
  /** gRPC status 0..16, or null when the plugin passed something else (e.g. -1). */
  grpcStatus: number | null;
}

/** @internal */
export interface LocalReplyRequest {
  status: number;
  body: Uint8Array;
  headers: [string, string][];
  details: string;
  grpcStatus: number | null;
}

type Stop =
  | "none"
  | "headers"
  | "headers-iteration"
  | "body"
  | "body-watermark"
  | "body-nobuffer"
  | "trailers";

class Direction {
  headers: HeaderMap | null = null;
  headersHeld = false;
  trailers: HeaderMap | null = null;
  trailersHeld = false;
  /** Envoy's current body buffer for this direction. */
  body: BodyBuffer | null = null;
  /** The plugin may access {@link body}. */
  bodyPointer = false;
  /** Last body callback returned StopIterationAndBuffer. */
  buffering = false;
  /** Data held by the host while the plugin stops iteration (not visible to the plugin). */
  held = new BodyBuffer();
  heldEos = false;
  pendingTrailers: HeaderMap | null = null;
  stop: Stop = "none";
  forwarded: Uint8Array[] = [];
  forwardedCache: Uint8Array | null = null;
  bytesReceived = 0;
  endOfStream = false;
  headersSent = false;
  inBodyCallback = false;

  forward(data: Uint8Array): void {
    if (data.length === 0) return;
    this.forwarded.push(data);
    this.forwardedCache = null;
  }
  forwardedBytes(): Uint8Array {
    return (this.forwardedCache ??= concat(...this.forwarded));
  }
}

const CALLBACKS = [
  {
    headers: "proxy_on_request_headers",
    body: "proxy_on_request_body",
    trailers: "proxy_on_request_trailers",
  },
  {
    headers: "proxy_on_response_headers",
    body: "proxy_on_response_body",
    trailers: "proxy_on_response_trailers",
  },
] as const;

/** An HTTP stream (one filter instance / context) of a {@link Plugin}. */
export class HttpStream implements ContextRef {
  /** @internal */ readonly kind = "http" as const;
  /** @internal */ readonly http: HttpStream = this;
  /** @internal */ readonly tcp = null;
  /** Context id (allocated when the stream is created). */
  readonly id: number;
  /** @internal */ readonly properties: PropertyTree;
  /** @internal */ readonly filterState = new Map<string, Uint8Array>();
  /** @internal */ routeCacheCleared = 0;
  /** @internal */ inLogPhase = false;
  /** The local reply sent for this stream (plugin or fail-closed), or null. */
  localResponse: LocalResponse | null = null;
  /** Set when the stream was reset (`proxy_close_stream`, or a local reply after the response started). */
  resetReason: string | null = null;
  /** True after {@link complete} (or a reset) ran the teardown. */
  completed = false;
  /** @internal Runs after the teardown (an ephemeral per-request VM shuts down). */
  afterTeardown: (() => void) | null = null;
  /**
   * How the failure policy treats this stream, fixed at creation (§6.15): `"run"` on a healthy
   * VM; `"bypass"` when created on a failed VM under fail-open; `"fail"` when the plugin is
   * disabled by its crash limit.
   */
  private readonly mode: "run" | "bypass" | "fail";
  private readonly boundVm: Vm;
  /**
   * @internal The body buffer as the last body callback of each direction left it (request,
   * response), for transcripts; null before any body callback.
   */
  readonly bodyAfterCallback: [Uint8Array | null, Uint8Array | null] = [null, null];

  private readonly req = new Direction();
  private readonly res = new Direction();
  private created = false;
  private logged = false;
  private requestAborted = false;
  private responseOverridden = false;
  private readonly startNs: bigint;
  private readonly protocol: string;
  private readonly connectionId: number;
  private responseCode: number | null = null;
  private responseCodeDetails: string | null = null;

  /** @internal Use {@link Plugin.newHttpStream}. */
  constructor(
    readonly plugin: Plugin,
    options: StreamOptions,
  ) {
    this.boundVm = plugin.vm;
    this.mode = plugin.disabled
      ? "fail"
      : plugin.vm.failed && (plugin.failOpen || plugin.failureTracker.policy === "open")
        ? "bypass"
        : "run";
    this.id = plugin.vm.allocContextId();
    plugin.vm.addContext(this);
    this.properties = new PropertyTree(options.properties ?? {});
    this.protocol = options.protocol ?? "HTTP/1.1";
    this.startNs = plugin.host.nowNanos;
    this.connectionId = plugin.host.nextConnectionId();
  }

  /** Context id (same as {@link id}). */
  get contextId(): number {
    return this.id;
  }

  // ------------------------------------------------------------------ public driving API

  /** Request headers arrive (`proxy_on_request_headers`). Returns the clamped status name. */
  sendRequestHeaders(
    headers: HeadersInput,
    options: SendOptions = {},
  ): HeadersStatusName | NotDeliveredStatus {
    return this.plugin.host.dispatch(() =>
      this.onHeaders(0, headerListFrom(headers), options.endOfStream ?? false, false),
    );
  }

  /** A request body chunk arrives (`proxy_on_request_body`). */
  sendRequestBody(
    body: string | Uint8Array,
    options: SendOptions = {},
  ): DataStatusName | NotDeliveredStatus {
    return this.plugin.host.dispatch(() =>
      this.onBody(0, toBytes(body), options.endOfStream ?? false, false),
    );
  }

  /** Request trailers arrive (`proxy_on_request_trailers`); ends the request. */
  sendRequestTrailers(trailers: HeadersInput): TrailersStatusName | NotDeliveredStatus {
    return this.plugin.host.dispatch(() => this.onTrailers(0, headerListFrom(trailers), false));
  }

  /** Response headers arrive from upstream (`proxy_on_response_headers`). */
  sendResponseHeaders(
    headers: HeadersInput,
    options: SendOptions = {},
  ): HeadersStatusName | NotDeliveredStatus {
    return this.plugin.host.dispatch(() =>
      this.onHeaders(1, headerListFrom(headers), options.endOfStream ?? false, false),
    );
  }

  /** A response body chunk arrives (`proxy_on_response_body`). */
  sendResponseBody(
    body: string | Uint8Array,
    options: SendOptions = {},
  ): DataStatusName | NotDeliveredStatus {
    return this.plugin.host.dispatch(() =>
      this.onBody(1, toBytes(body), options.endOfStream ?? false, false),
    );
  }

  /** Response trailers arrive (`proxy_on_response_trailers`). */
  sendResponseTrailers(trailers: HeadersInput): TrailersStatusName | NotDeliveredStatus {
    return this.plugin.host.dispatch(() => this.onTrailers(1, headerListFrom(trailers), false));
  }

  /**
   * The access-log phase alone: `proxy_on_log` now (creating the in-VM context first if needed);
   * a later {@link complete} then runs only `proxy_on_done` → `proxy_on_delete`. Envoy logs a
   * stream once, right before destroying it; this splits the two for step-by-step scenarios.
   */
  accessLog(): void {
    this.plugin.host.dispatch(() => {
      if (this.completed || this.logged || this.vm.failed) return;
      this.logged = true;
      this.ensureCreated();
      this.inLogPhase = true;
      try {
        this.invoke("proxy_on_log", [this.id]);
      } finally {
        this.inLogPhase = false;
      }
    });
  }

  /**
   * Ends the stream: `proxy_on_log` → `proxy_on_done` → `proxy_on_delete` (HTTP order, §6.1).
   * If the in-VM context was never created, it is created first (Envoy's access-log path).
   */
  complete(): void {
    this.plugin.host.dispatch(() => this.teardown());
  }

  // ------------------------------------------------------------------ public inspection API

  /** Current request headers (after plugin edits). */
  get requestHeaders(): HeaderList {
    return this.req.headers?.toList() ?? [];
  }
  /** Current response headers (after plugin edits; the local reply's headers if one was sent). */
  get responseHeaders(): HeaderList {
    return this.res.headers?.toList() ?? [];
  }
  /** Current request trailers. */
  get requestTrailers(): HeaderList {
    return this.req.trailers?.toList() ?? [];
  }
  /** Current response trailers. */
  get responseTrailers(): HeaderList {
    return this.res.trailers?.toList() ?? [];
  }
  /** First request header value or null. */
  requestHeader(name: string): string | null {
    return this.req.headers?.get(name) ?? null;
  }
  /** First response header value or null. */
  responseHeader(name: string): string | null {
    return this.res.headers?.get(name) ?? null;
  }
  /** Request body bytes forwarded upstream so far. */
  get requestBody(): Uint8Array {
    return this.req.forwardedBytes();
  }
  /** Response body bytes forwarded downstream so far. */
  get responseBody(): Uint8Array {
    return this.res.forwardedBytes();
  }
  /** {@link requestBody} as UTF-8. */
  get requestBodyText(): string {
    return utf8(this.requestBody);
  }
  /** {@link responseBody} as UTF-8. */
  get responseBodyText(): string {
    return utf8(this.responseBody);
  }
  /** True while the plugin holds the request direction. */
  get requestPaused(): boolean {
    return this.req.stop !== "none" && !this.requestAborted;
  }
  /** True while the plugin holds the response direction. */
  get responsePaused(): boolean {
    return this.res.stop !== "none";
  }
  /** Request headers were forwarded upstream. */
  get requestHeadersForwarded(): boolean {
    return this.req.headersSent;
  }
  /** Response headers were forwarded downstream. */
  get responseHeadersForwarded(): boolean {
    return this.res.headersSent;
  }
  /** Number of route-cache clears requested by the plugin. */
  get routeCacheClears(): number {
    return this.routeCacheCleared;
  }

  // ------------------------------------------------------------------ internal (hostcalls)

  /** @internal Envoy `getConstMap` for types 0–3. */
  constMap(type: number): HeaderMap | null {
    if (this.inLogPhase) {
      return type === 0
        ? this.req.headers
        : type === 2
          ? this.res.headers
          : type === 3
            ? this.res.trailers
            : null;
    }
    const d = type < 2 ? this.req : this.res;
    if (type % 2 === 0) return d.headersHeld ? d.headers : null;
    return d.trailersHeld ? d.trailers : null;
  }

  /** @internal Envoy `getMap` for types 0–3 (creates trailers from the last body callback). */
  mutableMap(type: number): HeaderMap | null {
    if (this.inLogPhase) return null;
    const d = type < 2 ? this.req : this.res;
    if (type % 2 === 0) return d.headersHeld ? d.headers : null;
    if (d.trailersHeld) return d.trailers;
    if (d.trailers === null && d.inBodyCallback && d.endOfStream) {
      d.trailers = new HeaderMap(type === 1 ? "request-trailers" : "response-trailers");
      d.trailersHeld = true;
      return d.trailers;
    }
    return null;
  }

  /** @internal Body buffer visible to the plugin (never NotFound). */
  bodyBuffer(type: 0 | 1): BufferLike {
    const d = type === 0 ? this.req : this.res;
    return d.bodyPointer && d.body ? d.body : NULL_BUFFER;
  }

  /** @internal `proxy_continue_stream(0|1)`: drops request pointers now, continues after the VM call. */
  continueFromPlugin(type: 0 | 1): void {
    const r = this.req;
    r.headersHeld = false;
    r.trailersHeld = false;
    r.bodyPointer = false;
    this.plugin.host.defer(() => this.resume(type));
  }

  /** @internal `proxy_close_stream(0|1)`: reset after the VM call. */
  closeFromPlugin(): void {
    this.responseCodeDetails ??= "wasm_close_stream";
    this.plugin.host.defer(() => this.reset("wasm_close_stream"));
  }

  /** @internal `proxy_send_local_response`: sent after the VM call. */
  localReplyFromPlugin(reply: LocalReplyRequest): void {
    this.plugin.host.defer(() => this.sendLocalReply(reply, true));
  }

  /** @internal Stream attributes (§5.3). */
  deriveProperty(segs: string[]): PropertyValue | undefined {
    const [a, b, c] = segs;
    if (a === "connection_id" && segs.length === 1) return uint(this.connectionId);
    if (a === "connection" && b === "id" && segs.length === 2) return uint(this.connectionId);
    if (a === "request") {
      const h = this.inLogPhase || this.req.headersHeld ? this.req.headers : null;
      const path = h?.get(":path") ?? null;
      if (segs.length === 3 && b === "headers") return h ? joined(h, c) : undefined;
      if (segs.length !== 2) return undefined;
      switch (b) {
        case "path":
          return path ?? undefined;
        case "url_path":
          return path === null ? undefined : path.split("?")[0];
        case "query":
          return path === null
            ? undefined
            : path.includes("?")
              ? path.slice(path.indexOf("?") + 1)
              : "";
        case "host":
          return h?.get(":authority") ?? undefined;
        case "scheme":
          return h?.get(":scheme") ?? undefined;
        case "method":
          return h?.get(":method") ?? undefined;
        case "referer":
          return h?.get("referer") ?? undefined;
        case "useragent":
          return h?.get("user-agent") ?? undefined;
        case "id":
          return h?.get("x-request-id") ?? undefined;
        case "headers":
          return h ? headerObject(h) : undefined;
        case "protocol":
          return this.protocol;
        case "time":
          return timestamp(this.startNs);
        case "duration":
          return this.completed || this.inLogPhase
            ? duration(this.plugin.host.nowNanos - this.startNs)
            : undefined;
        case "size": {
          const cl = this.req.headers?.get("content-length");
          return cl !== null && cl !== undefined && /^\d+$/.test(cl)
            ? Number(cl)
            : this.req.bytesReceived;
        }
        case "total_size":
          return this.inLogPhase
            ? (this.req.headers?.byteSize() ?? 0) + this.req.bytesReceived
            : undefined;
        default:
          return undefined;
      }
    }
    if (a === "response") {
      const h = this.inLogPhase || this.res.headersHeld ? this.res.headers : null;
      const t = this.inLogPhase || this.res.trailersHeld ? this.res.trailers : null;
      if (segs.length === 3 && b === "headers") return h ? joined(h, c) : undefined;
      if (segs.length === 3 && b === "trailers") return t ? joined(t, c) : undefined;
      if (segs.length !== 2) return undefined;
      switch (b) {
        case "code":
          return this.responseCode ?? undefined;
        case "code_details":
          return this.responseCodeDetails ?? undefined;
        case "flags":
          return 0;
        case "grpc_status": {
          const g =
            this.res.trailers?.get("grpc-status") ?? this.res.headers?.get("grpc-status") ?? null;
          return g !== null && /^\d+$/.test(g) ? Number(g) : undefined;
        }
        case "headers":
          return h ? headerObject(h) : undefined;
        case "trailers":
          return t ? headerObject(t) : undefined;
        case "size":
          return this.res.bytesReceived;
        case "total_size":
          return this.inLogPhase
            ? (this.res.headers?.byteSize() ?? 0) + this.res.bytesReceived
            : undefined;
        default:
          return undefined;
      }
    }
    return undefined;
  }

  // ------------------------------------------------------------------ flow

  private get vm(): Vm {
    return this.boundVm;
  }

  /** The plugin cannot run for this stream (failed VM, bypassed or disabled). */
  private get inert(): boolean {
    return this.mode !== "run" || this.vm.failed;
  }

  private ensureCreated(): void {
    if (this.created) return;
    this.created = true;
    this.invoke("proxy_on_context_create", [this.id, this.plugin.id]);
  }

  /** Calls the plugin; on a trap applies the failure policy for this stream and rethrows. */
  private invoke(name: string, args: number[]): number | null | undefined {
    try {
      return this.vm.call(name, this, args);
    } catch (e) {
      if (e instanceof PluginTrapError) this.failStream();
      throw e;
    }
  }

  /** Fail-closed: 503 `wasm_fail_stream` once per stream (§6.6, §6.15). */
  private failStream(): void {
    if (this.mode === "bypass" || (this.mode === "run" && this.plugin.failOpen)) return;
    if (this.localResponse !== null || this.completed) return;
    const reply = this.plugin.failureReply();
    this.sendLocalReply({ ...reply, headers: [], grpcStatus: 14 }, false);
  }

  private directionClosed(dir: 0 | 1): boolean {
    return (
      this.completed ||
      this.resetReason !== null ||
      (dir === 0 ? this.requestAborted : this.responseOverridden)
    );
  }

  /** Handles an event on a failed VM; returns the status to report, or null if the VM is fine. */
  private onFailedVm<T extends string>(
    dir: 0 | 1,
    stopName: T,
    forward: () => void,
  ): T | "Continue" | "Skipped" | null {
    if (!this.inert) return null;
    if (this.mode === "bypass" || (this.mode === "run" && this.plugin.failOpen)) {
      forward();
      return "Continue";
    }
    if (this.localResponse === null) {
      this.failStream();
      return stopName;
    }
    return dir === 0 ? "Skipped" : "Skipped";
  }

  private onHeaders(
    dir: 0 | 1,
    list: HeaderList,
    eos: boolean,
    internal: boolean,
  ): HeadersStatusName | NotDeliveredStatus {
    if (!internal && this.directionClosed(dir)) return "Skipped";
    const d = dir === 0 ? this.req : this.res;
    d.headers = new HeaderMap(dir === 0 ? "request-headers" : "response-headers", list);
    d.endOfStream = eos;
    if (dir === 1) {
      const st = d.headers.get(":status");
      if (!internal) {
        this.responseCode = st !== null && /^\d+$/.test(st) ? Number(st) : null;
        this.responseCodeDetails ??= "via_upstream";
      }
    }
    const failed = this.onFailedVm(
      dir,
      "StopAllIterationAndWatermark",
      () => (d.headersSent = true),
    );
    if (failed !== null) return failed;
    if (dir === 1 && !this.created) {
      d.headersSent = true;
      return "Skipped";
    }
    this.ensureCreated();
    d.headersHeld = true;
    const n = d.headers.size;
    const args = this.vm.abiVersion === "0.1.0" ? [this.id, n] : [this.id, n, eos ? 1 : 0];
    const raw = this.invoke(CALLBACKS[dir].headers, args);
    let status =
      raw === undefined || raw === null
        ? FilterHeadersStatus.Continue
        : clampHeadersStatus(raw, this.plugin.allowOnHeadersStopIteration);
    // The forced stop of §2.3 belongs to the call that sent the reply: a callback the module does
    // not export made no call, so a flag left by another callback must not stop this stream.
    if (raw !== undefined && this.vm.stopNextIteration)
      status = FilterHeadersStatus.StopAllIterationAndWatermark;
    if (
      status === FilterHeadersStatus.Continue ||
      status === FilterHeadersStatus.ContinueAndEndStream
    ) {
      d.headersHeld = false;
      d.headersSent = true;
      d.stop = "none";
    } else {
      d.stop = status === FilterHeadersStatus.StopIteration ? "headers-iteration" : "headers";
    }
    return FilterHeadersStatus[status] as HeadersStatusName;
  }

  private onBody(
    dir: 0 | 1,
    data: Uint8Array,
    eos: boolean,
    internal: boolean,
  ): DataStatusName | NotDeliveredStatus {
    if (!internal && this.directionClosed(dir)) return "Skipped";
    const d = dir === 0 ? this.req : this.res;
    if (!internal) d.bytesReceived += data.length;
    d.endOfStream = eos;
    const failed = this.onFailedVm(dir, "StopIterationNoBuffer", () => d.forward(data));
    if (failed !== null) return failed;
    if (!this.created) {
      d.forward(data);
      return "Skipped";
    }
    if (!internal && d.stop === "headers") {
      d.held.append(data);
      d.heldEos = eos;
      return "Held";
    }
    if (d.buffering && d.body) {
      d.body.append(data);
    } else {
      if (d.stop === "body-watermark" && d.body) d.held.append(d.body.bytes);
      d.body = new BodyBuffer(data);
    }
    d.bodyPointer = true;
    d.inBodyCallback = true;
    let raw: number | null | undefined;
    try {
      raw = this.invoke(CALLBACKS[dir].body, [this.id, d.body.size, eos ? 1 : 0]);
    } finally {
      d.inBodyCallback = false;
      this.bodyAfterCallback[dir] = d.body ? d.body.bytes : null;
    }
    let status =
      raw === undefined || raw === null ? FilterDataStatus.Continue : clampDataStatus(raw);
    if (raw !== undefined && this.vm.stopNextIteration)
      status = FilterDataStatus.StopIterationNoBuffer;
    d.buffering = false;
    switch (status) {
      case FilterDataStatus.Continue:
        this.releaseHeadersOnData(d);
        d.forward(d.held.bytes);
        d.held = new BodyBuffer();
        if (d.body) d.forward(d.body.bytes);
        d.body = null;
        d.bodyPointer = false;
        d.stop = "none";
        if (d.trailers && d.trailersHeld && eos) d.trailersHeld = false;
        break;
      case FilterDataStatus.StopIterationAndBuffer:
        d.buffering = true;
        d.stop = "body";
        break;
      case FilterDataStatus.StopIterationAndWatermark:
        d.stop = "body-watermark";
        break;
      default:
        d.stop = "body-nobuffer";
        break;
    }
    return FilterDataStatus[status] as DataStatusName;
  }

  private releaseHeadersOnData(d: Direction): void {
    if (d.stop === "headers-iteration" || d.stop === "headers") {
      d.headersHeld = false;
      d.headersSent = true;
    }
  }

  private onTrailers(
    dir: 0 | 1,
    list: HeaderList,
    internal: boolean,
  ): TrailersStatusName | NotDeliveredStatus {
    if (!internal && this.directionClosed(dir)) return "Skipped";
    const d = dir === 0 ? this.req : this.res;
    const map = new HeaderMap(dir === 0 ? "request-trailers" : "response-trailers", list);
    d.endOfStream = true;
    const failed = this.onFailedVm(dir, "StopIteration", () => (d.trailers = map));
    if (failed !== null) return failed;
    if (!this.created) {
      d.trailers = map;
      return "Skipped";
    }
    if (!internal && d.stop === "headers") {
      d.pendingTrailers = map;
      return "Held";
    }
    d.trailers = map;
    d.trailersHeld = true;
    const raw = this.invoke(CALLBACKS[dir].trailers, [this.id, map.size]);
    let status =
      raw === undefined || raw === null ? FilterTrailersStatus.Continue : clampTrailersStatus(raw);
    if (raw !== undefined && this.vm.stopNextIteration) status = FilterTrailersStatus.StopIteration;
    if (status === FilterTrailersStatus.Continue) {
      d.trailersHeld = false;
      this.releaseHeadersOnData(d);
      d.forward(d.held.bytes);
      d.held = new BodyBuffer();
      if (d.body && d.stop !== "body-nobuffer") d.forward(d.body.bytes);
      d.body = null;
      d.bodyPointer = false;
      d.stop = "none";
    } else {
      d.stop = "trailers";
    }
    return FilterTrailersStatus[status] as TrailersStatusName;
  }

  /** `continueDecoding()` / `continueEncoding()` after the VM call (§6.3). */
  private resume(type: 0 | 1): void {
    if (this.completed || this.resetReason !== null) return;
    if (type === 0 && this.requestAborted) return;
    const d = type === 0 ? this.req : this.res;
    const stop = d.stop;
    d.stop = "none";
    if (stop === "headers" || stop === "headers-iteration") {
      d.headersSent = true;
      const held = d.held.bytes;
      const heldEos = d.heldEos;
      const trailers = d.pendingTrailers;
      d.held = new BodyBuffer();
      d.pendingTrailers = null;
      if (held.length > 0 || (heldEos && trailers === null)) {
        this.onBody(type, held, heldEos && trailers === null, true);
      }
      if (trailers && d.stop === "none") this.onTrailers(type, trailers.toList(), true);
      else if (trailers) d.pendingTrailers = trailers;
    } else if (stop === "body" || stop === "body-watermark") {
      d.forward(d.held.bytes);
      d.held = new BodyBuffer();
      if (d.body) d.forward(d.body.bytes);
      d.body = null;
      d.bodyPointer = false;
      d.buffering = false;
    } else if (stop === "trailers") {
      d.forward(d.held.bytes);
      d.held = new BodyBuffer();
      d.trailersHeld = false;
    }
  }

  private sendLocalReply(reply: LocalReplyRequest, fromPlugin: boolean): void {
    if (this.completed || this.resetReason !== null) return;
    if (this.localResponse !== null || this.res.headersSent) {
      this.reset("local reply after the response started");
      return;
    }
    this.localResponse = {
      status: reply.status,
      body: reply.body,
      bodyText: utf8(reply.body),
      headers: reply.headers,
      details: reply.details,
      grpcStatus: reply.grpcStatus,
    };
    this.responseCode = reply.status;
    this.responseCodeDetails = reply.details;
    const headers: HeaderList = [[":status", String(reply.status)], ...reply.headers];
    const map = new HeaderMap("response-headers", headers);
    if (reply.body.length > 0) {
      map.replace("content-length", String(reply.body.length));
      if (!map.has("content-type")) map.add("content-type", "text/plain");
    }
    const responseStarted = this.res.headers !== null;
    this.requestAborted = true;
    this.responseOverridden = true;
    this.req.stop = "none";
    if (responseStarted || !fromPlugin || !this.created || this.vm.failed) {
      // Direct to the codec: the plugin's response callbacks do not see it.
      this.res.headers = map;
      this.res.headersHeld = false;
      this.res.headersSent = true;
      this.res.stop = "none";
      this.res.body = null;
      this.res.bodyPointer = false;
      this.res.forwarded = [];
      this.res.forwardedCache = null;
      this.res.forward(reply.body);
      return;
    }
    // Request phase: the reply goes through the filter chain, including this plugin (§6.6).
    this.onHeaders(1, map.toList(), reply.body.length === 0, true);
    if (reply.body.length > 0) {
      if (this.res.stop === "headers") {
        this.res.held.append(reply.body);
        this.res.heldEos = true;
      } else {
        this.onBody(1, reply.body, true, true);
      }
    }
  }

  private reset(reason: string): void {
    if (this.resetReason !== null || this.completed) return;
    this.resetReason = reason;
    this.teardown();
  }

  private teardown(): void {
    if (this.completed) return;
    this.plugin.strictMonitor?.streamEnding(this);
    this.completed = true;
    try {
      this.runTeardown();
    } finally {
      this.afterTeardown?.();
    }
  }

  private runTeardown(): void {
    if (this.inert) {
      this.vm.removeContext(this.id);
      return;
    }
    try {
      this.ensureCreated();
      if (!this.logged) {
        this.logged = true;
        this.inLogPhase = true;
        try {
          this.invoke("proxy_on_log", [this.id]);
        } finally {
          this.inLogPhase = false;
        }
      }
      this.invoke("proxy_on_done", [this.id]);
      this.invoke("proxy_on_delete", [this.id]);
    } finally {
      this.vm.removeContext(this.id);
    }
  }
}

function joined(map: HeaderMap, key: string): string | undefined {
  const all = map.getAll(key);
  return all.length === 0 ? undefined : all.join(",");
}

/** Header map as a CEL map value (multi-values comma-joined); any header name is an own key. */
function headerObject(map: HeaderMap): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of map.toList())
    defineOwn(out, k, Object.hasOwn(out, k) ? `${out[k]},${v}` : v);
  return out;
}
