// Host-mock tests of the grpc-authz example: the unary call (service, method, metadata,
// timeout, protobuf request decoded here), allowed / denied answers, fail-closed on gRPC errors,
// an unreadable answer and an unknown cluster, a client gone before the answer, bad
// configurations.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";

const wasm = new URL("../build/grpc-authz.wasm", import.meta.url).pathname;
const configuration = JSON.stringify({ cluster: "authz-grpc", timeoutMs: 300 });

// --- a few lines of protobuf wire format, enough for the two messages -------------------------
function varint(n) {
  const out = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
function field(number, value) {
  if (typeof value === "boolean") return [...varint(number << 3), value ? 1 : 0];
  const bytes = [...new TextEncoder().encode(value)];
  return [...varint((number << 3) | 2), ...varint(bytes.length), ...bytes];
}
function checkResponse({ allowed, reason = "", subject = "" }) {
  return new Uint8Array([
    ...(allowed ? field(1, true) : []),
    ...(reason ? field(2, reason) : []),
    ...(subject ? field(3, subject) : []),
  ]);
}
/** Decodes string fields of a message: field number → string. */
function decodeStrings(bytes) {
  const out = {};
  let i = 0;
  const read = () => {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[i++];
      n |= (b & 0x7f) << shift;
      if (b < 0x80) return n;
    }
  };
  while (i < bytes.length) {
    const key = read();
    assert.equal(key & 7, 2, "only strings in CheckRequest");
    const length = read();
    out[key >> 3] = new TextDecoder().decode(bytes.slice(i, i + length));
    i += length;
  }
  return out;
}

function load(options = {}) {
  return new Host().loadPlugin({
    wasm,
    rootId: "grpc-authz",
    clusters: ["authz-grpc"],
    configuration,
    ...options,
  });
}

function start(plugin, extra = [["authorization", "Bearer t0k"]]) {
  const stream = plugin.newHttpStream();
  const status = stream.sendRequestHeaders(
    [[":method", "DELETE"], [":path", "/orders/7"], [":authority", "shop"], ...extra],
    { endOfStream: true },
  );
  return { stream, status };
}

test("the request is held while Authorizer/Check is called with a CheckRequest", () => {
  const plugin = load();
  const { stream, status } = start(plugin, [
    ["authorization", "Bearer t0k"],
    ["x-request-id", "r-1"],
  ]);
  assert.equal(status, "StopAllIterationAndWatermark");
  assert.equal(stream.requestPaused, true);
  const [call] = plugin.grpcCalls;
  assert.equal(call.kind, "call");
  assert.equal(call.cluster, "authz-grpc");
  assert.equal(call.serviceName, "authz.v1.Authorizer");
  assert.equal(call.method, "Check");
  assert.equal(call.timeoutMs, 300);
  assert.deepEqual(call.initialMetadata, [["x-request-id", "r-1"]]);
  assert.deepEqual(decodeStrings(call.messages[0]), { 1: "DELETE", 2: "/orders/7", 3: "t0k" });
});

test("allowed: the request continues with x-subject from the answer (a client copy is dropped)", () => {
  const plugin = load();
  const { stream } = start(plugin, [
    ["authorization", "Bearer t0k"],
    ["x-subject", "admin"],
  ]);
  plugin.respondToGrpcCall(plugin.grpcCalls[0].token, {
    message: checkResponse({ allowed: true, subject: "user-42" }),
  });
  assert.equal(stream.requestPaused, false);
  assert.equal(stream.localResponse, null);
  assert.equal(stream.requestHeader("x-subject"), "user-42");
});

test("denied: 403 with the service's reason", () => {
  const plugin = load();
  const { stream } = start(plugin);
  plugin.respondToGrpcCall(plugin.grpcCalls[0].token, {
    message: checkResponse({ allowed: false, reason: "orders are read-only" }),
  });
  assert.equal(stream.localResponse?.status, 403);
  assert.equal(stream.localResponse?.bodyText, "orders are read-only");
  assert.equal(stream.localResponse?.details, "grpc_authz_denied");
});

test("fail-closed on gRPC errors: UNAVAILABLE, DEADLINE_EXCEEDED", () => {
  for (const [status, statusMessage] of [
    [14, "no healthy upstream"],
    [4, "deadline exceeded"],
  ]) {
    const plugin = load();
    const { stream } = start(plugin);
    plugin.respondToGrpcCall(plugin.grpcCalls[0].token, { status, statusMessage });
    assert.equal(stream.localResponse?.status, 503);
    assert.equal(stream.localResponse?.details, "grpc_authz_error");
    assert.deepEqual(plugin.logMessages("warn"), [
      `grpc-authz: authorization unavailable (gRPC status ${status} ${statusMessage}); rejecting`,
    ]);
  }
});

test("fail-closed on an answer that is not a CheckResponse", () => {
  const plugin = load();
  const { stream } = start(plugin);
  plugin.respondToGrpcCall(plugin.grpcCalls[0].token, { message: new Uint8Array([0x12, 0x50]) });
  assert.equal(stream.localResponse?.status, 503);
  assert.match(plugin.logMessages("warn")[0], /unreadable CheckResponse \(2 bytes\)/);
  assert.equal(plugin.failed, false);
});

test("fail-closed at once when the cluster is unknown (ParseFailure)", () => {
  const plugin = load({ clusters: ["elsewhere"] });
  const { stream } = start(plugin);
  assert.equal(plugin.grpcCalls.length, 0);
  assert.equal(stream.localResponse?.status, 503);
  assert.match(plugin.logMessages("warn")[0], /call not started: 4/);
});

test("an answer for a client that already left is dropped (pitfall C6)", () => {
  const plugin = load();
  const { stream } = start(plugin);
  stream.complete();
  plugin.respondToGrpcCall(plugin.grpcCalls[0].token, {
    message: checkResponse({ allowed: true, subject: "late" }),
  });
  assert.equal(plugin.failed, false);
  assert.deepEqual(plugin.logMessages("warn"), []);
});

test("bad configurations are rejected with the field named", () => {
  for (const [config, message] of [
    [{}, "grpc-authz: bad configuration: cluster must be a non-empty string"],
    [
      { cluster: "authz-grpc", timeoutMs: 1.5 },
      "grpc-authz: bad configuration: timeoutMs must be an integer from 1 to 60000",
    ],
  ]) {
    assert.throws(
      () => load({ configuration: JSON.stringify(config) }),
      (error) => error instanceof PluginLoadError && error.logs.some((l) => l.message === message),
    );
  }
});
