import { MetricStore, type MetricRecord } from "./metrics.js";
import { SharedDataStore, SharedQueueStore } from "./shared-data.js";
import { Plugin, type PluginOptions } from "./plugin.js";
import { defineOwn } from "./properties.js";
import { VmRegistry } from "./vm-models.js";
import { instrumentFuel } from "./fuel.js";
import { fetchModule } from "./loader.js";

/** Options of {@link Host}. */
export interface HostOptions {
  /** Start time of the fake clock in epoch milliseconds (default: `Date.now()` at construction). */
  now?: number;
  /**
   * Defaults for every {@link Host.loadPlugin} of this host, e.g. `{ vmModel: "per-request" }`
   * or `{ workers: 2, failurePolicy: "reload", fuel: 1e6 }` to run a whole suite under a
   * sandbox setting (see `docs/sandbox.md`). A plugin's own options win; a plugin's legacy
   * `failOpen` replaces a default `failurePolicy`.
   */
  pluginDefaults?: Omit<Partial<PluginOptions>, "wasm">;
}

/** A snapshot of one metric, as returned by {@link Host.metrics}. */
export interface MetricSnapshot {
  type: "counter" | "gauge" | "histogram";
  /** Counter / gauge value (u64 as a number; use {@link Host.metricBigInt} for exact values). */
  value: number;
  /** Histogram samples. */
  samples: number[];
}

/** Something the clock can fire (a tick, an HTTP-call timeout). @internal */
export interface TimerEvent {
  /** Due time in ns of the fake clock. */
  due: bigint;
  /** Insertion sequence (ties fire in insertion order). */
  seq: number;
  fire(): void;
  cancelled: boolean;
}

/**
 * One emulated Envoy process: owns everything process-wide (shared data and its CAS counter,
 * shared queues and their tokens, the stat store, the fake clock). There is no module-level
 * mutable state, so several Host objects can run side by side in one Node process.
 */
export class Host {
  /** Process-wide shared data. */
  readonly sharedData = new SharedDataStore();
  /** Process-wide shared queues. */
  readonly sharedQueues = new SharedQueueStore();
  /** Process-wide stats. */
  readonly metricStore = new MetricStore();
  /** Plugins loaded into this host (in load order). */
  readonly plugins: Plugin[] = [];
  /** @internal VMs that plugins may share (VM models `"shared"`, `"per-plugin"`). */
  readonly vmRegistry = new VmRegistry();

  private readonly envoyStats = new Map<string, number>();
  private readonly fuelCache = new Map<string, Uint8Array>();
  private clockNs: bigint;
  private readonly monotonicBase: bigint;
  private timers: TimerEvent[] = [];
  // Cancelled timers (answered callouts, replaced tick periods) are dropped when the list
  // doubles, so a test that never advances the clock does not grow it without bound.
  private timersPruneAt = 1024;
  private timerSeq = 0;
  private depth = 0;
  private draining = false;
  private deferred: (() => void)[] = [];
  private hostErrors: unknown[] = [];
  private strictErrors: Error[] = [];
  private connectionIds = 0;

  private readonly pluginDefaults: Omit<Partial<PluginOptions>, "wasm">;

  constructor(options: HostOptions = {}) {
    this.pluginDefaults = { ...(options.pluginDefaults ?? {}) };
    this.clockNs = BigInt(Math.round(options.now ?? Date.now())) * 1_000_000n;
    this.monotonicBase = this.clockNs;
  }

  /** Current time of the fake clock in epoch milliseconds. */
  get now(): number {
    return Number(this.clockNs / 1_000_000n);
  }

  /** Current time of the fake clock in epoch nanoseconds (what `proxy_get_current_time_nanoseconds` writes). */
  get nowNanos(): bigint {
    return this.clockNs;
  }

  /** Monotonic clock in ns (WASI clock id 1): time advanced since the Host was created. */
  get monotonicNanos(): bigint {
    return this.clockNs - this.monotonicBase;
  }

