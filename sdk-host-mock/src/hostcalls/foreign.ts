/** `proxy_call_foreign_function` and Envoy's built-in foreign functions (reference §3.10). */
import { deflateSync, inflateSync } from "node:zlib";
import { WasmResult } from "../abi.js";
import type { ContextRef } from "../context.js";
import { utf8 } from "../memory.js";
import { readProto } from "../proto.js";
import type { HostcallDef } from "./types.js";
import { proxy } from "./types.js";

/** What a foreign function returns: bytes (result Ok) or an explicit result code and data. */
export type ForeignFunctionResult = Uint8Array | { result: number; data?: Uint8Array };

/** A foreign function implementation; `contextId` is the calling (effective) context. */
export type ForeignFunction = (
  args: Uint8Array,
  info: { contextId: number },
) => ForeignFunctionResult;

/** Envoy's built-in foreign functions as far as the mock models them. */
function builtin(name: string, ctx: ContextRef, args: Uint8Array): ForeignFunctionResult | null {
  switch (name) {
    case "compress":
      return new Uint8Array(deflateSync(args));
    case "uncompress":
      try {
        return new Uint8Array(inflateSync(args));
      } catch {
        return { result: WasmResult.SerializationFailure };
      }
    case "clear_route_cache":
      if (ctx.http) ctx.http.routeCacheCleared++;
      return { result: WasmResult.Ok };
    case "declare_property": {
      const f = readProto(args);
      const n = f?.get(1);
      if (!f || !(n instanceof Uint8Array)) return { result: WasmResult.BadArgument };
      const propName = utf8(n);
      const decls = ctx.plugin.declaredProperties;
      if (decls.has(propName)) return { result: WasmResult.BadArgument };
      decls.set(propName, { readonly: f.get(2) === 1 });
      return { result: WasmResult.Ok };
    }
    case "set_envoy_filter_state": {
      const f = readProto(args);
      const path = f?.get(1);
      const value = f?.get(2);
      if (!f || !(path instanceof Uint8Array)) return { result: WasmResult.BadArgument };
      const stream = ctx.http ?? ctx.tcp;
      if (!stream) return { result: WasmResult.NotFound };
      stream.filterState.set(utf8(path), value instanceof Uint8Array ? value : new Uint8Array(0));
      return { result: WasmResult.Ok };
    }
    default:
      return null;
  }
}

export const FOREIGN_HOSTCALLS: HostcallDef[] = [
  proxy(
    "proxy_call_foreign_function",
    6,
    (vm) =>
      (
        namePtr: number,
        nameLen: number,
        argsPtr: number,
        argsLen: number,
        outPtrPtr: number,
        outLenPtr: number,
      ) => {
        const name = vm.memory.readString(namePtr, nameLen);
        const args = vm.memory.read(argsPtr, argsLen);
        if (name === null || args === null) return WasmResult.InvalidMemoryAccess;
        const ctx = vm.current();
        // A Map, not an object: names such as "__proto__" or "toString" are plain unknown names.
        const user = vm.plugin.foreignFunctions.get(name);
        const res = user ? user(args, { contextId: ctx.id }) : builtin(name, ctx, args);
        if (res === null) return WasmResult.NotFound;
        let result: number;
        let data: Uint8Array;
        if (res instanceof Uint8Array) {
          result = WasmResult.Ok;
          data = res;
        } else if (
          typeof res === "object" &&
          typeof res.result === "number" &&
          (res.data === undefined || res.data instanceof Uint8Array)
        ) {
          result = res.result >>> 0;
          data = res.data ?? new Uint8Array(0);
        } else {
          // A test-supplied function returned something that is not a ForeignFunctionResult.
          return WasmResult.InternalFailure;
        }
        let pointer = 0;
        if (data.length > 0 && outPtrPtr !== 0) {
          pointer = vm.allocate(data.length);
          if (pointer === 0 || !vm.memory.write(pointer, data))
            return WasmResult.InvalidMemoryAccess;
        }
        if (outPtrPtr !== 0 && !vm.memory.writeU32(outPtrPtr, pointer))
          return WasmResult.InvalidMemoryAccess;
        if (outLenPtr !== 0 && !vm.memory.writeU32(outLenPtr, data.length))
          return WasmResult.InvalidMemoryAccess;
        return result;
      },
  ),
];
