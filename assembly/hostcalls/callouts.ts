// HTTP and gRPC callout hostcalls (reference §3.6, §3.7). Calls are owned by the caller's root
// context; the token goes to OUT_U32 (see ./memory). Header and metadata lists are passed in the
// pairs wire format.
import { WasmResult } from "../abi/types";
import { encodePairs, HeaderPair } from "../util/pairs";
import {
  bufferLength,
  bufferPtr,
  encodedLength,
  encodedPtr,
  encodeUtf8,
  OUT_U32,
  SLOT_EXTRA,
  SLOT_KEY,
  SLOT_VALUE,
} from "./memory";

// @ts-ignore: decorator
@external("env", "proxy_http_call")
declare function proxy_http_call(
  upstreamPtr: usize,
  upstreamSize: usize,
  headersPtr: usize,
  headersSize: usize,
  bodyPtr: usize,
  bodySize: usize,
  trailersPtr: usize,
  trailersSize: usize,
  timeoutMs: u32,
  outToken: usize,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_grpc_call")
declare function proxy_grpc_call(
  servicePtr: usize,
  serviceSize: usize,
  serviceNamePtr: usize,
  serviceNameSize: usize,
  methodPtr: usize,
  methodSize: usize,
  initialMetadataPtr: usize,
  initialMetadataSize: usize,
  messagePtr: usize,
  messageSize: usize,
  timeoutMs: u32,
  outToken: usize,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_grpc_stream")
declare function proxy_grpc_stream(
  servicePtr: usize,
  serviceSize: usize,
  serviceNamePtr: usize,
  serviceNameSize: usize,
  methodPtr: usize,
  methodSize: usize,
  initialMetadataPtr: usize,
  initialMetadataSize: usize,
  outToken: usize,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_grpc_send")
declare function proxy_grpc_send(
  token: u32,
  messagePtr: usize,
  messageSize: usize,
  endStream: u32,
): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_grpc_close")
declare function proxy_grpc_close(token: u32): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_grpc_cancel")
declare function proxy_grpc_cancel(token: u32): WasmResult;

function encodeOptionalPairs(pairs: HeaderPair[] | null): ArrayBuffer | null {
  return pairs === null || pairs.length == 0 ? null : encodePairs(pairs);
}

/**
 * Sends an HTTP request to Envoy cluster `upstream` (headers must include :method, :path and
 * :authority); `timeoutMs` 0 means none. Token → OUT_U32.
 */
export function httpCall(
  upstream: string,
  headers: HeaderPair[],
  body: ArrayBuffer | null,
  trailers: HeaderPair[] | null,
  timeoutMs: u32,
): WasmResult {
  const upstreamPtr = encodeUtf8(upstream, SLOT_KEY);
  const encodedHeaders = encodePairs(headers);
  const encodedTrailers = encodeOptionalPairs(trailers);
  store<u32>(OUT_U32, 0);
  return proxy_http_call(
    upstreamPtr,
    encodedLength(SLOT_KEY),
    changetype<usize>(encodedHeaders),
    encodedHeaders.byteLength,
    bufferPtr(body),
    bufferLength(body),
    bufferPtr(encodedTrailers),
    bufferLength(encodedTrailers),
    timeoutMs,
    OUT_U32,
  );
}

// service, service name and method go to the three scratch slots; returns the metadata.
function encodeGrpcTarget(
  service: string,
  serviceName: string,
  method: string,
  initialMetadata: HeaderPair[] | null,
): ArrayBuffer | null {
  encodeUtf8(service, SLOT_KEY);
  encodeUtf8(serviceName, SLOT_VALUE);
  encodeUtf8(method, SLOT_EXTRA);
  store<u32>(OUT_U32, 0);
  return encodeOptionalPairs(initialMetadata);
}

/** Unary gRPC call to `service` (cluster name or serialized GrpcService). Token → OUT_U32. */
export function grpcCall(
  service: string,
  serviceName: string,
  method: string,
  initialMetadata: HeaderPair[] | null,
  message: ArrayBuffer | null,
  timeoutMs: u32,
): WasmResult {
  const metadata = encodeGrpcTarget(service, serviceName, method, initialMetadata);
  return proxy_grpc_call(
    encodedPtr(SLOT_KEY),
    encodedLength(SLOT_KEY),
    encodedPtr(SLOT_VALUE),
    encodedLength(SLOT_VALUE),
    encodedPtr(SLOT_EXTRA),
    encodedLength(SLOT_EXTRA),
    bufferPtr(metadata),
    bufferLength(metadata),
    bufferPtr(message),
    bufferLength(message),
    timeoutMs,
    OUT_U32,
  );
}

/** Opens a gRPC stream. Token → OUT_U32. */
export function grpcStream(
  service: string,
  serviceName: string,
  method: string,
  initialMetadata: HeaderPair[] | null,
): WasmResult {
  const metadata = encodeGrpcTarget(service, serviceName, method, initialMetadata);
  return proxy_grpc_stream(
    encodedPtr(SLOT_KEY),
    encodedLength(SLOT_KEY),
    encodedPtr(SLOT_VALUE),
    encodedLength(SLOT_VALUE),
    encodedPtr(SLOT_EXTRA),
    encodedLength(SLOT_EXTRA),
    bufferPtr(metadata),
    bufferLength(metadata),
    OUT_U32,
  );
}

/** Sends a message on gRPC stream `token` (`endStream` half-closes). */
export function grpcSend(token: u32, message: ArrayBuffer | null, endStream: bool): WasmResult {
  return proxy_grpc_send(token, bufferPtr(message), bufferLength(message), endStream ? 1 : 0);
}

/** Call: cancels it; stream: half-closes it locally. */
export function grpcClose(token: u32): WasmResult {
  return proxy_grpc_close(token);
}

/** Cancels a call, or resets a stream. */
export function grpcCancel(token: u32): WasmResult {
  return proxy_grpc_cancel(token);
}
