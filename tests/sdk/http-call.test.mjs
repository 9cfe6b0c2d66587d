// HTTP callouts through the SDK's API (assembly/api/http-call.ts, reference §3.6, §6.7), with
// tests/plugins/sdk-http-call.ts: the request as Envoy receives it, the response or failure
// delivered to the handler of the originating stream with that stream as the effective
// context, callouts from root and TCP contexts, rejected dispatches, and an answer that
// outlives its stream (pitfall C6).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";
import { test } from "node:test";
import { Host } from "proxy-wasm-as/host-mock";
import { get, plugin } from "./plugins.mjs";

const wasm = plugin("sdk-http-call");
const load = (options = {}) =>
  new Host().loadPlugin({ wasm, rootId: "http", clusters: ["authz"], trace: true, ...options });
const call = (op, extra = []) => get("/orders", [["x-op", op], ...extra]);

test("the callout carries the builder's pseudo-headers, headers and timeout (§3.6)", () => {
  const p = load();
  const s = p.newHttpStream();
  assert.equal(
    s.sendRequestHeaders(call("check", [["x-user", "ann"]]), { endOfStream: true }),
    "StopAllIterationAndWatermark",
  );
  assert.equal(p.httpCalls.length, 1);
  const [rec] = p.httpCalls;
  assert.equal(rec.cluster, "authz");
  assert.deepEqual(rec.headers, [
    [":method", "GET"],
    [":path", "/check"],
    [":authority", "authz.local"],
    ["x-user", "ann"],
  ]);
  assert.equal(rec.timeoutMs, 1000);
  assert.equal(rec.bodyText, "");
  assert.equal(rec.contextId, s.id, "dispatched from the stream");
  assert.ok(p.logMessages("info").includes(`dispatch ${s.id}: 0`));
});

test("method, path, body, trailers and a replaced header; timeout 0 is passed as none", () => {
  const p = load();
  p.newHttpStream().sendRequestHeaders(call("post", [["x-user", "bob"]]), { endOfStream: true });
  p.newHttpStream().sendRequestHeaders(call("no-timeout"), { endOfStream: true });
  const [post, noTimeout] = p.httpCalls;
  assert.deepEqual(post.headers.slice(0, 4), [
    [":method", "POST"],
    [":path", "/submit"],
    [":authority", "authz.local"],
    ["x-user", "replaced"],
  ]);
  assert.equal(post.bodyText, "payload");
  assert.deepEqual(post.trailers, [["x-sum", "7"]]);
  assert.equal(noTimeout.timeoutMs, 0);
});

test("a 200 response reaches the handler with the stream as effective context; the request continues", () => {
  const p = load();
  const s = p.newHttpStream();
  s.sendRequestHeaders(call("check"), { endOfStream: true });
  p.clearLogs();
  p.respondToHttpCall(p.httpCalls[0], {
    status: 200,
    headers: [["x-extra", "1"]],
    body: "allow",
    trailers: [["x-trailer", "t"]],
  });
  assert.deepEqual(p.logMessages("info"), [
    `response for ${s.id} path=/orders status=200 headers=2 body=allow trailer=t pending=0`,
  ]);
  assert.equal(s.requestPaused, false);
  assert.equal(s.requestHeader("x-verdict"), "allow");
  // The SDK switched to the stream itself, before the handler's first hostcall.
  const hostcalls = p.trace.filter((e) => e.kind === "hostcall").map((e) => e.fn);
  assert.equal(hostcalls[0], "proxy_set_effective_context");
  const reads = p.trace.filter(
    (e) => e.kind === "hostcall" && e.fn === "proxy_get_header_map_value",
  );
  assert.ok(reads.length > 0);
  assert.ok(
    reads.every((e) => e.contextId === s.id),
    "hostcalls acted on the stream",
  );
  // The handler reads response.status twice; the host is asked once (map 6 = call response).
  assert.equal(reads.filter((e) => e.args[0] === 6).length, 1);
});

