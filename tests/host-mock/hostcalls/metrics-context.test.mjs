// One test per row of reference §3.9 (metrics) and §3.10 (effective context, proxy_done,
// foreign functions), driven by the WAT driver plugin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { Host, WasmResult as R } from "../../../sdk-host-mock/dist/index.js";
import { Driver } from "../wat.mjs";

const GET = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "example.com"],
];
const inc = (d, id, delta) => d.x.h_proxy_increment_metric(id, BigInt(delta));
const rec = (d, id, value) => d.x.h_proxy_record_metric(id, BigInt(value));

test("§3.9 proxy_define_metric: per-VM ids by type (counter 4,8… gauge 5,9… histogram 6,10…), same name → new id, same stat; type > 2 → BadArgument", () => {
  const host = new Host();
  const d = new Driver({ host });
  assert.deepEqual(d.defineMetric(0, "c"), { result: R.Ok, id: 4 });
  assert.deepEqual(d.defineMetric(1, "g"), { result: R.Ok, id: 5 });
  assert.deepEqual(d.defineMetric(2, "h"), { result: R.Ok, id: 6 });
  assert.deepEqual(d.defineMetric(0, "c"), { result: R.Ok, id: 8 });
  assert.deepEqual(d.defineMetric(3, "x"), { result: R.BadArgument, id: 0xffffffff });
  inc(d, 4, 2);
  inc(d, 8, 3);
  assert.equal(d.plugin.metric("c"), 5); // both ids feed one stat
  // a second VM in the same process counts its own ids from 4 again, on the shared stat
  const d2 = new Driver({ host });
  assert.deepEqual(d2.defineMetric(0, "c"), { result: R.Ok, id: 4 });
  inc(d2, 4, 1);
  assert.equal(host.metrics.c.value, 6);
  assert.deepEqual(Object.keys(host.metrics).sort(), ["c", "g", "h"]);
});

test("§3.9 proxy_increment_metric: counter delta ≤ 0 → BadArgument; gauge adds or subtracts; histogram → BadArgument; unknown id → NotFound", () => {
  const d = new Driver({});
  const c = d.defineMetric(0, "c").id;
  const g = d.defineMetric(1, "g").id;
  const h = d.defineMetric(2, "h").id;
  assert.equal(inc(d, c, 1), R.Ok);
  assert.equal(inc(d, c, 0), R.BadArgument);
  assert.equal(inc(d, c, -1), R.BadArgument);
  assert.equal(inc(d, g, 10), R.Ok);
  assert.equal(inc(d, g, -3), R.Ok);
  assert.equal(inc(d, h, 1), R.BadArgument);
  assert.equal(inc(d, 100, 1), R.NotFound);
  assert.equal(d.plugin.metric("c"), 1);
  assert.equal(d.plugin.metric("g"), 7);
});

test("§3.9 proxy_record_metric: counter adds, gauge sets, histogram records a sample; unknown → NotFound", () => {
  const host = new Host();
  const d = new Driver({ host });
  const c = d.defineMetric(0, "c").id;
  const g = d.defineMetric(1, "g").id;
  const h = d.defineMetric(2, "h").id;
  assert.equal(rec(d, c, 5), R.Ok);
  assert.equal(rec(d, c, 5), R.Ok);
  assert.equal(rec(d, g, 42), R.Ok);
  assert.equal(rec(d, g, 7), R.Ok);
  assert.equal(rec(d, h, 3), R.Ok);
  assert.equal(rec(d, h, 9), R.Ok);
  assert.equal(rec(d, 104, 1), R.NotFound);
  assert.deepEqual(host.metrics, {
    c: { type: "counter", value: 10, samples: [] },
    g: { type: "gauge", value: 7, samples: [] },
    h: { type: "histogram", value: 0, samples: [3, 9] },
  });
});

test("§3.9 proxy_get_metric: counter/gauge value as u64; histogram → BadArgument; unknown → NotFound", () => {
  const d = new Driver({});
  const c = d.defineMetric(0, "c").id;
  const h = d.defineMetric(2, "h").id;
  inc(d, c, 2n ** 40n);
  assert.deepEqual(d.getMetric(c), { result: R.Ok, value: 2n ** 40n });
  assert.equal(d.getMetric(h).result, R.BadArgument);
  assert.equal(d.getMetric(12).result, R.NotFound);
});

