/**
 * Stall detector (Q1, Q6): a stream the plugin paused while nothing that could still resume it
 * is pending — no unanswered callout, no tick timer, no registered queue.
 */
import type { HttpStream } from "../http-stream.js";
import type { PitfallId } from "./pitfalls.js";
import type { StrictMonitor } from "./monitor.js";

/** Something that could still resume a paused stream, or null. */
function pendingWork(m: StrictMonitor): string | null {
  const p = m.plugin;
  if (p.httpCalls.some((c) => !c.answered)) return "an http_call";
  if (p.grpcCalls.some((c) => !c.done)) return "a gRPC call";
  if (p.tickPeriodMs > 0) return "a tick";
  if (m.registeredQueues.size > 0) return "a shared queue";
  if (p.dnsRequests.length > 0) return "a DNS lookup";
  return null;
}

/** Why stream `s` is stalled, or null when it is not paused or something may resume it. @internal */
export function stallOf(
  m: StrictMonitor,
  s: HttpStream,
): { pitfall: PitfallId; message: string } | null {
  if (s.resetReason !== null || s.plugin.failed) return null;
  const sides = [s.requestPaused ? "request" : null, s.responsePaused ? "response" : null].filter(
    (x) => x !== null,
  );
  if (sides.length === 0 || pendingWork(m) !== null) return null;
  const side = sides[0];
  const trailers = side === "request" ? s.requestTrailers : s.responseTrailers;
  const forwarded = side === "request" ? s.requestHeadersForwarded : s.responseHeadersForwarded;
  if (trailers.length > 0 && forwarded) {
    return {
      pitfall: "Q6",
      message: `stream ${s.id}: the ${side} is still paused in a body callback although its end came with trailers (the last body callback had end_of_stream = false); decide in the trailers callback too`,
    };
  }
  const where = forwarded
    ? `a ${side} body callback`
    : `on_${side}_headers (a header pause also holds the body: body callbacks do not run until the plugin continues, ABI §6.3)`;
  return {
    pitfall: "Q1",
    message: `stream ${s.id} stalled: the ${side} was paused in ${where} and never resumed; no pending callout/tick/queue can resume it. Envoy keeps it until a timeout`,
  };
}

/** Live streams of the plugin that are stalled. @internal */
export function stalledStreams(
  m: StrictMonitor,
): { http: HttpStream; pitfall: PitfallId; message: string }[] {
  const out: { http: HttpStream; pitfall: PitfallId; message: string }[] = [];
  for (const ctx of m.plugin.vm.contexts.values()) {
    if (ctx.kind !== "http" || ctx.http === null || ctx.http.completed) continue;
    const stall = stallOf(m, ctx.http);
    if (stall !== null) out.push({ http: ctx.http, ...stall });
  }
  return out;
}
