// Runs the built plugin in the proxy-wasm-as host mock, the way Envoy runs it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";

const wasm = fileURLToPath(new URL("../build/{{name}}.debug.wasm", import.meta.url));
const rootId = "{{name}}";

function request(extra = []) {
  return [[":method", "GET"], [":path", "/"], [":authority", "example.com"], ...extra];
}

test("adds the configured greeting to requests", () => {
  const plugin = new Host().loadPlugin({ wasm, rootId, configuration: '{"greeting":"hi"}' });
  const stream = plugin.newHttpStream();
  assert.equal(stream.sendRequestHeaders(request(), { endOfStream: true }), "Continue");
  assert.equal(stream.requestHeader("x-greeting"), "hi");
  stream.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
  stream.complete();
});

test("answers x-block: yes with a 403", () => {
  const plugin = new Host().loadPlugin({ wasm, rootId });
  const stream = plugin.newHttpStream();
  stream.sendRequestHeaders(request([["x-block", "yes"]]), { endOfStream: true });
  assert.equal(stream.localResponse?.status, 403);
  assert.equal(stream.requestHeader("x-greeting"), null);
});

test("rejects a configuration that is not JSON", () => {
  assert.throws(() => new Host().loadPlugin({ wasm, rootId, configuration: "{" }), PluginLoadError);
});
