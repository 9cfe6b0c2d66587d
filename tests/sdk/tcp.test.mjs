// StreamContext (TCP) through tests/plugins/sdk-tcp.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host } from "proxy-wasm-as/host-mock";
import { plugin } from "./plugins.mjs";

test("data is held until a newline, then edited; upstream data rewritten; close order", () => {
  const p = new Host().loadPlugin({ wasm: plugin("sdk-tcp") });
  const t = p.newTcpStream();
  t.sendNewConnection();
  assert.equal(t.sendDownstreamData("hel", { endOfStream: false }), "StopIteration");
  assert.equal(t.downstreamDataText ?? Buffer.from(t.downstreamData).toString(), "");
  assert.equal(t.sendDownstreamData("lo\n", { endOfStream: false }), "Continue");
  assert.equal(Buffer.from(t.downstreamData).toString(), "[tag] hello\n");
  t.sendUpstreamData("pong", { endOfStream: false });
  assert.equal(Buffer.from(t.upstreamData).toString(), "PONG");
  t.closeDownstream("remote");
  assert.deepEqual(p.logMessages("info"), [
    `new connection ${t.contextId}`,
    "downstream close peer=2",
    "tcp done",
    "tcp log",
    "tcp delete",
  ]);
});
