// gRPC callouts (reference §3.7, §5.6, §6.8): unary calls and bidirectional streams, with
// handler classes bound to the context that opened them. Messages are raw protobuf bytes; see
// docs/callouts.md for encoding them by hand or with an AssemblyScript protobuf library.
//
//   class CheckDone extends GrpcCallHandler<AuthzContext> {
//     onResponse(ctx: AuthzContext, message: GrpcMessage): void { … message.bytes() … }
//     onFailure(ctx: AuthzContext, status: CalloutStatus): void { … status.code … }
//   }
//   grpcCall(this, "authz", "authz.v1.Authz", "Check", requestBytes, checkDone);
import { BufferType, MapType, WasmResult } from "../abi/types";
import * as buffers from "../hostcalls/buffers";
import * as callouts from "../hostcalls/callouts";
import { outU32 } from "../hostcalls/memory";
import {
  addCallout,
  enterOrigin,
  findCallout,
  forgetCallout,
  PendingCallout,
} from "../dispatcher/pending-callouts";
import { HeaderPair } from "../util/pairs";
import { BaseContext } from "./base-context";
import { calloutStatus, CalloutStatus } from "./callout-status";
import { HeaderMap } from "./header-map";

/** Timeout of `grpcCall` unless given (Envoy's 0 means none). */
export const DEFAULT_GRPC_CALL_TIMEOUT_MS: u32 = 5000;

const WHOLE: u32 = 0xffffffff;

/**
 * A received gRPC message (unary response or stream message): raw protobuf bytes, copied only
 * when read. Valid only inside the handler method that received it.
 */
export class GrpcMessage {
  /** Size of the message in bytes. */
  size: u32 = 0;

  /** The message bytes (decode them with your protobuf code). */
  bytes(): ArrayBuffer {
    if (this.size == 0) return new ArrayBuffer(0);
    const bytes = buffers.getBufferBytes(BufferType.GrpcReceiveBuffer, 0, WHOLE);
    return bytes === null ? new ArrayBuffer(0) : bytes;
  }

  /** The message bytes decoded as UTF-8 (for tests and text payloads). */
  text(): string {
    if (this.size == 0) return "";
    const text = buffers.getBufferString(BufferType.GrpcReceiveBuffer, 0, WHOLE);
    return text === null ? "" : text;
  }
}

// Views handed to handlers, created when first needed (a plugin without gRPC carries none).
let messageView: GrpcMessage | null = null;
let initialMetadataView: HeaderMap | null = null;
let trailingMetadataView: HeaderMap | null = null;

function grpcMessage(size: u32): GrpcMessage {
  let view = messageView;
  if (view === null) {
    view = new GrpcMessage();
    messageView = view;
  }
  view.size = size;
  return view;
}

function initialMetadata(): HeaderMap {
  let view = initialMetadataView;
  if (view === null) {
    view = new HeaderMap(MapType.GrpcReceiveInitialMetadata);
    initialMetadataView = view;
  }
  return view;
}

function trailingMetadata(): HeaderMap {
  let view = trailingMetadataView;
  if (view === null) {
    view = new HeaderMap(MapType.GrpcReceiveTrailingMetadata);
    trailingMetadataView = view;
  }
  return view;
}

// ------------------------------------------------------------------------------- unary calls

/** @internal The non-generic face of `GrpcCallHandler`, which the token map stores. */
export abstract class GrpcCallDelivery {
  /** @internal */
  abstract deliverResponse(origin: BaseContext, call: GrpcCall, message: GrpcMessage): void;
  /** @internal */
  abstract deliverFailure(origin: BaseContext, call: GrpcCall, status: CalloutStatus): void;
}

/**
 * Receives the outcome of unary gRPC calls made by a context of type `C` (`grpcCall`). Called
 * with that context as the effective context. Exactly one of the two methods runs per call —
 * none after `cancel()`, or when the originating stream is deleted first: the SDK then cancels
 * the call (pitfall C6).
 */
export abstract class GrpcCallHandler<C> extends GrpcCallDelivery {
  /** The response message arrived (`message` valid only during this call). */
  abstract onResponse(context: C, call: GrpcCall, message: GrpcMessage): void;

  /**
   * The call failed, or got no answer within its timeout: `status.code` is the `GrpcStatus`
   * (e.g. 14 Unavailable; which status Envoy gives a timeout is not verified here),
   * `status.message` the status message.
   */
  abstract onFailure(context: C, call: GrpcCall, status: CalloutStatus): void;

  /** @internal */
  deliverResponse(origin: BaseContext, call: GrpcCall, message: GrpcMessage): void {
    this.onResponse(changetype<C>(origin), call, message);
  }

  /** @internal */
  deliverFailure(origin: BaseContext, call: GrpcCall, status: CalloutStatus): void {
    this.onFailure(changetype<C>(origin), call, status);
  }
}

/**
 * What unary calls and streams share: the host's token, whether the call started, and
 * cancellation (also when the originating stream is deleted, pitfall C6).
 */
