// Host-mock tests of the header-rules example: configured edits are applied in both directions;
// bad configurations are rejected with a log line naming the field.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";

const wasm = fileURLToPath(new URL("../build/header-rules.wasm", import.meta.url));
const rootId = "header-rules";

const config = JSON.stringify({
  request: { add: { "x-tenant": "blue" }, set: { "x-env": "prod" }, remove: ["x-debug"] },
  response: { set: { server: "edge" }, remove: ["x-powered-by"] },
});

test("applies request and response edits from the configuration", () => {
  const plugin = new Host().loadPlugin({ wasm, rootId, configuration: config });
  assert.deepEqual(plugin.logMessages("info"), ["header-rules: 3 request and 2 response edits"]);
  const stream = plugin.newHttpStream();
  const status = stream.sendRequestHeaders(
    [
      [":method", "GET"],
      [":path", "/"],
      [":authority", "example.com"],
      ["x-debug", "1"],
      ["x-env", "dev"],
      ["x-env", "staging"],
    ],
    { endOfStream: true },
  );
  assert.equal(status, "Continue");
  assert.deepEqual(stream.requestHeaders, [
    [":method", "GET"],
    [":path", "/"],
    [":authority", "example.com"],
    ["x-env", "prod"],
    ["x-tenant", "blue"],
  ]);
  stream.sendResponseHeaders(
    [
      [":status", "200"],
      ["server", "envoy"],
      ["x-powered-by", "php"],
    ],
    { endOfStream: true },
  );
  assert.deepEqual(stream.responseHeaders, [
    [":status", "200"],
    ["server", "edge"],
  ]);
  stream.complete();
});

test("rejects a configuration that is not JSON", () => {
  assert.throws(
    () => new Host().loadPlugin({ wasm, rootId, configuration: "{not json" }),
    (error) => error instanceof PluginLoadError,
  );
});

test("names the bad field of a configuration", () => {
  const host = new Host();
  let failure;
  try {
    host.loadPlugin({
      wasm,
      rootId,
      configuration: JSON.stringify({ request: { add: { "x-a": 1 } } }),
    });
  } catch (error) {
    failure = error;
  }
  assert.ok(failure instanceof PluginLoadError, "load must fail");
  assert.match(
    failure.message + "\n" + (failure.logs ?? []).map((l) => l.message).join("\n"),
    /request\.add\.x-a must be a string/,
  );
});

test("an empty configuration changes nothing", () => {
  const plugin = new Host().loadPlugin({ wasm, rootId, configuration: "{}" });
  assert.deepEqual(plugin.logMessages("info"), ["header-rules: 0 request and 0 response edits"]);
  const stream = plugin.newHttpStream();
  const headers = [
    [":method", "GET"],
    [":path", "/"],
    [":authority", "example.com"],
    ["x-debug", "1"],
  ];
  stream.sendRequestHeaders(headers, { endOfStream: true });
  assert.deepEqual(stream.requestHeaders, headers);
});

test("rejects a section with none of add, set, remove", () => {
  assert.throws(
    () =>
      new Host().loadPlugin({
        wasm,
        rootId,
        configuration: JSON.stringify({ response: { delete: ["server"] } }),
      }),
    (error) =>
      error instanceof PluginLoadError &&
      error.logs.some((l) => /response: expected 'add', 'set' or 'remove'/.test(l.message)),
  );
});

test("rejects remove that is not an array of strings", () => {
  for (const remove of ["x-debug", ["x-debug", 3]]) {
    assert.throws(
      () =>
        new Host().loadPlugin({
          wasm,
          rootId,
          configuration: JSON.stringify({ request: { remove } }),
        }),
      (error) =>
        error instanceof PluginLoadError &&
        error.logs.some((l) => /request\.remove(\[1\])? must be/.test(l.message)),
    );
  }
});
