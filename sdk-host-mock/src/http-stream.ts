/**
 * One HTTP stream through the plugin's filter, as Envoy drives it (reference §6.2–§6.6): the
 * test-facing driving and inspection API, lazy `proxy_on_context_create`, the windows in which
 * the plugin may read or change maps and bodies, `proxy_continue_stream` / `proxy_close_stream`
 * (run after the current VM call), and teardown `log → done → delete`. The filter flow
 * (callbacks, clamping, pausing, buffering) is in `http-flow.ts`, local replies and fail-closed
 * in `http-local-reply.ts`, stream attributes in `http-attributes.ts` and
 * `connection-attributes.ts`, per-direction state in
 * `http-direction.ts`.
 */
import type {
  DataStatusName,
  HeadersStatusName,
  NotDeliveredStatus,
  TrailersStatusName,
} from "./abi.js";
import { NULL_BUFFER, type BufferLike } from "./body-buffer.js";
import type { ContextRef } from "./context.js";
import { PluginTrapError } from "./errors.js";
import { HeaderMap, headerListFrom, type HeaderList, type HeadersInput } from "./header-map.js";
import {
  connectionAttribute,
  resolveConnection,
  type ConnectionInfo,
  type ConnectionOptions,
} from "./connection-attributes.js";
import { streamAttribute } from "./http-attributes.js";
import { Direction } from "./http-direction.js";
import { onBody, onHeaders, onTrailers, resume } from "./http-flow.js";
import { failStream, sendLocalReply } from "./http-local-reply.js";
import { toBytes, utf8 } from "./memory.js";
import type { Plugin } from "./plugin.js";
import { PropertyTree, type PropertiesInput, type PropertyValue } from "./properties.js";
import type { Vm } from "./vm.js";

/** Options for a new stream. */
export interface StreamOptions {
  /** Per-stream properties by dotted path; they override the plugin's. */
  properties?: PropertiesInput;
  /** `request.protocol` (default `"HTTP/1.1"`). */
  protocol?: string;
  /**
   * The downstream connection (and upstream) this stream's attributes describe (§5.3), merged
   * field by field over the plugin's `connection` option and the defaults (docs/host-mock-api.md).
   */
  connection?: ConnectionOptions;
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
   * @internal How the failure policy treats this stream, fixed at creation (§6.15): `"run"` on a healthy
   * VM; `"bypass"` when created on a failed VM under fail-open; `"fail"` when the plugin is
   * disabled by its crash limit.
   */
  readonly mode: "run" | "bypass" | "fail";
  private readonly boundVm: Vm;
  /**
   * @internal The body buffer as the last body callback of each direction left it (request,
   * response), for transcripts; null before any body callback.
   */
  readonly bodyAfterCallback: [Uint8Array | null, Uint8Array | null] = [null, null];

  /** @internal */ readonly req = new Direction();
  /** @internal */ readonly res = new Direction();
  /** @internal */ created = false;
  private logged = false;
  /** @internal */ requestAborted = false;
  /** @internal */ responseOverridden = false;
  /** @internal */ readonly startNs: bigint;
  /** @internal */ readonly protocol: string;
  /** @internal */ readonly connectionId: number;
  /** @internal */ readonly connection: ConnectionInfo;
  /**
   * @internal True once the stream has an upstream (`upstream.*` exist): response headers arrived
   * from upstream, or the test called {@link selectUpstream}.
   */
  upstreamSelected = false;
  /** @internal */ responseCode: number | null = null;
  /** @internal */ responseCodeDetails: string | null = null;

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
    this.connection = resolveConnection(
      this.connectionId,
      plugin.options.connection,
      options.connection,
    );
  }

  /**
   * The router picked an upstream host: from now on `upstream.address`, `upstream.port`,
   * `upstream.local_address` exist (§5.3). {@link sendResponseHeaders} does this implicitly.
   */
  selectUpstream(): void {
    this.upstreamSelected = true;
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
      onHeaders(this, 0, headerListFrom(headers), options.endOfStream ?? false, false),
    );
  }

  /** A request body chunk arrives (`proxy_on_request_body`). */
  sendRequestBody(
    body: string | Uint8Array,
    options: SendOptions = {},
  ): DataStatusName | NotDeliveredStatus {
    return this.plugin.host.dispatch(() =>
      onBody(this, 0, toBytes(body), options.endOfStream ?? false, false),
    );
  }

  /** Request trailers arrive (`proxy_on_request_trailers`); ends the request. */
  sendRequestTrailers(trailers: HeadersInput): TrailersStatusName | NotDeliveredStatus {
    return this.plugin.host.dispatch(() => onTrailers(this, 0, headerListFrom(trailers), false));
  }

  /**
   * Response headers arrive from upstream (`proxy_on_response_headers`); the stream then has an
   * upstream ({@link selectUpstream}).
   */
  sendResponseHeaders(
    headers: HeadersInput,
    options: SendOptions = {},
  ): HeadersStatusName | NotDeliveredStatus {
    if (this.localResponse === null) this.upstreamSelected = true;
    return this.plugin.host.dispatch(() =>
      onHeaders(this, 1, headerListFrom(headers), options.endOfStream ?? false, false),
    );
  }

  /** A response body chunk arrives (`proxy_on_response_body`). */
  sendResponseBody(
    body: string | Uint8Array,
    options: SendOptions = {},
  ): DataStatusName | NotDeliveredStatus {
    return this.plugin.host.dispatch(() =>
      onBody(this, 1, toBytes(body), options.endOfStream ?? false, false),
    );
  }

  /** Response trailers arrive (`proxy_on_response_trailers`). */
  sendResponseTrailers(trailers: HeadersInput): TrailersStatusName | NotDeliveredStatus {
    return this.plugin.host.dispatch(() => onTrailers(this, 1, headerListFrom(trailers), false));
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
    this.plugin.host.defer(() => resume(this, type));
  }

  /** @internal `proxy_close_stream(0|1)`: reset after the VM call. */
  closeFromPlugin(): void {
    this.responseCodeDetails ??= "wasm_close_stream";
    this.plugin.host.defer(() => this.reset("wasm_close_stream"));
  }

  /** @internal `proxy_send_local_response`: sent after the VM call. */
  localReplyFromPlugin(reply: LocalReplyRequest): void {
    this.plugin.host.defer(() => sendLocalReply(this, reply, true));
  }

  /** @internal Stream attributes (§5.3). */
  deriveProperty(segs: string[]): PropertyValue | undefined {
    return (
      streamAttribute(this, segs) ??
      connectionAttribute(
        this.connection,
        this.connectionId,
        this.upstreamSelected,
        // The router (after this filter) counts its first attempt when the headers reach it.
        this.upstreamSelected || this.req.headersSent ? 1 : 0,
        segs,
      )
    );
  }

  // ------------------------------------------------------------------ internal (flow helpers)

  /** @internal */ get vm(): Vm {
    return this.boundVm;
  }

  /** @internal The plugin cannot run for this stream (failed VM, bypassed or disabled). */
  get inert(): boolean {
    return this.mode !== "run" || this.vm.failed;
  }

  /** @internal */ ensureCreated(): void {
    if (this.created) return;
    this.created = true;
    this.invoke("proxy_on_context_create", [this.id, this.plugin.id]);
  }

  /** @internal Calls the plugin; on a trap applies the failure policy for this stream and rethrows. */
  invoke(name: string, args: number[]): number | null | undefined {
    try {
      return this.vm.call(name, this, args);
    } catch (e) {
      if (e instanceof PluginTrapError) failStream(this);
      throw e;
    }
  }

  /** @internal */ reset(reason: string): void {
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
