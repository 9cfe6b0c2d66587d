// A plugin crash surfaces as PluginTrapError with the plugin's own message, location and stack.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host, PluginTrapError } from "proxy-wasm-as/host-mock";
import { get, plugin } from "./plugins.mjs";

for (const debug of [false, true]) {
  test(`abort message, file:line and wasm stack (${debug ? "debug" : "release"} build)`, () => {
    const p = new Host().loadPlugin({ wasm: plugin("sdk-trap", { debug }) });
    const s = p.newHttpStream();
    let failure;
    try {
      s.sendRequestHeaders(get("/", [["x-crash", "on purpose"]]), { endOfStream: true });
    } catch (error) {
      failure = error;
    }
    assert.ok(failure instanceof PluginTrapError, `expected PluginTrapError, got ${failure}`);
    assert.equal(failure.exportName, "proxy_on_request_headers");
    assert.match(failure.pluginMessage, /plugin exploded: on purpose/);
    assert.match(failure.message, /plugin exploded: on purpose/);
    assert.match(failure.message, /sdk-trap\.ts\(\d+:\d+\)|sdk-trap\.ts:\d+:\d+/);
    assert.ok(Array.isArray(failure.wasmStack) && failure.wasmStack.length > 0);
    assert.equal(failure.pluginLocation.file, "tests/plugins/sdk-trap.ts");
    assert.equal(failure.pluginLocation.line, 11, "the line of the throw");
    if (debug) {
      const names = failure.wasmStack.map((frame) => frame.functionName);
      assert.ok(names.includes("tests/plugins/sdk-trap/explode"), names.join(", "));
      assert.match(failure.message, /in-VM backtrace/);
    }
    assert.equal(p.failed, true, "the VM is failed for good");
  });
}

test("after a crash, new streams get Envoy's fail-closed 503", () => {
  const p = new Host().loadPlugin({ wasm: plugin("sdk-trap") });
  assert.throws(
    () => p.newHttpStream().sendRequestHeaders(get("/", [["x-crash", "x"]]), { endOfStream: true }),
    PluginTrapError,
  );
  const next = p.newHttpStream();
  next.sendRequestHeaders(get("/"), { endOfStream: true });
  assert.equal(next.localResponse?.status, 503);
  assert.equal(next.localResponse?.details, "wasm_fail_stream");
});
