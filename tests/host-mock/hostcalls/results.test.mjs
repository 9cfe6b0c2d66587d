// One test per row of reference §3.12 (WasmResult codes): each code the host produces, produced
// by a real hostcall of the WAT driver plugin; the two codes Envoy never produces are checked to
// be absent from the host mock's hostcall implementations.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { encodePairs, wasmResultName, WasmResult as R } from "../../../sdk-host-mock/dist/index.js";
import { Driver } from "../wat.mjs";

const GET = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "example.com"],
];

/** Runs `fn(driver)` inside proxy_on_request_headers and returns its result. */
function inStream(fn, plugin = {}) {
  let out;
  const d = new Driver({
    plugin,
    handlers: {
      proxy_on_request_headers() {
        out = fn(this);
      },
    },
  });
  d.plugin.newHttpStream().sendRequestHeaders(GET, { endOfStream: true });
  return out;
}

const CASES = [
  [0, "Ok", "a successful proxy_log", (d) => d.log(2, "x")],
  [1, "NotFound", "a missing header", (d) => d.getHeader(0, "missing").result],
  [2, "BadArgument", "proxy_log with level 6", (d) => d.log(6, "x")],
  [
    3,
    "SerializationFailure",
    "uncompress of bytes that are not zlib",
    (d) => d.callForeign("uncompress", "not zlib").result,
  ],
  [
    4,
    "ParseFailure",
    "gRPC call to an unknown cluster",
    (d) => {
      const out = d.alloc(4);
      return d.x.h_proxy_grpc_call(
        ...d.put("nope"),
        ...d.put("S"),
        ...d.put("M"),
        0,
        0,
        0,
        0,
        1000,
        out,
      );
    },
    { clusters: ["known"] },
  ],
  [
    6,
    "InvalidMemoryAccess",
    "a message pointer outside memory",
    (d) => d.x.h_proxy_log(2, 0xfffffff0, 100),
  ],
  [
    7,
    "Empty",
    "dequeue from an empty queue",
    (d) => {
      const out = d.alloc(4);
      d.x.h_proxy_register_shared_queue(...d.put("q"), out);
      const pair = d.outPair();
      return d.x.h_proxy_dequeue_shared_queue(d.u32(out), pair, pair + 4);
    },
  ],
  [
    8,
    "CasMismatch",
    "a set with a stale cas",
    (d) => (
      d.setShared("k", "1", 0),
      d.setShared("k", "2", 0),
      d.setShared("k", "3", d.getShared("k").cas - 1)
    ),
  ],
  [
    10,
    "InternalFailure",
    "a foreign function that cannot produce a result",
    (d) => d.callForeign("broken", "").result,
    { foreignFunctions: { broken: () => "not a result" } },
  ],
  [12, "Unimplemented", "continue_stream(UPSTREAM)", (d) => d.continueStream(3)],
];

for (const [code, name, how, fn, plugin] of CASES) {
  test(`§3.12 ${code} ${name}: produced by ${how}`, () => {
    assert.equal(R[name], code);
    assert.equal(wasmResultName(code), name);
    assert.equal(inStream(fn, plugin), code);
  });
}

test("§3.12 11 BrokenConnection: never a hostcall return, only the proxy_get_status code after a failed HTTP call", () => {
  const got = [];
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        got.push(this.httpCall("c", encodePairs(GET), "", new Uint8Array(0), 0).result);
      },
      proxy_on_http_call_response() {
        const code = this.alloc(4);
        const msg = this.outPair();
        got.push(this.x.h_proxy_get_status(code, msg, msg + 4), this.u32(code), this.text(msg));
      },
    },
  });
  d.plugin.newHttpStream().sendRequestHeaders(GET, { endOfStream: true });
  d.plugin.failHttpCall(4);
  assert.equal(wasmResultName(11), "BrokenConnection");
  assert.deepEqual(got, [R.Ok, R.Ok, R.BrokenConnection, "reset"]);
});

const HOSTCALL_SOURCES = fileURLToPath(new URL("../../../sdk-host-mock/src/", import.meta.url));
function hostMockSources() {
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(dir + e.name + "/");
      else if (e.name.endsWith(".ts") && e.name !== "abi.ts") files.push(dir + e.name);
    }
  };
  walk(HOSTCALL_SOURCES);
  return files.map((f) => readFileSync(f, "utf8")).join("\n");
}

for (const [code, name] of [
  [5, "BadExpression"],
  [9, "ResultMismatch"],
]) {
  test(`§3.12 ${code} ${name}: defined (same value as the SDK enums) and, as in Envoy, never produced by a hostcall`, () => {
    assert.equal(R[name], code);
    assert.equal(wasmResultName(code), name);
    assert.doesNotMatch(hostMockSources(), new RegExp(`WasmResult\\.${name}\\b`));
  });
}
