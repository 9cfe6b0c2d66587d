// Reference §8 (the host-mock conformance checklist): one test per item, each checking every
// clause of the item against compiled WAT modules (the driver plugin or inline modules).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Host,
  PluginLoadError,
  PluginTrapError,
  FailState,
  encodePairs,
  WasmResult as R,
} from "../../sdk-host-mock/dist/index.js";
import { Driver, compileWat, watFixture } from "./wat.mjs";

const GET = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "example.com"],
];
const mod = (fields) =>
  compileWat(`(module ${fields} (memory (export "memory") 1)
    (func (export "malloc") (param i32) (result i32) (i32.const 2048)))`);
const load = (wasm, options = {}) => new Host().loadPlugin({ wasm, ...options });
function loadError(wasm, options) {
  try {
    load(wasm, options);
  } catch (e) {
    assert.ok(e instanceof PluginLoadError, String(e));
    return e;
  }
  assert.fail("expected the load to fail");
}
const callNames = (p) => p.trace.filter((t) => t.kind === "call").map((t) => [t.fn, ...t.args]);

test("§8.1 reject modules without a proxy_abi_version_* export; the first marker in export order wins", () => {
  assert.match(loadError(mod("")).message, /Missing or unknown Proxy-Wasm ABI version/);
  assert.match(
    loadError(mod(`(func (export "proxy_abi_version_0_x_x"))`)).message,
    /Missing or unknown/,
  );
  assert.equal(
    load(mod(`(func (export "proxy_abi_version_0_2_0")) (func (export "proxy_abi_version_0_1_0"))`))
      .abiVersion,
    "0.2.0",
  );
});

test("§8.2 link only the hostcall set of the module's ABI version; unknown import or wrong type → load error", () => {
  const withImport = (version, name, type = "(param i32) (result i32)") =>
    mod(`(import "env" "${name}" (func ${type})) (func (export "proxy_abi_version_${version}"))`);
  assert.equal(load(withImport("0_2_1", "proxy_get_log_level")).abiVersion, "0.2.1");
  assert.match(
    loadError(withImport("0_2_0", "proxy_get_log_level")).message,
    /missing import: env\.proxy_get_log_level/,
  );
  assert.match(
    loadError(withImport("0_1_0", "proxy_continue_stream")).message,
    /missing import: env\.proxy_continue_stream/,
  );
  assert.match(loadError(withImport("0_2_1", "proxy_no_such_call")).message, /missing import/);
  const e = loadError(withImport("0_2_1", "proxy_log", "(param i32 i32) (result i32)"));
  assert.equal(e.failState, FailState.UnableToInitializeCode);
});

test("§8.3 allocator: malloc if exported, else proxy_on_memory_allocate; zero-length results never allocate", () => {
  const allocs = [];
  const shape = (exportsMalloc) =>
    compileWat(`(module
      (import "t" "seen" (func $seen (param i32 i32)))
      (import "env" "proxy_get_buffer_bytes" (func $get (param i32 i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      ${exportsMalloc ? `(func (export "malloc") (param $n i32) (result i32) (call $seen (i32.const 1) (local.get $n)) (i32.const 2048))` : ""}
      (func (export "proxy_on_memory_allocate") (param $n i32) (result i32)
        (call $seen (i32.const 2) (local.get $n)) (i32.const 4096))
      (func (export "proxy_abi_version_0_2_1"))
      (func (export "proxy_on_configure") (param i32 i32) (result i32)
        (drop (call $get (i32.const 7) (i32.const 0) (i32.const 100) (i32.const 0) (i32.const 4)))
        (drop (call $get (i32.const 7) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 4)))
        (i32.const 1)))`);
  const imports = { t: { seen: (which, n) => allocs.push([which, n]) } };
  load(shape(true), { imports, configuration: "abc" });
  load(shape(false), { imports, configuration: "abc" });
  assert.deepEqual(allocs, [
    [1, 3],
    [2, 3],
  ]);
  assert.equal(
    loadError(
      compileWat(`(module (memory (export "memory") 1) (func (export "proxy_abi_version_0_2_1")))`),
    ).failState,
    FailState.MissingFunction,
  );
});

