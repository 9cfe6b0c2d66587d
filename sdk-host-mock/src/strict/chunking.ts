/**
 * Q5 ("deciding on one body chunk instead of the whole body") decided by repetition: one host run
 * cannot tell a plugin that inspects only the current chunk from one that buffers, so
 * {@link checkChunkingIndependence} replays the same exchange through fresh plugins with the
 * bodies split differently (whole, two halves, 1-byte chunks, seeded random splits) and compares
 * what a client and the upstream observe. Envoy delivers bodies in arbitrary chunks (ABI §6.4):
 * a correct plugin's outcome never depends on them.
 */
import type { HttpCallRecord, HttpCallResponse } from "../callouts.js";
import { PluginTrapError } from "../errors.js";
import type { HeadersInput, HeaderList } from "../header-map.js";
import { Host } from "../host.js";
import type { HttpStream, StreamOptions } from "../http-stream.js";
import { toBytes, utf8 } from "../memory.js";
import type { Plugin } from "../plugin.js";
import type { PluginOptions } from "../plugin-options.js";
import { StrictModeError } from "./error.js";

/**
 * How a body is cut into chunks: `"whole"` (one chunk), `"halves"` (two), `"bytes"` (1-byte
 * chunks; keep such bodies small — a buffering plugin sees O(n²) bytes), `{ seed }` (2–8 chunks
 * at seeded random cut points), or explicit chunk `{ sizes }` (the rest of the body, if any,
 * is one last chunk).
 */
export type Chunking =
  "whole" | "halves" | "bytes" | { seed: number } | { sizes: readonly number[] };

/** The exchange replayed by {@link checkChunkingIndependence}. */
export interface ChunkedExchange {
  /** Request headers (end_of_stream is set when neither a request body nor trailers follow). */
  requestHeaders: HeadersInput;
  /** Request body, chunked per run (omit for a request without body). */
  requestBody?: string | Uint8Array;
  /** Request trailers (the last request body chunk then has end_of_stream = false). */
  requestTrailers?: HeadersInput;
  /** Response headers, sent once the request went upstream unless the plugin replied locally. */
  responseHeaders?: HeadersInput;
  /** Response body, chunked per run. */
  responseBody?: string | Uint8Array;
  /** Response trailers. */
  responseTrailers?: HeadersInput;
  /** Options of every run's stream (properties, protocol). */
  stream?: StreamOptions;
  /** Answers every `http_call` the plugin dispatches, right after the event that dispatched it. */
  answerHttpCall?: (call: HttpCallRecord) => HttpCallResponse;
}

/** Options of {@link checkChunkingIndependence}. */
export interface ChunkingCheckOptions {
  /**
   * Chunkings to compare; the first is the baseline (default `["whole", "halves", "bytes",
   * { seed: 1 }, { seed: 2 }]`). Each is applied to one body at a time, the other body whole,
   * so a difference names the direction.
   */
  chunkings?: readonly Chunking[];
}

/** What a client and the upstream observe of one run (compared between chunkings). */
export interface ExchangeOutcome {
  /** The trap message if the plugin trapped, or null (compared first: it explains the rest). */
  trap: string | null;
  /** The plugin's local reply (or fail-closed 503), or null. */
  localReply: { status: number; bodyText: string; headers: [string, string][] } | null;
  /** Stream reset reason, or null. */
  reset: string | null;
  requestHeadersForwarded: boolean;
  requestHeaders: HeaderList;
  requestBody: Uint8Array;
  requestTrailers: HeaderList;
  /** The request side was still paused at the end. */
  requestPaused: boolean;
  responseHeadersForwarded: boolean;
  responseHeaders: HeaderList;
  responseBody: Uint8Array;
  responseTrailers: HeaderList;
  /** The response side was still paused at the end. */
  responsePaused: boolean;
  /** HTTP callouts dispatched (upstream cluster, headers, body). */
  httpCalls: { cluster: string; headers: HeaderList; bodyText: string }[];
}

/** One run of {@link checkChunkingIndependence}. */
export interface ChunkingRun {
  /** The body that was chunked (null for the baseline run). */
  direction: "request" | "response" | null;
  /** Human-readable chunking, e.g. `"1-byte chunks (12)"`. */
  chunking: string;
  outcome: ExchangeOutcome;
}

const DEFAULT_CHUNKINGS: readonly Chunking[] = [
  "whole",
  "halves",
  "bytes",
  { seed: 1 },
  { seed: 2 },
];

/**
 * Q5 check: replays `exchange` through a fresh plugin per chunking (from `load`: plugin options
 * for a new Host, or a factory) and compares the outcomes. Throws a {@link StrictModeError}
 * naming Q5, the two chunkings and the first difference when a chunking changes what is
 * observable (local reply, reset, trap, forwarded headers/body/trailers, a side left paused,
 * callouts; the request body bytes forwarded before a local reply or reset that both runs ended
 * with are not compared — the upstream request was aborted). Returns every run when they all agree. Logs and metrics are not compared (per-chunk
 * counters legitimately differ). A strict-mode violation inside a run propagates as it is.
 */
