import { test } from "node:test";
import assert from "node:assert/strict";
import { Host, PluginLoadError, FailState } from "../../sdk-host-mock/dist/index.js";
import { compileWat, watFixture } from "./wat.mjs";

const GET = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "example.com"],
];

/** A minimal module: given extra module fields, with memory and malloc. */
function mod(fields, { memory = true, malloc = true } = {}) {
  return compileWat(`(module
    ${fields}
    ${memory ? '(memory (export "memory") 1)' : ""}
    ${malloc ? '(func (export "malloc") (param i32) (result i32) (i32.const 1024))' : ""})`);
}

function catchLoad(wasm, options = {}) {
  try {
    new Host().loadPlugin({ wasm, ...options });
  } catch (e) {
    return e;
  }
  assert.fail("expected the load to fail");
}

test("§1.1 ABI detection: the first marker in export order wins", () => {
  const a = new Host().loadPlugin({
    wasm: mod(
      `(func (export "proxy_abi_version_0_1_0")) (func (export "proxy_abi_version_0_2_1"))`,
    ),
  });
  assert.equal(a.abiVersion, "0.1.0");
  const b = new Host().loadPlugin({
    wasm: mod(
      `(func (export "proxy_abi_version_0_2_1")) (func (export "proxy_abi_version_0_1_0"))`,
    ),
  });
  assert.equal(b.abiVersion, "0.2.1");
  const c = new Host().loadPlugin({
    wasm: mod(
      `(func (export "proxy_abi_version_0_x_x")) (func (export "proxy_abi_version_0_2_0"))`,
    ),
  });
  assert.equal(c.abiVersion, "0.2.0");
});

test("§1.1 ABI detection: no (known) marker → load error", () => {
  const e1 = catchLoad(mod(""));
  assert.ok(e1 instanceof PluginLoadError);
  assert.equal(e1.message, "Missing or unknown Proxy-Wasm ABI version");
  const e2 = catchLoad(mod(`(func (export "proxy_abi_version_0_x_x"))`));
  assert.equal(e2.message, "Missing or unknown Proxy-Wasm ABI version");
  // a global named like a marker is not a function export
  const e3 = catchLoad(mod(`(global (export "proxy_abi_version_0_2_1") i32 (i32.const 0))`));
  assert.equal(e3.message, "Missing or unknown Proxy-Wasm ABI version");
});

test("§1.5 only the version's hostcalls are linked: 0.2.0 importing proxy_get_log_level fails", () => {
  const imp = `(import "env" "proxy_get_log_level" (func (param i32) (result i32)))`;
  const e = catchLoad(mod(`${imp} (func (export "proxy_abi_version_0_2_0"))`));
  assert.ok(e instanceof PluginLoadError);
  assert.equal(
    e.message,
    "Failed to load Wasm module due to a missing import: env.proxy_get_log_level",
  );
  assert.equal(e.failState, FailState.UnableToInitializeCode);
  // the same import links for 0.2.1
  new Host().loadPlugin({ wasm: mod(`${imp} (func (export "proxy_abi_version_0_2_1"))`) });
  // 0.1.0-only hostcalls do not link for 0.2.x, and 0.2.x-only ones not for 0.1.0
  const e2 = catchLoad(
    mod(
      `(import "env" "proxy_clear_route_cache" (func (result i32))) (func (export "proxy_abi_version_0_2_1"))`,
    ),
  );
  assert.match(e2.message, /missing import: env\.proxy_clear_route_cache$/);
  const e3 = catchLoad(
    mod(
      `(import "env" "proxy_continue_stream" (func (param i32) (result i32))) (func (export "proxy_abi_version_0_1_0"))`,
    ),
  );
  assert.match(e3.message, /missing import: env\.proxy_continue_stream$/);
});

test("§1.5 unknown import fails with Envoy's wording (any module)", () => {
  for (const [m, n] of [
    ["env", "abort"],
    ["wasi_snapshot_preview1", "proc_raise"],
    ["foo", "bar"],
  ]) {
    const e = catchLoad(
      mod(`(import "${m}" "${n}" (func)) (func (export "proxy_abi_version_0_2_1"))`),
    );
    assert.equal(e.message, `Failed to load Wasm module due to a missing import: ${m}.${n}`);
  }
  // WASI is available under both module names
  for (const m of ["wasi_snapshot_preview1", "wasi_unstable"]) {
    new Host().loadPlugin({
      wasm: mod(
        `(import "${m}" "fd_write" (func (param i32 i32 i32 i32) (result i32))) (func (export "proxy_abi_version_0_2_1"))`,
      ),
    });
  }
});

