// Every compiled SDK module (examples and test plugins) imports only what a real host provides
// for ABI 0.2.1 (reference §1.5–1.6): env.proxy_* of 0.2.1 and wasi_snapshot_preview1.* — never
// env.abort / env.trace / env.seed.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const ENV_0_2_1 = new Set(
  `log get_log_level get_status set_property get_property send_local_response get_shared_data
  set_shared_data register_shared_queue resolve_shared_queue dequeue_shared_queue enqueue_shared_queue
  get_header_map_value add_header_map_value replace_header_map_value remove_header_map_value
  get_header_map_pairs set_header_map_pairs get_header_map_size get_buffer_bytes get_buffer_status
  set_buffer_bytes http_call grpc_call grpc_stream grpc_close grpc_cancel grpc_send
  set_tick_period_milliseconds get_current_time_nanoseconds define_metric increment_metric
  record_metric get_metric set_effective_context done call_foreign_function continue_stream
  close_stream`
    .split(/\s+/)
    .map((name) => `proxy_${name}`),
);

/** Ids of the sections of a wasm binary, in order (LEB128 sizes). */
function sectionIds(bytes) {
  const ids = [];
  let offset = 8;
  while (offset < bytes.length) {
    const id = bytes[offset++];
    let size = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[offset++];
      size |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    ids.push(id);
    offset += size;
  }
  return ids;
}

function modules() {
  const found = [];
  for (const dir of [
    join(root, "tests/plugins/build"),
    ...readdirSync(join(root, "examples")).map((e) => join(root, "examples", e, "build")),
  ]) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)) if (file.endsWith(".wasm")) found.push(join(dir, file));
  }
  return found;
}

test("there are compiled modules to check", () => {
  assert.ok(modules().length >= 10, "run npm run build:plugins first");
});

for (const file of modules()) {
  test(`imports of ${file.slice(root.length)}`, () => {
    const bytes = readFileSync(file);
    assert.ok(
      !sectionIds(bytes).includes(8),
      "no wasm start section: top-level code runs in _start",
    );
    const module = new WebAssembly.Module(bytes);
    for (const imp of WebAssembly.Module.imports(module)) {
      const name = `${imp.module}.${imp.name}`;
      assert.equal(imp.kind, "function", name);
      if (imp.module === "env")
        assert.ok(ENV_0_2_1.has(imp.name), `${name} is not a 0.2.1 hostcall`);
      else assert.equal(imp.module, "wasi_snapshot_preview1", `${name} is not provided by hosts`);
    }
    const exports = WebAssembly.Module.exports(module).map((e) => e.name);
    for (const name of ["proxy_abi_version_0_2_1", "malloc", "proxy_on_memory_allocate"]) {
      assert.ok(exports.includes(name), name);
    }
    for (const name of ["proxy_on_context_create", "proxy_on_vm_start", "proxy_on_delete"]) {
      assert.ok(exports.includes(name), `${name}: the SDK's context bookkeeping`);
    }
    assert.ok(exports.includes("_start"), "top-level code is exported as _start (reference §1.3)");
    for (const name of exports) {
      assert.ok(
        /^(proxy_on_[a-z_]+|proxy_abi_version_0_2_1|malloc|memory|_start)$/.test(name),
        `unexpected export ${name}`,
      );
    }
  });
}
