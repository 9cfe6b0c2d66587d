// cors: answers CORS preflight requests at the proxy and adds CORS and security headers to
// responses (https://fetch.spec.whatwg.org/#http-cors-protocol). Example configuration:
//
//   {
//     "allowedOrigins": ["https://app.example.com", "https://*.example.org"],
//     "allowedMethods": ["GET", "POST", "PUT"],
//     "allowedHeaders": ["content-type", "authorization"],
//     "exposeHeaders": ["x-request-id"],
//     "allowCredentials": true,
//     "maxAgeSeconds": 600,
//     "securityHeaders": { "x-frame-options": "SAMEORIGIN" }
//   }
//
// A preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered with 204 and
// the allowed methods/headers when the origin, method and headers are allowed, else 403; it
// never reaches the upstream. Other requests go through; responses to an allowed origin get
// Access-Control-Allow-Origin (and -Credentials, -Expose-Headers). Every response, local replies
// included, gets the security headers.
import {
  FilterHeadersStatus,
  HeaderPair,
  HttpContext,
  JsonValue,
  logError,
  logInfo,
  parseJson,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

/** Security headers set on every response unless the configuration overrides them. */
const DEFAULT_SECURITY_HEADERS: string[] = [
  "strict-transport-security",
  "max-age=31536000; includeSubDomains",
  "x-content-type-options",
  "nosniff",
  "x-frame-options",
  "DENY",
  "referrer-policy",
  "strict-origin-when-cross-origin",
];

/** Reads an array of strings (`fallback` when absent); null when it is something else. */
function stringList(
  config: JsonValue,
  key: string,
  fallback: string[],
  lower: bool,
): string[] | null {
  const value = config.get(key);
  if (value === null) return fallback;
  if (value.kindName() != "array") return null;
  const items = value.asArray();
  const out = new Array<string>();
  for (let i = 0; i < items.length; i++) {
    if (items[i].kindName() != "string") return null;
    const text = items[i].asString().trim();
    out.push(lower ? text.toLowerCase() : text);
  }
  return out;
}

class CorsRoot extends RootContext {
  origins: string[] = [];
  methods: string[] = [];
  headers: string[] = [];
  expose: string = "";
  credentials: bool = false;
  maxAge: string = "";
  security: string[] = []; // name, value, name, value…

  onConfigure(pluginConfigurationSize: u32): bool {
    const error = this.configure(this.getPluginConfigurationString());
    if (error.length > 0) {
      logError("cors: bad configuration: " + error);
      return false;
    }
    logInfo(
      "cors: " +
        this.origins.length.toString() +
        " origins, methods " +
        this.methods.join(",") +
        ", " +
        (this.security.length / 2).toString() +
        " security headers",
    );
    return true;
  }

  /** Applies the configuration; returns an error text or "". */
  private configure(text: string): string {
    const parsed = parseJson(text);
    const config = parsed.value;
    if (config === null) return "not JSON: " + parsed.error;
    const origins = stringList(config, "allowedOrigins", [], true);
    if (origins === null || origins.length == 0) {
      return 'allowedOrigins must be a non-empty array of origins ("*", "https://a.example", "https://*.example")';
    }
    const methods = stringList(config, "allowedMethods", ["GET", "HEAD", "POST"], false);
    if (methods === null) return "allowedMethods must be an array of strings";
    const headers = stringList(config, "allowedHeaders", [], true);
    if (headers === null) return "allowedHeaders must be an array of strings";
    const expose = stringList(config, "exposeHeaders", [], true);
    if (expose === null) return "exposeHeaders must be an array of strings";
    const credentials = config.get("allowCredentials");
    if (credentials !== null && credentials.kindName() != "boolean") {
      return "allowCredentials must be true or false";
    }
    const allowCredentials = credentials !== null && credentials.asBool();
    // The Fetch standard forbids a literal "*" origin with credentials.
    if (allowCredentials && origins.includes("*")) {
      return 'allowCredentials cannot be combined with the "*" origin';
    }
    const maxAge = config.get("maxAgeSeconds");
    if (maxAge !== null && (maxAge.kindName() != "number" || maxAge.asNumber() < 0)) {
      return "maxAgeSeconds must be a number >= 0";
    }
    const security = DEFAULT_SECURITY_HEADERS.slice(0);
    const overrides = config.get("securityHeaders");
    if (overrides !== null) {
      if (overrides.kindName() != "object") return "securityHeaders must be an object";
      for (let i = 0; i < overrides.keys.length; i++) {
        const name = overrides.keys[i].toLowerCase();
        const value = overrides.values[i];
        // A string sets the header; null turns a default off.
        if (value.kindName() != "string" && !value.isNull()) {
          return "securityHeaders." + name + " must be a string or null";
        }
        const at = security.indexOf(name);
        if (at >= 0 && at % 2 == 0) security.splice(at, 2);
        if (!value.isNull()) {
          security.push(name);
          security.push(value.asString());
        }
      }
    }
    this.origins = origins;
    this.methods = methods;
    this.headers = headers;
    this.expose = expose.join(", ");
    this.credentials = allowCredentials;
    this.maxAge = maxAge === null ? "" : (<i64>maxAge.asNumber()).toString();
    this.security = security;
    return "";
  }

  /** Whether `origin` (lower-cased) is allowed: exact, "*", or "scheme://*.suffix". */
  allows(origin: string): bool {
    for (let i = 0; i < this.origins.length; i++) {
      const allowed = this.origins[i];
      if (allowed == "*" || allowed == origin) return true;
      const star = allowed.indexOf("://*.");
      if (star > 0) {
        const scheme = allowed.substring(0, star + 3);
        const suffix = allowed.substring(star + 4); // ".example.org"
        if (
          origin.startsWith(scheme) &&
          origin.endsWith(suffix) &&
          origin.length > allowed.length - 1
        ) {
          return true;
        }
      }
    }
    return false;
  }

  /** The Access-Control-Allow-Origin value for an allowed origin. */
  allowOriginValue(origin: string): string {
    return this.origins.includes("*") && !this.credentials ? "*" : origin;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new Cors(contextId, this);
  }
}

class Cors extends HttpContext {
  /** The request's Origin when it is allowed ("" otherwise). */
  private allowedOrigin: string = "";

  constructor(
    id: u32,
    private readonly config: CorsRoot,
  ) {
    super(id, config);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const origin = this.requestHeaders.get("origin");
    if (origin === null) return FilterHeadersStatus.Continue;
    const normalized = origin.toLowerCase();
    if (this.config.allows(normalized)) this.allowedOrigin = origin;
    const method = this.requestHeaders.get(":method");
    const requested = this.requestHeaders.get("access-control-request-method");
    if (method === null || method != "OPTIONS" || requested === null) {
      return FilterHeadersStatus.Continue;
    }
    // A preflight: answered here, never forwarded.
    if (this.allowedOrigin.length == 0) return this.refuse("cors_origin_not_allowed");
    if (!this.config.methods.includes(requested)) return this.refuse("cors_method_not_allowed");
    const wanted = this.requestHeaders.get("access-control-request-headers");
    if (wanted !== null) {
      const names = wanted.split(",");
      for (let i = 0; i < names.length; i++) {
        const name = names[i].trim().toLowerCase();
        if (name.length > 0 && !this.config.headers.includes(name)) {
          return this.refuse("cors_header_not_allowed");
        }
      }
    }
    const headers: HeaderPair[] = [
      new HeaderPair("access-control-allow-methods", this.config.methods.join(", ")),
    ];
    if (this.config.headers.length > 0) {
      headers.push(new HeaderPair("access-control-allow-headers", this.config.headers.join(", ")));
    }
    if (this.config.maxAge.length > 0) {
      headers.push(new HeaderPair("access-control-max-age", this.config.maxAge));
    }
    // Allow-Origin, Allow-Credentials and Vary are added by onResponseHeaders, which sees the
    // local reply like any response.
    this.sendLocalResponse(204, "", headers, "cors_preflight");
    return FilterHeadersStatus.StopAllIterationAndWatermark;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const headers = this.responseHeaders;
    const security = this.config.security;
    for (let i = 0; i < security.length; i += 2) headers.set(security[i], security[i + 1]);
    // Responses differ by Origin: caches must key on it.
    headers.add("vary", "Origin");
    if (this.allowedOrigin.length == 0) return FilterHeadersStatus.Continue;
    headers.set("access-control-allow-origin", this.config.allowOriginValue(this.allowedOrigin));
    if (this.config.credentials) headers.set("access-control-allow-credentials", "true");
    if (this.config.expose.length > 0) {
      headers.set("access-control-expose-headers", this.config.expose);
    }
    return FilterHeadersStatus.Continue;
  }

  /** A preflight that is not allowed: 403 without CORS headers, so the browser blocks it. */
  private refuse(details: string): FilterHeadersStatus {
    this.allowedOrigin = "";
    this.sendLocalResponse(403, "CORS preflight refused\n", [], details);
    return FilterHeadersStatus.StopAllIterationAndWatermark;
  }
}

registerRootContext((id: u32): RootContext => new CorsRoot(id), "cors");