test("§1.5 import with the wrong type fails (0.1.0 proxy_continue_request must return i32)", () => {
  const e = catchLoad(
    mod(`(import "env" "proxy_continue_request" (func)) (func (export "proxy_abi_version_0_1_0"))`),
  );
  assert.ok(e instanceof PluginLoadError);
  assert.match(
    e.message,
    /^Failed to load Wasm module due to an import type mismatch for env\.proxy_continue_request/,
  );
  const e2 = catchLoad(
    mod(
      `(import "env" "proxy_increment_metric" (func (param i32 i32) (result i32))) (func (export "proxy_abi_version_0_2_1"))`,
    ),
  );
  assert.match(
    e2.message,
    /import type mismatch for env\.proxy_increment_metric, want: i32 i64 -> i32/,
  );
  const e3 = catchLoad(
    mod(`(import "env" "g" (global i32)) (func (export "proxy_abi_version_0_2_1"))`),
  );
  assert.equal(e3.message, "Failed to load Wasm module due to a missing import: env.g");
});

test("§1.2/§2.2 exported callback with the wrong signature fails the load", () => {
  const e = catchLoad(
    mod(`(func (export "proxy_abi_version_0_2_1"))
         (func (export "proxy_on_request_headers") (param i32 i32) (result i32) (i32.const 0))`),
  );
  assert.equal(
    e.message,
    "Bad function signature for: proxy_on_request_headers, want: i32 i32 i32 -> i32, but the module exports: i32 i32 -> i32",
  );
  const e2 = catchLoad(
    mod(`(func (export "proxy_abi_version_0_1_0"))
         (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32) (i32.const 0))`),
  );
  assert.match(
    e2.message,
    /^Bad function signature for: proxy_on_response_headers, want: i32 i32 -> i32/,
  );
  const e3 = catchLoad(
    mod(`(func (export "proxy_abi_version_0_2_1")) (func (export "proxy_on_done") (param i32))`),
  );
  assert.match(e3.message, /^Bad function signature for: proxy_on_done/);
});

test("§1.2 allocator: malloc preferred over proxy_on_memory_allocate; neither → MissingFunction", () => {
  const wasm = mod(
    `(import "env" "proxy_get_buffer_bytes" (func $gb (param i32 i32 i32 i32 i32) (result i32)))
     (global $which (mut i32) (i32.const 0))
     (func (export "proxy_abi_version_0_2_1"))
     (func (export "proxy_on_memory_allocate") (param i32) (result i32) (global.set $which (i32.const 2)) (i32.const 2048))
     (func (export "proxy_on_configure") (param i32 i32) (result i32)
       (drop (call $gb (i32.const 7) (i32.const 0) (local.get 1) (i32.const 16) (i32.const 20)))
       (i32.eq (i32.load (i32.const 16)) (i32.const 1024)))`,
  );
  // on_configure returns true only if the config landed at 1024 = malloc's block
  const p = new Host().loadPlugin({ wasm, configuration: "cfg", trace: true });
  assert.deepEqual(
    p.trace.filter((t) => t.kind === "hostcall").map((t) => [t.fn, t.result]),
    [["proxy_get_buffer_bytes", "Ok"]],
  );
  const e = catchLoad(mod(`(func (export "proxy_abi_version_0_2_1"))`, { malloc: false }));
  assert.equal(e.failState, FailState.MissingFunction);
  assert.equal(e.message, "Wasm module is missing malloc function.");
});

test("§1.3 start sequence: _initialize → context_create(1,0) → vm_start(1, len) → configure(1, len)", () => {
  const calls = [];
  const rec =
    (name, ret) =>
    (...a) => {
      calls.push([name, ...a]);
      return ret;
    };
  const wasm = mod(`
    (import "t" "init" (func $init))
    (import "t" "cc" (func $cc (param i32 i32)))
    (import "t" "vs" (func $vs (param i32 i32) (result i32)))
    (import "t" "cf" (func $cf (param i32 i32) (result i32)))
    (func (export "proxy_abi_version_0_2_1"))
    (func (export "_initialize") (call $init))
    (func (export "_start") unreachable)
    (func (export "proxy_on_context_create") (param i32 i32) (call $cc (local.get 0) (local.get 1)))
    (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (call $vs (local.get 0) (local.get 1)))
    (func (export "proxy_on_configure") (param i32 i32) (result i32) (call $cf (local.get 0) (local.get 1)))`);
  const imports = {
    t: {
      init: rec("_initialize"),
      cc: rec("context_create"),
      vs: rec("vm_start", 1),
      cf: rec("configure", 1),
    },
  };
  const p = new Host().loadPlugin({
    wasm,
    imports,
    vmConfiguration: "vmcfg",
    configuration: "plugin-config",
  });
  assert.equal(p.rootContextId, 1);
  assert.deepEqual(calls, [
    ["_initialize"],
    ["context_create", 1, 0],
    ["vm_start", 1, 5],
    ["configure", 1, 13],
  ]);
  imports.t.vs = rec("vm_start", 0);
  const e = catchLoad(wasm, { imports });
  assert.equal(e.failState, FailState.StartFailed);
  imports.t.vs = rec("vm_start", 1);
  imports.t.cf = rec("configure", 0);
  assert.equal(catchLoad(wasm, { imports }).failState, FailState.ConfigureFailed);
});

