/**
 * Runs a validated scenario against the host mock: loads the plugin with tracing on, performs
 * each step as Envoy would, checks `expect` steps, and records the `pw-facts/1` transcript.
 */
import { dirname, resolve } from "node:path";
import { WasmResult } from "../abi.js";
import { PluginLoadError, PluginTrapError } from "../errors.js";
import { Host } from "../host.js";
import type { ForeignFunction } from "../hostcalls/foreign.js";
import { toBytes } from "../memory.js";
import type { Plugin, PluginOptions } from "../plugin.js";
import { StrictModeError, type StrictViolation } from "../strict/error.js";
import { defineOwn } from "../properties.js";
import { checkExpect } from "./expectations.js";
import { ScenarioError } from "./parse.js";
import { collectLocalResponses, finalState, stateAtShutdown } from "./final-state.js";
import type { StreamEntry } from "./state.js";
import { performStep, type StepContext } from "./steps.js";
import { TranscriptBuilder, type Fact, type Transcript } from "./transcript.js";
import type { Scenario, ScenarioStep } from "./types.js";

/** Options of {@link runScenario}. */
export interface RunScenarioOptions {
  /** The plugin (path or bytes); default: the scenario's `plugin`, relative to its file. */
  wasm?: string | Uint8Array;
  /**
   * Extra {@link PluginOptions} merged over the scenario's (for test harnesses: `imports`,
   * `onInstance`, foreign functions written in JS). Tracing stays on.
   */
  plugin?: Partial<PluginOptions>;
}

/** A failed expectation or step, located in the scenario file. */
export interface ScenarioFailure {
  /** 1-based line in the scenario file. */
  line: number;
  /** 1-based step number (0 for the plugin start). */
  step: number;
  op: string;
  /** `file:line: step N (op): message`. */
  message: string;
}

/** What a scenario run produced. */
export interface ScenarioResult {
  /** True when the plugin started, every step ran and every expectation held. */
  ok: boolean;
  failures: ScenarioFailure[];
  /** The `pw-facts/1` transcript of everything observable. */
  transcript: Transcript;
  /** The plugin's VM failed (trapped) during the run. */
  vmFailed: boolean;
}

class Run {
  readonly host: Host;
  readonly builder = new TranscriptBuilder();
  readonly failures: ScenarioFailure[] = [];
  readonly streams = new Map<string, StreamEntry>();
  readonly localResponses: Record<string, unknown>[] = [];
  plugin: Plugin | null = null;
  private traceIndex = 0;
  /** The step being performed (null outside steps). */
  private current: ScenarioStep | null = null;
  /** Strict-mode violations already turned into failures. */
  private readonly reported = new Set<StrictViolation>();
  private shutDown = false;
  private atShutdown: Record<string, unknown> | null = null;

  constructor(
    readonly scenario: Scenario,
    readonly wasm: string | Uint8Array,
    readonly extra: Partial<PluginOptions>,
  ) {
    this.host = new Host({ now: scenario.startTimeMs });
  }

  fail(step: ScenarioStep | null, line: number, message: string): void {
    const where = step ? `step ${step.index} (${step.op}): ` : "";
    this.failures.push({
      line,
      step: step?.index ?? 0,
      op: step?.op ?? "start",
      message: `${this.scenario.file}:${line}: ${where}${message}`,
    });
  }

  run(): void {
    const sc = this.scenario;
    const t = this.builder.transcript;
    this.builder.add({ k: "lifecycle", phase: "create_wasm" });
    try {
      this.plugin = this.host.loadPlugin({
        wasm: this.wasm,
        name: sc.pluginName,
        rootId: sc.rootId,
        vmId: sc.vmId,
        configuration: sc.pluginConfig,
        vmConfiguration: sc.vmConfig,
        properties: sc.properties,
        environment: sc.environment,
        logLevel: sc.logLevel,
        allowOnHeadersStopIteration: sc.allowOnHeadersStopIteration,
        failOpen: sc.failOpen,
        ...(sc.clusters ? { clusters: sc.clusters } : {}),
        ...(sc.strict ? { strict: { ...sc.strict, report: "collect" as const } } : {}),
        ...this.extra,
        foreignFunctions: { ...foreignFunctions(sc), ...this.extra.foreignFunctions },
        trace: true,
      });
    } catch (e) {
      if (!(e instanceof PluginLoadError)) throw e;
      t.start = { ok: false, error: e.message };
      for (const l of e.logs ?? [])
        this.builder.add({ k: "log", level: l.level, message: l.message });
      t.final = { vm_failed: true };
      this.fail(null, 1, `the plugin failed to start: ${e.message}`);
      return;
    }
    const plugin = this.plugin;
    t.start = { ok: true, abi: plugin.abiVersion };
    this.builder.add({ k: "lifecycle", phase: "thread_local_plugin", abi: plugin.abiVersion });
    this.flushTrace();
    this.builder.add({ k: "lifecycle", phase: "started", root_context_id: plugin.id });
    this.failOnViolations();
    for (const step of sc.steps) {
      this.current = step;
      this.step(step);
      this.failOnViolations();
    }
    this.current = null;
    if (!this.shutDown) this.shutdown();
    t.final = finalState(this.host, plugin, this.streams, this.localResponses, this.atShutdown);
  }

