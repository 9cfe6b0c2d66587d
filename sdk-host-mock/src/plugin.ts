/**
 * A configured plugin: one VM with one root context (reference §1.3 step 5, §6.1, §6.9).
 */
import {
  FailState,
  LOG_LEVEL_NAMES,
  WasmResult,
  type AbiVersion,
  type LogLevelName,
} from "./abi.js";
import type {
  DnsAnswer,
  DnsRequest,
  GrpcCallRecord,
  HttpCallRecord,
  HttpCallResponse,
} from "./callouts.js";
import type { ContextRef } from "./context.js";
import { PluginLoadError, PluginTrapError } from "./errors.js";
import { HeaderMap, headerListFrom, type HeaderList, type HeadersInput } from "./header-map.js";
import type { Host, TimerEvent } from "./host.js";
import type { ForeignFunction } from "./hostcalls/foreign.js";
import { HttpStream, type StreamOptions } from "./http-stream.js";
import { toBytes } from "./memory.js";
import { PropertyTree, defineOwn, type PropertiesInput, type PropertyValue } from "./properties.js";
import { TcpStream } from "./tcp-stream.js";
import { Vm, type ExtraImports, type TraceEntry } from "./vm.js";
import { Censor } from "./capabilities.js";
import { FailureTracker, type CrashRecord, type FailurePolicyOptions } from "./failure-policy.js";
import type { ModuleSource } from "./loader.js";
import { prepareCode, type PluginCode, type SandboxOptions } from "./sandbox.js";
import { WorkerSelector, vmKey, type VmModel, type VmModelOptions } from "./vm-models.js";
import { StrictModeError, type StrictViolation } from "./strict/error.js";
import { StrictMonitor } from "./strict/monitor.js";
import { resolveStrict, type StrictOption } from "./strict/options.js";

/** Options of {@link Host.loadPlugin}. */
export interface PluginOptions extends FailurePolicyOptions, VmModelOptions, SandboxOptions {
  /**
   * The module: a path to the `.wasm` file, its bytes, or a `file:` URL (`http(s):` URLs load
   * through {@link Host.loadPluginAsync}).
   */
  wasm: ModuleSource;
  /** `plugin_name` (default `"plugin"`). */
  name?: string;
  /** `plugin_root_id` (default `""`). */
  rootId?: string;
  /** `plugin_vm_id`; also the shared-data / queue namespace (default `""`). */
  vmId?: string;
  /** Plugin configuration (buffer 7, `proxy_on_configure` size); default empty. */
  configuration?: string | Uint8Array;
  /** VM configuration (buffer 6, `proxy_on_vm_start` size); default empty. */
  vmConfiguration?: string | Uint8Array;
  /** Properties by dotted path (encoded per reference §5.3), visible to every stream. */
  properties?: PropertiesInput;
  /** WASI environment variables (only these are visible, like Envoy's `environment_variables`). */
  environment?: Record<string, string>;
  /** What `proxy_get_log_level` returns; logs below it are not recorded (default `"info"`). */
  logLevel?: LogLevelName | "off";
  /** Envoy `allow_on_headers_stop_iteration`: header callback 1 stays StopIteration (§6.3). */
  allowOnHeadersStopIteration?: boolean;
  /** Legacy `fail_open`: after a trap, streams bypass the plugin instead of getting a 503. */
  failOpen?: boolean;
  /** Known upstream clusters; when given, `http_call`/`grpc_*` to any other name fail (§3.6). */
  clusters?: string[];
  /** Record {@link Plugin.trace} (default false). */
  trace?: boolean;
  /** Foreign functions for `proxy_call_foreign_function`, in addition to Envoy's built-ins. */
  foreignFunctions?: Record<string, ForeignFunction>;
  /**
   * Extra import modules for test harnesses (not something Envoy offers). Imports not listed
   * here must be satisfied by the host's hostcall set, else loading fails as in Envoy.
   */
  imports?: ExtraImports;
  /** Test-harness hook called with the raw instance exports right after instantiation, before `_start`. */
  onInstance?: (exports: Record<string, unknown>) => void;
  /**
   * Strict mode (docs/strict-mode.md): fail the test on misuse real hosts punish, naming the
   * pitfall id. `true` = every check; or `{ only, ignore: { Q7: "reason" }, report, limits }`.
   * Behaviour towards the plugin is unchanged; strict mode only reports.
   */
  strict?: StrictOption;
}

