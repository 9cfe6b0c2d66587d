import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Host,
  PluginTrapError,
  encodePairs,
  WasmResult as R,
} from "../../sdk-host-mock/dist/index.js";
import { Driver, compileWat, watFixture } from "./wat.mjs";

const HDRS = [
  [":method", "POST"],
  [":path", "/"],
  [":authority", "example.com"],
];
const names = (d) => d.calls.map(([n, ...a]) => `${n.replace("proxy_on_", "")}(${a.join(",")})`);

test("§6.1/§6.2 HTTP order: lazy context_create, log → done → delete", () => {
  const d = new Driver();
  const s = d.plugin.newHttpStream();
  assert.equal(s.contextId, 2);
  d.calls.length = 0;
  s.sendRequestHeaders(HDRS, { endOfStream: false });
  s.sendRequestBody("a", { endOfStream: false });
  s.sendRequestBody("b", { endOfStream: false });
  s.sendRequestTrailers([["t", "1"]]);
  s.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
  s.complete();
  assert.deepEqual(names(d), [
    "context_create(2,1)",
    "request_headers(2,3,0)",
    "request_body(2,1,0)",
    "request_body(2,1,0)",
    "request_trailers(2,1)",
    "response_headers(2,1,1)",
    "log(2)",
    "done(2)",
    "delete(2)",
  ]);
  assert.equal(s.requestBodyText, "ab");
  // a stream that never saw headers: context is created from the access-log path
  const s2 = d.plugin.newHttpStream();
  d.calls.length = 0;
  s2.complete();
  assert.deepEqual(names(d), ["context_create(3,1)", "log(3)", "done(3)", "delete(3)"]);
});

test("§6.3 paused headers: body is held, then delivered in ONE call after continue_stream from an http_call response", () => {
  const seen = [];
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        this.httpCall(
          "authz",
          encodePairs([
            [":method", "GET"],
            [":path", "/auth"],
            [":authority", "a"],
          ]),
          "",
          encodePairs([]),
          0,
        );
        return 1;
      },
      proxy_on_http_call_response(root, token) {
        seen.push(["resp", root, token, this.getHeader(6, ":status").value]);
        seen.push(["eff", this.x.h_proxy_set_effective_context(2)]);
        seen.push(["add", this.addHeader(0, "x-user", "alice")]);
        seen.push(["continue", this.x.h_proxy_continue_stream(0)]);
        seen.push(["after-continue", this.addHeader(0, "x-late", "1")]);
      },
      proxy_on_request_body(ctx, size, eos) {
        seen.push(["body", ctx, size, eos, this.getBuffer(0, 0, size).text]);
        return 0;
      },
    },
  });
  const s = d.plugin.newHttpStream();
  assert.equal(s.sendRequestHeaders(HDRS), "StopAllIterationAndWatermark");
  assert.equal(s.sendRequestBody("hello ", { endOfStream: false }), "Held");
  assert.equal(s.sendRequestBody("world", { endOfStream: true }), "Held");
  assert.equal(s.requestPaused, true);
  assert.deepEqual(seen, []);
  d.plugin.respondToHttpCall(d.plugin.httpCalls[0], { status: 200 });
  assert.deepEqual(seen, [
    ["resp", 1, 4, "200"],
    ["eff", R.Ok],
    ["add", R.Ok],
    ["continue", R.Ok],
    ["after-continue", R.BadArgument],
    ["body", 2, 11, 1, "hello world"],
  ]);
  assert.equal(s.requestPaused, false);
  assert.equal(s.requestHeader("x-user"), "alice");
  assert.equal(s.requestBodyText, "hello world");
});

