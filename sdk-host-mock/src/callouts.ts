/** State of HTTP and gRPC callouts of one plugin (reference §3.6, §3.7, §6.7, §6.8). */
import type { HeaderList, HeadersInput } from "./header-map.js";
import type { TimerEvent } from "./host.js";

/** An HTTP callout dispatched by the plugin with `proxy_http_call`. */
export interface HttpCallRecord {
  /** Call id: 4, 8, 12, … per VM. */
  token: number;
  /** Upstream cluster name. */
  cluster: string;
  /** Request headers as Envoy would send them (`host` folded into `:authority`, `content-length` added). */
  headers: HeaderList;
  body: Uint8Array;
  /** Body as UTF-8 text. */
  bodyText: string;
  trailers: HeaderList;
  /** 0 = no timeout. */
  timeoutMs: number;
  /** Context that made the call (the response still goes to the root context). */
  contextId: number;
  /** Root context that receives the response. */
  rootContextId: number;
  /** True once a response, failure or timeout was delivered (or the call was cancelled). */
  answered: boolean;
  /** @internal */
  timer: TimerEvent | null;
}

/** A response to deliver with `Plugin.respondToHttpCall`. */
export interface HttpCallResponse {
  /** `:status` (default 200 unless `headers` contains `:status`). */
  status?: number;
  /** Response headers (`:status` is added first if missing). */
  headers?: HeadersInput;
  body?: string | Uint8Array;
  /** Response trailers. */
  trailers?: HeadersInput;
}

/** A DNS lookup started by the plugin with `envoy_resolve_dns` (reference §3.11). */
export interface DnsRequest {
  /** Token written to the plugin (per VM: 1, 2, …; never 0). */
  token: number;
  /** The address text the plugin asked for, as given. */
  address: string;
}

/**
 * One resolved address for `Plugin.respondToDns`. Envoy writes each answer's address as its
 * `Network::Address` string, i.e. `"ip:port"` with port 0 for a DNS answer (e.g. `"10.0.0.1:0"`,
 * `"[::1]:0"`); the mock writes the string exactly as given.
 */
export interface DnsAnswer {
  address: string;
  /** TTL in whole seconds (written as u32). */
  ttlSeconds: number;
}

/** A gRPC call or stream opened by the plugin. */
export interface GrpcCallRecord {
  /** 5, 9, … for unary calls; 6, 10, … for streams. */
  token: number;
  kind: "call" | "stream";
  /** Cluster name (or the raw `service` argument when it was not a plain cluster name). */
  cluster: string;
  serviceName: string;
  method: string;
  initialMetadata: HeaderList;
  /** Messages sent: the unary request, or each `proxy_grpc_send` on a stream. */
  messages: Uint8Array[];
  /** Unary timeout in ms (0 = none); null for streams. */
  timeoutMs: number | null;
  /** Stream half-closed by the plugin (end_stream send or `proxy_grpc_close`). */
  localClosed: boolean;
  /** Cancelled / reset by the plugin. */
  cancelled: boolean;
  /** Finished (answered, closed by the peer or cancelled). */
  done: boolean;
}
