// Issue 5 "resource limits": maximum linear memory per VM and a deterministic CPU (fuel) budget
// per callback. An infinite loop never hangs a test.
import { readFileSync } from "node:fs";
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Host,
  PluginLoadError,
  PluginTrapError,
  instrumentFuel,
} from "../../sdk-host-mock/dist/index.js";
import { compileWat } from "../host-mock/wat.mjs";
import { MISBEHAVE, run } from "./helpers.mjs";

const MiB = 1024 * 1024;

test("maxMemoryBytes: a leaking plugin's growth past the cap fails inside the VM (memory.grow -1 → trap), then fail-closed", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm: MISBEHAVE, name: "leaky", maxMemoryBytes: 4 * MiB });
  let served = 0;
  let last;
  for (let i = 0; i < 10 && !p.failed; i++) {
    last = run(p, "leak", [["x-size", String(512 * 1024)]]);
    if (!last.error) served++;
  }
  assert.ok(p.failed, "the VM crashed");
  assert.ok(served >= 2 && served <= 8, `served ${served} leaks of 512 KiB under 4 MiB`);
  assert.ok(last.error instanceof PluginTrapError);
  assert.ok(p.memoryBytes <= 4 * MiB, `memory ${p.memoryBytes} stays within the cap`);
  const memory = p.instanceExports.memory;
  assert.throws(() => memory.grow(4 * 16), RangeError, "the memory's maximum is the cap");
  assert.equal(memory.grow(0) * 65536, p.memoryBytes);
  assert.equal(last.localResponse?.status, 503);
  assert.equal(p.crashes.length, 1);
});

test("maxMemoryBytes: the same leak runs on without the cap", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm: MISBEHAVE });
  for (let i = 0; i < 10; i++)
    assert.equal(run(p, "leak", [["x-size", String(512 * 1024)]]).error, null);
  assert.ok(p.memoryBytes > 4 * MiB);
});

test("maxMemoryBytes: a module whose initial memory exceeds the cap fails to load (cpp-host wording)", () => {
  const host = new Host();
  assert.throws(
    () => host.loadPlugin({ wasm: MISBEHAVE, maxMemoryBytes: 0 }),
    (e) =>
      e instanceof PluginLoadError &&
      /initial memory size \(\d+ pages\) is larger than implementation limit \(0 pages\)/.test(
        e.message,
      ),
  );
});

test("maxMemoryBytes + FAIL_RELOAD: the leak crashes, the reload starts with fresh memory", () => {
  const host = new Host({ now: 0 });
  const p = host.loadPlugin({
    wasm: MISBEHAVE,
    name: "lr",
    maxMemoryBytes: 2 * MiB,
    failurePolicy: "reload",
  });
  while (!p.failed) run(p, "leak", [["x-size", String(256 * 1024)]]);
  host.advanceTime(1000);
  const s = run(p, "leak", [["x-size", "16"]]);
  assert.equal(s.error, null);
  assert.ok(p.memoryBytes < 2 * MiB);
  assert.equal(host.stats["wasm.lr.vm_reload_success"], 1);
});

test("fuel: an infinite loop traps with 'fuel exhausted' instead of hanging; fail-closed applies", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm: MISBEHAVE, fuel: 100_000 });
  const started = Date.now();
  const s = run(p, "loop");
  assert.ok(Date.now() - started < 5000);
  assert.ok(s.error instanceof PluginTrapError);
  assert.match(s.error.trapMessage, /^fuel exhausted: the callback used more than 100000 fuel/);
  assert.equal(s.localResponse?.status, 503);
  assert.equal(p.crashes[0].exportName, "proxy_on_request_headers");
  assert.ok(
    p.crashes[0].wasmStack.some((f) => /onRequestHeaders/.test(f.functionName)),
    "plugin stack kept",
  );
});

test("fuel: the budget is per callback, refilled at every callback; lastCallbackFuel measures a callback", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm: MISBEHAVE, fuel: 50_000 });
  const costs = [];
  for (let i = 0; i < 20; i++) {
    const s = p.newHttpStream();
    s.sendRequestHeaders(
      [
        [":method", "GET"],
        [":path", "/"],
        [":authority", "x"],
        ["x-action", "count"],
      ],
      { endOfStream: true },
    );
    costs.push(p.lastCallbackFuel);
    s.complete();
  }
  assert.ok(
    !p.failed,
    "20 requests of a few hundred units each never exhaust a per-callback budget",
  );
  assert.ok(
    costs.every((c) => c > 0 && c < 50_000),
    `costs ${costs.slice(0, 3)}`,
  );
  // Deterministic: the same request costs the same fuel in a fresh VM.
  const q = new Host().loadPlugin({ wasm: MISBEHAVE, fuel: 50_000 });
  const s = q.newHttpStream();
  s.sendRequestHeaders(
    [
      [":method", "GET"],
      [":path", "/"],
      [":authority", "x"],
      ["x-action", "count"],
    ],
    { endOfStream: true },
  );
  assert.equal(q.lastCallbackFuel, costs[0]);
});

