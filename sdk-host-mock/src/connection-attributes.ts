/**
 * The downstream connection and the upstream of a stream (reference §5.3 "Connection",
 * "Upstream"): `source.*`, `destination.*`, `connection.*` and `upstream.*`, which Envoy reads
 * from the stream's StreamInfo (`expr/context.cc` `PeerWrapper`, `ConnectionWrapper`,
 * `UpstreamWrapper`). In Envoy every HTTP stream and TCP connection has a downstream connection,
 * so these exist in every stream callback (never in a root context, §5.2); the upstream exists
 * only once one was selected.
 *
 * Defaults are deterministic, documented in docs/host-mock-api.md ("Stream attributes"):
 * source `10.0.0.1:<50000 + connection id>` (wrapping after 65535), destination `10.0.0.2:8080`, no TLS
 * (`connection.mtls` false, `connection.requested_server_name` ""), upstream `10.0.0.3:80` with
 * local address `10.0.0.2:<40000 + connection id>`. A test overrides them per plugin
 * (`PluginOptions.connection`) and per stream (`newHttpStream({ connection })`), field by field;
 * the `properties` mechanism still wins over both.
 */
import { uint, type PropertyValue } from "./properties.js";

/** The downstream connection (and upstream) of a stream; every field optional. */
export interface ConnectionOptions {
  /** `source.address` as `"ip:port"` (default `10.0.0.1:<50000 + connection id>`). */
  source?: string;
  /** `destination.address` as `"ip:port"` (default `10.0.0.2:8080`). */
  destination?: string;
  /** `connection.requested_server_name` (SNI; default `""`). */
  requestedServerName?: string;
  /**
   * Downstream TLS version (e.g. `"TLSv1.3"`): the connection is TLS, so `connection.tls_version`
   * exists. Default: plaintext (every TLS-only attribute is NotFound).
   */
  tlsVersion?: string;
  /** The client presented a certificate: `connection.mtls` (needs TLS; default false). */
  mtls?: boolean;
  /** `upstream.address` as `"ip:port"` once the upstream is selected (default `10.0.0.3:80`). */
  upstream?: string;
  /** `upstream.local_address` (default `10.0.0.2:<40000 + connection id>`). */
  upstreamLocal?: string;
}

/** The resolved connection of one stream. @internal */
export interface ConnectionInfo {
  readonly source: string;
  readonly destination: string;
  readonly requestedServerName: string;
  readonly tlsVersion: string | null;
  readonly mtls: boolean;
  readonly upstream: string;
  readonly upstreamLocal: string;
}

/** Port `base + N` for connection N, wrapping from 65535 back to `base + 1` (deterministic). */
function ephemeralPort(base: number, connectionId: number): number {
  return base + 1 + ((connectionId - 1) % (65535 - base));
}

const ADDRESS = /^(?:\[[0-9A-Fa-f:.]+\]|\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/;

function checkAddress(what: string, value: string): string {
  const m = ADDRESS.exec(value);
  if (m === null || Number(m[1]) > 65535)
    throw new TypeError(`connection.${what} must be "ip:port" (got ${JSON.stringify(value)})`);
  return value;
}

/**
 * Merges the plugin's and the stream's connection options over the defaults. @internal
 * @throws TypeError for an address that is not `"ip:port"` (`[v6]:port` for IPv6).
 */
export function resolveConnection(
  connectionId: number,
  plugin: ConnectionOptions | undefined,
  stream: ConnectionOptions | undefined,
): ConnectionInfo {
  const o: ConnectionOptions = { ...plugin, ...stream };
  if (o.mtls && o.tlsVersion === undefined)
    throw new TypeError("connection.mtls needs a TLS connection: also give connection.tlsVersion");
  return {
    source: checkAddress("source", o.source ?? `10.0.0.1:${ephemeralPort(50000, connectionId)}`),
    destination: checkAddress("destination", o.destination ?? "10.0.0.2:8080"),
    requestedServerName: o.requestedServerName ?? "",
    tlsVersion: o.tlsVersion ?? null,
    mtls: o.mtls ?? false,
    upstream: checkAddress("upstream", o.upstream ?? "10.0.0.3:80"),
    upstreamLocal: checkAddress(
      "upstreamLocal",
      o.upstreamLocal ?? `10.0.0.2:${ephemeralPort(40000, connectionId)}`,
    ),
  };
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(":") + 1));
}

/**
 * `source.*`, `destination.*`, `connection.*` and `upstream.*` of a stream (§5.3), or undefined
 * when Envoy has no such value. `upstreamSelected` says whether the stream has an upstream yet;
 * `attemptCount` is the router's attempt count (0 until the request reached the router).
 * @internal
 */
export function connectionAttribute(
  info: ConnectionInfo,
  connectionId: number,
  upstreamSelected: boolean,
  attemptCount: number,
  segs: readonly string[],
): PropertyValue | undefined {
  if (segs.length === 1 && segs[0] === "connection_id") return uint(connectionId);
  if (segs.length !== 2) return undefined;
  const [a, b] = segs;
  if (a === "source" || a === "destination") {
    const address = a === "source" ? info.source : info.destination;
    if (b === "address") return address;
    if (b === "port") return portOf(address);
    return undefined;
  }
  if (a === "connection") {
    switch (b) {
      case "id":
        return uint(connectionId);
      case "mtls":
        return info.mtls;
      case "requested_server_name":
        return info.requestedServerName;
      case "tls_version":
        return info.tlsVersion ?? undefined;
      case "subject_local_certificate":
      case "subject_peer_certificate":
        // Strings Envoy has on any TLS connection ("" without that certificate).
        return info.tlsVersion === null ? undefined : "";
      default:
        return undefined;
    }
  }
  if (a === "upstream") {
    // Envoy: `attemptCount().value_or(0)`, there with or without an upstream.
    if (b === "request_attempt_count") return uint(attemptCount);
    if (!upstreamSelected) return undefined;
    switch (b) {
      case "address":
        return info.upstream;
      case "port":
        return portOf(info.upstream);
      case "local_address":
        return info.upstreamLocal;
      case "transport_failure_reason":
        return "";
      default:
        return undefined;
    }
  }
  return undefined;
}