test("§6.4 StopIterationAndBuffer accumulates; 2/3 show only the new chunk", () => {
  const sizes = [];
  let mode = 1;
  const d = new Driver({
    handlers: {
      proxy_on_request_body(ctx, size, eos) {
        sizes.push([size, this.getBuffer(0, 0, size).text]);
        if (eos) {
          this.setBuffer(0, 0, -1, "whole:" + this.getBuffer(0, 0, size).text);
          return 0;
        }
        return mode;
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(HDRS);
  assert.equal(s.sendRequestBody("ab"), "StopIterationAndBuffer");
  assert.equal(s.sendRequestBody("cd"), "StopIterationAndBuffer");
  assert.equal(s.requestBodyText, "");
  assert.equal(s.sendRequestBody("ef", { endOfStream: true }), "Continue");
  assert.deepEqual(sizes, [
    [2, "ab"],
    [4, "abcd"],
    [6, "abcdef"],
  ]);
  assert.equal(s.requestBodyText, "whole:abcdef");
  // watermark: next call sees only the new chunk, earlier bytes still forwarded in order
  mode = 2;
  sizes.length = 0;
  const s2 = d.plugin.newHttpStream();
  s2.sendRequestHeaders(HDRS);
  assert.equal(s2.sendRequestBody("ab"), "StopIterationAndWatermark");
  assert.equal(s2.sendRequestBody("cd", { endOfStream: true }), "Continue");
  assert.deepEqual(sizes, [
    [2, "ab"],
    [2, "cd"],
  ]);
  assert.equal(s2.requestBodyText, "abwhole:cd");
  // values above 3 clamp to StopIterationNoBuffer
  mode = 77;
  const s3 = d.plugin.newHttpStream();
  s3.sendRequestHeaders(HDRS);
  assert.equal(s3.sendRequestBody("x"), "StopIterationNoBuffer");
});

test("§2.3 return value clamping for headers and trailers", () => {
  let ret = 9;
  const d = new Driver({
    handlers: { proxy_on_request_headers: () => ret, proxy_on_request_trailers: () => ret },
  });
  assert.equal(d.plugin.newHttpStream().sendRequestHeaders(HDRS), "StopAllIterationAndWatermark");
  ret = 3;
  assert.equal(d.plugin.newHttpStream().sendRequestHeaders(HDRS), "StopAllIterationAndBuffer");
  ret = 2;
  const s = d.plugin.newHttpStream();
  assert.equal(s.sendRequestHeaders(HDRS), "ContinueAndEndStream");
  assert.equal(s.requestPaused, false);
  ret = 5;
  assert.equal(s.sendRequestTrailers([["a", "b"]]), "StopIteration");
});

test("§6.15 a trap surfaces as PluginTrapError with the abort message and wasm stack; VM fails closed", () => {
  const p = new Host().loadPlugin({ wasm: watFixture("abort_trap") });
  const s = p.newHttpStream();
  let err;
  try {
    s.sendRequestHeaders(HDRS);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof PluginTrapError);
  // proc_exit(255) returned (Envoy behaviour), so the trap is the `unreachable` after it
  assert.equal(err.exportName, "proxy_on_request_headers");
  assert.equal(err.trapMessage, "unreachable");
  assert.equal(err.pluginMessage, "boom");
  assert.deepEqual(err.pluginLocation, { file: "assembly/index.ts", line: 12, column: 3 });
  assert.deepEqual(err.wasmStack.map((f) => f.functionName).slice(0, 2), [
    "assembly/index/fail",
    "assembly/index/onRequestHeaders",
  ]);
  assert.match(err.message, /proxy_on_request_headers failed: unreachable/);
  assert.match(err.message, /boom \(at assembly\/index\.ts:12:3\)/);
  assert.match(err.message, /assembly\/index\/fail/);
  assert.ok(err.cause instanceof WebAssembly.RuntimeError);
  assert.equal(p.failed, true);
  assert.equal(p.failure, err);
  assert.deepEqual(p.logMessages("error"), ["abort: boom in assembly/index.ts(12:3)"]);
  // fail-closed: the trapping stream and later streams get the 503 wasm_fail_stream reply
  assert.equal(s.localResponse.status, 503);
  assert.equal(s.localResponse.details, "wasm_fail_stream");
  assert.equal(s.localResponse.grpcStatus, 14);
  const s2 = p.newHttpStream();
  assert.equal(s2.sendRequestHeaders(HDRS), "StopAllIterationAndWatermark");
  assert.equal(s2.localResponse.details, "wasm_fail_stream");
  assert.deepEqual(s2.responseHeaders, [[":status", "503"]]);
  s2.complete(); // nothing is called on a failed VM
  // fail-open: later streams bypass the plugin
  const open = new Host().loadPlugin({ wasm: watFixture("abort_trap"), failOpen: true });
  assert.throws(() => open.newHttpStream().sendRequestHeaders(HDRS), PluginTrapError);
  const s3 = open.newHttpStream();
  assert.equal(s3.sendRequestHeaders(HDRS), "Continue");
  assert.equal(s3.localResponse, null);
});

test("§6.9 ticks: advanceTime fires proxy_on_tick per period, re-armed after each tick; 0 cancels", () => {
  const ticks = [];
  const d = new Driver({
    handlers: {
      proxy_on_configure() {
        this.x.h_proxy_set_tick_period_milliseconds(100);
      },
      proxy_on_tick(root) {
        const out = this.alloc(8);
        this.x.h_proxy_get_current_time_nanoseconds(out);
        ticks.push(Number(this.u64(out) / 1_000_000n) - 1_700_000_000_000);
        if (ticks.length === 3) this.x.h_proxy_set_tick_period_milliseconds(0);
      },
    },
  });
  assert.equal(d.plugin.tickPeriodMs, 100);
  d.host.advanceTime(250);
  assert.deepEqual(ticks, [100, 200]);
  d.host.advanceTime(1000);
  assert.deepEqual(ticks, [100, 200, 300]);
  assert.equal(d.host.now, 1_700_000_001_250);
  d.plugin.tick();
  assert.equal(ticks.length, 4);
});

test("§6.1/§6.12 TCP: accumulation on stop, synthesized upstream close, downstream_close → done → log → delete", () => {
  let stop = true;
  const seen = [];
  const d = new Driver({
    handlers: {
      proxy_on_downstream_data(ctx, size, eos) {
        seen.push(this.getBuffer(2, 0, size).text);
        if (!stop) this.setBuffer(2, 0, 0, ">");
        return stop ? 1 : 0;
      },
    },
  });
  const t = d.plugin.newTcpStream();
  d.calls.length = 0;
  assert.equal(t.sendNewConnection(), "Continue");
  assert.equal(t.sendDownstreamData("ab"), "StopIteration");
  stop = false;
  assert.equal(t.sendDownstreamData("cd"), "Continue");
  assert.deepEqual(seen, ["ab", "abcd"]);
  assert.equal(t.downstreamText, ">abcd");
  t.sendUpstreamData("pong", { endOfStream: true });
  assert.equal(t.upstreamText, "pong");
  t.closeDownstream("remote");
  assert.equal(t.closed, true);
  assert.deepEqual(names(d), [
    "context_create(2,1)",
    "new_connection(2)",
    "downstream_data(2,2,0)",
    "downstream_data(2,4,0)",
    "upstream_data(2,4,1)",
    "upstream_connection_close(2,0)",
    "downstream_connection_close(2,2)",
    "done(2)",
    "log(2)",
    "delete(2)",
  ]);
});

test("§6.10 two Host instances in one process do not interfere (CAS counters, ids, clocks, metrics)", () => {
  const mk = (now) =>
    new Driver({
      host: new Host({ now }),
      handlers: {
        proxy_on_request_headers() {
          this.setShared("k", "v", 0);
          this.defineMetric(0, "c");
          return 0;
        },
      },
    });
  const a = mk(1000);
  const b = mk(5000);
  a.plugin.newHttpStream().sendRequestHeaders(HDRS);
  a.plugin.newHttpStream().sendRequestHeaders(HDRS);
  b.plugin.newHttpStream().sendRequestHeaders(HDRS);
  assert.deepEqual(a.plugin.sharedData, { k: { value: "v", cas: 2 } });
  assert.deepEqual(b.plugin.sharedData, { k: { value: "v", cas: 1 } });
  assert.equal(b.plugin.newHttpStream().contextId, 3);
  a.host.advanceTime(10);
  assert.equal(a.host.now, 1010);
  assert.equal(b.host.now, 5000);
  assert.deepEqual(Object.keys(a.host.metrics), ["c"]);
});

test("§1.6 WASI quirks: fd_write strips one newline, proc_exit returns, random_get > 64 KiB → 28", () => {
  const wasm = watFixture("rust_wasi");
  const p = new Host().loadPlugin({ wasm, trace: true });
  assert.deepEqual(
    p.trace.filter((t) => t.kind === "hostcall").map((t) => [t.fn, t.contextId, t.result]),
    [
      ["wasi_snapshot_preview1.environ_sizes_get", 0, 0],
      ["wasi_snapshot_preview1.environ_get", 0, 0],
      ["wasi_snapshot_preview1.random_get", 0, 0],
      ["wasi_snapshot_preview1.fd_write", 0, 0],
    ],
  );
  assert.equal(p.hostcallCounts["wasi_snapshot_preview1.fd_write"], 1);
  const rnd = new Host().loadPlugin({
    wasm: compileWat(`(module
      (import "wasi_unstable" "random_get" (func $r (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 3)
      (data (i32.const 64) "two\\n\\n")
      (func (export "malloc") (param i32) (result i32) (i32.const 0))
      (func (export "proxy_abi_version_0_2_1"))
      (func (export "proxy_on_configure") (param i32 i32) (result i32)
        (i32.store (i32.const 0) (i32.const 64))
        (i32.store (i32.const 4) (i32.const 5))
        (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (drop (call $w (i32.const 3) (i32.const 0) (i32.const 1) (i32.const 8)))
        (i32.and
          (i32.eq (call $r (i32.const 1024) (i32.const 65537)) (i32.const 28))
          (i32.eqz (call $r (i32.const 1024) (i32.const 65536))))))`),
    trace: true,
  });
  assert.deepEqual(rnd.logs, [{ level: "info", message: "two\n", contextId: 1, via: "fd_write" }]);
  assert.deepEqual(
    rnd.trace.filter((t) => t.kind === "hostcall").map((t) => [t.fn, t.result]),
    [
      ["wasi_snapshot_preview1.fd_write", 0],
      ["wasi_snapshot_preview1.fd_write", 8],
      ["wasi_unstable.random_get", 28],
      ["wasi_unstable.random_get", 0],
    ],
  );
  const seen = {};
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        seen.level = (() => {
          const out = this.alloc(4);
          this.x.h_proxy_get_log_level(out);
          return this.u32(out);
        })();
        this.log(1, "debug is below the level");
        this.log(3, "warned");
        return 0;
      },
    },
    plugin: { logLevel: "info" },
  });
  d.plugin.newHttpStream().sendRequestHeaders(HDRS);
  assert.equal(seen.level, 2);
  assert.deepEqual(d.plugin.logs, [{ level: "warn", message: "warned", contextId: 2 }]);
});