test("§1.4 restricted hostcalls during _start trap with restricted_callback → load fails", () => {
  const e = catchLoad(watFixture("restricted_start"));
  assert.ok(e instanceof PluginLoadError);
  assert.equal(e.failState, FailState.UnableToInitializeCode);
  assert.equal(e.trap.trapMessage, "restricted_callback");
  assert.equal(e.trap.exportName, "_start");
  assert.match(
    e.message,
    /Failed to initialize Wasm code: Function: _start failed: restricted_callback/,
  );
  // proxy_log is allowed during _start
  const ok = new Host().loadPlugin({
    wasm: mod(`(import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
      (data (i32.const 8) "hi")
      (func (export "proxy_abi_version_0_2_1"))
      (func (export "_start") (drop (call $log (i32.const 2) (i32.const 8) (i32.const 2))))`),
  });
  assert.deepEqual(ok.logs, [{ level: "info", message: "hi", contextId: 0 }]);
});

test("§1.4 hostcalls inside the allocator are restricted: disallowed call → IMA for the caller, VM failed", () => {
  const wasm = mod(
    `(import "env" "proxy_get_buffer_bytes" (func $gb (param i32 i32 i32 i32 i32) (result i32)))
     (import "env" "proxy_define_metric" (func $dm (param i32 i32 i32 i32) (result i32)))
     (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
     (data (i32.const 8) "m")
     (func (export "proxy_abi_version_0_2_1"))
     (func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 2048))
     (func (export "malloc") (param i32) (result i32)
       (drop (call $dm (i32.const 0) (i32.const 8) (i32.const 1) (i32.const 12)))
       (i32.const 2048))
     (func (export "proxy_on_configure") (param i32 i32) (result i32)
       (i32.store (i32.const 100) (call $gb (i32.const 7) (i32.const 0) (local.get 1) (i32.const 16) (i32.const 20)))
       (i32.const 1))`,
    { malloc: false },
  );
  const e = catchLoad(wasm, { configuration: "abc" });
  assert.ok(e instanceof PluginLoadError);
  assert.equal(e.trap.exportName, "malloc");
  assert.equal(e.trap.trapMessage, "restricted_callback");
});

test("§1.6 shapes: Rust SDK build (malloc + _initialize) runs a request", () => {
  const p = new Host().loadPlugin({ wasm: watFixture("rust_sdk") });
  assert.deepEqual(p.logMessages("info"), ["initialized"]);
  const s = p.newHttpStream();
  assert.equal(s.sendRequestHeaders(GET, { endOfStream: true }), "Continue");
  assert.equal(s.requestHeader("x-shape"), "rust-sdk");
  s.complete();
  assert.equal(s.completed, true);
});

test("§1.6 shapes: Rust wasi build (proxy_on_memory_allocate + WASI imports) runs a request", () => {
  const p = new Host().loadPlugin({
    wasm: watFixture("rust_wasi"),
    environment: { A: "1", B: "2", C: "3" },
  });
  assert.deepEqual(p.logs, [
    { level: "info", message: "wasi-start", contextId: 0, via: "fd_write" },
  ]);
  const s = p.newHttpStream();
  assert.equal(s.sendRequestHeaders(GET), "Continue");
  assert.equal(s.requestHeader("x-env-count"), "3");
});

