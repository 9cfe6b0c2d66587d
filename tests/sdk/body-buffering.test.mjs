// BufferedBody (tests/plugins/sdk-body-buffering.ts): whole-body transformation after
// end_of_stream (reference §6.4), Content-Length removed in the headers phase (pitfall P2), a
// size cap answering 413 instead of unbounded buffering (pitfall Q7).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host } from "proxy-wasm-as/host-mock";
import { plugin } from "./plugins.mjs";

const wasm = plugin("sdk-body-buffering");

function post(extra = []) {
  return [[":method", "POST"], [":path", "/"], [":authority", "example.com"], ...extra];
}

test("a request body is collected across chunks and replaced whole; content-length removed (P2)", () => {
  const p = new Host().loadPlugin({ wasm, trace: true });
  const s = p.newHttpStream();
  assert.equal(
    s.sendRequestHeaders(post([["content-length", "9"]]), { endOfStream: false }),
    "Continue",
  );
  assert.equal(s.requestHeader("content-length"), null);
  assert.equal(s.sendRequestBody("abc", { endOfStream: false }), "StopIterationAndBuffer");
  assert.equal(s.sendRequestBody("def", { endOfStream: false }), "StopIterationAndBuffer");
  assert.equal(s.sendRequestBody("ghi", { endOfStream: true }), "Continue");
  assert.equal(s.requestBodyText, "ABCDEFGHI!");
  assert.equal(p.hostcallCounts.proxy_get_buffer_bytes, 1, "the body is read once, at the end");
});

test("a request declaring more than the cap is answered 413 in the headers phase (Q7)", () => {
  const p = new Host().loadPlugin({ wasm });
  const s = p.newHttpStream();
  s.sendRequestHeaders(post([["content-length", "17"]]), { endOfStream: false });
  assert.equal(s.localResponse?.status, 413);
  assert.equal(s.localResponse?.details, "request_payload_too_large");
});

test("a request growing past the cap is answered 413 without buffering more (Q7)", () => {
  const p = new Host().loadPlugin({ wasm, trace: true });
  const s = p.newHttpStream();
  s.sendRequestHeaders(post(), { endOfStream: false });
  s.sendRequestBody("0123456789", { endOfStream: false });
  s.sendRequestBody("0123456789", { endOfStream: false });
  assert.equal(s.localResponse?.status, 413);
  const requestBodyReads = p.trace.filter(
    (e) => e.kind === "hostcall" && e.fn === "proxy_get_buffer_bytes" && e.args[0] === 0,
  );
  assert.equal(requestBodyReads.length, 0, "the request body is never copied into the VM");
});

test("no body: nothing is buffered and headers pass unchanged", () => {
  const p = new Host().loadPlugin({ wasm });
  const s = p.newHttpStream();
  assert.equal(
    s.sendRequestHeaders(post([["content-length", "0"]]), { endOfStream: true }),
    "Continue",
  );
  assert.equal(s.requestHeader("content-length"), "0");
});

test("a JSON response is rewritten whole with its content-length removed", () => {
  const p = new Host().loadPlugin({ wasm });
  const s = p.newHttpStream();
  s.sendRequestHeaders(post(), { endOfStream: true });
  const body = '{"user":"ann","secret":"hunter2","n":[1,2.5,{"a":null}]}';
  s.sendResponseHeaders(
    [
      [":status", "200"],
      ["content-length", String(body.length)],
    ],
    { endOfStream: false },
  );
  assert.equal(s.responseHeader("content-length"), null);
  s.sendResponseBody(body.slice(0, 20), { endOfStream: false });
  s.sendResponseBody(body.slice(20), { endOfStream: true });
  assert.deepEqual(JSON.parse(s.responseBodyText), {
    user: "ann",
    secret: "***",
    n: [1, 2.5, { a: null }],
  });
});

test("invalid JSON passes unchanged; an oversized response passes through untransformed (P1)", () => {
  const p = new Host().loadPlugin({ wasm });
  const s = p.newHttpStream();
  s.sendRequestHeaders(post(), { endOfStream: true });
  s.sendResponseHeaders([[":status", "200"]], { endOfStream: false });
  s.sendResponseBody("not json", { endOfStream: true });
  assert.equal(s.responseBodyText, "not json");
  assert.ok(p.logMessages("info").some((m) => m.startsWith("not json: ")));

  const big = p.newHttpStream();
  big.sendRequestHeaders(post(), { endOfStream: true });
  big.sendResponseHeaders([[":status", "200"]], { endOfStream: false });
  const secret = '{"secret":"' + "x".repeat(80) + '"}';
  big.sendResponseBody(secret.slice(0, 40), { endOfStream: false });
  big.sendResponseBody(secret.slice(40), { endOfStream: true });
  assert.equal(big.responseBodyText, secret);
  assert.equal(big.localResponse, null);
  assert.ok(p.logMessages("info").includes("response too large, passed through"));
});

test("a response declaring more than the cap keeps content-length and passes unchanged", () => {
  const p = new Host().loadPlugin({ wasm, trace: true });
  const s = p.newHttpStream();
  s.sendRequestHeaders(post(), { endOfStream: true });
  const body = '{"secret":"' + "y".repeat(70) + '"}';
  s.sendResponseHeaders(
    [
      [":status", "200"],
      ["content-length", String(body.length)],
    ],
    { endOfStream: false },
  );
  assert.equal(s.responseHeader("content-length"), String(body.length));
  assert.equal(s.sendResponseBody(body, { endOfStream: true }), "Continue");
  assert.equal(s.responseBodyText, body);
  const responseBodyReads = p.trace.filter(
    (e) => e.kind === "hostcall" && e.fn === "proxy_get_buffer_bytes" && e.args[0] === 1,
  );
  assert.equal(responseBodyReads.length, 0);
});

/** Hostcalls made inside each callback of the trace, as "callback: hostcall, hostcall". */
function hostcallsByCallback(trace) {
  const lines = [];
  for (const e of trace) {
    if (e.kind === "call") lines.push([e.fn.replace("proxy_on_", "")]);
    else if (lines.length > 0) lines.at(-1).push(e.fn.replace("proxy_", ""));
  }
  return lines.map(([fn, ...calls]) => `${fn}: ${calls.join(", ")}`);
}

test("cost: each callback makes only the hostcalls its work needs; the body is copied once", () => {
  const p = new Host().loadPlugin({ wasm, trace: true });
  p.clearLogs();
  const s = p.newHttpStream();
  s.sendRequestHeaders(post(), { endOfStream: true });
  s.sendResponseHeaders([[":status", "200"]], { endOfStream: false });
  s.sendResponseBody('{"secret":', { endOfStream: false });
  s.sendResponseBody('"x"}', { endOfStream: true });
  s.complete();
  assert.deepEqual(hostcallsByCallback(p.trace), [
    "context_create: ",
    "request_headers: ", // no body follows: nothing to look at
    "response_headers: get_header_map_value", // is there a content-length to drop?
    "response_body: ", // buffering: nothing copied
    "response_body: get_buffer_bytes, set_buffer_bytes", // whole body read once, written once
    "delete: ",
  ]);
});
