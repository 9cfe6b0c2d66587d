/** HTTP and gRPC callouts (reference §3.6, §3.7). */
import { WasmResult } from "../abi.js";
import { HeaderMap } from "../header-map.js";
import { utf8 } from "../memory.js";
import { decodePairs } from "../pairs.js";
import { readProto } from "../proto.js";
import type { GrpcCallRecord } from "../callouts.js";
import type { Vm } from "../vm.js";
import type { HostcallDef } from "./types.js";
import { proxy } from "./types.js";

/** Reads a cluster name from a serialized `GrpcService{envoy_grpc{cluster_name}}`, else null. */
function grpcServiceCluster(bytes: Uint8Array): string | null {
  const envoyGrpc = readProto(bytes)?.get(1);
  if (!(envoyGrpc instanceof Uint8Array)) return null;
  const clusterName = readProto(envoyGrpc)?.get(1);
  return clusterName instanceof Uint8Array ? utf8(clusterName) : null;
}

/**
 * grpc_call / grpc_stream (§3.7): reads service, service name, method and initial metadata,
 * resolves the cluster (unknown → ParseFailure), takes the next token of the kind and records
 * the call.
 */
function openGrpc(
  vm: Vm,
  [sPtr, sLen, nPtr, nLen, mPtr, mLen, mdPtr, mdLen]: number[],
  tokenPtr: number,
  call: Pick<GrpcCallRecord, "kind" | "messages" | "timeoutMs" | "localClosed">,
): WasmResult {
  const m = vm.memory;
  const service = m.read(sPtr, sLen);
  const name = m.readString(nPtr, nLen);
  const method = m.readString(mPtr, mLen);
  const md = m.read(mdPtr, mdLen);
  if (!service || name === null || method === null || !md) return WasmResult.InvalidMemoryAccess;
  const cluster = grpcServiceCluster(service) ?? utf8(service);
  if (!vm.plugin.hasCluster(cluster)) return WasmResult.ParseFailure;
  const token = call.kind === "call" ? (vm.nextGrpcCallId += 4) : (vm.nextGrpcStreamId += 4);
  vm.plugin.registerGrpcCall({
    ...call,
    token,
    cluster,
    serviceName: name,
    method,
    initialMetadata: new HeaderMap("other", decodePairs(md)).toList(),
    cancelled: false,
    done: false,
  });
  return m.writeU32(tokenPtr, token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
}

export const CALLOUT_HOSTCALLS: HostcallDef[] = [
  proxy(
    "proxy_http_call",
    10,
    (vm) =>
      (
        upPtr: number,
        upLen: number,
        hPtr: number,
        hLen: number,
        bPtr: number,
        bLen: number,
        tPtr: number,
        tLen: number,
        timeout: number,
        tokenPtr: number,
      ) => {
        const m = vm.memory;
        const upstream = m.readString(upPtr, upLen);
        const body = m.read(bPtr, bLen);
        const headerBytes = m.read(hPtr, hLen);
        const trailerBytes = m.read(tPtr, tLen);
        if (upstream === null || body === null || headerBytes === null || trailerBytes === null) {
          return WasmResult.InvalidMemoryAccess;
        }
        if (!m.writeU32(tokenPtr, 0)) return WasmResult.InvalidMemoryAccess;
        const plugin = vm.plugin;
        if ((timeout | 0) < 0) return WasmResult.BadArgument;
        if (!plugin.hasCluster(upstream)) return WasmResult.BadArgument;
        const headers = new HeaderMap("request-headers", decodePairs(headerBytes));
        if (!headers.has(":path") || !headers.has(":method") || !headers.has(":authority")) {
          return WasmResult.BadArgument;
        }
        if (body.length > 0) headers.replace("content-length", String(body.length));
        const token = (vm.nextHttpCallId += 4);
        plugin.registerHttpCall({
          token,
          cluster: upstream,
          headers: headers.toList(),
          body,
          bodyText: utf8(body),
          trailers: new HeaderMap("request-trailers", decodePairs(trailerBytes)).toList(),
          timeoutMs: timeout >>> 0,
          contextId: vm.current().id,
          rootContextId: plugin.rootContextId,
          answered: false,
          timer: null,
        });
        return m.writeU32(tokenPtr, token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
      },
  ),
  proxy(
    "proxy_grpc_call",
    12,
    (vm) =>
      (
        sPtr: number,
        sLen: number,
        nPtr: number,
        nLen: number,
        mPtr: number,
        mLen: number,
        mdPtr: number,
        mdLen: number,
        msgPtr: number,
        msgLen: number,
        timeout: number,
        tokenPtr: number,
      ) => {
        const msg = vm.memory.read(msgPtr, msgLen);
        if (!msg) return WasmResult.InvalidMemoryAccess;
        return openGrpc(vm, [sPtr, sLen, nPtr, nLen, mPtr, mLen, mdPtr, mdLen], tokenPtr, {
          kind: "call",
          messages: [msg],
          timeoutMs: timeout >>> 0,
          localClosed: true,
        });
      },
  ),
  proxy(
    "proxy_grpc_stream",
    9,
    (vm) =>
      (
        sPtr: number,
        sLen: number,
        nPtr: number,
        nLen: number,
        mPtr: number,
        mLen: number,
        mdPtr: number,
        mdLen: number,
        tokenPtr: number,
      ) =>
        openGrpc(vm, [sPtr, sLen, nPtr, nLen, mPtr, mLen, mdPtr, mdLen], tokenPtr, {
          kind: "stream",
          messages: [],
          timeoutMs: null,
          localClosed: false,
        }),
  ),
  proxy(
    "proxy_grpc_send",
    4,
    (vm) => (token: number, ptr: number, len: number, endStream: number) => {
      const msg = vm.memory.read(ptr, len);
      if (!msg) return WasmResult.InvalidMemoryAccess;
      if ((token & 3) !== 2) return WasmResult.BadArgument;
      const rec = vm.plugin.grpcCall(token >>> 0);
      if (!rec || rec.done) return WasmResult.NotFound;
      rec.messages.push(msg);
      if (endStream !== 0) rec.localClosed = true;
      return WasmResult.Ok;
    },
  ),
  proxy("proxy_grpc_close", 1, (vm) => (token: number) => {
    const kind = token & 3;
    if (kind !== 1 && kind !== 2) return WasmResult.BadArgument;
    const rec = vm.plugin.grpcCall(token >>> 0);
    if (!rec || rec.done) return WasmResult.NotFound;
    if (kind === 1) {
      rec.cancelled = true;
      rec.done = true;
    } else rec.localClosed = true;
    return WasmResult.Ok;
  }),
  proxy("proxy_grpc_cancel", 1, (vm) => (token: number) => {
    const kind = token & 3;
    if (kind !== 1 && kind !== 2) return WasmResult.BadArgument;
    const rec = vm.plugin.grpcCall(token >>> 0);
    if (!rec || rec.done) return WasmResult.NotFound;
    rec.cancelled = true;
    rec.done = true;
    return WasmResult.Ok;
  }),
];
