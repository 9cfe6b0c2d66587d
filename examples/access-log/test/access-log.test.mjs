// Host-mock tests of the access-log example: the filter (root "access-log") enqueues one JSON
// line per finished request; the singleton shipper (root "access-log-shipper", same vm_id)
// drains the queue on its tick or when a batch is full, POSTs ndjson batches to the sink,
// counts lost batches (error status, reset), reports totals; lines without a shipper are
// dropped with one warning; bad configurations are rejected.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";

const wasm = new URL("../build/access-log.wasm", import.meta.url).pathname;
const settings = {
  queue: "access-log",
  cluster: "log-sink",
  authority: "logs.internal",
  path: "/ingest",
  flushIntervalMs: 1000,
  maxBatch: 3,
  statsIntervalMs: 5000,
};

function setup(overrides = {}) {
  const host = new Host();
  const configuration = JSON.stringify({ ...settings, ...overrides });
  const common = { wasm, vmId: "access-log", clusters: ["log-sink"], configuration };
  const shipper = host.loadPlugin({ ...common, name: "shipper", rootId: "access-log-shipper" });
  const filter = host.loadPlugin({ ...common, name: "filter", rootId: "access-log" });
  return { host, shipper, filter };
}

function serve(filter, path, status = "200", method = "GET") {
  const stream = filter.newHttpStream();
  stream.sendRequestHeaders(
    [
      [":method", method],
      [":path", path],
      [":authority", "shop.example.com"],
    ],
    { endOfStream: true },
  );
  stream.sendResponseHeaders([[":status", status]], { endOfStream: true });
  stream.complete();
}

test("requests become JSON lines, posted as one ndjson batch on the next flush tick", () => {
  const { host, shipper, filter } = setup();
  serve(filter, "/a");
  serve(filter, '/b?q="x"', "404", "POST");
  assert.equal(shipper.httpCalls.length, 0, "nothing sent per request");
  host.advanceTime(1000);
  assert.equal(shipper.httpCalls.length, 1);
  const [batch] = shipper.httpCalls;
  assert.equal(batch.cluster, "log-sink");
  assert.deepEqual(batch.headers.slice(0, 4), [
    [":method", "POST"],
    [":path", "/ingest"],
    [":authority", "logs.internal"],
    ["content-type", "application/x-ndjson"],
  ]);
  const lines = batch.bodyText
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.deepEqual(lines, [
    { method: "GET", authority: "shop.example.com", path: "/a", status: 200 },
    { method: "POST", authority: "shop.example.com", path: '/b?q="x"', status: 404 },
  ]);
  assert.equal(batch.contextId, shipper.id, "sent by the shipper's root");
});

test("a full batch is sent at once, without waiting for the tick; batches hold maxBatch lines", () => {
  const { shipper, filter } = setup();
  for (const path of ["/1", "/2", "/3"]) serve(filter, path);
  assert.equal(shipper.httpCalls.length, 1);
  assert.equal(shipper.httpCalls[0].bodyText.trimEnd().split("\n").length, 3);
});

test("an empty queue sends nothing; totals are reported on the stats period", () => {
  const { host, shipper, filter } = setup();
  serve(filter, "/a");
  host.advanceTime(1000);
  shipper.respondToHttpCall(shipper.httpCalls[0], { status: 204 });
  host.advanceTime(4000);
  assert.equal(shipper.httpCalls.length, 1, "no empty batches");
  assert.deepEqual(shipper.logMessages("info").slice(-1), [
    "access-log: shipped 1 lines in 1 batches, dropped 0",
  ]);
});

test("lost batches (error status, reset) are counted and logged", () => {
  const { host, shipper, filter } = setup();
  serve(filter, "/a");
  host.advanceTime(1000);
  serve(filter, "/b");
  serve(filter, "/c");
  host.advanceTime(1000);
  shipper.respondToHttpCall(shipper.httpCalls[0], { status: 503 });
  shipper.failHttpCall(shipper.httpCalls[1]);
  assert.deepEqual(shipper.logMessages("warn"), [
    "access-log: batch of 1 lines lost (status 503)",
    "access-log: batch of 2 lines lost (reset)",
  ]);
  host.advanceTime(3000);
  assert.deepEqual(shipper.logMessages("info").slice(-1), [
    "access-log: shipped 0 lines in 0 batches, dropped 3",
  ]);
});

test("without a shipper, lines are dropped with one warning; requests are unaffected", () => {
  const host = new Host();
  const filter = host.loadPlugin({ wasm, vmId: "access-log", rootId: "access-log" });
  serve(filter, "/a");
  serve(filter, "/b");
  assert.deepEqual(filter.logMessages("warn"), [
    "access-log: no shipper has registered queue access-log; dropping lines",
  ]);
  assert.equal(filter.failed, false);
  // A shipper that starts later is found by the next request.
  const shipper = host.loadPlugin({
    wasm,
    vmId: "access-log",
    rootId: "access-log-shipper",
    clusters: ["log-sink"],
    configuration: JSON.stringify(settings),
  });
  serve(filter, "/c");
  host.advanceTime(1000);
  assert.match(shipper.httpCalls[0].bodyText, /"path":"\/c"/);
});

test("bad configurations are rejected with the field named", () => {
  for (const [override, message, rootId] of [
    [
      { cluster: undefined },
      "access-log: bad configuration: cluster is required by the shipper",
      "access-log-shipper",
    ],
    [
      { maxBatch: 0 },
      "access-log: bad configuration: maxBatch must be an integer from 1 to 10000",
      "access-log-shipper",
    ],
    [
      { queue: "" },
      "access-log: bad configuration: queue must be a non-empty string",
      "access-log",
    ],
  ]) {
    assert.throws(
      () =>
        new Host().loadPlugin({
          wasm,
          rootId,
          clusters: ["log-sink"],
          configuration: JSON.stringify({ ...settings, ...override }),
        }),
      (error) => error instanceof PluginLoadError && error.logs.some((l) => l.message === message),
      message,
    );
  }
});
