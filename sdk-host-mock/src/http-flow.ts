/**
 * Envoy's filter flow for one HTTP stream (reference §6.2–§6.4): delivering headers, body
 * chunks and trailers to the plugin, cpp-host's status clamping (and the forced stop after a
 * local reply, §2.3), pausing, StopIterationAndBuffer accumulation, holding data behind paused
 * headers, and `continueDecoding()`/`continueEncoding()` after `proxy_continue_stream`.
 */
import {
  FilterDataStatus,
  FilterHeadersStatus,
  FilterTrailersStatus,
  clampDataStatus,
  clampHeadersStatus,
  clampTrailersStatus,
  type DataStatusName,
  type HeadersStatusName,
  type NotDeliveredStatus,
  type TrailersStatusName,
} from "./abi.js";
import { BodyBuffer } from "./body-buffer.js";
import { CALLBACKS, type Direction } from "./http-direction.js";
import { failStream } from "./http-local-reply.js";
import type { HttpStream } from "./http-stream.js";
import { HeaderMap, type HeaderList } from "./header-map.js";

function directionClosed(s: HttpStream, dir: 0 | 1): boolean {
  return (
    s.completed || s.resetReason !== null || (dir === 0 ? s.requestAborted : s.responseOverridden)
  );
}

/** Handles an event on a failed VM; returns the status to report, or null if the VM is fine. */
function onFailedVm<T extends string>(
  s: HttpStream,
  dir: 0 | 1,
  stopName: T,
  forward: () => void,
): T | "Continue" | "Skipped" | null {
  if (!s.inert) return null;
  if (s.mode === "bypass" || (s.mode === "run" && s.plugin.failOpen)) {
    forward();
    return "Continue";
  }
  if (s.localResponse === null) {
    failStream(s);
    return stopName;
  }
  return dir === 0 ? "Skipped" : "Skipped";
}

export function onHeaders(
  s: HttpStream,
  dir: 0 | 1,
  list: HeaderList,
  eos: boolean,
  internal: boolean,
): HeadersStatusName | NotDeliveredStatus {
  if (!internal && directionClosed(s, dir)) return "Skipped";
  const d = dir === 0 ? s.req : s.res;
  d.headers = new HeaderMap(dir === 0 ? "request-headers" : "response-headers", list);
  d.endOfStream = eos;
  if (dir === 1) {
    const st = d.headers.get(":status");
    if (!internal) {
      s.responseCode = st !== null && /^\d+$/.test(st) ? Number(st) : null;
      s.responseCodeDetails ??= "via_upstream";
    }
  }
  const failed = onFailedVm(s, dir, "StopAllIterationAndWatermark", () => (d.headersSent = true));
  if (failed !== null) return failed;
  if (dir === 1 && !s.created) {
    d.headersSent = true;
    return "Skipped";
  }
  s.ensureCreated();
  d.headersHeld = true;
  const n = d.headers.size;
  const args = s.vm.abiVersion === "0.1.0" ? [s.id, n] : [s.id, n, eos ? 1 : 0];
  const raw = s.invoke(CALLBACKS[dir].headers, args);
  let status =
    raw === undefined || raw === null
      ? FilterHeadersStatus.Continue
      : clampHeadersStatus(raw, s.plugin.allowOnHeadersStopIteration);
  // The forced stop of §2.3 belongs to the call that sent the reply: a callback the module does
  // not export made no call, so a flag left by another callback must not stop this stream.
  if (raw !== undefined && s.vm.stopNextIteration)
    status = FilterHeadersStatus.StopAllIterationAndWatermark;
  if (
    status === FilterHeadersStatus.Continue ||
    status === FilterHeadersStatus.ContinueAndEndStream
  ) {
    d.headersHeld = false;
    d.headersSent = true;
    d.stop = "none";
  } else {
    d.stop = status === FilterHeadersStatus.StopIteration ? "headers-iteration" : "headers";
  }
  return FilterHeadersStatus[status] as HeadersStatusName;
}

