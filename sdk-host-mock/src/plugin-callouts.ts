/**
 * Answers from "upstream" to a plugin's callouts (reference §6.7, §3.6, §3.11): HTTP callout
 * responses, failures and timeouts, gRPC call answers and stream events, DNS results. Each
 * answer runs as a host event on the root context that made the call; the public methods of
 * `Plugin` (`respondToHttpCall`, …) delegate here.
 */
import { WasmResult } from "./abi.js";
import type { DnsAnswer, GrpcCallRecord, HttpCallRecord, HttpCallResponse } from "./callouts.js";
import { HeaderMap, headerListFrom, type HeadersInput } from "./header-map.js";
import { toBytes } from "./memory.js";
import type { Plugin } from "./plugin.js";

/**
 * Delivers a response to an HTTP callout (§6.7): `proxy_on_http_call_response(root, token,
 * headers, body_size, trailers)`; headers/body/trailers are readable only during the callback.
 */
export function respondToHttpCall(
  p: Plugin,
  call: number | HttpCallRecord,
  response: HttpCallResponse,
): void {
  const rec = findHttpCall(p, call);
  const headers = new HeaderMap("response-headers");
  const list = response.headers ? headerListFrom(response.headers) : [];
  if (!list.some(([k]) => k === ":status")) headers.add(":status", String(response.status ?? 200));
  for (const [k, v] of list) headers.add(k, v);
  const trailers = new HeaderMap(
    "response-trailers",
    response.trailers ? headerListFrom(response.trailers) : [],
  );
  rec.answered = true;
  answer(p, () =>
    deliverHttpCall(p, rec, { headers, body: toBytes(response.body ?? ""), trailers }),
  );
}

/** Delivers an HTTP-callout failure (reset): callback with zeros, `get_status` → (11, "reset"). */
export function failHttpCall(p: Plugin, call: number | HttpCallRecord): void {
  const rec = findHttpCall(p, call);
  rec.answered = true;
  answer(p, () => deliverHttpCall(p, rec, null));
}

/**
 * Answers a unary gRPC call: `message` → `proxy_on_grpc_receive`; a non-zero `status` →
 * `proxy_on_grpc_close(root, token, status)` with `statusMessage` via `proxy_get_status`.
 */
export function respondToGrpcCall(
  p: Plugin,
  token: number,
  response: { message?: string | Uint8Array; status?: number; statusMessage?: string },
): void {
  const rec = p.grpcCall(token);
  if (!rec || rec.kind !== "call") throw new Error(`no gRPC call with token ${token}`);
  answer(p, () => {
    if (rec.done) return;
    rec.done = true;
    if ((response.status ?? 0) !== 0)
      grpcClose(p, rec, response.status!, response.statusMessage ?? "");
    else grpcReceive(p, rec, toBytes(response.message ?? ""));
  });
}

/** One event of a gRPC stream, as `Plugin.sendGrpcStreamEvent` delivers it. */
export type GrpcStreamEvent =
  | { initialMetadata: HeadersInput }
  | { message: string | Uint8Array }
  | { trailingMetadata: HeadersInput }
  | { close: { status: number; message?: string } };

