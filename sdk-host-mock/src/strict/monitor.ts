/**
 * The strict-mode monitor of one plugin. The host mock calls it at five well-defined points (a
 * plugin callback starts / ends, a hostcall returned, a hostcall was refused at start-up, an HTTP
 * stream ends) and once when the load fails. It keeps the machinery the checks share — the phase
 * (callback) stack with per-call facts, per-stream state — and hands each event to the check
 * families in `checks-*.ts`. Strict mode only observes: the plugin sees exactly what it sees
 * without it.
 */
import type { ContextRef } from "../context.js";
import { PluginTrapError, type WasmFrame } from "../errors.js";
import type { HttpStream } from "../http-stream.js";
import type { Plugin } from "../plugin.js";
import { StrictModeError, currentWasmStack, type StrictViolation } from "./error.js";
import type { PitfallId } from "./pitfalls.js";
import type { StrictSettings } from "./options.js";
import {
  onCallEndStream,
  onCallStartStream,
  onStreamEnding,
  STREAM_HOSTCALL_CHECKS,
} from "./checks-stream.js";
import { CALLOUT_HOSTCALL_CHECKS, onCallEndCallouts } from "./checks-callouts.js";
import { SHARED_HOSTCALL_CHECKS, onCallEndShared } from "./checks-shared.js";
import { RUNTIME_HOSTCALL_CHECKS } from "./checks-runtime.js";
import { onCallEndStart, START_HOSTCALL_CHECKS } from "./checks-start.js";
import { stalledStreams } from "./stall.js";
import { StrictGroup, WORKER_HOSTCALL_CHECKS } from "./checks-workers.js";

/** Facts about one running plugin callback (one host→VM call). @internal */
export interface CallFrame {
  /** Export name, e.g. `proxy_on_request_headers`. */
  readonly name: string;
  /** Context the host called it for. */
  readonly ctx: ContextRef;
  /** `send_local_response` was called (on a stream) during this call. */
  localReply: boolean;
  /** Number of callouts dispatched during this call. */
  callouts: number;
  /** Callouts refused by the host during this call (hostcall names). */
  failedCallouts: string[];
  /** An `http_call` with timeout 0 was dispatched for this call's stream. */
  zeroTimeoutCall: boolean;
  /** Id given to a failed `set_effective_context` (a context that no longer exists). */
  failedEffective: number | null;
  /** Shared-data keys read during this call (null until the first read). */
  sharedReads: Set<string> | null;
  /** Keys whose CAS write failed and that were not read again since (null until one fails). */
  casMismatches: Set<string> | null;
}

/** Per-stream facts strict mode keeps. @internal */
export interface StreamFacts {
  /** `send_local_response` calls for this stream. */
  localReplies: number;
  /** Callback that last changed the body, per direction (request, response). */
  bodyEditedIn: [string | null, string | null];
  /** A callout dispatched by one of its request callbacks that then returned Continue. */
  ungatedCallout: string | null;
  /** The test's headers were valid when they arrived (per direction), so Q8 blames the plugin. */
  inputHeadersValid: [boolean, boolean];
}

/** A hostcall that returned, as the checks see it. @internal */
export interface HostcallEvent {
  /** `proxy_*`, or `<wasi module>.<name>`. */
  readonly name: string;
  readonly args: readonly (number | bigint)[];
  /** Raw result (WasmResult / errno), undefined for void. */
  readonly result: unknown;
  /** The context the hostcall acted on (current or effective). */
  readonly ctx: ContextRef;
  /** The innermost running callback, or null (allocator / start). */
  readonly frame: CallFrame | null;
}

/** A check run after a hostcall returned. @internal */
export type HostcallCheck = (m: StrictMonitor, e: HostcallEvent) => void;

