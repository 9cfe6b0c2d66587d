// gRPC callouts through the SDK's API (assembly/api/grpc.ts, reference §3.7, §6.8), with
// tests/plugins/sdk-grpc.ts: unary success and failure, cancel, bidirectional streams (metadata,
// messages, half-close, close with status) delivered to the handler of the originating stream
// as the effective context, streams owned by the root, unknown clusters, and events for a
// stream that is gone (pitfall C6).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { Host } from "proxy-wasm-as/host-mock";
import { get, plugin } from "./plugins.mjs";

const wasm = plugin("sdk-grpc");
const load = (options = {}) =>
  new Host().loadPlugin({ wasm, clusters: ["grpc"], trace: true, ...options });
const op = (name, msg = "hi") =>
  get("/", [
    ["x-op", name],
    ["x-msg", msg],
  ]);
const text = (bytes) => new TextDecoder().decode(bytes);

test("a unary call sends service, method, metadata, message and timeout (§3.7)", () => {
  const p = load();
  const s = p.newHttpStream();
  assert.equal(
    s.sendRequestHeaders(op("unary", "ping"), { endOfStream: true }),
    "StopAllIterationAndWatermark",
  );
  const [rec] = p.grpcCalls;
  assert.deepEqual(
    {
      kind: rec.kind,
      cluster: rec.cluster,
      service: rec.serviceName,
      method: rec.method,
      md: rec.initialMetadata,
      messages: rec.messages.map(text),
      timeout: rec.timeoutMs,
    },
    {
      kind: "call",
      cluster: "grpc",
      service: "test.Echo",
      method: "Say",
      md: [["x-caller", String(s.id)]],
      messages: ["ping"],
      timeout: 2000,
    },
  );
  assert.ok(p.logMessages("info").includes(`call: 0 token ${rec.token}`));
});

test("the unary response reaches the origin stream's handler as the effective context", () => {
  const p = load();
  const s = p.newHttpStream();
  s.sendRequestHeaders(op("unary"), { endOfStream: true });
  p.clearLogs();
  const { token } = p.grpcCalls[0];
  p.respondToGrpcCall(token, { message: "pong" });
  assert.deepEqual(p.logMessages("info"), [
    `unary ${s.id} token ${token}: pong (4 bytes, pending 0)`,
  ]);
  assert.equal(s.requestHeader("x-reply"), "pong");
  assert.equal(s.requestPaused, false);
  const first = p.trace.find((e) => e.kind === "hostcall");
  assert.equal(first.fn, "proxy_set_effective_context");
  assert.deepEqual(first.args, [s.id]);
});

test("a failed unary call gives the gRPC status and message to onFailure", () => {
  const p = load();
  const s = p.newHttpStream();
  s.sendRequestHeaders(op("unary"), { endOfStream: true });
  p.respondToGrpcCall(p.grpcCalls[0].token, { status: 14, statusMessage: "no healthy upstream" });
  assert.ok(p.logMessages("info").includes(`unary ${s.id} failed: 14 no healthy upstream`));
  assert.equal(s.localResponse?.status, 503);
  assert.equal(s.localResponse?.bodyText, "grpc 14");
});

test("an unknown cluster: ParseFailure, token 0, no handler (§3.7)", () => {
  const p = load();
  const unary = p.newHttpStream();
  unary.sendRequestHeaders(op("unary-unknown"), { endOfStream: true });
  const stream = p.newHttpStream();
  stream.sendRequestHeaders(op("stream-unknown"), { endOfStream: true });
  assert.equal(p.grpcCalls.length, 0);
  const logs = p.logMessages("info");
  assert.ok(logs.includes("call: 4 token 0"));
  assert.ok(logs.includes("stream: 4 token 0"));
  assert.ok(logs.includes("send on unopened: 1"), "NotFound without a hostcall");
  assert.equal(p.hostcallCounts.proxy_grpc_send ?? 0, 0);
  assert.equal(unary.localResponse?.details, "grpc_not_started");
});

test("cancel: Ok once, then NotFound from the host; the call is marked cancelled", () => {
  const p = load();
  const s = p.newHttpStream();
  assert.equal(s.sendRequestHeaders(op("cancel"), { endOfStream: true }), "Continue");
  assert.ok(p.logMessages("info").includes("cancel: 0 again: 1"));
  assert.equal(p.grpcCalls[0].cancelled, true);
});

