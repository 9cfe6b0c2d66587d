// The SDK's HTTP API (HttpContext, HeaderMap, Body, local replies), driven through a compiled
// plugin (tests/plugins/sdk-http.ts) in the host mock.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host } from "proxy-wasm-as/host-mock";
import { get, plugin } from "./plugins.mjs";

const wasm = plugin("sdk-http");

function stream() {
  return new Host().loadPlugin({ wasm }).newHttpStream();
}

test("HeaderMap get/has/getAll/set/remove/pairs/byteSize", () => {
  const s = stream();
  s.sendRequestHeaders(
    get("/", [
      ["x-op", "headers"],
      ["user-agent", "curl/8"],
      ["x-multi", "a"],
      ["x-multi", "b"],
      ["x-replace", "old1"],
      ["x-replace", "old2"],
      ["x-remove", "gone"],
    ]),
    { endOfStream: true },
  );
  const h = (name) => s.requestHeaders.filter(([n]) => n === name).map(([, v]) => v);
  assert.deepEqual(h("x-got-ua"), ["curl/8"], "get is case-insensitive");
  assert.deepEqual(h("x-got-missing"), ["(null)"], "get of a missing header is null");
  assert.deepEqual(h("x-missing-result"), ["1"], "lastResult() tells NotFound");
  assert.deepEqual(h("x-has-ua"), ["yes"]);
  assert.deepEqual(h("x-multi-values"), ["a|b"], "getAll keeps order");
  assert.deepEqual(h("x-num-headers"), ["10"]);
  assert.deepEqual(h("x-pairs-before"), ["16"], "pairs() sees the entries added so far");
  assert.deepEqual(h("x-replace"), ["new"], "set replaces every value");
  assert.deepEqual(h("x-remove"), [], "remove drops the header");
  const byteSize = Number(h("x-byte-size")[0]);
  const expected = s.requestHeaders
    .filter(([n]) => n !== "x-byte-size")
    .reduce((sum, [n, v]) => sum + Buffer.byteLength(n) + Buffer.byteLength(v), 0);
  assert.equal(byteSize, expected, "byteSize is Envoy's sum of key and value lengths");
});

test("HeaderMap.setPairs replaces the whole map", () => {
  const s = stream();
  s.sendRequestHeaders(get("/p", [["x-op", "set-pairs"]]), { endOfStream: true });
  assert.deepEqual(s.requestHeaders, [...get("/p"), ["x-added-by-pairs", "1"]]);
});

test("sendLocalResponse answers with status, body, lower-cased headers, details and gRPC status", () => {
  const s = stream();
  const status = s.sendRequestHeaders(get("/", [["x-op", "local-reply"]]), { endOfStream: true });
  assert.equal(status, "StopAllIterationAndWatermark", "the host forces stop after a local reply");
  const reply = s.localResponse;
  assert.equal(reply.status, 403);
  assert.equal(reply.bodyText, "denied");
  assert.ok(reply.headers.some(([n, v]) => n === "x-reason" && v === "test"));
  assert.equal(reply.details, "access_denied", "Envoy replaces spaces in details");
  assert.equal(reply.grpcStatus, 7);
});

for (const [op, expected] of [
  ["body-set", "replaced"],
  ["body-append", "hello world+tail"],
  ["body-prepend", "head+hello world"],
  ["body-prefix", "XYZWlo world"],
  ["body-bytes", "HELLO\u0000WORLD"],
]) {
  test(`Body edit ${op} on the buffered request body`, () => {
    const plugin = new Host().loadPlugin({ wasm });
    const s = plugin.newHttpStream();
    s.sendRequestHeaders(get("/", [["x-op", op]]), { endOfStream: false });
    assert.equal(s.sendRequestBody("hello ", { endOfStream: false }), "StopIterationAndBuffer");
    assert.equal(s.sendRequestBody("world", { endOfStream: true }), "Continue");
    assert.equal(s.requestBodyText, expected);
    const logs = plugin.logMessages("info");
    assert.ok(logs.includes("body size 11/11: hello world"), logs.join("\n"));
    assert.ok(logs.includes("body slice: llo"), "readString(start, length) reads a slice");
    assert.ok(logs.includes("edit result 0"));
  });
}

