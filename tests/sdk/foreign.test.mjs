// Foreign functions through the SDK's API (assembly/api/foreign.ts, reference §3.10), with
// tests/plugins/sdk-foreign.ts: Envoy's compress/uncompress round trip, clear_route_cache on
// the calling stream, an unknown name (null, NotFound), a function's own failure result, a
// test-supplied function, and a host-initiated call with its arguments.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host } from "proxy-wasm-as/host-mock";
import { get, plugin } from "./plugins.mjs";

const wasm = plugin("sdk-foreign");

function run(op, options = {}) {
  const p = new Host().loadPlugin({ wasm, ...options });
  const s = p.newHttpStream();
  s.sendRequestHeaders(get("/", [["x-op", op]]), { endOfStream: true });
  return { p, s };
}

test("compress then uncompress round-trips the bytes", () => {
  const { p } = run("roundtrip");
  assert.deepEqual(p.logMessages("info"), ["compress: 0", "uncompress: hello hello hello"]);
});

test("clearRouteCache clears the calling stream's route cache", () => {
  const { p, s } = run("route");
  assert.deepEqual(p.logMessages("info"), ["clear_route_cache: 0"]);
  assert.equal(s.routeCacheClears, 1);
  assert.equal(s.requestHeader("x-route"), "canary");
});

test("an unknown name gives null and NotFound; a function's own failure is passed on", () => {
  assert.deepEqual(run("unknown").p.logMessages("info"), ["unknown: null 1"]);
  // Envoy's uncompress answers SerializationFailure (3) for bytes that are not zlib.
  assert.deepEqual(run("bad").p.logMessages("info"), ["bad: null 3"]);
});

test("a host-provided function receives the arguments and its bytes come back", () => {
  const seen = [];
  const { p } = run("echo", {
    foreignFunctions: {
      echo: (args, info) => {
        seen.push([new TextDecoder().decode(args), info.contextId]);
        return new TextEncoder().encode("pong");
      },
    },
  });
  assert.deepEqual(p.logMessages("info"), ["echo: pong"]);
  assert.equal(seen.length, 1);
  assert.equal(seen[0][0], "ping");
});

test("a host-initiated call: onForeignFunction reads its arguments (§2.1, 0.2.x)", () => {
  const p = new Host().loadPlugin({ wasm });
  p.callForeignFunction(7, "args!");
  assert.deepEqual(p.logMessages("info"), ["host called 7 with 5 bytes: args!"]);
});
