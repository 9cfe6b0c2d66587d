// TCP (L4) connection callbacks (reference §2.1, §6.12). Unknown contexts are logged and continue.
import { FilterStatus, PeerType } from "../abi/types";
import { dispatcher } from "./dispatcher";

/** Host → plugin: a client connected. */
export function proxy_on_new_connection(contextId: u32): u32 {
  const context = dispatcher.streamContext(contextId);
  return context === null ? FilterStatus.Continue : <u32>context.onNewConnection();
}

/** Host → plugin: bytes from the client. */
export function proxy_on_downstream_data(contextId: u32, dataSize: u32, endOfStream: u32): u32 {
  const context = dispatcher.streamContext(contextId);
  return context === null
    ? FilterStatus.Continue
    : <u32>context.onDownstreamData(dataSize, endOfStream != 0);
}

/** Host → plugin: bytes from the backend. */
export function proxy_on_upstream_data(contextId: u32, dataSize: u32, endOfStream: u32): u32 {
  const context = dispatcher.streamContext(contextId);
  return context === null
    ? FilterStatus.Continue
    : <u32>context.onUpstreamData(dataSize, endOfStream != 0);
}

/** Host → plugin: the client side closed. */
export function proxy_on_downstream_connection_close(contextId: u32, peerType: u32): void {
  const context = dispatcher.streamContext(contextId);
  if (context !== null) context.onDownstreamClose(<PeerType>peerType);
}

/** Host → plugin: the backend side closed. */
export function proxy_on_upstream_connection_close(contextId: u32, peerType: u32): void {
  const context = dispatcher.streamContext(contextId);
  if (context !== null) context.onUpstreamClose(<PeerType>peerType);
}