test("§8.4 startup: _initialize (+ main(0,0)) or _start on context 0 with the V8 restricted hostcall list, then context_create(1,0), vm_start(1,len), configure(1,len)", () => {
  const p = load(watFixture("cpp_sdk"), { trace: true });
  const calls = callNames(p).filter(([fn]) => fn !== "malloc");
  assert.deepEqual(calls.slice(0, 3), [
    ["_initialize"],
    ["main", 0, 0],
    ["proxy_on_context_create", 1, 0],
  ]);
  assert.deepEqual(
    p.trace
      .filter((t) => t.kind === "call" && (t.fn === "_initialize" || t.fn === "main"))
      .map((t) => t.contextId),
    [0, 0],
  );
  const d = new Driver({ plugin: { vmConfiguration: "vm", configuration: "cfg!" } });
  assert.deepEqual(d.calls.slice(0, 3), [
    ["proxy_on_context_create", 1, 0],
    ["proxy_on_vm_start", 1, 2],
    ["proxy_on_configure", 1, 4],
  ]);
  const e = loadError(watFixture("restricted_start"));
  assert.match(e.message, /restricted_callback/);
});

test("§8.5 stream ids from the same counter; lazy context_create; HTTP teardown log → done → delete; TCP teardown downstream_close → done → log → delete", () => {
  const d = new Driver({ plugin: { trace: true } });
  const http = d.plugin.newHttpStream();
  const tcp = d.plugin.newTcpStream();
  const http2 = d.plugin.newHttpStream();
  assert.deepEqual([http.contextId, tcp.contextId, http2.contextId], [2, 3, 4]);
  assert.equal(d.calls.filter(([n]) => n === "proxy_on_context_create").length, 1); // root only
  http.sendRequestHeaders(GET, { endOfStream: true });
  http.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
  http.complete();
  tcp.sendNewConnection();
  tcp.closeDownstream("remote");
  const seq = d.calls.filter(([, ctx]) => ctx === 2 || ctx === 3).map(([n, ctx]) => `${n}(${ctx})`);
  assert.deepEqual(seq, [
    "proxy_on_context_create(2)",
    "proxy_on_request_headers(2)",
    "proxy_on_response_headers(2)",
    "proxy_on_log(2)",
    "proxy_on_done(2)",
    "proxy_on_delete(2)",
    "proxy_on_context_create(3)",
    "proxy_on_new_connection(3)",
    "proxy_on_downstream_connection_close(3)",
    "proxy_on_done(3)",
    "proxy_on_log(3)",
    "proxy_on_delete(3)",
  ]);
});

test("§8.6 clamp callback returns; header PAUSE → 4 unless configured; no body callbacks while headers are paused with 3/4; StopIterationAndBuffer accumulates", () => {
  const rets = { headers: 9, body: 7, trailers: 5 };
  const bodies = [];
  const d = new Driver({
    handlers: {
      proxy_on_request_headers: () => rets.headers,
      proxy_on_request_body: (ctx, size) => (bodies.push(size), rets.body),
      proxy_on_request_trailers: () => rets.trailers,
    },
  });
  let s = d.plugin.newHttpStream();
  assert.equal(s.sendRequestHeaders(GET), "StopAllIterationAndWatermark");
  assert.equal(s.sendRequestBody("x"), "Held");
  assert.deepEqual(bodies, []);
  for (const [ret, name] of [
    [1, "StopAllIterationAndWatermark"],
    [3, "StopAllIterationAndBuffer"],
    [2, "ContinueAndEndStream"],
  ]) {
    rets.headers = ret;
    assert.equal(d.plugin.newHttpStream().sendRequestHeaders(GET), name);
  }
  rets.headers = 0;
  s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET);
  assert.equal(s.sendRequestBody("ab"), "StopIterationNoBuffer");
  rets.body = 1;
  assert.equal(s.sendRequestBody("cd"), "StopIterationAndBuffer");
  assert.equal(s.sendRequestBody("ef"), "StopIterationAndBuffer");
  assert.equal(s.sendRequestTrailers([["t", "1"]]), "StopIteration");
  assert.deepEqual(bodies, [2, 2, 4]); // after 1 the next call sees the accumulated body
  const allow = new Driver({
    plugin: { allowOnHeadersStopIteration: true },
    handlers: { proxy_on_request_headers: () => 1 },
  });
  assert.equal(allow.plugin.newHttpStream().sendRequestHeaders(GET), "StopIteration");
});

test("§8.7 header maps: lower-case keys, first value, NotFound vs BadArgument, empty pairs (0,0), size = Σ key+value, replace = remove + append, pseudo-header position, host ≡ :authority", () => {
  const got = {};
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        got.first = this.getHeader(0, "X-D").value;
        got.missing = this.getHeader(0, "nope").result;
        got.unavailable = this.getHeader(3, "x").result;
        got.emptyPairs = this.headerPairs(1);
        got.size = this.headerSize(0).size;
        this.replaceHeader(0, "x-d", "r");
        this.addHeader(0, ":p", "1");
        got.host = this.getHeader(0, "Host").value;
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders([...GET, ["x-d", "1"], ["z", "2"], ["x-d", "3"]], { endOfStream: true });
  assert.equal(got.first, "1");
  assert.equal(got.missing, R.NotFound);
  assert.equal(got.unavailable, R.BadArgument);
  assert.deepEqual([got.emptyPairs.result, got.emptyPairs.ptr, got.emptyPairs.len], [R.Ok, 0, 0]);
  assert.equal(got.size, 37 + 4 + 2 + 4);
  assert.equal(got.host, "example.com");
  assert.deepEqual(s.requestHeaders, [...GET, [":p", "1"], ["z", "2"], ["x-d", "r"]]);
});

