// Stream control and local replies (reference §3.5, §6.6).
import { GrpcStatus, StreamType, WasmResult } from "../abi/types";
import { encodePairs, HeaderPair } from "../util/pairs";
import { bufferLength, bufferPtr, encodedLength, encodeUtf8, SLOT_EXTRA } from "./memory";

// @ts-ignore: decorator
@external("env", "proxy_continue_stream")
declare function proxy_continue_stream(streamType: StreamType): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_close_stream")
declare function proxy_close_stream(streamType: StreamType): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_send_local_response")
declare function proxy_send_local_response(
  statusCode: u32,
  detailsPtr: usize,
  detailsSize: usize,
  bodyPtr: usize,
  bodySize: usize,
  headersPtr: usize,
  headersSize: usize,
  grpcStatus: i32,
): WasmResult;

/** Resumes a paused stream after the current callback returns. Upstream → Unimplemented on Envoy. */
export function continueStream(streamType: StreamType): WasmResult {
  return proxy_continue_stream(streamType);
}

/** HTTP: resets the stream. TCP: closes that side of the connection. */
export function closeStream(streamType: StreamType): WasmResult {
  return proxy_close_stream(streamType);
}

/** Asks the host to answer the request itself (sent after the current callback). */
export function sendLocalResponse(
  statusCode: u32,
  details: string,
  body: ArrayBuffer | null,
  headers: HeaderPair[] | null,
  grpcStatus: GrpcStatus,
): WasmResult {
  const detailsPtr = encodeUtf8(details, SLOT_EXTRA);
  let encodedHeaders: ArrayBuffer | null = null;
  if (headers !== null && headers.length > 0) encodedHeaders = encodePairs(headers);
  return proxy_send_local_response(
    statusCode,
    detailsPtr,
    encodedLength(SLOT_EXTRA),
    bufferPtr(body),
    bufferLength(body),
    bufferPtr(encodedHeaders),
    bufferLength(encodedHeaders),
    grpcStatus,
  );
}
