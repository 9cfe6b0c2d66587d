// Envoy's runtime lifecycle stats (stats_handler.cc LifecycleStatsHandler) in host.stats:
// `wasm.<runtime>.created` counts every Wasm object (VM) constructed — also one that then fails
// to load, start or configure, and the configuration canary — and `wasm.<runtime>.active` is the
// number alive. The mock plays the V8 runtime: `envoy.wasm.runtime.v8`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Host, PluginLoadError } from "../../sdk-host-mock/dist/index.js";
import { MISBEHAVE, run } from "./helpers.mjs";

const CREATED = "wasm.envoy.wasm.runtime.v8.created";
const ACTIVE = "wasm.envoy.wasm.runtime.v8.active";
const lifecycle = (host) => [host.stats[CREATED] ?? 0, host.stats[ACTIVE] ?? 0];

test("lifecycle stats: one VM per loaded plugin and per worker; shutdown makes them inactive", () => {
  const host = new Host();
  assert.deepEqual(lifecycle(host), [0, 0]);
  const a = host.loadPlugin({ wasm: MISBEHAVE, name: "a" });
  assert.deepEqual(lifecycle(host), [1, 1]);
  const b = host.loadPlugin({ wasm: MISBEHAVE, name: "b", workers: 3 });
  assert.deepEqual(lifecycle(host), [4, 4], "three worker VMs");
  run(b, "count");
  b.shutdown();
  assert.deepEqual(lifecycle(host), [4, 1], "every worker root deleted: its VM is gone");
  a.shutdown();
  assert.deepEqual(lifecycle(host), [4, 0]);
});

test("lifecycle stats: modules that fail to load or start were created and are not active", () => {
  const host = new Host();
  assert.throws(
    () => host.loadPlugin({ wasm: MISBEHAVE, maxMemoryBytes: 0 }),
    (e) => e instanceof PluginLoadError && /initial memory size/.test(e.message),
  );
  assert.deepEqual(lifecycle(host), [1, 0], "Envoy constructs the Wasm object before loading");
  assert.throws(() => host.loadPlugin({ wasm: MISBEHAVE, fuel: 5 }), /fuel exhausted/);
  assert.deepEqual(lifecycle(host), [2, 0], "a _start that traps");
  assert.throws(
    () => host.loadPlugin({ wasm: MISBEHAVE, configuration: "fail-configure" }),
    /Failed to configure/,
  );
  assert.deepEqual(lifecycle(host), [3, 0], "a configure that fails");
});

test("lifecycle stats: joining a shared VM costs a configuration canary (created, then gone)", () => {
  const host = new Host();
  host.loadPlugin({ wasm: MISBEHAVE, name: "one", vmModel: "shared" });
  host.loadPlugin({ wasm: MISBEHAVE, name: "two", vmModel: "shared" });
  assert.deepEqual(lifecycle(host), [2, 1], "second plugin: canary created and destroyed");
  assert.throws(() =>
    host.loadPlugin({
      wasm: MISBEHAVE,
      name: "bad",
      vmModel: "shared",
      configuration: "fail-configure",
    }),
  );
  assert.deepEqual(lifecycle(host), [3, 1], "a rejected canary is not active either");
});

test("lifecycle stats: per-request VMs live for their stream; a reload replaces the failed VM", () => {
  const host = new Host({ now: 0 });
  const p = host.loadPlugin({ wasm: MISBEHAVE, vmModel: "per-request" });
  for (let i = 0; i < 3; i++) run(p, "count");
  assert.deepEqual(lifecycle(host), [4, 1], "the plugin's own VM + one per stream");

  const h2 = new Host({ now: 0 });
  const r = h2.loadPlugin({ wasm: MISBEHAVE, failurePolicy: "reload" });
  run(r, "crash");
  assert.ok(r.failed, "the VM trapped");
  assert.deepEqual(lifecycle(h2), [1, 1], "a failed VM stays until it is replaced");
  h2.advanceTime(1000);
  assert.equal(run(r, "count").error, null);
  assert.deepEqual(lifecycle(h2), [2, 1], "the reload created a VM and destroyed the failed one");
});
