// Issue 3 item 2 (topology) and issue 5 "VM models": which plugins share a VM, worker VMs,
// ephemeral per-request VMs, and independent Hosts in one process.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Host } from "../../sdk-host-mock/dist/index.js";
import { MISBEHAVE, ROOTS, run } from "./helpers.mjs";

const header = (s, name) => s.requestHeader(name);

test("shared (Envoy): two root ids with the same vm_id/code/vm_config share one VM, each with its own root context", () => {
  const host = new Host();
  const alpha = host.loadPlugin({
    wasm: ROOTS,
    rootId: "alpha",
    name: "a",
    vmId: "v",
    vmModel: "shared",
  });
  const beta = host.loadPlugin({
    wasm: ROOTS,
    rootId: "beta",
    name: "b",
    vmId: "v",
    vmModel: "shared",
  });
  assert.equal(alpha.vm, beta.vm, "one VM");
  assert.deepEqual([alpha.id, beta.id], [1, 2], "root context ids allocated in the shared VM");
  const s1 = run(alpha, null);
  const s2 = run(beta, null);
  const s3 = run(alpha, null);
  assert.deepEqual(
    [s1, s2, s3].map((s) => [
      header(s, "x-root"),
      header(s, "x-vm-streams"),
      header(s, "x-root-streams"),
    ]),
    [
      ["alpha", "1", "1"],
      ["beta", "2", "1"],
      ["alpha", "3", "2"],
    ],
  );
  assert.equal(header(s2, "x-root-id"), "2");
});

test("shared: a different vm_id, vm_configuration or code gets its own VM", () => {
  const host = new Host();
  const base = { wasm: ROOTS, rootId: "alpha", vmModel: "shared", vmId: "v" };
  const a = host.loadPlugin(base);
  const b = host.loadPlugin({ ...base, vmId: "w" });
  const c = host.loadPlugin({ ...base, vmConfiguration: "x" });
  const d = host.loadPlugin({ ...base, wasm: MISBEHAVE });
  const e = host.loadPlugin(base);
  assert.equal(new Set([a.vm, b.vm, c.vm, d.vm]).size, 4);
  assert.equal(e.vm, a.vm);
});

test("per-use (default): every loadPlugin gets its own VM, globals not shared", () => {
  const host = new Host();
  const alpha = host.loadPlugin({ wasm: ROOTS, rootId: "alpha" });
  const beta = host.loadPlugin({ wasm: ROOTS, rootId: "beta" });
  assert.notEqual(alpha.vm, beta.vm);
  assert.equal(header(run(alpha, null), "x-vm-streams"), "1");
  assert.equal(header(run(beta, null), "x-vm-streams"), "1");
});

test("per-plugin: uses of the same plugin share a VM, other plugins do not", () => {
  const host = new Host();
  const use1 = host.loadPlugin({
    wasm: ROOTS,
    rootId: "alpha",
    name: "p",
    vmModel: "per-plugin",
    configuration: "1",
  });
  const use2 = host.loadPlugin({
    wasm: ROOTS,
    rootId: "alpha",
    name: "p",
    vmModel: "per-plugin",
    configuration: "2",
  });
  const other = host.loadPlugin({ wasm: ROOTS, rootId: "beta", name: "q", vmModel: "per-plugin" });
  assert.equal(use1.vm, use2.vm);
  assert.notEqual(use1.vm, other.vm);
  run(use1, null);
  assert.equal(header(run(use2, null), "x-vm-streams"), "2");
  assert.equal(header(run(other, null), "x-vm-streams"), "1");
});

test("per-request: every stream runs on a fresh VM (globals never carry over) that is shut down after it", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm: MISBEHAVE, vmModel: "per-request", vmId: "pr" });
  const streams = [run(p, "count"), run(p, "count"), run(p, "count")];
  assert.deepEqual(
    streams.map((s) => header(s, "x-global-count")),
    ["1", "1", "1"],
  );
  assert.deepEqual(
    streams.map((s) => header(s, "x-shared-count")),
    ["1", "2", "3"],
    "shared data survives",
  );
  assert.equal(new Set(streams.map((s) => s.plugin.vm)).size, 3);
  for (const s of streams) assert.equal(s.plugin.state, "deleted", "ephemeral root shut down");
  assert.equal(p.state, "active");
});

