// Issue 5 "failure policy" (reference §6.15): fail-closed, fail-open, FAIL_RELOAD with Envoy's
// backoff and wasm.<plugin>.vm_reload_* stats, crash records and the crash-loop limit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Host, PluginTrapError } from "../../sdk-host-mock/dist/index.js";
import { MISBEHAVE, run } from "./helpers.mjs";

test("§6.15 fail-closed (default): a crash gives 503 wasm_fail_stream, later streams too", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm: MISBEHAVE, name: "fc" });
  const s = run(p, "crash");
  assert.ok(s.error instanceof PluginTrapError);
  assert.deepEqual([s.localResponse?.status, s.localResponse?.details], [503, "wasm_fail_stream"]);
  const later = run(p, "count");
  assert.equal(later.localResponse?.status, 503);
  assert.equal(later.requestHeader("x-global-count"), null, "plugin not called");
  assert.equal(p.crashes.length, 1, "the later stream is no new crash");
});

test("§6.15 failurePolicy open: new streams bypass the failed plugin; the crashing stream still gets 503", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm: MISBEHAVE, failurePolicy: "open" });
  const s = run(p, "crash");
  assert.equal(s.localResponse?.status, 503, "in-flight: only the legacy fail_open bypasses");
  const later = run(p, "count");
  assert.equal(later.localResponse, null);
  assert.ok(later.requestHeadersForwarded, "bypassed");
  assert.equal(later.requestHeader("x-global-count"), null);
});

test("§6.15 legacy failOpen: the crashing stream too continues; failOpen + failurePolicy is rejected", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm: MISBEHAVE, failOpen: true });
  const s = run(p, "crash");
  assert.equal(s.localResponse, null);
  assert.throws(
    () => host.loadPlugin({ wasm: MISBEHAVE, failOpen: true, failurePolicy: "closed" }),
    /only one of fail_open or failure_policy can be set/,
  );
});

test("§6.15 FAIL_RELOAD: 503 within the backoff (vm_reload_backoff), then a fresh VM (vm_reload_success)", () => {
  const host = new Host({ now: 0 });
  const p = host.loadPlugin({ wasm: MISBEHAVE, name: "rl", failurePolicy: "reload" });
  run(p, "count");
  run(p, "count");
  const firstVm = p.vm;
  host.advanceTime(5000);
  assert.equal(run(p, "crash").localResponse?.status, 503);
  host.advanceTime(500);
  // Envoy measures the backoff from the last (re)load: 5.5 s ago.
  const early = run(p, "count");
  assert.equal(early.localResponse, null, "reload allowed");
  assert.equal(host.stats["wasm.rl.vm_reload_success"], 1);
  assert.notEqual(p.vm, firstVm);
  assert.equal(early.requestHeader("x-global-count"), "1", "globals start over in the new VM");
  assert.equal(early.requestHeader("x-shared-count"), "3", "shared data survives a reload");
  // A crash right after the reload: within 1 s of the last load → backoff.
  run(p, "crash");
  host.advanceTime(999);
  assert.equal(run(p, "count").localResponse?.status, 503);
  assert.equal(host.stats["wasm.rl.vm_reload_backoff"], 1);
  host.advanceTime(1);
  assert.equal(run(p, "count").localResponse, null);
  assert.equal(host.stats["wasm.rl.vm_reload_success"], 2);
  assert.equal(host.stats["wasm.rl.vm_reload_failure"], undefined);
});

test("FAIL_RELOAD backoff base from reload.baseIntervalMs, jitter in [base, 1.5 base)", () => {
  const host = new Host({ now: 0 });
  const p = host.loadPlugin({
    wasm: MISBEHAVE,
    name: "j",
    failurePolicy: "reload",
    reload: { baseIntervalMs: 200, jitter: () => 0.999 },
  });
  run(p, "crash");
  host.advanceTime(250);
  assert.equal(run(p, "count").localResponse?.status, 503, "250 < 200 + 0.999 × 100");
  host.advanceTime(50);
  assert.equal(run(p, "count").localResponse, null);
  assert.deepEqual(
    [host.stats["wasm.j.vm_reload_backoff"], host.stats["wasm.j.vm_reload_success"]],
    [1, 1],
  );
});

test("a reload whose configure returns false counts vm_reload_failure and keeps failing closed", () => {
  const host = new Host({ now: 0 });
  const p = host.loadPlugin({ wasm: MISBEHAVE, name: "rf", vmId: "rf", failurePolicy: "reload" });
  const failedVm = (run(p, "crash"), p.vm);
  host.sharedData.set("rf", "fail-configure", new Uint8Array([1]), 0);
  host.advanceTime(2000);
  assert.equal(run(p, "count").localResponse?.status, 503);
  assert.equal(host.stats["wasm.rf.vm_reload_failure"], 1);
  assert.equal(p.vm, failedVm, "the failed VM is kept");
  host.advanceTime(500);
  run(p, "count");
  assert.equal(
    host.stats["wasm.rf.vm_reload_backoff"],
    1,
    "backoff counts from the failed attempt",
  );
  host.sharedData.dropNamespace("rf");
  host.advanceTime(1000);
  assert.equal(run(p, "count").localResponse, null);
  assert.equal(host.stats["wasm.rf.vm_reload_success"], 1);
});