test("§3.3/§6.4 TCP: data buffers 2/3 stay readable and writable while held after StopIteration (from a root callback via set_effective_context), accumulate, and are dropped on Continue", () => {
  let ret = 1;
  let onTick = null;
  const seen = { down: [], up: [] };
  const d = new Driver({
    handlers: {
      proxy_on_downstream_data(ctx, size) {
        seen.down.push([size, this.getBuffer(2, 0, size).text]);
        return ret;
      },
      proxy_on_upstream_data(ctx, size) {
        seen.up.push([size, this.getBuffer(3, 0, size).text]);
        return ret;
      },
      proxy_on_tick() {
        onTick?.call(this);
      },
    },
  });
  const t = d.plugin.newTcpStream();
  t.sendNewConnection();
  assert.equal(t.sendDownstreamData("ab"), "StopIteration");
  assert.equal(t.sendUpstreamData("pong"), "StopIteration");
  onTick = function () {
    seen.effective = this.setEffective(t.contextId);
    seen.heldDown = this.getBuffer(2, 0, 100);
    seen.heldDownStatus = this.bufferStatus(2);
    seen.heldUp = this.getBuffer(3, 0, 100);
    seen.prepend = this.setBuffer(2, 0, 0, ">");
    seen.append = this.setBuffer(3, 4, 0, "!");
  };
  d.plugin.tick();
  assert.equal(seen.effective, R.Ok);
  assert.equal(seen.heldDown.result, R.Ok);
  assert.equal(seen.heldDown.text, "ab");
  assert.equal(seen.heldDownStatus.size, 2);
  assert.equal(seen.heldUp.text, "pong");
  assert.equal(seen.prepend, R.Ok);
  assert.equal(seen.append, R.Ok);
  assert.equal(t.downstreamText, "");
  assert.equal(t.upstreamText, "");
  // the next callback's size includes the held (and edited) bytes; Continue forwards them all
  ret = 0;
  assert.equal(t.sendDownstreamData("cd"), "Continue");
  assert.deepEqual(seen.down, [
    [2, "ab"],
    [5, ">abcd"],
  ]);
  assert.equal(t.downstreamText, ">abcd");
  onTick = function () {
    this.setEffective(t.contextId);
    seen.afterContinue = this.bufferStatus(2);
    seen.writeAfterContinue = this.setBuffer(2, 0, 0, "x");
    seen.upStillHeld = this.getBuffer(3, 0, 100).text;
  };
  d.plugin.tick();
  assert.equal(seen.afterContinue.result, R.Ok);
  assert.equal(seen.afterContinue.size, 0);
  assert.equal(seen.writeAfterContinue, R.BadArgument);
  assert.equal(seen.upStillHeld, "pong!");
  assert.equal(t.sendUpstreamData("!!"), "Continue");
  assert.deepEqual(seen.up, [
    [4, "pong"],
    [7, "pong!!!"],
  ]);
  assert.equal(t.upstreamText, "pong!!!");
  assert.equal(t.downstreamText, ">abcd");
});

