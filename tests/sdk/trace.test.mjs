// The host mock's ordered trace of host→plugin calls and plugin→host hostcalls, as a plugin
// author reads it: each callback comes before the hostcalls it made; a trapping callback is
// marked; arguments are unsigned as the host reads them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host, PluginTrapError } from "proxy-wasm-as/host-mock";
import { get, plugin } from "./plugins.mjs";

test("a callback is traced before the hostcalls it makes, with its return value", () => {
  const p = new Host().loadPlugin({ wasm: plugin("sdk-http"), trace: true });
  const s = p.newHttpStream();
  s.sendRequestHeaders(get("/", [["x-op", "set-pairs"]]), { endOfStream: true });
  const entries = p.trace.slice(
    p.trace.findIndex((e) => e.fn === "proxy_on_context_create" && e.contextId === s.contextId),
  );
  assert.deepEqual(
    entries.map((e) => e.fn),
    [
      "proxy_on_context_create",
      "proxy_on_request_headers",
      "proxy_get_header_map_value",
      "proxy_get_header_map_pairs",
      "proxy_set_header_map_pairs",
    ],
  );
  const headersCall = entries[1];
  assert.deepEqual(headersCall.args, [s.contextId, 4, 1]);
  assert.equal(headersCall.ret, 0);
  assert.deepEqual(entries[2].args.slice(0, 1), [0], "map type of request headers");
  assert.equal(entries[2].result, "Ok");
});

test("a trapping callback is in the trace with its trap message", () => {
  const p = new Host().loadPlugin({ wasm: plugin("sdk-trap"), trace: true });
  assert.throws(
    () =>
      p.newHttpStream().sendRequestHeaders(get("/", [["x-crash", "now"]]), { endOfStream: true }),
    PluginTrapError,
  );
  const call = p.trace.find((e) => e.kind === "call" && e.fn === "proxy_on_request_headers");
  assert.ok(call, "the trapping call is traced");
  assert.equal(call.ret, null);
  assert.match(call.trap, /plugin exploded: now/);
});

test("i32 arguments are traced unsigned (0xFFFFFFFF, not -1)", () => {
  const p = new Host().loadPlugin({ wasm: plugin("sdk-http"), trace: true });
  const s = p.newHttpStream();
  s.sendRequestHeaders(get("/", [["x-op", "body-set"]]), { endOfStream: false });
  s.sendRequestBody("abc", { endOfStream: true });
  const read = p.trace.find((e) => e.fn === "proxy_get_buffer_bytes");
  assert.deepEqual(read.args.slice(0, 3), [0, 0, 0xffffffff], "buffer 0, start 0, everything");
  const set = p.trace.find((e) => e.fn === "proxy_set_buffer_bytes");
  assert.deepEqual(set.args.slice(0, 3), [0, 0, 0xffffffff], "replace the whole body");
});
