// Host-mock tests of the tcp-guard example (a network filter): deny-list by source.address
// (exact and CIDR, IPv4 and IPv6), a connection cap shared by all workers, connection and byte
// metrics, rejected configurations.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";

const wasm = new URL("../build/tcp-guard.wasm", import.meta.url).pathname;

function load(host, config) {
  return host.loadPlugin({ wasm, rootId: "tcp-guard", configuration: JSON.stringify(config) });
}

function connect(plugin, address) {
  const c = plugin.newTcpStream({ properties: { "source.address": address } });
  const status = c.sendNewConnection();
  return { c, status };
}

test("denied addresses are closed at connect; others pass (attribute source.address)", () => {
  const plugin = load(new Host(), { deny: ["203.0.113.7", "10.66.0.0/16", "2001:db8::1"] });
  for (const [address, refused] of [
    ["203.0.113.7:5000", true],
    ["203.0.113.8:5000", false],
    ["10.66.4.2:1234", true],
    ["10.67.0.1:1234", false],
    ["[2001:db8::1]:443", true],
    ["[2001:db8::2]:443", false],
  ]) {
    const { c, status } = connect(plugin, address);
    assert.equal(status, refused ? "StopIteration" : "Continue", address);
    assert.equal(c.closeDetails, refused ? "wasm_downstream_close" : null, address);
  }
  assert.equal(plugin.metric("decision=.=denied;.;tcp_guard_connections_total"), 3);
  assert.equal(plugin.metric("decision=.=accepted;.;tcp_guard_connections_total"), 3);
  assert.ok(plugin.logMessages("info").includes("tcp-guard: refused 10.66.4.2 (denied)"));
});

test("bytes in both directions and open connections are measured", () => {
  const plugin = load(new Host(), {});
  const { c } = connect(plugin, "198.51.100.1:4000");
  c.sendDownstreamData("hello");
  c.sendUpstreamData("welcome!");
  c.sendDownstreamData("bye", { endOfStream: true });
  assert.equal(plugin.metric("tcp_guard_downstream_bytes_total"), 8);
  assert.equal(plugin.metric("tcp_guard_upstream_bytes_total"), 8);
  assert.equal(plugin.metric("tcp_guard_connections_open"), 1);
  assert.equal(c.downstreamText, "hellobye", "data forwarded unchanged");
  c.closeDownstream();
  assert.equal(plugin.metric("tcp_guard_connections_open"), 0);
});

test("maxConnections is shared by all workers (shared data) and freed on close", () => {
  const host = new Host();
  const worker1 = load(host, { maxConnections: 2 });
  const worker2 = load(host, { maxConnections: 2 });
  const a = connect(worker1, "192.0.2.1:1");
  const b = connect(worker2, "192.0.2.2:1");
  const refused = connect(worker1, "192.0.2.3:1");
  assert.deepEqual([a.status, b.status, refused.status], ["Continue", "Continue", "StopIteration"]);
  assert.equal(worker1.metric("decision=.=over_limit;.;tcp_guard_connections_total"), 1);
  a.c.closeDownstream();
  assert.equal(connect(worker2, "192.0.2.4:1").status, "Continue", "a slot was freed");
  assert.equal(connect(worker1, "192.0.2.5:1").status, "StopIteration", "full again");
});

test("bad configurations are rejected with a line naming the field", () => {
  for (const [config, line] of [
    [
      { deny: ["10.0.0.0/33"] },
      'config: "deny[0]" must be an IP address or an IPv4 CIDR like 10.0.0.0/8',
    ],
    [{ deny: "10.0.0.1" }, 'config: "deny" must be an array of strings, got string'],
    [{ maxConnections: -1 }, 'config: "maxConnections" must be between 0 and 1000000000'],
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
