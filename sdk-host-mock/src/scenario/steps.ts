/**
 * The step ops of a scenario (schema.ts lists their fields): each drives the host mock the way
 * Envoy would and completes the step's transcript fact with what the host saw.
 */
import { wasmResultName } from "../abi.js";
import type { HeaderList } from "../header-map.js";
import type { Host } from "../host.js";
import { toBytes } from "../memory.js";
import type { Plugin } from "../plugin.js";
import { bytesValue } from "../trace-decode.js";
import { HTTP_OPS } from "./schema.js";
import type { HttpEntry, StreamEntry, TcpEntry } from "./state.js";
import type { Fact, TranscriptBuilder } from "./transcript.js";
import type { ScenarioStep } from "./types.js";

/** What a step may use and change. */
export interface StepContext {
  host: Host;
  plugin: Plugin;
  builder: TranscriptBuilder;
  streams: Map<string, StreamEntry>;
  /** Runs the root shutdown (the `shutdown` op). */
  shutdown(): void;
}

/** What Envoy answers when a callout's timeout fires. */
const TIMEOUT_RESPONSE = {
  headers: [
    [":status", "504"],
    ["content-length", "24"],
    ["content-type", "text/plain"],
  ] as HeaderList,
  body: "upstream request timeout",
};

function http(ctx: StepContext, step: ScenarioStep): HttpEntry {
  const name = step.args.stream as string;
  let e = ctx.streams.get(name);
  if (e === undefined) {
    const stream = ctx.plugin.newHttpStream();
    e = {
      kind: "http",
      stream,
      lastStatus: null,
      sent: new Set(),
      bodies: {},
      destroyed: false,
      localResponseRecorded: false,
    };
    ctx.streams.set(name, e);
    ctx.builder.add({ k: "stream_created", stream: name, context_id: stream.id });
  }
  if (e.kind !== "http") throw new Error(`"${name}" is a TCP connection, not an HTTP stream`);
  return e;
}

function tcp(ctx: StepContext, step: ScenarioStep): TcpEntry {
  const name = step.args.stream as string;
  let e = ctx.streams.get(name);
  if (e === undefined) {
    const stream = ctx.plugin.newTcpStream();
    e = { kind: "tcp", stream, lastStatus: null, destroyed: false };
    ctx.streams.set(name, e);
    ctx.builder.add({ k: "stream_created", stream: name, context_id: stream.id, kind: "tcp" });
  }
  if (e.kind !== "tcp") throw new Error(`"${name}" is an HTTP stream, not a TCP connection`);
  return e;
}

function httpCall(ctx: StepContext, step: ScenarioStep, fact: Fact) {
  const i = step.args.call as number;
  const rec = ctx.plugin.httpCalls[i];
  if (rec === undefined)
    throw new Error(
      `no HTTP call #${i}: the plugin dispatched ${ctx.plugin.httpCalls.length} (numbered from 0)`,
    );
  fact.token = rec.token;
  return rec;
}

function grpcCall(ctx: StepContext, step: ScenarioStep, fact: Fact) {
  const i = step.args.call as number;
  const rec = ctx.plugin.grpcCalls[i];
  if (rec === undefined)
    throw new Error(
      `no gRPC call #${i}: the plugin opened ${ctx.plugin.grpcCalls.length} (numbered from 0)`,
    );
  fact.token = rec.token;
  return rec;
}

function setStatus(entry: StreamEntry, fact: Fact, status: string): void {
  entry.lastStatus = status;
  if (status === "Skipped") fact.skipped = true;
  else if (status === "Held") fact.held = true;
  else fact.status = status;
}

/**
 * Performs one (non-`expect`) step the way Envoy would drive the plugin, completing `fact` with
 * what the host saw (status, maps and buffers after the callback, tokens, …). Errors thrown are
 * step failures (e.g. answering a callout that was never dispatched).
 */
