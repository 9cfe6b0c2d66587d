// Strict mode on a plugin written with the SDK (tests/plugins/strict-misuse.ts): each mistake the
// plugin makes on request fails with its pitfall id; its well-behaved path passes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Host } from "../../sdk-host-mock/dist/index.js";
import { plugin as wasmPath } from "../sdk/plugins.mjs";
import { throwsStrict } from "./helpers.mjs";

const load = (options = {}) =>
  new Host().loadPlugin({
    wasm: wasmPath("strict-misuse", { debug: true }),
    strict: true,
    ...options,
  });
const req = (misuse) => [
  [":method", "POST"],
  [":path", "/"],
  [":authority", "example.com"],
  ...(misuse ? [["x-misuse", misuse]] : []),
];

test("well-behaved path: callout, pause, resume from the callout answer with the effective context", () => {
  const p = load();
  const s = p.newHttpStream();
  assert.equal(s.sendRequestHeaders(req(null)), "StopAllIterationAndWatermark");
  s.sendRequestBody("payload", { endOfStream: true });
  p.respondToHttpCall(p.httpCalls[0], { status: 200 });
  assert.equal(s.requestBodyText, "payload");
  s.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
  s.complete();
  p.assertNoViolations();
});

test("Q2 sendLocalResponse then Continue", () => {
  const s = load().newHttpStream();
  throwsStrict(
    () => s.sendRequestHeaders(req("continue-after-reply")),
    "Q2",
    /returned Continue after send_local_response on stream 2/,
  );
});

test("Q1 StopIteration on headers, body never delivered, stream completed", () => {
  const s = load().newHttpStream();
  assert.equal(s.sendRequestHeaders(req("pause-forever")), "StopAllIterationAndWatermark");
  assert.equal(s.sendRequestBody("data", { endOfStream: true }), "Held");
  throwsStrict(() => s.complete(), "Q1", /paused in on_request_headers/);
});

test("Q4 request header added from onRequestBody; the SDK returns BadArgument and the header is not added", () => {
  const s = load().newHttpStream();
  s.sendRequestHeaders(req("late-header"));
  throwsStrict(
    () => s.sendRequestBody("data", { endOfStream: true }),
    "Q4",
    /already forwarded upstream/,
  );
  assert.equal(s.requestHeader("x-body-size"), null);
});

test("C4 continueRequest from onHttpCallResponse without setEffectiveContext", () => {
  const p = load();
  const s = p.newHttpStream();
  s.sendRequestHeaders(req("no-effective-context"));
  throwsStrict(
    () => p.respondToHttpCall(p.httpCalls[0], { status: 200 }),
    "C4",
    /proxy_continue_stream in proxy_on_http_call_response acts on the root context 1/,
  );
  assert.equal(s.requestPaused, true);
  const v = p.violations[0];
  assert.ok(
    v.wasmStack.some((f) => /continueRequest/.test(f.functionName)),
    JSON.stringify(v.wasmStack),
  );
});

test("S3 plugin configuration read in a request callback", () => {
  const s = load({ configuration: "mode=strict" }).newHttpStream();
  throwsStrict(
    () => s.sendRequestHeaders(req("config-per-request")),
    "S3",
    /proxy_get_buffer_bytes\(PluginConfiguration\) in proxy_on_request_headers/,
  );
  assert.equal(s.requestHeader("x-config"), "(none)");
});

test("C1 httpCall with host instead of :authority", () => {
  const s = load().newHttpStream();
  throwsStrict(
    () => s.sendRequestHeaders(req("no-authority")),
    "C1",
    /without :authority \(use :authority, not :host\/host\)/,
  );
});

test("C5 pausing on a callout with timeout 0", () => {
  const s = load().newHttpStream();
  throwsStrict(() => s.sendRequestHeaders(req("no-timeout")), "C5", /timeout 0/);
});

test("Q8 a header value with CR LF", () => {
  const s = load().newHttpStream();
  throwsStrict(
    () => s.sendRequestHeaders(req("crlf-header")),
    "Q8",
    /"x-user" contains CR, LF or NUL/,
  );
});

test("P2 body rewritten to another length while content-length stays", () => {
  const s = load().newHttpStream();
  s.sendRequestHeaders([...req("rewrite-body"), ["content-length", "12"]]);
  s.sendRequestBody("secret-token", { endOfStream: true });
  assert.equal(s.requestBodyText, "redacted");
  throwsStrict(() => s.complete(), "P2", /8 bytes went upstream but content-length says 12/);
});

test("M5 a metric defined again on every request", () => {
  const p = load();
  p.newHttpStream().sendRequestHeaders(req("metric-per-request"));
  throwsStrict(
    () => p.newHttpStream().sendRequestHeaders(req("metric-per-request")),
    "M5",
    /define_metric\("requests_\/"\) again in proxy_on_request_headers/,
  );
});

test("D2 shared counter incremented with cas 0", () => {
  const p = load();
  p.newHttpStream().sendRequestHeaders(req("blind-counter")); // first request: key absent, no read
  throwsStrict(
    () => p.newHttpStream().sendRequestHeaders(req("blind-counter")),
    "D2",
    /set_shared_data\("hits"\) with cas 0/,
  );
  assert.equal(p.sharedData.hits.value, "2");
});

test("X3 property path as one dotted string", () => {
  const s = load().newHttpStream();
  throwsStrict(() => s.sendRequestHeaders(req("dotted-property")), "X3", /"request.path"/);
  assert.equal(s.requestHeader("x-path"), "(none)");
});
