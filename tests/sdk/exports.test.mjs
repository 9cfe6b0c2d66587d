// Which Proxy-Wasm callbacks a module built with the preset exports (transform/used-callbacks.js):
// every callback a plugin can use, with the exact signatures of reference §2 (the host mock
// checks them at load), and none that it cannot — hosts skip callbacks a module lacks.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";
import { Host } from "proxy-wasm-as/host-mock";
import { plugin } from "./plugins.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const exportsOf = (wasm) =>
  WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(wasm))).map((e) => e.name);

const ALWAYS = [
  "proxy_abi_version_0_2_1",
  "proxy_on_memory_allocate",
  "malloc",
  "proxy_on_context_create",
  "proxy_on_vm_start",
  "proxy_on_delete",
  "memory",
  "_start",
];
const EVERY_CALLBACK = [
  "proxy_on_configure",
  "proxy_on_tick",
  "proxy_on_queue_ready",
  "proxy_on_foreign_function",
  "proxy_on_done",
  "proxy_on_log",
  "proxy_on_request_headers",
  "proxy_on_request_body",
  "proxy_on_request_trailers",
  "proxy_on_response_headers",
  "proxy_on_response_body",
  "proxy_on_response_trailers",
  "proxy_on_new_connection",
  "proxy_on_downstream_data",
  "proxy_on_upstream_data",
  "proxy_on_downstream_connection_close",
  "proxy_on_upstream_connection_close",
  "proxy_on_http_call_response",
  "proxy_on_grpc_receive_initial_metadata",
  "proxy_on_grpc_receive",
  "proxy_on_grpc_receive_trailing_metadata",
  "proxy_on_grpc_close",
];

test("a plugin overriding every method exports every callback, and the host accepts each signature", () => {
  const wasm = plugin("sdk-callbacks");
  assert.deepEqual(new Set(exportsOf(wasm)), new Set([...ALWAYS, ...EVERY_CALLBACK]));
  assert.doesNotThrow(() => new Host().loadPlugin({ wasm }));
});

test("B1 exports only the callbacks it uses: no per-request VM call for empty defaults", () => {
  assert.deepEqual(
    new Set(exportsOf(plugin("bench-b1"))),
    new Set([...ALWAYS, "proxy_on_request_headers", "proxy_on_response_headers"]),
  );
  const p = new Host().loadPlugin({ wasm: plugin("bench-b1"), trace: true });
  const s = p.newHttpStream();
  s.sendRequestHeaders(
    [
      [":method", "GET"],
      [":path", "/"],
      [":authority", "x"],
    ],
    { endOfStream: true },
  );
  s.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
  s.complete();
  const calls = p.trace.filter((e) => e.kind === "call" && e.contextId === s.contextId);
  assert.deepEqual(
    calls.map((e) => e.fn),
    [
      "proxy_on_context_create",
      "proxy_on_request_headers",
      "proxy_on_response_headers",
      "proxy_on_delete",
    ],
  );
  assert.equal(s.requestHeader("x-ua-len"), "0");
  assert.equal(s.responseHeader("x-powered-by"), "bench");
});

test("a TCP plugin exports no HTTP callbacks; a raw http_call keeps the response callback", () => {
  const tcp = exportsOf(plugin("sdk-tcp"));
  assert.ok(!tcp.some((name) => /request|response/.test(name)), tcp.join(" "));
  assert.ok(tcp.includes("proxy_on_downstream_data") && tcp.includes("proxy_on_log"));
  assert.ok(exportsOf(plugin("sdk-raw")).includes("proxy_on_http_call_response"));
});

test("PROXY_WASM_AS_EXPORT_ALL=1 keeps every callback of the SDK", async () => {
  const out = mkdtempSync(join(tmpdir(), "proxy-wasm-as-exports-"));
  const cwd = process.cwd();
  process.env.PROXY_WASM_AS_EXPORT_ALL = "1";
  process.chdir(root);
  try {
    const file = join(out, "b1.wasm");
    const { error } = await asc.main(
      ["tests/plugins/bench-b1.ts", "--config", "tests/plugins/asconfig.json", "-o", file],
      { stdout: { write() {} }, stderr: process.stderr },
    );
    assert.equal(error, null);
    const names = exportsOf(file);
    for (const name of [
      ...EVERY_CALLBACK,
      "proxy_on_request_metadata",
      "proxy_on_response_metadata",
    ]) {
      assert.ok(names.includes(name), name);
    }
    assert.doesNotThrow(() => new Host().loadPlugin({ wasm: file }));
  } finally {
    delete process.env.PROXY_WASM_AS_EXPORT_ALL;
    process.chdir(cwd);
    rmSync(out, { recursive: true, force: true });
  }
});

test("overrides in a default-exported class count; a plugin's own proxy_on_log is kept", () => {
  const wasm = plugin("sdk-transform");
  const names = exportsOf(wasm);
  assert.ok(names.includes("proxy_on_request_headers") && names.includes("proxy_on_log"));
  const p = new Host().loadPlugin({ wasm });
  const s = p.newHttpStream();
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
  assert.equal(s.localResponse?.status, 403, "the default-exported class's onRequestHeaders ran");
  s.complete();
  assert.ok(p.logMessages("info").includes(`own access log for ${s.contextId}`));
});
