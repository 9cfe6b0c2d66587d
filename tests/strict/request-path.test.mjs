// Strict mode, request/response path (pitfalls Q1–Q9, P1–P3): a misbehaving plugin (WAT driver,
// callbacks written in JS) fails with the pitfall id; the same plugin without strict mode behaves
// exactly as before (Envoy's behaviour).
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodePairs } from "../../sdk-host-mock/dist/index.js";
import { Driver } from "../host-mock/wat.mjs";
import { CALL_HEADERS, GET, POST, ids, strictDriver, throwsStrict } from "./helpers.mjs";

const denyAndContinue = {
  proxy_on_request_headers() {
    this.localReply(403, "denied", "denied", encodePairs([]));
    return 0; // Continue after a local reply
  },
};

test("Q2 Continue after send_local_response fails, names the stream; lenient mode unchanged", () => {
  const d = strictDriver(denyAndContinue);
  const s = d.plugin.newHttpStream();
  throwsStrict(
    () => s.sendRequestHeaders(GET),
    "Q2",
    /proxy_on_request_headers returned Continue after send_local_response on stream 2/,
  );
  // the plugin saw Envoy's behaviour: reply sent, stream stopped
  assert.equal(s.localResponse?.status, 403);
  const lenient = new Driver({ handlers: denyAndContinue });
  const l = lenient.plugin.newHttpStream();
  assert.equal(l.sendRequestHeaders(GET), "StopAllIterationAndWatermark");
  assert.equal(l.localResponse?.status, 403);
  assert.deepEqual(lenient.plugin.violations, []);
});

