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
