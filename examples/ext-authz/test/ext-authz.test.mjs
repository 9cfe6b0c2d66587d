// Host-mock tests of the ext-authz example: the check request the service receives, allow
// (upstream headers set, client copies dropped), deny with the service's status and body,
// fail-closed on a 5xx, a timeout (Envoy's 504), a reset and an unknown cluster, a client that
// leaves before the verdict, and bad configurations.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";

const wasm = new URL("../build/ext-authz.wasm", import.meta.url).pathname;
const settings = {
  cluster: "authz",
  authority: "authz.internal",
  path: "/check",
  timeoutMs: 500,
  forwardHeaders: ["authorization"],
  upstreamHeaders: ["x-user-id"],
};

function load(overrides = {}, options = {}) {
  const host = new Host();
  const plugin = host.loadPlugin({
    wasm,
    rootId: "ext-authz",
    clusters: ["authz"],
    configuration: JSON.stringify({ ...settings, ...overrides }),
    ...options,
  });
  return { host, plugin };
}

function request(extra = []) {
  return [
    [":method", "POST"],
    [":path", "/orders?id=7"],
    [":authority", "shop.example.com"],
    ...extra,
  ];
}

function start(plugin, extra = [["authorization", "Bearer t0k"]]) {
  const stream = plugin.newHttpStream();
  const status = stream.sendRequestHeaders(request(extra), { endOfStream: false });
  stream.sendRequestBody("{}", { endOfStream: true });
  return { stream, status };
}

test("the service gets method, path and the forwarded headers; the request is held meanwhile", () => {
  const { plugin } = load();
  const { stream, status } = start(plugin, [
    ["authorization", "Bearer t0k"],
    ["cookie", "secret"],
  ]);
  assert.equal(status, "StopAllIterationAndWatermark");
  assert.equal(stream.requestPaused, true);
  assert.equal(stream.requestBodyText, "", "the body waits too");
  const [call] = plugin.httpCalls;
  assert.equal(call.cluster, "authz");
  assert.equal(call.timeoutMs, 500);
  assert.deepEqual(call.headers, [
    [":method", "GET"],
    [":path", "/check"],
    [":authority", "authz.internal"],
    ["x-original-method", "POST"],
    ["x-original-path", "/orders?id=7"],
    ["authorization", "Bearer t0k"],
  ]);
});

test("allowed: the request continues with the service's x-user-id; a client-sent one is replaced", () => {
  const { plugin } = load();
  const { stream } = start(plugin, [
    ["authorization", "Bearer t0k"],
    ["x-user-id", "admin"],
  ]);
  plugin.respondToHttpCall(plugin.httpCalls[0], { status: 200, headers: [["x-user-id", "u-42"]] });
  assert.equal(stream.requestPaused, false);
  assert.equal(stream.localResponse, null);
  assert.equal(stream.requestHeader("x-user-id"), "u-42");
  assert.equal(stream.requestBodyText, "{}");
});

test("allowed without x-user-id: a client-sent x-user-id is removed", () => {
  const { plugin } = load();
  const { stream } = start(plugin, [["x-user-id", "admin"]]);
  plugin.respondToHttpCall(plugin.httpCalls[0], { status: 204 });
  assert.equal(stream.requestHeader("x-user-id"), null);
  assert.equal(stream.requestPaused, false);
});

test("denied: the client gets the service's status, body and content type", () => {
  const { plugin } = load();
  const { stream } = start(plugin);
  plugin.respondToHttpCall(plugin.httpCalls[0], {
    status: 403,
    headers: [["content-type", "application/json"]],
    body: '{"error":"forbidden"}',
  });
  const reply = stream.localResponse;
  assert.equal(reply?.status, 403);
  assert.equal(reply?.bodyText, '{"error":"forbidden"}');
  assert.equal(reply?.details, "ext_authz_denied");
  assert.ok(reply?.headers.some(([n, v]) => n === "content-type" && v === "application/json"));
  assert.equal(stream.requestBodyText, "", "nothing reached the upstream");
});

test("fail-closed on a 5xx from the service", () => {
  const { plugin } = load();
  const { stream } = start(plugin);
  plugin.respondToHttpCall(plugin.httpCalls[0], { status: 500, body: "oops" });
  assert.equal(stream.localResponse?.status, 503);
  assert.equal(stream.localResponse?.details, "ext_authz_error");
  assert.deepEqual(plugin.logMessages("warn"), [
    "ext-authz: authorization unavailable (status 500 oops); rejecting",
  ]);
});

test("fail-closed on a timeout (Envoy answers 504 after timeoutMs)", () => {
  const { host, plugin } = load({ timeoutMs: 200, failureStatus: 403 });
  const { stream } = start(plugin);
  host.advanceTime(199);
  assert.equal(stream.localResponse, null);
  host.advanceTime(1);
  assert.equal(stream.localResponse?.status, 403, "the configured failureStatus");
  assert.equal(stream.localResponse?.details, "ext_authz_error");
  assert.match(plugin.logMessages("warn")[0], /status 504 upstream request timeout/);
});

test("fail-closed on a reset (callout failure)", () => {
  const { plugin } = load();
  const { stream } = start(plugin);
  plugin.failHttpCall(plugin.httpCalls[0]);
  assert.equal(stream.localResponse?.status, 503);
  assert.deepEqual(plugin.logMessages("warn"), [
    "ext-authz: authorization unavailable (reset); rejecting",
  ]);
});

test("fail-closed at once when the cluster is unknown (the callout cannot start)", () => {
  const { plugin } = load({}, { clusters: ["other"] });
  const { stream } = start(plugin);
  assert.equal(plugin.httpCalls.length, 0);
  assert.equal(stream.localResponse?.status, 503);
  assert.match(plugin.logMessages("warn")[0], /callout not started: 2/);
});

test("a verdict for a client that already left is dropped quietly (pitfall C6)", () => {
  const { plugin } = load();
  const { stream } = start(plugin);
  stream.complete();
  plugin.respondToHttpCall(plugin.httpCalls[0], { status: 200 });
  assert.equal(plugin.failed, false);
  assert.deepEqual(plugin.logMessages("warn"), []);
});

test("bad configurations are rejected with the field named", () => {
  const cases = [
    [{ cluster: undefined }, "ext-authz: bad configuration: cluster is required"],
    [
      { timeoutMs: 0 },
      "ext-authz: bad configuration: timeoutMs must be an integer from 1 to 60000",
    ],
    [
      { forwardHeaders: "authorization" },
      "ext-authz: bad configuration: forwardHeaders must be an array of header names",
    ],
    [{ upstreamHeaders: [1] }, "ext-authz: bad configuration: upstreamHeaders[0] must be a string"],
  ];
  for (const [override, message] of cases) {
    assert.throws(
      () => load(override),
      (error) => error instanceof PluginLoadError && error.logs.some((l) => l.message === message),
      message,
    );
  }
  assert.throws(
    () => new Host().loadPlugin({ wasm, rootId: "ext-authz", configuration: "not json" }),
    PluginLoadError,
  );
});
