/**
 * The `final` section of a scenario transcript (pw-facts/1): streams with their final maps and
 * last body buffers, local replies, callouts, metrics, shared data, timers, VM state.
 */
import type { Host } from "../host.js";
import type { Plugin } from "../plugin.js";
import { defineOwn } from "../properties.js";
import { bytesValue } from "../trace-decode.js";
import type { StreamEntry } from "./state.js";

/**
 * State the root's deletion clears (callouts cancelled, the vm_id's shared data dropped with its
 * last plugin, the tick timer): taken when the shutdown begins.
 */
export function stateAtShutdown(plugin: Plugin): Record<string, unknown> {
  const sharedData: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(plugin.sharedData))
    defineOwn(sharedData, k, { value: v.value, cas: v.cas });
  return {
    http_calls: plugin.httpCalls.map((c) => ({
      token: c.token,
      root_context_id: c.rootContextId,
      answered: c.answered,
    })),
    shared_data: sharedData,
    timers_ms: plugin.tickPeriodMs > 0 ? { [String(plugin.id)]: plugin.tickPeriodMs } : {},
  };
}

/** Appends the local replies streams got since the last call (in the order they are found). */
export function collectLocalResponses(
  streams: Map<string, StreamEntry>,
  out: Record<string, unknown>[],
): void {
  for (const e of streams.values()) {
    if (e.kind !== "http" || e.localResponseRecorded || e.stream.localResponse === null) continue;
    e.localResponseRecorded = true;
    const r = e.stream.localResponse;
    out.push({
      context_id: e.stream.id,
      status: r.status,
      body: r.bodyText,
      headers: r.headers,
      details: r.details,
      grpc_status: r.grpcStatus ?? -1,
    });
  }
}

/** The transcript's `final` section. */
export function finalState(
  host: Host,
  plugin: Plugin,
  streams: Map<string, StreamEntry>,
  localResponses: Record<string, unknown>[],
  atShutdown: Record<string, unknown> | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, e] of streams) {
    if (e.kind === "tcp") {
      defineOwn<unknown>(out, name, {
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
    const st: Record<string, unknown> = { context_id: s.id, destroyed: e.destroyed };
    if (e.sent.has("request_headers")) st.request_headers = s.requestHeaders;
    if (e.sent.has("response_headers")) st.response_headers = s.responseHeaders;
    if (e.sent.has("request_trailers")) st.request_trailers = s.requestTrailers;
    if (e.sent.has("response_trailers")) st.response_trailers = s.responseTrailers;
    if (e.bodies.request) st.request_body = bytesValue(e.bodies.request);
    if (e.bodies.response) st.response_body = bytesValue(e.bodies.response);
    defineOwn<unknown>(out, name, st);
  }
  const metrics: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(host.metrics)) {
    defineOwn<unknown>(
      metrics,
      name,
      m.type === "histogram"
        ? { type: m.type, samples: m.samples }
        : { type: m.type, value: m.value },
    );
  }
  const final: Record<string, unknown> = {
    streams: out,
    local_responses: localResponses,
    metrics,
    vm_failed: plugin.failed,
    ...atShutdown,
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
