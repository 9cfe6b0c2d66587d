// api-key: lets a request through only if it carries a known API key. Unknown or missing keys
// get a 401 local reply; the key is removed before the request goes upstream and the matching
// client name is passed on instead. Example configuration:
//
//   { "header": "x-api-key", "keys": { "k-123": "mobile-app", "k-456": "partner" } }
import {
  FilterHeadersStatus,
  HeaderPair,
  HttpContext,
  logError,
  logInfo,
  parseJson,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

class ApiKeyRoot extends RootContext {
  header: string = "x-api-key";
  keys: Map<string, string> = new Map<string, string>();

  onConfigure(pluginConfigurationSize: u32): bool {
    const parsed = parseJson(this.getPluginConfigurationString());
    const config = parsed.value;
    if (config === null) {
      logError("api-key: configuration is not JSON: " + parsed.error);
      return false;
    }
    const header = config.get("header");
    if (header !== null && header.kindName() != "string") {
      logError("api-key: bad configuration: header must be a string");
      return false;
    }
    const keys = config.get("keys");
    if (keys === null || keys.kindName() != "object" || keys.keys.length == 0) {
      logError("api-key: bad configuration: keys must be a non-empty object of key → client name");
      return false;
    }
    const table = new Map<string, string>();
    for (let i = 0; i < keys.keys.length; i++) {
      const client = keys.values[i];
      if (client.kindName() != "string") {
        logError("api-key: bad configuration: keys." + keys.keys[i] + " must be a string");
        return false;
      }
      table.set(keys.keys[i], client.asString());
    }
    if (header !== null) this.header = header.asString().toLowerCase();
    this.keys = table;
    logInfo("api-key: " + table.size.toString() + " keys, header " + this.header);
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new ApiKeyCheck(contextId, this);
  }
}

class ApiKeyCheck extends HttpContext {
  constructor(
    id: u32,
    private readonly config: ApiKeyRoot,
  ) {
    super(id, config);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const key = this.requestHeaders.get(this.config.header);
    if (key === null || !this.config.keys.has(key)) {
      this.sendLocalResponse(
        401,
        '{"error":"unauthorized"}',
        [
          new HeaderPair("content-type", "application/json"),
          new HeaderPair("www-authenticate", 'ApiKey header="' + this.config.header + '"'),
        ],
        key === null ? "api_key_missing" : "api_key_unknown",
      );
      return FilterHeadersStatus.StopAllIterationAndWatermark;
    }
    this.requestHeaders.remove(this.config.header);
    this.requestHeaders.set("x-client", this.config.keys.get(key));
    return FilterHeadersStatus.Continue;
  }
}

registerRootContext((id: u32): RootContext => new ApiKeyRoot(id), "api-key");
