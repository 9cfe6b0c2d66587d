/** Buffer hostcalls (reference §3.3, availability table). */
import { WasmResult } from "../abi.js";
import { NULL_BUFFER, ReadOnlyBuffer, type BufferLike } from "../body-buffer.js";
import type { ContextRef } from "../context.js";
import type { HostcallDef } from "./types.js";
import { proxy } from "./types.js";

/** Envoy `Context::getBuffer`: null → NotFound. @internal */
export function getBuffer(ctx: ContextRef, type: number): BufferLike | null {
  const p = ctx.plugin;
  switch (type) {
    case 0:
    case 1:
      return ctx.http ? ctx.http.bodyBuffer(type) : NULL_BUFFER;
    case 2:
    case 3:
      return ctx.tcp ? ctx.tcp.dataBuffer(type) : NULL_BUFFER;
    case 4:
      return p.callResponse ? new ReadOnlyBuffer(p.callResponse.body) : null;
    case 5:
      return p.grpcReceiveBuffer ? new ReadOnlyBuffer(p.grpcReceiveBuffer) : NULL_BUFFER;
    case 6:
      return new ReadOnlyBuffer(p.vmConfiguration);
    case 7:
      return p.configurationReadable ? new ReadOnlyBuffer(p.configuration) : null;
    case 8:
      // Envoy returns its per-context `buffer_` for CallData: never NotFound, holding whatever
      // was staged last (empty until then). Modelled: the call data staged on the root context
      // (foreign-function arguments, DNS answers); Envoy's aliasing of `buffer_` with other
      // buffer reads on the same context is not.
      return ctx.kind === "root" && p.callData ? new ReadOnlyBuffer(p.callData) : NULL_BUFFER;
    default:
      return null;
  }
}

export const BUFFER_HOSTCALLS: HostcallDef[] = [
  proxy(
    "proxy_get_buffer_bytes",
    5,
    (vm) => (type: number, start: number, maxLen: number, ptrPtr: number, lenPtr: number) => {
      if (type >>> 0 > 8) return WasmResult.BadArgument;
      const buf = getBuffer(vm.current(), type);
      if (!buf) return WasmResult.NotFound;
      return vm.memory.copyOut(buf.read(start, maxLen), ptrPtr, lenPtr);
    },
  ),
  proxy("proxy_get_buffer_status", 3, (vm) => (type: number, lenPtr: number, flagsPtr: number) => {
    if (type >>> 0 > 8) return WasmResult.BadArgument;
    const buf = getBuffer(vm.current(), type);
    if (!buf) return WasmResult.NotFound;
    if (!vm.memory.writeU32(lenPtr, buf.size)) return WasmResult.InvalidMemoryAccess;
    if (!vm.memory.writeU32(flagsPtr, 0)) return WasmResult.InvalidMemoryAccess;
    return WasmResult.Ok;
  }),
  proxy(
    "proxy_set_buffer_bytes",
    5,
    (vm) => (type: number, start: number, len: number, dataPtr: number, dataLen: number) => {
      if (type >>> 0 > 8) return WasmResult.BadArgument;
      const buf = getBuffer(vm.current(), type);
      if (!buf) return WasmResult.NotFound;
      const data = vm.memory.read(dataPtr, dataLen);
      if (data === null) return WasmResult.InvalidMemoryAccess;
      return buf.set(start, len, data);
    },
  ),
];