test("Q2 passes when the callback stops after its local reply", () => {
  const d = strictDriver({
    proxy_on_request_headers() {
      this.localReply(403, "denied", "denied", encodePairs([]));
      return 4;
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET);
  s.complete();
  d.plugin.assertNoViolations();
});

test("Q3 a second local reply for the plugin's own reply fails", () => {
  const d = strictDriver({
    proxy_on_request_headers() {
      this.localReply(401, "no", "auth", encodePairs([]));
      return 4;
    },
    proxy_on_response_headers() {
      this.localReply(500, "again", "again", encodePairs([]));
      return 4;
    },
  });
  throwsStrict(
    () => d.plugin.newHttpStream().sendRequestHeaders(GET),
    "Q3",
    /second time on stream 2/,
  );
});

test("P1 local reply after the response headers went downstream fails", () => {
  const d = strictDriver({
    proxy_on_response_body() {
      this.localReply(403, "leak", "dlp", encodePairs([]));
      return 3;
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  s.sendResponseHeaders([[":status", "200"]]);
  throwsStrict(
    () => s.sendResponseBody("secret", { endOfStream: true }),
    "P1",
    /Envoy will reset this stream/,
  );
  assert.equal(s.resetReason, "local reply after the response started");
});

test("Q4 mutating request headers after they were forwarded fails with the reason", () => {
  const d = strictDriver({
    proxy_on_request_body() {
      assert.equal(this.addHeader(0, "x-sum", "1"), 2); // BadArgument, as in Envoy
      return 0;
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(POST());
  throwsStrict(
    () => s.sendRequestBody("x", { endOfStream: true }),
    "Q4",
    /already forwarded upstream/,
  );
  assert.equal(s.requestHeader("x-sum"), null);
});

test("Q8 invalid header values, removed pseudo-headers and bad :status fail", () => {
  const add = strictDriver({
    proxy_on_request_headers() {
      this.addHeader(0, "x-a", "1\r\nx-injected: 2");
    },
  });
  throwsStrict(() => add.plugin.newHttpStream().sendRequestHeaders(GET), "Q8", /CR, LF or NUL/);
  const remove = strictDriver({
    proxy_on_response_headers() {
      this.removeHeader(2, ":status");
    },
  });
  const s = remove.plugin.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  throwsStrict(
    () => s.sendResponseHeaders([[":status", "200"]]),
    "Q8",
    /removed required pseudo-header :status/,
  );
  const setAll = strictDriver({
    proxy_on_request_headers() {
      this.setHeaderPairs(0, encodePairs([["x-only", "1"]]));
    },
  });
  throwsStrict(
    () => setAll.plugin.newHttpStream().sendRequestHeaders(GET),
    "Q8",
    /0 :method headers/,
  );
  const status = strictDriver({
    proxy_on_response_headers() {
      this.replaceHeader(2, ":status", "2000");
    },
  });
  const t = status.plugin.newHttpStream();
  t.sendRequestHeaders(GET, { endOfStream: true });
  throwsStrict(
    () => t.sendResponseHeaders([[":status", "200"]]),
    "Q8",
    /"2000" is not a number 100-599/,
  );
});

test("Q8 blames only the plugin: a test sending headers without :path is not a violation", () => {
  const d = strictDriver({});
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders([[":method", "GET"]], { endOfStream: true });
  s.complete();
  d.plugin.assertNoViolations();
});

test("Q9 reading request headers in on_response_headers and a callout body outside its callback fail", () => {
  const d = strictDriver({
    proxy_on_response_headers() {
      assert.equal(this.getHeader(0, ":path").result, 2);
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  throwsStrict(
    () => s.sendResponseHeaders([[":status", "200"]]),
    "Q9",
    /request headers\) in proxy_on_response_headers/,
  );
  const b = strictDriver({
    proxy_on_request_headers() {
      this.getBuffer(4, 0, 100);
    },
  });
  throwsStrict(
    () => b.plugin.newHttpStream().sendRequestHeaders(GET),
    "Q9",
    /http_call response body/,
  );
});

test("Q9 is not reported for on_log reads of a response that never came (NotFound is Envoy's answer)", () => {
  const d = strictDriver({
    proxy_on_log() {
      assert.equal(this.getHeader(2, ":status").result, 1);
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  s.complete();
  d.plugin.assertNoViolations();
});

test("Q7 buffering a body above the limit fails (limits.bufferBytes)", () => {
  const d = strictDriver(
    { proxy_on_request_body: (_id, _n, eos) => (eos ? 0 : 1) },
    { strict: { limits: { bufferBytes: 10 } } },
  );
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(POST());
  s.sendRequestBody("0123456789");
  throwsStrict(
    () => s.sendRequestBody("x"),
    "Q7",
    /11 bytes > the 10-byte buffer limit; Envoy answers 413/,
  );
});

test("P2 shrinking a body without dropping content-length fails at the end of the stream", () => {
  const handlers = {
    proxy_on_request_body(_id, n, eos) {
      if (!eos) return 1;
      this.setBuffer(0, 0, n, "short");
      return 0;
    },
  };
  const d = strictDriver(handlers);
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(POST([["content-length", "11"]]));
  s.sendRequestBody("hello world", { endOfStream: true });
  throwsStrict(
    () => s.complete(),
    "P2",
    /changed in proxy_on_request_body: 5 bytes went upstream but content-length says 11/,
  );
  // removing content-length in the headers callback is the fix
  const ok = strictDriver({
    ...handlers,
    proxy_on_request_headers() {
      this.removeHeader(0, "content-length");
    },
  });
  const t = ok.plugin.newHttpStream();
  t.sendRequestHeaders(POST([["content-length", "11"]]));
  t.sendRequestBody("hello world", { endOfStream: true });
  t.complete();
  ok.plugin.assertNoViolations();
});

test("P3 rewriting a gzip body fails", () => {
  const d = strictDriver({
    proxy_on_response_body(_id, n) {
      this.setBuffer(1, 0, n, "plain");
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  s.sendResponseHeaders([
    [":status", "200"],
    ["content-encoding", "gzip"],
  ]);
  throwsStrict(
    () => s.sendResponseBody("\x1f\x8b...", { endOfStream: true }),
    "P3",
    /content-encoding: gzip/,
  );
});

test("Q1 a request paused in on_request_headers and never resumed fails at complete() and at the checkpoint", () => {
  const pause = { proxy_on_request_headers: () => 1 };
  const d = strictDriver(pause);
  const s = d.plugin.newHttpStream();
  assert.equal(s.sendRequestHeaders(POST()), "StopAllIterationAndWatermark");
  assert.equal(s.sendRequestBody("data", { endOfStream: true }), "Held");
  throwsStrict(
    () => s.complete(),
    "Q1",
    /stream 2 stalled: the request was paused in on_request_headers \(a header pause also holds the body/,
  );
  const c = strictDriver(pause);
  c.plugin.newHttpStream().sendRequestHeaders(GET);
  throwsStrict(() => c.plugin.assertNoViolations(), "Q1", /never resumed/);
});

test("Q1 is not reported while a callout that can resume the stream is pending", () => {
  const d = strictDriver({
    proxy_on_request_headers() {
      this.httpCall("auth", CALL_HEADERS, "", encodePairs([]), 1000);
      return 1;
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET);
  d.plugin.assertNoViolations();
  s.complete(); // client gave up while the callout was in flight
  d.plugin.assertNoViolations();
});

test("Q6 waiting for end_of_stream in body callbacks when the end came with trailers", () => {
  const d = strictDriver({
    proxy_on_request_body: () => 1,
    proxy_on_request_trailers: () => 1,
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(POST());
  s.sendRequestBody("part", { endOfStream: false });
  s.sendRequestTrailers([["grpc-status", "0"]]);
  throwsStrict(() => s.complete(), "Q6", /end came with trailers/);
});

test("violations carry context id, phase, hostcall and the plugin's wasm stack", () => {
  const d = strictDriver({ proxy_on_request_body: () => (this_add(), 0) });
  function this_add() {
    d.addHeader(0, "x", "1");
  }
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(POST());
  assert.throws(() => s.sendRequestBody("x", { endOfStream: true }));
  const [v] = d.plugin.violations;
  assert.equal(v.pitfall, "Q4");
  assert.equal(v.contextId, 2);
  assert.equal(v.phase, "proxy_on_request_body");
  assert.equal(v.hostcall, "proxy_add_header_map_value");
  assert.ok(
    v.wasmStack.some((f) => f.functionName.includes("h_proxy_add_header_map_value")),
    JSON.stringify(v.wasmStack),
  );
});
