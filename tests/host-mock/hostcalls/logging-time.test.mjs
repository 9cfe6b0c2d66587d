// One test per row of reference §3.1 (logging, time, status, configuration), driven by the WAT
// driver plugin (tests/fixtures/wat/driver.wat) or small inline WAT modules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Host, encodePairs as pairs, WasmResult as R } from "../../../sdk-host-mock/dist/index.js";
import { Driver, compileWat } from "../wat.mjs";

const GET = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "example.com"],
];
const T0 = 1_700_000_000_000;

test("§3.1 proxy_log: levels 0..5 recorded with their context, level > 5 → BadArgument, bad memory → IMA, level filter set by the test", () => {
  const results = [];
  const d = new Driver({
    plugin: { logLevel: "debug" },
    handlers: {
      proxy_on_request_headers() {
        for (let level = 0; level <= 6; level++) results.push(this.log(level, `at ${level}`));
        results.push(this.x.h_proxy_log(2, 0xfffffff0, 64));
      },
    },
  });
  d.plugin.clearLogs();
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  assert.deepEqual(results, [
    R.Ok,
    R.Ok,
    R.Ok,
    R.Ok,
    R.Ok,
    R.Ok,
    R.BadArgument,
    R.InvalidMemoryAccess,
  ]);
  // trace (0) is below the configured debug level: the hostcall is Ok but nothing is recorded.
  assert.deepEqual(
    d.plugin.logs.map((l) => [l.level, l.message, l.contextId]),
    [
      ["debug", "at 1", s.contextId],
      ["info", "at 2", s.contextId],
      ["warn", "at 3", s.contextId],
      ["error", "at 4", s.contextId],
      ["critical", "at 5", s.contextId],
    ],
  );
  assert.deepEqual(d.plugin.logMessages("warn"), ["at 3"]);
});

test("§3.1 proxy_get_log_level: writes the level the test configured (spdlog numbering, off = 6); IMA on a bad pointer", () => {
  for (const [name, expected] of [
    ["trace", 0],
    ["info", 2],
    ["critical", 5],
    ["off", 6],
  ]) {
    let got = null;
    let bad = null;
    new Driver({
      plugin: { logLevel: name },
      handlers: {
        proxy_on_configure() {
          const out = this.alloc(4);
          assert.equal(this.x.h_proxy_get_log_level(out), R.Ok);
          got = this.u32(out);
          bad = this.x.h_proxy_get_log_level(0xffffffff);
        },
      },
    });
    assert.equal(got, expected, name);
    assert.equal(bad, R.InvalidMemoryAccess);
  }
});

test("§3.1 proxy_get_current_time_nanoseconds: u64 ns of the fake clock, moved only by advanceTime; WASI clock_time_get reads the same clock", () => {
  const seen = [];
  const d = new Driver({
    host: new Host({ now: T0 }),
    handlers: {
      proxy_on_tick() {
        const out = this.alloc(8);
        assert.equal(this.x.h_proxy_get_current_time_nanoseconds(out), R.Ok);
        seen.push(this.u64(out));
      },
    },
  });
  d.plugin.tick();
  d.plugin.tick();
  d.host.advanceTime(1500);
  d.plugin.tick();
  assert.deepEqual(seen, [
    BigInt(T0) * 1_000_000n,
    BigInt(T0) * 1_000_000n,
    (BigInt(T0) + 1500n) * 1_000_000n,
  ]);

  // WASI clocks: REALTIME = the same fake wall clock, MONOTONIC = time advanced since the Host
  // was created; other ids → 58 (NOTSUP).
  const wasi = compileWat(`(module
    (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
    (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "malloc") (param i32) (result i32) (i32.const 4096))
    (func (export "proxy_abi_version_0_2_1"))
    (func (export "proxy_on_tick") (param i32)
      (i32.store (i32.const 0) (call $clock (i32.const 0) (i64.const 1) (i32.const 8)))
      (i32.store (i32.const 4) (call $clock (i32.const 1) (i64.const 1) (i32.const 16)))
      (i32.store (i32.const 24) (call $clock (i32.const 2) (i64.const 1) (i32.const 32)))))`);
  const host = new Host({ now: T0 });
  host.advanceTime(250);
  const p = host.loadPlugin({ wasm: wasi });
  p.tick();
  const mem = new DataView(p.instanceExports.memory.buffer);
  assert.equal(mem.getUint32(0, true), 0);
  assert.equal(mem.getBigUint64(8, true), (BigInt(T0) + 250n) * 1_000_000n);
  assert.equal(mem.getUint32(4, true), 0);
  assert.equal(mem.getBigUint64(16, true), 250n * 1_000_000n);
  assert.equal(mem.getUint32(24, true), 58);
});

