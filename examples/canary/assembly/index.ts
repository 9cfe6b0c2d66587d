// canary: sends a share of the traffic to the canary version. The plugin picks the track of
// each request and writes it to `routeHeader`, which Envoy's routes match on; then it calls
// Envoy's `clear_route_cache` foreign function so the route is chosen again with the new header.
//   `header: always|true|1` → canary, `header: never|false|0` → stable (opt in / out);
//   otherwise `percent` % of users, by a stable hash of `hashHeader` (no such header: stable).
// Example configuration:
//
//   { "header": "x-canary", "percent": 10, "hashHeader": "x-user-id",
//     "routeHeader": "x-route-target" }
import {
  clearRouteCache,
  FilterHeadersStatus,
  HttpContext,
  JsonValue,
  logError,
  logInfo,
  logWarn,
  parseJson,
  registerRootContext,
  RootContext,
  WasmResult,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

const CANARY = "canary";
const STABLE = "stable";

/** FNV-1a, 32 bits: a stable hash, so a user stays on one track across requests and workers. */
function fnv1a(text: string): u32 {
  const bytes = Uint8Array.wrap(String.UTF8.encode(text));
  let hash: u32 = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i];
    hash *= 0x01000193;
  }
  return hash;
}

function headerName(config: JsonValue, name: string, fallback: string): string | null {
  const value = config.get(name);
  if (value === null) return fallback;
  if (value.kindName() != "string" || value.asString().length == 0) {
    logError("canary: bad configuration: " + name + " must be a header name");
    return null;
  }
  return value.asString().toLowerCase();
}

class CanaryRoot extends RootContext {
  header: string = "x-canary";
  hashHeader: string = "x-user-id";
  routeHeader: string = "x-route-target";
  percent: u32 = 0;
  warnedRouteCache: bool = false;

  onConfigure(size: u32): bool {
    const config = parseJson(this.getPluginConfigurationString()).value;
    if (config === null || config.kindName() != "object") {
      logError("canary: configuration must be a JSON object");
      return false;
    }
    const header = headerName(config, "header", "x-canary");
    const hashHeader = headerName(config, "hashHeader", "x-user-id");
    const routeHeader = headerName(config, "routeHeader", "x-route-target");
    if (header === null || hashHeader === null || routeHeader === null) return false;
    let percent: f64 = 0;
    const value = config.get("percent");
    if (value !== null) {
      percent = value.asNumber(-1);
      if (
        value.kindName() != "number" ||
        percent != Math.floor(percent) ||
        percent < 0 ||
        percent > 100
      ) {
        logError("canary: bad configuration: percent must be an integer from 0 to 100");
        return false;
      }
    }
    this.header = header;
    this.hashHeader = hashHeader;
    this.routeHeader = routeHeader;
    this.percent = <u32>percent;
    logInfo(
      "canary: " + this.percent.toString() + "% by " + hashHeader + ", opt in/out with " + header,
    );
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new RoutedRequest(contextId, this);
  }

  /** The track of a request: the opt-in header first, then the user's hash bucket. */
  track(optIn: string | null, user: string | null): string {
    if (optIn !== null) {
      const choice = optIn.toLowerCase();
      if (choice == "always" || choice == "true" || choice == "1") return CANARY;
      if (choice == "never" || choice == "false" || choice == "0") return STABLE;
    }
    if (user === null || this.percent == 0) return STABLE;
    return fnv1a(user) % 100 < this.percent ? CANARY : STABLE;
  }
}

class RoutedRequest extends HttpContext {
  constructor(
    id: u32,
    private readonly config: CanaryRoot,
  ) {
    super(id, config);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const config = this.config;
    const track = config.track(
      this.requestHeaders.get(config.header),
      this.requestHeaders.get(config.hashHeader),
    );
    // Also overwrites a client-sent route header: clients choose only through `header`.
    this.requestHeaders.set(config.routeHeader, track);
    const result = clearRouteCache();
    if (result != WasmResult.Ok && !config.warnedRouteCache) {
      config.warnedRouteCache = true;
      logWarn(
        "canary: clear_route_cache failed (" +
          result.toString() +
          "); routes may ignore " +
          config.routeHeader,
      );
    }
    return FilterHeadersStatus.Continue;
  }
}

registerRootContext((id: u32): RootContext => new CanaryRoot(id), "canary");
