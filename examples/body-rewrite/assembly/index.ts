// body-rewrite: replaces text in response bodies of the configured content types. The body is
// buffered until the end of the stream, rewritten whole, and content-length is dropped (the
// length changes; the proxy re-frames the body). Example configuration:
//
//   { "replace": { "internal.example.com": "api.example.com" }, "contentTypes": ["text/", "application/json"] }
import {
  FilterDataStatus,
  FilterHeadersStatus,
  HttpContext,
  logError,
  logInfo,
  parseJson,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

class RewriteRoot extends RootContext {
  from: string[] = [];
  to: string[] = [];
  contentTypes: string[] = ["text/"];

  onConfigure(pluginConfigurationSize: u32): bool {
    const parsed = parseJson(this.getPluginConfigurationString());
    const config = parsed.value;
    if (config === null) {
      logError("body-rewrite: configuration is not JSON: " + parsed.error);
      return false;
    }
    const replace = config.get("replace");
    if (replace === null || replace.kindName() != "object") {
      logError("body-rewrite: bad configuration: replace must be an object of from → to");
      return false;
    }
    const from = new Array<string>();
    const to = new Array<string>();
    for (let i = 0; i < replace.keys.length; i++) {
      if (replace.keys[i].length == 0 || replace.values[i].kindName() != "string") {
        logError(
          "body-rewrite: bad configuration: replace." +
            replace.keys[i] +
            " must be a non-empty key with a string value",
        );
        return false;
      }
      from.push(replace.keys[i]);
      to.push(replace.values[i].asString());
    }
    const types = config.get("contentTypes");
    if (types !== null) {
      if (types.kindName() != "array") {
        logError("body-rewrite: bad configuration: contentTypes must be an array of strings");
        return false;
      }
      const list = new Array<string>();
      const items = types.asArray();
      for (let i = 0; i < items.length; i++) {
        if (items[i].kindName() != "string") {
          logError(
            "body-rewrite: bad configuration: contentTypes[" + i.toString() + "] must be a string",
          );
          return false;
        }
        list.push(items[i].asString());
      }
      this.contentTypes = list;
    }
    this.from = from;
    this.to = to;
    logInfo("body-rewrite: " + from.length.toString() + " replacements");
    return true;
  }

  rewrite(text: string): string {
    for (let i = 0; i < this.from.length; i++) text = text.replaceAll(this.from[i], this.to[i]);
    return text;
  }

  matches(contentType: string): bool {
    for (let i = 0; i < this.contentTypes.length; i++) {
      if (contentType.startsWith(this.contentTypes[i])) return true;
    }
    return false;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new BodyRewrite(contextId, this);
  }
}

class BodyRewrite extends HttpContext {
  private active: bool = false;

  constructor(
    id: u32,
    private readonly config: RewriteRoot,
  ) {
    super(id, config);
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const contentType = this.responseHeaders.get("content-type");
    this.active = !endOfStream && contentType !== null && this.config.matches(contentType);
    if (this.active) this.responseHeaders.remove("content-length");
    return FilterHeadersStatus.Continue;
  }

  onResponseBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    if (!this.active) return FilterDataStatus.Continue;
    if (!endOfStream) return FilterDataStatus.StopIterationAndBuffer;
    const body = this.responseBody.readString(0, bodySize);
    const rewritten = this.config.rewrite(body);
    if (rewritten != body) this.responseBody.setString(rewritten);
    return FilterDataStatus.Continue;
  }
}

registerRootContext((id: u32): RootContext => new RewriteRoot(id), "body-rewrite");
