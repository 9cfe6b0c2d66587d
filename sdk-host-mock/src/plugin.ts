/**
 * A configured plugin: one VM with one root context (reference §1.3 step 5, §6.1, §6.9), and
 * the test-facing API on it (logs, trace, strict-mode results, shared state, callout answers).
 * Its start sequence is in `plugin-start.ts`, worker VMs and reloads in `plugin-workers.ts`,
 * the timer and shutdown in `plugin-lifecycle.ts`, callout answers in `plugin-callouts.ts`,
 * its options in `plugin-options.ts`.
 */
import { LOG_LEVEL_NAMES, WasmResult, type AbiVersion, type LogLevelName } from "./abi.js";
import type {
  DnsAnswer,
  DnsRequest,
  GrpcCallRecord,
  HttpCallRecord,
  HttpCallResponse,
} from "./callouts.js";
import { Censor } from "./capabilities.js";
import type { ContextRef } from "./context.js";
import type { PluginTrapError } from "./errors.js";
import { FailureTracker, type CrashRecord } from "./failure-policy.js";
import { HeaderMap, type HeaderList } from "./header-map.js";
import type { Host, TimerEvent } from "./host.js";
import type { ForeignFunction } from "./hostcalls/foreign.js";
import { HttpStream, type StreamOptions } from "./http-stream.js";
import { toBytes } from "./memory.js";
import {
  failHttpCall,
  registerHttpCall,
  respondToDns,
  respondToGrpcCall,
  respondToHttpCall,
  sendGrpcStreamEvent,
  type GrpcStreamEvent,
} from "./plugin-callouts.js";
import {
  cancelTimer,
  doneFromPlugin,
  setTickPeriod,
  shutdownRoot,
  tick,
} from "./plugin-lifecycle.js";
import { PluginInspection } from "./plugin-inspection.js";
import type { LogRecord, PluginOptions } from "./plugin-options.js";
import { bootRoot } from "./plugin-start.js";
import { rootForNewStream } from "./plugin-workers.js";
import { resolveConnection } from "./connection-attributes.js";
import { PropertyTree, defineOwn, type PropertyValue } from "./properties.js";
import { prepareCode, type PluginCode } from "./sandbox.js";
import { StrictModeError, type StrictViolation } from "./strict/error.js";
import { StrictMonitor } from "./strict/monitor.js";
import { resolveStrict } from "./strict/options.js";
import { TcpStream } from "./tcp-stream.js";
import type { TraceEntry, Vm } from "./vm.js";
import { WorkerSelector, type VmModel } from "./vm-models.js";

export type { LogRecord, PluginOptions } from "./plugin-options.js";

/** A plugin loaded into a {@link Host}; also its root context. */
export class Plugin extends PluginInspection implements ContextRef {
  /** @internal */ readonly kind = "root" as const;
  /** @internal */ readonly http = null;
  /** @internal */ readonly tcp = null;
  /** @internal */ readonly plugin: Plugin = this;
  /** @internal The VM this root context lives in (replaced by a reload). */ vm!: Vm;
  /** Root context id (1 for the first plugin of a VM). */
  readonly id: number = 0;
  /** Worker roots of this plugin: `workers[0]` is the plugin itself (see {@link VmModelOptions}). */
  readonly workers: Plugin[];
  /** Index of this root's worker VM. */
  readonly workerIndex: number;
  /** The plugin as loaded (this object, or the plugin a worker / ephemeral root belongs to). */
  readonly primary: Plugin;
  /** @internal */ readonly censor: Censor;
  /** @internal */ readonly failureTracker: FailureTracker;
  /** The VM model of this plugin. */
  readonly vmModel: VmModel;
  /** `plugin_name`. */
  readonly name: string;
  /** `plugin_root_id`. */
  readonly rootId: string;
  /** `plugin_vm_id`. */
  readonly vmId: string;
  /** @internal */ readonly configuration: Uint8Array;
  /** @internal */ readonly vmConfiguration: Uint8Array;
  /** @internal */ readonly properties: PropertyTree;
  /** @internal */ readonly environment: Record<string, string>;
  /** Level returned by `proxy_get_log_level` (0 trace … 5 critical, 6 off); see {@link setLogLevel}. */
  logLevel: number;
  /** Whether header StopIteration is passed through (§6.3). */
  readonly allowOnHeadersStopIteration: boolean;
  /** Fail-open instead of fail-closed after a trap (§6.15). */
  readonly failOpen: boolean;
  /** Everything the plugin logged at or above {@link logLevel} (shared by all its workers). */
  readonly logs: LogRecord[];
  /** HTTP callouts in dispatch order. */
  readonly httpCalls: HttpCallRecord[] = [];
  /** gRPC calls and streams in dispatch order. */
  readonly grpcCalls: GrpcCallRecord[] = [];
  /**
   * DNS lookups the plugin started with Envoy's `envoy_resolve_dns` (reference §3.11), in call
   * order: `{ token, address }`. Answer them with {@link respondToDns}.
   */
  readonly dnsRequests: DnsRequest[] = [];
  /** Current tick period in ms (0 = none). */
  tickPeriodMs = 0;
  /** Last `proc_exit` code, if the plugin called it (execution continues, as in Envoy). */
  procExitCode: number | null = null;
  /** Root context state: `"active"`, `"done-pending"` (on_done returned 0), `"deleted"`. */
  state: "active" | "done-pending" | "deleted" = "active";

