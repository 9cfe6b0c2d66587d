// One test per row of reference §3.6 (HTTP callouts) and §3.7 (gRPC), with the flows of §6.7 and
// §6.8, driven by the WAT driver plugin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Host, encodePairs, WasmResult as R } from "../../../sdk-host-mock/dist/index.js";
import { Driver, compileWat } from "../wat.mjs";

const GET = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "example.com"],
];
const NONE = new Uint8Array(0);

test("§3.6 proxy_http_call: check order, declared clusters, pseudo-headers (host counts as :authority), ids 4/8/12 only for accepted calls, recorded call, answered on the caller's root, timeout → synthesized 504", () => {
  const got = [];
  const responses = [];
  const d = new Driver({
    plugin: { clusters: ["authz"] },
    handlers: {
      proxy_on_request_headers() {
        const h = encodePairs(GET);
        got.push(this.httpCall("authz", h, "", NONE, -1));
        got.push(this.httpCall("unknown", h, "", NONE, 100));
        got.push(this.httpCall("authz", encodePairs(GET.slice(0, 2)), "", NONE, 100));
        got.push(
          this.httpCall(
            "authz",
            encodePairs([...GET.slice(0, 2), ["host", "h"]]),
            "payload",
            encodePairs([["t", "1"]]),
            250,
          ),
        );
        got.push(this.httpCall("authz", h, "", NONE, 0));
        return 1;
      },
      proxy_on_http_call_response(root, token, nh, size, nt) {
        const status = this.getHeader(6, ":status").value;
        responses.push([root, token, nh, size, nt, status, this.getBuffer(4, 0, size).text]);
        responses.push(["outside-map-after", this.getHeader(6, ":status").result]);
      },
      proxy_on_tick() {
        responses.push(["tick", this.getHeader(6, ":status").result]);
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  assert.deepEqual(got, [
    { result: R.BadArgument, token: 0 },
    { result: R.BadArgument, token: 0 },
    { result: R.BadArgument, token: 0 },
    { result: R.Ok, token: 4 },
    { result: R.Ok, token: 8 },
  ]);
  const [call, noTimeout] = d.plugin.httpCalls;
  assert.equal(call.cluster, "authz");
  assert.deepEqual(call.headers, [
    [":method", "GET"],
    [":path", "/"],
    [":authority", "h"],
    ["content-length", "7"],
  ]);
  assert.equal(call.bodyText, "payload");
  assert.deepEqual(call.trailers, [["t", "1"]]);
  assert.equal(call.timeoutMs, 250);
  assert.equal(call.contextId, s.contextId);
  assert.equal(call.rootContextId, 1);
  assert.equal(noTimeout.timeoutMs, 0);
  d.host.advanceTime(249);
  assert.deepEqual(responses, []);
  d.host.advanceTime(1);
  d.plugin.tick();
  assert.deepEqual(responses, [
    [1, 4, 3, 24, 0, "504", "upstream request timeout"],
    ["outside-map-after", R.Ok],
    ["tick", R.BadArgument], // the response map exists only inside the callback
  ]);
  assert.equal(call.answered, true);
  d.host.advanceTime(60_000);
  assert.equal(noTimeout.answered, false); // timeout 0 = no timeout
});

/** Opens a gRPC call (kind "call") or stream through the driver; returns {result, token}. */
function openGrpc(d, kind, service, md = NONE) {
  const out = d.alloc(4);
  d.mem.setUint32(out, 0xdeadbeef, true);
  const args = [...d.put(service), ...d.put("pkg.Svc"), ...d.put("Method"), ...d.put(md)];
  const result =
    kind === "call"
      ? d.x.h_proxy_grpc_call(...args, ...d.put("request"), 1000, out)
      : d.x.h_proxy_grpc_stream(...args, out);
  return { result, token: d.u32(out) };
}

test("§3.7 proxy_grpc_call: unknown cluster → ParseFailure (no token), tokens 5/9, metadata and message recorded; success → on_grpc_receive only, failure → on_grpc_close with get_status", () => {
  const events = [];
  const d = new Driver({
    plugin: { clusters: ["grpc"] },
    handlers: {
      proxy_on_grpc_receive(root, token, size) {
        events.push(["receive", root, token, this.getBuffer(5, 0, size).text]);
      },
      proxy_on_grpc_close(root, token, status) {
        const code = this.alloc(4);
        const msg = this.outPair();
        this.x.h_proxy_get_status(code, msg, msg + 4);
        events.push(["close", root, token, status, this.u32(code), this.text(msg)]);
      },
    },
  });
  assert.deepEqual(openGrpc(d, "call", "nope"), { result: R.ParseFailure, token: 0xdeadbeef });
  const a = openGrpc(d, "call", "grpc", encodePairs([["x-md", "1"]]));
  const b = openGrpc(d, "call", "grpc");
  assert.deepEqual(
    [a, b].map((c) => [c.result, c.token]),
    [
      [R.Ok, 5],
      [R.Ok, 9],
    ],
  );
  const rec = d.plugin.grpcCalls[0];
  assert.deepEqual(
    [rec.kind, rec.cluster, rec.serviceName, rec.method, rec.timeoutMs],
    ["call", "grpc", "pkg.Svc", "Method", 1000],
  );
  assert.deepEqual(rec.initialMetadata, [["x-md", "1"]]);
  assert.equal(new TextDecoder().decode(rec.messages[0]), "request");
  d.plugin.respondToGrpcCall(5, { message: "ok" });
  d.plugin.respondToGrpcCall(9, { status: 14, statusMessage: "unavailable" });
  assert.deepEqual(events, [
    ["receive", 1, 5, "ok"],
    ["close", 1, 9, 14, 14, "unavailable"],
  ]);
});

test("§3.7 proxy_grpc_stream: tokens 6/10, then initial metadata → messages → trailing metadata → close delivered to the root", () => {
  const events = [];
  const d = new Driver({
    handlers: {
      proxy_on_grpc_receive(root, token, size) {
        events.push(["receive", token, this.getBuffer(5, 0, size).text]);
      },
      proxy_on_grpc_close(root, token, status) {
        events.push(["close", token, status]);
      },
    },
  });
  const a = openGrpc(d, "stream", "any");
  const b = openGrpc(d, "stream", "any");
  assert.deepEqual([a.token, b.token], [6, 10]);
  assert.equal(d.plugin.grpcCalls[0].timeoutMs, null);
  d.plugin.sendGrpcStreamEvent(6, { initialMetadata: [["k", "v"]] });
  d.plugin.sendGrpcStreamEvent(6, { message: "m1" });
  d.plugin.sendGrpcStreamEvent(6, { message: "m2" });
  d.plugin.sendGrpcStreamEvent(6, { trailingMetadata: [["t", "1"]] });
  d.plugin.sendGrpcStreamEvent(6, { close: { status: 0 } });
  // the driver does not export the metadata callbacks: those events are skipped (§2.1 defaults)
  assert.deepEqual(events, [
    ["receive", 6, "m1"],
    ["receive", 6, "m2"],
    ["close", 6, 0],
  ]);
});

test("§3.7 proxy_grpc_send: on a stream Ok and recorded (end_stream half-closes); a call token → BadArgument; unknown stream → NotFound", () => {
  const d = new Driver({});
  const call = openGrpc(d, "call", "c");
  const stream = openGrpc(d, "stream", "c");
  const send = (token, msg, end) => d.x.h_proxy_grpc_send(token, ...d.put(msg), end);
  assert.equal(send(stream.token, "a", 0), R.Ok);
  assert.equal(send(stream.token, "b", 1), R.Ok);
  assert.equal(send(call.token, "x", 0), R.BadArgument);
  assert.equal(send(102, "x", 0), R.NotFound);
  const rec = d.plugin.grpcCalls.find((c) => c.token === stream.token);
  assert.deepEqual(
    rec.messages.map((m) => new TextDecoder().decode(m)),
    ["a", "b"],
  );
  assert.equal(rec.localClosed, true);
});

test("§3.7 proxy_grpc_close: a call is cancelled and forgotten (no callback), a stream is half-closed; unknown → NotFound; an HTTP call id → BadArgument", () => {
  const events = [];
  const d = new Driver({
    handlers: {
      proxy_on_grpc_receive: (root, token) => events.push(["receive", token]),
    },
  });
  const call = openGrpc(d, "call", "c");
  const stream = openGrpc(d, "stream", "c");
  assert.equal(d.x.h_proxy_grpc_close(call.token), R.Ok);
  assert.equal(d.x.h_proxy_grpc_close(call.token), R.NotFound);
  assert.equal(d.x.h_proxy_grpc_close(stream.token), R.Ok);
  assert.equal(d.x.h_proxy_grpc_close(13), R.NotFound);
  assert.equal(d.x.h_proxy_grpc_close(8), R.BadArgument);
  const [c, s] = d.plugin.grpcCalls;
  assert.deepEqual([c.cancelled, c.done, s.localClosed, s.done], [true, true, true, false]);
  d.plugin.respondToGrpcCall(call.token, { message: "late" });
  d.plugin.sendGrpcStreamEvent(stream.token, { message: "still open remotely" });
  assert.deepEqual(events, [["receive", stream.token]]);
});

test("§3.7 proxy_grpc_cancel: call and stream are cancelled and forgotten; later events are dropped; NotFound / BadArgument as for close", () => {
  const events = [];
  const d = new Driver({
    handlers: {
      proxy_on_grpc_receive: (root, token) => events.push(token),
    },
  });
  const call = openGrpc(d, "call", "c");
  const stream = openGrpc(d, "stream", "c");
  assert.equal(d.x.h_proxy_grpc_cancel(call.token), R.Ok);
  assert.equal(d.x.h_proxy_grpc_cancel(stream.token), R.Ok);
  assert.equal(d.x.h_proxy_grpc_cancel(stream.token), R.NotFound);
  assert.equal(d.x.h_proxy_grpc_cancel(4), R.BadArgument);
  d.plugin.respondToGrpcCall(call.token, { message: "x" });
  d.plugin.sendGrpcStreamEvent(stream.token, { message: "y" });
  assert.deepEqual(events, []);
  assert.ok(d.plugin.grpcCalls.every((c) => c.cancelled && c.done));
});

test("§3.7 proxy_grpc_stream metadata (§6.8): initial (map 4) and trailing (map 5) metadata are readable only inside their callbacks", () => {
  const seen = [];
  const wasm = compileWat(`(module
    (import "t" "seen" (func $seen (param i32 i32 i32 i32)))
    (import "env" "proxy_get_header_map_value" (func $get (param i32 i32 i32 i32 i32) (result i32)))
    (import "env" "proxy_grpc_stream" (func $stream (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "k")
    (data (i32.const 8) "cSM")
    (global $heap (mut i32) (i32.const 4096))
    (func (export "malloc") (param $n i32) (result i32)
      (global.get $heap)
      (global.set $heap (i32.add (global.get $heap) (local.get $n))))
    (func $probe (param $tag i32) (param $map i32)
      (local $r i32)
      (i32.store (i32.const 104) (i32.const 0))
      (local.set $r (call $get (local.get $map) (i32.const 0) (i32.const 1) (i32.const 100) (i32.const 104)))
      (call $seen (local.get $tag) (local.get $r) (i32.load (i32.const 100)) (i32.load (i32.const 104))))
    (func (export "proxy_abi_version_0_2_1"))
    (func (export "proxy_on_configure") (param i32 i32) (result i32)
      (drop (call $stream (i32.const 8) (i32.const 1) (i32.const 9) (i32.const 1) (i32.const 10) (i32.const 1)
        (i32.const 0) (i32.const 0) (i32.const 200)))
      (i32.const 1))
    (func (export "proxy_on_grpc_receive_initial_metadata") (param i32 i32 i32)
      (call $probe (i32.const 1) (i32.const 4)))
    (func (export "proxy_on_grpc_receive_trailing_metadata") (param i32 i32 i32)
      (call $probe (i32.const 2) (i32.const 5))
      (call $probe (i32.const 3) (i32.const 4)))
    (func (export "proxy_on_tick") (param i32)
      (call $probe (i32.const 4) (i32.const 4))))`);
  const p = new Host().loadPlugin({
    wasm,
    imports: { t: { seen: (tag, r, ptr, len) => seen.push([tag, r, len]) } },
    trace: true,
  });
  const token = p.grpcCalls[0].token;
  p.sendGrpcStreamEvent(token, { initialMetadata: [["k", "init"]] });
  p.sendGrpcStreamEvent(token, { trailingMetadata: [["k", "trailer!"]] });
  p.tick();
  assert.deepEqual(seen, [
    [1, R.Ok, 4], // "init" in map 4 during initial metadata
    [2, R.Ok, 8], // "trailer!" in map 5 during trailing metadata
    [3, R.BadArgument, 0], // map 4 is gone by then
    [4, R.BadArgument, 0], // and outside any gRPC callback
  ]);
  const calls = p.trace.filter((t) => t.kind === "call" && t.fn.startsWith("proxy_on_grpc"));
  assert.deepEqual(
    calls.map((t) => [t.fn, ...t.args]),
    [
      ["proxy_on_grpc_receive_initial_metadata", 1, token, 1],
      ["proxy_on_grpc_receive_trailing_metadata", 1, token, 1],
    ],
  );
});

test("§3.6 proxy_http_call: a response that arrives while the VM is running (answered from a test foreign function) is delivered after that call returns (§6.7)", () => {
  const order = [];
  const d = new Driver({
    plugin: {
      foreignFunctions: {
        answer_now: () => {
          d.plugin.respondToHttpCall(4, { body: "early" });
          d.plugin.failHttpCall(8);
          return new Uint8Array(0);
        },
      },
    },
    handlers: {
      proxy_on_request_headers() {
        const h = encodePairs(GET);
        this.httpCall("c", h, "", NONE, 0);
        this.httpCall("c", h, "", NONE, 0);
        order.push(["foreign", this.callForeign("answer_now", "").result]);
        order.push(["headers returns"]);
      },
      proxy_on_http_call_response(root, token, nh, size) {
        order.push(["response", token, size]);
      },
    },
  });
  d.plugin.newHttpStream().sendRequestHeaders(GET, { endOfStream: true });
  assert.deepEqual(order, [
    ["foreign", R.Ok],
    ["headers returns"],
    ["response", 4, 5],
    ["response", 8, 0],
  ]);
  assert.throws(() => d.plugin.respondToHttpCall(4), /already answered/);
});
