// Issue 5 "API limits": cpp-host's capability allowlist (restricted hostcall → log +
// InternalFailure, restricted WASI → errno 76, restricted callback → never called), header and
// property censoring, and the callout cluster allowlist.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Host } from "../../sdk-host-mock/dist/index.js";
import { MISBEHAVE, run } from "./helpers.mjs";

/** Every proxy_* / WASI name the module imports or exports, except `denied`. */
function allExcept(...denied) {
  const mod = new WebAssembly.Module(readFileSync(MISBEHAVE));
  const names = [
    ...WebAssembly.Module.imports(mod).map((i) => i.name),
    ...WebAssembly.Module.exports(mod).map((e) => e.name),
  ];
  return names.filter((n) => !denied.includes(n));
}

test("capabilities: a restricted hostcall logs cpp-host's message and returns InternalFailure", () => {
  const host = new Host();
  const p = host.loadPlugin({
    wasm: MISBEHAVE,
    allowedCapabilities: allExcept("proxy_http_call"),
    trace: true,
  });
  run(p, "callout", [["x-cluster", "anything"]]);
  assert.deepEqual(p.logMessages("info"), ["http_call=10"], "InternalFailure = 10");
  const hostLog = p.logs.filter((l) => l.via === "host");
  assert.deepEqual(
    hostLog.map((l) => [l.level, l.message]),
    [["error", "Attempted call to restricted proxy-wasm capability: proxy_http_call"]],
  );
  assert.equal(p.httpCalls.length, 0, "nothing dispatched");
  assert.ok(
    p.trace.some(
      (e) => e.kind === "hostcall" && e.fn === "proxy_http_call" && e.result === "InternalFailure",
    ),
  );
});

test("capabilities: a restricted WASI call returns errno 76 (the abort message is lost, the trap is not)", () => {
  const host = new Host();
  const p = host.loadPlugin({
    wasm: MISBEHAVE,
    allowedCapabilities: allExcept("fd_write"),
    trace: true,
  });
  const s = run(p, "crash");
  assert.equal(s.error?.trapMessage, "unreachable");
  assert.equal(s.error?.pluginMessage, null);
  assert.ok(p.trace.some((e) => e.fn === "wasi_snapshot_preview1.fd_write" && e.result === 76));
  assert.ok(
    p.logs.some(
      (l) =>
        l.via === "host" && l.message === "Attempted call to restricted WASI capability: fd_write",
    ),
  );
});

test("capabilities: a callback outside the allowlist is never called (cpp-host _GET_PROXY)", () => {
  const host = new Host();
  const p = host.loadPlugin({
    wasm: MISBEHAVE,
    allowedCapabilities: allExcept("proxy_on_request_headers"),
    trace: true,
  });
  const s = run(p, "count");
  assert.equal(s.requestHeader("x-global-count"), null);
  assert.ok(!p.trace.some((e) => e.kind === "call" && e.fn === "proxy_on_request_headers"));
  assert.ok(
    p.trace.some((e) => e.kind === "call" && e.fn === "proxy_on_delete"),
    "allowed callbacks still run",
  );
});

test("capabilities: empty allowlist = everything allowed (cpp-host)", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm: MISBEHAVE, allowedCapabilities: [], clusters: ["c"] });
  run(p, "callout", [["x-cluster", "c"]]);
  assert.deepEqual(p.logMessages("info"), ["http_call=0"]);
});

const secrets = [
  ["authorization", "Bearer secret"],
  ["cookie", "session=1"],
  ["x-other", "visible"],
];

test("censoring: hidden headers are absent for reads (value, pairs, size) and writes are refused", () => {
  const host = new Host();
  const p = host.loadPlugin({
    wasm: MISBEHAVE,
    hiddenHeaders: ["Authorization", "cookie"],
    hiddenProperties: ["source.address"],
  });
  const s = run(p, "secrets", secrets, { properties: { source: { address: "10.0.0.1:1234" } } });
  const info = p.logMessages("info");
  assert.equal(info[0], "authorization=<none>");
  assert.ok(!/authorization|cookie/.test(info[1]) && /x-other/.test(info[1]), info[1]);
  assert.equal(info[2], "source.address=<none>");
  assert.equal(info[3], "overwrite=10", "replace refused: InternalFailure");
  assert.equal(info[4], "remove=10");
  assert.equal(s.requestHeader("authorization"), "Bearer secret", "the real header is untouched");
  assert.equal(s.requestHeader("cookie"), "session=1");
  assert.ok(
    p.logs.some((l) => l.via === "host" && /censored header authorization/.test(l.message)),
  );
});

test("censoring off: the same plugin sees and overwrites everything", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm: MISBEHAVE });
  const s = run(p, "secrets", secrets, { properties: { source: { address: "10.0.0.1:1234" } } });
  const info = p.logMessages("info");
  assert.equal(info[0], "authorization=Bearer secret");
  assert.match(info[1], /authorization;cookie/);
  assert.equal(info[2], "source.address=10.0.0.1:1234");
  assert.equal(info[3], "overwrite=0");
  assert.equal(s.requestHeader("authorization"), "stolen");
});

test("callout cluster allowlist: a cluster outside it behaves as an unknown cluster", () => {
  const host = new Host();
  const p = host.loadPlugin({
    wasm: MISBEHAVE,
    clusters: ["auth", "billing"],
    allowedClusters: ["auth"],
  });
  run(p, "callout", [["x-cluster", "billing"]]);
  run(p, "callout", [["x-cluster", "auth"]]);
  run(p, "callout", [["x-cluster", "nowhere"]]);
  const [billing, auth, nowhere] = p.logMessages("info");
  assert.equal(auth, "http_call=0");
  assert.equal(billing, nowhere, "indistinguishable from an unknown cluster");
  assert.notEqual(billing, "http_call=0");
  assert.deepEqual(
    p.httpCalls.map((c) => c.cluster),
    ["auth"],
  );
});