test("§1.6 shapes: C++ SDK build (_initialize + main(0,0)) runs a request", () => {
  const p = new Host().loadPlugin({ wasm: watFixture("cpp_sdk") });
  assert.deepEqual(p.logMessages("info"), ["initialize", "main 0"]);
  const s = p.newHttpStream();
  // returns 1 (StopIteration) → translated to StopAllIterationAndWatermark (§2.3)
  assert.equal(s.sendRequestHeaders(GET), "StopAllIterationAndWatermark");
  assert.equal(s.requestPaused, true);
  assert.equal(s.requestHeader("x-shape"), "cpp-sdk");
  // with allow_on_headers_stop_iteration the 1 passes through
  const p2 = new Host().loadPlugin({
    wasm: watFixture("cpp_sdk"),
    allowOnHeadersStopIteration: true,
  });
  assert.equal(p2.newHttpStream().sendRequestHeaders(GET), "StopIteration");
});

test("§2.2 shapes: ABI 0.1.0 (2-param headers, proxy_continue_request, proxy_get_configuration)", () => {
  const p = new Host().loadPlugin({
    wasm: watFixture("abi_0_1_0"),
    configuration: "cfg-010",
    trace: true,
  });
  assert.equal(p.abiVersion, "0.1.0");
  assert.deepEqual(p.logMessages("info"), ["cfg-010"]);
  const s = p.newHttpStream();
  assert.equal(s.sendRequestHeaders(GET, { endOfStream: false }), "StopAllIterationAndWatermark");
  const call = p.trace.find((t) => t.kind === "call" && t.fn === "proxy_on_request_headers");
  assert.deepEqual(call.args, [2, 3]);
  assert.equal(s.sendRequestBody("held", { endOfStream: true }), "Held");
  assert.equal(s.requestBodyText, "");
  p.tick(); // set_effective_context(2) + proxy_continue_request
  assert.equal(s.requestPaused, false);
  assert.equal(s.requestBodyText, "held");
});

test("§2.2 shapes: ABI 0.2.0 (3-param headers, proxy_close_stream)", () => {
  const p = new Host().loadPlugin({ wasm: watFixture("abi_0_2_0") });
  assert.equal(p.abiVersion, "0.2.0");
  const s1 = p.newHttpStream();
  assert.equal(s1.sendRequestHeaders(GET, { endOfStream: true }), "Continue");
  assert.equal(s1.resetReason, null);
  const s2 = p.newHttpStream();
  s2.sendRequestHeaders(GET, { endOfStream: false });
  assert.equal(s2.resetReason, "wasm_close_stream");
  assert.equal(s2.completed, true);
  assert.equal(s2.sendRequestBody("x"), "Skipped");
});

test("§1.3 a configure failure carries the plugin's logs on the PluginLoadError", () => {
  const wasm = mod(`(import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
    (data (i32.const 8) "bad config: x must be a string")
    (func (export "proxy_abi_version_0_2_1"))
    (func (export "proxy_on_configure") (param i32 i32) (result i32)
      (drop (call $log (i32.const 4) (i32.const 8) (i32.const 30)))
      (i32.const 0))`);
  const e = catchLoad(wasm);
  assert.equal(e.failState, FailState.ConfigureFailed);
  assert.deepEqual(e.logs, [
    { level: "error", message: "bad config: x must be a string", contextId: 1 },
  ]);
});

test("§1.3 proxy_on_vm_start still runs after the root's proxy_on_context_create trapped; that trap then fails the start", () => {
  const calls = [];
  const imports = { t: { vs: (...a) => (calls.push(a), 1) } };
  const module = (vmStartBody) =>
    mod(`
    (import "t" "vs" (func $vs (param i32 i32) (result i32)))
    (func (export "proxy_abi_version_0_2_1"))
    (func (export "proxy_on_context_create") (param i32 i32) unreachable)
    (func (export "proxy_on_vm_start") (param i32 i32) (result i32) ${vmStartBody})
    (func (export "proxy_on_configure") (param i32 i32) (result i32) unreachable)`);
  const e = catchLoad(module("(call $vs (local.get 0) (local.get 1))"), {
    imports,
    vmConfiguration: "abc",
  });
  assert.deepEqual(calls, [[1, 3]]);
  assert.ok(e instanceof PluginLoadError);
  assert.equal(e.failState, FailState.StartFailed);
  assert.equal(e.trap.exportName, "proxy_on_context_create");
  assert.equal(e.trap.trapMessage, "unreachable");
  assert.match(e.message, /failed to start: Function: proxy_on_context_create failed: unreachable/);
  // on_vm_start trapping as well (on the already failed VM) does not replace the first trap
  calls.length = 0;
  const e2 = catchLoad(module("(drop (call $vs (local.get 0) (local.get 1))) unreachable"), {
    imports,
  });
  assert.deepEqual(calls, [[1, 0]]);
  assert.equal(e2.failState, FailState.StartFailed);
  assert.equal(e2.trap.exportName, "proxy_on_context_create");
});