test("fuel: a budget too small for start fails loading with the fuel trap", () => {
  const host = new Host();
  assert.throws(
    () => host.loadPlugin({ wasm: MISBEHAVE, fuel: 5 }),
    (e) => e instanceof PluginLoadError && /fuel exhausted/.test(e.message),
  );
});

test("fuel + FAIL_RELOAD + crashLimit: a looping plugin is disabled after 3 loops", () => {
  const host = new Host({ now: 0 });
  const p = host.loadPlugin({
    wasm: MISBEHAVE,
    name: "spin",
    fuel: 20_000,
    failurePolicy: "reload",
    crashLimit: 3,
  });
  for (let i = 0; i < 3; i++) {
    host.advanceTime(1000);
    run(p, "loop");
  }
  assert.ok(p.disabled);
  assert.ok(p.crashes.every((c) => c.trapMessage.startsWith("fuel exhausted")));
  host.advanceTime(1000);
  assert.equal(run(p, "count").localResponse?.status, 503);
});

/**
 * A plugin in WAT whose on_request_headers runs `body` (locals $n, $i), importing `imports`.
 * `$g` is a helper with an early `return` (its exit must cost nothing).
 */
function loopPlugin(imports, body) {
  return compileWat(`(module
    ${imports}
    (memory (export "memory") 1)
    (func (export "malloc") (param i32) (result i32) (i32.const 2048))
    (func (export "proxy_abi_version_0_2_1"))
    (func $g (param i32) (result i32)
      (if (local.get 0) (then (return (i32.const 1))))
      (i32.const 2))
    (func $spin (param $n i32) (local $i i32) ${body})
    (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
      (call $spin (local.get 1))
      (i32.const 0)))`);
}
const SPIN_FOREVER = "(loop $l (br $l))";

test("fuel: a module without any import is instrumented and its loop traps (no binaryen *currp crash)", () => {
  const p = new Host().loadPlugin({ wasm: loopPlugin("", SPIN_FOREVER), fuel: 1000 });
  const s = run(p, "");
  assert.ok(s.error instanceof PluginTrapError, String(s.error));
  assert.match(s.error.trapMessage, /^fuel exhausted: the callback used more than 1000 fuel/);
  assert.equal(s.localResponse?.status, 503);
});

test("fuel: a module importing only WASI links the fuel import (not wasi_snapshot_preview1.log_execution)", () => {
  const wasm = loopPlugin(
    '(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))',
    SPIN_FOREVER,
  );
  const instrumented = instrumentFuel(wasm);
  const modules = WebAssembly.Module.imports(new WebAssembly.Module(instrumented)).map(
    (i) => i.module,
  );
  assert.ok(
    modules.every((m) => m === "wasi_snapshot_preview1" || m === "proxy_wasm_as_mock_fuel"),
    `imports: ${modules}`,
  );
  const p = new Host().loadPlugin({ wasm, fuel: 1000 });
  assert.match(run(p, "").error?.trapMessage ?? "", /^fuel exhausted/);
  // Bytes instrumented ahead of time load as they are (not instrumented twice).
  const q = new Host().loadPlugin({ wasm: instrumented, fuel: 1000 });
  assert.match(run(q, "").error?.trapMessage ?? "", /^fuel exhausted/);
});

test("fuel: an SDK plugin (it imports WASI and env) keeps only host imports plus the fuel import", () => {
  const modules = new Set(
    WebAssembly.Module.imports(new WebAssembly.Module(instrumentFuel(readFileSync(MISBEHAVE)))).map(
      (i) => i.module,
    ),
  );
  assert.deepEqual([...modules].sort(), [
    "env",
    "proxy_wasm_as_mock_fuel",
    "wasi_snapshot_preview1",
  ]);
});

test("fuel: 1 fuel = one function entry or one loop iteration (returns and exits are free)", () => {
  // on_request_headers (1) + $spin (1) + 2 calls of $g (2, one via an early return) + n
  // iterations of the loop.
  const wasm = loopPlugin(
    "",
    `(drop (call $g (i32.const 1))) (drop (call $g (i32.const 0)))
     (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
       (br_if $l (i32.lt_u (local.get $i) (local.get $n))))`,
  );
  const p = new Host().loadPlugin({ wasm, fuel: 10_000 });
  for (const headers of [1, 4, 9]) {
    const s = p.newHttpStream();
    const pairs = Array.from({ length: headers }, (_, i) => [`x-${i}`, "1"]);
    s.sendRequestHeaders(pairs, { endOfStream: true });
    assert.equal(p.lastCallbackFuel, 4 + headers, `${headers} headers → ${headers} iterations`);
  }
});
