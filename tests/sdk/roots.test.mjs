// Several named roots in one module (tests/plugins/sdk-roots.ts), chosen by plugin_root_id.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";
import { plugin } from "./plugins.mjs";

const wasm = plugin("sdk-roots");

test("plugin_root_id picks the registration", () => {
  const alpha = new Host().loadPlugin({ wasm, rootId: "alpha" });
  assert.deepEqual(alpha.logMessages("info"), [`alpha configured as root ${alpha.rootContextId}`]);
  const beta = new Host().loadPlugin({ wasm, rootId: "beta" });
  assert.deepEqual(beta.logMessages("info"), [`beta configured as root ${beta.rootContextId}`]);
});

test("two plugins with different root ids share one host", () => {
  const host = new Host();
  const a = host.loadPlugin({ wasm, rootId: "alpha", vmId: "shared" });
  const b = host.loadPlugin({ wasm, rootId: "beta", vmId: "shared" });
  assert.match(a.logMessages("info")[0], /^alpha/);
  assert.match(b.logMessages("info")[0], /^beta/);
});

test("an unknown (or empty) root id fails the start with a clear error, not a trap", () => {
  for (const rootId of ["gamma", ""]) {
    let failure;
    try {
      new Host().loadPlugin({ wasm, rootId });
    } catch (error) {
      failure = error;
    }
    assert.ok(failure instanceof PluginLoadError, `load with root id "${rootId}" must fail`);
    const text = failure.message + "\n" + (failure.logs ?? []).map((l) => l.message).join("\n");
    assert.match(
      text,
      new RegExp(
        `no root context registered for plugin_root_id "${rootId}" \\(registered: "alpha", "beta"\\)`,
      ),
    );
  }
});
