// ext-authz: asks an external authorization service about every request, through an HTTP
// callout, and holds the request until it answers:
//   2xx          → the request continues, with the service's chosen headers added;
//   other 1xx–4xx → denied with the service's status and body (e.g. 401, 403);
//   5xx, timeout (Envoy answers 504), reset → fail-closed: `failureStatus` (default 503).
// Example configuration:
//
//   { "cluster": "authz", "authority": "authz.internal", "path": "/check", "timeoutMs": 500,
//     "forwardHeaders": ["authorization"], "upstreamHeaders": ["x-user-id"] }
import {
  CalloutStatus,
  FilterHeadersStatus,
  HeaderPair,
  httpCall,
  HttpCallHandler,
  HttpCallRequest,
  HttpCallResponse,
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

class Settings {
  cluster: string = "";
  authority: string = "";
  path: string = "/check";
  timeoutMs: u32 = 500;
  failureStatus: u32 = 503;
  forwardHeaders: string[] = [];
  upstreamHeaders: string[] = [];
}

/** Reads an optional string field; null (after logging) when it has another type. */
function stringField(config: JsonValue, name: string, fallback: string): string | null {
  const value = config.get(name);
  if (value === null) return fallback;
  if (value.kindName() != "string" || value.asString().length == 0) {
    logError("ext-authz: bad configuration: " + name + " must be a non-empty string");
    return null;
  }
  return value.asString();
}

/** Reads an optional list of header names (lower-cased); null (after logging) when malformed. */
function headerList(config: JsonValue, name: string): string[] | null {
  const out = new Array<string>();
  const value = config.get(name);
  if (value === null) return out;
  if (value.kindName() != "array") {
    logError("ext-authz: bad configuration: " + name + " must be an array of header names");
    return null;
  }
  const items = value.asArray();
  for (let i = 0; i < items.length; i++) {
    if (items[i].kindName() != "string") {
      logError("ext-authz: bad configuration: " + name + "[" + i.toString() + "] must be a string");
      return null;
    }
    out.push(items[i].asString().toLowerCase());
  }
  return out;
}

/** Reads an optional integer field in [min, max]; -1 (after logging) when out of range. */
function intField(config: JsonValue, name: string, fallback: i64, min: i64, max: i64): i64 {
  const value = config.get(name);
  if (value === null) return fallback;
  const number = value.asNumber(-1);
  if (
    value.kindName() != "number" ||
    number != Math.floor(number) ||
    number < <f64>min ||
    number > <f64>max
  ) {
    logError(
      "ext-authz: bad configuration: " +
        name +
        " must be an integer from " +
        min.toString() +
        " to " +
        max.toString(),
    );
    return -1;
  }
  return <i64>number;
}

function parseSettings(text: string): Settings | null {
  const parsed = parseJson(text);
  const config = parsed.value;
  if (config === null || config.kindName() != "object") {
    logError(
      "ext-authz: configuration must be a JSON object" +
        (config === null ? ": " + parsed.error : ""),
    );
    return null;
  }
  const settings = new Settings();
  const cluster = stringField(config, "cluster", "");
  if (cluster === null || cluster.length == 0) {
    if (cluster !== null) logError("ext-authz: bad configuration: cluster is required");
    return null;
  }
  settings.cluster = cluster;
  const authority = stringField(config, "authority", cluster);
  const path = stringField(config, "path", "/check");
  if (authority === null || path === null) return null;
  settings.authority = authority;
  settings.path = path;
  const timeout = intField(config, "timeoutMs", 500, 1, 60000);
  const failureStatus = intField(config, "failureStatus", 503, 400, 599);
  if (timeout < 0 || failureStatus < 0) return null;
  settings.timeoutMs = <u32>timeout;
  settings.failureStatus = <u32>failureStatus;
  const forward = headerList(config, "forwardHeaders");
  const upstream = headerList(config, "upstreamHeaders");
  if (forward === null || upstream === null) return null;
  settings.forwardHeaders = forward;
  settings.upstreamHeaders = upstream;
  return settings;
}

class ExtAuthzRoot extends RootContext {
  settings: Settings = new Settings();

  onConfigure(size: u32): bool {
    const settings = parseSettings(this.getPluginConfigurationString());
    if (settings === null) return false;
    this.settings = settings;
    logInfo("ext-authz: checking with cluster " + settings.cluster + ", path " + settings.path);
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new AuthorizedRequest(contextId, this);
  }
}

/** The service's verdict, delivered to the request that asked (as the effective context). */
class Verdict extends HttpCallHandler<AuthorizedRequest> {
  onResponse(request: AuthorizedRequest, response: HttpCallResponse): void {
    const status = response.status;
    if (status >= 200 && status < 300) {
      request.allow(response);
    } else if (status >= 100 && status < 500) {
      const contentType = response.headers.get("content-type");
      request.sendLocalResponse(
        status,
        response.bodyString(),
        contentType === null ? null : [new HeaderPair("content-type", contentType)],
        "ext_authz_denied",
      );
    } else {
      // Envoy answers a timeout with 504 and an unreachable service with 503 (reference §6.7).
      const body = response.bodyString();
      request.failClosed("status " + status.toString() + (body.length > 0 ? " " + body : ""));
    }
  }

  onFailure(request: AuthorizedRequest, failure: CalloutStatus): void {
    request.failClosed(failure.message.length > 0 ? failure.message : "call failed");
  }
}

const verdict = new Verdict();

class AuthorizedRequest extends HttpContext {
  constructor(
    id: u32,
    private readonly config: ExtAuthzRoot,
  ) {
    super(id, config);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const settings = this.config.settings;
    const method = this.requestHeaders.get(":method");
    const path = this.requestHeaders.get(":path");
    const check = HttpCallRequest.get(settings.authority, settings.path)
      .addHeader("x-original-method", method === null ? "" : method)
      .addHeader("x-original-path", path === null ? "" : path)
      .setTimeout(settings.timeoutMs);
    for (let i = 0; i < settings.forwardHeaders.length; i++) {
      const name = settings.forwardHeaders[i];
      const value = this.requestHeaders.get(name);
      if (value !== null) check.addHeader(name, value);
    }
    const result = httpCall(this, settings.cluster, check, verdict);
    if (result != WasmResult.Ok) {
      this.failClosed("callout not started: " + result.toString());
    }
    // Hold the request (headers and body) until the verdict (pitfall C3).
    return FilterHeadersStatus.StopAllIterationAndWatermark;
  }

  /** Lets the request go on, with the headers the service chose for the upstream. */
  allow(response: HttpCallResponse): void {
    const names = this.config.settings.upstreamHeaders;
    for (let i = 0; i < names.length; i++) {
      const value = response.headers.get(names[i]);
      // A client-sent copy is never trusted: replaced or removed.
      if (value !== null) this.requestHeaders.set(names[i], value);
      else this.requestHeaders.remove(names[i]);
    }
    this.continueRequest();
  }

  /** The service could not decide: reject rather than let the request through unchecked. */
  failClosed(reason: string): void {
    logWarn("ext-authz: authorization unavailable (" + reason + "); rejecting");
    this.sendLocalResponse(
      this.config.settings.failureStatus,
      "authorization unavailable",
      null,
      "ext_authz_error",
    );
  }
}

registerRootContext((id: u32): RootContext => new ExtAuthzRoot(id), "ext-authz");