export abstract class GrpcHandle extends PendingCallout {
  /** @internal */
  constructor(
    token: u32,
    originId: u32,
    /** What the host answered when starting the call: Ok, or why it did not start. */
    public readonly result: WasmResult,
  ) {
    super(token, originId);
  }

  /** True when the call started (`result` is `Ok`). */
  get ok(): bool {
    return this.result == WasmResult.Ok;
  }

  /**
   * Cancels the call or resets the stream: no handler method is called any more. Results:
   * `Ok`; `NotFound` when it already finished or never started.
   */
  cancel(): WasmResult {
    if (this.token == 0) return WasmResult.NotFound;
    forgetCallout(this.token);
    return callouts.grpcCancel(this.token);
  }

  /** @internal The originating stream is being deleted: the call is cancelled. */
  originGone(): void {
    callouts.grpcCancel(this.token);
  }
}

/**
 * A unary gRPC call, as returned by `grpcCall`. `result` tells whether it started; when it is
 * not `Ok` the handler is never called and `token` is 0.
 */
export class GrpcCall extends GrpcHandle {
  /** @internal */
  constructor(
    token: u32,
    originId: u32,
    result: WasmResult,
    /** @internal */
    public readonly handler: GrpcCallDelivery,
  ) {
    super(token, originId, result);
  }
}

/**
 * Calls `serviceName`/`method` (e.g. "authz.v1.Authorizer", "Check") on Envoy cluster
 * `cluster` (or a serialized `envoy.config.core.v3.GrpcService`, reference §5.6) with the
 * protobuf-encoded `message`; `handler` receives the outcome with `origin` (usually `this`).
 * `initialMetadata` is sent as request headers. Valid in any callback of any context.
 *
 * `result` of the returned call: `Ok`; `ParseFailure` (Envoy: unknown cluster); `BadArgument`
 * (Envoy could not create the client); `InternalFailure` (the request could not be sent).
 */
export function grpcCall<C extends BaseContext>(
  origin: C,
  cluster: string,
  serviceName: string,
  method: string,
  message: ArrayBuffer | null,
  handler: GrpcCallHandler<C>,
  timeoutMs: u32 = DEFAULT_GRPC_CALL_TIMEOUT_MS,
  initialMetadata: HeaderPair[] | null = null,
): GrpcCall {
  const result = callouts.grpcCall(
    cluster,
    serviceName,
    method,
    initialMetadata,
    message,
    timeoutMs,
  );
  const call = new GrpcCall(result == WasmResult.Ok ? outU32() : 0, origin.id, result, handler);
  if (call.token != 0) addCallout(call);
  return call;
}

// ----------------------------------------------------------------------------------- streams

/** @internal The non-generic face of `GrpcStreamHandler`, which the token map stores. */
export abstract class GrpcStreamDelivery {
  /** @internal */
  abstract deliverInitialMetadata(origin: BaseContext, stream: GrpcStream, md: HeaderMap): void;
  /** @internal */
  abstract deliverMessage(origin: BaseContext, stream: GrpcStream, message: GrpcMessage): void;
  /** @internal */
  abstract deliverTrailingMetadata(origin: BaseContext, stream: GrpcStream, md: HeaderMap): void;
  /** @internal */
  abstract deliverClose(origin: BaseContext, stream: GrpcStream, status: CalloutStatus): void;
}

/**
 * Receives the events of gRPC streams opened by a context of type `C` (`openGrpcStream`), in
 * order: initial metadata, messages, trailing metadata, close. Called with that context as the
 * effective context. When the originating stream is deleted, the SDK cancels the gRPC stream
 * and calls nothing more (pitfall C6). Override what you need; `onClose` is required.
 */
export abstract class GrpcStreamHandler<C> extends GrpcStreamDelivery {
  /** The peer's initial metadata (`metadata` readable only during this call). */
  onInitialMetadata(context: C, stream: GrpcStream, metadata: HeaderMap): void {}

  /** A message arrived (`message` valid only during this call). */
  onMessage(context: C, stream: GrpcStream, message: GrpcMessage): void {}

  /** The peer's trailing metadata (`metadata` readable only during this call). */
  onTrailingMetadata(context: C, stream: GrpcStream, metadata: HeaderMap): void {}

  /**
   * The stream ended: the peer closed it (`status.code` a `GrpcStatus`, 0 = Ok) or it failed.
   * No event follows.
   */
  abstract onClose(context: C, stream: GrpcStream, status: CalloutStatus): void;

  /** @internal */
  deliverInitialMetadata(origin: BaseContext, stream: GrpcStream, md: HeaderMap): void {
    this.onInitialMetadata(changetype<C>(origin), stream, md);
  }

  /** @internal */
  deliverMessage(origin: BaseContext, stream: GrpcStream, message: GrpcMessage): void {
    this.onMessage(changetype<C>(origin), stream, message);
  }

  /** @internal */
  deliverTrailingMetadata(origin: BaseContext, stream: GrpcStream, md: HeaderMap): void {
    this.onTrailingMetadata(changetype<C>(origin), stream, md);
  }

  /** @internal */
  deliverClose(origin: BaseContext, stream: GrpcStream, status: CalloutStatus): void {
    this.onClose(changetype<C>(origin), stream, status);
  }
}

