/**
 * Envoy header-map semantics (reference §3.4): lower-cased keys, first-value get, add appends a
 * new entry (pseudo-headers after the last pseudo-header), replace = remove all + append one,
 * remove removes all, `host` ≡ `:authority` in request maps, byteSize = Σ key+value bytes.
 */

/** Which Envoy map class a {@link HeaderMap} models; decides the inline header table. */
export type HeaderMapKind =
  "request-headers" | "request-trailers" | "response-headers" | "response-trailers" | "other";

/** A header list as used in the public API. */
export type HeaderList = [string, string][];
/** Header input accepted by the public API. */
export type HeadersInput =
  ReadonlyArray<readonly [string, string]> | Readonly<Record<string, string>>;

const REQ_RESP_INLINE = [
  "connection",
  "content-length",
  "content-type",
  "keep-alive",
  "proxy-connection",
  "proxy-status",
  "transfer-encoding",
  "upgrade",
  "via",
  "x-request-id",
  "x-envoy-decorator-operation",
];

/**
 * Envoy's static inline (O(1)) headers per map class (`header_map.h` INLINE_* lists). For these a
 * second add on an existing entry is comma-appended instead of creating a new entry. Custom
 * inline headers registered by individual Envoy extensions are not modelled.
 */
const INLINE: Record<HeaderMapKind, ReadonlySet<string>> = {
  "request-headers": new Set([
    ...REQ_RESP_INLINE,
    ":authority",
    ":method",
    ":path",
    ":protocol",
    ":scheme",
    "expect",
    "grpc-timeout",
    "te",
    "user-agent",
    "x-client-trace-id",
    "x-forwarded-client-cert",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-envoy-attempt-count",
    "x-envoy-downstream-service-cluster",
    "x-envoy-downstream-service-node",
    "x-envoy-expected-rq-timeout-ms",
    "x-envoy-external-address",
    "x-envoy-force-trace",
    "x-envoy-hedge-on-per-try-timeout",
    "x-envoy-internal",
    "x-envoy-ip-tags",
    "x-envoy-is-timeout-retry",
    "x-envoy-max-retries",
    "x-envoy-original-path",
    "x-envoy-original-url",
    "x-envoy-retriable-header-names",
    "x-envoy-retriable-status-codes",
    "x-envoy-retry-grpc-on",
    "x-envoy-retry-on",
    "x-envoy-upstream-alt-stat-name",
    "x-envoy-upstream-rq-per-try-timeout-ms",
    "x-envoy-upstream-rq-timeout-alt-response",
    "x-envoy-upstream-rq-timeout-ms",
    "x-envoy-upstream-stream-duration-ms",
  ]),
  "response-headers": new Set([
    ...REQ_RESP_INLINE,
    ":status",
    "date",
    "location",
    "server",
    "x-envoy-degraded",
    "x-envoy-immediate-health-check-fail",
    "x-envoy-ratelimited",
    "x-envoy-upstream-canary",
    "x-envoy-upstream-healthchecked-cluster",
    "x-envoy-upstream-service-time",
    "x-envoy-overloaded",
  ]),
  "request-trailers": new Set(),
  "response-trailers": new Set(["grpc-message", "grpc-status"]),
  other: new Set(),
};

const byteLength = (s: string): number => Buffer.byteLength(s, "utf8");

/** Normalizes API input (pairs or a record) into a list of pairs. */
export function headerListFrom(input: HeadersInput): [string, string][] {
  if (Array.isArray(input))
    return (input as ReadonlyArray<readonly [string, string]>).map(([k, v]) => [
      String(k),
      String(v),
    ]);
  return Object.entries(input as Record<string, string>).map(([k, v]) => [k, String(v)]);
}

/** An ordered multi-map of header entries with Envoy semantics. */
export class HeaderMap {
  private entries: [string, string][] = [];

  /**
   * @param kind map class (request maps alias `host` to `:authority`)
   * @param initial entries added with {@link add} semantics, in order
   */
  constructor(
    readonly kind: HeaderMapKind,
    initial: Iterable<readonly [string, string]> = [],
  ) {
    for (const [k, v] of initial) this.add(k, v);
  }

  private canon(key: string): string {
    const k = key.toLowerCase();
    return k === "host" && this.kind === "request-headers" ? ":authority" : k;
  }

  /** Number of entries. */
  get size(): number {
    return this.entries.length;
  }

  /** Envoy `HeaderMap::byteSize()`: sum of key and value lengths in bytes. */
  byteSize(): number {
    let n = 0;
    for (const [k, v] of this.entries) n += byteLength(k) + byteLength(v);
    return n;
  }

  /** First value of `key` (lower-cased; `host` aliases `:authority` in request maps), or null. */
  get(key: string): string | null {
    const k = this.canon(key);
    for (const e of this.entries) if (e[0] === k) return e[1];
    return null;
  }

  /** All values of `key`. */
  getAll(key: string): string[] {
    const k = this.canon(key);
    return this.entries.filter((e) => e[0] === k).map((e) => e[1]);
  }

  /** True if at least one entry has this key. */
  has(key: string): boolean {
    return this.get(key) !== null;
  }

  /**
   * Envoy `addCopy`: appends a new entry (a pseudo-header goes after the last pseudo-header);
   * on an existing inline header the value is appended with `,` instead.
   */
  add(key: string, value: string): void {
    const k = this.canon(key);
    if (INLINE[this.kind].has(k)) {
      const existing = this.entries.find((e) => e[0] === k);
      if (existing) {
        existing[1] = existing[1].length === 0 ? value : `${existing[1]},${value}`;
        return;
      }
    }
    if (k.startsWith(":")) {
      let i = 0;
      while (i < this.entries.length && this.entries[i][0].startsWith(":")) i++;
      this.entries.splice(i, 0, [k, value]);
    } else {
      this.entries.push([k, value]);
    }
  }

  /** Envoy `setCopy`: removes every entry with the key, then adds one. */
  replace(key: string, value: string): void {
    this.remove(key);
    this.add(key, value);
  }

  /** Removes every entry with the key (missing key is fine). */
  remove(key: string): void {
    const k = this.canon(key);
    this.entries = this.entries.filter((e) => e[0] !== k);
  }

  /** Removes everything, then adds the pairs in order (`proxy_set_header_map_pairs`). */
  setAll(pairs: Iterable<readonly [string, string]>): void {
    this.entries = [];
    for (const [k, v] of pairs) this.add(k, v);
  }

  /** A copy of the entries in host order. */
  toList(): HeaderList {
    return this.entries.map(([k, v]) => [k, v]);
  }

  /** A copy of this map. */
  clone(kind: HeaderMapKind = this.kind): HeaderMap {
    const m = new HeaderMap(kind);
    m.entries = this.toList();
    return m;
  }
}
