/**
 * Decoding of hostcall arguments and outputs for the trace (`trace: true`), in the conformance
 * facts vocabulary (`pw-facts/1`, shared/conformance/README.md): strings and header pairs
 * decoded, pointers omitted. Inputs are read from guest memory before the host runs the call,
 * outputs right after it returns, so the values are those of call time. Only what the host itself
 * reads is decoded: an argument the host does not look at because an earlier check failed (a map
 * type out of range, a buffer that is not available) is left out, as in the recorded facts.
 * Decoding never throws and never changes the module's state.
 */
import { WasmResult } from "./abi.js";
import { getBuffer } from "./hostcalls/buffers.js";
import { decodePairs } from "./pairs.js";
import type { Vm } from "./vm.js";

/** A JSON value of a decoded argument or output. */
export type DecodedValue =
  string | number | boolean | null | DecodedValue[] | { [key: string]: DecodedValue };

/** Decoded fields of one hostcall. */
export type DecodedFields = Record<string, DecodedValue>;

/** Header map names by `MapType` (reference §3.4). */
export const MAP_NAMES = [
  "request_headers",
  "request_trailers",
  "response_headers",
  "response_trailers",
  "grpc_receive_initial_metadata",
  "grpc_receive_trailing_metadata",
  "http_call_response_headers",
  "http_call_response_trailers",
] as const;

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Bytes as UTF-8 text when they are valid UTF-8, else `{ hex }`. */
export function bytesValue(bytes: Uint8Array): DecodedValue {
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    return { hex: Buffer.from(bytes).toString("hex") };
  }
}

/** An i64 as a JSON number when exact, else its decimal text. */
function int64(v: bigint): DecodedValue {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(v)
    : v.toString();
}

type Args = (number | bigint)[];

/** Reads guest memory without side effects; null when out of bounds. */
class Reader {
  constructor(private readonly vm: Vm) {}
  bytes(ptr: number | bigint, len: number | bigint): Uint8Array | null {
    return this.vm.memory.read(Number(ptr), Number(len));
  }
  text(ptr: number | bigint, len: number | bigint): DecodedValue | undefined {
    const b = this.bytes(ptr, len);
    return b === null ? undefined : bytesValue(b);
  }
  pairs(ptr: number | bigint, len: number | bigint): DecodedValue | undefined {
    const b = this.bytes(ptr, len);
    if (b === null) return undefined;
    try {
      return decodePairs(b).map(([k, v]) => [k, v]);
    } catch {
      return undefined;
    }
  }
  u32(ptr: number | bigint): number | null {
    return this.vm.memory.readU32(Number(ptr));
  }
  u64(ptr: number | bigint): bigint | null {
    const lo = this.u32(ptr);
    const hi = this.u32(Number(ptr) + 4);
    return lo === null || hi === null ? null : (BigInt(hi) << 32n) | BigInt(lo);
  }
  /** The block a `copyOut` wrote through (ptrPtr, sizePtr); null when none or empty. */
  out(ptrPtr: number | bigint, sizePtr: number | bigint): Uint8Array | null {
    const p = this.u32(ptrPtr);
    const n = this.u32(sizePtr);
    if (p === null || n === null || p === 0 || n === 0) return null;
    return this.bytes(p, n);
  }
}

const u = (v: number | bigint): number => Number(v) >>> 0;
const s = (v: number | bigint): number => Number(v) | 0;

/** Puts `value` under `key` unless it is undefined. */
function put(target: DecodedFields, key: string, value: DecodedValue | undefined): void {
  if (value !== undefined) target[key] = value;
}

function mapName(type: number): DecodedValue {
  return type <= 7 ? MAP_NAMES[type] : type;
}

/** A property path as the host splits it: NUL-separated segments, shown '.'-joined. */
function propertyPath(bytes: Uint8Array | null): DecodedValue | undefined {
  return bytes === null ? undefined : new TextDecoder().decode(bytes).split("\0").join(".");
}