/** One log record of the plugin. */
export interface LogRecord {
  level: LogLevelName;
  message: string;
  /** Context the log was written for (0 = VM context during start). */
  contextId: number;
  /**
   * `fd_write`: from WASI `fd_write` (stdout → info, stderr → error); `host`: written by the
   * host about the plugin (e.g. a restricted capability), not by the plugin.
   */
  via?: "fd_write" | "host";
}

/** A plugin loaded into a {@link Host}; also its root context. */
export class Plugin implements ContextRef {
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
  private readonly clusters: Set<string> | null;
  private readonly allowedClusters: Set<string> | null;
  private readonly answeredDns = new Set<number>();
  private tickTimer: TimerEvent | null = null;
  private readonly options: PluginOptions;
  private readonly code: PluginCode;
  private readonly selector: WorkerSelector;
  private readonly ephemeral: boolean;
  /** Fake-clock time of the last (re)load of this root's VM, for the reload backoff. */
  private lastLoadMs = 0;
  /** @internal Strict-mode monitor of this root, or null when strict mode is off. */
  readonly strictMonitor: StrictMonitor | null;

  /** @internal Use {@link Host.loadPlugin}. */
  constructor(
    readonly host: Host,
    options: PluginOptions,
    internal?: { primary: Plugin; worker: number; ephemeral?: boolean },
  ) {
    this.options = options;
    this.name = options.name ?? "plugin";
    this.rootId = options.rootId ?? "";
    this.vmId = options.vmId ?? "";
    this.configuration = toBytes(options.configuration ?? "");
    this.vmConfiguration = toBytes(options.vmConfiguration ?? "");
    this.properties = new PropertyTree(options.properties ?? {});
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
      this.boot();
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

  /** Creates (or, under a sharing VM model, joins) this root's VM and runs the start sequence. */
  private boot(): void {
    const key =
      this.ephemeral || this.vmModel === "per-use" || this.vmModel === "per-request"
        ? null
        : vmKey(
            this.vmModel,
            this.code.sha256,
            {
              vmId: this.vmId,
              name: this.name,
              rootId: this.rootId,
              vmConfigurationHex: Buffer.from(this.vmConfiguration).toString("hex"),
            },
            this.workerIndex,
            JSON.stringify([
              this.options.fuel ?? null,
              this.options.maxMemoryBytes ?? null,
              this.options.allowedCapabilities ?? [],
              this.options.trace ?? false,
            ]),
          );
    this.lastLoadMs = this.host.now;
    const shared = this.host.vmRegistry.find(key);
    let fresh: Vm | null = null;
    try {
      if (shared !== null) {
        // cpp-host `createWasm`: a new plugin is first started and configured in a throw-away
        // "configuration canary" VM, so a plugin that fails to start or configure is rejected
        // without touching the VM other plugins already run in.
        this.vm = this.newVm();
        this.startRoot();
        this.vm.removeRoot(this);
        this.vm = shared;
      } else {
        this.vm = fresh = this.newVm();
        this.host.vmRegistry.register(key, this.vm);
      }
      this.startRoot();
    } catch (e) {
      // Nothing of a plugin that failed to load stays shareable or alive in a shared VM.
      if (fresh !== null) this.host.vmRegistry.forget(fresh);
      if (shared !== null && this.vm === shared) {
        shared.removeRoot(this);
        shared.removeContext(this.id);
      }
      if (e instanceof PluginLoadError) e.logs = [...this.logs];
      throw e;
    }
  }

  /** A new VM of this plugin's module, after `_initialize` / `_start`. */
  private newVm(): Vm {
    const vm = new Vm(this, this.code.bytes, this.code.vmOptions);
    this.options.onInstance?.(vm.instance.exports);
    try {
      vm.startVm();
    } catch (e) {
      if (e instanceof PluginTrapError) {
        throw new PluginLoadError(
          `Failed to initialize Wasm code: ${e.message}`,
          FailState.UnableToInitializeCode,
          {
            trap: e,
            cause: e,
          },
        );
      }
      throw e;
    }
    return vm;
  }

  /** Creates this root context in {@link vm}: context_create, vm_start, configure (§1.3). */
  private startRoot(): void {
    this.vm.roots.push(this);
    (this as { id: number }).id = this.vm.allocContextId();
    this.vm.addContext(this);
    const fail = (what: string, state: FailState, e: unknown): never => {
      if (e instanceof PluginTrapError) {
        // cpp-host `createWasm`: "Failed to start base Wasm" / "Failed to configure base Wasm plugin".
        const base =
          what === "start" ? "Failed to start base Wasm" : "Failed to configure base Wasm plugin";
        throw new PluginLoadError(
          `${base}: plugin ${this.name} failed to ${what}: ${e.message}`,
          state,
          { trap: e, cause: e },
        );
      }
      throw e;
    };
    // cpp-host `ContextBase::onStart`: on_context_create, then on_vm_start — called even when
    // on_context_create just trapped (the failed state is not re-checked, §1.3). The trap
    // still fails the start: the mock reports it once on_vm_start has run.
    let createTrap: PluginTrapError | null = null;
    try {
      this.configurationReadable = true;
      this.vm.call("proxy_on_context_create", this, [this.id, 0]);
    } catch (e) {
      if (!(e instanceof PluginTrapError)) throw e;
      createTrap = e;
    } finally {
      this.configurationReadable = false;
    }
    let ok: number | null | undefined;
    try {
      ok = this.vm.call("proxy_on_vm_start", this, [this.id, this.vmConfiguration.length]);
    } catch (e) {
      // A second trap on the already failed VM does not replace the first one.
      if (createTrap === null) fail("start", FailState.StartFailed, e);
      if (!(e instanceof PluginTrapError)) throw e;
    }
    if (createTrap !== null) fail("start", FailState.StartFailed, createTrap);
    if (ok === 0) {
      throw new PluginLoadError(
        `Failed to start base Wasm: plugin ${this.name} failed to start: proxy_on_vm_start returned false`,
        FailState.StartFailed,
      );
    }
    try {
      this.configurationReadable = true;
      ok = this.vm.call("proxy_on_configure", this, [this.id, this.configuration.length]);
    } catch (e) {
      fail("configure", FailState.ConfigureFailed, e);
    } finally {
      this.configurationReadable = false;
    }
    if (ok === 0) {
      throw new PluginLoadError(
        `Failed to configure base Wasm plugin: plugin ${this.name} failed to configure: proxy_on_configure returned false`,
        FailState.ConfigureFailed,
      );
    }
  }

  /** Crashes of this plugin (all its VMs), oldest first (issue 5 "crash records"). */
  get crashes(): readonly CrashRecord[] {
    return this.failureTracker.crashes;
  }

  /** True once the crash-loop limit disabled the plugin (`crashLimit`). */
  get disabled(): boolean {
    return this.failureTracker.disabled;
  }

  /** Fuel the last callback into this root's VM used (null without a `fuel` budget). */
  get lastCallbackFuel(): number | null {
    return this.vm.fuel?.used ?? null;
  }

  /** Current linear memory size of this root's VM in bytes. */
  get memoryBytes(): number {
    return this.vm.memory.size;
  }

  /** Root context id. */
  get rootContextId(): number {
    return this.id;
  }

  /** ABI version detected from the module's marker export. */
  get abiVersion(): AbiVersion {
    return this.vm.abiVersion;
  }

  /** True once the VM trapped (permanently failed, §6.15). */
  get failed(): boolean {
    return this.vm.failed;
  }

  /** The trap that failed the VM, or null. */
  get failure(): PluginTrapError | null {
    return this.vm.failure;
  }

  /** Ordered host→plugin calls and plugin→host hostcalls (empty unless `trace: true`). */
  get trace(): readonly TraceEntry[] {
    return this.vm.trace ?? [];
  }

  /** Number of calls per hostcall name (`proxy_*`, `env.*`, `wasi_*.*`). */
  get hostcallCounts(): Readonly<Record<string, number>> {
    return this.vm.hostcallCounts;
  }

  /**
   * The module instance's raw exports (memory, allocator, callbacks). Meant for test harnesses;
   * calling callbacks directly bypasses the host's bookkeeping.
   */
  get instanceExports(): Record<string, unknown> {
    return this.vm.instance.exports;
  }

  /** Strict-mode violations found so far, of every worker VM (empty when strict mode is off). */
  get violations(): readonly StrictViolation[] {
    return this.primary.workers.flatMap((w) => w.strictMonitor?.violations ?? []);
  }

  /**
   * Strict-mode checkpoint: reports streams stalled with nothing left to resume them (Q1/Q6) and
   * queue items nobody dequeued (T2), then throws a `StrictModeError` listing every violation
   * recorded so far (all worker VMs). Does nothing when strict mode is off.
   */
  assertNoViolations(): void {
    for (const w of this.primary.workers) w.strictMonitor?.checkpoint();
    const all = this.violations;
    if (all.length > 0) throw new StrictModeError(all);
  }

  /** Forgets the recorded strict-mode violations (after a test asserted them). */
  clearViolations(): void {
    for (const w of this.primary.workers)
      if (w.strictMonitor) w.strictMonitor.violations.length = 0;
  }

  /** Messages logged at exactly this level. */
  logMessages(level: LogLevelName): string[] {
    return this.logs.filter((l) => l.level === level).map((l) => l.message);
  }

  /** Clears {@link logs} and {@link trace}. */
  clearLogs(): void {
    this.logs.length = 0;
    if (this.vm.trace) this.vm.trace.length = 0;
  }

  /** Value of a metric defined by any plugin of this host (counter/gauge value, histogram sample count), or null. */
  metric(name: string): number | null {
    const r = this.host.metricStore.find(name);
    if (!r) return null;
    return r.type === "histogram" ? r.samples.length : Number(r.value);
  }

  /** Shared data of this plugin's vm_id namespace, as UTF-8 text with CAS values. */
  get sharedData(): Record<string, { value: string; cas: number }> {
    const out: Record<string, { value: string; cas: number }> = {};
    for (const [k, e] of this.host.sharedData.entries(this.vmId)) {
      // defineOwn: a key named "__proto__" is a key like any other.
      defineOwn(out, k, { value: new TextDecoder().decode(e.value), cas: e.cas });
    }
    return out;
  }

  /**
   * Log records at `level` or more severe, in order: `logsAt("warn")` = warn, error and
   * critical records (use {@link logMessages} for one exact level).
   */
  logsAt(level: LogLevelName): LogRecord[] {
    const min = LOG_LEVEL_NAMES.indexOf(level);
    return this.logs.filter((l) => LOG_LEVEL_NAMES.indexOf(l.level) >= min);
  }

  /**
   * Changes the host's log level at run time, as Envoy's admin `/logging` endpoint does: later
   * `proxy_get_log_level` calls return it and records below it are no longer kept.
   */
  setLogLevel(level: LogLevelName | "off"): void {
    const n = level === "off" ? 6 : LOG_LEVEL_NAMES.indexOf(level);
    if (n < 0) throw new TypeError(`unknown log level ${String(level)}`);
    // The log level is Envoy's, process-wide: every worker root of the plugin gets it.
    for (const root of new Set([this, ...this.workers])) root.logLevel = n;
  }

  /** HTTP callouts still waiting for an answer (not responded, failed, timed out or cancelled). */
  get pendingHttpCalls(): HttpCallRecord[] {
    return this.httpCalls.filter((c) => !c.answered);
  }

  /** gRPC calls and streams still open (not answered, closed by the peer or cancelled). */
  get pendingGrpcCalls(): GrpcCallRecord[] {
    return this.grpcCalls.filter((c) => !c.done);
  }

  /**
   * Items waiting in shared queue `name` of namespace `vmId` (default: this plugin's vm_id),
   * oldest first, as copies; null if no such queue is registered (reference §3.8, §6.11).
   */
  queueItems(name: string, vmId: string = this.vmId): Uint8Array[] | null {
    const token = this.host.sharedQueues.resolve(vmId, name);
    const queue = token === null ? null : this.host.sharedQueues.get(token);
    return queue ? queue.items.map((i) => i.slice()) : null;
  }

  /** {@link queueItems} decoded as UTF-8 text. */
  queueTexts(name: string, vmId: string = this.vmId): string[] | null {
    return this.queueItems(name, vmId)?.map((i) => new TextDecoder().decode(i)) ?? null;
  }

  /**
   * Creates an HTTP stream; its context id is allocated now (§6.1), the in-VM context lazily.
   * With several workers the stream goes to the next worker (or `options.worker`); under
   * `"per-request"` to a fresh VM; a failed VM is first reloaded if the failure policy allows.
   */
  newHttpStream(options: StreamOptions = {}): HttpStream {
    const root = this.rootForNewStream(options.worker);
    const stream = new HttpStream(root, options);
    if (root.ephemeral) stream.afterTeardown = () => root.shutdown();
    return stream;
  }

  /** Creates a TCP connection context (worker and VM chosen as for {@link newHttpStream}). */
  newTcpStream(options: StreamOptions = {}): TcpStream {
    const root = this.rootForNewStream(options.worker);
    const stream = new TcpStream(root, options);
    if (root.ephemeral) stream.afterTeardown = () => root.shutdown();
    return stream;
  }

  /** Envoy `PluginConfig::createContext`: picks the worker root, reloading a failed VM if allowed. */
  private rootForNewStream(pinned: number | undefined): Plugin {
    const p = this.primary;
    if (p.vmModel === "per-request" && !p.disabled) {
      return p.host.dispatch(
        () => new Plugin(p.host, p.options, { primary: p, worker: 0, ephemeral: true }),
      );
    }
    const root = p.workers[p.selector.pick(pinned)];
    if (root.vm.failed) root.maybeReload();
    return root;
  }

  /** Envoy `maybeReloadHandleIfNeeded` for this root. */
  private maybeReload(): void {
    if (this.state === "deleted" || !this.failureTracker.shouldReload(this.lastLoadMs)) return;
    const old = { vm: this.vm, id: this.id, state: this.state };
    this.vm.removeRoot(this);
    this.cancelTimer();
    this.tickPeriodMs = 0;
    this.state = "active";
    for (const rec of this.httpCalls) {
      rec.answered = true;
      if (rec.timer) rec.timer.cancelled = true;
    }
    try {
      this.host.dispatch(() => this.boot());
      this.failureTracker.reloaded(true);
    } catch (e) {
      if (!(e instanceof PluginLoadError)) throw e;
      if (this.vm !== old.vm) this.vm.removeRoot(this);
      this.vm = old.vm;
      (this as { id: number }).id = old.id;
      this.state = old.state;
      this.lastLoadMs = this.host.now;
      this.failureTracker.reloaded(false);
    }
  }

  /** Calls `proxy_on_tick(root)` now (independent of the timer). */
  tick(): void {
    this.host.dispatch(() => {
      if (this.vm.failed || this.state === "deleted") return;
      this.vm.call("proxy_on_tick", this, [this.id]);
    });
  }

  /**
   * Root shutdown (§6.1): `proxy_on_done(root)`; non-zero → `proxy_on_delete(root)`; zero →
   * the root stays alive (`state` = "done-pending") until the plugin calls `proxy_done()`. On a
   * plugin with workers, every worker root is shut down.
   */
  shutdown(): void {
    // A loaded plugin goes away on every worker (each worker VM has its own root context).
    if (this.primary === this) for (const w of this.workers.slice(1)) w.shutdown();
    this.host.dispatch(() => {
      if (this.state !== "active") return;
      this.cancelTimer();
      if (this.vm.failed) {
        this.state = "deleted";
        this.afterDelete();
        return;
      }
      const r = this.vm.call("proxy_on_done", this, [this.id]);
      if (r === 0) {
        this.state = "done-pending";
        return;
      }
      this.deleteRoot();
    });
  }

  /**
   * Delivers a response to an HTTP callout (§6.7): `proxy_on_http_call_response(root, token,
   * headers, body_size, trailers)`; headers/body/trailers are readable only during the callback.
   */
  respondToHttpCall(call: number | HttpCallRecord, response: HttpCallResponse = {}): void {
    const rec = this.findHttpCall(call);
    const headers = new HeaderMap("response-headers");
    const list = response.headers ? headerListFrom(response.headers) : [];
    if (!list.some(([k]) => k === ":status"))
      headers.add(":status", String(response.status ?? 200));
    for (const [k, v] of list) headers.add(k, v);
    const trailers = new HeaderMap(
      "response-trailers",
      response.trailers ? headerListFrom(response.trailers) : [],
    );
    rec.answered = true;
    this.answer(() =>
      this.deliverHttpCall(rec, { headers, body: toBytes(response.body ?? ""), trailers }),
    );
  }

  /** Delivers an HTTP-callout failure (reset): callback with zeros, `get_status` → (11, "reset"). */
  failHttpCall(call: number | HttpCallRecord): void {
    const rec = this.findHttpCall(call);
    rec.answered = true;
    this.answer(() => this.deliverHttpCall(rec, null));
  }

  /**
   * Answers a unary gRPC call: `message` → `proxy_on_grpc_receive`; a non-zero `status` →
   * `proxy_on_grpc_close(root, token, status)` with `statusMessage` via `proxy_get_status`.
   */
  respondToGrpcCall(
    token: number,
    response: { message?: string | Uint8Array; status?: number; statusMessage?: string },
  ): void {
    const rec = this.grpcCall(token);
    if (!rec || rec.kind !== "call") throw new Error(`no gRPC call with token ${token}`);
    this.answer(() => {
      if (rec.done) return;
      rec.done = true;
      if ((response.status ?? 0) !== 0)
        this.grpcClose(rec, response.status!, response.statusMessage ?? "");
      else this.grpcReceive(rec, toBytes(response.message ?? ""));
    });
  }

  /** Delivers gRPC stream events in order: initial metadata, a message, or the remote close. */
  sendGrpcStreamEvent(
    token: number,
    event:
      | { initialMetadata: HeadersInput }
      | { message: string | Uint8Array }
      | { trailingMetadata: HeadersInput }
      | { close: { status: number; message?: string } },
  ): void {
    const rec = this.grpcCall(token);
    if (!rec || rec.kind !== "stream") throw new Error(`no gRPC stream with token ${token}`);
    this.answer(() => {
      if (rec.done || this.vm.failed || this.state === "deleted") return;
      if ("initialMetadata" in event) {
        const md = new HeaderMap("other", headerListFrom(event.initialMetadata));
        this.grpcInitialMetadata = md;
        try {
          this.vm.call("proxy_on_grpc_receive_initial_metadata", this, [this.id, token, md.size]);
        } finally {
          this.grpcInitialMetadata = null;
        }
      } else if ("message" in event) {
        this.grpcReceive(rec, toBytes(event.message));
      } else if ("trailingMetadata" in event) {
        const md = new HeaderMap("other", headerListFrom(event.trailingMetadata));
        this.grpcTrailingMetadata = md;
        try {
          this.vm.call("proxy_on_grpc_receive_trailing_metadata", this, [this.id, token, md.size]);
        } finally {
          this.grpcTrailingMetadata = null;
        }
      } else {
        rec.done = true;
        this.grpcClose(rec, event.close.status, event.close.message ?? "");
      }
    });
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
    if (!this.dnsRequests.some((r) => r.token === token))
      throw new Error(`no DNS request with token ${token}`);
    if (this.answeredDns.has(token)) throw new Error(`DNS request ${token} was already answered`);
    this.answeredDns.add(token);
    this.answer(() => {
      if (this.vm.failed || this.state === "deleted") return;
      const data = answers === null ? new Uint8Array(0) : encodeDnsAnswers(answers);
      this.callData = data; // stays staged after the call, like Envoy's `buffer_`
      this.vm.call("envoy_on_resolve_dns", this, [this.id, token, data.length]);
    });
  }

  /**
   * Runs an answer from "upstream" (callout response, gRPC event, DNS result) as a host event.
   * One that arrives while this VM is running a call (e.g. from a test hook or foreign function
   * invoked by the plugin) is queued until that call returns, as Envoy does (reference §6.7).
   */
  private answer(deliver: () => void): void {
    this.host.dispatch(() => (this.vm.inCall ? this.host.defer(deliver) : deliver()));
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

  /** @internal */
  registerHttpCall(rec: HttpCallRecord): void {
    this.httpCalls.push(rec);
    if (rec.timeoutMs > 0) {
      rec.timer = this.host.schedule(
        this.host.nowNanos + BigInt(rec.timeoutMs) * 1_000_000n,
        () => {
          rec.timer = null;
          if (rec.answered) return;
          const headers = new HeaderMap("response-headers", [
            [":status", "504"],
            ["content-length", "24"],
            ["content-type", "text/plain"],
          ]);
          this.deliverHttpCall(rec, {
            headers,
            body: toBytes("upstream request timeout"),
            trailers: new HeaderMap("response-trailers"),
          });
        },
      );
    }
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
    this.tickPeriodMs = ms;
    this.cancelTimer();
    if (ms > 0) this.armTimer();
  }

  /** @internal Queue notification target. */
  queueReady(token: number): void {
    if (this.vm.failed || this.state === "deleted") return;
    this.vm.call("proxy_on_queue_ready", this, [this.id, token]);
  }

  /** @internal `proxy_done()` from the root context. */
  doneFromPlugin(): WasmResult {
    if (this.state !== "done-pending") return WasmResult.NotFound;
    this.state = "deleted";
    this.host.defer(() => this.deleteRoot());
    return WasmResult.Ok;
  }

  /** @internal Called by the VM on its first trap. */
  onVmFailed(_err: PluginTrapError): void {
    this.cancelTimer();
  }

  private deleteRoot(): void {
    this.state = "deleted";
    if (!this.vm.failed) this.vm.call("proxy_on_delete", this, [this.id]);
    this.vm.removeContext(this.id);
    this.afterDelete();
  }

  private afterDelete(): void {
    this.vm.removeRoot(this);
    if (this.vm.roots.length === 0) this.host.vmRegistry.forget(this.vm);
    for (const rec of this.httpCalls) {
      rec.answered = true;
      if (rec.timer) rec.timer.cancelled = true;
    }
    const others = this.host.plugins
      .flatMap((p) => p.workers)
      .some((p) => p !== this && p.vmId === this.vmId && p.state !== "deleted");
    if (!others) {
      this.host.sharedData.dropNamespace(this.vmId);
      this.host.sharedQueues.dropNamespace(this.vmId);
    }
  }

  private armTimer(): void {
    const period = this.tickPeriodMs;
    this.tickTimer = this.host.schedule(this.host.nowNanos + BigInt(period) * 1_000_000n, () => {
      this.tickTimer = null;
      if (this.vm.failed || this.state === "deleted" || !this.vm.has("proxy_on_tick")) return;
      this.vm.call("proxy_on_tick", this, [this.id]);
      if (this.tickTimer === null && this.tickPeriodMs > 0 && !this.vm.failed) this.armTimer();
    });
  }

  private cancelTimer(): void {
    if (this.tickTimer) this.tickTimer.cancelled = true;
    this.tickTimer = null;
  }

  private findHttpCall(call: number | HttpCallRecord): HttpCallRecord {
    const rec = typeof call === "number" ? this.httpCalls.find((c) => c.token === call) : call;
    if (!rec || !this.httpCalls.includes(rec))
      throw new Error(`no HTTP call with token ${String(call)}`);
    if (rec.answered) throw new Error(`HTTP call ${rec.token} was already answered or cancelled`);
    return rec;
  }

  private deliverHttpCall(
    rec: HttpCallRecord,
    response: { headers: HeaderMap; body: Uint8Array; trailers: HeaderMap } | null,
  ): void {
    rec.answered = true;
    if (rec.timer) rec.timer.cancelled = true;
    if (this.vm.failed || this.state === "deleted") return;
    if (response === null) this.status = { code: WasmResult.BrokenConnection, message: "reset" };
    this.callResponse = response;
    try {
      this.vm.call(
        "proxy_on_http_call_response",
        this,
        response
          ? [
              this.id,
              rec.token,
              response.headers.size,
              response.body.length,
              response.trailers.size,
            ]
          : [this.id, rec.token, 0, 0, 0],
      );
    } finally {
      this.callResponse = null;
      this.status.message = "";
    }
  }

  private grpcReceive(rec: GrpcCallRecord, message: Uint8Array): void {
    if (this.vm.failed || this.state === "deleted") return;
    this.grpcReceiveBuffer = message;
    try {
      this.vm.call("proxy_on_grpc_receive", this, [this.id, rec.token, message.length]);
    } finally {
      this.grpcReceiveBuffer = null;
    }
  }

  private grpcClose(rec: GrpcCallRecord, status: number, message: string): void {
    if (this.vm.failed || this.state === "deleted") return;
    this.status = { code: status, message };
    try {
      this.vm.call("proxy_on_grpc_close", this, [this.id, rec.token, status]);
    } finally {
      this.status.message = "";
    }
  }
}

/** Envoy's `onResolveDns` buffer (§5.8): u32 N, N × u32 TTL, N NUL-terminated addresses. */
function encodeDnsAnswers(answers: readonly DnsAnswer[]): Uint8Array {
  const addresses = answers.map((a) => toBytes(a.address));
  const size = 4 + answers.length * 4 + addresses.reduce((n, a) => n + a.length + 1, 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, answers.length, true);
  answers.forEach((a, i) => dv.setUint32(4 + i * 4, Math.trunc(a.ttlSeconds) >>> 0, true));
  let o = 4 + answers.length * 4;
  for (const a of addresses) {
    out.set(a, o);
    o += a.length + 1;
  }
  return out;
}

/** Header list helper re-exported for stream modules. @internal */
export type { HeaderList };
