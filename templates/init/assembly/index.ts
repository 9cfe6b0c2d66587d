// {{name}}: a Proxy-Wasm HTTP plugin. It reads a greeting from its JSON configuration and adds
// it to every request as `x-greeting`; a request with `x-block: yes` gets a 403 local reply.
// Change it to do your job; `npm test` runs test/plugin.test.mjs against the built module.
import {
  FilterHeadersStatus,
  HttpContext,
  logError,
  logInfo,
  parseJson,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
// The callbacks the host calls: every plugin's entry file re-exports them.
export * from "proxy-wasm-as/assembly/exports";

/** One per configured plugin: holds the configuration and creates a context per request. */
class PluginRoot extends RootContext {
  greeting: string = "hello";

  /** Runs at start and on every configuration change; false rejects the configuration. */
  onConfigure(pluginConfigurationSize: u32): bool {
    const text = this.getPluginConfigurationString();
    if (text.length == 0) return true; // no configuration: keep the defaults
    const parsed = parseJson(text);
    const config = parsed.value;
    if (config === null) {
      logError("{{name}}: configuration is not JSON: " + parsed.error);
      return false;
    }
    const greeting = config.get("greeting");
    if (greeting !== null) {
      if (greeting.kindName() != "string") {
        logError("{{name}}: greeting must be a string");
        return false;
      }
      this.greeting = greeting.asString();
    }
    logInfo("{{name}}: greeting " + this.greeting);
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new Plugin(contextId, this);
  }
}

/** One per HTTP request: override the callbacks you need (each default continues). */
class Plugin extends HttpContext {
  constructor(
    id: u32,
    private readonly config: PluginRoot,
  ) {
    super(id, config);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const block = this.requestHeaders.get("x-block");
    if (block !== null && block == "yes") {
      this.sendLocalResponse(403, "blocked\n", null, "{{name}}_blocked");
      return FilterHeadersStatus.StopAllIterationAndWatermark;
    }
    this.requestHeaders.set("x-greeting", this.config.greeting);
    return FilterHeadersStatus.Continue;
  }
}

// The root id must equal Envoy's `root_id` (Istio: `pluginName`).
registerRootContext((id: u32): RootContext => new PluginRoot(id), "{{name}}");