/** Decoded inputs of a hostcall, read before the host runs it. */
export function decodeHostcallArgs(vm: Vm, fn: string, a: Args): DecodedFields {
  const r = new Reader(vm);
  const d: DecodedFields = {};
  switch (fn) {
    case "proxy_log":
      d.level = u(a[0]);
      put(d, "message", r.text(a[1], a[2]));
      break;
    case "proxy_set_tick_period_milliseconds":
      d.period_ms = u(a[0]);
      break;
    case "proxy_get_buffer_bytes":
      d.buffer = u(a[0]);
      d.start = u(a[1]);
      d.length = u(a[2]);
      break;
    case "proxy_get_buffer_status":
      d.buffer = u(a[0]);
      break;
    case "proxy_set_buffer_bytes":
      d.buffer = u(a[0]);
      d.start = u(a[1]);
      d.length = u(a[2]);
      // Read by the host only once the buffer is known to exist (see decodeHostcallOut).
      put(d, "data", r.text(a[3], a[4]));
      break;
    case "proxy_get_header_map_value":
    case "proxy_remove_header_map_value":
      d.map = mapName(u(a[0]));
      if (u(a[0]) <= 7) put(d, "key", r.text(a[1], a[2]));
      break;
    case "proxy_add_header_map_value":
    case "proxy_replace_header_map_value":
      d.map = mapName(u(a[0]));
      if (u(a[0]) <= 7) {
        put(d, "key", r.text(a[1], a[2]));
        put(d, "value", r.text(a[3], a[4]));
      }
      break;
    case "proxy_get_header_map_pairs":
    case "proxy_get_header_map_size":
      d.map = mapName(u(a[0]));
      break;
    case "proxy_set_header_map_pairs":
      d.map = mapName(u(a[0]));
      if (u(a[0]) <= 7) put(d, "pairs", r.pairs(a[1], a[2]));
      break;
    case "proxy_get_property":
      put(d, "path", propertyPath(r.bytes(a[0], a[1])));
      break;
    case "proxy_set_property":
      put(d, "path", propertyPath(r.bytes(a[0], a[1])));
      put(d, "value", r.text(a[2], a[3]));
      break;
    case "proxy_send_local_response":
      d.status = u(a[0]);
      put(d, "details", r.text(a[1], a[2]));
      put(d, "body", r.text(a[3], a[4]));
      put(d, "headers", r.pairs(a[5], a[6]));
      d.grpc_status = s(a[7]);
      break;
    case "proxy_continue_stream":
    case "proxy_close_stream":
      d.stream = u(a[0]);
      break;
    case "proxy_set_effective_context":
      d.context_id = u(a[0]);
      break;
    case "proxy_http_call":
      put(d, "cluster", r.text(a[0], a[1]));
      put(d, "headers", r.pairs(a[2], a[3]));
      put(d, "body", r.text(a[4], a[5]));
      put(d, "trailers", r.pairs(a[6], a[7]));
      d.timeout_ms = s(a[8]);
      break;
    case "proxy_grpc_call":
    case "proxy_grpc_stream":
      put(d, "service", r.text(a[0], a[1]));
      put(d, "service_name", r.text(a[2], a[3]));
      put(d, "method", r.text(a[4], a[5]));
      put(d, "initial_metadata", r.pairs(a[6], a[7]));
      if (fn === "proxy_grpc_call") {
        put(d, "message", r.text(a[8], a[9]));
        d.timeout_ms = u(a[10]);
      }
      break;
    case "proxy_grpc_send":
      d.token = u(a[0]);
      put(d, "message", r.text(a[1], a[2]));
      d.end_stream = u(a[3]) !== 0;
      break;
    case "proxy_grpc_close":
    case "proxy_grpc_cancel":
    case "proxy_dequeue_shared_queue":
      d.token = u(a[0]);
      break;
    case "proxy_define_metric":
      d.metric_type = u(a[0]);
      put(d, "name", r.text(a[1], a[2]));
      break;
    case "proxy_increment_metric":
      d.metric_id = u(a[0]);
      d.offset = int64(BigInt.asIntN(64, BigInt(a[1])));
      break;
    case "proxy_record_metric":
      d.metric_id = u(a[0]);
      d.value = int64(BigInt.asUintN(64, BigInt(a[1])));
      break;
    case "proxy_get_metric":
      d.metric_id = u(a[0]);
      break;
    case "proxy_get_shared_data":
      put(d, "key", r.text(a[0], a[1]));
      break;
    case "proxy_set_shared_data":
      put(d, "key", r.text(a[0], a[1]));
      put(d, "value", r.text(a[2], a[3]));
      d.cas = u(a[4]);
      break;
    case "proxy_register_shared_queue":
      put(d, "queue", r.text(a[0], a[1]));
      break;
    case "proxy_resolve_shared_queue":
      put(d, "vm_id", r.text(a[0], a[1]));
      put(d, "queue", r.text(a[2], a[3]));
      break;
    case "proxy_enqueue_shared_queue":
      d.token = u(a[0]);
      put(d, "data", r.text(a[1], a[2]));
      break;
    case "proxy_call_foreign_function":
      put(d, "name", r.text(a[0], a[1]));
      put(d, "argument", r.text(a[2], a[3]));
      break;
    case "envoy_resolve_dns":
      put(d, "address", r.text(a[0], a[1]));
      break;
    case "wasi_snapshot_preview1.fd_write":
    case "wasi_unstable.fd_write":
    case "wasi_snapshot_preview1.fd_fdstat_get":
    case "wasi_unstable.fd_fdstat_get":
      d.fd = u(a[0]);
      break;
    case "wasi_snapshot_preview1.clock_time_get":
    case "wasi_unstable.clock_time_get":
      d.clock_id = u(a[0]);
      break;
    case "wasi_snapshot_preview1.proc_exit":
    case "wasi_unstable.proc_exit":
      d.code = u(a[0]);
      break;
    case "wasi_snapshot_preview1.random_get":
    case "wasi_unstable.random_get":
      d.length = u(a[1]);
      break;
    default:
      break;
  }
  return d;
}