test("§8.8 buffers: reads clamped, Envoy set semantics (prepend / replace prefix / append / BadArgument), availability per §3.3", () => {
  const got = [];
  const d = new Driver({
    handlers: {
      proxy_on_request_body() {
        got.push(this.getBuffer(0, 3, 99).text);
        got.push(this.setBuffer(0, 0, 0, "<"));
        got.push(this.setBuffer(0, 0, 1, "["));
        got.push(this.setBuffer(0, 99, 0, ">"));
        got.push(this.setBuffer(0, 1, 0, "?"));
        got.push(this.getBuffer(4, 0, 1).result);
        got.push(this.getBuffer(7, 0, 1).result);
        got.push(this.getBuffer(6, 0, 1).result);
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET);
  s.sendRequestBody("body", { endOfStream: true });
  assert.deepEqual(got, ["y", R.Ok, R.Ok, R.Ok, R.BadArgument, R.NotFound, R.NotFound, R.Ok]);
  assert.equal(s.requestBodyText, "[body>");
});

test("§8.9 properties: NUL-split paths, typed binary values, wasm.-prefixed filter state for set/get, NotFound in the root context for stream attributes", () => {
  const got = {};
  const d = new Driver({
    handlers: {
      proxy_on_configure() {
        got.root = this.getProperty("request\0time").result;
      },
      proxy_on_request_headers() {
        got.method = this.getProperty("request\0method").text;
        got.dotted = this.getProperty("request.method").result;
        got.port = this.getProperty("destination\0port").data;
        got.set = this.setProperty("mine", "v");
        got.get = this.getProperty("mine").text;
      },
    },
  });
  const s = d.plugin.newHttpStream({ properties: { "destination.port": 8080 } });
  s.sendRequestHeaders(GET, { endOfStream: true });
  assert.equal(got.root, R.NotFound);
  assert.equal(got.method, "GET");
  assert.equal(got.dotted, R.NotFound);
  assert.deepEqual(got.port, new Uint8Array([0x90, 0x1f, 0, 0, 0, 0, 0, 0]));
  assert.equal(got.set, R.Ok);
  assert.equal(got.get, "v");
  // stored under Envoy's filter-state key (internal field: what other filters would read)
  assert.equal(new TextDecoder().decode(s.filterState.get("wasm.mine")), "v");
});

test("§8.10 callouts: root ownership, ids 4k / 4k+1 / 4k+2 consumed only by valid calls, response only in the callback, failure = zeros + get_status(11, reset) + buffer 4 NotFound, timeout = 504", () => {
  const events = [];
  const d = new Driver({
    plugin: { clusters: ["up"] },
    handlers: {
      proxy_on_request_headers() {
        const h = encodePairs(GET);
        events.push(this.httpCall("down", h, "", new Uint8Array(0), 0).result);
        events.push(this.httpCall("up", h, "", new Uint8Array(0), 0).token);
        events.push(this.httpCall("up", h, "", new Uint8Array(0), 10).token);
        const out = this.alloc(4);
        this.x.h_proxy_grpc_call(
          ...this.put("up"),
          ...this.put("S"),
          ...this.put("M"),
          0,
          0,
          0,
          0,
          0,
          out,
        );
        events.push(this.u32(out));
        this.x.h_proxy_grpc_stream(
          ...this.put("up"),
          ...this.put("S"),
          ...this.put("M"),
          0,
          0,
          out,
        );
        events.push(this.u32(out));
      },
      proxy_on_http_call_response(root, token, nh, nb, nt) {
        const code = this.alloc(4);
        const msg = this.outPair();
        this.x.h_proxy_get_status(code, msg, msg + 4);
        events.push([
          root,
          token,
          nh,
          nb,
          nt,
          this.u32(code),
          this.text(msg),
          this.getBuffer(4, 0, 99).result,
          this.getHeader(6, ":status").value,
        ]);
      },
      proxy_on_tick() {
        events.push(["tick", this.getHeader(6, ":status").result]);
      },
    },
  });
  d.plugin.newHttpStream().sendRequestHeaders(GET, { endOfStream: true });
  d.plugin.failHttpCall(4);
  d.host.advanceTime(10);
  d.plugin.tick();
  assert.deepEqual(events, [
    R.BadArgument,
    4,
    8,
    5,
    6,
    [1, 4, 0, 0, 0, 11, "reset", R.NotFound, null],
    [1, 8, 3, 24, 0, 11, "", R.Ok, "504"],
    ["tick", R.BadArgument],
  ]);
});

test("§8.11 shared data/queues/metrics: global CAS from 1, counter ids 4…, counter delta ≤ 0 → BadArgument, record on a counter adds", () => {
  const host = new Host();
  const a = new Driver({ host, plugin: { vmId: "a" } });
  const b = new Driver({ host, plugin: { vmId: "b" } });
  a.setShared("k", "1", 0);
  b.setShared("k", "1", 0);
  assert.deepEqual([a.getShared("k").cas, b.getShared("k").cas], [1, 2]);
  const id = a.defineMetric(0, "requests").id;
  assert.equal(id, 4);
  assert.equal(a.x.h_proxy_increment_metric(id, 0n), R.BadArgument);
  assert.equal(a.x.h_proxy_record_metric(id, 5n), R.Ok);
  assert.equal(a.x.h_proxy_record_metric(id, 5n), R.Ok);
  assert.equal(host.metrics.requests.value, 10);
  const tok = a.alloc(4);
  a.x.h_proxy_register_shared_queue(...a.put("q"), tok);
  b.x.h_proxy_register_shared_queue(...b.put("q"), tok + 0);
  assert.equal(b.u32(tok), 2); // (b, q) is a new pair: next process-wide token
});

test("§8.12 a trap fails the VM permanently; fail-closed → 503 wasm_fail_stream, fail-open → bypass", () => {
  const closed = load(watFixture("abort_trap"));
  const s = closed.newHttpStream();
  assert.throws(() => s.sendRequestHeaders(GET), PluginTrapError);
  assert.equal(closed.failed, true);
  const s2 = closed.newHttpStream();
  s2.sendRequestHeaders(GET, { endOfStream: true });
  assert.deepEqual([s2.localResponse.status, s2.localResponse.details], [503, "wasm_fail_stream"]);
  const open = load(watFixture("abort_trap"), { failOpen: true });
  assert.throws(() => open.newHttpStream().sendRequestHeaders(GET), PluginTrapError);
  const s3 = open.newHttpStream();
  assert.equal(s3.sendRequestHeaders(GET, { endOfStream: true }), "Continue"); // bypassed
  assert.equal(s3.localResponse, null);
});

test("§8.13 WASI table §1.6 with its quirks: proc_exit returns, poll_oneoff does not sleep, random_get > 64 KiB → 28, fd_write strips one newline and maps 1 → info, 2 → error", () => {
  const wasm = compileWat(`(module
    (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "random_get" (func $rand (param i32 i32) (result i32)))
    (memory (export "memory") 2)
    (data (i32.const 100) "out\\n\\n")
    (data (i32.const 120) "err\\n")
    (func (export "malloc") (param i32) (result i32) (i32.const 4096))
    (func (export "proxy_abi_version_0_2_1"))
    (func (export "proxy_on_tick") (param i32)
      (i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 5))
      (i32.store (i32.const 8) (i32.const 120)) (i32.store (i32.const 12) (i32.const 4))
      (i32.store (i32.const 200) (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
      (i32.store (i32.const 204) (call $w (i32.const 2) (i32.const 8) (i32.const 1) (i32.const 20)))
      (i32.store (i32.const 208) (call $w (i32.const 3) (i32.const 8) (i32.const 1) (i32.const 20)))
      (i32.store (i32.const 212) (call $poll (i32.const 300) (i32.const 400) (i32.const 1) (i32.const 24)))
      (i32.store (i32.const 216) (call $rand (i32.const 1000) (i32.const 65537)))
      (i32.store (i32.const 220) (call $rand (i32.const 1000) (i32.const 16)))
      (call $exit (i32.const 3))
      (i32.store (i32.const 224) (i32.const 1))))`);
  const p = load(wasm);
  p.tick();
  const m = new DataView(p.instanceExports.memory.buffer);
  const at = (o) => m.getUint32(o, true);
  assert.deepEqual([at(200), at(204), at(208), at(212), at(216), at(220)], [0, 0, 8, 0, 28, 0]);
  assert.deepEqual([at(16), at(24)], [5, 0]); // bytes written before the strip; no events
  assert.deepEqual(
    p.logs.map((l) => [l.level, l.message, l.via]),
    [
      ["info", "out\n", "fd_write"],
      ["error", "err", "fd_write"],
    ],
  );
  assert.equal(at(224), 1); // execution continued after proc_exit
  assert.equal(p.procExitCode, 3);
  assert.equal(p.failed, false);
});