test("workers: N worker VMs, round robin; globals per worker, shared data shared", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm: MISBEHAVE, workers: 3, vmId: "w" });
  assert.equal(p.workers.length, 3);
  assert.equal(new Set(p.workers.map((w) => w.vm)).size, 3, "one VM per worker");
  const streams = Array.from({ length: 6 }, () => run(p, "count"));
  assert.deepEqual(
    streams.map((s) => s.plugin.workerIndex),
    [0, 1, 2, 0, 1, 2],
  );
  assert.deepEqual(
    streams.map((s) => header(s, "x-global-count")),
    ["1", "1", "1", "2", "2", "2"],
  );
  assert.deepEqual(
    streams.map((s) => header(s, "x-shared-count")),
    ["1", "2", "3", "4", "5", "6"],
  );
});

test("workers: a test pins a stream to a worker, or chooses with selectWorker", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm: MISBEHAVE, workers: 2, selectWorker: () => 1 });
  assert.equal(run(p, "count").plugin.workerIndex, 1);
  assert.equal(run(p, "count", [], { worker: 0 }).plugin.workerIndex, 0);
  assert.equal(header(run(p, "count"), "x-global-count"), "2");
  assert.throws(() => p.newHttpStream({ worker: 2 }), /worker 2 out of range/);
});

test("workers under the shared model: each worker VM holds every root of the vm_id", () => {
  const host = new Host();
  const alpha = host.loadPlugin({ wasm: ROOTS, rootId: "alpha", vmModel: "shared", workers: 2 });
  const beta = host.loadPlugin({ wasm: ROOTS, rootId: "beta", vmModel: "shared", workers: 2 });
  assert.equal(alpha.workers[0].vm, beta.workers[0].vm);
  assert.equal(alpha.workers[1].vm, beta.workers[1].vm);
  assert.notEqual(alpha.workers[0].vm, alpha.workers[1].vm);
});

test("a crash on one worker does not fail the other workers", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm: MISBEHAVE, workers: 2 });
  const crashed = run(p, "crash");
  assert.equal(crashed.localResponse?.status, 503);
  assert.ok(p.workers[0].failed);
  assert.ok(!p.workers[1].failed);
  assert.equal(run(p, "count").localResponse, null, "worker 1 still serves");
  assert.equal(run(p, "count").localResponse?.status, 503, "worker 0 stays failed (fail-closed)");
});

test("many hosts: two Hosts interleaved (and concurrently via promises) do not interfere", async () => {
  const hosts = [new Host(), new Host()];
  const plugins = hosts.map((h) => h.loadPlugin({ wasm: MISBEHAVE, vmId: "same" }));
  // Interleaved: each host's shared data and globals count its own requests only.
  for (let i = 1; i <= 3; i++) {
    for (const p of plugins) {
      const s = run(p, "count");
      assert.equal(s.requestHeader("x-shared-count"), String(i));
      assert.equal(s.requestHeader("x-global-count"), String(i));
    }
  }
  // A crash in one host leaves the other untouched.
  run(plugins[0], "crash");
  assert.ok(plugins[0].failed);
  assert.ok(!plugins[1].failed);
  // Concurrently scheduled work on two more hosts.
  const results = await Promise.all(
    [0, 1].map(async (k) => {
      const h = new Host();
      const p = h.loadPlugin({ wasm: MISBEHAVE });
      const out = [];
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setImmediate(r));
        out.push(run(p, "count").requestHeader("x-shared-count"));
      }
      return [k, out];
    }),
  );
  for (const [, out] of results) assert.deepEqual(out, ["1", "2", "3", "4", "5"]);
});

