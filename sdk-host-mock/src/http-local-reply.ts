/**
 * Local replies of an HTTP stream (reference §6.6, §6.15): the plugin's
 * `proxy_send_local_response` (through the filter chain in the request phase, straight to the
 * codec once the response started, a reset when a response was already sent) and the 503
 * `wasm_fail_stream` of a failed VM (fail-closed).
 */
import { HeaderMap, type HeaderList } from "./header-map.js";
import { onBody, onHeaders } from "./http-flow.js";
import type { HttpStream, LocalReplyRequest } from "./http-stream.js";
import { utf8 } from "./memory.js";

/** Fail-closed: 503 `wasm_fail_stream` once per stream (§6.6, §6.15). */
export function failStream(s: HttpStream): void {
  if (s.mode === "bypass" || (s.mode === "run" && s.plugin.failOpen)) return;
  if (s.localResponse !== null || s.completed) return;
  const reply = s.plugin.failureReply();
  sendLocalReply(s, { ...reply, headers: [], grpcStatus: 14 }, false);
}

export function sendLocalReply(s: HttpStream, reply: LocalReplyRequest, fromPlugin: boolean): void {
  if (s.completed || s.resetReason !== null) return;
  if (s.localResponse !== null || s.res.headersSent) {
    s.reset("local reply after the response started");
    return;
  }
  s.localResponse = {
    status: reply.status,
    body: reply.body,
    bodyText: utf8(reply.body),
    headers: reply.headers,
    details: reply.details,
    grpcStatus: reply.grpcStatus,
  };
  s.responseCode = reply.status;
  s.responseCodeDetails = reply.details;
  const headers: HeaderList = [[":status", String(reply.status)], ...reply.headers];
  const map = new HeaderMap("response-headers", headers);
  if (reply.body.length > 0) {
    map.replace("content-length", String(reply.body.length));
    if (!map.has("content-type")) map.add("content-type", "text/plain");
  }
  const responseStarted = s.res.headers !== null;
  s.requestAborted = true;
  s.responseOverridden = true;
  s.req.stop = "none";
  if (responseStarted || !fromPlugin || !s.created || s.vm.failed) {
    // Direct to the codec: the plugin's response callbacks do not see it.
    s.res.headers = map;
    s.res.headersHeld = false;
    s.res.headersSent = true;
    s.res.stop = "none";
    s.res.body = null;
    s.res.bodyPointer = false;
    s.res.forwarded = [];
    s.res.forwardedCache = null;
    s.res.forward(reply.body);
    return;
  }
  // Request phase: the reply goes through the filter chain, including this plugin (§6.6).
  onHeaders(s, 1, map.toList(), reply.body.length === 0, true);
  if (reply.body.length > 0) {
    if (s.res.stop === "headers") {
      s.res.held.append(reply.body);
      s.res.heldEos = true;
    } else {
      onBody(s, 1, reply.body, true, true);
    }
  }
}