/**
 * A bidirectional gRPC stream, as returned by `openGrpcStream`. `result` tells whether it
 * opened; when it is not `Ok`, `token` is 0, every method returns `NotFound` and the handler is
 * never called.
 */
export class GrpcStream extends GrpcHandle {
  /** @internal */
  constructor(
    token: u32,
    originId: u32,
    result: WasmResult,
    /** @internal */
    public readonly handler: GrpcStreamDelivery,
  ) {
    super(token, originId, result);
  }

  /**
   * Sends a protobuf-encoded message; `endStream` half-closes the stream after it. Results:
   * `Ok`; `NotFound` when the stream is closed or never opened.
   */
  send(message: ArrayBuffer, endStream: bool = false): WasmResult {
    if (this.token == 0) return WasmResult.NotFound;
    return callouts.grpcSend(this.token, message, endStream);
  }

  /**
   * Half-closes the stream: no more messages from this side; the peer's messages and close
   * still arrive. Results: `Ok`; `NotFound` when the stream is gone.
   */
  close(): WasmResult {
    if (this.token == 0) return WasmResult.NotFound;
    return callouts.grpcClose(this.token);
  }
}

/**
 * Opens a stream to `serviceName`/`method` on Envoy cluster `cluster` (or a serialized
 * `GrpcService`); `handler` receives its events with `origin` (usually `this`). Streams have no
 * timeout. Valid in any callback of any context. `result` of the returned stream as
 * `grpcCall`.
 */
export function openGrpcStream<C extends BaseContext>(
  origin: C,
  cluster: string,
  serviceName: string,
  method: string,
  handler: GrpcStreamHandler<C>,
  initialMetadata: HeaderPair[] | null = null,
): GrpcStream {
  const result = callouts.grpcStream(cluster, serviceName, method, initialMetadata);
  const stream = new GrpcStream(result == WasmResult.Ok ? outU32() : 0, origin.id, result, handler);
  if (stream.token != 0) addCallout(stream);
  return stream;
}

// --------------------------------------------------------------------------------- delivery

/** Finds the origin of an SDK gRPC token; a stream whose origin is gone is cancelled. */
function enter(pending: PendingCallout, rootContextId: u32): BaseContext | null {
  const origin = enterOrigin(pending, rootContextId);
  if (origin === null) {
    forgetCallout(pending.token);
    if (pending instanceof GrpcStream) callouts.grpcCancel(pending.token);
  }
  return origin;
}

/** @internal `proxy_on_grpc_receive_initial_metadata`; false when `token` is not an SDK stream. */
export function deliverGrpcInitialMetadata(rootContextId: u32, token: u32): bool {
  const pending = findCallout(token);
  if (pending === null || !(pending instanceof GrpcStream)) return false;
  const origin = enter(pending, rootContextId);
  if (origin === null) return true;
  const stream = changetype<GrpcStream>(pending);
  stream.handler.deliverInitialMetadata(origin, stream, initialMetadata());
  return true;
}

/** @internal `proxy_on_grpc_receive`; false when `token` is not an SDK call or stream. */
export function deliverGrpcMessage(rootContextId: u32, token: u32, size: u32): bool {
  const pending = findCallout(token);
  if (pending === null) return false;
  if (pending instanceof GrpcCall) forgetCallout(token);
  else if (!(pending instanceof GrpcStream)) return false;
  const origin = enter(pending, rootContextId);
  if (origin === null) return true;
  const message = grpcMessage(size);
  if (pending instanceof GrpcCall) {
    const call = changetype<GrpcCall>(pending);
    call.handler.deliverResponse(origin, call, message);
  } else {
    const stream = changetype<GrpcStream>(pending);
    stream.handler.deliverMessage(origin, stream, message);
  }
  return true;
}

/** @internal `proxy_on_grpc_receive_trailing_metadata`; false when not an SDK stream. */
export function deliverGrpcTrailingMetadata(rootContextId: u32, token: u32): bool {
  const pending = findCallout(token);
  if (pending === null || !(pending instanceof GrpcStream)) return false;
  const origin = enter(pending, rootContextId);
  if (origin === null) return true;
  const stream = changetype<GrpcStream>(pending);
  stream.handler.deliverTrailingMetadata(origin, stream, trailingMetadata());
  return true;
}

/** @internal `proxy_on_grpc_close`; false when `token` is not an SDK call or stream. */
export function deliverGrpcClose(rootContextId: u32, token: u32, status: u32): bool {
  const pending = findCallout(token);
  if (pending === null) return false;
  if (!(pending instanceof GrpcCall) && !(pending instanceof GrpcStream)) return false;
  // The call or stream is over either way: forget it before the handler runs.
  forgetCallout(token);
  const origin = enterOrigin(pending, rootContextId);
  if (origin === null) return true;
  const closed = calloutStatus().reset(status, true);
  if (pending instanceof GrpcCall) {
    const call = changetype<GrpcCall>(pending);
    call.handler.deliverFailure(origin, call, closed);
  } else {
    const stream = changetype<GrpcStream>(pending);
    stream.handler.deliverClose(origin, stream, closed);
  }
  return true;
}