const HOSTCALL_CHECKS: Map<string, HostcallCheck[]> = (() => {
  const all = new Map<string, HostcallCheck[]>();
  for (const table of [
    START_HOSTCALL_CHECKS,
    STREAM_HOSTCALL_CHECKS,
    CALLOUT_HOSTCALL_CHECKS,
    SHARED_HOSTCALL_CHECKS,
    RUNTIME_HOSTCALL_CHECKS,
    WORKER_HOSTCALL_CHECKS,
  ]) {
    for (const [name, check] of table) {
      const list = all.get(name) ?? [];
      list.push(check);
      all.set(name, list);
    }
  }
  return all;
})();

/** Strict-mode state and reporting of one plugin. @internal */
export class StrictMonitor {
  /** Every violation found so far, in order. */
  readonly violations: StrictViolation[] = [];
  /** Shared-queue tokens this plugin registered (T2 at the checkpoint). */
  readonly registeredQueues = new Map<number, string>();
  private readonly frames: CallFrame[] = [];
  private readonly streams = new Map<number, StreamFacts>();
  private readonly seenTraps = new WeakSet<PluginTrapError>();
  private exportNames: Map<number, string> | null = null;
  private readonly metricNames = new WeakMap<object, Set<string>>();

  /** Side effects of every VM of this plugin configuration (S2, T1). */
  readonly group: StrictGroup;

  constructor(
    readonly plugin: Plugin,
    readonly settings: StrictSettings,
    /** The S2/T1 tallies shared with the other worker VMs of the plugin. */
    group?: StrictGroup,
  ) {
    this.group = group ?? new StrictGroup();
  }

  /** Metric names defined in `vm` so far (M5). */
  definedMetrics(vm: object): Set<string> {
    let names = this.metricNames.get(vm);
    if (names === undefined) this.metricNames.set(vm, (names = new Set()));
    return names;
  }

  /** True if check `id` is enabled. */
  on(id: PitfallId): boolean {
    return this.settings.enabled.has(id);
  }

  /** The innermost running callback, or null. */
  get frame(): CallFrame | null {
    return this.frames[this.frames.length - 1] ?? null;
  }

  /** Per-stream facts (created on first use). */
  stream(http: HttpStream): StreamFacts {
    let s = this.streams.get(http.id);
    if (!s) {
      s = {
        localReplies: 0,
        bodyEditedIn: [null, null],
        ungatedCallout: null,
        inputHeadersValid: [true, true],
      };
      this.streams.set(http.id, s);
    }
    return s;
  }

  /** Records a violation of `id` (if enabled) and, in "throw" mode, queues it for the host. */
  report(
    id: PitfallId,
    ctx: ContextRef | null,
    message: string,
    options: { hostcall?: string; stack?: boolean; queue?: boolean } = {},
  ): void {
    if (!this.on(id)) return;
    const v: StrictViolation = {
      pitfall: id,
      message: `strict ${id}: ${message}`,
      contextId: ctx?.id ?? 0,
      phase: this.frame?.name ?? null,
      hostcall: options.hostcall ?? null,
      wasmStack: options.stack === false ? [] : this.named(currentWasmStack()),
    };
    this.violations.push(v);
    if (this.settings.report === "throw" && options.queue !== false)
      this.plugin.host.reportStrictViolation(new StrictModeError([v]));
  }

  /** Frames without a name-section name get the export name of their function, if exported. */
  private named(frames: WasmFrame[]): WasmFrame[] {
    const exports = this.plugin.vm?.instance.exports;
    if (!exports) return frames;
    if (this.exportNames === null) {
      // An exported wasm function's `name` is its function index (JS API).
      this.exportNames = new Map();
      for (const [name, value] of Object.entries(exports))
        if (typeof value === "function" && /^\d+$/.test(value.name))
          this.exportNames.set(Number(value.name), name);
    }
    const names = this.exportNames;
    return frames.map((f) =>
      (f.functionName.startsWith("wasm-function[") || /^\d+$/.test(f.functionName)) &&
      f.functionIndex !== null &&
      names.has(f.functionIndex)
        ? { ...f, functionName: names.get(f.functionIndex)! }
        : f,
    );
  }

  // ------------------------------------------------------------------ hooks (called by vm.ts)

