// Root lifecycle, configuration, logging, properties and time, through tests/plugins/sdk-lifecycle.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";
import { get, plugin } from "./plugins.mjs";

const wasm = plugin("sdk-lifecycle");

test("start sequence: onVmStart then onConfigure, with both configurations and plugin properties", () => {
  const host = new Host({ now: Date.UTC(2026, 0, 2, 3, 4, 5) });
  const p = host.loadPlugin({
    wasm,
    name: "lifecycle",
    rootId: "root-a",
    vmId: "vm-1",
    vmConfiguration: "vm-conf",
    configuration: "plugin-conf",
  });
  assert.deepEqual(p.logMessages("info"), [
    "logged from top-level code",
    `onVmStart ${p.rootContextId} vm_config=vm-conf size=7`,
    "onConfigure size=11 config=plugin-conf top-level",
    "plugin_name=lifecycle",
    "plugin_root_id=root-a",
    "plugin_vm_id=vm-1",
    "request.path in root=(null)",
    `now_ms=${Date.UTC(2026, 0, 2, 3, 4, 5)}`,
  ]);
});

test("top-level code may log: proxy_log is allowed during _start, the level is not asked", () => {
  const p = new Host().loadPlugin({ wasm, logLevel: "info", trace: true });
  assert.equal(p.logs[0].message, "logged from top-level code");
  assert.equal(p.logs[0].contextId, 0, "logged from the VM context");
  const calls = p.trace.filter((e) => e.kind === "hostcall" && e.contextId === 0).map((e) => e.fn);
  assert.ok(calls.includes("proxy_log") && !calls.includes("proxy_get_log_level"), calls.join());
});

test("onConfigure returning false fails the load", () => {
  assert.throws(() => new Host().loadPlugin({ wasm, configuration: "reject" }), PluginLoadError);
});

test("onVmStart returning false fails the load", () => {
  assert.throws(
    () => new Host().loadPlugin({ wasm, vmConfiguration: "vm-reject" }),
    PluginLoadError,
  );
});

test("root teardown calls onDone then onDelete", () => {
  const p = new Host().loadPlugin({ wasm });
  p.shutdown();
  const id = p.rootContextId;
  assert.deepEqual(p.logMessages("info").slice(-2), [`root onDone ${id}`, `root onDelete ${id}`]);
});

test("log records below the host level are dropped without a hostcall", () => {
  const p = new Host().loadPlugin({ wasm, logLevel: "warn" });
  const before = p.hostcallCounts.proxy_log ?? 0;
  const levelsBefore = p.hostcallCounts.proxy_get_log_level ?? 0;
  const s = p.newHttpStream();
  s.sendRequestHeaders(get("/", [["x-op", "log-levels"]]), { endOfStream: true });
  assert.deepEqual(
    p.logs.slice(-3).map((r) => [r.level, r.message]),
    [
      ["warn", "at warn"],
      ["error", "at error"],
      ["critical", "at critical"],
    ],
  );
  assert.equal((p.hostcallCounts.proxy_log ?? 0) - before, 3, "only kept records reach the host");
  assert.equal(
    (p.hostcallCounts.proxy_get_log_level ?? 0) - levelsBefore,
    1,
    "the level is asked once per context",
  );
});

test("isLogEnabled reflects the host level", () => {
  const p = new Host().loadPlugin({ wasm, logLevel: "debug" });
  p.newHttpStream().sendRequestHeaders(get("/", [["x-op", "log-levels"]]), { endOfStream: true });
  const messages = p.logs.map((r) => r.message);
  assert.ok(messages.includes("at debug") && !messages.includes("at trace"));
  assert.ok(messages.includes("debug is enabled"));
});

test("typed property getters decode Envoy's encodings; set/get round-trips filter state", () => {
  const p = new Host().loadPlugin({
    wasm,
    properties: { "source.port": 8443, "connection.mtls": true },
  });
  const s = p.newHttpStream();
  s.sendRequestHeaders(
    [
      [":method", "POST"],
      [":path", "/items?x=1"],
      [":authority", "h"],
      ["x-op", "properties"],
    ],
    {
      endOfStream: true,
    },
  );
  const logs = p.logMessages("info");
  for (const line of [
    "request.path=/items?x=1",
    "request.method=POST",
    "source.port=8443",
    "connection.mtls=true",
    "missing=null",
    "set=0",
    "get back=hello",
  ]) {
    assert.ok(logs.includes(line), `${line} in\n${logs.join("\n")}`);
  }
});