export function onBody(
  s: HttpStream,
  dir: 0 | 1,
  data: Uint8Array,
  eos: boolean,
  internal: boolean,
): DataStatusName | NotDeliveredStatus {
  if (!internal && directionClosed(s, dir)) return "Skipped";
  const d = dir === 0 ? s.req : s.res;
  if (!internal) d.bytesReceived += data.length;
  d.endOfStream = eos;
  const failed = onFailedVm(s, dir, "StopIterationNoBuffer", () => d.forward(data));
  if (failed !== null) return failed;
  if (!s.created) {
    d.forward(data);
    return "Skipped";
  }
  if (!internal && d.stop === "headers") {
    d.held.append(data);
    d.heldEos = eos;
    return "Held";
  }
  if (d.buffering && d.body) {
    d.body.append(data);
  } else {
    if (d.stop === "body-watermark" && d.body) d.held.append(d.body.bytes);
    d.body = new BodyBuffer(data);
  }
  d.bodyPointer = true;
  d.inBodyCallback = true;
  let raw: number | null | undefined;
  try {
    raw = s.invoke(CALLBACKS[dir].body, [s.id, d.body.size, eos ? 1 : 0]);
  } finally {
    d.inBodyCallback = false;
    s.bodyAfterCallback[dir] = d.body ? d.body.bytes : null;
  }
  let status = raw === undefined || raw === null ? FilterDataStatus.Continue : clampDataStatus(raw);
  if (raw !== undefined && s.vm.stopNextIteration) status = FilterDataStatus.StopIterationNoBuffer;
  d.buffering = false;
  switch (status) {
    case FilterDataStatus.Continue:
      releaseHeadersOnData(d);
      d.forward(d.held.bytes);
      d.held = new BodyBuffer();
      if (d.body) d.forward(d.body.bytes);
      d.body = null;
      d.bodyPointer = false;
      d.stop = "none";
      if (d.trailers && d.trailersHeld && eos) d.trailersHeld = false;
      break;
    case FilterDataStatus.StopIterationAndBuffer:
      d.buffering = true;
      d.stop = "body";
      break;
    case FilterDataStatus.StopIterationAndWatermark:
      d.stop = "body-watermark";
      break;
    default:
      d.stop = "body-nobuffer";
      break;
  }
  return FilterDataStatus[status] as DataStatusName;
}

function releaseHeadersOnData(d: Direction): void {
  if (d.stop === "headers-iteration" || d.stop === "headers") {
    d.headersHeld = false;
    d.headersSent = true;
  }
}

export function onTrailers(
  s: HttpStream,
  dir: 0 | 1,
  list: HeaderList,
  internal: boolean,
): TrailersStatusName | NotDeliveredStatus {
  if (!internal && directionClosed(s, dir)) return "Skipped";
  const d = dir === 0 ? s.req : s.res;
  const map = new HeaderMap(dir === 0 ? "request-trailers" : "response-trailers", list);
  d.endOfStream = true;
  const failed = onFailedVm(s, dir, "StopIteration", () => (d.trailers = map));
  if (failed !== null) return failed;
  if (!s.created) {
    d.trailers = map;
    return "Skipped";
  }
  if (!internal && d.stop === "headers") {
    d.pendingTrailers = map;
    return "Held";
  }
  d.trailers = map;
  d.trailersHeld = true;
  const raw = s.invoke(CALLBACKS[dir].trailers, [s.id, map.size]);
  let status =
    raw === undefined || raw === null ? FilterTrailersStatus.Continue : clampTrailersStatus(raw);
  if (raw !== undefined && s.vm.stopNextIteration) status = FilterTrailersStatus.StopIteration;
  if (status === FilterTrailersStatus.Continue) {
    d.trailersHeld = false;
    releaseHeadersOnData(d);
    d.forward(d.held.bytes);
    d.held = new BodyBuffer();
    if (d.body && d.stop !== "body-nobuffer") d.forward(d.body.bytes);
    d.body = null;
    d.bodyPointer = false;
    d.stop = "none";
  } else {
    d.stop = "trailers";
  }
  return FilterTrailersStatus[status] as TrailersStatusName;
}

/** `continueDecoding()` / `continueEncoding()` after the VM call (§6.3). */
export function resume(s: HttpStream, type: 0 | 1): void {
  if (s.completed || s.resetReason !== null) return;
  if (type === 0 && s.requestAborted) return;
  const d = type === 0 ? s.req : s.res;
  const stop = d.stop;
  d.stop = "none";
  if (stop === "headers" || stop === "headers-iteration") {
    d.headersSent = true;
    const held = d.held.bytes;
    const heldEos = d.heldEos;
    const trailers = d.pendingTrailers;
    d.held = new BodyBuffer();
    d.pendingTrailers = null;
    if (held.length > 0 || (heldEos && trailers === null)) {
      onBody(s, type, held, heldEos && trailers === null, true);
    }
    if (trailers && d.stop === "none") onTrailers(s, type, trailers.toList(), true);
    else if (trailers) d.pendingTrailers = trailers;
  } else if (stop === "body" || stop === "body-watermark") {
    d.forward(d.held.bytes);
    d.held = new BodyBuffer();
    if (d.body) d.forward(d.body.bytes);
    d.body = null;
    d.bodyPointer = false;
    d.buffering = false;
  } else if (stop === "trailers") {
    d.forward(d.held.bytes);
    d.held = new BodyBuffer();
    d.trailersHeld = false;
  }
}
