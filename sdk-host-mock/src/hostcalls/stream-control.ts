/** Stream control and local replies (reference §3.5, §6.6). */
import { WasmResult } from "../abi.js";
import { decodePairs } from "../pairs.js";
import type { HostcallDef } from "./types.js";
import { proxy } from "./types.js";

const V01 = ["0.1.0"] as const;
const V02 = ["0.2.0", "0.2.1"] as const;

export const STREAM_CONTROL_HOSTCALLS: HostcallDef[] = [
  proxy(
    "proxy_continue_stream",
    1,
    (vm) => (type: number) => {
      type >>>= 0;
      if (type > 3) return WasmResult.BadArgument;
      const ctx = vm.current();
      if (type === 3) return WasmResult.Unimplemented;
      if (type === 2) {
        ctx.tcp?.continueDownstream();
        return WasmResult.Ok;
      }
      if (ctx.http) ctx.http.continueFromPlugin(type as 0 | 1);
      return WasmResult.Ok;
    },
    { versions: V02 },
  ),
  proxy(
    "proxy_close_stream",
    1,
    (vm) => (type: number) => {
      type >>>= 0;
      if (type > 3) return WasmResult.BadArgument;
      const ctx = vm.current();
      if (type <= 1) ctx.http?.closeFromPlugin();
      else ctx.tcp?.closeFromPlugin(type as 2 | 3);
      return WasmResult.Ok;
    },
    { versions: V02 },
  ),
  proxy(
    "proxy_continue_request",
    0,
    (vm) => () => {
      vm.current().http?.continueFromPlugin(0);
      return WasmResult.Ok;
    },
    { versions: V01 },
  ),
  proxy(
    "proxy_continue_response",
    0,
    (vm) => () => {
      vm.current().http?.continueFromPlugin(1);
      return WasmResult.Ok;
    },
    { versions: V01 },
  ),
  proxy(
    "proxy_clear_route_cache",
    0,
    (vm) => () => {
      const http = vm.current().http;
      if (http) http.routeCacheCleared++;
      return WasmResult.Ok;
    },
    { versions: V01 },
  ),
  proxy(
    "proxy_send_local_response",
    8,
    (vm) =>
      (
        status: number,
        detailsPtr: number,
        detailsLen: number,
        bodyPtr: number,
        bodyLen: number,
        headersPtr: number,
        headersLen: number,
        grpcStatus: number,
      ) => {
        const details = vm.memory.readString(detailsPtr, detailsLen);
        const body = vm.memory.read(bodyPtr, bodyLen);
        const headers = vm.memory.read(headersPtr, headersLen);
        if (details === null || body === null || headers === null)
          return WasmResult.InvalidMemoryAccess;
        const ctx = vm.current();
        const g = grpcStatus | 0;
        ctx.http?.localReplyFromPlugin({
          status: status >>> 0,
          body,
          headers: decodePairs(headers).map(([k, v]) => [k.toLowerCase(), v] as [string, string]),
          details: details.replace(/\s/g, "_"),
          grpcStatus: g >= 0 && g <= 16 ? g : null,
        });
        vm.stopNextIteration = true;
        return WasmResult.Ok;
      },
  ),
];
