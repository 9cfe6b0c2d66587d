// The dispatcher never traps on events it cannot route: unknown context ids, callbacks for a
// context of another kind, streams a root declined, callbacks for unknown tokens.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host } from "proxy-wasm-as/host-mock";
import { get, plugin } from "./plugins.mjs";

test("HTTP callbacks on a TCP-only plugin are logged and continue", () => {
  // sdk-callbacks exports the HTTP callbacks (some class overrides them) but its root only
  // creates TCP contexts.
  const p = new Host().loadPlugin({ wasm: plugin("sdk-callbacks") });
  const s = p.newHttpStream();
  assert.equal(s.sendRequestHeaders(get("/"), { endOfStream: true }), "Continue");
  assert.deepEqual(p.logMessages("warn"), [
    `proxy-wasm-as: HTTP callback for a context of another kind: ${s.contextId}; ignored`,
  ]);
  assert.equal(p.failed, false);
});

test("callbacks for unknown context ids and gRPC tokens are logged and ignored", () => {
  const p = new Host().loadPlugin({ wasm: plugin("sdk-callbacks") });
  const exports = p.instanceExports;
  assert.equal(exports.proxy_on_request_headers(4242, 3, 1), 0, "Continue");
  assert.equal(exports.proxy_on_request_body(4242, 3, 1), 0, "Continue");
  assert.equal(exports.proxy_on_new_connection(4242), 0, "Continue");
  exports.proxy_on_tick(77);
  exports.proxy_on_grpc_receive(p.rootContextId, 99, 0);
  assert.equal(exports.proxy_on_done(4242), 1, "unknown contexts are done at once");
  exports.proxy_on_delete(4242);
  assert.deepEqual(p.logMessages("warn"), [
    "proxy-wasm-as: HTTP callback for unknown context 4242; ignored",
    "proxy-wasm-as: HTTP callback for unknown context 4242; ignored",
    "proxy-wasm-as: TCP callback for unknown context 4242; ignored",
    "proxy-wasm-as: root callback for unknown context 77; ignored",
    "proxy-wasm-as: gRPC callback for unknown token 99; ignored",
  ]);
  assert.equal(p.failed, false);
});

test("streams a root declines (no HTTP or TCP context) pass through silently", () => {
  const p = new Host().loadPlugin({ wasm: plugin("sdk-roots"), rootId: "alpha" });
  const s = p.newHttpStream();
  assert.equal(s.sendRequestHeaders(get("/"), { endOfStream: true }), "Continue");
  s.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
  s.complete();
  assert.deepEqual(p.logMessages("warn"), []);
});

test("the unknown-context warning is not built when warn is filtered out", () => {
  const p = new Host().loadPlugin({ wasm: plugin("sdk-callbacks"), logLevel: "error" });
  p.newHttpStream().sendRequestHeaders(get("/"), { endOfStream: true });
  assert.equal(p.hostcallCounts.proxy_log ?? 0, 0);
  assert.deepEqual(p.logs, []);
});
