// One test per row of reference §3.3: the three buffer hostcalls and each row of the buffer
// availability table (buffer 0 … buffer 8), driven by the WAT driver plugin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodePairs, WasmResult as R } from "../../../sdk-host-mock/dist/index.js";
import { Driver } from "../wat.mjs";

const GET = [
  [":method", "POST"],
  [":path", "/"],
  [":authority", "example.com"],
];

test("§3.3 proxy_get_buffer_bytes: type > 8 → BadArgument, ranges clamped, zero-length results (0,0) without allocating", () => {
  const got = [];
  const d = new Driver({
    handlers: {
      proxy_on_request_body() {
        got.push(this.getBuffer(9, 0, 10).result);
        got.push(this.getBuffer(0, 0, 0xffffffff).text);
        got.push(this.getBuffer(0, 2, 3).text);
        got.push(this.getBuffer(0, 4, 100).text);
        const past = this.getBuffer(0, 10, 5);
        got.push([past.result, past.ptr, past.len]);
        const zero = this.getBuffer(0, 0, 0);
        got.push([zero.result, zero.ptr, zero.len]);
      },
    },
  });
  let mallocs = 0;
  d.mallocHook = () => (mallocs++, -1);
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET);
  mallocs = 0;
  s.sendRequestBody("hello", { endOfStream: true });
  assert.deepEqual(got, [R.BadArgument, "hello", "llo", "o", [R.Ok, 0, 0], [R.Ok, 0, 0]]);
  assert.equal(mallocs, 3); // only the three non-empty reads allocated
});

