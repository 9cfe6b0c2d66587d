// Q5 (deciding on one body chunk) checked by repetition: checkChunkingIndependence replays one
// exchange with the bodies chunked differently through fresh plugins and fails with Q5 when what
// the client or upstream sees changes (tests/plugins/strict-chunks.ts, examples/body-rewrite).
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  Host,
  StrictModeError,
  checkChunkingIndependence,
} from "../../sdk-host-mock/dist/index.js";
import { plugin as wasmPath } from "../sdk/plugins.mjs";
import { throwsStrict } from "./helpers.mjs";

const chunks = (configuration) => ({ wasm: wasmPath("strict-chunks"), configuration });
const exchange = (requestBody, responseBody, extra = {}) => ({
  requestHeaders: [
    [":method", "POST"],
    [":path", "/upload"],
    [":authority", "example.com"],
  ],
  requestBody,
  responseHeaders: [[":status", "200"]],
  responseBody,
  ...extra,
});

test("Q5: a request filter that looks at each chunk alone misses a pattern split in two", () => {
  throwsStrict(
    () => checkChunkingIndependence(chunks("per-chunk"), exchange("hello attack world", "ok")),
    "Q5",
    /request body is chunked: the local reply was \{"status":403,"bodyText":"blocked","headers":\[\]\} with the body as one chunk but none as two halves \(9\+9\)/,
  );
});

test("Q5: a response filter that rewrites per chunk forwards the secret when it is split", () => {
  throwsStrict(
    () => checkChunkingIndependence(chunks("per-chunk"), exchange("fine", "the secret is out")),
    "Q5",
    /response body is chunked: the forwarded response body was "the \*\*\*\*\*\* is out" with the body as one chunk but "the secret is out" as two halves/,
  );
});

test("Q5: the same filter buffering until end_of_stream passes every chunking in both directions", () => {
  const runs = checkChunkingIndependence(chunks("buffered"), exchange("fine", "the secret is out"));
  // baseline + 4 chunkings × 2 directions
  assert.equal(runs.length, 9);
  assert.deepEqual(
    runs.map((r) => r.direction),
    [
      null,
      "request",
      "response",
      "request",
      "response",
      "request",
      "response",
      "request",
      "response",
    ],
  );
  assert.ok(runs.some((r) => r.direction === "response" && r.chunking === "1-byte chunks (17)"));
  for (const r of runs) {
    assert.equal(Buffer.from(r.outcome.responseBody).toString(), "the ****** is out", r.chunking);
    assert.equal(Buffer.from(r.outcome.requestBody).toString(), "fine", r.chunking);
    assert.equal(r.outcome.localReply, null);
  }
  const blocked = checkChunkingIndependence(chunks("buffered"), exchange("an attack", "x"));
  for (const r of blocked) assert.equal(r.outcome.localReply?.status, 403, r.chunking);
});

test("Q5: explicit chunk sizes — a split that keeps the pattern whole passes, one through it fails", () => {
  const x = exchange("hello attack", undefined, { responseHeaders: undefined });
  const runs = checkChunkingIndependence(chunks("per-chunk"), x, {
    chunkings: ["whole", { sizes: [2] }, { sizes: [6, 6] }],
  });
  assert.deepEqual(
    runs.map((r) => r.chunking),
    ["one chunk", "chunks 2+10", "chunks 6+6"],
  );
  // "he" went upstream before the 403: the aborted upstream request's body is not compared
  assert.equal(Buffer.from(runs[1].outcome.requestBody).toString(), "he");
  assert.equal(runs[1].outcome.localReply.status, 403);
  throwsStrict(
    () =>
      checkChunkingIndependence(chunks("per-chunk"), x, {
        chunkings: ["whole", { sizes: [8] }],
      }),
    "Q5",
    /as chunks 8\+4/,
  );
});

