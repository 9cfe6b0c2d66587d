// Shared queues through the SDK's API (assembly/api/queues.ts, reference §3.8, §6.11; pitfall
// T2), with tests/plugins/sdk-queues.ts: a consumer root registers, producer streams in another
// VM of the same vm_id resolve and enqueue, the registrant's onQueueReady drains until Empty;
// unresolvable queues and unknown tokens give null / NotFound.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host } from "proxy-wasm-as/host-mock";
import { get, plugin } from "./plugins.mjs";

const wasm = plugin("sdk-queues");

function pair(host = new Host(), vmId = "shared") {
  const consumer = host.loadPlugin({ wasm, rootId: "consumer", vmId });
  const producer = host.loadPlugin({ wasm, rootId: "producer", vmId });
  return { host, consumer, producer };
}

function send(plugin, path, extra = []) {
  const s = plugin.newHttpStream();
  s.sendRequestHeaders(get(path, extra), { endOfStream: true });
  s.complete();
}

test("register gives a token; items enqueued by another VM reach the registrant's onQueueReady", () => {
  const { consumer, producer } = pair();
  assert.deepEqual(consumer.logMessages("info"), ["registered: 1"]);
  send(producer, "/a");
  send(producer, "/b");
  assert.deepEqual(producer.logMessages("info"), ["enqueue /a: 0", "enqueue /b: 0"]);
  // One notification per enqueue (§6.11); the first drains both items, the second finds none.
  assert.deepEqual(consumer.logMessages("info").slice(1), [
    "drained [/a] then 7",
    "drained [/b] then 7",
  ]);
});

test("one notification can find several items, the next none; dequeue until Empty (7)", () => {
  const { consumer, producer } = pair();
  // Two enqueues in one callback: both notifications run after it (§6.11).
  send(producer, "/bytes");
  assert.deepEqual(consumer.logMessages("info").slice(1), [
    "drained [/bytes,raw] then 7",
    "drained [] then 7",
  ]);
});

test("resolve before anyone registered: null and NotFound; the stream still continues (pitfall T2)", () => {
  const host = new Host();
  const producer = host.loadPlugin({ wasm, rootId: "producer", vmId: "lonely" });
  send(producer, "/x");
  assert.deepEqual(producer.logMessages("info"), ["resolve failed: 1"]);
  // Another vm_id's queue is not visible by the caller's vm_id…
  const { producer: other } = pair(host, "shared");
  send(other, "/y", [
    ["x-queue", "events"],
    ["x-vm", "lonely"],
  ]);
  assert.deepEqual(other.logMessages("info"), ["resolve failed: 1"]);
  // …but is when the vm_id is named.
  send(producer, "/z", [
    ["x-queue", "events"],
    ["x-vm", "shared"],
  ]);
  assert.ok(producer.logMessages("info").includes("enqueue /z: 0"));
});

test("an unknown token: enqueue NotFound, dequeue null with NotFound", () => {
  const p = new Host().loadPlugin({ wasm, rootId: "stranger" });
  assert.deepEqual(p.logMessages("info"), ["enqueue unknown: 1", "dequeue unknown: null 1"]);
});
