// Callout callbacks (reference §2.1, §6.7, §6.8): HTTP call responses and gRPC events, all
// delivered to the root context of the caller. Calls made through the SDK's API (`httpCall`,
// `grpcCall`, `openGrpcStream`) go to their handler, with the originating context as the
// effective context; other HTTP tokens go to `RootContext.onHttpCallResponse`.
import { LogLevel } from "../abi/types";
import {
  deliverGrpcClose,
  deliverGrpcInitialMetadata,
  deliverGrpcMessage,
  deliverGrpcTrailingMetadata,
} from "../api/grpc";
import { deliverHttpCallResponse } from "../api/http-call";
import { isLogEnabled, logWarn } from "../api/log";
import { dispatcher } from "./dispatcher";

/** Host → plugin: the response (or failure: zero counts) of an HTTP callout. */
export function proxy_on_http_call_response(
  rootContextId: u32,
  token: u32,
  numHeaders: u32,
  bodySize: u32,
  numTrailers: u32,
): void {
  if (deliverHttpCallResponse(rootContextId, token, numHeaders, bodySize, numTrailers)) return;
  const root = dispatcher.root(rootContextId);
  if (root !== null) root.onHttpCallResponse(token, numHeaders, bodySize, numTrailers);
}

function unexpectedGrpc(token: u32): void {
  if (isLogEnabled(LogLevel.Warn)) {
    logWarn("proxy-wasm-as: gRPC callback for unknown token " + token.toString() + "; ignored");
  }
}

/** Host → plugin: initial metadata of a gRPC stream. */
export function proxy_on_grpc_receive_initial_metadata(
  rootContextId: u32,
  token: u32,
  numElements: u32,
): void {
  if (!deliverGrpcInitialMetadata(rootContextId, token)) unexpectedGrpc(token);
}

/** Host → plugin: a gRPC message (unary response or stream message). */
export function proxy_on_grpc_receive(rootContextId: u32, token: u32, messageSize: u32): void {
  if (!deliverGrpcMessage(rootContextId, token, messageSize)) unexpectedGrpc(token);
}

/** Host → plugin: trailing metadata of a gRPC stream. */
export function proxy_on_grpc_receive_trailing_metadata(
  rootContextId: u32,
  token: u32,
  numElements: u32,
): void {
  if (!deliverGrpcTrailingMetadata(rootContextId, token)) unexpectedGrpc(token);
}

/** Host → plugin: a gRPC call failed or a stream closed. */
export function proxy_on_grpc_close(rootContextId: u32, token: u32, statusCode: u32): void {
  if (!deliverGrpcClose(rootContextId, token, statusCode)) unexpectedGrpc(token);
}
