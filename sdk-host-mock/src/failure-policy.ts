/**
 * What happens after a plugin's VM crashes (reference §6.15, Envoy `PluginConfig`): the failure
 * policy, Envoy's FAIL_RELOAD backoff and `wasm.<plugin name>.vm_reload_*` stats, and — from the
 * Proxy-Wasm design, not Envoy — crash records, a crash counter and a crash-loop limit after
 * which the plugin is disabled.
 */
import type { PluginTrapError, WasmFrame } from "./errors.js";
import type { Host } from "./host.js";

/**
 * Envoy `failure_policy`: `"closed"` (FAIL_CLOSED: streams get the 503 `wasm_fail_stream`),
 * `"open"` (FAIL_OPEN: new streams bypass the plugin; a stream already on the failing VM still
 * gets the 503, as only the legacy `failOpen` flag bypasses in-flight streams), `"reload"`
 * (FAIL_RELOAD: the next new stream rebuilds the VM once the backoff allows; until then as
 * `"closed"`).
 */
export type FailurePolicy = "closed" | "open" | "reload";

/** Options of the failure policy (part of `PluginOptions`). */
export interface FailurePolicyOptions {
  /** Envoy `failure_policy` (default `"closed"`; the legacy `failOpen: true` means `"open"`). */
  failurePolicy?: FailurePolicy;
  /**
   * FAIL_RELOAD backoff (Envoy `reload_config.backoff.base_interval`, default 1000 ms). Envoy
   * draws each wait from [base, 1.5 × base) (`JitteredLowerBoundBackOffStrategy`); the mock
   * uses exactly `baseIntervalMs` unless `jitter` returns a fraction in [0, 1) that adds
   * `jitter() × base / 2`.
   */
  reload?: { baseIntervalMs?: number; jitter?: () => number };
  /**
   * Crash-loop limit (the design's "no crash loop"; Envoy has none): after this many crashes
   * of the plugin (all its VMs together) the plugin is disabled — no more reloads, every new
   * stream gets {@link disabledReply}. Default: no limit.
   */
  crashLimit?: number;
  /** The reply of a disabled plugin (default 503, details `wasm_fail_stream`, empty body). */
  disabledReply?: { status?: number; body?: string; details?: string };
}

/** One crash of a plugin's VM. */
export interface CrashRecord {
  /** Fake-clock time of the crash, epoch ms. */
  time: number;
  /** The export that trapped (e.g. `proxy_on_request_headers`). */
  exportName: string;
  /** The engine's trap message (`unreachable`, `fuel exhausted: …`, …). */
  trapMessage: string;
  /** The plugin's abort message, if it logged one. */
  pluginMessage: string | null;
  /** In-VM stack, innermost first. */
  wasmStack: readonly WasmFrame[];
  /** Index of the worker VM that crashed (0 without workers). */
  worker: number;
  /** The full error. */
  error: PluginTrapError;
}

/** Crash bookkeeping and reload decisions shared by all VMs of one configured plugin. @internal */
export class FailureTracker {
  readonly policy: FailurePolicy;
  readonly crashes: CrashRecord[] = [];
  disabled = false;
  private readonly baseMs: number;
  private readonly jitter: (() => number) | null;
  private readonly crashLimit: number;

  constructor(
    private readonly host: Host,
    private readonly pluginName: string,
    options: FailurePolicyOptions & { failOpen?: boolean },
  ) {
    if (options.failOpen && options.failurePolicy !== undefined)
      throw new TypeError("only one of fail_open or failure_policy can be set");
    this.policy = options.failOpen ? "open" : (options.failurePolicy ?? "closed");
    if (!["closed", "open", "reload"].includes(this.policy))
      throw new TypeError("unknown failure policy");
    this.baseMs = options.reload?.baseIntervalMs ?? 1000;
    if (!(this.baseMs > 1)) throw new RangeError("reload.baseIntervalMs must be > 1");
    this.jitter = options.reload?.jitter ?? null;
    this.crashLimit = options.crashLimit ?? Infinity;
  }

  /** Records a crash; disables the plugin when the limit is reached. */
  record(error: PluginTrapError, worker: number): void {
    this.crashes.push({
      time: this.host.now,
      exportName: error.exportName,
      trapMessage: error.trapMessage,
      pluginMessage: error.pluginMessage,
      wasmStack: error.wasmStack,
      worker,
      error,
    });
    this.host.incrementStat(`wasm.${this.pluginName}.vm_crash`);
    if (this.crashes.length >= this.crashLimit && !this.disabled) {
      this.disabled = true;
      this.host.setStat(`wasm.${this.pluginName}.disabled`, 1);
    }
  }

  /**
   * Envoy `maybeReloadHandleIfNeeded` for a failed VM loaded at `lastLoadMs`: true when a
   * reload should be attempted now (the caller then counts success or failure); counts
   * `vm_reload_backoff` when the backoff forbids it.
   */
  shouldReload(lastLoadMs: number): boolean {
    if (this.policy !== "reload" || this.disabled) return false;
    const interval =
      this.baseMs + (this.jitter ? Math.floor(this.jitter() * (this.baseMs / 2)) : 0);
    if (this.host.now - lastLoadMs < interval) {
      this.host.incrementStat(`wasm.${this.pluginName}.vm_reload_backoff`);
      return false;
    }
    return true;
  }

  /** Counts the outcome of a reload attempt. */
  reloaded(ok: boolean): void {
    this.host.incrementStat(
      `wasm.${this.pluginName}.${ok ? "vm_reload_success" : "vm_reload_failure"}`,
    );
  }
}