test("§3.5/§6.12 TCP: continue_stream(2) from a root callback forwards the held downstream bytes after the VM call; the buffer then reads empty", () => {
  let onTick = null;
  const sizes = [];
  const seen = {};
  const d = new Driver({
    handlers: {
      proxy_on_downstream_data(ctx, size) {
        sizes.push(size);
        return 1;
      },
      proxy_on_tick() {
        onTick?.call(this);
      },
    },
  });
  const t = d.plugin.newTcpStream();
  t.sendNewConnection();
  assert.equal(t.sendDownstreamData("held"), "StopIteration");
  onTick = function () {
    this.setEffective(t.contextId);
    seen.result = this.continueStream(2);
    seen.during = this.getBuffer(2, 0, 100).text; // the continue runs after this callback
  };
  d.plugin.tick();
  assert.equal(seen.result, R.Ok);
  assert.equal(seen.during, "held");
  assert.equal(t.downstreamText, "held");
  onTick = function () {
    this.setEffective(t.contextId);
    seen.after = this.bufferStatus(2);
  };
  d.plugin.tick();
  assert.equal(seen.after.result, R.Ok);
  assert.equal(seen.after.size, 0);
  assert.equal(t.sendDownstreamData("more"), "StopIteration");
  assert.deepEqual(sizes, [4, 4]);
  assert.equal(t.downstreamText, "held");
});

