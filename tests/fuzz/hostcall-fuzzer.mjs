// Generates the hostcall-fuzzer plugin (WAT → wasm): a module of one ABI version (0.1.0, 0.2.0
// or 0.2.1) importing every hostcall the host links for it (env.proxy_* and WASI), whose callbacks each make 16
// hostcalls chosen by an in-module xorshift PRNG, with random pointers, sizes and enum values
// (0, small, random u32, in memory, near the end of memory, near 2^32, small sizes, a valid
// area). Its allocator returns random pointers too, and callbacks return random statuses. The
// PRNG seed is the exported global `seed`, set by the test before `_start`.
import { ALL_HOSTCALLS } from "../../sdk-host-mock/dist/hostcalls/index.js";
import { compileWat } from "../host-mock/wat.mjs";

const PER_CALLBACK = 16;

/** WAT string escapes of the bytes at 1024: pairs-encoded headers, then names and paths. */
const SEED_DATA = (() => {
  const pairs = [
    [":status", "200"],
    ["x-a", "1"],
  ];
  const head = [pairs.length, ...pairs.flatMap(([k, v]) => [k.length, v.length])];
  const text = [
    ...pairs.flat(),
    ":path",
    "/",
    "plugin_name",
    "request",
    "headers",
    "q",
    "c",
    "upstream",
  ];
  const bytes = [
    ...new Uint8Array(new Uint32Array(head).buffer),
    ...text.flatMap((t) => [...Buffer.from(t), 0]),
  ];
  return bytes.map((b) => "\\" + b.toString(16).padStart(2, "0")).join("");
})();

/** Callbacks of ABI 0.2.1: name, i32 param count, returns a value. */
const CALLBACKS = [
  ["proxy_on_context_create", 2, false],
  ["proxy_on_vm_start", 2, "mostly-true"],
  ["proxy_on_configure", 2, "mostly-true"],
  ["proxy_on_tick", 1, false],
  ["proxy_on_new_connection", 1, true],
  ["proxy_on_downstream_data", 3, true],
  ["proxy_on_upstream_data", 3, true],
  ["proxy_on_downstream_connection_close", 2, false],
  ["proxy_on_upstream_connection_close", 2, false],
  ["proxy_on_request_headers", 3, true],
  ["proxy_on_request_body", 3, true],
  ["proxy_on_request_trailers", 2, true],
  ["proxy_on_response_headers", 3, true],
  ["proxy_on_response_body", 3, true],
  ["proxy_on_response_trailers", 2, true],
  ["proxy_on_http_call_response", 5, false],
  ["proxy_on_grpc_receive_initial_metadata", 3, false],
  ["proxy_on_grpc_receive", 3, false],
  ["proxy_on_grpc_receive_trailing_metadata", 3, false],
  ["proxy_on_grpc_close", 3, false],
  ["proxy_on_queue_ready", 2, false],
  ["proxy_on_foreign_function", 3, false],
  ["proxy_on_done", 1, true],
  ["proxy_on_log", 1, false],
  ["proxy_on_delete", 1, false],
];

/** The hostcalls the fuzzer calls (the ABI version's + WASI), with their import module. */
export function fuzzedHostcalls(abi = "0.2.1") {
  return ALL_HOSTCALLS.filter((d) => !d.versions || d.versions.includes(abi)).map((d) => ({
    module: d.module === "wasi" ? "wasi_snapshot_preview1" : "env",
    name: d.name,
    params: d.params,
    results: d.results,
  }));
}

