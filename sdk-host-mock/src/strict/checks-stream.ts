/**
 * HTTP stream checks: local replies (Q2, Q3, P1), header maps (Q4, Q8, Q9), bodies (Q7, P2,
 * P3, Q9), and the end-of-stream stall check (Q1/Q6, see `stall.ts`) when a stream completes.
 */
import { WasmResult } from "../abi.js";
import { NULL_BUFFER } from "../body-buffer.js";
import type { ContextRef } from "../context.js";
import type { HeaderMap } from "../header-map.js";
import { getBuffer } from "../hostcalls/buffers.js";
import { getConstMap } from "../hostcalls/header-maps.js";
import type { HttpStream } from "../http-stream.js";
import { decodePairs } from "../pairs.js";
import type { CallFrame, HostcallCheck, HostcallEvent, StrictMonitor } from "./monitor.js";
import { stallOf } from "./stall.js";

const MAP_NAMES = [
  "request headers",
  "request trailers",
  "response headers",
  "response trailers",
  "gRPC initial metadata",
  "gRPC trailing metadata",
  "http_call response headers",
  "http_call response trailers",
];
const BUFFER_NAMES = [
  "request body",
  "response body",
  "downstream data",
  "upstream data",
  "http_call response body",
  "gRPC message",
  "VM configuration",
  "plugin configuration",
  "call data",
];
const HEADER_CALLBACKS = new Map([
  ["proxy_on_request_headers", 0],
  ["proxy_on_response_headers", 1],
]);
const BODY_CALLBACKS = new Map([
  ["proxy_on_request_body", 0],
  ["proxy_on_response_body", 1],
]);
const STREAM_CALLBACKS = new Set([
  ...HEADER_CALLBACKS.keys(),
  ...BODY_CALLBACKS.keys(),
  "proxy_on_request_trailers",
  "proxy_on_response_trailers",
]);