  private flushTrace(): void {
    const trace = this.plugin!.trace;
    this.builder.addTrace(trace.slice(this.traceIndex));
    this.traceIndex = trace.length;
  }

  private step(step: ScenarioStep): void {
    if (step.op === "expect") {
      const failures = checkExpect(step.args, {
        host: this.host,
        plugin: this.plugin!,
        streams: this.streams,
      });
      for (const f of failures) this.fail(step, step.fieldLines[f.field] ?? step.line, f.message);
      this.builder.add({ k: "expect", line: step.line, ok: failures.length === 0 });
      return;
    }
    const fact: Fact = { k: "step", op: step.op, ...step.args };
    this.builder.add(fact);
    try {
      performStep(this.stepContext(), step, fact);
    } catch (e) {
      if (e instanceof ScenarioError) throw e;
      if (!(e instanceof PluginTrapError)) this.fail(step, step.line, (e as Error).message);
    }
    this.flushTrace();
    collectLocalResponses(this.streams, this.localResponses);
  }

  private stepContext(): StepContext {
    return {
      host: this.host,
      plugin: this.plugin!,
      builder: this.builder,
      streams: this.streams,
      shutdown: () => this.shutdown(),
    };
  }

  /**
   * Strict mode: every violation recorded since the last call fails the scenario at the current
   * step (at the `strict` field when found outside a step). The message starts with
   * `strict <pitfall id>:`.
   */
  private failOnViolations(): void {
    const plugin = this.plugin;
    if (plugin === null || this.scenario.strict === null) return;
    for (const v of plugin.violations) {
      if (this.reported.has(v)) continue;
      this.reported.add(v);
      const stack = v.wasmStack.map((f) => f.functionName);
      const where = stack.length > 0 ? ` (plugin stack: ${stack.join(" < ")})` : "";
      this.fail(this.current, this.current?.line ?? this.scenario.strictLine, v.message + where);
    }
  }

  private shutdown(): void {
    const plugin = this.plugin!;
    if (this.scenario.strict !== null) {
      // Checkpoint before shutdown: streams stalled for good (Q1/Q6), queue items nobody took (T2).
      try {
        plugin.assertNoViolations();
      } catch (e) {
        if (!(e instanceof StrictModeError)) throw e;
      }
      this.failOnViolations();
    }
    this.shutDown = true;
    this.atShutdown = stateAtShutdown(plugin);
    this.builder.add({ k: "lifecycle", phase: "shutdown" });
    try {
      plugin.shutdown();
    } catch (e) {
      if (!(e instanceof PluginTrapError)) throw e;
    }
    this.flushTrace();
    this.failOnViolations();
  }
}

/** The scenario's static foreign-function answers (names validated by the schema). */
function foreignFunctions(sc: Scenario): Record<string, ForeignFunction> {
  const out: Record<string, ForeignFunction> = {};
  for (const [name, f] of Object.entries(sc.foreignFunctions)) {
    const code = WasmResult[(f.result ?? "Ok") as keyof typeof WasmResult];
    const data = toBytes(f.data ?? "");
    defineOwn(out, name, () => ({ result: code, data }));
  }
  return out;
}

/**
 * Runs a validated scenario. Throws {@link ScenarioError} for problems of the scenario itself;
 * everything else (failed expectations, traps, missing callouts) is in the result.
 */
export function executeScenario(
  scenario: Scenario,
  options: RunScenarioOptions = {},
): ScenarioResult {
  const wasm =
    options.wasm ??
    (scenario.plugin !== undefined ? resolve(dirname(scenario.file), scenario.plugin) : undefined);
  if (wasm === undefined)
    throw new ScenarioError([
      `${scenario.file}: no plugin: give one (the scenario has no "plugin")`,
    ]);
  const run = new Run(scenario, wasm, options.plugin ?? {});
  run.run();
  const vmFailed = run.plugin?.failed ?? true;
  if (run.plugin !== null && vmFailed && !expectsFailure(scenario)) {
    const f = run.plugin.failure;
    run.fail(
      null,
      1,
      `the plugin trapped: ${f?.message ?? "VM failed"} (add an expect step with vm_failed: true if this is intended)`,
    );
  }
  return {
    ok: run.failures.length === 0,
    failures: run.failures,
    transcript: run.builder.transcript,
    vmFailed,
  };
}

function expectsFailure(sc: Scenario): boolean {
  return sc.steps.some((s) => s.op === "expect" && s.args.vm_failed === true);
}
