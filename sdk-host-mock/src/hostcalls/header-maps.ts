/** Header-map hostcalls (reference §3.4). */
import { WasmResult } from "../abi.js";
import type { ContextRef } from "../context.js";
import type { HeaderMap } from "../header-map.js";
import { decodePairs, encodePairs } from "../pairs.js";
import type { Vm } from "../vm.js";
import type { HostcallDef } from "./types.js";
import { proxy } from "./types.js";

/** Censoring (`hiddenHeaders`): a write to a hidden header is refused and logged by the host. */
function refusedHeader(vm: Vm, key: string): boolean {
  const ctx = vm.current();
  if (!ctx.plugin.censor.hidesHeader(key)) return false;
  ctx.plugin.hostLog("warn", `write to censored header ${key.toLowerCase()} refused`, ctx.id);
  return true;
}

/** The map's entries the plugin may see. */
function visible(vm: Vm, map: HeaderMap): [string, string][] {
  const censor = vm.current().plugin.censor;
  const list = map.toList();
  return censor.empty ? list : list.filter(([k]) => !censor.hidesHeader(k));
}

/** Envoy `getConstMap`: the readable map of that type, or null. @internal */
export function getConstMap(ctx: ContextRef, type: number): HeaderMap | null {
  if (type <= 3) return ctx.http ? ctx.http.constMap(type) : null;
  const p = ctx.plugin;
  switch (type) {
    case 4:
      return p.grpcInitialMetadata;
    case 5:
      return p.grpcTrailingMetadata;
    case 6:
      return p.callResponse ? p.callResponse.headers : null;
    case 7:
      return p.callResponse ? p.callResponse.trailers : null;
    default:
      return null;
  }
}

/** Envoy `getMap`: the mutable map of that type, or null (types 4–7 are never mutable). @internal */
export function getMutableMap(ctx: ContextRef, type: number): HeaderMap | null {
  if (type <= 3 && ctx.http) return ctx.http.mutableMap(type);
  return null;
}

/** add/replace: validate the type, read key and value, edit the held mutable map (§3.4). */
function editMap(
  vm: Vm,
  type: number,
  keyPtr: number,
  keyLen: number,
  valPtr: number,
  valLen: number,
  edit: (map: HeaderMap, key: string, value: string) => void,
): WasmResult {
  if (type >>> 0 > 7) return WasmResult.BadArgument;
  const key = vm.memory.readString(keyPtr, keyLen);
  const value = vm.memory.readString(valPtr, valLen);
  if (key === null || value === null) return WasmResult.InvalidMemoryAccess;
  if (refusedHeader(vm, key)) return WasmResult.InternalFailure;
  const map = getMutableMap(vm.current(), type);
  if (!map) return WasmResult.BadArgument;
  edit(map, key, value);
  return WasmResult.Ok;
}

export const HEADER_MAP_HOSTCALLS: HostcallDef[] = [
  proxy(
    "proxy_get_header_map_value",
    5,
    (vm) => (type: number, keyPtr: number, keyLen: number, ptrPtr: number, lenPtr: number) => {
      if (type >>> 0 > 7) return WasmResult.BadArgument;
      const ctx = vm.current();
      const key = vm.memory.readString(keyPtr, keyLen);
      if (key === null) return WasmResult.InvalidMemoryAccess;
      const map = getConstMap(ctx, type);
      if (!map) {
        // Envoy `getHeaderMapValue`: maps may be null in the access-log phase (on_log) — then
        // NotFound, or Ok with an empty value for ABI 0.1.0; otherwise BadArgument (§3.4).
        if (!ctx.http?.inLogPhase) return WasmResult.BadArgument;
        if (vm.abiVersion === "0.1.0") return vm.memory.copyOut(new Uint8Array(0), ptrPtr, lenPtr);
        return WasmResult.NotFound;
      }
      const value = vm.current().plugin.censor.hidesHeader(key) ? null : map.get(key);
      if (value === null) {
        if (vm.abiVersion === "0.1.0") return vm.memory.copyOut(new Uint8Array(0), ptrPtr, lenPtr);
        return WasmResult.NotFound;
      }
      return vm.memory.copyOut(new TextEncoder().encode(value), ptrPtr, lenPtr);
    },
  ),
  proxy("proxy_get_header_map_pairs", 3, (vm) => (type: number, ptrPtr: number, lenPtr: number) => {
    if (type >>> 0 > 7) return WasmResult.BadArgument;
    const map = getConstMap(vm.current(), type);
    if (!map || map.size === 0) return vm.memory.copyOut(new Uint8Array(0), ptrPtr, lenPtr);
    const list = visible(vm, map);
    if (list.length === 0) return vm.memory.copyOut(new Uint8Array(0), ptrPtr, lenPtr);
    return vm.memory.copyOut(encodePairs(list), ptrPtr, lenPtr);
  }),
  proxy("proxy_set_header_map_pairs", 3, (vm) => (type: number, ptr: number, len: number) => {
    if (type >>> 0 > 7) return WasmResult.BadArgument;
    const data = vm.memory.read(ptr, len);
    if (data === null) return WasmResult.InvalidMemoryAccess;
    const map = getMutableMap(vm.current(), type);
    if (!map) return WasmResult.BadArgument;
    const pairs = decodePairs(data);
    const censor = vm.current().plugin.censor;
    if (censor.empty) {
      map.setAll(pairs);
      return WasmResult.Ok;
    }
    for (const [k] of pairs) if (refusedHeader(vm, k)) return WasmResult.InternalFailure;
    // Hidden entries the plugin could not see survive its replacement of the map.
    map.setAll([...pairs, ...map.toList().filter(([k]) => censor.hidesHeader(k))]);
    return WasmResult.Ok;
  }),
  proxy("proxy_get_header_map_size", 2, (vm) => (type: number, sizePtr: number) => {
    if (type >>> 0 > 7) return WasmResult.BadArgument;
    const map = getMutableMap(vm.current(), type);
    if (!map) return WasmResult.BadArgument;
    const size = vm.current().plugin.censor.empty
      ? map.byteSize()
      : visible(vm, map).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    return vm.memory.writeU32(sizePtr, size) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
  }),
  proxy(
    "proxy_add_header_map_value",
    5,
    (vm) => (type: number, keyPtr: number, keyLen: number, valPtr: number, valLen: number) =>
      editMap(vm, type, keyPtr, keyLen, valPtr, valLen, (map, key, value) => map.add(key, value)),
  ),
  proxy(
    "proxy_replace_header_map_value",
    5,
    (vm) => (type: number, keyPtr: number, keyLen: number, valPtr: number, valLen: number) =>
      editMap(vm, type, keyPtr, keyLen, valPtr, valLen, (map, key, value) =>
        map.replace(key, value),
      ),
  ),
  proxy(
    "proxy_remove_header_map_value",
    3,
    (vm) => (type: number, keyPtr: number, keyLen: number) => {
      if (type >>> 0 > 7) return WasmResult.BadArgument;
      const key = vm.memory.readString(keyPtr, keyLen);
      if (key === null) return WasmResult.InvalidMemoryAccess;
      if (refusedHeader(vm, key)) return WasmResult.InternalFailure;
      const map = getMutableMap(vm.current(), type);
      if (!map) return WasmResult.BadArgument;
      map.remove(key);
      return WasmResult.Ok;
    },
  ),
];