const TOKEN = /^:?[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Q8: why a header name/value would be refused by a codec, or null. @internal */
export function invalidHeader(key: string, value: string): string | null {
  if (!TOKEN.test(key)) return `header name ${JSON.stringify(key)} is not an HTTP token`;
  if (/[\r\n\0]/.test(value))
    return `value of ${JSON.stringify(key)} contains CR, LF or NUL (${JSON.stringify(value)})`;
  return null;
}

/** Q8: required pseudo-headers of a header map, or why they are wrong. */
function invalidPseudoHeaders(map: HeaderMap, dir: 0 | 1): string | null {
  if (dir === 1) {
    const st = map.getAll(":status");
    if (st.length !== 1)
      return `response headers have ${st.length} :status headers (need exactly one)`;
    if (!/^\d{3}$/.test(st[0]) || Number(st[0]) < 100 || Number(st[0]) > 599)
      return `:status ${JSON.stringify(st[0])} is not a number 100-599`;
    return null;
  }
  const method = map.getAll(":method");
  if (method.length !== 1)
    return `request headers have ${method.length} :method headers (need exactly one)`;
  const path = map.getAll(":path");
  if (method[0] !== "CONNECT" && path.length !== 1)
    return `request headers have ${path.length} :path headers (need exactly one)`;
  return null;
}

const http = (ctx: ContextRef): HttpStream | null => (ctx.kind === "http" ? ctx.http : null);

// ------------------------------------------------------------------ local replies

const localReply: HostcallCheck = (m, e) => {
  const s = http(e.ctx);
  if (!s || e.result !== WasmResult.Ok) return;
  // the forced stop belongs to the callback of this stream, not one acting via the effective context
  if (e.frame && e.frame.ctx === s) e.frame.localReply = true;
  const facts = m.stream(s);
  facts.localReplies++;
  if (facts.localReplies > 1) {
    m.report(
      "Q3",
      s,
      `send_local_response called a second time on stream ${s.id} (in ${e.frame?.name ?? "?"}); the plugin's own local reply runs through its response callbacks (ABI §6.6). Envoy ignores the second reply (older Envoy hung the client). Check whether a reply was already sent`,
      { hostcall: e.name },
    );
  } else if (s.responseHeadersForwarded) {
    m.report(
      "P1",
      s,
      `send_local_response on stream ${s.id} in ${e.frame?.name ?? "?"} after the response headers went downstream: Envoy will reset this stream (the client sees a truncated response). Hold the response headers (pause in on_response_headers) if you must decide on the body`,
      { hostcall: e.name },
    );
  }
  const [, , , , , hPtr, hLen] = e.args.map(Number);
  const bytes = m.plugin.vm.memory.read(hPtr, hLen);
  if (bytes !== null) {
    for (const [k, v] of decodePairs(bytes)) {
      const bad = invalidHeader(k, v);
      if (bad !== null)
        m.report("Q8", s, `send_local_response on stream ${s.id}: ${bad}`, { hostcall: e.name });
    }
  }
};

// ------------------------------------------------------------------ header maps

/**
 * Callout results read in the callback that delivers them: a failed callout (reset) has no
 * headers/body there — that is the failure signal (C5), not a read in the wrong phase.
 */
function inDeliveringCallback(e: HostcallEvent, type: number): boolean {
  const cb = e.frame?.name ?? "";
  if (cb === "proxy_on_http_call_response") return type === 4 || type === 6 || type === 7;
  return cb.startsWith("proxy_on_grpc_") && type >= 4 && type <= 5;
}

function mapType(e: HostcallEvent): number {
  return Number(e.args[0]) >>> 0;
}

const headerRead: HostcallCheck = (m, e) => {
  const type = mapType(e);
  if (type > 7) return;
  if (type <= 3) {
    const s = http(e.ctx);
    if (!s || s.inLogPhase) return; // root: C4 (checks-callouts.ts); on_log: NotFound is Envoy's answer
    if (getConstMap(e.ctx, type) !== null) return;
  } else if (getConstMap(e.ctx, type) !== null || inDeliveringCallback(e, type)) return;
  m.report(
    "Q9",
    e.ctx,
    `${e.name}(${MAP_NAMES[type]}) in ${e.frame?.name ?? "?"}: that map does not exist in this phase (Envoy answers ${type <= 3 ? "BadArgument or an empty map" : "NotFound/empty"}, so the plugin computes with nothing). ${type <= 3 ? "Read it in its own callback and keep what you need on the context" : "It exists only during the callout callback that delivers it"}`,
    { hostcall: e.name },
  );
};

function released(s: HttpStream, type: number): string {
  if (type === 0)
    return s.requestHeadersForwarded
      ? "request headers were already forwarded upstream (released when on_request_headers returned Continue or the stream was continued)"
      : "request headers are not held in this callback";
  if (type === 2)
    return s.responseHeadersForwarded
      ? "response headers were already forwarded downstream"
      : "response headers are not held in this callback";
  return "trailers are mutable only in their own callback or the last body callback";
}

const headerWrite: HostcallCheck = (m, e) => {
  const type = mapType(e);
  const s = http(e.ctx);
  if (!s || type > 3) return;
  if (e.result === WasmResult.BadArgument) {
    m.report(
      "Q4",
      s,
      `${e.name}(${MAP_NAMES[type]}) in ${e.frame?.name ?? "?"} on stream ${s.id}: ${released(s, type)}; Envoy returns BadArgument and changes nothing. Mutate headers in their own callback, or pause there and continue after the change`,
      { hostcall: e.name },
    );
    return;
  }
  if (e.result !== WasmResult.Ok) return;
  const mem = m.plugin.vm.memory;
  const a = e.args.map(Number);
  if (e.name === "proxy_remove_header_map_value") {
    const key = mem.readString(a[1], a[2]);
    const required = type === 0 ? [":method", ":path"] : type === 2 ? [":status"] : [];
    if (key !== null && required.includes(key.toLowerCase()))
      m.report(
        "Q8",
        s,
        `${e.name} removed required pseudo-header ${key} from the ${MAP_NAMES[type]} of stream ${s.id}; Envoy cannot forward the message (it crashed on a missing :status)`,
        { hostcall: e.name },
      );
    return;
  }
  if (e.name === "proxy_set_header_map_pairs") {
    const map = getConstMap(e.ctx, type);
    const bad =
      map && (type === 0 || type === 2) ? invalidPseudoHeaders(map, type === 0 ? 0 : 1) : null;
    if (bad !== null)
      m.report(
        "Q8",
        s,
        `${e.name} on stream ${s.id}: ${bad}; keep the pseudo-headers when replacing a map`,
        {
          hostcall: e.name,
        },
      );
    for (const [k, v] of map?.toList() ?? []) {
      const why = invalidHeader(k, v);
      if (why !== null)
        m.report("Q8", s, `${e.name} on stream ${s.id}: ${why}`, { hostcall: e.name });
    }
    return;
  }
  const key = mem.readString(a[1], a[2]);
  const value = mem.readString(a[3], a[4]);
  const why = key === null || value === null ? null : invalidHeader(key, value);
  if (why !== null) m.report("Q8", s, `${e.name} on stream ${s.id}: ${why}`, { hostcall: e.name });
};

// ------------------------------------------------------------------ bodies

const bodyRead: HostcallCheck = (m, e) => {
  const type = Number(e.args[0]) >>> 0;
  if (type === 0 || type === 1) {
    const s = http(e.ctx);
    if (!s || s.inLogPhase || s.bodyBuffer(type) !== NULL_BUFFER) return;
  } else if (type === 4 || type === 5 || type === 8) {
    const b = getBuffer(e.ctx, type);
    if ((b !== null && b !== NULL_BUFFER) || inDeliveringCallback(e, type)) return;
  } else return;
  m.report(
    "Q9",
    e.ctx,
    `${e.name}(${BUFFER_NAMES[type]}) in ${e.frame?.name ?? "?"}: that buffer is not available in this phase, the plugin reads nothing. ${type <= 1 ? "Read a body in its body callback (return StopIterationAndBuffer to see the whole body)" : "It exists only during the callback that delivers it"}`,
    { hostcall: e.name },
  );
};

const bodyWrite: HostcallCheck = (m, e) => {
  const type = Number(e.args[0]) >>> 0;
  const s = http(e.ctx);
  if (!s || type > 1 || e.result !== WasmResult.Ok) return;
  m.stream(s).bodyEditedIn[type] = e.frame?.name ?? "?";
  const encoding =
    (type === 0 ? s.requestHeader("content-encoding") : s.responseHeader("content-encoding")) ?? "";
  if (encoding !== "" && encoding.toLowerCase() !== "identity") {
    m.report(
      "P3",
      s,
      `${e.name} rewrote the ${BUFFER_NAMES[type]} of stream ${s.id} while its headers declare content-encoding: ${encoding}; the bytes are compressed, so the rewrite corrupts them. Skip encoded bodies, or remove accept-encoding upstream in on_request_headers`,
      { hostcall: e.name },
    );
  }
};

/** Hostcall checks of this family, by hostcall name. @internal */
export const STREAM_HOSTCALL_CHECKS: [string, HostcallCheck][] = [
  ["proxy_send_local_response", localReply],
  ["proxy_get_header_map_value", headerRead],
  ["proxy_get_header_map_pairs", headerRead],
  ["proxy_get_header_map_size", headerRead],
  ["proxy_add_header_map_value", headerWrite],
  ["proxy_replace_header_map_value", headerWrite],
  ["proxy_remove_header_map_value", headerWrite],
  ["proxy_set_header_map_pairs", headerWrite],
  ["proxy_get_buffer_bytes", bodyRead],
  ["proxy_get_buffer_status", bodyRead],
  ["proxy_set_buffer_bytes", bodyWrite],
];

/** Remembers whether the test's headers were valid (Q8 blames only the plugin). @internal */
export function onCallStartStream(m: StrictMonitor, name: string, ctx: ContextRef): void {
  const s = http(ctx);
  if (!s) return;
  const dir = HEADER_CALLBACKS.get(name);
  if (dir !== undefined) {
    const map = getConstMap(ctx, dir * 2);
    m.stream(s).inputHeadersValid[dir] =
      map !== null && invalidPseudoHeaders(map, dir as 0 | 1) === null;
    return;
  }
}

/** Q1/Q6 (stalled) and P2 (content-length) when a stream ends (complete or reset). @internal */
export function onStreamEnding(m: StrictMonitor, s: HttpStream): void {
  if (s.resetReason !== null) return;
  const stall = stallOf(m, s);
  if (stall !== null) m.report(stall.pitfall, s, stall.message, { stack: false });
  const facts = m.stream(s);
  for (const dir of [0, 1] as const) {
    const editedIn = facts.bodyEditedIn[dir];
    if (editedIn === null || s.localResponse !== null) continue;
    const cl = dir === 0 ? s.requestHeader("content-length") : s.responseHeader("content-length");
    const sent = (dir === 0 ? s.requestBody : s.responseBody).length;
    if (cl !== null && /^\d+$/.test(cl) && Number(cl) !== sent)
      m.report(
        "P2",
        s,
        `${BUFFER_NAMES[dir]} of stream ${s.id} was changed in ${editedIn}: ${sent} bytes went ${dir === 0 ? "upstream" : "downstream"} but content-length says ${cl}; the peer waits for missing bytes or truncates. Remove content-length in the headers callback when the body may change`,
        { stack: false },
      );
  }
}

/** Q2, Q7, Q8 when a stream callback returns. @internal */
export function onCallEndStream(m: StrictMonitor, frame: CallFrame, ret: number | null): void {
  const s = http(frame.ctx);
  if (!s || !STREAM_CALLBACKS.has(frame.name)) return;
  const continued = ret === 0 || (HEADER_CALLBACKS.has(frame.name) && ret === 2);
  if (frame.localReply && continued)
    m.report(
      "Q2",
      s,
      `${frame.name} returned Continue after send_local_response on stream ${s.id}; return a stop status (Envoy masks this, but the intent "stop" is lost on other hosts and older Envoy aborted)`,
      { stack: false },
    );
  const bodyDir = BODY_CALLBACKS.get(frame.name);
  if (bodyDir !== undefined && (ret === 1 || ret === 2)) {
    const size = s.bodyBuffer(bodyDir as 0 | 1).size;
    const limit = m.settings.limits.bufferBytes;
    if (size > limit)
      m.report(
        "Q7",
        s,
        `${frame.name} keeps buffering the ${BUFFER_NAMES[bodyDir]} of stream ${s.id}: ${size} bytes > the ${limit}-byte buffer limit; Envoy answers ${bodyDir === 0 ? 413 : 500} and stops calling the plugin. Bound what you buffer`,
        { stack: false },
      );
  }
  const hdrDir = HEADER_CALLBACKS.get(frame.name);
  if (hdrDir !== undefined && m.stream(s).inputHeadersValid[hdrDir]) {
    const map = getConstMap(frame.ctx, hdrDir * 2);
    const bad = map ? invalidPseudoHeaders(map, hdrDir as 0 | 1) : null;
    if (bad !== null)
      m.report("Q8", s, `after ${frame.name} on stream ${s.id}: ${bad}`, { stack: false });
  }
}
