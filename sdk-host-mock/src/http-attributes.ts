/**
 * The stream attributes of an HTTP stream (reference §5.3): `request.*`, `response.*`,
 * derived from the stream's headers, sizes and timing, and visible only while
 * Envoy would expose them (headers while held by the plugin, sizes and duration in the log phase).
 * The connection's attributes (`source.*`, `connection.*`, `upstream.*`) are in
 * `connection-attributes.ts`.
 */
import type { HeaderMap } from "./header-map.js";
import type { HttpStream } from "./http-stream.js";
import { defineOwn, duration, timestamp, type PropertyValue } from "./properties.js";

/** @internal Stream attributes (§5.3). */
export function streamAttribute(s: HttpStream, segs: string[]): PropertyValue | undefined {
  const [a, b, c] = segs;
  if (a === "request") {
    const h = s.inLogPhase || s.req.headersHeld ? s.req.headers : null;
    const path = h?.get(":path") ?? null;
    if (segs.length === 3 && b === "headers") return h ? joined(h, c) : undefined;
    if (segs.length !== 2) return undefined;
    switch (b) {
      case "path":
        return path ?? undefined;
      case "url_path":
        return path === null ? undefined : path.split("?")[0];
      case "query":
        return path === null
          ? undefined
          : path.includes("?")
            ? path.slice(path.indexOf("?") + 1)
            : "";
      case "host":
        return h?.get(":authority") ?? undefined;
      case "scheme":
        return h?.get(":scheme") ?? undefined;
      case "method":
        return h?.get(":method") ?? undefined;
      case "referer":
        return h?.get("referer") ?? undefined;
      case "useragent":
        return h?.get("user-agent") ?? undefined;
      case "id":
        return h?.get("x-request-id") ?? undefined;
      case "headers":
        return h ? headerObject(h) : undefined;
      case "protocol":
        return s.protocol;
      case "time":
        return timestamp(s.startNs);
      case "duration":
        return s.completed || s.inLogPhase
          ? duration(s.plugin.host.nowNanos - s.startNs)
          : undefined;
      case "size": {
        const cl = s.req.headers?.get("content-length");
        return cl !== null && cl !== undefined && /^\d+$/.test(cl)
          ? Number(cl)
          : s.req.bytesReceived;
      }
      case "total_size":
        return s.inLogPhase ? (s.req.headers?.byteSize() ?? 0) + s.req.bytesReceived : undefined;
      default:
        return undefined;
    }
  }
  if (a === "response") {
    const h = s.inLogPhase || s.res.headersHeld ? s.res.headers : null;
    const t = s.inLogPhase || s.res.trailersHeld ? s.res.trailers : null;
    if (segs.length === 3 && b === "headers") return h ? joined(h, c) : undefined;
    if (segs.length === 3 && b === "trailers") return t ? joined(t, c) : undefined;
    if (segs.length !== 2) return undefined;
    switch (b) {
      case "code":
        return s.responseCode ?? undefined;
      case "code_details":
        return s.responseCodeDetails ?? undefined;
      case "flags":
        return 0;
      case "grpc_status": {
        const g = s.res.trailers?.get("grpc-status") ?? s.res.headers?.get("grpc-status") ?? null;
        return g !== null && /^\d+$/.test(g) ? Number(g) : undefined;
      }
      case "headers":
        return h ? headerObject(h) : undefined;
      case "trailers":
        return t ? headerObject(t) : undefined;
      case "size":
        return s.res.bytesReceived;
      case "total_size":
        return s.inLogPhase ? (s.res.headers?.byteSize() ?? 0) + s.res.bytesReceived : undefined;
      default:
        return undefined;
    }
  }
  return undefined;
}

function joined(map: HeaderMap, key: string): string | undefined {
  const all = map.getAll(key);
  return all.length === 0 ? undefined : all.join(",");
}

/** Header map as a CEL map value (multi-values comma-joined); any header name is an own key. */
function headerObject(map: HeaderMap): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of map.toList())
    defineOwn(out, k, Object.hasOwn(out, k) ? `${out[k]},${v}` : v);
  return out;
}