test("crash records: time, export, trap and plugin message, plugin stack, worker; vm_crash counter", () => {
  const host = new Host({ now: 1_000_000 });
  const p = host.loadPlugin({ wasm: MISBEHAVE, name: "cr", workers: 2 });
  host.advanceTime(42);
  run(p, "count");
  run(p, "crash"); // worker 1
  const [c] = p.crashes;
  assert.equal(c.time, 1_000_042);
  assert.equal(c.exportName, "proxy_on_request_headers");
  assert.equal(c.trapMessage, "unreachable");
  assert.equal(c.pluginMessage, "plugin crashed on purpose");
  assert.equal(c.worker, 1);
  assert.ok(
    c.wasmStack.some((f) => /onRequestHeaders/.test(f.functionName)),
    "named frames",
  );
  assert.equal(host.stats["wasm.cr.vm_crash"], 1);
});

test("crash-loop limit: after 3 crashes the plugin is disabled and requests get 503", () => {
  const host = new Host({ now: 0 });
  const p = host.loadPlugin({
    wasm: MISBEHAVE,
    name: "loop",
    failurePolicy: "reload",
    crashLimit: 3,
  });
  for (let i = 1; i <= 3; i++) {
    host.advanceTime(2000);
    const s = run(p, "crash");
    assert.equal(s.localResponse?.status, 503);
    assert.equal(p.crashes.length, i);
    assert.equal(p.disabled, i === 3);
  }
  assert.equal(host.stats["wasm.loop.vm_reload_success"], 2, "reloaded after crashes 1 and 2");
  host.advanceTime(60_000);
  const s = run(p, "count");
  assert.equal(s.localResponse?.status, 503);
  assert.equal(s.localResponse?.details, "wasm_fail_stream");
  assert.equal(s.requestHeader("x-global-count"), null, "the plugin is not run");
  assert.equal(host.stats["wasm.loop.vm_reload_success"], 2, "no more reloads");
  assert.equal(host.stats["wasm.loop.disabled"], 1);
});

test("crash-loop limit: a disabled plugin answers every worker's streams with the configured error", () => {
  const host = new Host();
  const p = host.loadPlugin({
    wasm: MISBEHAVE,
    workers: 2,
    crashLimit: 1,
    disabledReply: { status: 500, body: "plugin disabled", details: "plugin_disabled" },
  });
  run(p, "crash");
  for (let i = 0; i < 2; i++) {
    const s = run(p, "count");
    assert.deepEqual(
      [s.localResponse?.status, s.localResponse?.bodyText, s.localResponse?.details],
      [500, "plugin disabled", "plugin_disabled"],
    );
  }
});

test("per-request VMs: a crash only fails its own request", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm: MISBEHAVE, vmModel: "per-request" });
  assert.equal(run(p, "crash").localResponse?.status, 503);
  assert.equal(run(p, "count").localResponse, null);
  assert.equal(p.crashes.length, 1);
});

test("§6.15 TCP: a crash closes the connection (wasm_fail_stream); with policy open new connections bypass", () => {
  const host = new Host();
  const closed = host.loadPlugin({ wasm: MISBEHAVE, rootId: "tcp" });
  const t = closed.newTcpStream();
  assert.throws(() => t.sendDownstreamData("crash"), PluginTrapError);
  assert.equal(t.closeDetails, "wasm_fail_stream");
  const t2 = closed.newTcpStream();
  assert.equal(t2.sendDownstreamData("hello"), "Skipped");
  assert.equal(t2.closeDetails, "wasm_fail_stream");

  const open = host.loadPlugin({ wasm: MISBEHAVE, rootId: "tcp", failurePolicy: "open" });
  assert.throws(() => open.newTcpStream().sendDownstreamData("crash"), PluginTrapError);
  const t3 = open.newTcpStream();
  assert.equal(t3.sendDownstreamData("hello"), "Continue");
  assert.equal(t3.closeDetails, null);
});

test("TCP under FAIL_RELOAD: the next connection after the backoff runs on a fresh VM", () => {
  const host = new Host({ now: 0 });
  const p = host.loadPlugin({
    wasm: MISBEHAVE,
    rootId: "tcp",
    name: "tcp",
    failurePolicy: "reload",
  });
  assert.throws(() => p.newTcpStream().sendDownstreamData("crash"), PluginTrapError);
  host.advanceTime(1000);
  const t = p.newTcpStream();
  assert.equal(t.sendDownstreamData("hello"), "Continue");
  assert.equal(t.closeDetails, null);
  assert.equal(host.stats["wasm.tcp.vm_reload_success"], 1);
});
