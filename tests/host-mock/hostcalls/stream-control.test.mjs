// One test per row of reference §3.5 (stream control, local reply, route cache), driven by the
// WAT driver plugin and, for the 0.1.0-only hostcalls, an inline ABI 0.1.0 module.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Host, encodePairs, WasmResult as R } from "../../../sdk-host-mock/dist/index.js";
import { Driver, compileWat } from "../wat.mjs";

const GET = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "example.com"],
];

test("§3.5 proxy_continue_stream: resumes after the current VM call, type > 3 → BadArgument, UPSTREAM → Unimplemented, root without effective context → Ok no-op", () => {
  const got = [];
  const d = new Driver({
    handlers: {
      proxy_on_request_headers: () => 1,
      proxy_on_request_body(ctx, size) {
        got.push(["body", size]);
      },
      proxy_on_tick() {
        got.push(["root", this.continueStream(0)]);
        this.setEffective(2);
        got.push(["bad", this.continueStream(4)]);
        got.push(["upstream", this.continueStream(3)]);
        got.push(["request", this.continueStream(0), s.requestPaused]);
      },
    },
  });
  const s = d.plugin.newHttpStream();
  assert.equal(s.sendRequestHeaders(GET), "StopAllIterationAndWatermark");
  assert.equal(s.sendRequestBody("held", { endOfStream: true }), "Held");
  d.plugin.tick();
  assert.deepEqual(got, [
    ["root", R.Ok],
    ["bad", R.BadArgument],
    ["upstream", R.Unimplemented],
    ["request", R.Ok, true], // still paused inside the callback
    ["body", 4], // the held body in one call, after the tick returned
  ]);
  assert.equal(s.requestPaused, false);
});

test("§3.5 proxy_close_stream: resets an HTTP stream (details wasm_close_stream) after the call; type > 3 → BadArgument", () => {
  const got = [];
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        got.push(this.x.h_proxy_close_stream(7));
        got.push(this.x.h_proxy_close_stream(0));
      },
      proxy_on_request_body() {
        got.push("body");
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET);
  assert.equal(s.sendRequestBody("x", { endOfStream: true }), "Skipped");
  assert.deepEqual(got, [R.BadArgument, R.Ok]);
  assert.equal(s.resetReason, "wasm_close_stream");
});

const V010 = compileWat(`(module
  (import "env" "proxy_continue_request" (func $creq (result i32)))
  (import "env" "proxy_continue_response" (func $cres (result i32)))
  (import "env" "proxy_clear_route_cache" (func $clear (result i32)))
  (import "env" "proxy_set_effective_context" (func $eff (param i32) (result i32)))
  (memory (export "memory") 1)
  (global $phase (mut i32) (i32.const 0))
  (func (export "malloc") (param i32) (result i32) (i32.const 4096))
  (func (export "proxy_abi_version_0_1_0"))
  (func (export "proxy_on_request_headers") (param i32 i32) (result i32)
    (i32.store (i32.const 0) (call $clear))
    (i32.const 1))
  (func (export "proxy_on_response_headers") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_tick") (param i32)
    (drop (call $eff (i32.const 2)))
    (if (i32.eqz (global.get $phase))
      (then (i32.store (i32.const 4) (call $creq)))
      (else (i32.store (i32.const 8) (call $cres))))
    (global.set $phase (i32.add (global.get $phase) (i32.const 1)))))`);

test("§3.5 proxy_continue_request / proxy_continue_response (0.1.0): resume the paused request and response, return Ok", () => {
  const p = new Host().loadPlugin({ wasm: V010 });
  const mem = () => new DataView(p.instanceExports.memory.buffer);
  const s = p.newHttpStream();
  assert.equal(s.sendRequestHeaders(GET, { endOfStream: true }), "StopAllIterationAndWatermark");
  assert.equal(s.requestPaused, true);
  p.tick();
  assert.equal(s.requestPaused, false);
  assert.equal(s.requestHeadersForwarded, true);
  assert.equal(s.sendResponseHeaders([[":status", "200"]]), "StopAllIterationAndWatermark");
  assert.equal(s.responsePaused, true);
  p.tick();
  assert.equal(s.responsePaused, false);
  assert.deepEqual([mem().getUint32(4, true), mem().getUint32(8, true)], [R.Ok, R.Ok]);
});

test("§3.5 proxy_send_local_response: status, body, lower-cased headers, details with _ for spaces, gRPC status 0..16 only; forced stop; Ok even without a stream", () => {
  const got = [];
  const d = new Driver({
    handlers: {
      proxy_on_configure() {
        got.push(this.localReply(500, "root", "from root", new Uint8Array(0)));
      },
      proxy_on_request_headers() {
        got.push(
          this.localReply(403, "denied", "not allowed here", encodePairs([["X-Why", "policy"]]), 7),
        );
        return 0;
      },
    },
  });
  const s = d.plugin.newHttpStream();
  assert.equal(s.sendRequestHeaders(GET, { endOfStream: true }), "StopAllIterationAndWatermark");
  assert.deepEqual(got, [R.Ok, R.Ok]);
  assert.equal(s.localResponse.status, 403);
  assert.equal(s.localResponse.bodyText, "denied");
  assert.equal(s.localResponse.details, "not_allowed_here");
  assert.equal(s.localResponse.grpcStatus, 7);
  assert.deepEqual(
    s.localResponse.headers.filter(([k]) => k === "x-why"),
    [["x-why", "policy"]],
  );
  const d2 = new Driver({
    handlers: {
      proxy_on_request_headers() {
        this.localReply(401, "", "d", new Uint8Array(0), -1);
      },
    },
  });
  const s2 = d2.plugin.newHttpStream();
  s2.sendRequestHeaders(GET, { endOfStream: true });
  assert.equal(s2.localResponse.grpcStatus, null);
});

test("§3.5 proxy_clear_route_cache (0.1.0): Ok, counted on the stream; 0.2.x modules cannot import it", () => {
  const p = new Host().loadPlugin({ wasm: V010 });
  const s = p.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  assert.equal(new DataView(p.instanceExports.memory.buffer).getUint32(0, true), R.Ok);
  assert.equal(s.routeCacheClears, 1);
  assert.throws(
    () =>
      new Host().loadPlugin({
        wasm: compileWat(`(module
          (import "env" "proxy_clear_route_cache" (func (result i32)))
          (memory (export "memory") 1)
          (func (export "malloc") (param i32) (result i32) (i32.const 0))
          (func (export "proxy_abi_version_0_2_1")))`),
      }),
    /missing import: env\.proxy_clear_route_cache/,
  );
});
