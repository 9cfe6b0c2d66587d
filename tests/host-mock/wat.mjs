// Test helpers: compile WAT fixtures with wabt and drive the generic driver plugin
// (tests/fixtures/wat/driver.wat) whose callbacks call back into JS.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Host } from "../../sdk-host-mock/dist/index.js";

const wabt = await (await import("wabt")).default();
const fixtures = fileURLToPath(new URL("../fixtures/wat/", import.meta.url));

/** Compiles WAT text to wasm bytes (with a name section). */
export function compileWat(text, name = "fixture.wat") {
  const mod = wabt.parseWat(name, text);
  try {
    return new Uint8Array(mod.toBinary({ write_debug_names: true }).buffer);
  } finally {
    mod.destroy();
  }
}

/** Compiles tests/fixtures/wat/<name>.wat. */
export function watFixture(name) {
  return compileWat(readFileSync(fixtures + name + ".wat", "utf8"), name + ".wat");
}

export const CALLBACKS = [
  "proxy_on_context_create",
  "proxy_on_vm_start",
  "proxy_on_configure",
  "proxy_on_tick",
  "proxy_on_new_connection",
  "proxy_on_downstream_data",
  "proxy_on_upstream_data",
  "proxy_on_downstream_connection_close",
  "proxy_on_upstream_connection_close",
  "proxy_on_request_headers",
  "proxy_on_request_body",
  "proxy_on_request_trailers",
  "proxy_on_response_headers",
  "proxy_on_response_body",
  "proxy_on_response_trailers",
  "proxy_on_http_call_response",
  "proxy_on_grpc_receive",
  "proxy_on_grpc_close",
  "proxy_on_queue_ready",
  "proxy_on_foreign_function",
  "proxy_on_done",
  "proxy_on_log",
  "proxy_on_delete",
];
const RETURNS_TRUE = new Set(["proxy_on_vm_start", "proxy_on_configure", "proxy_on_done"]);

const enc = new TextEncoder();
const dec = new TextDecoder();
const SCRATCH_START = 1024;
const SCRATCH_END = 60000;

/**
 * Loads driver.wat into a Host. `handlers[name](...args)` implements callback `name` in JS;
 * inside it use `d.<helper>` to make hostcalls through the wasm trampolines.
 */
export class Driver {
  constructor(options = {}) {
    this.host = options.host ?? new Host({ now: 1_700_000_000_000 });
    this.handlers = { ...(options.handlers ?? {}) };
    this.mallocHook = null;
    this.calls = [];
    const test = {
      malloc_hook: (size) => (this.mallocHook ? this.mallocHook(size) : -1),
    };
    for (const name of CALLBACKS) {
      test[name] = (...args) => {
        this.calls.push([name, ...args]);
        this.scratch = SCRATCH_START;
        const h = this.handlers[name];
        const r = h ? h.call(this, ...args) : undefined;
        if (r === undefined) return RETURNS_TRUE.has(name) ? 1 : 0;
        return typeof r === "boolean" ? (r ? 1 : 0) : r;
      };
    }
    this.scratch = SCRATCH_START;
    this.plugin = this.host.loadPlugin({
      wasm: options.wasm ?? watFixture("driver"),
      ...options.plugin,
      imports: { test },
      onInstance: (exports) => (this.x = exports),
    });
  }

  get mem() {
    return new DataView(this.x.memory.buffer);
  }
  alloc(n) {
    const p = this.scratch;
    this.scratch += (n + 7) & ~7;
    if (this.scratch > SCRATCH_END) throw new Error("scratch overflow");
    return p;
  }
  /** Writes a string/bytes into scratch memory; returns [ptr, len]. */
  put(data) {
    const bytes = typeof data === "string" ? enc.encode(data) : data;
    const p = this.alloc(bytes.length || 1);
    new Uint8Array(this.x.memory.buffer).set(bytes, p);
    return [p, bytes.length];
  }
  u32(p) {
    return this.mem.getUint32(p, true);
  }
  u64(p) {
    return this.mem.getBigUint64(p, true);
  }
  bytes(p, n) {
    return new Uint8Array(this.x.memory.buffer).slice(p, p + n);
  }
  /** Allocates an out (ptr,len) pair pre-filled with 0xdeadbeef. */
  outPair() {
    const p = this.alloc(8);
    this.mem.setUint32(p, 0xdeadbeef, true);
    this.mem.setUint32(p + 4, 0xdeadbeef, true);
    return p;
  }
  /** Reads an out pair: {ptr, len, data: Uint8Array|null}. */
  readPair(p) {
    const ptr = this.u32(p);
    const len = this.u32(p + 4);
    return { ptr, len, data: ptr === 0xdeadbeef ? null : this.bytes(ptr, len) };
  }
  text(p) {
    const r = this.readPair(p);
    return r.data === null ? null : dec.decode(r.data);
  }

