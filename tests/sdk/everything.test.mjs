// A plugin using every SDK feature (tests/plugins/sdk-everything.ts) compiles with no warnings,
// imports only what hosts provide (ABI 0.2.1 env.proxy_* and WASI), and works end to end.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";
import { Host } from "proxy-wasm-as/host-mock";
import { plugin } from "./plugins.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const wasm = plugin("sdk-everything");

test("compiles with no warnings (release)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "everything-"));
  const stdout = asc.createMemoryStream();
  const stderr = asc.createMemoryStream();
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const { error } = await asc.main(
      [
        "tests/plugins/sdk-everything.ts",
        "--config",
        "tests/plugins/asconfig.json",
        "--target",
        "release",
        "--outFile",
        join(dir, "everything.wasm"),
      ],
      { stdout, stderr },
    );
    assert.equal(error, null, stderr.toString());
    assert.doesNotMatch(stderr.toString(), /WARNING|ERROR/, stderr.toString());
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("imports only env.proxy_* hostcalls of ABI 0.2.1 and WASI", async () => {
  const { readFileSync } = await import("node:fs");
  const module = new WebAssembly.Module(readFileSync(wasm));
  const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`);
  for (const name of imports) assert.match(name, /^(env\.proxy_|wasi_snapshot_preview1\.)/, name);
  for (const used of [
    "env.proxy_get_shared_data",
    "env.proxy_set_shared_data",
    "env.proxy_define_metric",
    "env.proxy_increment_metric",
    "env.proxy_record_metric",
    "env.proxy_get_property",
    "env.proxy_set_property",
    "env.proxy_get_buffer_bytes",
    "env.proxy_set_buffer_bytes",
    "env.proxy_send_local_response",
    "env.proxy_set_tick_period_milliseconds",
    "env.proxy_http_call",
    "env.proxy_grpc_call",
    "env.proxy_grpc_stream",
    "env.proxy_grpc_send",
    "env.proxy_grpc_close",
    "env.proxy_register_shared_queue",
    "env.proxy_enqueue_shared_queue",
    "env.proxy_dequeue_shared_queue",
    "env.proxy_call_foreign_function",
    "env.proxy_set_effective_context",
  ]) {
    assert.ok(imports.includes(used), used);
  }
});

test("every feature works together over HTTP", () => {
  const host = new Host();
  const p = host.loadPlugin({
    wasm,
    rootId: "http",
    name: "everything",
    configuration: JSON.stringify({ greeting: "hi", body: { max: 4096 }, redact: ["token"] }),
    properties: {
      "xds.node.id": "node-1",
      "source.address": "10.0.0.9:4444",
      "xds.route_metadata.filter_metadata.everything.tenant": "acme",
    },
  });
  assert.ok(p.logMessages("info").includes("everything: everything http on node-1"));
  const s = p.newHttpStream();
  s.sendRequestHeaders(
    [
      [":method", "POST"],
      [":path", "/items?x=1"],
      [":authority", "shop"],
    ],
    {
      endOfStream: false,
    },
  );
  s.sendRequestBody("abc", { endOfStream: true });
  assert.equal(s.requestHeader("x-request-count"), "1");
  assert.equal(s.requestHeader("x-greeting"), "hi");
  assert.equal(s.requestHeader("x-client"), "10.0.0.9:4444");
  assert.equal(s.requestHeader("x-tenant"), "acme");
  assert.equal(s.routeCacheClears, 1, "clear_route_cache after changing a routed-on header");
  assert.match(s.requestHeader("x-compressed") ?? "", /^\d+$/, "Envoy's compress foreign function");
  assert.ok(p.logMessages("info").includes("event /items?x=1"), "queue item delivered");
  s.sendResponseHeaders(
    [
      [":status", "200"],
      ["content-type", "application/json"],
      ["content-length", "27"],
    ],
    { endOfStream: false },
  );
  assert.equal(s.responseHeader("x-seen"), "yes");
  assert.equal(s.responseHeader("content-length"), null);
  s.sendResponseBody('{"token":"abc","v":1.5}', { endOfStream: true });
  assert.deepEqual(JSON.parse(s.responseBodyText), { token: "***", v: 1.5, requests: 1 });
  host.advanceTime(5);
  s.complete();
  assert.ok(p.logMessages("info").includes("done /items 200"));
  const denied = p.newHttpStream();
  denied.sendRequestHeaders(
    [
      [":method", "GET"],
      [":path", "/"],
      [":authority", "shop"],
      ["x-deny", "1"],
    ],
    {
      endOfStream: true,
    },
  );
  assert.equal(denied.localResponse?.status, 403);
  denied.complete();
  host.advanceTime(3000);
  assert.deepEqual(
    {
      post: p.metric("method=.=POST;.;everything_requests_total"),
      get: p.metric("method=.=GET;.;everything_requests_total"),
      inFlight: p.metric("everything_in_flight"),
      body: p.metric("everything_body_bytes"),
      ticks: p.metric("everything_ticks_total"),
      slowTicks: p.metric("everything_slow_ticks_total"),
      events: p.metric("everything_events_total"),
      zone: p.metric("everything_zone.zone.acme"),
      latency: p.metric("route=.=/items;.;everything_latency_ms"),
    },
    {
      post: 1,
      get: 1,
      inFlight: 0,
      body: 1,
      ticks: 3,
      slowTicks: 1,
      events: 1,
      zone: 1,
      latency: 1,
    },
  );
  assert.equal(p.sharedData["everything:requests"].value.length, 8);
  assert.ok(p.sharedData["everything:last-tick"]);
});

test("every feature works together over TCP", () => {
  const p = new Host().loadPlugin({ wasm, rootId: "tcp" });
  const c = p.newTcpStream({
    properties: { "source.address": "10.1.1.1:999", "source.port": 999 },
  });
  c.sendNewConnection();
  c.sendDownstreamData("ping");
  c.sendUpstreamData("pong!");
  c.closeDownstream();
  assert.equal(p.metric("everything_tcp_bytes_total"), 9);
  assert.ok(
    p.logMessages("info").some((m) => /^tcp from 10\.1\.1\.1:999 port 999 id \d+$/.test(m)),
  );
  assert.ok(p.logMessages("info").includes("tcp closed"));
});

function callout(p, kind) {
  const s = p.newHttpStream();
  s.sendRequestHeaders(
    [
      [":method", "GET"],
      [":path", "/"],
      [":authority", "shop"],
      ["x-callout", kind],
    ],
    { endOfStream: true },
  );
  assert.equal(s.requestPaused, true, `${kind}: request held for the answer`);
  return s;
}

test("HTTP and gRPC callouts reach their handlers with the originating stream", () => {
  const p = new Host().loadPlugin({ wasm, rootId: "http" });
  const allowed = callout(p, "http");
  const denied = callout(p, "http");
  const [first, second] = p.httpCalls;
  assert.equal(first.cluster, "authz");
  p.respondToHttpCall(first, { status: 200, body: "ann-ok" });
  assert.equal(allowed.requestPaused, false);
  assert.equal(allowed.requestHeader("x-authz"), "ann-ok");
  p.respondToHttpCall(second, { status: 401 });
  assert.equal(denied.localResponse?.status, 403);
  const failed = callout(p, "http");
  p.failHttpCall(p.httpCalls[2]);
  assert.equal(failed.localResponse?.status, 503);

  const unary = callout(p, "grpc");
  const call = p.grpcCalls.find((c) => c.kind === "call");
  assert.equal(call.method, "Check");
  p.respondToGrpcCall(call.token, { message: "granted" });
  assert.equal(unary.requestHeader("x-grpc"), "granted");
  assert.equal(unary.requestPaused, false);

  const watched = callout(p, "stream");
  const stream = p.grpcCalls.find((c) => c.kind === "stream");
  assert.equal(new TextDecoder().decode(stream.messages[0]), "follow");
  p.sendGrpcStreamEvent(stream.token, { message: "v42" });
  assert.equal(watched.requestHeader("x-watch"), "v42");
  assert.equal(stream.localClosed, true);
});

test("a host-initiated foreign function reaches onForeignFunction with its arguments", () => {
  const p = new Host().loadPlugin({ wasm, rootId: "http" });
  p.callForeignFunction(7, "args!");
  assert.ok(p.logMessages("info").includes("foreign 7 args!"));
});