  /**
   * Advances the fake clock by `ms` milliseconds, firing due timers in time order: ticks
   * (`proxy_on_tick`, re-armed one period after each tick) and HTTP-call timeouts.
   * Throws the first {@link PluginTrapError} a plugin raises.
   */
  advanceTime(ms: number): void {
    if (!(ms >= 0)) throw new RangeError("advanceTime: ms must be >= 0");
    const target = this.clockNs + BigInt(Math.round(ms * 1_000_000));
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      let next: TimerEvent | null = null;
      for (const t of this.timers) {
        if (
          t.due <= target &&
          (next === null || t.due < next.due || (t.due === next.due && t.seq < next.seq))
        )
          next = t;
      }
      if (next === null) break;
      if (next.due > this.clockNs) this.clockNs = next.due;
      next.cancelled = true;
      const ev = next;
      this.dispatch(() => ev.fire());
    }
    this.clockNs = target;
  }

  /**
   * Loads, starts and configures a plugin (reference §1.3): compile, detect the ABI version,
   * link, instantiate, `_initialize`/`_start`, `proxy_on_context_create(1, 0)`,
   * `proxy_on_vm_start`, `proxy_on_configure`. Throws {@link PluginLoadError} on failure.
   */
  loadPlugin(options: PluginOptions): Plugin {
    const defaults = { ...this.pluginDefaults };
    if (options.failOpen !== undefined) delete defaults.failurePolicy;
    const merged: PluginOptions = { ...defaults, ...options };
    const plugin = this.dispatch(() => new Plugin(this, merged));
    this.plugins.push(plugin);
    return plugin;
  }

  /**
   * Loads a plugin whose module may come from an `http:`/`https:` URL (fetched first, checked
   * against `sha256` if given); otherwise as {@link loadPlugin}.
   */
  async loadPluginAsync(options: PluginOptions): Promise<Plugin> {
    const bytes = await fetchModule(options.wasm, options.sha256);
    return this.loadPlugin({ ...options, wasm: bytes });
  }

  /**
   * Envoy's own stats about plugins (not the plugins' metrics), by full name: the FAIL_RELOAD
   * counters `wasm.<plugin name>.vm_reload_backoff` / `vm_reload_success` / `vm_reload_failure`,
   * the mock's crash bookkeeping `wasm.<plugin name>.vm_crash` (counter) and
   * `wasm.<plugin name>.disabled` (1 once the crash limit disabled the plugin), and the runtime
   * lifecycle stats `wasm.envoy.wasm.runtime.v8.created` (counter) / `.active` (gauge), see
   * `runtime-stats.ts`.
   */
  get stats(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of this.envoyStats) defineOwn(out, k, v);
    return out;
  }

  /** @internal Adds `by` (default 1) to a stat. */
  incrementStat(name: string, by = 1): void {
    this.envoyStats.set(name, (this.envoyStats.get(name) ?? 0) + by);
  }

  /** @internal */
  setStat(name: string, value: number): void {
    this.envoyStats.set(name, value);
  }

  /** @internal The module with fuel instrumentation, cached per Host by SHA-256. */
  fuelInstrumented(bytes: Uint8Array, sha256: string): Uint8Array {
    let out = this.fuelCache.get(sha256);
    if (out === undefined) {
      out = instrumentFuel(bytes);
      this.fuelCache.set(sha256, out);
    }
    return out;
  }

  /** Metrics by name (the hidden `wasmcustom.` prefix omitted). */
  get metrics(): Record<string, MetricSnapshot> {
    const out: Record<string, MetricSnapshot> = {};
    // defineOwn: a metric named "__proto__" is a key like any other.
    for (const r of this.metricStore.all()) defineOwn(out, r.name, snapshot(r));
    return out;
  }

  /** Exact u64 value of a counter or gauge, or null if no such metric. */
  metricBigInt(name: string): bigint | null {
    return this.metricStore.find(name)?.value ?? null;
  }

  /** @internal Next connection id (Envoy connection ids are process-wide). */
  nextConnectionId(): number {
    return ++this.connectionIds;
  }

  /** @internal Schedules a timer on the fake clock. */
  schedule(dueNs: bigint, fire: () => void): TimerEvent {
    if (this.timers.length >= this.timersPruneAt) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      this.timersPruneAt = Math.max(1024, this.timers.length * 2);
    }
    const ev: TimerEvent = { due: dueNs, seq: this.timerSeq++, fire, cancelled: false };
    this.timers.push(ev);
    return ev;
  }

  /**
   * @internal Runs `fn` as one host event. Actions deferred with {@link defer} (work Envoy
   * does "after the current VM call returns") run when the outermost event finishes. Then the
   * first error a hostcall reported with {@link reportHostError} is thrown.
   */
  dispatch<T>(fn: () => T): T {
    this.depth++;
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.depth--;
      if (this.depth === 0 && !this.draining) {
        this.deferred = [];
        this.hostErrors = [];
        this.strictErrors = [];
      }
      throw e;
    }
    this.depth--;
    if (this.depth === 0) this.settle();
    return result;
  }

  /** @internal Queues an after-VM-call action. */
  defer(action: () => void): void {
    this.deferred.push(action);
    if (this.depth === 0) this.settle();
  }

  /**
   * @internal A hostcall implementation threw (a host-mock bug or a throwing test hook). The
   * module got an error result instead; the exception is rethrown to the test by the driving
   * method once the current host event (including its deferred actions) is over.
   */
  reportHostError(error: unknown): void {
    this.hostErrors.push(error);
  }

  /**
   * @internal Strict mode found a violation: thrown by the driving method once the current host
   * event is over (after any host error), so the plugin's run is the same as without strict mode.
   */
  reportStrictViolation(error: Error): void {
    // Outside a host event (a test calling an export directly) nothing would throw it later.
    if (this.depth > 0) this.strictErrors.push(error);
  }

  private settle(): void {
    if (this.draining) return;
    try {
      this.drain();
    } catch (e) {
      this.hostErrors = [];
      this.strictErrors = [];
      throw e;
    }
    if (this.hostErrors.length > 0) {
      const first = this.hostErrors[0];
      this.hostErrors = [];
      this.strictErrors = [];
      throw first;
    }
    if (this.strictErrors.length > 0) {
      const first = this.strictErrors[0];
      this.strictErrors = [];
      throw first;
    }
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.deferred.length > 0) {
        const action = this.deferred.shift()!;
        this.depth++;
        try {
          action();
        } finally {
          this.depth--;
        }
      }
    } catch (e) {
      this.deferred = [];
      throw e;
    } finally {
      this.draining = false;
    }
  }
}

function snapshot(r: MetricRecord): MetricSnapshot {
  return { type: r.type, value: Number(r.value), samples: r.samples.map(Number) };
}
