// Issue 5 "loading": a module from a path, bytes or URL (file:, http:), an expected SHA-256
// checked before anything runs, and load failures in Envoy / cpp-host wording.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import { FailState, Host, PluginLoadError } from "../../sdk-host-mock/dist/index.js";
import { compileWat as wat } from "../host-mock/wat.mjs";
import { MISBEHAVE, run } from "./helpers.mjs";

const bytes = new Uint8Array(readFileSync(MISBEHAVE));
const sha = createHash("sha256").update(bytes).digest("hex");

test("sources: path, bytes, file: URL (object and string) load the same module", () => {
  const host = new Host();
  for (const wasm of [MISBEHAVE, bytes, pathToFileURL(MISBEHAVE), pathToFileURL(MISBEHAVE).href]) {
    const p = host.loadPlugin({ wasm, sha256: sha });
    assert.equal(run(p, "count").requestHeader("x-global-count"), "1");
  }
});

test("sha256 mismatch: a clear error and nothing runs (no instance is created)", () => {
  const host = new Host();
  let instantiated = false;
  const wrong = "0".repeat(64);
  assert.throws(
    () => host.loadPlugin({ wasm: bytes, sha256: wrong, onInstance: () => (instantiated = true) }),
    (e) =>
      e instanceof PluginLoadError &&
      e.message === `Failed to load Wasm code: sha256 mismatch: expected ${wrong}, got ${sha}` &&
      e.failState === FailState.UnableToCreateVm,
  );
  assert.equal(instantiated, false);
  assert.equal(host.plugins.length, 0);
});

test("sha256 is case-insensitive hex", () => {
  const p = new Host().loadPlugin({ wasm: bytes, sha256: sha.toUpperCase() });
  assert.ok(p);
});

test("a missing file is a PluginLoadError naming the path", () => {
  assert.throws(
    () => new Host().loadPlugin({ wasm: "/nonexistent/plugin.wasm" }),
    (e) =>
      e instanceof PluginLoadError &&
      /Failed to load Wasm code from \/nonexistent\/plugin.wasm/.test(e.message),
  );
});

test("http(s) URL: loadPluginAsync fetches and checks the digest; loadPlugin says to use it", async () => {
  const server = createServer((req, res) => {
    if (req.url === "/plugin.wasm") res.end(bytes);
    else res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const host = new Host();
    const p = await host.loadPluginAsync({ wasm: `${base}/plugin.wasm`, sha256: sha });
    assert.equal(run(p, "count").requestHeader("x-global-count"), "1");
    await assert.rejects(
      host.loadPluginAsync({ wasm: new URL(`${base}/plugin.wasm`), sha256: "1".repeat(64) }),
      /sha256 mismatch/,
    );
    await assert.rejects(
      host.loadPluginAsync({ wasm: `${base}/missing.wasm` }),
      /fetch failed\) from .*missing.wasm: HTTP 404/,
    );
    assert.throws(
      () => host.loadPlugin({ wasm: new URL(`${base}/plugin.wasm`) }),
      /use Host.loadPluginAsync/,
    );
  } finally {
    server.close();
  }
});

test("load failures in cpp-host wording: no ABI marker, unknown import, wrong export signature", () => {
  const host = new Host();
  const cases = [
    [
      `(module (memory (export "memory") 1) (func (export "malloc") (param i32) (result i32) i32.const 0))`,
      /^Missing or unknown Proxy-Wasm ABI version$/,
    ],
    [
      `(module (import "env" "proxy_nope" (func (param i32))) (memory (export "memory") 1)
         (func (export "proxy_abi_version_0_2_1")) (func (export "malloc") (param i32) (result i32) i32.const 0))`,
      /^Failed to load Wasm module due to a missing import: env.proxy_nope$/,
    ],
    [
      `(module (memory (export "memory") 1) (func (export "proxy_abi_version_0_2_1"))
         (func (export "malloc") (param i32) (result i32) i32.const 0)
         (func (export "proxy_on_configure") (param i32) (result i32) i32.const 1))`,
      /^Bad function signature for: proxy_on_configure/,
    ],
  ];
  for (const [text, pattern] of cases) {
    assert.throws(
      () => host.loadPlugin({ wasm: wat(text) }),
      (e) => e instanceof PluginLoadError && pattern.test(e.message),
    );
  }
});

test("load failures: configure returning false → 'Failed to configure base Wasm plugin', with the plugin's logs", () => {
  assert.throws(
    () => new Host().loadPlugin({ wasm: MISBEHAVE, name: "cfg", configuration: "fail-configure" }),
    (e) =>
      e instanceof PluginLoadError &&
      e.message.startsWith(
        "Failed to configure base Wasm plugin: plugin cfg failed to configure",
      ) &&
      e.failState === FailState.ConfigureFailed &&
      e.logs.some((l) => l.message === "refusing configuration"),
  );
});

test("load failures: start returning false → 'Failed to start base Wasm'", () => {
  const text = `(module (memory (export "memory") 1) (func (export "proxy_abi_version_0_2_1"))
    (func (export "malloc") (param i32) (result i32) i32.const 8)
    (func (export "proxy_on_context_create") (param i32 i32))
    (func (export "proxy_on_vm_start") (param i32 i32) (result i32) i32.const 0))`;
  assert.throws(
    () => new Host().loadPlugin({ wasm: wat(text) }),
    (e) =>
      e instanceof PluginLoadError &&
      e.message.startsWith("Failed to start base Wasm") &&
      e.failState === FailState.StartFailed,
  );
});
