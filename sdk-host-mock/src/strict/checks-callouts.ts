/**
 * Callout and cross-context checks: C1 (http_call pseudo-headers), C2 (upstream not a cluster),
 * C3 (callout result applied to a stream that was not paused for it), C4 (stream action from a
 * root context without set_effective_context; continue of a stream that is not paused), C5
 * (timeout 0 from a paused stream), C6 (action aimed at a stream that is gone).
 */
import { WasmResult } from "../abi.js";
import type { ContextRef } from "../context.js";
import { decodePairs } from "../pairs.js";
import { utf8 } from "../memory.js";
import type { CallFrame, HostcallCheck, HostcallEvent, StrictMonitor } from "./monitor.js";

const CALLOUT_CALLBACKS = new Set([
  "proxy_on_http_call_response",
  "proxy_on_grpc_receive_initial_metadata",
  "proxy_on_grpc_receive",
  "proxy_on_grpc_receive_trailing_metadata",
  "proxy_on_grpc_close",
]);
const STREAM_CALLBACKS = new Set([
  "proxy_on_request_headers",
  "proxy_on_request_body",
  "proxy_on_request_trailers",
  "proxy_on_response_headers",
  "proxy_on_response_body",
  "proxy_on_response_trailers",
]);
const REQUEST_CALLBACKS = new Set([
  "proxy_on_request_headers",
  "proxy_on_request_body",
  "proxy_on_request_trailers",
]);

/** Stream-directed hostcalls (acting on a stream, not just reading) and how to tell from args. */
const STREAM_ACTIONS: Record<string, (args: readonly (number | bigint)[]) => boolean> = {
  proxy_continue_stream: (a) => Number(a[0]) <= 1,
  proxy_close_stream: (a) => Number(a[0]) <= 1,
  proxy_continue_request: () => true,
  proxy_continue_response: () => true,
  proxy_send_local_response: () => true,
  proxy_add_header_map_value: (a) => Number(a[0]) <= 3,
  proxy_replace_header_map_value: (a) => Number(a[0]) <= 3,
  proxy_remove_header_map_value: (a) => Number(a[0]) <= 3,
  proxy_set_header_map_pairs: (a) => Number(a[0]) <= 3,
  proxy_set_buffer_bytes: (a) => Number(a[0]) <= 1,
};
/** Stream-scoped reads (no effect on the stream, but meaningless from a root context). */
const STREAM_READS: Record<string, (args: readonly (number | bigint)[]) => boolean> = {
  proxy_get_header_map_value: (a) => Number(a[0]) <= 3,
  proxy_get_header_map_pairs: (a) => Number(a[0]) <= 3,
  proxy_get_header_map_size: (a) => Number(a[0]) <= 3,
  proxy_get_buffer_bytes: (a) => Number(a[0]) <= 1,
  proxy_get_buffer_status: (a) => Number(a[0]) <= 1,
};

const isRoot = (ctx: ContextRef): boolean => ctx.kind === "root" || ctx.kind === "vm";

/** C4 / C6: a stream hostcall issued while the current context is a root. */
function fromRoot(m: StrictMonitor, e: HostcallEvent): void {
  const frame = e.frame;
  if (frame?.failedEffective != null) {
    m.report(
      "C6",
      e.ctx,
      `${e.name} in ${frame.name} after set_effective_context(${frame.failedEffective}) failed: that stream is gone (finished or reset before the answer came). Check the result of set_effective_context and drop the answer`,
      { hostcall: e.name },
    );
    return;
  }
  m.report(
    "C4",
    e.ctx,
    `${e.name} in ${frame?.name ?? "?"} acts on the root context ${e.ctx.id}, not on a stream: call set_effective_context(streamId) first. Envoy answers ${e.name === "proxy_send_local_response" || e.name.startsWith("proxy_continue") ? "Ok and does nothing" : "BadArgument"}, the stream hangs`,
    { hostcall: e.name },
  );
}

const streamAction: HostcallCheck = (m, e) => {
  if (!STREAM_ACTIONS[e.name](e.args)) return;
  if (isRoot(e.ctx)) return fromRoot(m, e);
  const s = e.ctx.http;
  if (!s) return;
  const frame = e.frame;
  const ungated = m.stream(s).ungatedCallout;
  if (frame && CALLOUT_CALLBACKS.has(frame.name) && ungated !== null) {
    m.report(
      "C3",
      s,
      `${e.name} on stream ${s.id} from ${frame.name}, but ${ungated} dispatched the callout and returned Continue: the request already went upstream, so the callout cannot gate it. Return a stop status and continue from the callout callback`,
      { hostcall: e.name },
    );
  }
  const isContinue = e.name.startsWith("proxy_continue");
  if (!isContinue || frame?.ctx === e.ctx) return;
  const side =
    e.name === "proxy_continue_response" ||
    (e.name === "proxy_continue_stream" && Number(e.args[0]) === 1)
      ? 1
      : 0;
  const paused = side === 0 ? s.requestPaused : s.responsePaused;
  if (s.completed || !paused)
    m.report(
      "C4",
      s,
      `${e.name}(${side === 0 ? "request" : "response"}) on stream ${s.id} from ${frame?.name ?? "?"}: that side is ${s.completed ? "finished" : "not paused"}, so the continue does nothing (resuming a response that was not paused crashed Envoy 1.22)`,
      { hostcall: e.name },
    );
};

