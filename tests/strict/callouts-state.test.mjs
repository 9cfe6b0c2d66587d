// Strict mode: callouts and cross-context actions (C1–C6), shared data and queues (S6, T2, D2,
// D3), runtime misuse (M2–M5, X1, X3) and start-up (S1, S3, S4).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Host,
  PluginLoadError,
  PluginTrapError,
  StrictModeError,
  encodePairs,
} from "../../sdk-host-mock/dist/index.js";
import { Driver, compileWat, watFixture } from "../host-mock/wat.mjs";
import { CALL_HEADERS, GET, POST, ids, strictDriver, throwsStrict } from "./helpers.mjs";

const NONE = encodePairs([]);

// ------------------------------------------------------------------ callouts

test("C1 http_call without :authority (or with :host) fails", () => {
  const d = strictDriver({
    proxy_on_request_headers() {
      const r = this.httpCall(
        "auth",
        encodePairs([
          [":method", "GET"],
          [":path", "/"],
          [":host", "a"],
        ]),
        "",
        NONE,
        100,
      );
      assert.equal(r.result, 2);
    },
  });
  throwsStrict(
    () => d.plugin.newHttpStream().sendRequestHeaders(GET),
    "C1",
    /without :authority \(use :authority, not :host\/host\)/,
  );
});

test("C2 http_call to a URL or an undeclared cluster fails", () => {
  const url = strictDriver({
    proxy_on_request_headers() {
      this.httpCall("https://auth.example.com/check", CALL_HEADERS, "", NONE, 100);
    },
  });
  throwsStrict(() => url.plugin.newHttpStream().sendRequestHeaders(GET), "C2", /looks like a URL/);
  const unknown = strictDriver(
    {
      proxy_on_request_headers() {
        assert.equal(this.httpCall("authz", CALL_HEADERS, "", NONE, 100).result, 2);
      },
    },
    { clusters: ["auth"] },
  );
  throwsStrict(
    () => unknown.plugin.newHttpStream().sendRequestHeaders(GET),
    "C2",
    /"authz" is not a configured cluster/,
  );
});

test("C4 continue_stream from the callout callback without set_effective_context fails; the stream stays paused as in Envoy", () => {
  const handlers = {
    proxy_on_request_headers() {
      this.httpCall("auth", CALL_HEADERS, "", NONE, 1000);
      return 1;
    },
    proxy_on_http_call_response() {
      assert.equal(this.continueStream(0), 0); // Ok, does nothing
    },
  };
  const d = strictDriver(handlers);
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET);
  throwsStrict(
    () => d.plugin.respondToHttpCall(d.plugin.httpCalls[0], { status: 200 }),
    "C4",
    /acts on the root context 1, not on a stream: call set_effective_context/,
  );
  assert.equal(s.requestPaused, true);
  // the fix: set the effective context first
  const ok = strictDriver({
    ...handlers,
    proxy_on_http_call_response() {
      this.setEffective(2);
      this.continueStream(0);
    },
  });
  const t = ok.plugin.newHttpStream();
  t.sendRequestHeaders(GET);
  ok.plugin.respondToHttpCall(ok.plugin.httpCalls[0], { status: 200 });
  assert.equal(t.requestPaused, false);
  t.complete();
  ok.plugin.assertNoViolations();
});

test("C4 continuing a side that is not paused fails", () => {
  const d = strictDriver({
    proxy_on_request_headers() {
      this.httpCall("auth", CALL_HEADERS, "", NONE, 1000);
      return 1;
    },
    proxy_on_http_call_response() {
      this.setEffective(2);
      this.continueStream(1); // the response was never paused
    },
  });
  d.plugin.newHttpStream().sendRequestHeaders(GET);
  throwsStrict(
    () => d.plugin.respondToHttpCall(d.plugin.httpCalls[0], {}),
    "C4",
    /continue_stream\(response\) on stream 2 .*not paused/,
  );
});

