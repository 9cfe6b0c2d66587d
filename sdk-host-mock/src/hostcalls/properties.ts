/** Property hostcalls (reference §3.2, §5.2, §5.3). */
import { WasmResult } from "../abi.js";
import type { ContextRef } from "../context.js";
import { utf8 } from "../memory.js";
import { serializeProperty, splitPath, type PropertyValue } from "../properties.js";
import type { HostcallDef } from "./types.js";
import { proxy } from "./types.js";

const PLUGIN_NAMES = new Set(["plugin_name", "plugin_root_id", "plugin_vm_id"]);

/** Resolves a property for a context; undefined/null → NotFound. @internal */
export function resolveProperty(
  ctx: ContextRef,
  segments: string[],
): PropertyValue | Uint8Array | undefined {
  if (segments.length === 0) return undefined;
  const plugin = ctx.plugin;
  const stream = ctx.http ?? ctx.tcp;
  const first = segments[0];
  if (!stream) {
    // No stream info: only the Wasm names and xds.node exist (§5.2).
    const allowed = PLUGIN_NAMES.has(first) || (first === "xds" && segments[1] === "node");
    if (!allowed) return undefined;
    const user = plugin.properties.lookup(segments);
    if (user !== undefined) return user;
    return plugin.deriveProperty(segments);
  }
  for (const tree of [stream.properties, plugin.properties]) {
    const v = tree.lookup(segments);
    if (v !== undefined) return v;
  }
  const derived = stream.deriveProperty(segments);
  if (derived !== undefined) return derived;
  const own = plugin.deriveProperty(segments);
  if (own !== undefined) return own;
  if (segments.length === 1) return stream.filterState.get(`wasm.${first}`);
  return undefined;
}

export const PROPERTY_HOSTCALLS: HostcallDef[] = [
  proxy(
    "proxy_get_property",
    4,
    (vm) => (pathPtr: number, pathLen: number, ptrPtr: number, lenPtr: number) => {
      const path = vm.memory.read(pathPtr, pathLen);
      if (path === null) return WasmResult.InvalidMemoryAccess;
      const segments = splitPath(path);
      if (vm.current().plugin.censor.hidesProperty(segments)) return WasmResult.NotFound;
      const value = resolveProperty(vm.current(), segments);
      if (value === undefined || value === null) return WasmResult.NotFound;
      let bytes: Uint8Array;
      try {
        bytes = serializeProperty(value);
      } catch {
        return WasmResult.SerializationFailure;
      }
      return vm.memory.copyOut(bytes, ptrPtr, lenPtr);
    },
  ),
  proxy(
    "proxy_set_property",
    4,
    (vm) => (pathPtr: number, pathLen: number, valPtr: number, valLen: number) => {
      const path = vm.memory.read(pathPtr, pathLen);
      const value = vm.memory.read(valPtr, valLen);
      if (path === null || value === null) return WasmResult.InvalidMemoryAccess;
      const ctx = vm.current();
      if (ctx.plugin.censor.hidesProperty(splitPath(path))) {
        ctx.plugin.hostLog("warn", `write to censored property ${utf8(path)} refused`, ctx.id);
        return WasmResult.InternalFailure;
      }
      const stream = ctx.http ?? ctx.tcp;
      if (!stream) return WasmResult.NotFound;
      const key = `wasm.${utf8(path)}`;
      const decl = ctx.plugin.declaredProperties.get(utf8(path));
      if (decl?.readonly && stream.filterState.has(key)) return WasmResult.BadArgument;
      stream.filterState.set(key, value);
      return WasmResult.Ok;
    },
  ),
];