export function checkChunkingIndependence(
  load: PluginOptions | (() => Plugin),
  exchange: ChunkedExchange,
  options: ChunkingCheckOptions = {},
): ChunkingRun[] {
  const chunkings = options.chunkings ?? DEFAULT_CHUNKINGS;
  if (chunkings.length < 2) throw new RangeError("checkChunkingIndependence needs two chunkings");
  const fresh = typeof load === "function" ? load : () => new Host().loadPlugin(load);
  const bodies = {
    request: exchange.requestBody === undefined ? null : toBytes(exchange.requestBody),
    response: exchange.responseBody === undefined ? null : toBytes(exchange.responseBody),
  };
  const whole = (b: Uint8Array | null): number[] | null => (b === null ? null : [b.length]);
  const base = chunkings[0];
  const baseSizes = {
    request: bodies.request && chunkSizes(base, bodies.request.length),
    response: bodies.response && chunkSizes(base, bodies.response.length),
  };
  const baseline: ChunkingRun = {
    direction: null,
    chunking: describe(base, baseSizes.request ?? baseSizes.response ?? []),
    outcome: runExchange(fresh(), exchange, bodies, baseSizes.request, baseSizes.response),
  };
  const runs = [baseline];
  for (const chunking of chunkings.slice(1)) {
    for (const direction of ["request", "response"] as const) {
      const body = bodies[direction];
      if (body === null) continue;
      const sizes = chunkSizes(chunking, body.length);
      const run: ChunkingRun = {
        direction,
        chunking: describe(chunking, sizes),
        outcome: runExchange(
          fresh(),
          exchange,
          bodies,
          direction === "request" ? sizes : (baseSizes.request ?? whole(bodies.request)),
          direction === "response" ? sizes : (baseSizes.response ?? whole(bodies.response)),
        ),
      };
      runs.push(run);
      const diff = firstDifference(baseline.outcome, run.outcome);
      if (diff !== null) {
        throw new StrictModeError([
          {
            pitfall: "Q5",
            message:
              `strict Q5: the outcome depends on how the ${direction} body is chunked: ` +
              `${diff.field} was ${diff.a} with the body as ${baseline.chunking} but ${diff.b} ` +
              `as ${run.chunking}. Envoy delivers bodies in arbitrary chunks; return ` +
              `StopIterationAndBuffer until end_of_stream (or keep state across chunks) before deciding`,
            contextId: 0,
            phase: null,
            hostcall: null,
            wasmStack: [],
          },
        ]);
      }
    }
  }
  return runs;
}

/** Chunk sizes of a body of `length` bytes (empty body: one empty chunk). */
export function chunkSizes(chunking: Chunking, length: number): number[] {
  if (length === 0) return [0];
  if (chunking === "whole") return [length];
  if (chunking === "halves") return length < 2 ? [length] : [length >> 1, length - (length >> 1)];
  if (chunking === "bytes") return new Array<number>(length).fill(1);
  if ("sizes" in chunking) {
    const sizes: number[] = [];
    let rest = length;
    for (const s of chunking.sizes) {
      if (!(Number.isInteger(s) && s >= 0)) throw new RangeError(`bad chunk size ${s}`);
      const n = Math.min(s, rest);
      if (n === 0 && rest === 0) break;
      sizes.push(n);
      rest -= n;
    }
    if (rest > 0) sizes.push(rest);
    return sizes;
  }
  // seeded random cut points (mulberry32): 2..8 chunks, never more than the body has bytes
  let state = chunking.seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const count = Math.min(length, 2 + Math.floor(random() * 7));
  const cuts = new Set<number>();
  while (cuts.size < count - 1) cuts.add(1 + Math.floor(random() * (length - 1)));
  const points = [0, ...[...cuts].sort((a, b) => a - b), length];
  return points.slice(1).map((p, i) => p - points[i]);
}

function describe(chunking: Chunking, sizes: readonly number[]): string {
  if (chunking === "whole") return "one chunk";
  if (chunking === "halves") return `two halves (${sizes.join("+")})`;
  if (chunking === "bytes") return `1-byte chunks (${sizes.length})`;
  const list = sizes.length > 12 ? `${sizes.slice(0, 12).join("+")}+…` : sizes.join("+");
  return "seed" in chunking ? `random split seed ${chunking.seed} (${list})` : `chunks ${list}`;
}

/** Drives one exchange through `plugin` with the given chunk sizes per body. */
function runExchange(
  plugin: Plugin,
  x: ChunkedExchange,
  bodies: { request: Uint8Array | null; response: Uint8Array | null },
  requestSizes: number[] | null,
  responseSizes: number[] | null,
): ExchangeOutcome {
  const s = plugin.newHttpStream(x.stream ?? {});
  let trap: string | null = null;
  const step = (event: () => unknown): boolean => {
    if (trap !== null || s.completed) return false;
    try {
      event();
      answerCalls(plugin, x);
    } catch (e) {
      if (!(e instanceof PluginTrapError)) throw e;
      trap = e.message;
      return false;
    }
    return true;
  };
  const stopped = (): boolean => s.localResponse !== null || s.resetReason !== null;
  sendSide(s, "request", x.requestHeaders, bodies.request, requestSizes, x.requestTrailers, step);
  if (x.responseHeaders !== undefined && !stopped() && !s.requestPaused && trap === null)
    sendSide(
      s,
      "response",
      x.responseHeaders,
      bodies.response,
      responseSizes,
      x.responseTrailers,
      step,
    );
  const outcome = observe(plugin, s, trap);
  try {
    s.complete();
  } catch (e) {
    if (!(e instanceof PluginTrapError)) throw e;
  }
  return outcome;
}

