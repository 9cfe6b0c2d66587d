// One test per row of reference §3.4 (header maps), driven by the WAT driver plugin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodePairs, decodePairs, WasmResult as R } from "../../../sdk-host-mock/dist/index.js";
import { Driver } from "../wat.mjs";

const GET = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "example.com"],
];

/** Runs `fn` inside on_request_headers of a fresh stream and returns [result, stream]. */
function inRequestHeaders(fn, headers = GET) {
  let out;
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        out = fn(this);
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(headers, { endOfStream: true });
  return [out, s];
}

test("§3.4 proxy_get_header_map_pairs: pairs encoding in host order with duplicates; empty map → (0,0); unavailable map → empty, never NotFound; type > 7 → BadArgument", () => {
  const [got] = inRequestHeaders(
    (d) => [d.headerPairs(0), d.headerPairs(1), d.headerPairs(2), d.headerPairs(8).result],
    [...GET, ["x", "1"], ["x", "2"]],
  );
  assert.equal(got[0].result, R.Ok);
  assert.deepEqual(decodePairs(got[0].data), [...GET, ["x", "1"], ["x", "2"]]);
  assert.deepEqual([got[1].result, got[1].ptr, got[1].len], [R.Ok, 0, 0]);
  assert.deepEqual([got[2].result, got[2].ptr, got[2].len], [R.Ok, 0, 0]);
  assert.equal(got[3], R.BadArgument);
});

test("§3.4 proxy_get_header_map_value: lower-cased key, first of duplicates, missing → NotFound, unavailable map → BadArgument, host ≡ :authority", () => {
  const [got] = inRequestHeaders(
    (d) => [
      d.getHeader(0, "X-Dup"),
      d.getHeader(0, "missing"),
      d.getHeader(2, ":status"),
      d.getHeader(0, "host"),
      d.getHeader(8, "x").result,
    ],
    [...GET, ["x-dup", "first"], ["x-dup", "second"]],
  );
  assert.deepEqual(got, [
    { result: R.Ok, value: "first" },
    { result: R.NotFound, value: null },
    { result: R.BadArgument, value: null },
    { result: R.Ok, value: "example.com" },
    R.BadArgument,
  ]);
});

test("§3.4 proxy_add_header_map_value: appends a new entry, pseudo-headers after the last pseudo-header, inline headers comma-appended, immutable map → BadArgument", () => {
  const [got, s] = inRequestHeaders(
    (d) => [
      d.addHeader(0, "X-A", "1"),
      d.addHeader(0, "x-a", "2"),
      d.addHeader(0, ":p", "v"),
      d.addHeader(0, "user-agent", "b"),
      d.addHeader(6, "x", "y"),
    ],
    [...GET, ["user-agent", "a"]],
  );
  assert.deepEqual(got, [R.Ok, R.Ok, R.Ok, R.Ok, R.BadArgument]);
  assert.deepEqual(s.requestHeaders, [
    ...GET,
    [":p", "v"],
    ["user-agent", "a,b"],
    ["x-a", "1"],
    ["x-a", "2"],
  ]);
});

test("§3.4 proxy_replace_header_map_value: removes every entry of the key then appends one (moves to the end); adds when absent", () => {
  const [got, s] = inRequestHeaders(
    (d) => [d.replaceHeader(0, "X-Dup", "only"), d.replaceHeader(0, "x-new", "n")],
    [...GET, ["x-dup", "1"], ["other", "o"], ["x-dup", "2"]],
  );
  assert.deepEqual(got, [R.Ok, R.Ok]);
  assert.deepEqual(s.requestHeaders, [...GET, ["other", "o"], ["x-dup", "only"], ["x-new", "n"]]);
});

test("§3.4 proxy_remove_header_map_value: removes all entries of the lower-cased key; a missing key is still Ok; after Continue → BadArgument", () => {
  let late;
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        assert.equal(this.removeHeader(0, "X-Dup"), R.Ok);
        assert.equal(this.removeHeader(0, "absent"), R.Ok);
      },
      proxy_on_response_headers() {
        late = this.removeHeader(0, ":path");
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders([...GET, ["x-dup", "1"], ["x-dup", "2"]], { endOfStream: true });
  s.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
  assert.deepEqual(s.requestHeaders, GET);
  assert.equal(late, R.BadArgument);
});

test("§3.4 proxy_set_header_map_pairs: replaces every entry (pseudo-headers too) with lower-cased keys; a malformed buffer empties the map silently", () => {
  const [got, s] = inRequestHeaders((d) => [
    d.setHeaderPairs(
      0,
      encodePairs([
        [":method", "PUT"],
        ["X-New", "1"],
      ]),
    ),
  ]);
  assert.deepEqual(got, [R.Ok]);
  assert.deepEqual(s.requestHeaders, [
    [":method", "PUT"],
    ["x-new", "1"],
  ]);
  const [bad, s2] = inRequestHeaders((d) => d.setHeaderPairs(0, new Uint8Array([1, 0, 0])));
  assert.equal(bad, R.Ok);
  assert.deepEqual(s2.requestHeaders, []);
});

test("§3.4 proxy_get_header_map_size: Σ key+value lengths (not a count); BadArgument for map types 4–7 and in on_log", () => {
  let inLog;
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        assert.deepEqual(this.headerSize(0), { result: R.Ok, size: 7 + 3 + 5 + 1 + 10 + 11 });
        assert.equal(this.headerSize(6).result, R.BadArgument);
      },
      proxy_on_log() {
        inLog = this.headerSize(0).result;
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  s.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
  s.complete();
  assert.equal(inLog, R.BadArgument);
});