test("two streams answered out of order: each handler gets its own stream", () => {
  const p = load();
  const a = p.newHttpStream();
  const b = p.newHttpStream();
  a.sendRequestHeaders(get("/a", [["x-op", "check"]]), { endOfStream: true });
  b.sendRequestHeaders(get("/b", [["x-op", "check"]]), { endOfStream: true });
  p.clearLogs();
  p.respondToHttpCall(p.httpCalls[1], { status: 403, body: "no b" });
  p.respondToHttpCall(p.httpCalls[0], { status: 200, body: "yes a" });
  assert.deepEqual(p.logMessages("info"), [
    `response for ${b.id} path=/b status=403 headers=1 body=no b trailer=(none) pending=1`,
    `response for ${a.id} path=/a status=200 headers=1 body=yes a trailer=(none) pending=0`,
  ]);
  assert.equal(b.localResponse?.status, 403);
  assert.equal(b.localResponse?.bodyText, "no b");
  assert.equal(a.localResponse, null);
  assert.equal(a.requestHeader("x-verdict"), "yes a");
});

test("a handler can make the next callout for the same stream; its answer comes back to it (pitfall C7)", () => {
  const p = load();
  const s = p.newHttpStream();
  s.sendRequestHeaders(call("chain"), { endOfStream: true });
  p.respondToHttpCall(p.httpCalls[0], { status: 200, body: "first" });
  assert.ok(p.logMessages("info").includes("chained dispatch: 0"));
  assert.equal(p.httpCalls.length, 2);
  assert.equal(p.httpCalls[1].headers[1][1], "/second");
  assert.equal(p.httpCalls[1].contextId, s.id, "made with the stream as effective context");
  assert.equal(s.requestPaused, true);
  p.respondToHttpCall(p.httpCalls[1], { status: 200, body: "second" });
  assert.equal(s.requestHeader("x-verdict"), "second");
  assert.equal(s.requestPaused, false);
});

test("a reset is a failure: status code 11 and message 'reset' (§6.7)", () => {
  const p = load();
  const s = p.newHttpStream();
  s.sendRequestHeaders(call("check"), { endOfStream: true });
  p.failHttpCall(p.httpCalls[0]);
  assert.ok(p.logMessages("info").includes(`failure for ${s.id} code=11 message=reset`));
  assert.equal(s.localResponse?.status, 503);
  assert.equal(s.localResponse?.details, "callout_failed");
});

test("a timeout arrives as Envoy's 504 response (§6.7)", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm, rootId: "http", clusters: ["authz"] });
  const s = p.newHttpStream();
  s.sendRequestHeaders(call("check"), { endOfStream: true });
  host.advanceTime(999);
  assert.equal(s.localResponse, null);
  host.advanceTime(1);
  assert.equal(s.localResponse?.status, 504);
  assert.equal(s.localResponse?.bodyText, "upstream request timeout");
});

test("rejected dispatches return BadArgument and never call the handler (pitfall C1, C2)", () => {
  const p = load();
  const unknown = p.newHttpStream();
  unknown.sendRequestHeaders(call("bad-cluster"), { endOfStream: true });
  const noAuthority = p.newHttpStream();
  noAuthority.sendRequestHeaders(call("no-authority"), { endOfStream: true });
  assert.equal(p.httpCalls.length, 0);
  assert.ok(p.logMessages("info").includes(`dispatch ${unknown.id}: 2`));
  assert.ok(p.logMessages("info").includes(`dispatch ${noAuthority.id}: 2`));
  assert.equal(unknown.localResponse?.details, "callout_not_started");
  assert.equal(noAuthority.localResponse?.details, "callout_not_started");
});

test("an answer for a stream that is gone is dropped without a hostcall (pitfall C6)", () => {
  const p = load();
  const s = p.newHttpStream();
  s.sendRequestHeaders(call("check"), { endOfStream: true });
  s.complete();
  p.clearLogs();
  p.respondToHttpCall(p.httpCalls[0], { status: 200, body: "late" });
  assert.equal(p.failed, false);
  assert.deepEqual(p.logs, []);
  const answer = p.trace.findIndex(
    (e) => e.kind === "call" && e.fn === "proxy_on_http_call_response",
  );
  assert.ok(answer >= 0);
  assert.deepEqual(
    p.trace.slice(answer + 1).filter((e) => e.kind === "hostcall"),
    [],
    "no set_effective_context, no stream hostcall",
  );
  // The map entry was released when the stream was deleted: a new call sees only itself.
  const next = p.newHttpStream();
  next.sendRequestHeaders(call("check"), { endOfStream: true });
  p.respondToHttpCall(p.httpCalls[1], { status: 200, body: "ok" });
  assert.ok(p.logMessages("info").some((m) => m.endsWith("pending=0")));
});

