// Module shapes of other toolchains (reference §1.2, §1.3, §1.6, §2.2), each run through a full
// request: TinyGo / proxy-wasm-go-sdk (malloc + _start + WASI command imports, ABI 0.2.0).
// The Rust, Rust-WASI, C++ and ABI 0.1.0 / 0.2.0 shapes are in loading.test.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Host } from "../../sdk-host-mock/dist/index.js";
import { watFixture } from "./wat.mjs";

const GET = [
  [":method", "GET"],
  [":path", "/go"],
  [":authority", "example.com"],
];

test("§1.6 shapes: TinyGo / Go SDK build (malloc + _start + WASI command imports, ABI 0.2.0) runs a full request with ticks", () => {
  const host = new Host({ now: 1_700_000_000_000 });
  const p = host.loadPlugin({ wasm: watFixture("tinygo_sdk"), trace: true });
  assert.equal(p.abiVersion, "0.2.0");
  // _start ran on context 0 with only allowed WASI calls (args/environ/random/clock/poll/fd_write)
  assert.deepEqual(p.logs, [
    { level: "info", message: "go runtime up", contextId: 0, via: "fd_write" },
  ]);
  const start = p.trace.findIndex((t) => t.kind === "call" && t.fn === "_start");
  assert.ok(start >= 0);
  const startHostcalls = [];
  for (const t of p.trace.slice(start + 1)) {
    if (t.kind === "call") break;
    startHostcalls.push(t.fn);
  }
  assert.deepEqual(startHostcalls, [
    "wasi_snapshot_preview1.args_sizes_get",
    "wasi_snapshot_preview1.environ_sizes_get",
    "wasi_snapshot_preview1.random_get",
    "wasi_snapshot_preview1.clock_time_get",
    "wasi_snapshot_preview1.poll_oneoff",
    "wasi_snapshot_preview1.fd_write",
  ]);
  const s = p.newHttpStream();
  assert.equal(s.sendRequestHeaders(GET, { endOfStream: true }), "Continue");
  assert.deepEqual(s.requestHeaders, [...GET, ["x-shape", "tinygo"]]);
  assert.equal(s.sendResponseHeaders([[":status", "200"]], { endOfStream: true }), "Continue");
  s.complete();
  assert.equal(s.completed, true);
  host.advanceTime(3000);
  assert.equal(p.trace.filter((t) => t.kind === "call" && t.fn === "proxy_on_tick").length, 3);
  assert.equal(p.failed, false);
});
