// One test per row of reference §3.8 (shared data and queues), with §6.10/§6.11, driven by WAT
// driver plugins (several in one Host to show what is process-wide).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Host, WasmResult as R } from "../../../sdk-host-mock/dist/index.js";
import { Driver } from "../wat.mjs";

const driver = (host, vmId, handlers = {}) =>
  new Driver({ host, plugin: { vmId, name: vmId || "default" }, handlers });

test("§3.8 proxy_get_shared_data: value and cas of the caller's vm_id namespace; missing → NotFound", () => {
  const host = new Host();
  const a = driver(host, "a");
  const b = driver(host, "b");
  assert.equal(a.setShared("k", "in-a", 0), R.Ok);
  assert.deepEqual(a.getShared("k"), { result: R.Ok, value: "in-a", cas: 1 });
  assert.deepEqual(b.getShared("k"), { result: R.NotFound, value: null, cas: 0 });
  assert.deepEqual(a.plugin.sharedData, { k: { value: "in-a", cas: 1 } });
});

test("§3.8 proxy_set_shared_data: cas 0 unconditional, stale cas → CasMismatch, cas on a missing key succeeds, process-wide counter from 1 across namespaces", () => {
  const host = new Host();
  const a = driver(host, "a");
  const b = driver(host, "b");
  assert.equal(a.setShared("x", "1", 7), R.Ok); // missing key: any cas is accepted
  assert.equal(a.getShared("x").cas, 1);
  assert.equal(b.setShared("x", "other-ns", 0), R.Ok);
  assert.equal(b.getShared("x").cas, 2);
  assert.equal(a.setShared("x", "2", 1), R.Ok);
  assert.equal(a.getShared("x").cas, 3);
  assert.equal(a.setShared("x", "stale", 1), R.CasMismatch);
  assert.equal(a.setShared("x", "forced", 0), R.Ok);
  assert.deepEqual(a.getShared("x"), { result: R.Ok, value: "forced", cas: 4 });
  // an independent Host starts its own counter at 1
  const c = driver(new Host(), "a");
  c.setShared("x", "1", 0);
  assert.equal(c.getShared("x").cas, 1);
});

function register(d, name) {
  const out = d.alloc(4);
  const result = d.x.h_proxy_register_shared_queue(...d.put(name), out);
  return { result, token: d.u32(out) };
}
function resolve(d, vmId, name) {
  const out = d.alloc(4);
  d.mem.setUint32(out, 0, true);
  const result = d.x.h_proxy_resolve_shared_queue(...d.put(vmId), ...d.put(name), out);
  return { result, token: d.u32(out) };
}
const enqueue = (d, token, v) => d.x.h_proxy_enqueue_shared_queue(token, ...d.put(v));
function dequeue(d, token) {
  const out = d.outPair();
  const result = d.x.h_proxy_dequeue_shared_queue(token, out, out + 4);
  return { result, value: result === R.Ok ? d.text(out) : null };
}

test("§3.8 proxy_register_shared_queue: process-wide tokens from 1; the same (vm_id, name) keeps its token and items; the last registrant's root is notified", () => {
  const host = new Host();
  const readyA = [];
  const readyB = [];
  const a = driver(host, "shared", { proxy_on_queue_ready: (root, t) => readyA.push([root, t]) });
  const b = driver(host, "shared", { proxy_on_queue_ready: (root, t) => readyB.push([root, t]) });
  const other = driver(host, "other");
  assert.deepEqual(register(a, "q"), { result: R.Ok, token: 1 });
  assert.deepEqual(register(other, "q"), { result: R.Ok, token: 2 });
  assert.equal(enqueue(a, 1, "one"), R.Ok);
  assert.deepEqual(readyA, [[1, 1]]);
  assert.deepEqual(register(b, "q"), { result: R.Ok, token: 1 }); // same pair → same token
  assert.equal(enqueue(other, 1, "two"), R.Ok);
  assert.deepEqual(readyA, [[1, 1]]);
  assert.deepEqual(readyB, [[1, 1]]);
  assert.deepEqual(
    host.sharedQueues.get(1).items.map((i) => new TextDecoder().decode(i)),
    ["one", "two"],
  );
});

test("§3.8 proxy_resolve_shared_queue: across vm_ids by name; empty vm_id = the caller's own; unregistered → NotFound", () => {
  const host = new Host();
  const owner = driver(host, "owner");
  const other = driver(host, "other");
  const { token } = register(owner, "jobs");
  assert.deepEqual(resolve(other, "owner", "jobs"), { result: R.Ok, token });
  assert.deepEqual(resolve(owner, "", "jobs"), { result: R.Ok, token });
  assert.deepEqual(resolve(other, "", "jobs"), { result: R.NotFound, token: 0 });
  assert.deepEqual(resolve(other, "owner", "nope"), { result: R.NotFound, token: 0 });
});

test("§3.8 proxy_enqueue_shared_queue: any VM may enqueue by token; one proxy_on_queue_ready per enqueue, after the enqueuing call returns; unknown token → NotFound", () => {
  const host = new Host();
  const order = [];
  const owner = driver(host, "owner", {
    proxy_on_queue_ready: (root, token) => order.push(["ready", root, token]),
  });
  const producer = driver(host, "producer", {
    proxy_on_tick() {
      const { token } = resolve(this, "owner", "q");
      order.push(["enqueue", enqueue(this, token, "a")]);
      order.push(["enqueue", enqueue(this, token, "b")]);
      order.push(["tick returns"]);
    },
  });
  const { token } = register(owner, "q");
  producer.plugin.tick();
  assert.deepEqual(order, [
    ["enqueue", R.Ok],
    ["enqueue", R.Ok],
    ["tick returns"],
    ["ready", 1, token],
    ["ready", 1, token],
  ]);
  assert.equal(enqueue(producer, 99, "x"), R.NotFound);
});

test("§3.8 proxy_dequeue_shared_queue: FIFO, Empty when drained, unknown token → NotFound", () => {
  const d = driver(new Host(), "");
  const { token } = register(d, "q");
  enqueue(d, token, "first");
  enqueue(d, token, "second");
  assert.deepEqual(dequeue(d, token), { result: R.Ok, value: "first" });
  assert.deepEqual(dequeue(d, token), { result: R.Ok, value: "second" });
  assert.deepEqual(dequeue(d, token), { result: R.Empty, value: null });
  assert.deepEqual(dequeue(d, 1234), { result: R.NotFound, value: null });
});