  /** @internal */ configurationReadable = false;
  /** @internal */ status = { code: 0, message: "" };
  /** @internal */ callResponse: {
    headers: HeaderMap;
    body: Uint8Array;
    trailers: HeaderMap;
  } | null = null;
  /** @internal */ grpcReceiveBuffer: Uint8Array | null = null;
  /** @internal */ grpcInitialMetadata: HeaderMap | null = null;
  /** @internal */ grpcTrailingMetadata: HeaderMap | null = null;
  /** @internal */ callData: Uint8Array | null = null;
  /** @internal */ readonly declaredProperties = new Map<string, { readonly: boolean }>();
  /** @internal User foreign functions by name (a Map: no inherited names). */
  readonly foreignFunctions: Map<string, ForeignFunction>;
  /** @internal */ readonly clusters: Set<string> | null;
  /** @internal */ readonly allowedClusters: Set<string> | null;
  /** @internal */ readonly answeredDns = new Set<number>();
  /** @internal */ tickTimer: TimerEvent | null = null;
  /** @internal */ readonly options: PluginOptions;
  /** @internal */ readonly code: PluginCode;
  /** @internal */ readonly selector: WorkerSelector;
  /** @internal */ readonly ephemeral: boolean;
  /** @internal Fake-clock time of the last (re)load of this root's VM, for the reload backoff. */
  lastLoadMs = 0;
  /** @internal Strict-mode monitor of this root, or null when strict mode is off. */
  readonly strictMonitor: StrictMonitor | null;

  /** @internal Use {@link Host.loadPlugin}. */
  constructor(
    readonly host: Host,
    options: PluginOptions,
    internal?: { primary: Plugin; worker: number; ephemeral?: boolean },
  ) {
    super();
    this.options = options;
    this.name = options.name ?? "plugin";
    this.rootId = options.rootId ?? "";
    this.vmId = options.vmId ?? "";
    this.configuration = toBytes(options.configuration ?? "");
    this.vmConfiguration = toBytes(options.vmConfiguration ?? "");
    this.properties = new PropertyTree(options.properties ?? {});
    resolveConnection(0, options.connection, undefined); // bad addresses fail at load, not per stream
    this.environment = { ...(options.environment ?? {}) };
    const level = options.logLevel ?? "info";
    this.logLevel = level === "off" ? 6 : LOG_LEVEL_NAMES.indexOf(level);
    if (this.logLevel < 0) throw new TypeError(`unknown log level ${String(level)}`);
    this.allowOnHeadersStopIteration = options.allowOnHeadersStopIteration ?? false;
    this.failOpen = options.failOpen ?? false;
    this.clusters = options.clusters ? new Set(options.clusters) : null;
    this.allowedClusters = options.allowedClusters ? new Set(options.allowedClusters) : null;
    this.foreignFunctions = new Map(Object.entries(options.foreignFunctions ?? {}));
    this.vmModel = options.vmModel ?? "per-use";
    if (!["per-use", "shared", "per-plugin", "per-request"].includes(this.vmModel))
      throw new TypeError(`unknown vmModel ${String(this.vmModel)}`);
    if (internal) {
      const p = internal.primary;
      this.primary = p;
      this.workerIndex = internal.worker;
      this.ephemeral = internal.ephemeral ?? false;
      this.logs = p.logs;
      this.censor = p.censor;
      this.failureTracker = p.failureTracker;
      this.code = p.code;
      this.selector = p.selector;
      this.workers = p.workers;
    } else {
      this.primary = this;
      this.workerIndex = 0;
      this.ephemeral = false;
      this.logs = [];
      this.censor = new Censor(options.hiddenHeaders, options.hiddenProperties);
      this.failureTracker = new FailureTracker(host, this.name, options);
      this.code = prepareCode(host, options, {
        trace: options.trace ?? false,
        extraImports: options.imports,
      });
      const workers = options.workers ?? 1;
      if (!(Number.isInteger(workers) && workers >= 1))
        throw new RangeError("workers must be >= 1");
      this.selector = new WorkerSelector(workers, options.selectWorker);
      this.workers = [this];
    }
    const strict = resolveStrict(options.strict);
    this.strictMonitor =
      strict === null
        ? null
        : // the worker VMs of one plugin share what S2/T1 tally
          new StrictMonitor(this, strict, internal?.primary.strictMonitor?.group);
    try {
      bootRoot(this);
    } catch (e) {
      throw this.strictMonitor !== null && e instanceof Error
        ? this.strictMonitor.loadFailed(e)
        : e;
    }
    if (!internal) {
      const count = this.vmModel === "per-request" ? 1 : (options.workers ?? 1);
      for (let w = 1; w < count; w++)
        this.workers.push(new Plugin(host, options, { primary: this, worker: w }));
    }
  }

