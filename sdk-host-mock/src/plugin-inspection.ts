/**
 * What a test reads from a plugin (and the few knobs that go with it): crashes, VM state, logs
 * and the log level, trace and hostcall counts, strict-mode violations, metrics, shared data
 * and queues, pending callouts. `Plugin` extends this class; its own file holds the rest.
 */
import { LOG_LEVEL_NAMES, type AbiVersion, type LogLevelName } from "./abi.js";
import type { GrpcCallRecord, HttpCallRecord } from "./callouts.js";
import type { PluginTrapError } from "./errors.js";
import type { CrashRecord, FailureTracker } from "./failure-policy.js";
import type { Host } from "./host.js";
import type { Plugin } from "./plugin.js";
import type { LogRecord } from "./plugin-options.js";
import { defineOwn } from "./properties.js";
import { StrictModeError, type StrictViolation } from "./strict/error.js";
import type { StrictMonitor } from "./strict/monitor.js";
import type { TraceEntry, Vm } from "./vm.js";

/** The inspection API of {@link Plugin} (logs, trace, violations, state). */
export abstract class PluginInspection {
  /** @internal */ abstract vm: Vm;
  /** @internal */ abstract readonly failureTracker: FailureTracker;
  /** @internal */ abstract readonly strictMonitor: StrictMonitor | null;
  abstract readonly host: Host;
  abstract readonly id: number;
  abstract readonly primary: Plugin;
  abstract readonly workers: Plugin[];
  abstract readonly vmId: string;
  abstract readonly logs: LogRecord[];
  abstract logLevel: number;
  abstract readonly httpCalls: HttpCallRecord[];
  abstract readonly grpcCalls: GrpcCallRecord[];

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
}
