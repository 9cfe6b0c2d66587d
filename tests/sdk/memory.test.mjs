// Memory stays flat: the SDK collects garbage at callback boundaries (minimal runtime, see
// assembly/dispatcher/collect.ts) and frees every block the host hands it. A plugin that makes
// garbage on every request must not grow its linear memory after warm-up.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host } from "proxy-wasm-as/host-mock";
import { get, plugin } from "./plugins.mjs";

function pages(p) {
  return p.instanceExports.memory.buffer.byteLength / 65536;
}

test("garbage-heavy requests (buffered body rewrite, header scans) keep memory flat", () => {
  const p = new Host().loadPlugin({ wasm: plugin("sdk-http") });
  const body = "x".repeat(4096);
  const run = (n) => {
    for (let i = 0; i < n; i++) {
      const s = p.newHttpStream();
      s.sendRequestHeaders(get("/", [["x-op", i % 2 ? "body-append" : "headers"]]), {
        endOfStream: false,
      });
      s.sendRequestBody(body, { endOfStream: true });
      s.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
      s.complete();
    }
  };
  run(500);
  const warm = pages(p);
  run(2000);
  assert.equal(pages(p), warm, "no growth after warm-up");
  assert.ok(warm <= 16, `heap stays small: ${warm} pages`);
});

test("a stream context and its strings are freed after proxy_on_delete", () => {
  const p = new Host().loadPlugin({ wasm: plugin("bench-b1") });
  const run = (n) => {
    for (let i = 0; i < n; i++) {
      const s = p.newHttpStream();
      s.sendRequestHeaders(get("/", [["user-agent", "u".repeat(100)]]), { endOfStream: true });
      s.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
      s.complete();
    }
  };
  run(1000);
  const warm = pages(p);
  run(20000);
  assert.equal(pages(p), warm);
  assert.equal(warm, 1);
});
