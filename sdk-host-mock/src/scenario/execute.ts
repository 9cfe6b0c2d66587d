/**
 * Runs a validated scenario against the host mock: loads the plugin with tracing on, performs
 * each step as Envoy would, checks `expect` steps, and records the `pw-facts/1` transcript.
 */
import { dirname, resolve } from "node:path";
import { WasmResult, wasmResultName } from "../abi.js";
import { PluginLoadError, PluginTrapError } from "../errors.js";
import { Host } from "../host.js";
import type { HeaderList } from "../header-map.js";
import type { ForeignFunction } from "../hostcalls/foreign.js";
import { toBytes } from "../memory.js";
import type { Plugin, PluginOptions } from "../plugin.js";
import { defineOwn } from "../properties.js";
import { bytesValue } from "../trace-decode.js";
import { checkExpect } from "./expectations.js";
import { ScenarioError } from "./parse.js";
import { HTTP_OPS } from "./schema.js";
import type { HttpEntry, StreamEntry, TcpEntry } from "./state.js";
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

const TIMEOUT_RESPONSE = {
  headers: [
    [":status", "504"],
    ["content-length", "24"],
    ["content-type", "text/plain"],
  ] as HeaderList,
  body: "upstream request timeout",
};

class Run {
  readonly host: Host;
  readonly builder = new TranscriptBuilder();
  readonly failures: ScenarioFailure[] = [];
  readonly streams = new Map<string, StreamEntry>();
  readonly localResponses: Record<string, unknown>[] = [];
  plugin: Plugin | null = null;
  private traceIndex = 0;
  private shutDown = false;
  private preShutdown: Record<string, unknown> | null = null;

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
    for (const step of sc.steps) this.step(step);
    if (!this.shutDown) this.shutdown();
    t.final = this.finalState();
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
      this.perform(step, fact);
    } catch (e) {
      if (e instanceof ScenarioError) throw e;
      if (!(e instanceof PluginTrapError)) this.fail(step, step.line, (e as Error).message);
    }
    this.flushTrace();
    this.collectLocalResponses();
  }

  private http(step: ScenarioStep): HttpEntry {
    const name = step.args.stream as string;
    let e = this.streams.get(name);
    if (e === undefined) {
      const stream = this.plugin!.newHttpStream();
      e = {
        kind: "http",
        stream,
        lastStatus: null,
        sent: new Set(),
        bodies: {},
        destroyed: false,
        localResponseRecorded: false,
      };
      this.streams.set(name, e);
      this.builder.add({ k: "stream_created", stream: name, context_id: stream.id });
    }
    if (e.kind !== "http") throw new Error(`"${name}" is a TCP connection, not an HTTP stream`);
    return e;
  }

  private tcp(step: ScenarioStep): TcpEntry {
    const name = step.args.stream as string;
    let e = this.streams.get(name);
    if (e === undefined) {
      const stream = this.plugin!.newTcpStream();
      e = { kind: "tcp", stream, lastStatus: null, destroyed: false };
      this.streams.set(name, e);
      this.builder.add({ k: "stream_created", stream: name, context_id: stream.id, kind: "tcp" });
    }
    if (e.kind !== "tcp") throw new Error(`"${name}" is an HTTP stream, not a TCP connection`);
    return e;
  }

  private httpCall(step: ScenarioStep, fact: Fact) {
    const i = step.args.call as number;
    const rec = this.plugin!.httpCalls[i];
    if (rec === undefined)
      throw new Error(
        `no HTTP call #${i}: the plugin dispatched ${this.plugin!.httpCalls.length} (numbered from 0)`,
      );
    fact.token = rec.token;
    return rec;
  }

  private grpcCall(step: ScenarioStep, fact: Fact) {
    const i = step.args.call as number;
    const rec = this.plugin!.grpcCalls[i];
    if (rec === undefined)
      throw new Error(
        `no gRPC call #${i}: the plugin opened ${this.plugin!.grpcCalls.length} (numbered from 0)`,
      );
    fact.token = rec.token;
    return rec;
  }

  private setStatus(entry: StreamEntry, fact: Fact, status: string): void {
    entry.lastStatus = status;
    if (status === "Skipped") fact.skipped = true;
    else if (status === "Held") fact.held = true;
    else fact.status = status;
  }

  private perform(step: ScenarioStep, fact: Fact): void {
    const a = step.args;
    const plugin = this.plugin!;
    const eos = { endOfStream: a.end_of_stream as boolean };
    if (HTTP_OPS.has(step.op) && (step.op === "destroy" || step.op === "log")) {
      const e = this.streams.get(a.stream as string);
      if (e?.kind === "tcp" && step.op === "destroy") {
        e.stream.closeDownstream("remote");
        e.destroyed = true;
        return;
      }
    }
    switch (step.op) {
      case "request_headers":
      case "response_headers": {
        const e = this.http(step);
        const req = step.op === "request_headers";
        const h = a.headers as HeaderList;
        const r = req ? e.stream.sendRequestHeaders(h, eos) : e.stream.sendResponseHeaders(h, eos);
        e.sent.add(step.op);
        this.setStatus(e, fact, r);
        fact.headers_after = req ? e.stream.requestHeaders : e.stream.responseHeaders;
        return;
      }
      case "request_body":
      case "response_body": {
        const e = this.http(step);
        const dir = step.op === "request_body" ? 0 : 1;
        const s = e.stream;
        const before = (dir === 0 ? s.requestBody : s.responseBody).length;
        s.bodyAfterCallback[dir] = null;
        const body = a.body as string;
        const r = dir === 0 ? s.sendRequestBody(body, eos) : s.sendResponseBody(body, eos);
        this.setStatus(e, fact, r);
        const after = s.bodyAfterCallback[dir];
        if (after !== null) {
          fact.body_after = bytesValue(after);
          if (dir === 0) e.bodies.request = after;
          else e.bodies.response = after;
        }
        const forwarded = (dir === 0 ? s.requestBody : s.responseBody).subarray(before);
        if (forwarded.length > 0) fact.forwarded = bytesValue(forwarded);
        return;
      }
      case "request_trailers":
      case "response_trailers": {
        const e = this.http(step);
        const req = step.op === "request_trailers";
        const tr = a.trailers as HeaderList;
        const r = req ? e.stream.sendRequestTrailers(tr) : e.stream.sendResponseTrailers(tr);
        e.sent.add(step.op);
        this.setStatus(e, fact, r);
        fact.trailers_after = req ? e.stream.requestTrailers : e.stream.responseTrailers;
        return;
      }
      case "log":
        this.http(step).stream.accessLog();
        return;
      case "destroy": {
        const e = this.http(step);
        e.stream.complete();
        e.destroyed = true;
        return;
      }
      case "http_call_response": {
        const rec = this.httpCall(step, fact);
        plugin.respondToHttpCall(rec, {
          headers: (a.headers as HeaderList | undefined) ?? [],
          body: (a.body as string | undefined) ?? "",
          trailers: (a.trailers as HeaderList | undefined) ?? [],
        });
        return;
      }
      case "http_call_failure":
        plugin.failHttpCall(this.httpCall(step, fact));
        return;
      case "http_call_timeout":
        plugin.respondToHttpCall(this.httpCall(step, fact), TIMEOUT_RESPONSE);
        return;
      case "grpc_response": {
        const rec = this.grpcCall(step, fact);
        if (rec.kind !== "call")
          throw new Error(`gRPC call #${a.call} is a stream: use grpc_message / grpc_close`);
        plugin.respondToGrpcCall(rec.token, {
          message: (a.message as string | undefined) ?? "",
          status: (a.status as number | undefined) ?? 0,
          statusMessage: (a.status_message as string | undefined) ?? "",
        });
        return;
      }
      case "grpc_initial_metadata":
      case "grpc_trailing_metadata":
      case "grpc_message":
      case "grpc_close": {
        const rec = this.grpcCall(step, fact);
        if (rec.kind === "call") {
          if (step.op === "grpc_message")
            plugin.respondToGrpcCall(rec.token, { message: a.message as string });
          else if (step.op === "grpc_close")
            plugin.respondToGrpcCall(rec.token, {
              status: a.status as number,
              statusMessage: (a.status_message as string | undefined) ?? "",
            });
          else throw new Error(`gRPC call #${a.call} is a unary call: use grpc_response`);
          return;
        }
        const event =
          step.op === "grpc_initial_metadata"
            ? { initialMetadata: a.metadata as HeaderList }
            : step.op === "grpc_trailing_metadata"
              ? { trailingMetadata: a.metadata as HeaderList }
              : step.op === "grpc_message"
                ? { message: a.message as string }
                : {
                    close: {
                      status: a.status as number,
                      message: (a.status_message as string | undefined) ?? "",
                    },
                  };
        plugin.sendGrpcStreamEvent(rec.token, event);
        return;
      }
      case "tick":
        plugin.tick();
        return;
      case "advance_time":
        this.host.advanceTime(a.ms as number);
        return;
      case "shutdown":
        this.shutdown();
        return;
      case "queue_enqueue":
      case "queue_dequeue": {
        const vmId = (a.vm_id as string | undefined) ?? plugin.vmId;
        const queues = this.host.sharedQueues;
        const token = queues.resolve(vmId, a.queue as string);
        const q = token === null ? null : queues.get(token);
        if (q === null) throw new Error(`no shared queue "${a.queue}" in vm_id "${vmId}"`);
        fact.token = q.token;
        if (step.op === "queue_dequeue") {
          const item = q.items.shift();
          fact.data = item === undefined ? null : bytesValue(item);
          return;
        }
        this.host.dispatch(() => {
          q.items.push(toBytes(a.data as string));
          const notify = q.notify;
          if (notify) this.host.defer(() => notify(q.token));
        });
        return;
      }
      case "shared_data_set": {
        const vmId = (a.vm_id as string | undefined) ?? plugin.vmId;
        const r = this.host.sharedData.set(
          vmId,
          a.key as string,
          toBytes(a.value as string),
          a.cas as number,
        );
        fact.result = wasmResultName(r);
        return;
      }
      case "foreign_function":
        plugin.callForeignFunction(a.function_id as number, a.data as string);
        return;
      case "new_connection": {
        const e = this.tcp(step);
        this.setStatus(e, fact, e.stream.sendNewConnection());
        return;
      }
      case "downstream_data":
      case "upstream_data": {
        const e = this.tcp(step);
        const r =
          step.op === "downstream_data"
            ? e.stream.sendDownstreamData(a.data as string, eos)
            : e.stream.sendUpstreamData(a.data as string, eos);
        this.setStatus(e, fact, r);
        return;
      }
      case "downstream_close": {
        const e = this.tcp(step);
        e.stream.closeDownstream(a.peer as "local" | "remote");
        e.destroyed = true;
        return;
      }
      case "upstream_close":
        this.tcp(step).stream.closeUpstream();
        return;
      default:
        throw new Error(`unhandled op ${step.op}`);
    }
  }

  private shutdown(): void {
    const plugin = this.plugin!;
    this.shutDown = true;
    // State that the root's deletion clears (callouts cancelled, the vm_id's shared data
    // dropped with its last plugin): taken as it was when the shutdown began.
    this.preShutdown = {
      http_calls: plugin.httpCalls.map((c) => ({
        token: c.token,
        root_context_id: c.rootContextId,
        answered: c.answered,
      })),
      shared_data: Object.fromEntries(
        Object.entries(plugin.sharedData).map(([k, v]) => [k, { value: v.value, cas: v.cas }]),
      ),
      timers_ms: plugin.tickPeriodMs > 0 ? { [String(plugin.id)]: plugin.tickPeriodMs } : {},
    };
    this.builder.add({ k: "lifecycle", phase: "shutdown" });
    try {
      plugin.shutdown();
    } catch (e) {
      if (!(e instanceof PluginTrapError)) throw e;
    }
    this.flushTrace();
  }

  private collectLocalResponses(): void {
    for (const e of this.streams.values()) {
      if (e.kind !== "http" || e.localResponseRecorded || e.stream.localResponse === null) continue;
      e.localResponseRecorded = true;
      const r = e.stream.localResponse;
      this.localResponses.push({
        context_id: e.stream.id,
        status: r.status,
        body: r.bodyText,
        headers: r.headers,
        details: r.details,
        grpc_status: r.grpcStatus ?? -1,
      });
    }
  }

  private finalState(): Record<string, unknown> {
    const plugin = this.plugin!;
    const streams: Record<string, unknown> = {};
    for (const [name, e] of this.streams) {
      if (e.kind === "tcp") {
        defineOwn(streams, name, {
          kind: "tcp",
          context_id: e.stream.id,
          destroyed: e.destroyed,
          closed: e.stream.closed,
          downstream_data: bytesValue(e.stream.downstreamData),
          upstream_data: bytesValue(e.stream.upstreamData),
        });
        continue;
      }
      const s = e.stream;
      const out: Record<string, unknown> = { context_id: s.id, destroyed: e.destroyed };
      if (e.sent.has("request_headers")) out.request_headers = s.requestHeaders;
      if (e.sent.has("response_headers")) out.response_headers = s.responseHeaders;
      if (e.sent.has("request_trailers")) out.request_trailers = s.requestTrailers;
      if (e.sent.has("response_trailers")) out.response_trailers = s.responseTrailers;
      if (e.bodies.request) out.request_body = bytesValue(e.bodies.request);
      if (e.bodies.response) out.response_body = bytesValue(e.bodies.response);
      defineOwn(streams, name, out);
    }
    const metrics: Record<string, unknown> = {};
    for (const [name, m] of Object.entries(this.host.metrics)) {
      defineOwn<unknown>(
        metrics,
        name,
        m.type === "histogram"
          ? { type: m.type, samples: m.samples }
          : { type: m.type, value: m.value },
      );
    }
    const final: Record<string, unknown> = {
      streams,
      local_responses: this.localResponses,
      metrics,
      vm_failed: plugin.failed,
      ...this.preShutdown,
    };
    if (plugin.grpcCalls.length > 0) {
      final.grpc_calls = plugin.grpcCalls.map((c) => ({
        token: c.token,
        kind: c.kind,
        cluster: c.cluster,
        done: c.done,
      }));
    }
    return final;
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