test("§3.1 proxy_set_tick_period_milliseconds: sets the root's timer (also from a stream context), always Ok, fixed-delay re-arm, 0 disables (§6.9)", () => {
  const ticks = [];
  const results = [];
  const d = new Driver({
    host: new Host({ now: T0 }),
    handlers: {
      proxy_on_request_headers() {
        results.push(this.x.h_proxy_set_tick_period_milliseconds(40));
      },
      proxy_on_tick(root) {
        ticks.push([root, d.host.now - T0]);
        if (ticks.length === 3) results.push(this.x.h_proxy_set_tick_period_milliseconds(0));
      },
    },
  });
  d.plugin.newHttpStream().sendRequestHeaders(GET, { endOfStream: true });
  assert.equal(d.plugin.tickPeriodMs, 40);
  d.host.advanceTime(39);
  assert.deepEqual(ticks, []);
  d.host.advanceTime(1);
  assert.deepEqual(ticks, [[1, 40]]);
  d.host.advanceTime(1000);
  assert.deepEqual(ticks, [
    [1, 40],
    [1, 80],
    [1, 120],
  ]);
  assert.deepEqual(results, [R.Ok, R.Ok]);
  assert.equal(d.plugin.tickPeriodMs, 0);
});

test('§3.1 proxy_get_status: (0, "") initially; 11 "reset" after a failed http_call; the message is cleared after the callback, the code is not', () => {
  const seen = [];
  const status = (d) => {
    const code = d.alloc(4);
    const msg = d.outPair();
    assert.equal(d.x.h_proxy_get_status(code, msg, msg + 4), R.Ok);
    return [d.u32(code), d.text(msg) ?? "<untouched>"];
  };
  const d = new Driver({
    handlers: {
      proxy_on_configure() {
        seen.push(["configure", ...status(this)]);
      },
      proxy_on_request_headers() {
        this.httpCall("c", pairs(GET), "", new Uint8Array(0), 1000);
      },
      proxy_on_http_call_response(root, token, h, b, t) {
        seen.push(["response", root, token, h, b, t, ...status(this)]);
      },
      proxy_on_tick() {
        seen.push(["tick", ...status(this)]);
      },
    },
  });
  d.plugin.newHttpStream().sendRequestHeaders(GET, { endOfStream: true });
  d.plugin.failHttpCall(d.plugin.httpCalls[0]);
  d.plugin.tick();
  assert.deepEqual(seen, [
    ["configure", 0, ""], // empty message: (0,0) written, no allocation
    ["response", 1, 4, 0, 0, 0, 11, "reset"],
    ["tick", 11, ""],
  ]);
});

test("§3.1 proxy_get_configuration (0.1.0): plugin configuration in on_configure, VM configuration elsewhere", () => {
  const wasm = compileWat(`(module
    (import "env" "proxy_get_configuration" (func $cfg (param i32 i32) (result i32)))
    (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 4096))
    (func (export "malloc") (param $n i32) (result i32)
      (global.get $heap)
      (global.set $heap (i32.add (global.get $heap) (local.get $n))))
    (func $show
      (drop (call $cfg (i32.const 0) (i32.const 4)))
      (drop (call $log (i32.const 2) (i32.load (i32.const 0)) (i32.load (i32.const 4)))))
    (func (export "proxy_abi_version_0_1_0"))
    (func (export "proxy_on_configure") (param i32 i32) (result i32) (call $show) (i32.const 1))
    (func (export "proxy_on_tick") (param i32) (call $show)))`);
  const p = new Host().loadPlugin({ wasm, configuration: "plugin-cfg", vmConfiguration: "vm-cfg" });
  p.tick();
  assert.deepEqual(p.logMessages("info"), ["plugin-cfg", "vm-cfg"]);
  // 0.2.x modules cannot import it (§1.5).
  assert.throws(
    () =>
      new Host().loadPlugin({
        wasm: compileWat(`(module
          (import "env" "proxy_get_configuration" (func (param i32 i32) (result i32)))
          (memory (export "memory") 1)
          (func (export "malloc") (param i32) (result i32) (i32.const 0))
          (func (export "proxy_abi_version_0_2_1")))`),
      }),
    /missing import: env\.proxy_get_configuration/,
  );
});
