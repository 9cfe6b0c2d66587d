// Host-mock tests of the rate-limit example: a token bucket in shared data (shared by every VM
// of the vm_id), 429 with retry-after when empty, refill over time, per-key buckets, metrics,
// and rejected configurations.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";

const wasm = new URL("../build/rate-limit.wasm", import.meta.url).pathname;

function load(host, config, extra = {}) {
  return host.loadPlugin({
    wasm,
    rootId: "rate-limit",
    vmId: "edge",
    configuration: JSON.stringify(config),
    ...extra,
  });
}

function send(plugin, extra = []) {
  const s = plugin.newHttpStream();
  s.sendRequestHeaders(
    [[":method", "GET"], [":path", "/"], [":authority", "api.example.com"], ...extra],
    { endOfStream: true },
  );
  const reply = s.localResponse;
  s.complete();
  return reply === null
    ? "allowed"
    : `${reply.status} retry-after=${reply.headers.find(([n]) => n === "retry-after")?.[1]}`;
}

test("the burst passes, the next request gets 429 with retry-after; counted by decision", () => {
  const plugin = load(new Host(), { rps: 1, burst: 3 });
  assert.deepEqual(
    [send(plugin), send(plugin), send(plugin), send(plugin)],
    ["allowed", "allowed", "allowed", "429 retry-after=1"],
  );
  assert.equal(plugin.metric("decision=.=allowed;.;rate_limit_requests_total"), 3);
  assert.equal(plugin.metric("decision=.=denied;.;rate_limit_requests_total"), 1);
});

test("tokens refill with time", () => {
  const host = new Host();
  const plugin = load(host, { rps: 2, burst: 1 });
  assert.equal(send(plugin), "allowed");
  assert.equal(send(plugin), "429 retry-after=1");
  host.advanceTime(250);
  assert.equal(send(plugin), "429 retry-after=1", "half a token after 250 ms at 2 rps");
  host.advanceTime(250);
  assert.equal(send(plugin), "allowed");
});

test("every VM of the vm_id draws from the same bucket (shared data, §6.10)", () => {
  const host = new Host();
  const worker1 = load(host, { rps: 1, burst: 2 });
  const worker2 = load(host, { rps: 1, burst: 2 });
  assert.equal(send(worker1), "allowed");
  assert.equal(send(worker2), "allowed");
  assert.equal(send(worker1), "429 retry-after=1");
  assert.equal(send(worker2), "429 retry-after=1");
  const other = load(host, { rps: 1, burst: 2 }, { vmId: "other" });
  assert.equal(send(other), "allowed", "another vm_id has its own data");
});

test("key header:<name> gives each client its own bucket", () => {
  const plugin = load(new Host(), { rps: 1, burst: 1, key: "header:x-api-key" });
  assert.equal(send(plugin, [["x-api-key", "a"]]), "allowed");
  assert.equal(send(plugin, [["x-api-key", "a"]]), "429 retry-after=1");
  assert.equal(send(plugin, [["x-api-key", "b"]]), "allowed");
  assert.deepEqual(Object.keys(plugin.sharedData).sort(), [
    "rate-limit:header:a",
    "rate-limit:header:b",
  ]);
});

test("key source buckets by client IP (attribute source.address)", () => {
  const plugin = load(new Host(), { rps: 1, burst: 1, key: "source" });
  const from = (address) => {
    const s = plugin.newHttpStream({ properties: { "source.address": address } });
    s.sendRequestHeaders(
      [
        [":method", "GET"],
        [":path", "/"],
        [":authority", "x"],
      ],
      {
        endOfStream: true,
      },
    );
    return s.localResponse?.status ?? "allowed";
  };
  assert.equal(from("10.0.0.1:1111"), "allowed");
  assert.equal(from("10.0.0.1:2222"), 429, "same IP, other port");
  assert.equal(from("10.0.0.2:1111"), "allowed");
});

test("bad configurations are rejected with a line naming the field", () => {
  for (const [config, line] of [
    [{ rps: 0 }, 'config: "rps" must be a positive integer'],
    [{ rps: 5, burst: "x" }, 'config: "burst" must be a positive integer'],
    [{ key: "cookie" }, 'config: "key" must be "global", "source" or "header:<name>"'],
  ]) {
    assert.throws(
      () => load(new Host(), config),
      (e) =>
        e instanceof PluginLoadError &&
        e.logs.some((l) => l.level === "error" && l.message === line),
      JSON.stringify(config),
    );
  }
});

test("cost per request: clock, one CAS read-modify-write, one counter increment", () => {
  const plugin = load(new Host(), { rps: 100, burst: 100 }, { trace: true });
  plugin.clearLogs();
  send(plugin);
  const hostcalls = plugin.trace.filter((e) => e.kind === "hostcall").map((e) => e.fn);
  assert.deepEqual(hostcalls, [
    "proxy_get_current_time_nanoseconds",
    "proxy_get_shared_data",
    "proxy_set_shared_data",
    "proxy_increment_metric",
  ]);
});

test("metrics are defined once, in onConfigure (root context), never per request (M5)", () => {
  const plugin = load(new Host(), { rps: 1, burst: 1 }, { trace: true });
  send(plugin);
  send(plugin);
  const defines = plugin.trace.filter(
    (e) => e.kind === "hostcall" && e.fn === "proxy_define_metric",
  );
  assert.equal(defines.length, 3);
  assert.ok(defines.every((e) => e.contextId === plugin.rootContextId));
});
