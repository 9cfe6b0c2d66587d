// Host-mock tests of the circuit-breaker example: QPS flow control over a sliding window driven
// by ticks, the error-ratio breaker (closed → open → half-open probes → closed / reopened),
// metrics, unmatched routes, rejected configurations.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";

const wasm = new URL("../build/circuit-breaker.wasm", import.meta.url).pathname;

function load(routes, extra = {}) {
  const host = new Host();
  const plugin = host.loadPlugin({
    wasm,
    rootId: "circuit-breaker",
    configuration: JSON.stringify({ tickMs: 100, routes, ...extra }),
  });
  return { host, plugin };
}

/** Starts a request; returns "passed" (with the stream, response pending) or the reply status. */
function start(plugin, path) {
  const s = plugin.newHttpStream();
  s.sendRequestHeaders(
    [
      [":method", "GET"],
      [":path", path],
      [":authority", "shop"],
    ],
    {
      endOfStream: true,
    },
  );
  const reply = s.localResponse;
  if (reply) s.complete();
  return { s, outcome: reply ? reply.status : "passed", reply };
}

/** A full exchange answered by the upstream with `status`. */
function call(plugin, path, status = 200) {
  const { s, outcome } = start(plugin, path);
  if (outcome === "passed") {
    s.sendResponseHeaders([[":status", String(status)]], { endOfStream: true });
    s.complete();
  }
  return outcome;
}

const orders = { name: "orders", prefix: "/orders", qps: 3 };

test("requests over the route's QPS get 429; the window slides with the ticks", () => {
  const { host, plugin } = load([orders]);
  assert.deepEqual(
    [1, 2].map(() => call(plugin, "/orders/1")),
    ["passed", "passed"],
  );
  host.advanceTime(500);
  assert.equal(call(plugin, "/orders/2"), "passed");
  assert.equal(call(plugin, "/orders/3"), 429, "3 in the last second");
  host.advanceTime(500); // the first two requests leave the window
  assert.deepEqual(
    [1, 2, 3].map(() => call(plugin, "/orders")),
    ["passed", "passed", 429],
  );
  assert.equal(
    plugin.metric("route=.=orders;.;decision=.=passed;.;circuit_breaker_requests_total"),
    5,
  );
  assert.equal(
    plugin.metric("route=.=orders;.;decision=.=flow_limited;.;circuit_breaker_requests_total"),
    2,
  );
});

test("longest prefix wins; unmatched paths are not limited", () => {
  const { plugin } = load([
    { name: "api", prefix: "/api", qps: 1 },
    { name: "api-admin", prefix: "/api/admin", qps: 5 },
  ]);
  assert.equal(call(plugin, "/api/admin/x"), "passed");
  assert.equal(call(plugin, "/api/admin/y"), "passed");
  assert.equal(call(plugin, "/api/users"), "passed");
  assert.equal(call(plugin, "/api/users"), 429);
  for (let i = 0; i < 5; i++) assert.equal(call(plugin, "/static/app.js"), "passed");
});

const breaker = {
  name: "pay",
  prefix: "/pay",
  errorRatio: 0.5,
  minRequests: 4,
  openMs: 2000,
  probes: 1,
};

test("the breaker opens at the error ratio, answers 503, then probes and closes", () => {
  const { host, plugin } = load([breaker]);
  assert.deepEqual(
    [500, 200, 500].map((status) => call(plugin, "/pay", status)),
    ["passed", "passed", "passed"],
  );
  assert.equal(call(plugin, "/pay", 503), "passed", "4th completion: 3/4 failed → open");
  const refused = start(plugin, "/pay");
  assert.equal(refused.outcome, 503);
  assert.equal(refused.reply.headers.find(([n]) => n === "x-circuit-breaker")?.[1], "open");
  assert.ok(plugin.logMessages("info").includes("circuit-breaker: pay closed -> open"));
  host.advanceTime(1000);
  assert.equal(call(plugin, "/pay"), 503, "still open");
  assert.equal(plugin.metric("route=.=pay;.;circuit_breaker_state"), 1);
  host.advanceTime(1000);
  const probe = start(plugin, "/pay");
  assert.equal(probe.outcome, "passed", "half-open: one probe");
  assert.equal(call(plugin, "/pay"), 503, "only one probe at a time");
  probe.s.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
  probe.s.complete();
  assert.ok(plugin.logMessages("info").includes("circuit-breaker: pay half-open -> closed"));
  assert.equal(call(plugin, "/pay"), "passed");
  host.advanceTime(100);
  assert.equal(plugin.metric("route=.=pay;.;circuit_breaker_state"), 0, "gauge updated on ticks");
});

test("a failed probe (or a reset) reopens the breaker", () => {
  const { host, plugin } = load([breaker]);
  for (const status of [500, 500, 500, 500]) call(plugin, "/pay", status);
  host.advanceTime(2000);
  const probe = start(plugin, "/pay");
  assert.equal(probe.outcome, "passed");
  probe.s.complete(); // no response at all: counts as a failure
  assert.equal(call(plugin, "/pay"), 503);
  assert.ok(plugin.logMessages("info").includes("circuit-breaker: pay half-open -> open"));
});

test("below minRequests the ratio does not count", () => {
  const { plugin } = load([breaker]);
  for (let i = 0; i < 3; i++) assert.equal(call(plugin, "/pay", 500), "passed");
  assert.equal(call(plugin, "/pay", 200), "passed");
  assert.equal(call(plugin, "/pay", 200), 503, "the 4th completion (3/4) opened it");
});

test("bad configurations are rejected with a line naming the field", () => {
  for (const [config, line] of [
    [{ routes: [] }, 'config: "routes" must list at least one route'],
    [{ routes: [{ prefix: "orders" }] }, 'config: "routes[0].prefix" must start with "/"'],
    [
      { routes: [{ prefix: "/a", errorRatio: 2 }] },
      'config: "routes[0].errorRatio" must be between 0 and 1',
    ],
    [{ tickMs: 300, routes: [{ prefix: "/a" }] }, 'config: "tickMs" must divide 1000'],
  ]) {
    assert.throws(
      () =>
        new Host().loadPlugin({
          wasm,
          rootId: "circuit-breaker",
          configuration: JSON.stringify(config),
        }),
      (e) =>
        e instanceof PluginLoadError &&
        e.logs.some((l) => l.level === "error" && l.message === line),
      JSON.stringify(config),
    );
  }
});
