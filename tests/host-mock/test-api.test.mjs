// The stateful getters of the test API (issue 3 item 3): logs by level, pending callouts,
// queue contents, shared data, metrics by name, stream state and the ordered trace.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Host, encodePairs } from "../../sdk-host-mock/dist/index.js";
import { Driver } from "./wat.mjs";
import { plugin, get } from "../sdk/plugins.mjs";

const GET = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "example.com"],
];

test("plugin.logsAt(level) returns records at that level or more severe, in order", () => {
  const d = new Driver({
    plugin: { logLevel: "trace" },
    handlers: {
      proxy_on_tick() {
        for (const level of [4, 0, 3, 2, 5, 1]) this.log(level, `l${level}`);
      },
    },
  });
  d.plugin.clearLogs();
  d.plugin.tick();
  assert.deepEqual(
    d.plugin.logsAt("warn").map((l) => [l.level, l.message]),
    [
      ["error", "l4"],
      ["warn", "l3"],
      ["critical", "l5"],
    ],
  );
  assert.equal(d.plugin.logsAt("trace").length, 6);
  assert.deepEqual(d.plugin.logMessages("warn"), ["l3"]);
});

test("plugin.pendingHttpCalls / pendingGrpcCalls list callouts not yet answered, failed, timed out or cancelled", () => {
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        const h = encodePairs(GET);
        for (const timeout of [0, 0, 50]) this.httpCall("c", h, "", new Uint8Array(0), timeout);
        const out = this.alloc(4);
        const svc = [...this.put("c"), ...this.put("S"), ...this.put("M"), 0, 0];
        this.x.h_proxy_grpc_call(...svc, 0, 0, 0, out);
        this.x.h_proxy_grpc_stream(...svc, out);
      },
    },
  });
  d.plugin.newHttpStream().sendRequestHeaders(GET, { endOfStream: true });
  const tokens = () => d.plugin.pendingHttpCalls.map((c) => c.token);
  assert.deepEqual(tokens(), [4, 8, 12]);
  d.plugin.respondToHttpCall(4, { body: "ok" });
  d.plugin.failHttpCall(8);
  assert.deepEqual(tokens(), [12]);
  d.host.advanceTime(50); // timeout → synthesized 504
  assert.deepEqual(tokens(), []);
  assert.deepEqual(
    d.plugin.pendingGrpcCalls.map((c) => [c.kind, c.token]),
    [
      ["call", 5],
      ["stream", 6],
    ],
  );
  d.plugin.respondToGrpcCall(5, { message: "m" });
  d.plugin.sendGrpcStreamEvent(6, { close: { status: 0 } });
  assert.deepEqual(d.plugin.pendingGrpcCalls, []);
});

test("plugin.queueItems / queueTexts show what waits in a shared queue (any vm_id), as copies; null for unknown queues", () => {
  const host = new Host();
  const owner = new Driver({ host, plugin: { vmId: "owner" } });
  const other = new Driver({ host, plugin: { vmId: "other" } });
  const out = owner.alloc(4);
  owner.x.h_proxy_register_shared_queue(...owner.put("jobs"), out);
  const token = owner.u32(out);
  owner.x.h_proxy_enqueue_shared_queue(token, ...owner.put("a"));
  owner.x.h_proxy_enqueue_shared_queue(token, ...owner.put("b"));
  assert.deepEqual(owner.plugin.queueTexts("jobs"), ["a", "b"]);
  assert.deepEqual(other.plugin.queueTexts("jobs", "owner"), ["a", "b"]);
  assert.equal(other.plugin.queueTexts("jobs"), null);
  owner.plugin.queueItems("jobs")[0][0] = 0x7a; // a copy: the queue is unchanged
  assert.deepEqual(owner.plugin.queueTexts("jobs"), ["a", "b"]);
  const pair = owner.outPair();
  owner.x.h_proxy_dequeue_shared_queue(token, pair, pair + 4);
  assert.deepEqual(owner.plugin.queueTexts("jobs"), ["b"]);
});

test("stream getters, shared data, metrics by name and the ordered trace reflect one request", () => {
  const d = new Driver({
    plugin: { trace: true },
    handlers: {
      proxy_on_request_headers() {
        this.addHeader(0, "x-added", "1");
        this.setShared("seen", "yes", 0);
        const id = this.defineMetric(0, "requests").id;
        this.x.h_proxy_increment_metric(id, 1n);
        return 0;
      },
      proxy_on_response_headers() {
        this.localReply(418, "teapot", "short", encodePairs([["x-r", "1"]]));
      },
    },
  });
  d.plugin.clearLogs();
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  s.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
  assert.equal(s.requestHeader("x-added"), "1");
  assert.deepEqual(s.localResponse && [s.localResponse.status, s.localResponse.bodyText], [
    418,
    "teapot",
  ]);
  assert.deepEqual(d.plugin.sharedData, { seen: { value: "yes", cas: 1 } });
  assert.equal(d.plugin.metric("requests"), 1);
  assert.equal(d.host.metrics.requests.type, "counter");
  const trace = d.plugin.trace.map((t) =>
    t.kind === "call" ? `→ ${t.fn}(${t.args.join(",")}) = ${t.ret}` : `  ← ${t.fn} ${t.result}`,
  );
  assert.deepEqual(trace.slice(0, 8), [
    "→ proxy_on_context_create(2,1) = null",
    "→ proxy_on_request_headers(2,3,1) = 0",
    "  ← proxy_add_header_map_value Ok",
    "  ← proxy_set_shared_data Ok",
    "  ← proxy_define_metric Ok",
    "  ← proxy_increment_metric Ok",
    "→ proxy_on_response_headers(2,1,1) = 0",
    "  ← proxy_send_local_response Ok",
  ]);
});

test("plugin.setLogLevel changes the level at run time: an SDK plugin's next context asks again and logs at the new level", () => {
  const p = new Host().loadPlugin({ wasm: plugin("sdk-lifecycle"), logLevel: "error" });
  const logLevels = () =>
    p.newHttpStream().sendRequestHeaders(get("/", [["x-op", "log-levels"]]), { endOfStream: true });
  p.clearLogs();
  logLevels();
  assert.deepEqual(
    p.logs.map((l) => l.message),
    ["at error", "at critical"],
  );
  p.clearLogs();
  p.setLogLevel("debug");
  assert.equal(p.logLevel, 1);
  logLevels();
  assert.ok(p.logMessages("debug").includes("at debug"));
  assert.ok(p.logMessages("info").includes("debug is enabled"));
  assert.throws(() => p.setLogLevel("loud"), TypeError);
});
