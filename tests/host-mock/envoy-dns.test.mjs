// Envoy's DNS extension: env.envoy_resolve_dns and the envoy_on_resolve_dns callback
// (reference §1.5, §3.11, §5.8), through tests/fixtures/wat/envoy_dns.wat.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  Host,
  PluginLoadError,
  FailState,
  WasmResult as R,
} from "../../sdk-host-mock/dist/index.js";
import { compileWat } from "./wat.mjs";

const SOURCE = readFileSync(new URL("../fixtures/wat/envoy_dns.wat", import.meta.url), "utf8");
const enc = new TextEncoder();

/** Loads envoy_dns.wat (optionally edited); `onTick(api)` runs inside proxy_on_tick. */
function load({ abi = "0_2_1", edit = (s) => s, host = new Host() } = {}) {
  const wasm = compileWat(
    edit(SOURCE.replace("proxy_abi_version_0_2_1", `proxy_abi_version_${abi}`)),
  );
  const state = { onTick: null, dns: [] };
  let x;
  const mem = () => new DataView(x.memory.buffer);
  const api = {
    /** envoy_resolve_dns with the address written at 1024; token slot at `tokenPtr`. */
    resolve(address, { addrPtr = 1024, tokenPtr = 2048 } = {}) {
      const bytes = enc.encode(address);
      new Uint8Array(x.memory.buffer).set(bytes, 1024);
      mem().setUint32(2048, 0xdeadbeef, true);
      const result = x.h_resolve(addrPtr, bytes.length, tokenPtr);
      return { result, token: mem().getUint32(2048, true) };
    },
    /** get_buffer_bytes(8, 0, all) → { result, bytes } */
    callData() {
      mem().setUint32(3000, 0xdeadbeef, true);
      mem().setUint32(3004, 0xdeadbeef, true);
      const result = x.h_get_buffer_bytes(8, 0, 0xffffffff, 3000, 3004);
      const ptr = mem().getUint32(3000, true);
      const len = mem().getUint32(3004, true);
      return {
        result,
        bytes: result === 0 ? new Uint8Array(x.memory.buffer).slice(ptr, ptr + len) : null,
      };
    },
  };
  const plugin = host.loadPlugin({
    wasm,
    imports: {
      test: {
        tick: (root) => state.onTick?.(api, root),
        dns: (root, token, size) => state.dns.push({ root, token, size, data: api.callData() }),
      },
    },
    onInstance: (e) => (x = e),
  });
  return { plugin, state, api };
}

test("§1.5/§3.11 envoy_resolve_dns is linked for every ABI version; tokens come from a per-VM counter (1, 2, …); accepted lookups are recorded", () => {
  for (const abi of ["0_1_0", "0_2_0", "0_2_1"]) {
    const { plugin, state } = load({ abi });
    const got = [];
    state.onTick = (api) => {
      got.push(api.resolve("example.com"));
      got.push(api.resolve("upstream.local"));
      // bad address memory → IMA, no token used
      got.push(api.resolve("x", { addrPtr: 0xfffffff0 }));
      // bad token pointer → IMA; the token is used up (Envoy takes it before writing)
      got.push(api.resolve("lost", { tokenPtr: 0x7ffffff0 }).result);
      got.push(api.resolve("after"));
    };
    plugin.tick();
    assert.deepEqual(got, [
      { result: R.Ok, token: 1 },
      { result: R.Ok, token: 2 },
      { result: R.InvalidMemoryAccess, token: 0xdeadbeef },
      R.InvalidMemoryAccess,
      { result: R.Ok, token: 4 },
    ]);
    assert.deepEqual(plugin.dnsRequests, [
      { token: 1, address: "example.com" },
      { token: 2, address: "upstream.local" },
      { token: 4, address: "after" },
    ]);
  }
  // per VM: a second plugin (its own VM) starts again at 1
  const host = new Host();
  const a = load({ host });
  const b = load({ host });
  let tb;
  a.state.onTick = (api) => api.resolve("a");
  b.state.onTick = (api) => (tb = api.resolve("b").token);
  a.plugin.tick();
  b.plugin.tick();
  assert.equal(tb, 1);
});

test("§5.8 respondToDns → envoy_on_resolve_dns(root, token, size) with buffer 8 = u32 N, N × u32 ttl, N NUL-terminated addresses; failure → size 0", () => {
  const { plugin, state } = load();
  state.onTick = (api) => {
    api.resolve("a.example");
    api.resolve("b.example");
    api.resolve("c.example");
  };
  plugin.tick();
  plugin.respondToDns(1, [
    { address: "10.0.0.1:0", ttlSeconds: 30 },
    { address: "[::1]:0", ttlSeconds: 5 },
  ]);
  plugin.respondToDns(2, null);
  plugin.respondToDns(3, []);
  const expected = new Uint8Array([
    2,
    0,
    0,
    0,
    30,
    0,
    0,
    0,
    5,
    0,
    0,
    0,
    ...enc.encode("10.0.0.1:0"),
    0,
    ...enc.encode("[::1]:0"),
    0,
  ]);
  assert.deepEqual(state.dns, [
    { root: 1, token: 1, size: expected.length, data: { result: R.Ok, bytes: expected } },
    { root: 1, token: 2, size: 0, data: { result: R.Ok, bytes: new Uint8Array(0) } },
    { root: 1, token: 3, size: 4, data: { result: R.Ok, bytes: new Uint8Array(4) } },
  ]);
  assert.throws(() => plugin.respondToDns(2, null), /already answered/);
  assert.throws(() => plugin.respondToDns(99, null), /no DNS request with token 99/);
});

test("§2.1/§5.8 envoy_on_resolve_dns is optional (answer skipped silently) and signature-checked", () => {
  const { plugin, state } = load({
    edit: (s) => s.replace('(export "envoy_on_resolve_dns")', ""),
  });
  state.onTick = (api) => api.resolve("a.example");
  plugin.tick();
  plugin.respondToDns(1, [{ address: "10.0.0.1:0", ttlSeconds: 1 }]);
  assert.deepEqual(state.dns, []);
  let err = null;
  try {
    load({
      edit: (s) =>
        s.replace(
          /\(func \(export "envoy_on_resolve_dns"\)[^\n]*\n[^\n]*\)\)\)/,
          '(func (export "envoy_on_resolve_dns") (param i32 i32))',
        ),
    });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof PluginLoadError);
  assert.equal(err.failState, FailState.UnableToInitializeCode);
  assert.match(
    err.message,
    /^Bad function signature for: envoy_on_resolve_dns, want: i32 i32 i32 -> void/,
  );
});