  /**
   * Creates an HTTP stream; its context id is allocated now (§6.1), the in-VM context lazily.
   * With several workers the stream goes to the next worker (or `options.worker`); under
   * `"per-request"` to a fresh VM; a failed VM is first reloaded if the failure policy allows.
   */
  newHttpStream(options: StreamOptions = {}): HttpStream {
    const root = rootForNewStream(this, options.worker);
    const stream = new HttpStream(root, options);
    if (root.ephemeral) stream.afterTeardown = () => root.shutdown();
    return stream;
  }

  /** Creates a TCP connection context (worker and VM chosen as for {@link newHttpStream}). */
  newTcpStream(options: StreamOptions = {}): TcpStream {
    const root = rootForNewStream(this, options.worker);
    const stream = new TcpStream(root, options);
    if (root.ephemeral) stream.afterTeardown = () => root.shutdown();
    return stream;
  }

  /** Calls `proxy_on_tick(root)` now (independent of the timer). */
  tick(): void {
    tick(this);
  }

  /**
   * Root shutdown (§6.1): `proxy_on_done(root)`; non-zero → `proxy_on_delete(root)`; zero →
   * the root stays alive (`state` = "done-pending") until the plugin calls `proxy_done()`. On a
   * plugin with workers, every worker root is shut down.
   */
  shutdown(): void {
    shutdownRoot(this);
  }

  /**
   * Delivers a response to an HTTP callout (§6.7): `proxy_on_http_call_response(root, token,
   * headers, body_size, trailers)`; headers/body/trailers are readable only during the callback.
   */
  respondToHttpCall(call: number | HttpCallRecord, response: HttpCallResponse = {}): void {
    respondToHttpCall(this, call, response);
  }

  /** Delivers an HTTP-callout failure (reset): callback with zeros, `get_status` → (11, "reset"). */
  failHttpCall(call: number | HttpCallRecord): void {
    failHttpCall(this, call);
  }

  /**
   * Answers a unary gRPC call: `message` → `proxy_on_grpc_receive`; a non-zero `status` →
   * `proxy_on_grpc_close(root, token, status)` with `statusMessage` via `proxy_get_status`.
   */
  respondToGrpcCall(
    token: number,
    response: { message?: string | Uint8Array; status?: number; statusMessage?: string },
  ): void {
    respondToGrpcCall(this, token, response);
  }

  /** Delivers gRPC stream events in order: initial metadata, a message, or the remote close. */
  sendGrpcStreamEvent(token: number, event: GrpcStreamEvent): void {
    sendGrpcStreamEvent(this, token, event);
  }