/** Delivers gRPC stream events in order: initial metadata, a message, or the remote close. */
export function sendGrpcStreamEvent(p: Plugin, token: number, event: GrpcStreamEvent): void {
  const rec = p.grpcCall(token);
  if (!rec || rec.kind !== "stream") throw new Error(`no gRPC stream with token ${token}`);
  answer(p, () => {
    if (rec.done || p.vm.failed || p.state === "deleted") return;
    if ("initialMetadata" in event) {
      const md = new HeaderMap("other", headerListFrom(event.initialMetadata));
      p.grpcInitialMetadata = md;
      try {
        p.vm.call("proxy_on_grpc_receive_initial_metadata", p, [p.id, token, md.size]);
      } finally {
        p.grpcInitialMetadata = null;
      }
    } else if ("message" in event) {
      grpcReceive(p, rec, toBytes(event.message));
    } else if ("trailingMetadata" in event) {
      const md = new HeaderMap("other", headerListFrom(event.trailingMetadata));
      p.grpcTrailingMetadata = md;
      try {
        p.vm.call("proxy_on_grpc_receive_trailing_metadata", p, [p.id, token, md.size]);
      } finally {
        p.grpcTrailingMetadata = null;
      }
    } else {
      rec.done = true;
      grpcClose(p, rec, event.close.status, event.close.message ?? "");
    }
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
export function respondToDns(p: Plugin, token: number, answers: readonly DnsAnswer[] | null): void {
  if (!p.dnsRequests.some((r) => r.token === token))
    throw new Error(`no DNS request with token ${token}`);
  if (p.answeredDns.has(token)) throw new Error(`DNS request ${token} was already answered`);
  p.answeredDns.add(token);
  answer(p, () => {
    if (p.vm.failed || p.state === "deleted") return;
    const data = answers === null ? new Uint8Array(0) : encodeDnsAnswers(answers);
    p.callData = data; // stays staged after the call, like Envoy's `buffer_`
    p.vm.call("envoy_on_resolve_dns", p, [p.id, token, data.length]);
  });
}

/**
 * Runs an answer from "upstream" (callout response, gRPC event, DNS result) as a host event.
 * One that arrives while the VM is running a call (e.g. from a test hook or foreign function
 * invoked by the plugin) is queued until that call returns, as Envoy does (reference §6.7).
 */
function answer(p: Plugin, deliver: () => void): void {
  p.host.dispatch(() => (p.vm.inCall ? p.host.defer(deliver) : deliver()));
}

/** @internal */
export function registerHttpCall(p: Plugin, rec: HttpCallRecord): void {
  p.httpCalls.push(rec);
  if (rec.timeoutMs > 0) {
    rec.timer = p.host.schedule(p.host.nowNanos + BigInt(rec.timeoutMs) * 1_000_000n, () => {
      rec.timer = null;
      if (rec.answered) return;
      const headers = new HeaderMap("response-headers", [
        [":status", "504"],
        ["content-length", "24"],
        ["content-type", "text/plain"],
      ]);
      deliverHttpCall(p, rec, {
        headers,
        body: toBytes("upstream request timeout"),
        trailers: new HeaderMap("response-trailers"),
      });
    });
  }
}

function findHttpCall(p: Plugin, call: number | HttpCallRecord): HttpCallRecord {
  const rec = typeof call === "number" ? p.httpCalls.find((c) => c.token === call) : call;
  if (!rec || !p.httpCalls.includes(rec))
    throw new Error(`no HTTP call with token ${String(call)}`);
  if (rec.answered) throw new Error(`HTTP call ${rec.token} was already answered or cancelled`);
  return rec;
}

function deliverHttpCall(
  p: Plugin,
  rec: HttpCallRecord,
  response: { headers: HeaderMap; body: Uint8Array; trailers: HeaderMap } | null,
): void {
  rec.answered = true;
  if (rec.timer) rec.timer.cancelled = true;
  if (p.vm.failed || p.state === "deleted") return;
  if (response === null) p.status = { code: WasmResult.BrokenConnection, message: "reset" };
  p.callResponse = response;
  try {
    p.vm.call(
      "proxy_on_http_call_response",
      p,
      response
        ? [p.id, rec.token, response.headers.size, response.body.length, response.trailers.size]
        : [p.id, rec.token, 0, 0, 0],
    );
  } finally {
    p.callResponse = null;
    p.status.message = "";
  }
}

function grpcReceive(p: Plugin, rec: GrpcCallRecord, message: Uint8Array): void {
  if (p.vm.failed || p.state === "deleted") return;
  p.grpcReceiveBuffer = message;
  try {
    p.vm.call("proxy_on_grpc_receive", p, [p.id, rec.token, message.length]);
  } finally {
    p.grpcReceiveBuffer = null;
  }
}

function grpcClose(p: Plugin, rec: GrpcCallRecord, status: number, message: string): void {
  if (p.vm.failed || p.state === "deleted") return;
  p.status = { code: status, message };
  try {
    p.vm.call("proxy_on_grpc_close", p, [p.id, rec.token, status]);
  } finally {
    p.status.message = "";
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
