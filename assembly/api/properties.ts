// Properties (Envoy attributes) for plugin authors (reference §5.2, §5.3). A path is a list of
// segments, e.g. ["request", "path"]; see `splitPropertyPath` for the dotted shorthand.
import { WasmResult } from "../abi/types";
import * as hostcalls from "../hostcalls/properties";
import {
  decodeBool,
  decodeFloat64,
  decodeInt64,
  decodeString,
  decodeUint64,
} from "../util/property-path";

/**
 * Raw bytes of a property, or null when the host has none at `path`.
 *
 * Valid in any callback, not in top-level code. Stream attributes (`request.*`, `response.*`,
 * `source.*`, `connection.*`, …) exist only in stream callbacks; request-header attributes only
 * while the request headers are held, and in `onLog`. In a root context only `plugin_name`,
 * `plugin_root_id`, `plugin_vm_id` and `xds.node` exist (reference §5.2).
 */
export function getProperty(path: string[]): ArrayBuffer | null {
  return hostcalls.getProperty(path);
}

/** A string property (e.g. ["request", "path"], ["plugin_name"]), or null. Valid as `getProperty`. */
export function getPropertyString(path: string[]): string | null {
  return decodeString(hostcalls.getProperty(path));
}

/** An int64 property (e.g. ["response", "code"], ["source", "port"]), or `fallback`. Valid as `getProperty`. */
export function getPropertyInt64(path: string[], fallback: i64 = 0): i64 {
  return decodeInt64(hostcalls.getProperty(path), fallback);
}

/** A uint64 property (e.g. ["connection", "id"]), or `fallback`. Valid as `getProperty`. */
export function getPropertyUint64(path: string[], fallback: u64 = 0): u64 {
  return decodeUint64(hostcalls.getProperty(path), fallback);
}

/** A double property (e.g. numbers inside metadata structs), or `fallback`. Valid as `getProperty`. */
export function getPropertyFloat64(path: string[], fallback: f64 = 0): f64 {
  return decodeFloat64(hostcalls.getProperty(path), fallback);
}

/** A bool property (e.g. ["connection", "mtls"]), or `fallback`. Valid as `getProperty`. */
export function getPropertyBool(path: string[], fallback: bool = false): bool {
  return decodeBool(hostcalls.getProperty(path), fallback);
}

/** True when the host has a property at `path`. Valid as `getProperty`. */
export function hasProperty(path: string[]): bool {
  return hostcalls.getProperty(path) !== null;
}

/**
 * Stores raw bytes under `path` (Envoy keeps it in filter state as `wasm.<path>`; read it back
 * with a one-segment path). Valid in stream callbacks; a root context gets NotFound.
 */
export function setProperty(path: string[], value: ArrayBuffer): WasmResult {
  return hostcalls.setProperty(path, value);
}

/** Stores the UTF-8 bytes of `value` under `path`. Valid as `setProperty`. */
export function setPropertyString(path: string[], value: string): WasmResult {
  return hostcalls.setProperty(path, String.UTF8.encode(value));
}