test("§6.12 TCP: after proxy_on_new_connection returns StopIteration, data still reaches proxy_on_downstream_data (Envoy onContinueReading); forwarding waits for Continue or continue_stream(2)", () => {
  let ret = 1;
  let onTick = null;
  const d = new Driver({
    handlers: {
      proxy_on_new_connection() {
        return 1;
      },
      proxy_on_downstream_data(ctx, size) {
        return ret;
      },
      proxy_on_tick() {
        onTick?.call(this);
      },
    },
  });
  const a = d.plugin.newTcpStream();
  d.calls.length = 0;
  assert.equal(a.sendNewConnection(), "StopIteration");
  assert.equal(a.sendDownstreamData("ab"), "StopIteration");
  assert.equal(a.downstreamText, "");
  ret = 0;
  assert.equal(a.sendDownstreamData("cd"), "Continue");
  assert.equal(a.downstreamText, "abcd");
  assert.deepEqual(names(d), [
    "context_create(2,1)",
    "new_connection(2)",
    "downstream_data(2,2,0)",
    "downstream_data(2,4,0)",
  ]);
  // stopped in on_new_connection and in the data callback: continue_stream(2) releases the data
  ret = 1;
  const b = d.plugin.newTcpStream();
  assert.equal(b.sendNewConnection(), "StopIteration");
  assert.equal(b.sendDownstreamData("xy"), "StopIteration");
  assert.equal(b.downstreamText, "");
  onTick = function () {
    this.setEffective(b.contextId);
    this.continueStream(2);
  };
  d.plugin.tick();
  assert.equal(b.downstreamText, "xy");
});

