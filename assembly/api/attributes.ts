// Typed Envoy attributes (reference §5.2, §5.3): each getter reads one property and decodes it
// with Envoy's encoding — strings as UTF-8, int/uint/duration/timestamp as 8 bytes LE, bool as
// one byte, maps as pairs. Nothing is read until a getter is called; paths are string literals
// encoded once per VM.
//
// Absent values: strings and objects return null; numbers return the given fallback (-1 unless
// stated), because AssemblyScript has no nullable numbers; `lastResult()` then tells NotFound
// (absent or unavailable in this phase) from SerializationFailure / InternalFailure.
import { getPropertyJoined } from "../hostcalls/properties";
import { decodePairsBuffer, HeaderPair } from "../util/pairs";
import {
  decodeBool,
  decodeFloat64,
  decodeInt64,
  decodeString,
  decodeUint64,
} from "../util/property-path";

/**
 * Request attributes. Valid in HTTP stream callbacks. The header-derived ones (`path`, `urlPath`,
 * `host`, `scheme`, `method`, `headers`, `header`, `id`, `referer`, `userAgent`, `query`) only while
 * the request headers are held (from `onRequestHeaders` until the request continues) and in
 * `onLog`; elsewhere they are null (NotFound). `protocol`, `time`, `size` work in every stream
 * callback.
 */
export class Request {
  /** `:path` with the query, e.g. "/api/users?id=1". */
  static path(): string | null {
    return decodeString(getPropertyJoined("request\0path"));
  }
  /** The path without the query, e.g. "/api/users". */
  static urlPath(): string | null {
    return decodeString(getPropertyJoined("request\0url_path"));
  }
  /** The query without `?` ("" when none). */
  static query(): string | null {
    return decodeString(getPropertyJoined("request\0query"));
  }
  /** `:authority`. */
  static host(): string | null {
    return decodeString(getPropertyJoined("request\0host"));
  }
  /** `:scheme`, e.g. "https". */
  static scheme(): string | null {
    return decodeString(getPropertyJoined("request\0scheme"));
  }
  /** `:method`, e.g. "GET". */
  static method(): string | null {
    return decodeString(getPropertyJoined("request\0method"));
  }
  /** `x-request-id`. */
  static id(): string | null {
    return decodeString(getPropertyJoined("request\0id"));
  }
  /** `referer`. */
  static referer(): string | null {
    return decodeString(getPropertyJoined("request\0referer"));
  }
  /** `user-agent`. */
  static userAgent(): string | null {
    return decodeString(getPropertyJoined("request\0useragent"));
  }
  /** "HTTP/1.0", "HTTP/1.1", "HTTP/2" or "HTTP/3". */
  static protocol(): string | null {
    return decodeString(getPropertyJoined("request\0protocol"));
  }
  /** One request header (repeated values comma-joined, as Envoy's attribute map does), or null. */
  static header(name: string): string | null {
    return decodeString(getPropertyJoined("request\0headers\0" + name.toLowerCase()));
  }
  /** Every request header as pairs (an empty list when unavailable). */
  static headers(): HeaderPair[] {
    const bytes = getPropertyJoined("request\0headers");
    return bytes === null ? new Array<HeaderPair>() : decodePairsBuffer(bytes);
  }
  /** Time of the first byte, in nanoseconds since the epoch; `fallback` when absent. */
  static timeNanos(fallback: i64 = -1): i64 {
    return decodeInt64(getPropertyJoined("request\0time"), fallback);
  }
  /** Request body size: `content-length` when present, else bytes received; `fallback` when absent. */
  static size(fallback: i64 = -1): i64 {
    return decodeInt64(getPropertyJoined("request\0size"), fallback);
  }
  /** Headers plus body size; only after completion (`onLog`). */
  static totalSize(fallback: i64 = -1): i64 {
    return decodeInt64(getPropertyJoined("request\0total_size"), fallback);
  }
  /** Time from the first byte to completion, in nanoseconds; only in `onLog`. */
  static durationNanos(fallback: i64 = -1): i64 {
    return decodeInt64(getPropertyJoined("request\0duration"), fallback);
  }
}

/**
 * Response attributes. `code` exists once response headers arrived (or a local reply was
 * decided); `codeDetails`, `flags`, `size` and `grpcStatus` are complete in `onLog`.
 */
export class Response {
  /** HTTP status code; `fallback` when there is none yet. */
  static code(fallback: i64 = -1): i64 {
    return decodeInt64(getPropertyJoined("response\0code"), fallback);
  }
  /** Envoy's response code details, e.g. "via_upstream". */
  static codeDetails(): string | null {
    return decodeString(getPropertyJoined("response\0code_details"));
  }
  /** Envoy's response flags bitmask (0 = none); `fallback` when absent. */
  static flags(fallback: i64 = -1): i64 {
    return decodeInt64(getPropertyJoined("response\0flags"), fallback);
  }
  /** gRPC status of a gRPC response; `fallback` when absent. */
  static grpcStatus(fallback: i64 = -1): i64 {
    return decodeInt64(getPropertyJoined("response\0grpc_status"), fallback);
  }
  /** Response body size in bytes; `fallback` when absent. */
  static size(fallback: i64 = -1): i64 {
    return decodeInt64(getPropertyJoined("response\0size"), fallback);
  }
  /** One response header (comma-joined), while response headers are held or in `onLog`. */
  static header(name: string): string | null {
    return decodeString(getPropertyJoined("response\0headers\0" + name.toLowerCase()));
  }
}

/** The downstream peer (client) of the connection. Valid in HTTP and TCP stream callbacks. */
export class Source {
  /** "ip:port" of the client. */
  static address(): string | null {
    return decodeString(getPropertyJoined("source\0address"));
  }
  /** The client port; `fallback` when absent. */
  static port(fallback: i64 = -1): i64 {
    return decodeInt64(getPropertyJoined("source\0port"), fallback);
  }
}