test("C3 a callout whose stream was not paused, acted on from the callout callback, fails", () => {
  const d = strictDriver({
    proxy_on_request_headers() {
      this.httpCall("auth", CALL_HEADERS, "", NONE, 1000);
      return 0; // request goes upstream now
    },
    proxy_on_http_call_response() {
      this.setEffective(2);
      this.localReply(403, "", "denied", NONE);
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  assert.equal(s.requestHeadersForwarded, true);
  throwsStrict(
    () => d.plugin.respondToHttpCall(d.plugin.httpCalls[0], {}),
    "C3",
    /proxy_on_request_headers dispatched the callout and returned Continue/,
  );
});

test("C5 pausing for a callout dispatched with timeout 0 fails", () => {
  const d = strictDriver({
    proxy_on_request_headers() {
      this.httpCall("auth", CALL_HEADERS, "", NONE, 0);
      return 1;
    },
  });
  throwsStrict(
    () => d.plugin.newHttpStream().sendRequestHeaders(GET),
    "C5",
    /timeout 0 .* no timeout/,
  );
});

test("C6 acting on a stream that is gone when the callout answer arrives fails", () => {
  const d = strictDriver({
    proxy_on_request_headers() {
      this.httpCall("auth", CALL_HEADERS, "", NONE, 1000);
      return 1;
    },
    proxy_on_http_call_response() {
      assert.equal(this.setEffective(2), 2); // BadArgument: stream 2 was deleted
      this.continueStream(0);
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET);
  s.complete(); // downstream reset while the callout is in flight
  throwsStrict(
    () => d.plugin.respondToHttpCall(d.plugin.httpCalls[0], {}),
    "C6",
    /set_effective_context\(2\) failed: that stream is gone/,
  );
});

// ------------------------------------------------------------------ shared data and queues

test("D2 blind overwrite after a read, and a CasMismatch without retry, fail", () => {
  const blind = strictDriver({
    proxy_on_request_headers() {
      const { value } = this.getShared("hits");
      this.setShared("hits", String(Number(value) + 1), 0);
    },
  });
  blind.setShared("hits", "1", 0);
  throwsStrict(
    () => blind.plugin.newHttpStream().sendRequestHeaders(GET),
    "D2",
    /with cas 0 after reading the key/,
  );
  const noRetry = strictDriver({
    proxy_on_request_headers() {
      const { cas } = this.getShared("hits");
      this.host.sharedData.set("", "hits", new TextEncoder().encode("9"), 0); // another worker
      assert.equal(this.setShared("hits", "2", cas), 8); // CasMismatch
    },
  });
  noRetry.setShared("hits", "1", 0);
  throwsStrict(
    () => noRetry.plugin.newHttpStream().sendRequestHeaders(GET),
    "D2",
    /CasMismatch .* not retried/,
  );
  const retry = strictDriver({
    proxy_on_request_headers() {
      let { cas } = this.getShared("hits");
      this.host.sharedData.set("", "hits", new TextEncoder().encode("9"), 0);
      if (this.setShared("hits", "2", cas) === 8) {
        ({ cas } = this.getShared("hits"));
        assert.equal(this.setShared("hits", "10", cas), 0);
      }
    },
  });
  retry.setShared("hits", "1", 0);
  retry.plugin.newHttpStream().sendRequestHeaders(GET);
  retry.plugin.assertNoViolations();
});

test("D3 shared-data keys above the limit fail", () => {
  const d = strictDriver(
    {
      proxy_on_request_headers() {
        this.setShared(`client-${this.n++}`, "1", 0);
      },
    },
    { strict: { limits: { sharedDataKeys: 2 } } },
  );
  d.n = 0;
  d.plugin.newHttpStream().sendRequestHeaders(GET);
  d.plugin.newHttpStream().sendRequestHeaders(GET);
  throwsStrict(
    () => d.plugin.newHttpStream().sendRequestHeaders(GET),
    "D3",
    /3 keys \(limit 2; last "client-2"\)/,
  );
});

test("S6 a shared-data read that misses in its vm_id but another plugin has the key fails", () => {
  const host = new Host();
  const a = new Driver({ host, plugin: { vmId: "a", name: "config-loader" } });
  a.setShared("config", "x", 0);
  const handlers = {
    proxy_on_request_headers() {
      assert.equal(this.getShared("config").result, 1);
    },
  };
  const b = new Driver({ host, handlers, plugin: { vmId: "b", name: "router", strict: true } });
  throwsStrict(
    () => b.plugin.newHttpStream().sendRequestHeaders(GET),
    "S6",
    /plugin config-loader has it under vm_id "a"/,
  );
  // the same plugin under another vm_id keeps its own data on purpose
  const c = new Driver({
    host,
    handlers,
    plugin: { vmId: "c", name: "config-loader", strict: true },
  });
  c.plugin.newHttpStream().sendRequestHeaders(GET);
  c.plugin.assertNoViolations();
});

test("T2 a queue registered twice in one vm_id, resolved under the wrong vm_id, or left undequeued fails", () => {
  const host = new Host();
  // each driver does on its tick what `onTick` sets (hostcalls happen inside a host event)
  const driver = (name) => new Driver({ host, plugin: { strict: true, name } });
  const onTick = (d, fn) => {
    d.handlers.proxy_on_tick = function () {
      fn.call(this, this.alloc(4));
    };
    d.plugin.tick();
  };
  const a = driver("a");
  onTick(a, function (tok) {
    assert.equal(this.x.h_proxy_register_shared_queue(...this.put("jobs"), tok), 0);
  });
  const b = driver("b");
  throwsStrict(
    () => onTick(b, (tok) => b.x.h_proxy_register_shared_queue(...b.put("jobs"), tok)),
    "T2",
    /already registered by plugin a/,
  );
  throwsStrict(
    () =>
      onTick(a, (tok) =>
        a.x.h_proxy_resolve_shared_queue(...a.put("other"), ...a.put("jobs"), tok),
      ),
    "T2",
    /exists under vm_id ""/,
  );
  a.plugin.clearViolations();
  b.plugin.clearViolations();
  // b is the last registrant: it is notified and leaves the item in the queue
  onTick(a, () => a.x.h_proxy_enqueue_shared_queue(1, ...a.put("item")));
  throwsStrict(() => a.plugin.assertNoViolations(), "T2", /still holds 1 item/);
});

// ------------------------------------------------------------------ runtime

test("M3 a trap is recorded (the PluginTrapError still fails the call)", () => {
  const d = strictDriver({
    proxy_on_request_headers() {
      throw new WebAssembly.RuntimeError("unreachable");
    },
  });
  assert.throws(() => d.plugin.newHttpStream().sendRequestHeaders(GET), PluginTrapError);
  assert.deepEqual(ids(d.plugin), ["M3"]);
  assert.match(d.plugin.violations[0].message, /proxy_on_request_headers trapped: unreachable/);
});

test("M2 poll_oneoff at runtime and M4 proc_exit fail", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm: watFixture("strict_wasi"), strict: true });
  const s = p.newHttpStream();
  throwsStrict(() => s.sendRequestHeaders(POST()), "M2", /poll_oneoff in proxy_on_request_headers/);
  throwsStrict(
    () => s.sendRequestBody("x", { endOfStream: true }),
    "M4",
    /proc_exit\(1\) in proxy_on_request_body/,
  );
  assert.equal(p.procExitCode, 1); // Envoy's behaviour is kept: proc_exit returned
});

test("M5 a metric defined again on every request and increments <= 0 fail; defining it once is fine", () => {
  const d = strictDriver({
    proxy_on_request_headers() {
      this.defineMetric(0, "requests");
    },
  });
  d.plugin.newHttpStream().sendRequestHeaders(GET); // first definition (lazily): fine
  throwsStrict(
    () => d.plugin.newHttpStream().sendRequestHeaders(GET),
    "M5",
    /define_metric\("requests"\) again in proxy_on_request_headers/,
  );
  const inc = strictDriver({
    proxy_on_configure() {
      this.counter = this.defineMetric(0, "c").id;
      return 1;
    },
    proxy_on_request_headers() {
      this.x.h_proxy_increment_metric(this.counter, 0n);
    },
  });
  throwsStrict(() => inc.plugin.newHttpStream().sendRequestHeaders(GET), "M5", /increments <= 0/);
});

test("X3 a dotted property path and a stream attribute read on the root fail", () => {
  const d = strictDriver({
    proxy_on_request_headers() {
      assert.equal(this.getProperty("request.path").result, 1);
    },
    proxy_on_tick() {
      this.getProperty("request\0path");
    },
  });
  throwsStrict(() => d.plugin.newHttpStream().sendRequestHeaders(GET), "X3", /one dotted string/);
  throwsStrict(() => d.plugin.tick(), "X3", /on the root context/);
});

// ------------------------------------------------------------------ start-up

test("S1 a hostcall from _start fails the load naming S1 (the load error is the cause)", () => {
  const host = new Host();
  assert.throws(
    () => host.loadPlugin({ wasm: watFixture("restricted_start"), strict: true }),
    (e) =>
      e instanceof StrictModeError &&
      e.pitfall === "S1" &&
      /proxy_get_current_time_nanoseconds called from _initialize\/_start/.test(e.message) &&
      e.cause instanceof PluginLoadError,
  );
});

test("S3 reading the plugin configuration in on_vm_start fails; lenient mode loads", () => {
  const handlers = {
    proxy_on_vm_start() {
      assert.equal(this.getBuffer(7, 0, 100).result, 1);
      return 1;
    },
  };
  assert.throws(
    () => strictDriver(handlers, { configuration: "{}" }),
    (e) => e instanceof StrictModeError && e.pitfall === "S3",
  );
  new Driver({ handlers, plugin: { configuration: "{}" } });
});

test("S4 a trap in on_configure fails with 'return false instead'", () => {
  assert.throws(
    () =>
      strictDriver({
        proxy_on_configure() {
          throw new WebAssembly.RuntimeError("unreachable");
        },
      }),
    (e) =>
      e instanceof StrictModeError &&
      e.pitfall === "S4" &&
      /Return false/.test(e.message) &&
      e.cause instanceof PluginLoadError,
  );
});

test("X1 an import the host does not provide fails naming X1", () => {
  const wasm = compileWat(`(module
    (import "env" "proxy_sleep" (func (param i32)))
    (memory (export "memory") 1)
    (func (export "malloc") (param i32) (result i32) (i32.const 0))
    (func (export "proxy_abi_version_0_2_1")))`);
  assert.throws(
    () => new Host().loadPlugin({ wasm, strict: true }),
    (e) =>
      e instanceof StrictModeError &&
      e.pitfall === "X1" &&
      /missing import: env.proxy_sleep/.test(e.message),
  );
});

// ------------------------------------------------------------------ options

test("options: ignore with a reason, only, collect mode, unknown ids", () => {
  const deny = {
    proxy_on_request_headers() {
      this.localReply(403, "", "denied", NONE);
      return 0;
    },
  };
  const ignored = strictDriver(deny, {
    strict: { ignore: { Q2: "SDK test of the masking itself" } },
  });
  ignored.plugin.newHttpStream().sendRequestHeaders(GET);
  ignored.plugin.assertNoViolations();
  const only = strictDriver(deny, { strict: { only: ["Q4"] } });
  only.plugin.newHttpStream().sendRequestHeaders(GET);
  assert.deepEqual(only.plugin.violations, []);
  const collect = strictDriver(deny, { strict: { report: "collect" } });
  collect.plugin.newHttpStream().sendRequestHeaders(GET); // does not throw
  assert.deepEqual(ids(collect.plugin), ["Q2"]);
  throwsStrict(() => collect.plugin.assertNoViolations(), "Q2");
  collect.plugin.clearViolations();
  collect.plugin.assertNoViolations();
  assert.throws(() => strictDriver({}, { strict: { only: ["Z9"] } }), /unknown pitfall id "Z9"/);
  assert.throws(
    () => strictDriver({}, { strict: { ignore: { Q1: "" } } }),
    /ignoring Q1 needs a reason/,
  );
});

test("C1 pausing on a callout the host refused fails ('the callout never started')", () => {
  const d = strictDriver(
    {
      proxy_on_request_headers() {
        assert.equal(this.httpCall("auth", CALL_HEADERS, "", NONE, -1).result, 2); // negative timeout
        return 1;
      },
    },
    { strict: { only: ["C1"] } },
  );
  throwsStrict(
    () => d.plugin.newHttpStream().sendRequestHeaders(GET),
    "C1",
    /its proxy_http_call failed: the callout never started/,
  );
});

test("Q2 is not blamed on a callback that sent a local reply for another stream", () => {
  const d = strictDriver({
    proxy_on_request_headers(id) {
      if (id === 3) {
        this.setEffective(2);
        this.localReply(429, "", "other", NONE);
      }
      return id === 2 ? 1 : 0;
    },
  });
  const first = d.plugin.newHttpStream();
  first.sendRequestHeaders(GET);
  const second = d.plugin.newHttpStream();
  second.sendRequestHeaders(GET);
  assert.equal(first.localResponse?.status, 429);
  assert.deepEqual(ids(d.plugin), []);
});

test("S5 a root id the module did not register fails naming S5 and the registered ids", async () => {
  const { plugin: wasmPath } = await import("../sdk/plugins.mjs");
  const wasm = wasmPath("sdk-roots");
  for (const rootId of ["gamma", ""]) {
    assert.throws(
      () => new Host().loadPlugin({ wasm, rootId, strict: true }),
      (e) =>
        e instanceof StrictModeError &&
        e.pitfall === "S5" &&
        new RegExp(
          `root id "${rootId}" matches no root context .*registered: "alpha", "beta"`,
        ).test(e.message) &&
        e.cause instanceof PluginLoadError,
    );
  }
  // configured as deployed: clean
  const p = new Host().loadPlugin({ wasm, rootId: "alpha", strict: true });
  p.assertNoViolations();
});

test("S2 the same start-up side effect made by two worker VMs fails", () => {
  const wasm = watFixture("strict_workers");
  throwsStrict(
    () => new Host().loadPlugin({ wasm, workers: 2, strict: true }),
    "S2",
    /http_call to auth \/token made at start-up \(proxy_on_configure\) by 2 VMs/,
  );
  // one VM: once
  new Host().loadPlugin({ wasm, strict: true }).assertNoViolations();
  // two plugins (two configurations) are not two workers of one
  const host = new Host();
  host.loadPlugin({ wasm, strict: true });
  host.loadPlugin({ wasm, strict: true });
});

test("T1 the same tick work done by every worker VM fails", () => {
  const wasm = watFixture("strict_workers");
  const host = new Host();
  const p = host.loadPlugin({
    wasm,
    workers: 2,
    strict: { ignore: { S2: "this test is about T1" } },
  });
  throwsStrict(
    () => host.advanceTime(1000),
    "T1",
    /set_shared_data "refreshed" made from on_tick by 2 VMs/,
  );
  assert.deepEqual(
    p.violations.map((v) => v.pitfall),
    ["T1"],
  );
  // one VM ticking twice is fine
  const single = new Host();
  const one = single.loadPlugin({ wasm, strict: true });
  single.advanceTime(2000);
  one.assertNoViolations();
});

test("M2 a callback that spins until it runs out of fuel fails naming M2 (the trap still fails the call)", async () => {
  const { plugin: wasmPath } = await import("../sdk/plugins.mjs");
  const p = new Host().loadPlugin({
    wasm: wasmPath("sandbox-misbehave"),
    fuel: 100_000,
    strict: true,
  });
  const s = p.newHttpStream();
  assert.throws(() => s.sendRequestHeaders([...GET, ["x-action", "loop"]]), PluginTrapError);
  assert.deepEqual(ids(p), ["M2"]);
  assert.match(p.violations[0].message, /strict M2: proxy_on_request_headers ran out of fuel/);
});