export function performStep(ctx: StepContext, step: ScenarioStep, fact: Fact): void {
  const a = step.args;
  const plugin = ctx.plugin;
  const eos = { endOfStream: a.end_of_stream as boolean };
  if (HTTP_OPS.has(step.op) && (step.op === "destroy" || step.op === "log")) {
    const e = ctx.streams.get(a.stream as string);
    if (e?.kind === "tcp" && step.op === "destroy") {
      e.stream.closeDownstream("remote");
      e.destroyed = true;
      return;
    }
  }
  switch (step.op) {
    case "request_headers":
    case "response_headers": {
      const e = http(ctx, step);
      const req = step.op === "request_headers";
      const h = a.headers as HeaderList;
      const r = req ? e.stream.sendRequestHeaders(h, eos) : e.stream.sendResponseHeaders(h, eos);
      e.sent.add(step.op);
      setStatus(e, fact, r);
      fact.headers_after = req ? e.stream.requestHeaders : e.stream.responseHeaders;
      return;
    }
    case "request_body":
    case "response_body": {
      const e = http(ctx, step);
      const dir = step.op === "request_body" ? 0 : 1;
      const s = e.stream;
      const before = (dir === 0 ? s.requestBody : s.responseBody).length;
      s.bodyAfterCallback[dir] = null;
      const body = a.body as string;
      const r = dir === 0 ? s.sendRequestBody(body, eos) : s.sendResponseBody(body, eos);
      setStatus(e, fact, r);
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
      const e = http(ctx, step);
      const req = step.op === "request_trailers";
      const tr = a.trailers as HeaderList;
      const r = req ? e.stream.sendRequestTrailers(tr) : e.stream.sendResponseTrailers(tr);
      e.sent.add(step.op);
      setStatus(e, fact, r);
      fact.trailers_after = req ? e.stream.requestTrailers : e.stream.responseTrailers;
      return;
    }
    case "log":
      http(ctx, step).stream.accessLog();
      return;
    case "destroy": {
      const e = http(ctx, step);
      e.stream.complete();
      e.destroyed = true;
      return;
    }
    case "http_call_response": {
      const rec = httpCall(ctx, step, fact);
      plugin.respondToHttpCall(rec, {
        headers: (a.headers as HeaderList | undefined) ?? [],
        body: (a.body as string | undefined) ?? "",
        trailers: (a.trailers as HeaderList | undefined) ?? [],
      });
      return;
    }
    case "http_call_failure":
      plugin.failHttpCall(httpCall(ctx, step, fact));
      return;
    case "http_call_timeout":
      plugin.respondToHttpCall(httpCall(ctx, step, fact), TIMEOUT_RESPONSE);
      return;
    case "grpc_response": {
      const rec = grpcCall(ctx, step, fact);
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
      const rec = grpcCall(ctx, step, fact);
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
      ctx.host.advanceTime(a.ms as number);
      return;
    case "shutdown":
      ctx.shutdown();
      return;
    case "queue_enqueue":
    case "queue_dequeue": {
      const vmId = (a.vm_id as string | undefined) ?? plugin.vmId;
      const queues = ctx.host.sharedQueues;
      const token = queues.resolve(vmId, a.queue as string);
      const q = token === null ? null : queues.get(token);
      if (q === null) throw new Error(`no shared queue "${a.queue}" in vm_id "${vmId}"`);
      fact.token = q.token;
      if (step.op === "queue_dequeue") {
        const item = q.items.shift();
        fact.data = item === undefined ? null : bytesValue(item);
        return;
      }
      ctx.host.dispatch(() => {
        q.items.push(toBytes(a.data as string));
        const notify = q.notify;
        if (notify) ctx.host.defer(() => notify(q.token));
      });
      return;
    }
    case "shared_data_set": {
      const vmId = (a.vm_id as string | undefined) ?? plugin.vmId;
      const r = ctx.host.sharedData.set(
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
      const e = tcp(ctx, step);
      setStatus(e, fact, e.stream.sendNewConnection());
      return;
    }
    case "downstream_data":
    case "upstream_data": {
      const e = tcp(ctx, step);
      const r =
        step.op === "downstream_data"
          ? e.stream.sendDownstreamData(a.data as string, eos)
          : e.stream.sendUpstreamData(a.data as string, eos);
      setStatus(e, fact, r);
      return;
    }
    case "downstream_close": {
      const e = tcp(ctx, step);
      e.stream.closeDownstream(a.peer as "local" | "remote");
      e.destroyed = true;
      return;
    }
    case "upstream_close":
      tcp(ctx, step).stream.closeUpstream();
      return;
    default:
      throw new Error(`unhandled op ${step.op}`);
  }
}