/**
 * Completes `args` and returns the decoded outputs of a hostcall that just returned `result`
 * (a WasmResult for `proxy_*`), or undefined when it wrote nothing worth showing.
 */
export function decodeHostcallOut(
  vm: Vm,
  fn: string,
  a: Args,
  result: unknown,
  args: DecodedFields,
): DecodedFields | undefined {
  const r = new Reader(vm);
  const ok = result === WasmResult.Ok;
  const o: DecodedFields = {};
  const data = (key: string, ptrPtr: number | bigint, sizePtr: number | bigint): void => {
    const b = r.out(ptrPtr, sizePtr);
    if (b !== null) o[key] = bytesValue(b);
  };
  switch (fn) {
    case "proxy_get_buffer_bytes":
      if (ok) data("data", a[3], a[4]);
      break;
    case "proxy_get_buffer_status":
      if (ok) {
        put(o, "length", r.u32(a[1]) ?? undefined);
        put(o, "flags", r.u32(a[2]) ?? undefined);
      }
      break;
    case "proxy_set_buffer_bytes": {
      // The host reads the data only for an available buffer of a valid type.
      const type = u(a[0]);
      const buf = type <= 8 ? getBuffer(vm.current(), type) : null;
      if (buf === null || result === WasmResult.NotFound) {
        delete args.data;
        break;
      }
      if (type <= 3) o.buffer_after = bytesValue(buf.read(0, 0xffffffff));
      break;
    }
    case "proxy_get_header_map_value":
      if (ok) data("value", a[3], a[4]);
      break;
    case "proxy_get_header_map_pairs":
      if (ok) {
        const b = r.out(a[1], a[2]);
        o.pairs = b === null ? [] : decodePairs(b).map(([k, v]) => [k, v]);
      }
      break;
    case "proxy_get_header_map_size":
      if (ok) put(o, "size", r.u32(a[1]) ?? undefined);
      break;
    case "proxy_get_property":
      if (ok) data("value", a[2], a[3]);
      break;
    case "proxy_get_log_level":
      if (ok) put(o, "level", r.u32(a[0]) ?? undefined);
      break;
    case "proxy_get_current_time_nanoseconds": {
      const t = ok ? r.u64(a[0]) : null;
      if (t !== null) o.time_ns = t.toString();
      break;
    }
    case "proxy_get_status":
      if (ok) {
        put(o, "code", r.u32(a[0]) ?? undefined);
        const b = r.out(a[1], a[2]);
        o.message = b === null ? "" : bytesValue(b);
      }
      break;
    case "proxy_http_call":
      if (ok) put(o, "token", r.u32(a[9]) ?? undefined);
      break;
    case "proxy_grpc_call":
      if (ok) put(o, "token", r.u32(a[11]) ?? undefined);
      break;
    case "proxy_grpc_stream":
      if (ok) put(o, "token", r.u32(a[9]) ?? undefined);
      break;
    case "proxy_define_metric":
      if (ok) put(o, "metric_id", r.u32(a[3]) ?? undefined);
      break;
    case "proxy_get_metric": {
      const v = ok ? r.u64(a[1]) : null;
      if (v !== null) o.value = int64(v);
      break;
    }
    case "proxy_get_shared_data":
      if (ok) {
        data("value", a[2], a[3]);
        put(o, "cas", r.u32(a[4]) ?? undefined);
      }
      break;
    case "proxy_register_shared_queue":
      if (ok) put(o, "token", r.u32(a[2]) ?? undefined);
      break;
    case "proxy_resolve_shared_queue":
      if (ok) put(o, "token", r.u32(a[4]) ?? undefined);
      break;
    case "proxy_dequeue_shared_queue":
      if (ok) data("data", a[1], a[2]);
      break;
    case "proxy_call_foreign_function":
      if (u(a[4]) !== 0 && u(a[5]) !== 0) data("result", a[4], a[5]);
      break;
    case "envoy_resolve_dns":
      if (ok) put(o, "token", r.u32(a[2]) ?? undefined);
      break;
    case "proxy_get_configuration":
      if (ok) data("data", a[0], a[1]);
      break;
    default:
      break;
  }
  return Object.keys(o).length > 0 ? o : undefined;
}
