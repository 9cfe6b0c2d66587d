// Linear-memory limits and guest address arithmetic (reference §1.2, §1.6, §1.7).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Host,
  PluginLoadError,
  PluginTrapError,
  FailState,
} from "../../sdk-host-mock/dist/index.js";
// Internal modules, to check the address arithmetic on a full 4 GiB memory (the 1 GiB cap
// keeps plugin memories far below the point where a 32-bit sum could wrap).
import { GuestMemory } from "../../sdk-host-mock/dist/memory.js";
import { WASI_HOSTCALLS } from "../../sdk-host-mock/dist/wasi.js";
import { compileWat } from "./wat.mjs";

const CAP = 16384; // PROXY_WASM_HOST_MAX_WASM_MEMORY_SIZE_BYTES (1 GiB) / 64 KiB

/** Loads a module with the given memory declaration; on_configure grows by a, then by b. */
function grow(memory, a, b) {
  const results = [];
  new Host().loadPlugin({
    wasm: compileWat(`(module
      (import "t" "r" (func $r (param i32 i32 i32)))
      ${memory}
      (func (export "malloc") (param i32) (result i32) (i32.const 1024))
      (func (export "proxy_abi_version_0_2_1"))
      (func (export "proxy_on_configure") (param i32 i32) (result i32)
        (call $r (memory.grow (i32.const ${a})) (memory.grow (i32.const ${b})) (memory.size))
        (i32.const 1)))`),
    imports: { t: { r: (...x) => results.push(...x) } },
  });
  return results;
}

test("§1.2 linear memory is capped at 1 GiB (16384 pages): memory.grow past it returns -1 for defined, imported and over-declared memories", () => {
  // no maximum declared: 1 + 16383 pages = exactly 1 GiB is fine, one more page is not
  assert.deepEqual(grow(`(memory (export "memory") 1)`, CAP - 1, 1), [1, -1, CAP]);
  // a declared maximum above the cap is lowered to it
  assert.deepEqual(grow(`(memory (export "memory") 1 20000)`, CAP, CAP - 1), [-1, 1, CAP]);
  // a maximum at or below the cap is kept
  assert.deepEqual(grow(`(memory (export "memory") 1 ${CAP})`, CAP - 1, 1), [1, -1, CAP]);
  assert.deepEqual(grow(`(memory (export "memory") 1 100)`, 100, 99), [-1, 1, 100]);
  // an imported memory is created with at most the cap
  assert.deepEqual(grow(`(import "env" "memory" (memory 1))`, CAP - 1, 1), [1, -1, CAP]);
  assert.deepEqual(grow(`(import "env" "memory" (memory 1 30000))`, CAP, 1), [-1, 1, 2]);
});

test("§1.2 an initial memory above 1 GiB fails the load (defined or imported)", () => {
  for (const memory of [
    `(memory (export "memory") ${CAP + 1})`,
    `(import "env" "memory" (memory ${CAP + 1}))`,
  ]) {
    let err = null;
    try {
      grow(memory, 0, 0);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof PluginLoadError, memory);
    assert.equal(err.failState, FailState.UnableToCreateVm);
    assert.equal(
      err.message,
      `Failed to load Wasm code: initial memory size (${CAP + 1} pages) is larger than implementation limit (${CAP} pages)`,
    );
  }
});

test("§6.15 trap frames keep the original module's byte offsets when the memory maximum was rewritten", () => {
  const src = (memory) =>
    compileWat(`(module ${memory}
      (func (export "malloc") (param i32) (result i32) (i32.const 1024))
      (func (export "proxy_abi_version_0_2_1"))
      (func $boom (export "proxy_on_tick") (param i32) nop unreachable))`);
  const frame = (wasm) => {
    const p = new Host().loadPlugin({ wasm });
    try {
      p.tick();
    } catch (e) {
      assert.ok(e instanceof PluginTrapError);
      return e.wasmStack[0];
    }
    assert.fail("expected a trap");
  };
  const rewritten = src(`(memory (export "memory") 1)`); // maximum added: 3 more bytes inside
  const kept = src(`(memory (export "memory") 1 ${CAP})`); // already capped: not rewritten
  assert.equal(kept.length, rewritten.length + 3);
  const a = frame(rewritten);
  const b = frame(kept);
  assert.equal(a.functionName, "boom");
  assert.equal(a.offset, b.offset - 3);
  assert.equal(rewritten[a.offset], 0x00); // the `unreachable` opcode in the original binary
});

test("§1.7/§1.6 guest addresses never wrap at 2^32: out-of-range reads/writes fail, WASI iovec and environ arrays running past 2^32 give errno 21", () => {
  const memory = new WebAssembly.Memory({ initial: 65536 }); // 4 GiB, virtual
  const g = new GuestMemory(memory, () => 0);
  const top = 2 ** 32;
  const dv = new DataView(memory.buffer);
  dv.setUint32(0, 200, true);
  dv.setUint32(4, 5, true);
  dv.setUint32(top - 4, 7, true);
  assert.equal(g.readU32(top - 4), 7);
  assert.equal(g.readU32(-4), 7); // a raw i32 argument is read as unsigned
  assert.equal(g.readU32(top), null); // a computed offset of 2^32 is not address 0
  assert.equal(g.readU32(top + 4), null);
  assert.equal(g.read(top - 2, 4), null);
  assert.equal(g.readString(top, 0), null);
  assert.equal(g.writeU32(top, 1), false);
  assert.equal(g.writeU64(top - 4, 1n), false);
  assert.equal(g.write(top + 8, new Uint8Array(1)), false);
  assert.equal(dv.getUint32(0, true), 200);

  const logs = [];
  const vm = {
    memory: g,
    plugin: { log: (level, msg) => logs.push([level, msg]), environment: { A: "1", B: "2" } },
    current: () => ({ id: 0 }),
    abortMessage: null,
  };
  const wasi = (name) => WASI_HOSTCALLS.find((d) => d.name === name).impl(vm);
  // fd_write: iovec array at 0xFFFFFFF8 with 2 entries; the 2nd one would sit at 2^32
  new Uint8Array(memory.buffer).set(new TextEncoder().encode("hi"), 100);
  new Uint8Array(memory.buffer).set(new TextEncoder().encode("alias"), 200);
  dv.setUint32(top - 8, 100, true);
  dv.setUint32(top - 4, 2, true);
  assert.equal(wasi("fd_write")(1, -8, 2, 16), 21);
  assert.deepEqual(logs, []);
  assert.equal(wasi("fd_write")(1, -8, 1, 16), 0);
  assert.deepEqual(logs, [[2, "hi"]]);
  // environ_get: the 2nd pointer slot would sit at 2^32
  assert.equal(wasi("environ_get")(-4, 4096), 21);
  assert.equal(dv.getUint32(0, true), 200);

  // an empty iovec's buffer is not read (cpp-host skips it), so its pointer is not checked
  const small = new WebAssembly.Memory({ initial: 1 });
  const sdv = new DataView(small.buffer);
  sdv.setUint32(0, 0x10000000, true);
  sdv.setUint32(4, 0, true);
  sdv.setUint32(8, 100, true);
  sdv.setUint32(12, 2, true);
  new Uint8Array(small.buffer).set(new TextEncoder().encode("ok"), 100);
  vm.memory = new GuestMemory(small, () => 0);
  logs.length = 0;
  assert.equal(wasi("fd_write")(2, 0, 2, 16), 0);
  assert.deepEqual(logs, [[4, "ok"]]);
  assert.equal(sdv.getUint32(16, true), 2);
});