export function hostcallFuzzerWat(abi = "0.2.1") {
  const calls = fuzzedHostcalls(abi);
  const imports = calls.map(
    (c, i) =>
      `(import "${c.module}" "${c.name}" (func $h${i}` +
      (c.params.length ? ` (param ${c.params.join(" ")})` : "") +
      (c.results.length ? ` (result ${c.results.join(" ")})` : "") +
      "))",
  );
  const arg = (t) => (t === "i64" ? "(call $arg64)" : "(call $arg)");
  const cases = calls.map((c) => {
    const call = `(call $h${calls.indexOf(c)} ${c.params.map(arg).join(" ")})`;
    return c.results.length ? `(drop ${call})` : call;
  });
  // Nested blocks + br_table: case k runs after block $c<k> ends.
  let body = `(br_table ${calls.map((_, i) => `$c${i}`).join(" ")} (local.get $k))`;
  for (let i = 0; i < calls.length; i++) body = `(block $c${i} ${body}) ${cases[i]} (br $done)`;
  const callbacks = CALLBACKS.filter(
    ([name]) => abi !== "0.1.0" || name !== "proxy_on_foreign_function",
  ).map(([name, n0, ret]) => {
    // ABI 0.1.0 header callbacks have no end_of_stream parameter (§2.2).
    const n = abi === "0.1.0" && name.endsWith("_headers") ? n0 - 1 : n0;
    const params = n ? ` (param ${Array(n).fill("i32").join(" ")})` : "";
    const result =
      ret === "mostly-true"
        ? " (result i32) (i32.ne (i32.and (call $rnd) (i32.const 31)) (i32.const 0))"
        : ret
          ? " (result i32) (call $status)"
          : "";
    const [head, tail] = result ? [result.slice(0, 14), result.slice(14)] : ["", ""];
    return `(func (export "${name}")${params}${head} (call $fuzz)${tail})`;
  });
  return `(module
  ${imports.join("\n  ")}
  (memory (export "memory") 2 2)
  ;; Meaningful bytes where pointers of kind 7 land: header pairs, names, paths, a number.
  (data (i32.const 1024) "${SEED_DATA}")
  (global $seed (export "seed") (mut i32) (i32.const 1))
  (func $rnd (result i32)
    (global.set $seed (i32.xor (global.get $seed) (i32.shl (global.get $seed) (i32.const 13))))
    (global.set $seed (i32.xor (global.get $seed) (i32.shr_u (global.get $seed) (i32.const 17))))
    (global.set $seed (i32.xor (global.get $seed) (i32.shl (global.get $seed) (i32.const 5))))
    (global.get $seed))
  (func $arg (result i32) (local $r i32) (local $k i32)
    (local.set $r (call $rnd))
    (local.set $k (i32.and (local.get $r) (i32.const 7)))
    (local.set $r (i32.shr_u (local.get $r) (i32.const 3)))
    (if (i32.eq (local.get $k) (i32.const 0)) (then (return (i32.const 0))))
    (if (i32.eq (local.get $k) (i32.const 1)) (then (return (i32.and (local.get $r) (i32.const 15)))))
    (if (i32.eq (local.get $k) (i32.const 2)) (then (return (call $rnd))))
    (if (i32.eq (local.get $k) (i32.const 3)) (then (return (i32.rem_u (local.get $r) (i32.const 131072)))))
    (if (i32.eq (local.get $k) (i32.const 4)) (then (return (i32.sub (i32.const 131072) (i32.and (local.get $r) (i32.const 63))))))
    (if (i32.eq (local.get $k) (i32.const 5)) (then (return (i32.sub (i32.const -1) (i32.and (local.get $r) (i32.const 63))))))
    (if (i32.eq (local.get $k) (i32.const 6)) (then (return (i32.and (local.get $r) (i32.const 255)))))
    (i32.add (i32.const 1024) (i32.and (local.get $r) (i32.const 4095))))
  (func $arg64 (result i64)
    (if (result i64) (i32.and (call $rnd) (i32.const 1))
      (then (i64.extend_i32_u (call $arg)))
      (else (i64.or (i64.shl (i64.extend_i32_u (call $rnd)) (i64.const 32)) (i64.extend_i32_u (call $rnd))))))
  (func $status (result i32)
    (if (result i32) (i32.and (call $rnd) (i32.const 3)) (then (i32.and (call $rnd) (i32.const 7))) (else (call $rnd))))
  (func $one (local $k i32)
    (local.set $k (i32.rem_u (call $rnd) (i32.const ${calls.length})))
    (block $done ${body}))
  (func $fuzz (local $i i32)
    (local.set $i (i32.const ${PER_CALLBACK}))
    (loop $l
      (call $one)
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $l (local.get $i))))
  (func (export "proxy_abi_version_${abi.replaceAll(".", "_")}"))
  (func (export "malloc") (param i32) (result i32)
    (if (result i32) (i32.and (call $rnd) (i32.const 3)) (then (i32.add (i32.const 8192) (i32.and (call $rnd) (i32.const 65535)))) (else (call $arg))))
  ${callbacks.join("\n  ")}
)`;
}

/** The compiled hostcall-fuzzer plugin for an ABI version. */
export function hostcallFuzzer(abi = "0.2.1") {
  return compileWat(hostcallFuzzerWat(abi), `hostcall-fuzzer-${abi}.wat`);
}

/** ABI versions the fuzzer covers. */
export const FUZZED_ABIS = ["0.1.0", "0.2.0", "0.2.1"];

/** Hostcalls made per callback. */
export const HOSTCALLS_PER_CALLBACK = PER_CALLBACK;