  /**
   * Answers a DNS lookup started with `envoy_resolve_dns` (Envoy `Context::onResolveDns`,
   * reference §3.11, §5.8): calls `envoy_on_resolve_dns(root_id, token, data_size)` on the root
   * context that made the call, with the result staged as buffer 8 (CallData) of the root
   * context (it stays there until the next staging, as in Envoy):
   * `u32 N`, then N × `u32 ttl_seconds`, then the N addresses, each NUL-terminated (all LE).
   * `answers = null` is a failed resolution: buffer 8 is empty and `data_size` is 0 (an empty
   * array is a successful lookup with no answers: 4 bytes, N = 0).
   * Nothing is called when the module does not export `envoy_on_resolve_dns`, the VM has failed
   * or the root context was deleted. Throws if `token` is unknown or was already answered.
   */
  respondToDns(token: number, answers: readonly DnsAnswer[] | null): void {
    respondToDns(this, token, answers);
  }

  /**
   * Host-initiated foreign function (0.2.x): stages `args` as buffer 8 of the root context
   * (it stays readable after the call until the next staging, as in Envoy) and calls
   * `proxy_on_foreign_function(root, functionId, args.length)`.
   */
  callForeignFunction(functionId: number, args: string | Uint8Array): void {
    this.host.dispatch(() => {
      if (this.vm.failed || this.state === "deleted") return;
      // Stays staged after the call, like Envoy's per-context `buffer_` (reference §3.3).
      this.callData = toBytes(args);
      this.vm.call("proxy_on_foreign_function", this, [this.id, functionId, this.callData.length]);
    });
  }

  // ------------------------------------------------------------------ internal (hostcalls)

  /** @internal `envoy_resolve_dns` accepted a lookup. */
  registerDnsRequest(rec: DnsRequest): void {
    this.dnsRequests.push(rec);
  }

  /** @internal A host log about the plugin (Envoy logs it; the mock records it with `via: "host"`). */
  hostLog(level: LogLevelName, message: string, contextId: number): void {
    this.log(LOG_LEVEL_NAMES.indexOf(level), message, contextId, "host");
  }

  /** @internal Called by the VM on the plugin whose callback trapped. */
  recordCrash(err: PluginTrapError, _vm: Vm): void {
    this.failureTracker.record(err, this.workerIndex);
  }

  /** @internal The local reply of a stream this plugin cannot serve (fail-closed or disabled). */
  failureReply(): { status: number; body: Uint8Array; details: string } {
    const r = this.disabled ? (this.options.disabledReply ?? {}) : {};
    return {
      status: r.status ?? 503,
      body: toBytes(r.body ?? ""),
      details: r.details ?? "wasm_fail_stream",
    };
  }

  /** @internal Records a log record if at or above the configured level. */
  log(level: number, message: string, contextId: number, via?: "fd_write" | "host"): void {
    if (level < this.logLevel) return;
    const rec: LogRecord = { level: LOG_LEVEL_NAMES[level], message, contextId };
    if (via) rec.via = via;
    this.logs.push(rec);
  }

  /** @internal */
  hasCluster(name: string): boolean {
    return (
      (this.clusters === null || this.clusters.has(name)) &&
      (this.allowedClusters === null || this.allowedClusters.has(name))
    );
  }

  /** @internal `proxy_http_call` accepted a callout (arms its timeout). */
  registerHttpCall(rec: HttpCallRecord): void {
    registerHttpCall(this, rec);
  }

  /** @internal */
  registerGrpcCall(rec: GrpcCallRecord): void {
    this.grpcCalls.push(rec);
  }

  /** @internal */
  grpcCall(token: number): GrpcCallRecord | null {
    return this.grpcCalls.find((c) => c.token === token) ?? null;
  }

  /** @internal Property names every context has. */
  deriveProperty(segments: string[]): PropertyValue | undefined {
    if (segments.length !== 1) return undefined;
    switch (segments[0]) {
      case "plugin_name":
        return this.name;
      case "plugin_root_id":
        return this.rootId;
      case "plugin_vm_id":
        return this.vmId;
      default:
        return undefined;
    }
  }

  /** @internal `proxy_set_tick_period_milliseconds`: (re)starts the root's timer. */
  setTickPeriod(ms: number): void {
    setTickPeriod(this, ms);
  }

  /** @internal Queue notification target. */
  queueReady(token: number): void {
    if (this.vm.failed || this.state === "deleted") return;
    this.vm.call("proxy_on_queue_ready", this, [this.id, token]);
  }

  /** @internal `proxy_done()` from the root context. */
  doneFromPlugin(): WasmResult {
    return doneFromPlugin(this);
  }

  /** @internal Called by the VM on its first trap. */
  onVmFailed(_err: PluginTrapError): void {
    cancelTimer(this);
  }
}

/** Header list helper re-exported for stream modules. @internal */
export type { HeaderList };