test("a failure for a stream that is gone is dropped too", () => {
  const p = load();
  const s = p.newHttpStream();
  s.sendRequestHeaders(call("check"), { endOfStream: true });
  s.complete();
  p.clearLogs();
  p.failHttpCall(p.httpCalls[0]);
  assert.equal(p.failed, false);
  assert.deepEqual(p.logs, []);
});

test("a root context calls from onConfigure; its handler receives the root, without an effective-context switch", () => {
  const p = load({ configuration: "root-call" });
  assert.ok(p.logMessages("info").includes("root dispatch: 0"));
  assert.equal(p.httpCalls[0].contextId, p.id);
  p.clearLogs();
  p.respondToHttpCall(p.httpCalls[0], { status: 204 });
  assert.deepEqual(p.logMessages("info"), ["root got 204 "]);
  assert.equal(p.hostcallCounts.proxy_set_effective_context ?? 0, 0);
});

test("a TCP connection calls out; the handler resumes or closes that connection", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm, rootId: "tcp", clusters: ["authz"] });
  const allowed = p.newTcpStream();
  allowed.sendNewConnection();
  allowed.sendDownstreamData("hello");
  const denied = p.newTcpStream();
  denied.sendNewConnection();
  assert.deepEqual(
    p.httpCalls.map((c) => c.contextId),
    [allowed.id, denied.id],
  );
  p.respondToHttpCall(p.httpCalls[1], { status: 403 });
  p.respondToHttpCall(p.httpCalls[0], { status: 200 });
  assert.deepEqual(p.logMessages("info"), [
    `connection ${denied.id} got 403`,
    `connection ${allowed.id} got 200`,
  ]);
  assert.equal(denied.closed, true);
  assert.equal(allowed.closed, false);
  assert.equal(allowed.downstreamText, "hello", "held data forwarded after continueDownstream");
});

test("cost: the callout API keeps proxy_on_http_call_response, and no gRPC or tick callback", () => {
  const names = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(wasm))).map(
    (e) => e.name,
  );
  assert.ok(names.includes("proxy_on_http_call_response"));
  assert.deepEqual(
    names.filter((n) => n.startsWith("proxy_on_grpc") || n === "proxy_on_tick"),
    [],
  );
});

test("type safety: a handler for another context class is a compile error", async () => {
  // A virtual entry file next to the test plugins, served through asc's readFile hook.
  const entry = "tests/plugins/handler-mismatch.ts";
  const source = `
    import { CalloutStatus, FilterHeadersStatus, HttpCallHandler, HttpCallRequest, HttpCallResponse,
      HttpContext, httpCall, registerRootContext, RootContext } from "proxy-wasm-as/assembly";
    export * from "proxy-wasm-as/assembly/exports";
    class Other extends HttpContext {}
    class ForOther extends HttpCallHandler<Other> {
      onResponse(ctx: Other, response: HttpCallResponse): void {}
      onFailure(ctx: Other, failure: CalloutStatus): void {}
    }
    class Caller extends HttpContext {
      onRequestHeaders(n: u32, eos: bool): FilterHeadersStatus {
        httpCall(this, "authz", HttpCallRequest.get("a", "/"), new ForOther());
        return FilterHeadersStatus.Continue;
      }
    }
    class Root extends RootContext {
      createHttpContext(id: u32): HttpContext | null { return new Caller(id, this); }
    }
    registerRootContext((id: u32): RootContext => new Root(id));`;
  const cwd = process.cwd();
  process.chdir(fileURLToPath(new URL("../..", import.meta.url)));
  let stderr = "";
  try {
    const { error } = await asc.main(
      [entry, "--config", "tests/plugins/asconfig.json", "--noEmit"],
      {
        stdout: { write() {} },
        stderr: { write: (text) => (stderr += text) },
        readFile: (name, baseDir) => {
          if (resolve(baseDir, name) === resolve(entry)) return source;
          try {
            return readFileSync(join(baseDir, name), "utf8");
          } catch {
            return null;
          }
        },
      },
    );
    assert.notEqual(error, null);
  } finally {
    process.chdir(cwd);
  }
  assert.match(
    stderr,
    /TS2322: Type '.*ForOther' is not assignable to type '.*HttpCallHandler<.*Caller>'/,
  );
});