  // ----------------------------------------------------------- hostcall helpers
  log(level, msg) {
    return this.x.h_proxy_log(level, ...this.put(msg));
  }
  getHeader(map, key) {
    const out = this.outPair();
    const result = this.x.h_proxy_get_header_map_value(map, ...this.put(key), out, out + 4);
    return { result, value: result === 0 ? this.text(out) : null };
  }
  addHeader(map, key, value) {
    return this.x.h_proxy_add_header_map_value(map, ...this.put(key), ...this.put(value));
  }
  replaceHeader(map, key, value) {
    return this.x.h_proxy_replace_header_map_value(map, ...this.put(key), ...this.put(value));
  }
  removeHeader(map, key) {
    return this.x.h_proxy_remove_header_map_value(map, ...this.put(key));
  }
  headerSize(map) {
    const out = this.alloc(4);
    const result = this.x.h_proxy_get_header_map_size(map, out);
    return { result, size: result === 0 ? this.u32(out) : null };
  }
  headerPairs(map) {
    const out = this.outPair();
    const result = this.x.h_proxy_get_header_map_pairs(map, out, out + 4);
    return { result, ...this.readPair(out) };
  }
  setHeaderPairs(map, bytes) {
    return this.x.h_proxy_set_header_map_pairs(map, ...this.put(bytes));
  }
  getBuffer(type, start, len) {
    const out = this.outPair();
    const result = this.x.h_proxy_get_buffer_bytes(type, start, len, out, out + 4);
    const pair = this.readPair(out);
    return { result, ...pair, text: pair.data === null ? null : dec.decode(pair.data) };
  }
  bufferStatus(type) {
    const out = this.alloc(8);
    const result = this.x.h_proxy_get_buffer_status(type, out, out + 4);
    return { result, size: this.u32(out), flags: this.u32(out + 4) };
  }
  setBuffer(type, start, len, data) {
    return this.x.h_proxy_set_buffer_bytes(type, start, len, ...this.put(data));
  }
  getProperty(path) {
    const out = this.outPair();
    const result = this.x.h_proxy_get_property(...this.put(path), out, out + 4);
    const pair = this.readPair(out);
    return { result, ...pair, text: result === 0 && pair.data ? dec.decode(pair.data) : null };
  }
  setProperty(path, value) {
    return this.x.h_proxy_set_property(...this.put(path), ...this.put(value));
  }
  defineMetric(type, name) {
    const out = this.alloc(4);
    this.mem.setUint32(out, 0xffffffff, true);
    const result = this.x.h_proxy_define_metric(type, ...this.put(name), out);
    return { result, id: this.u32(out) };
  }
  getMetric(id) {
    const out = this.alloc(8);
    const result = this.x.h_proxy_get_metric(id, out);
    return { result, value: result === 0 ? this.u64(out) : null };
  }
  setShared(key, value, cas) {
    return this.x.h_proxy_set_shared_data(...this.put(key), ...this.put(value), cas);
  }
  getShared(key) {
    const out = this.outPair();
    const cas = this.alloc(4);
    this.mem.setUint32(cas, 0, true);
    const result = this.x.h_proxy_get_shared_data(...this.put(key), out, out + 4, cas);
    return { result, value: result === 0 ? this.text(out) : null, cas: this.u32(cas) };
  }
  localReply(status, body, details, headerBytes, grpc = -1) {
    return this.x.h_proxy_send_local_response(
      status,
      ...this.put(details),
      ...this.put(body),
      ...this.put(headerBytes),
      grpc,
    );
  }
  callForeign(name, args) {
    const out = this.outPair();
    const result = this.x.h_proxy_call_foreign_function(
      ...this.put(name),
      ...this.put(args),
      out,
      out + 4,
    );
    return { result, ...this.readPair(out) };
  }
  setEffective(contextId) {
    return this.x.h_proxy_set_effective_context(contextId);
  }
  continueStream(type) {
    return this.x.h_proxy_continue_stream(type);
  }
  httpCall(cluster, headerBytes, body, trailerBytes, timeout) {
    const tok = this.alloc(4);
    const result = this.x.h_proxy_http_call(
      ...this.put(cluster),
      ...this.put(headerBytes),
      ...this.put(body),
      ...this.put(trailerBytes),
      timeout,
      tok,
    );
    return { result, token: this.u32(tok) };
  }
}
