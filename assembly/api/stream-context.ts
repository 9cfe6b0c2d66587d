// The TCP stream context: one per proxied connection (Envoy network filter).
import { FilterStatus, PeerType, StreamType, WasmResult } from "../abi/types";
import * as streamControl from "../hostcalls/stream-control";
import { BaseContext, ContextKind } from "./base-context";
import { Body, downstreamData, upstreamData } from "./body";
import { RootContext } from "./root-context";

/**
 * Context of one TCP connection. Extend it and override what the plugin needs; each default
 * continues. Created by `RootContext.createStreamContext`.
 *
 * Callback order (Envoy): onNewConnection → onDownstreamData / onUpstreamData (interleaved) →
 * onDownstreamClose → onDone → onLog → onDelete (note: done before log, unlike HTTP).
 */
export class StreamContext extends BaseContext {
  /** @param id the host's id for this connection @param root the plugin's root context */
  constructor(
    id: u32,
    public readonly root: RootContext,
  ) {
    super(id, ContextKind.Stream);
  }

  /** A client connected. */
  onNewConnection(): FilterStatus {
    return FilterStatus.Continue;
  }

  /** Bytes from the client (`dataSize` readable through `downstreamData`). Returning StopIteration keeps them; the next call sees them again with the new bytes. */
  onDownstreamData(dataSize: u32, endOfStream: bool): FilterStatus {
    return FilterStatus.Continue;
  }

  /** Bytes from the backend (`dataSize` readable through `upstreamData`). */
  onUpstreamData(dataSize: u32, endOfStream: bool): FilterStatus {
    return FilterStatus.Continue;
  }

  /** The client side closed. */
  onDownstreamClose(peerType: PeerType): void {}

  /** The backend side closed (Envoy reports `PeerType.Unknown`). */
  onUpstreamClose(peerType: PeerType): void {}

  /** The connection is finished (access-log phase). */
  onLog(): void {}

  /** The host is done with the connection. */
  onDone(): void {}

  /** Last call for this context. */
  onDelete(): void {}

  /** Client bytes: valid in onDownstreamData. */
  get downstreamData(): Body {
    return downstreamData;
  }

  /** Backend bytes: valid in onUpstreamData. */
  get upstreamData(): Body {
    return upstreamData;
  }

  /** Resumes forwarding client data held by a StopIteration. Valid in any callback of this connection. */
  continueDownstream(): WasmResult {
    return streamControl.continueStream(StreamType.Downstream);
  }

  /** Closes the client connection after flushing writes (Envoy details `wasm_downstream_close`). Valid in any callback of this connection. */
  closeDownstream(): WasmResult {
    return streamControl.closeStream(StreamType.Downstream);
  }

  /**
   * Closes the connection from the write side. In Envoy a network filter's read and write sides
   * are the same client connection, so this also closes it (details `wasm_upstream_close`).
   * Valid in any callback of this connection.
   */
  closeUpstream(): WasmResult {
    return streamControl.closeStream(StreamType.Upstream);
  }
}