function sendSide(
  s: HttpStream,
  side: "request" | "response",
  headers: HeadersInput,
  body: Uint8Array | null,
  sizes: number[] | null,
  trailers: HeadersInput | undefined,
  step: (event: () => unknown) => boolean,
): void {
  const req = side === "request";
  const headersOnly = body === null && trailers === undefined;
  if (
    !step(() =>
      req
        ? s.sendRequestHeaders(headers, { endOfStream: headersOnly })
        : s.sendResponseHeaders(headers, { endOfStream: headersOnly }),
    )
  )
    return;
  if (body !== null && sizes !== null) {
    let offset = 0;
    for (let i = 0; i < sizes.length; i++) {
      const chunk = body.subarray(offset, offset + sizes[i]);
      offset += sizes[i];
      const end = i === sizes.length - 1 && trailers === undefined;
      if (
        !step(() =>
          req
            ? s.sendRequestBody(chunk, { endOfStream: end })
            : s.sendResponseBody(chunk, { endOfStream: end }),
        )
      )
        return;
    }
  }
  if (trailers !== undefined)
    step(() => (req ? s.sendRequestTrailers(trailers) : s.sendResponseTrailers(trailers)));
}

function answerCalls(plugin: Plugin, x: ChunkedExchange): void {
  if (!x.answerHttpCall) return;
  for (let guard = 0; guard < 100; guard++) {
    const call = plugin.pendingHttpCalls[0];
    if (call === undefined) return;
    plugin.respondToHttpCall(call, x.answerHttpCall(call));
  }
}

function observe(plugin: Plugin, s: HttpStream, trap: string | null): ExchangeOutcome {
  const r = s.localResponse;
  return {
    localReply: r && { status: r.status, bodyText: r.bodyText, headers: r.headers },
    reset: s.resetReason,
    trap,
    requestHeadersForwarded: s.requestHeadersForwarded,
    requestHeaders: s.requestHeaders,
    requestBody: s.requestBody,
    requestTrailers: s.requestTrailers,
    requestPaused: s.requestPaused,
    responseHeadersForwarded: s.responseHeadersForwarded,
    responseHeaders: s.responseHeaders,
    responseBody: s.responseBody,
    responseTrailers: s.responseTrailers,
    responsePaused: s.responsePaused,
    httpCalls: plugin.httpCalls
      .filter((c) => c.contextId === s.id)
      .map((c) => ({ cluster: c.cluster, headers: c.headers, bodyText: c.bodyText })),
  };
}

const FIELD_NAMES: Record<keyof ExchangeOutcome, string> = {
  trap: "the trap",
  localReply: "the local reply",
  reset: "the stream reset",
  requestHeadersForwarded: "request headers forwarded",
  requestHeaders: "the forwarded request headers",
  requestBody: "the forwarded request body",
  requestTrailers: "the forwarded request trailers",
  requestPaused: "request left paused",
  responseHeadersForwarded: "response headers forwarded",
  responseHeaders: "the response headers",
  responseBody: "the forwarded response body",
  responseTrailers: "the response trailers",
  responsePaused: "response left paused",
  httpCalls: "the HTTP callouts",
};

/** The first observable field that differs, with both values shown; null when equal. */
export function firstDifference(
  a: ExchangeOutcome,
  b: ExchangeOutcome,
): { field: string; a: string; b: string } | null {
  // Once both runs ended the request early (local reply or reset), the upstream request was
  // aborted: the request body bytes forwarded before (the chunks a streaming inspector cleared)
  // are not an outcome, only the reply is.
  const aborted = (o: ExchangeOutcome): boolean => o.localReply !== null || o.reset !== null;
  const skipBody = aborted(a) && aborted(b);
  for (const key of Object.keys(FIELD_NAMES) as (keyof ExchangeOutcome)[]) {
    if (skipBody && key === "requestBody") continue;
    const x = show(a[key]);
    const y = show(b[key]);
    if (x !== y) return { field: FIELD_NAMES[key], a: clip(x), b: clip(y) };
  }
  return null;
}

function show(v: unknown): string {
  if (v instanceof Uint8Array) return JSON.stringify(utf8(v)) + (isUtf8(v) ? "" : ` (${hex(v)})`);
  return v === null ? "none" : JSON.stringify(v);
}

function isUtf8(v: Uint8Array): boolean {
  return Buffer.from(utf8(v)).equals(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
}

function hex(v: Uint8Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex");
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
