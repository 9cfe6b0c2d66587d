// Memory stays flat: the SDK frees every block the host hands it and keeps no per-request state
// after proxy_on_delete, and the incremental collector reclaims garbage while a callback runs.
// A plugin that makes garbage on every request must not grow its linear memory after warm-up.
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

test("megabytes of garbage per request stay bounded (no heap doubling per request)", () => {
  const p = new Host().loadPlugin({ wasm: plugin("sdk-http") });
  for (let i = 0; i < 200; i++) {
    const s = p.newHttpStream();
    s.sendRequestHeaders(
      get("/", [
        ["x-op", "garbage"],
        ["x-kib", "2048"],
      ]),
      { endOfStream: true },
    );
    assert.equal(s.requestHeader("x-checksum"), String((127 * 128) / 2), "the work was done");
    s.complete();
  }
  assert.ok(pages(p) <= 128, `heap ${pages(p) / 16} MiB after 400 MiB of garbage`);
});
