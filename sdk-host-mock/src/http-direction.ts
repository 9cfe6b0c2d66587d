/**
 * The per-direction state of an HTTP stream (request = 0, response = 1): the header and trailer
 * maps and whether the plugin may see them, Envoy's body buffer, data held while the plugin
 * pauses, what was forwarded, and the callback names of each direction.
 */
import { BodyBuffer, concat } from "./body-buffer.js";
import type { HeaderMap } from "./header-map.js";

/** Why a direction is stopped (which callback paused it, and how). */
export type Stop =
  | "none"
  | "headers"
  | "headers-iteration"
  | "body"
  | "body-watermark"
  | "body-nobuffer"
  | "trailers";

/** One direction (request or response) of a stream: maps, body buffers, held and forwarded data. */
export class Direction {
  headers: HeaderMap | null = null;
  headersHeld = false;
  trailers: HeaderMap | null = null;
  trailersHeld = false;
  /** Envoy's current body buffer for this direction. */
  body: BodyBuffer | null = null;
  /** The plugin may access {@link body}. */
  bodyPointer = false;
  /** Last body callback returned StopIterationAndBuffer. */
  buffering = false;
  /** Data held by the host while the plugin stops iteration (not visible to the plugin). */
  held = new BodyBuffer();
  heldEos = false;
  pendingTrailers: HeaderMap | null = null;
  stop: Stop = "none";
  forwarded: Uint8Array[] = [];
  forwardedCache: Uint8Array | null = null;
  bytesReceived = 0;
  endOfStream = false;
  headersSent = false;
  inBodyCallback = false;

  /** Passes `data` on (to upstream or downstream): what the peer received. */
  forward(data: Uint8Array): void {
    if (data.length === 0) return;
    this.forwarded.push(data);
    this.forwardedCache = null;
  }
  /** Everything forwarded so far, as one array (cached). */
  forwardedBytes(): Uint8Array {
    return (this.forwardedCache ??= concat(...this.forwarded));
  }
}

/** The plugin callbacks of each direction (0 request, 1 response). */
export const CALLBACKS = [
  {
    headers: "proxy_on_request_headers",
    body: "proxy_on_request_body",
    trailers: "proxy_on_request_trailers",
  },
  {
    headers: "proxy_on_response_headers",
    body: "proxy_on_response_body",
    trailers: "proxy_on_response_trailers",
  },
] as const;