test("StopAllIterationAndWatermark holds the request: no body callbacks while paused", () => {
  const plugin = new Host().loadPlugin({ wasm });
  const s = plugin.newHttpStream();
  assert.equal(
    s.sendRequestHeaders(get("/", [["x-op", "pause"]]), { endOfStream: false }),
    "StopAllIterationAndWatermark",
  );
  assert.equal(s.requestPaused, true);
  s.sendRequestBody("abc", { endOfStream: true });
  assert.deepEqual(plugin.logMessages("info"), [], "the body callback is not called while paused");
});

test("trailers callbacks can edit trailers", () => {
  const s = stream();
  s.sendRequestHeaders(get("/"), { endOfStream: false });
  s.sendRequestBody("x", { endOfStream: false });
  s.sendRequestTrailers([["grpc-timeout", "1S"]]);
  assert.deepEqual(s.requestTrailers, [
    ["grpc-timeout", "1S"],
    ["x-trailer-seen", "1"],
  ]);
  s.sendResponseHeaders([[":status", "200"]], { endOfStream: false });
  s.sendResponseBody("ok", { endOfStream: false });
  s.sendResponseTrailers([["grpc-status", "0"]]);
  assert.deepEqual(s.responseTrailers, [
    ["grpc-status", "0"],
    ["x-response-trailer", "seen"],
  ]);
});

test("response body buffered to the end and rewritten", () => {
  const s = stream();
  s.sendRequestHeaders(get("/", [["x-op", "response-upper"]]), { endOfStream: true });
  s.sendResponseHeaders([[":status", "200"]], { endOfStream: false });
  assert.equal(s.responseHeader("x-response-seen"), "response-upper");
  s.sendResponseBody("abc", { endOfStream: false });
  s.sendResponseBody("def", { endOfStream: true });
  assert.equal(s.responseBodyText, "ABCDEF");
});

test("request headers are no longer writable after they continued", () => {
  const plugin = new Host().loadPlugin({ wasm });
  const s = plugin.newHttpStream();
  s.sendRequestHeaders(get("/", [["x-op", "continue-late"]]), { endOfStream: true });
  s.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
  assert.deepEqual(plugin.logMessages("info"), [
    "request headers now: (null)",
    "result now: 2",
    "add to request now: 2",
  ]);
});

test("teardown runs onLog → onDone → onDelete with headers readable in onLog", () => {
  const plugin = new Host().loadPlugin({ wasm });
  const s = plugin.newHttpStream();
  s.sendRequestHeaders(get("/logged"), { endOfStream: true });
  s.sendResponseHeaders([[":status", "204"]], { endOfStream: true });
  s.complete();
  const id = s.contextId;
  assert.deepEqual(plugin.logMessages("info"), [
    `onLog ${id} path=/logged`,
    `onDone ${id}`,
    `onDelete ${id}`,
  ]);
});

test("literal header names and values are encoded correctly, and again from the cache", () => {
  const plugin = new Host().loadPlugin({ wasm });
  for (let round = 0; round < 2; round++) {
    const s = plugin.newHttpStream();
    s.sendRequestHeaders(get("/", [["x-op", "literals"]]), { endOfStream: true });
    const added = s.requestHeaders.filter(([n]) => n.startsWith("x-lit-"));
    const name = (i) => `x-lit-${String(i).padStart(2, "0")}`;
    const expected = [];
    for (let d = 1; d < 50; d++) expected.push([name(0), name(d)], [name(d), name(0)]);
    assert.deepEqual(added, expected);
    s.complete();
  }
});