test("workers: shutting the plugin down shuts down every worker root", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm: MISBEHAVE, workers: 3, trace: true });
  p.shutdown();
  assert.deepEqual(
    p.workers.map((w) => w.state),
    ["deleted", "deleted", "deleted"],
  );
  assert.equal(p.workers[2].trace.filter((e) => e.fn === "proxy_on_delete").length, 1);
});

test("shared: a plugin that fails to configure is rejected in a canary VM; the shared VM keeps serving", () => {
  const host = new Host();
  const good = host.loadPlugin({ wasm: MISBEHAVE, name: "good", vmModel: "shared" });
  run(good, "count");
  assert.throws(
    () =>
      host.loadPlugin({
        wasm: MISBEHAVE,
        name: "bad",
        vmModel: "shared",
        configuration: "fail-configure",
      }),
    /Failed to configure base Wasm plugin: plugin bad/,
  );
  assert.ok(!good.failed);
  assert.deepEqual(
    [...good.vm.contexts.keys()],
    [1],
    "no root of the rejected plugin in the shared VM",
  );
  assert.equal(run(good, "count").requestHeader("x-global-count"), "2");
});

test("workers: shared queues are shared by the worker VMs; the last registrant's root is notified (§6.11)", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm: MISBEHAVE, workers: 2, vmId: "q" });
  run(p, "count", [], { worker: 0 });
  run(p, "count", [], { worker: 0 });
  run(p, "enqueue", [["x-value", "from worker 0"]], { worker: 0 });
  // Worker 1 registered "q" last: its root dequeues; its globals saw no request.
  assert.deepEqual(p.logMessages("info"), ["dequeued from worker 0 where count=0"]);
});

test("pluginDefaults: a whole Host runs its plugins under one VM model; a plugin's own options win", () => {
  const host = new Host({ pluginDefaults: { vmModel: "per-request", workers: 2 } });
  const p = host.loadPlugin({ wasm: MISBEHAVE });
  assert.deepEqual(
    [run(p, "count"), run(p, "count")].map((s) => s.requestHeader("x-global-count")),
    ["1", "1"],
  );
  const q = host.loadPlugin({ wasm: MISBEHAVE, vmModel: "per-use" });
  assert.equal(q.workers.length, 2);
  assert.deepEqual(
    [run(q, "count"), run(q, "count"), run(q, "count")].map((s) =>
      s.requestHeader("x-global-count"),
    ),
    ["1", "1", "2"],
  );
});

test("shared: a crash in one plugin fails the VM for every plugin in it; the crash is recorded for the culprit", () => {
  const host = new Host();
  const crashy = host.loadPlugin({ wasm: MISBEHAVE, name: "crashy", vmModel: "shared" });
  const bystander = host.loadPlugin({ wasm: MISBEHAVE, name: "bystander", vmModel: "shared" });
  assert.equal(crashy.vm, bystander.vm);
  run(crashy, "crash");
  assert.ok(bystander.failed, "same VM");
  assert.equal(run(bystander, "count").localResponse?.status, 503);
  assert.deepEqual([crashy.crashes.length, bystander.crashes.length], [1, 0]);
  assert.equal(host.stats["wasm.crashy.vm_crash"], 1);
  // Per-use VMs isolate the bystander.
  const other = new Host();
  const a = other.loadPlugin({ wasm: MISBEHAVE, name: "a" });
  const b = other.loadPlugin({ wasm: MISBEHAVE, name: "b" });
  run(a, "crash");
  assert.equal(run(b, "count").localResponse, null);
});

test("shared: the first plugin of a key failing to configure leaves no VM for the next one to join", () => {
  const host = new Host();
  assert.throws(() =>
    host.loadPlugin({ wasm: MISBEHAVE, vmModel: "shared", configuration: "fail-configure" }),
  );
  const next = host.loadPlugin({ wasm: MISBEHAVE, vmModel: "shared" });
  assert.equal(next.id, 1, "a fresh VM: the first root context id");
  assert.deepEqual([...next.vm.contexts.keys()], [1]);
});