/** The local address the connection was accepted on. Valid in HTTP and TCP stream callbacks. */
export class Destination {
  /** "ip:port" of the listener side. */
  static address(): string | null {
    return decodeString(getPropertyJoined("destination\0address"));
  }
  /** The local port; `fallback` when absent. */
  static port(fallback: i64 = -1): i64 {
    return decodeInt64(getPropertyJoined("destination\0port"), fallback);
  }
}

/** The downstream connection. Valid in HTTP and TCP stream callbacks. */
export class Connection {
  /** Envoy's connection id; `fallback` when absent. */
  static id(fallback: u64 = 0): u64 {
    return decodeUint64(getPropertyJoined("connection\0id"), fallback);
  }
  /** True when the client presented a verified certificate (mutual TLS); `fallback` when absent. */
  static mtls(fallback: bool = false): bool {
    return decodeBool(getPropertyJoined("connection\0mtls"), fallback);
  }
  /** SNI the client asked for. */
  static requestedServerName(): string | null {
    return decodeString(getPropertyJoined("connection\0requested_server_name"));
  }
  /** TLS version, e.g. "TLSv1.3". */
  static tlsVersion(): string | null {
    return decodeString(getPropertyJoined("connection\0tls_version"));
  }
}

/** The upstream (backend) connection; exists once a host was selected. */
export class Upstream {
  /** "ip:port" of the upstream host. */
  static address(): string | null {
    return decodeString(getPropertyJoined("upstream\0address"));
  }
  /** The upstream port; `fallback` when absent. */
  static port(fallback: i64 = -1): i64 {
    return decodeInt64(getPropertyJoined("upstream\0port"), fallback);
  }
}

/** This plugin's identity. Valid in every callback (root and stream), not in top-level code. */
export class PluginInfo {
  /** The filter's configured `name`. */
  static name(): string | null {
    return decodeString(getPropertyJoined("plugin_name"));
  }
  /** The `root_id` this plugin instance was configured with. */
  static rootId(): string | null {
    return decodeString(getPropertyJoined("plugin_root_id"));
  }
  /** The `vm_id` (also the shared-data namespace). */
  static vmId(): string | null {
    return decodeString(getPropertyJoined("plugin_vm_id"));
  }
}

/**
 * xDS names. `nodeId`/`nodeCluster` work in root contexts too (reference §5.2); the others need
 * a stream (route and cluster once the route is resolved). These are the `xds.*` attributes of
 * current Envoy; the old top-level names (`node`, `cluster_name`, `route_name`) of Envoy
 * releases before them are not tried.
 */
export class Xds {
  /** The node id of this proxy (`xds.node.id`). */
  static nodeId(): string | null {
    return decodeString(getPropertyJoined("xds\0node\0id"));
  }
  /** The node's cluster (`xds.node.cluster`). */
  static nodeCluster(): string | null {
    return decodeString(getPropertyJoined("xds\0node\0cluster"));
  }
  /** Name of the upstream cluster of the route. */
  static clusterName(): string | null {
    return decodeString(getPropertyJoined("xds\0cluster_name"));
  }
  /** Name of the matched route. */
  static routeName(): string | null {
    return decodeString(getPropertyJoined("xds\0route_name"));
  }
  /** Name of the matched filter chain. */
  static filterChainName(): string | null {
    return decodeString(getPropertyJoined("xds\0filter_chain_name"));
  }
}

/** Where a metadata lookup reads (each is an Envoy `Metadata` with `filter_metadata`). */
export enum MetadataSource {
  /** Dynamic metadata of the stream (`metadata`). */
  Dynamic = 0,
  /** The matched route's metadata (`xds.route_metadata`). */
  Route = 1,
  /** The upstream cluster's metadata (`xds.cluster_metadata`). */
  Cluster = 2,
  /** The listener's metadata (`xds.listener_metadata`). */
  Listener = 3,
  /** The selected upstream host's metadata (`xds.upstream_host_metadata`). */
  UpstreamHost = 4,
}

function metadataPath(source: MetadataSource, namespace: string, key: string): string {
  let prefix = "metadata";
  if (source == MetadataSource.Route) prefix = "xds\0route_metadata";
  else if (source == MetadataSource.Cluster) prefix = "xds\0cluster_metadata";
  else if (source == MetadataSource.Listener) prefix = "xds\0listener_metadata";
  else if (source == MetadataSource.UpstreamHost) prefix = "xds\0upstream_host_metadata";
  return prefix + "\0filter_metadata\0" + namespace + "\0" + key;
}

/**
 * Metadata lookups: `filter_metadata[namespace][key]` of a `MetadataSource`. Struct values follow
 * CEL's mapping (reference §5.3): string → string, number → double, bool → bool. Valid in stream
 * callbacks.
 */
export class Metadata {
  /** A string value, or null. */
  static getString(source: MetadataSource, namespace: string, key: string): string | null {
    return decodeString(getPropertyJoined(metadataPath(source, namespace, key)));
  }
  /** A number value, or `fallback`. */
  static getNumber(
    source: MetadataSource,
    namespace: string,
    key: string,
    fallback: f64 = NaN,
  ): f64 {
    return decodeFloat64(getPropertyJoined(metadataPath(source, namespace, key)), fallback);
  }
  /** A bool value, or `fallback`. */
  static getBool(
    source: MetadataSource,
    namespace: string,
    key: string,
    fallback: bool = false,
  ): bool {
    return decodeBool(getPropertyJoined(metadataPath(source, namespace, key)), fallback);
  }
}