test("§3.3 proxy_get_buffer_status: size and flags (always 0, even at end of stream); type > 8 → BadArgument; unavailable → NotFound", () => {
  const got = [];
  const d = new Driver({
    handlers: {
      proxy_on_request_body() {
        got.push(this.bufferStatus(0));
        got.push(this.bufferStatus(9).result);
        got.push(this.bufferStatus(4).result);
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET);
  s.sendRequestBody("abcd", { endOfStream: true });
  assert.deepEqual(got, [{ result: R.Ok, size: 4, flags: 0 }, R.BadArgument, R.NotFound]);
});

test("§3.3 proxy_set_buffer_bytes: start 0 drains len then prepends, start ≥ size appends, 0 < start < size → BadArgument, string-backed buffers → BadArgument", () => {
  const got = [];
  const d = new Driver({
    plugin: { configuration: "cfg" },
    handlers: {
      proxy_on_request_body() {
        got.push(this.setBuffer(0, 0, 0, "<"));
        got.push(this.setBuffer(0, 100, 0, ">"));
        got.push(this.setBuffer(0, 3, 2, "?"));
        got.push(this.setBuffer(0, 0, 2, "Z"));
        got.push(this.getBuffer(0, 0, 100).text);
        got.push(this.setBuffer(6, 0, 0, "x"));
        got.push(this.setBuffer(9, 0, 0, "x"));
        got.push(this.x.h_proxy_set_buffer_bytes(0, 0, 0, 0xfffffff0, 100));
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET);
  s.sendRequestBody("body", { endOfStream: true });
  assert.deepEqual(got, [
    R.Ok,
    R.Ok,
    R.BadArgument,
    R.Ok,
    "Zody>",
    R.BadArgument,
    R.BadArgument,
    R.InvalidMemoryAccess,
  ]);
  assert.equal(s.requestBodyText, "Zody>");
});

test("§3.3 buffer 0 HttpRequestBody: current chunk, whole body after StopIterationAndBuffer (also from a tick via set_effective_context), empty (never NotFound) outside body callbacks", () => {
  const got = [];
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        got.push(["headers", this.getBuffer(0, 0, 100).result, this.bufferStatus(0).size]);
      },
      proxy_on_request_body(ctx, size, eos) {
        got.push(["body", size, this.getBuffer(0, 0, 100).text]);
        return eos ? 0 : 1;
      },
      proxy_on_tick() {
        this.setEffective(2);
        got.push(["tick", this.getBuffer(0, 0, 100).text]);
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET);
  s.sendRequestBody("ab");
  d.plugin.tick();
  s.sendRequestBody("cd", { endOfStream: true });
  assert.deepEqual(got, [
    ["headers", R.Ok, 0],
    ["body", 2, "ab"],
    ["tick", "ab"],
    ["body", 4, "abcd"],
  ]);
});

test("§3.3 buffer 1 HttpResponseBody: readable and writable during on_response_body, the edit is forwarded", () => {
  const d = new Driver({
    handlers: {
      proxy_on_response_body(ctx, size) {
        assert.equal(this.getBuffer(1, 0, size).text, "upstream");
        assert.equal(this.setBuffer(1, 0, 0xffffffff, "rewritten"), R.Ok);
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  s.sendResponseHeaders([[":status", "200"]]);
  s.sendResponseBody("upstream", { endOfStream: true });
  assert.equal(s.responseBodyText, "rewritten");
});

test("§3.3 buffer 2 DownstreamData: readable/writable during on_downstream_data; empty after Continue", () => {
  const got = [];
  const d = new Driver({
    handlers: {
      proxy_on_downstream_data(ctx, size) {
        got.push(this.getBuffer(2, 0, size).text);
        got.push(this.setBuffer(2, size, 0, "!"));
      },
      proxy_on_tick() {
        this.setEffective(2);
        got.push(this.bufferStatus(2).size);
      },
    },
  });
  const t = d.plugin.newTcpStream();
  t.sendNewConnection();
  t.sendDownstreamData("ping", { endOfStream: false });
  d.plugin.tick();
  assert.deepEqual(got, ["ping", R.Ok, 0]);
  assert.equal(t.downstreamText, "ping!");
});

test("§3.3 buffer 3 UpstreamData: readable/writable during on_upstream_data", () => {
  const d = new Driver({
    handlers: {
      proxy_on_upstream_data(ctx, size) {
        assert.equal(this.getBuffer(3, 0, size).text, "pong");
        assert.equal(this.setBuffer(3, 0, 0, ">"), R.Ok);
      },
    },
  });
  const t = d.plugin.newTcpStream();
  t.sendNewConnection();
  t.sendUpstreamData("pong", { endOfStream: false });
  assert.equal(t.upstreamText, ">pong");
});

test("§3.3 buffer 4 HttpCallResponseBody: readable only inside on_http_call_response of a call that got a response; NotFound in the failure callback and outside; not writable", () => {
  const got = [];
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        const h = encodePairs(GET);
        this.httpCall("c", h, "", new Uint8Array(0), 0);
        this.httpCall("c", h, "", new Uint8Array(0), 0);
        this.httpCall("c", h, "", new Uint8Array(0), 0);
        got.push(["outside", this.getBuffer(4, 0, 10).result]);
      },
      proxy_on_http_call_response(root, token, nh, size) {
        const r = this.getBuffer(4, 0, 100);
        got.push([token, size, r.result, r.text, this.setBuffer(4, 0, 0, "x")]);
      },
    },
  });
  d.plugin.newHttpStream().sendRequestHeaders(GET, { endOfStream: true });
  d.plugin.respondToHttpCall(4, { body: "answer" });
  d.plugin.respondToHttpCall(8, { body: "" });
  d.plugin.failHttpCall(12);
  assert.deepEqual(got, [
    ["outside", R.NotFound],
    [4, 6, R.Ok, "answer", R.BadArgument],
    [8, 0, R.Ok, "", R.BadArgument],
    [12, 0, R.NotFound, null, R.NotFound],
  ]);
});

test("§3.3 buffer 5 GrpcReceiveBuffer: the message inside on_grpc_receive; elsewhere an empty buffer (Ok, size 0), never NotFound", () => {
  const got = [];
  const d = new Driver({
    handlers: {
      proxy_on_tick() {
        got.push(["tick", this.bufferStatus(5)]);
      },
      proxy_on_grpc_receive(root, token, size) {
        got.push(["receive", token, size, this.getBuffer(5, 0, size).text]);
      },
    },
  });
  const out = d.alloc(4);
  const [s, sl] = d.put("grpc-cluster");
  const [n, nl] = d.put("svc");
  const [m, ml] = d.put("M");
  const [msg, msgl] = d.put("req");
  assert.equal(d.x.h_proxy_grpc_call(s, sl, n, nl, m, ml, 0, 0, msg, msgl, 1000, out), R.Ok);
  const token = d.u32(out);
  d.plugin.tick();
  d.plugin.respondToGrpcCall(token, { message: "reply" });
  assert.deepEqual(got, [
    ["tick", { result: R.Ok, size: 0, flags: 0 }],
    ["receive", token, 5, "reply"],
  ]);
});

test("§3.3 buffer 6 VmConfiguration: readable in any callback, not writable", () => {
  const got = [];
  const d = new Driver({
    plugin: { vmConfiguration: "vm-cfg" },
    handlers: {
      proxy_on_vm_start() {
        got.push(this.getBuffer(6, 0, 100).text);
      },
      proxy_on_request_headers() {
        got.push(this.getBuffer(6, 3, 100).text);
        got.push(this.setBuffer(6, 0, 0, "x"));
      },
    },
  });
  d.plugin.newHttpStream().sendRequestHeaders(GET, { endOfStream: true });
  assert.deepEqual(got, ["vm-cfg", "cfg", R.BadArgument]);
});

test("§3.3 buffer 7 PluginConfiguration: in the root's context_create and on_configure only (Ok (0,0) when empty); NotFound in on_vm_start and streams", () => {
  const run = (configuration) => {
    const got = [];
    const d = new Driver({
      plugin: { configuration },
      handlers: {
        proxy_on_context_create(ctx, parent) {
          if (parent === 0) got.push(["create", this.getBuffer(7, 0, 100).result]);
        },
        proxy_on_vm_start() {
          got.push(["vm_start", this.getBuffer(7, 0, 100).result]);
        },
        proxy_on_configure(root, size) {
          const r = this.getBuffer(7, 0, 100);
          got.push(["configure", size, r.result, r.ptr === 0 ? "(0,0)" : r.text]);
        },
        proxy_on_request_headers() {
          got.push(["stream", this.getBuffer(7, 0, 100).result]);
        },
      },
    });
    d.plugin.newHttpStream().sendRequestHeaders(GET, { endOfStream: true });
    return got;
  };
  assert.deepEqual(run("{}"), [
    ["create", R.Ok],
    ["vm_start", R.NotFound],
    ["configure", 2, R.Ok, "{}"],
    ["stream", R.NotFound],
  ]);
  assert.deepEqual(run("")[2], ["configure", 0, R.Ok, "(0,0)"]);
});

test("§3.3 buffer 8 CallData (foreign function arguments): never NotFound; empty until staged; the root keeps the last staged data after the callback; not writable", () => {
  const got = [];
  const d = new Driver({
    handlers: {
      proxy_on_configure() {
        got.push(["before", this.bufferStatus(8)]);
      },
      proxy_on_foreign_function(root, id, size) {
        got.push([root, id, size, this.getBuffer(8, 0, size).text, this.setBuffer(8, 0, 0, "x")]);
      },
      proxy_on_request_headers() {
        got.push(["stream", this.bufferStatus(8)]);
      },
      proxy_on_tick() {
        got.push(["tick", this.getBuffer(8, 0, 10).text]);
      },
    },
  });
  d.plugin.callForeignFunction(7, "args!");
  d.plugin.tick();
  d.plugin.newHttpStream().sendRequestHeaders(GET, { endOfStream: true });
  assert.deepEqual(got, [
    ["before", { result: R.Ok, size: 0, flags: 0 }],
    [1, 7, 5, "args!", R.BadArgument],
    ["tick", "args!"], // Envoy's per-context buffer_ still holds it
    ["stream", { result: R.Ok, size: 0, flags: 0 }],
  ]);
});
