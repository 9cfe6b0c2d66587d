// A root creating both HTTP and TCP contexts (tests/plugins/sdk-dual-kind.ts): the kind is only
// known at the stream's first callback, so TCP connections must reach the TCP context.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host } from "proxy-wasm-as/host-mock";
import { plugin } from "./plugins.mjs";

test("one root serves HTTP streams and TCP connections", () => {
  const p = new Host().loadPlugin({ wasm: plugin("sdk-dual-kind") });
  const s = p.newHttpStream();
  s.sendRequestHeaders(
    [
      [":method", "GET"],
      [":path", "/"],
      [":authority", "x"],
    ],
    { endOfStream: true },
  );
  assert.equal(s.requestHeader("x-kind"), "http");
  s.complete();
  const t = p.newTcpStream();
  assert.equal(t.sendNewConnection(), "Continue");
  t.closeDownstream("remote");
  assert.deepEqual(p.logMessages("info"), [
    `http delete ${s.contextId}`,
    `tcp connection ${t.contextId}`,
    `tcp delete ${t.contextId}`,
  ]);
  assert.equal(
    p.logs.filter((r) => r.message.includes("ignored")).length,
    0,
    "no callback was ignored",
  );
});