test("a stream: metadata, messages answered on the stream, half-close, close with status", () => {
  const p = load();
  const s = p.newHttpStream();
  s.sendRequestHeaders(op("stream"), { endOfStream: true });
  const rec = p.grpcCalls[0];
  assert.equal(rec.kind, "stream");
  assert.equal(rec.method, "Chat");
  assert.deepEqual(rec.messages.map(text), ["hello"]);
  p.clearLogs();
  p.sendGrpcStreamEvent(rec.token, { initialMetadata: [["x-server", "echo-1"]] });
  p.sendGrpcStreamEvent(rec.token, { message: "one" });
  p.sendGrpcStreamEvent(rec.token, { message: "bye" });
  p.sendGrpcStreamEvent(rec.token, {
    trailingMetadata: [
      ["grpc-status", "0"],
      ["x-t", "1"],
    ],
  });
  assert.equal(s.requestPaused, true);
  p.sendGrpcStreamEvent(rec.token, { close: { status: 0, message: "done" } });
  assert.deepEqual(p.logMessages("info"), [
    `initial metadata for ${s.id}: echo-1`,
    `message for ${s.id}: one`,
    "ack: 0",
    `message for ${s.id}: bye`,
    "half-close: 0",
    `trailing metadata for ${s.id}: 2`,
    `closed ${s.id}: 0 done`,
  ]);
  assert.deepEqual(rec.messages.map(text), ["hello", "ack:one"]);
  assert.equal(rec.localClosed, true);
  assert.equal(s.requestPaused, false, "onClose resumed the origin stream");
});

test("a stream opened by the root delivers to the root, without an effective-context switch", () => {
  const p = load({ configuration: "root-stream" });
  assert.ok(p.logMessages("info").includes("root stream: 0"));
  const rec = p.grpcCalls[0];
  p.clearLogs();
  p.sendGrpcStreamEvent(rec.token, { message: "u1" });
  p.sendGrpcStreamEvent(rec.token, { message: "u2" });
  p.sendGrpcStreamEvent(rec.token, { close: { status: 13 } });
  assert.deepEqual(p.logMessages("info"), [
    "root message 1: u1",
    "root message 2: u2",
    "root stream closed: 13",
  ]);
  assert.equal(p.hostcallCounts.proxy_set_effective_context ?? 0, 0);
});

test("a stream whose origin is deleted is cancelled then; later events call nothing (pitfall C6)", () => {
  const p = load();
  const s = p.newHttpStream();
  s.sendRequestHeaders(op("stream"), { endOfStream: true });
  const rec = p.grpcCalls[0];
  p.clearLogs();
  s.complete();
  assert.equal(rec.cancelled, true);
  const onDelete = p.trace.findIndex((e) => e.kind === "call" && e.fn === "proxy_on_delete");
  assert.deepEqual(
    p.trace
      .slice(onDelete + 1)
      .filter((e) => e.kind === "hostcall")
      .map((e) => [e.fn, ...e.args]),
    [["proxy_grpc_cancel", rec.token]],
    "cancelled from proxy_on_delete of the stream",
  );
  p.sendGrpcStreamEvent(rec.token, { message: "late" });
  assert.equal(p.failed, false);
  assert.deepEqual(p.logs, []);
});

test("a unary call whose origin is deleted is cancelled; other streams' calls are untouched", () => {
  const p = load();
  const gone = p.newHttpStream();
  gone.sendRequestHeaders(op("unary"), { endOfStream: true });
  const kept = p.newHttpStream();
  kept.sendRequestHeaders(op("unary", "still here"), { endOfStream: true });
  gone.complete();
  assert.deepEqual(
    p.grpcCalls.map((c) => c.cancelled),
    [true, false],
  );
  p.clearLogs();
  p.respondToGrpcCall(p.grpcCalls[1].token, { message: "pong" });
  assert.deepEqual(p.logMessages("info"), [
    `unary ${kept.id} token ${p.grpcCalls[1].token}: pong (4 bytes, pending 0)`,
  ]);
});

test("a stream that ends with no callout pending makes no extra hostcall", () => {
  const p = load();
  const s = p.newHttpStream();
  s.sendRequestHeaders(get("/"), { endOfStream: true });
  s.complete();
  assert.equal(p.hostcallCounts.proxy_grpc_cancel ?? 0, 0);
});

test("cost: a unary-only plugin (examples/grpc-authz) exports receive and close, no metadata callbacks", () => {
  const example = new URL("../../examples/grpc-authz/build/grpc-authz.wasm", import.meta.url);
  const names = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(example))).map(
    (e) => e.name,
  );
  assert.deepEqual(names.filter((n) => n.startsWith("proxy_on_grpc")).sort(), [
    "proxy_on_grpc_close",
    "proxy_on_grpc_receive",
  ]);
  assert.ok(!names.includes("proxy_on_http_call_response"));
});