const streamRead: HostcallCheck = (m, e) => {
  if (STREAM_READS[e.name](e.args) && isRoot(e.ctx)) fromRoot(m, e);
};

const httpCall: HostcallCheck = (m, e) => {
  const a = e.args.map(Number);
  const mem = m.plugin.vm.memory;
  const upstream = mem.readString(a[0], a[1]);
  const headerBytes = mem.read(a[2], a[3]);
  if (upstream === null || headerBytes === null) return;
  const keys = new Set(decodePairs(headerBytes).map(([k]) => k.toLowerCase()));
  const missing = [":method", ":path", ":authority"].filter((k) => !keys.has(k));
  if (missing.length > 0) {
    m.report(
      "C1",
      e.ctx,
      `http_call to "${upstream}" without ${missing.join(", ")}${keys.has(":host") || keys.has("host") ? " (use :authority, not :host/host)" : ""}: Envoy returns BadArgument and the callout never starts`,
      { hostcall: e.name },
    );
  }
  checkUpstream(m, e, upstream, e.result === WasmResult.BadArgument);
  if (e.result !== WasmResult.Ok) {
    e.frame?.failedCallouts.push(e.name);
    return;
  }
  if (e.frame) e.frame.callouts++;
  if (a[8] === 0 && e.ctx.kind === "http" && e.frame) e.frame.zeroTimeoutCall = true;
};

function checkUpstream(
  m: StrictMonitor,
  e: HostcallEvent,
  upstream: string,
  refused: boolean,
): void {
  const urlLike = /^[a-z][a-z0-9+.-]*:\/\//i.test(upstream) || upstream.includes("/");
  if (!urlLike && !(refused && !m.plugin.hasCluster(upstream))) return;
  m.report(
    "C2",
    e.ctx,
    `${e.name} upstream "${upstream}" is not a configured cluster name${urlLike ? " (it looks like a URL)" : ""}: Envoy answers BadArgument. Pass the cluster (Istio: outbound|443||host) and put the host in :authority`,
    { hostcall: e.name },
  );
}

const grpcCall: HostcallCheck = (m, e) => {
  if (e.result === WasmResult.Ok) {
    if (e.frame) e.frame.callouts++;
    if (
      e.name === "proxy_grpc_call" &&
      Number(e.args[10]) === 0 &&
      e.ctx.kind === "http" &&
      e.frame
    )
      e.frame.zeroTimeoutCall = true;
    return;
  }
  e.frame?.failedCallouts.push(e.name);
  if (e.result !== WasmResult.ParseFailure) return;
  const service = m.plugin.vm.memory.read(Number(e.args[0]), Number(e.args[1]));
  if (service === null) return;
  const text = utf8(service);
  checkUpstream(m, e, /[\x00-\x1f]/.test(text) ? "(serialized GrpcService)" : text, true);
};

const setEffective: HostcallCheck = (_m, e) => {
  if (e.frame && e.result === WasmResult.BadArgument)
    e.frame.failedEffective = Number(e.args[0]) >>> 0;
  else if (e.frame && e.result === WasmResult.Ok) e.frame.failedEffective = null;
};

/** Hostcall checks of this family, by hostcall name. @internal */
export const CALLOUT_HOSTCALL_CHECKS: [string, HostcallCheck][] = [
  ...Object.keys(STREAM_ACTIONS).map((n): [string, HostcallCheck] => [n, streamAction]),
  ...Object.keys(STREAM_READS).map((n): [string, HostcallCheck] => [n, streamRead]),
  ["proxy_http_call", httpCall],
  ["proxy_grpc_call", grpcCall],
  ["proxy_grpc_stream", grpcCall],
  ["proxy_set_effective_context", setEffective],
];

/** C1 (paused on a callout that never started), C3 bookkeeping and C5 when a stream callback returns. @internal */
export function onCallEndCallouts(m: StrictMonitor, frame: CallFrame, ret: number | null): void {
  const s = frame.ctx.kind === "http" ? frame.ctx.http : null;
  if (!s) return;
  const stopped =
    ret !== null && ret !== 0 && !(frame.name === "proxy_on_request_headers" && ret === 2);
  if (
    frame.callouts === 0 &&
    frame.failedCallouts.length > 0 &&
    stopped &&
    !frame.localReply &&
    STREAM_CALLBACKS.has(frame.name)
  )
    m.report(
      "C1",
      s,
      `${frame.name} paused stream ${s.id} although its ${frame.failedCallouts[0]} failed: the callout never started, nothing will resume the stream. Check the result and answer (e.g. a 500 local reply) instead`,
      { stack: false },
    );
  if (frame.callouts === 0) return;
  const continued = !stopped;
  if (REQUEST_CALLBACKS.has(frame.name) && continued && !frame.localReply)
    m.stream(s).ungatedCallout = frame.name;
  if (frame.zeroTimeoutCall && !continued)
    m.report(
      "C5",
      s,
      `${frame.name} paused stream ${s.id} waiting for a callout dispatched with timeout 0 — in Envoy that means no timeout: a silent upstream keeps this request forever. Give the callout a timeout`,
      { stack: false },
    );
}