test("§3.10 proxy_set_effective_context: unknown id → BadArgument; hostcalls act on the target for the rest of the call only", () => {
  const got = [];
  const d = new Driver({
    handlers: {
      proxy_on_request_headers: () => 1,
      proxy_on_tick() {
        if (got.length > 0) {
          got.push(["next tick", this.getHeader(0, ":path").result]);
          return;
        }
        got.push(["unknown", this.setEffective(77)]);
        got.push(["root map", this.getHeader(0, ":path").result]);
        got.push(["set", this.setEffective(2)]);
        got.push(["stream map", this.getHeader(0, ":path").value]);
        got.push(["add", this.addHeader(0, "x-from-tick", "1")]);
        this.httpCall("c", new TextEncoder().encode(""), "", new Uint8Array(0), 0);
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  d.plugin.tick();
  d.plugin.tick();
  assert.deepEqual(got, [
    ["unknown", R.BadArgument],
    ["root map", R.BadArgument],
    ["set", R.Ok],
    ["stream map", "/"],
    ["add", R.Ok],
    ["next tick", R.BadArgument],
  ]);
  assert.equal(s.requestHeader("x-from-tick"), "1");
});

test("§3.10 proxy_done: NotFound unless the root returned false from on_done; then on_delete(root) runs after the current call", () => {
  const order = [];
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        order.push(["stream done()", this.x.h_proxy_done()]);
      },
      proxy_on_done(ctx) {
        order.push(["on_done", ctx]);
        return ctx === 1 ? 0 : 1;
      },
      proxy_on_tick() {
        order.push(["tick done()", this.x.h_proxy_done()]);
        order.push(["tick returns"]);
      },
      proxy_on_delete(ctx) {
        order.push(["on_delete", ctx]);
      },
    },
  });
  d.plugin.newHttpStream().sendRequestHeaders(GET, { endOfStream: true });
  d.plugin.tick(); // before shutdown: NotFound
  d.plugin.shutdown();
  assert.equal(d.plugin.state, "done-pending");
  d.plugin.tick(); // the pending root still gets ticks; done() moves it to deletion
  assert.equal(d.plugin.state, "deleted");
  assert.deepEqual(order, [
    ["stream done()", R.NotFound],
    ["tick done()", R.NotFound],
    ["tick returns"],
    ["on_done", 1],
    ["tick done()", R.Ok],
    ["tick returns"],
    ["on_delete", 1],
  ]);
});

test("§3.10 proxy_call_foreign_function: test-registered functions get args and the calling context; their result code is returned; built-in compress; unknown → NotFound; null out pointer discards", () => {
  const seen = [];
  const d = new Driver({
    plugin: {
      foreignFunctions: {
        echo: (args, info) => (seen.push(info.contextId), args.slice().reverse()),
        fails: () => ({ result: R.BadArgument, data: new TextEncoder().encode("why") }),
      },
    },
  });
  let echo;
  d.handlers.proxy_on_tick = function () {
    echo = this.callForeign("echo", "abc");
  };
  d.plugin.tick();
  assert.deepEqual([echo.result, new TextDecoder().decode(echo.data)], [R.Ok, "cba"]);
  assert.deepEqual(seen, [1]);
  const fails = d.callForeign("fails", "");
  assert.deepEqual([fails.result, new TextDecoder().decode(fails.data)], [R.BadArgument, "why"]);
  assert.equal(d.callForeign("nope", "").result, R.NotFound);
  const compressed = d.callForeign("compress", "hello hello hello");
  assert.equal(compressed.result, R.Ok);
  assert.deepEqual(compressed.data, new Uint8Array(deflateSync("hello hello hello")));
  const discard = d.x.h_proxy_call_foreign_function(...d.put("echo"), ...d.put("x"), 0, 0);
  assert.equal(discard, R.Ok);
});