  /** A plugin callback starts. */
  callStart(name: string, ctx: ContextRef): void {
    this.frames.push({
      name,
      ctx,
      localReply: false,
      callouts: 0,
      failedCallouts: [],
      zeroTimeoutCall: false,
      failedEffective: null,
      sharedReads: null,
      casMismatches: null,
    });
    onCallStartStream(this, name, ctx);
  }

  /**
   * A plugin callback returned `ret` (raw u32, null for void), or ended with `error` (a
   * {@link PluginTrapError} when it trapped; the same trap unwinding outer calls is seen once).
   */
  callEnd(name: string, ctx: ContextRef, ret: number | null, error: unknown): void {
    const frame = this.frames.pop();
    if (!frame) return;
    if (error !== null) {
      if (error instanceof PluginTrapError && !this.seenTraps.has(error)) {
        this.seenTraps.add(error);
        onCallEndStart(this, frame, error);
      }
      return;
    }
    onCallEndStream(this, frame, ret);
    onCallEndCallouts(this, frame, ret);
    onCallEndShared(this, frame);
    if (name === "proxy_on_delete" && ctx.kind !== "root") this.streams.delete(ctx.id);
  }

  /** A hostcall returned. */
  hostcall(
    name: string,
    args: readonly (number | bigint)[],
    result: unknown,
    ctx: ContextRef,
  ): void {
    const checks = HOSTCALL_CHECKS.get(name);
    if (checks === undefined) return;
    const e: HostcallEvent = { name, args, result, ctx, frame: this.frame };
    try {
      for (const check of checks) check(this, e);
    } catch (error) {
      // A bug in a check must not reach the module: the test gets it after the host event.
      this.plugin.host.reportHostError(error);
    }
  }

  /** An HTTP stream ends (complete() or a reset), before its teardown callbacks. */
  streamEnding(http: HttpStream): void {
    onStreamEnding(this, http);
    this.streams.delete(http.id); // nothing acts on a stream after its teardown
  }

  /** A hostcall was refused during start-up (V8 allow-list, or the wasm start section). */
  restricted(name: string, phase: "start section" | "start" | "malloc"): void {
    const where =
      phase === "start section"
        ? "the wasm start section (during instantiation)"
        : phase === "start"
          ? "_initialize/_start"
          : "the allocator";
    this.report(
      "S1",
      this.plugin.vm?.vmContext ?? null,
      `${name} called from ${where}; Envoy (V8) refuses it with restricted_callback and the plugin does not load. Move it to on_vm_start/on_configure`,
      { hostcall: name },
    );
  }

  /**
   * The plugin failed to load: the error to throw. In "throw" mode a strict violation recorded
   * during the load (S1, S3, S4, S5, X1) turns it into a {@link StrictModeError} with the load
   * error as its cause; in "collect" mode the load error is thrown and the violations are only
   * recorded.
   */
  loadFailed(error: Error): Error {
    if (/missing import/.test(error.message)) {
      this.report(
        "X1",
        null,
        `${error.message}; Envoy refuses to load a module whose imports it does not provide`,
        { stack: false },
      );
    }
    if (this.violations.length === 0 || this.settings.report === "collect") return error;
    return new StrictModeError([...this.violations], { cause: error });
  }

  /**
   * Checkpoint (`plugin.assertNoViolations()` throws afterwards): records streams stalled with
   * nothing left to resume them (Q1/Q6) and queue items nobody dequeued (T2).
   */
  checkpoint(): void {
    for (const { http, pitfall, message } of stalledStreams(this))
      this.reportQuiet(pitfall, http, message);
    for (const [token, name] of this.registeredQueues) {
      const q = this.plugin.host.sharedQueues.get(token);
      if (q && q.items.length > 0)
        this.reportQuiet(
          "T2",
          null,
          `shared queue "${name}" still holds ${q.items.length} item(s) nobody dequeued; on Envoy only the last registrant on one worker is notified`,
        );
    }
  }

  /** Records without queueing a throw (used at checkpoints, which throw themselves). */
  private reportQuiet(id: PitfallId, ctx: ContextRef | null, message: string): void {
    this.report(id, ctx, message, { stack: false, queue: false });
  }
}