test("§3.4 on_log: get_header_map_value on an unavailable map is NotFound for 0.2.x, Ok with an empty value for 0.1.0", () => {
  const seen = {};
  const d = new Driver({
    handlers: {
      proxy_on_log() {
        seen.trailers = this.getHeader(1, "x").result;
        seen.callResponse = this.getHeader(6, "x").result;
        seen.present = this.getHeader(0, ":path");
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(HDRS, { endOfStream: true });
  s.complete();
  assert.equal(seen.trailers, R.NotFound);
  assert.equal(seen.callResponse, R.NotFound);
  assert.deepEqual(seen.present, { result: R.Ok, value: "/" });

  const results = [];
  const p = new Host().loadPlugin({
    wasm: compileWat(`(module
      (import "env" "proxy_get_header_map_value" (func $get (param i32 i32 i32 i32 i32) (result i32)))
      (import "t" "r" (func $r (param i32 i32 i32)))
      (memory (export "memory") 1)
      (data (i32.const 8) "x-missing")
      (func (export "malloc") (param i32) (result i32) (i32.const 4096))
      (func (export "proxy_abi_version_0_1_0"))
      (func $probe (param $map i32)
        (i32.store (i32.const 32) (i32.const 0xdead))
        (i32.store (i32.const 36) (i32.const 0xbeef))
        (call $r
          (call $get (local.get $map) (i32.const 8) (i32.const 9) (i32.const 32) (i32.const 36))
          (i32.load (i32.const 32))
          (i32.load (i32.const 36))))
      (func (export "proxy_on_log") (param i32)
        (call $probe (i32.const 1))
        (call $probe (i32.const 6))
        (call $probe (i32.const 0))))`),
    imports: { t: { r: (...a) => results.push(a) } },
  });
  const s01 = p.newHttpStream();
  s01.sendRequestHeaders(HDRS, { endOfStream: true });
  s01.complete();
  // unavailable request trailers / call-response headers, then a missing key in a readable map
  assert.deepEqual(results, [
    [R.Ok, 0, 0],
    [R.Ok, 0, 0],
    [R.Ok, 0, 0],
  ]);
});

test("§6.7 answered callouts' timeout timers do not pile up when the clock never advances", () => {
  let responses = 0;
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        this.httpCall("authz", encodePairs(HDRS), "", encodePairs([]), 1000);
        return 0;
      },
      proxy_on_http_call_response() {
        responses++;
      },
    },
  });
  for (let i = 0; i < 5000; i++) {
    const s = d.plugin.newHttpStream();
    s.sendRequestHeaders(HDRS, { endOfStream: true });
    d.plugin.respondToHttpCall(d.plugin.httpCalls[i], { status: 200 });
    s.complete();
  }
  // Host#timers is private in TypeScript; the cancelled timers must have been dropped.
  assert.ok(d.host.timers.length <= 2048, `timers kept: ${d.host.timers.length}`);
  d.host.advanceTime(2000);
  assert.equal(responses, 5000, "no answered call times out later");
});
