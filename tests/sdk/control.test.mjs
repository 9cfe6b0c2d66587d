// Stream control from root callbacks and the root's other callbacks, through
// tests/plugins/sdk-control.ts and sdk-tcp.ts: continueRequest/continueResponse/resetStream/
// sendLocalResponseBytes after setEffectiveContext, ticks, callout responses, foreign functions,
// configuration and properties as bytes, a deferred onDone finished with done(), and the TCP
// controls.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host, double, uint } from "proxy-wasm-as/host-mock";
import { get, plugin } from "./plugins.mjs";

const wasm = plugin("sdk-control");
const op = (name) => get("/", [["x-op", name]]);

test("a paused request is resumed from a tick: held body delivered, headers forwarded", () => {
  const p = new Host().loadPlugin({ wasm });
  const s = p.newHttpStream();
  assert.equal(
    s.sendRequestHeaders(op("request-continue"), { endOfStream: false }),
    "StopAllIterationAndWatermark",
  );
  s.sendRequestBody("held body", { endOfStream: true });
  assert.equal(s.requestPaused, true);
  assert.equal(s.requestBodyText, "");
  p.tick();
  assert.equal(s.requestPaused, false);
  assert.equal(s.requestBodyText, "held body");
  assert.ok(p.logMessages("info").includes("continue: 0"));
});

test("resetStream, sendLocalResponseBytes and continueResponse from a tick, with a continue in the same tick", () => {
  const p = new Host().loadPlugin({ wasm });
  const resumed = p.newHttpStream();
  resumed.sendRequestHeaders(op("request-continue"), { endOfStream: false });
  resumed.sendRequestBody("x", { endOfStream: true });
  const reset = p.newHttpStream();
  reset.sendRequestHeaders(op("request-reset"), { endOfStream: true });
  const replied = p.newHttpStream();
  replied.sendRequestHeaders(op("request-reply"), { endOfStream: true });
  const response = p.newHttpStream();
  response.sendRequestHeaders(op("response-continue"), { endOfStream: true });
  assert.equal(
    response.sendResponseHeaders([[":status", "200"]], { endOfStream: true }),
    "StopAllIterationAndWatermark",
  );
  p.tick();
  assert.equal(
    resumed.requestBodyText,
    "x",
    "a local reply elsewhere in the tick does not stop it",
  );
  assert.equal(reset.resetReason, "wasm_close_stream");
  assert.deepEqual(
    {
      status: replied.localResponse?.status,
      body: replied.localResponse?.bodyText,
      details: replied.localResponse?.details,
      teapot: replied.localResponse?.headers.find(([n]) => n === "x-teapot")?.[1],
    },
    { status: 418, body: "short and stout", details: "i_am_a_teapot", teapot: "yes" },
  );
  assert.equal(response.responsePaused, false);
  assert.equal(
    response.responseHeader("x-resumed"),
    "by tick",
    "held response headers were editable",
  );
});

test("configuration bytes, setTickPeriod and the fake clock", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm, vmConfiguration: "vmc", configuration: "twelve bytes" });
  assert.deepEqual(p.logMessages("info").slice(0, 3), [
    "vm config bytes=3",
    "plugin config bytes=12",
    "tick period: 0",
  ]);
  const s = p.newHttpStream();
  s.sendRequestHeaders(op("request-continue"), { endOfStream: true });
  host.advanceTime(999);
  assert.equal(s.requestPaused, true, "no tick before the period");
  host.advanceTime(1);
  assert.equal(s.requestPaused, false, "onTick ran after 1000 ms");
});

test("an HTTP callout's response reaches onHttpCallResponse with its body", () => {
  const p = new Host().loadPlugin({ wasm, configuration: "callout", clusters: ["authz"] });
  assert.ok(p.logMessages("info").includes("callout: 0 token 4"));
  p.respondToHttpCall(p.httpCalls[0], { body: "allowed" });
  assert.ok(p.logMessages("info").includes("callout response 4: headers=1 body=allowed status=0"));
});

test("a host-initiated foreign function call reaches onForeignFunction with its arguments", () => {
  const p = new Host().loadPlugin({ wasm });
  p.callForeignFunction(7, "payload");
  assert.ok(p.logMessages("info").includes("foreign 7: payload"));
});

test("uint64, double, hasProperty and setProperty with bytes", () => {
  const p = new Host().loadPlugin({
    wasm,
    properties: { "my.uint": uint(5), "my.double": double(2.5) },
  });
  p.newHttpStream().sendRequestHeaders(op("properties"), { endOfStream: true });
  const logs = p.logMessages("info");
  for (const line of [
    "uint=5",
    "double=2.5",
    "has=yes",
    "has missing=no",
    "set bytes=0",
    "read back=bytes!",
  ]) {
    assert.ok(logs.includes(line), line);
  }
});

test("a root deferring onDone is deleted only after done()", () => {
  const p = new Host().loadPlugin({ wasm, configuration: "defer-done" });
  p.tick();
  p.shutdown();
  assert.ok(
    !p.logMessages("info").includes("root onDelete"),
    "still alive after onDone returned false",
  );
  p.tick();
  const logs = p.logMessages("info");
  assert.deepEqual(logs.slice(-3), ["root onDone, deferring=yes", "done: 0", "root onDelete"]);
});

test("TCP: closeDownstream, closeUpstream and continueDownstream from a tick", () => {
  const tcp = plugin("sdk-tcp");
  const close = (data) => {
    const p = new Host().loadPlugin({ wasm: tcp });
    const t = p.newTcpStream();
    t.sendNewConnection();
    t.sendDownstreamData(data, { endOfStream: false });
    return t;
  };
  assert.equal(close("bye\n").closeDetails, "wasm_downstream_close");
  assert.equal(close("drop\n").closeDetails, "wasm_upstream_close");
  const p = new Host().loadPlugin({ wasm: tcp });
  const t = p.newTcpStream();
  t.sendNewConnection();
  assert.equal(t.sendDownstreamData("park\n", { endOfStream: false }), "StopIteration");
  assert.equal(t.downstreamText, "");
  p.tick();
  assert.equal(t.downstreamText, "park\n");
  assert.ok(p.logMessages("info").includes("continueDownstream: 0"));
});
