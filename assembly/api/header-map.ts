// A header map as plugin code sees it: a stateless view over one host map. Nothing is copied
// until a method asks for it.
import { MapType, WasmResult } from "../abi/types";
import * as hostcalls from "../hostcalls/header-maps";
import { HeaderPair } from "../util/pairs";

/**
 * One of the host's header maps (request/response headers or trailers, callout or gRPC
 * metadata). Names are case-insensitive: hosts lower-case them.
 *
 * Valid while the host holds the map: request headers from `onRequestHeaders` until the request
 * continues; response headers in `onResponseHeaders`; trailers in their callbacks (or created
 * from the last body callback); read-only in `onLog`. Outside that window reads return null or
 * an empty list and writes return `WasmResult.BadArgument`.
 */
export class HeaderMap {
  /** @param mapType the host map this view reads and writes */
  constructor(public readonly mapType: MapType) {}

  /** First value of `name`, or null when absent or when the map is not available now. */
  // @ts-ignore: decorator
  @inline
  get(name: string): string | null {
    return hostcalls.getHeaderMapValue(this.mapType, name);
  }

  /** True when `name` is present. */
  // @ts-ignore: decorator
  @inline
  has(name: string): bool {
    return hostcalls.getHeaderMapValue(this.mapType, name) !== null;
  }

  /**
   * Every value of `name`, in order (empty when absent or unavailable). In request headers
   * `host` means `:authority`, as Envoy's `get` resolves it.
   */
  getAll(name: string): string[] {
    let wanted = name.toLowerCase();
    if (wanted == "host" && this.mapType == MapType.RequestHeaders) wanted = ":authority";
    const pairs = hostcalls.getHeaderMapPairs(this.mapType);
    const values = new Array<string>();
    for (let i = 0; i < pairs.length; i++) {
      const pair = unchecked(pairs[i]);
      if (pair.name.toLowerCase() == wanted) values.push(pair.value);
    }
    return values;
  }

  /** Every entry in host order, duplicates kept (pseudo-headers first on Envoy). */
  pairs(): HeaderPair[] {
    return hostcalls.getHeaderMapPairs(this.mapType);
  }

  /** Replaces the whole map, pseudo-headers included. */
  setPairs(pairs: HeaderPair[]): WasmResult {
    return hostcalls.setHeaderMapPairs(this.mapType, pairs);
  }

  /** Appends `name: value` even if `name` exists (Envoy comma-joins some inline headers). */
  // @ts-ignore: decorator
  @inline
  add(name: string, value: string): WasmResult {
    return hostcalls.addHeaderMapValue(this.mapType, name, value);
  }

  /** Sets `name` to exactly one value: removes every entry of it, then appends `name: value`. */
  // @ts-ignore: decorator
  @inline
  set(name: string, value: string): WasmResult {
    return hostcalls.replaceHeaderMapValue(this.mapType, name, value);
  }

  /** Removes every entry of `name` (Ok when absent). */
  // @ts-ignore: decorator
  @inline
  remove(name: string): WasmResult {
    return hostcalls.removeHeaderMapValue(this.mapType, name);
  }

  /** Sum of the byte lengths of all names and values (Envoy's byteSize); 0 when unavailable. */
  byteSize(): u32 {
    return hostcalls.getHeaderMapSize(this.mapType);
  }
}

// @lazy: compiled into a plugin only when it uses this (a plain global is always compiled in).
/** Request headers of the current HTTP stream. */
// @ts-ignore: decorator
@lazy
export const requestHeaders = new HeaderMap(MapType.RequestHeaders);
/** Request trailers of the current HTTP stream. */
// @ts-ignore: decorator
@lazy
export const requestTrailers = new HeaderMap(MapType.RequestTrailers);
/** Response headers of the current HTTP stream. */
// @ts-ignore: decorator
@lazy
export const responseHeaders = new HeaderMap(MapType.ResponseHeaders);
/** Response trailers of the current HTTP stream. */
// @ts-ignore: decorator
@lazy
export const responseTrailers = new HeaderMap(MapType.ResponseTrailers);