test("Q5: seeded random splits are reproducible and cover the whole body", () => {
  const x = exchange("0123456789abcdefghij", undefined, { responseHeaders: undefined });
  const opts = { chunkings: ["whole", { seed: 7 }, { seed: 8 }] };
  const a = checkChunkingIndependence(chunks("buffered"), x, opts).map((r) => r.chunking);
  const b = checkChunkingIndependence(chunks("buffered"), x, opts).map((r) => r.chunking);
  assert.deepEqual(a, b);
  for (const d of a.slice(1)) {
    const sizes = /\((.*)\)$/.exec(d)[1].split("+").map(Number);
    assert.ok(sizes.length >= 2, d);
    assert.equal(
      sizes.reduce((s, n) => s + n, 0),
      20,
      d,
    );
  }
  assert.notDeepEqual(a[1], a[2]);
});

test("Q5: with trailers the last chunk has end_of_stream = false and the split is still found", () => {
  const x = exchange("xx attack", undefined, {
    responseHeaders: undefined,
    requestTrailers: [["x-checksum", "1"]],
  });
  assert.throws(
    () => checkChunkingIndependence(chunks("per-chunk"), x),
    (e) => e instanceof StrictModeError && e.pitfall === "Q5",
  );
});

test("Q5: examples/body-rewrite (buffers until end of stream) passes; a factory gives each run a fresh plugin", () => {
  const wasm = fileURLToPath(
    new URL("../../examples/body-rewrite/build/body-rewrite.wasm", import.meta.url),
  );
  const configuration = JSON.stringify({
    replace: { "internal.example.com": "api.example.com" },
    contentTypes: ["application/json"],
  });
  let loads = 0;
  const runs = checkChunkingIndependence(
    () => {
      loads++;
      return new Host().loadPlugin({ wasm, rootId: "body-rewrite", configuration });
    },
    {
      requestHeaders: [
        [":method", "GET"],
        [":path", "/"],
        [":authority", "example.com"],
      ],
      responseHeaders: [
        [":status", "200"],
        ["content-type", "application/json"],
      ],
      responseBody: '{"next":"https://internal.example.com/page/2"}',
    },
  );
  assert.equal(loads, runs.length);
  assert.equal(runs.length, 5, "no request body: only the response body is chunked");
  for (const r of runs)
    assert.equal(
      Buffer.from(r.outcome.responseBody).toString(),
      '{"next":"https://api.example.com/page/2"}',
      r.chunking,
    );
});

test("Q5: a plugin that traps on a partial body (parses each chunk as JSON) fails naming the trap", () => {
  throwsStrict(
    () =>
      checkChunkingIndependence(
        chunks("parse-chunk"),
        exchange('{"user":"ann"}', undefined, { responseHeaders: undefined }),
      ),
    "Q5",
    /the trap was none with the body as one chunk but ".*request body is not JSON/,
  );
});

test("Q5: answerHttpCall answers the callout a plugin gates the request on; strict plugins run inside", () => {
  const load = () => new Host().loadPlugin({ wasm: wasmPath("strict-misuse"), strict: true });
  const x = exchange("payload", "done");
  let answered = 0;
  const runs = checkChunkingIndependence(load, {
    ...x,
    answerHttpCall: (call) => {
      answered++;
      assert.equal(call.cluster, "authz");
      return { status: 200 };
    },
  });
  assert.equal(answered, runs.length, "one callout per run, answered");
  for (const r of runs) {
    assert.equal(r.outcome.httpCalls.length, 1);
    assert.equal(Buffer.from(r.outcome.requestBody).toString(), "payload", r.chunking);
    assert.equal(Buffer.from(r.outcome.responseBody).toString(), "done", r.chunking);
    assert.equal(r.outcome.requestPaused, false);
  }
  // unanswered: every run ends with the request held and no response sent
  const held = checkChunkingIndependence(load, x);
  for (const r of held) {
    assert.equal(r.outcome.requestPaused, true);
    assert.equal(r.outcome.responseHeadersForwarded, false);
  }
});

test("checkChunkingIndependence needs at least two chunkings", () => {
  assert.throws(
    () =>
      checkChunkingIndependence(chunks("buffered"), exchange("a", "b"), { chunkings: ["whole"] }),
    RangeError,
  );
});
