// header-rules: adds, sets and removes request/response headers as the plugin configuration
// (JSON) says. Example configuration:
//
//   {
//     "request":  { "add": { "x-tenant": "blue" }, "remove": ["x-debug"] },
//     "response": { "set": { "server": "edge" }, "remove": ["x-powered-by"] }
//   }
import {
  FilterHeadersStatus,
  HeaderMap,
  HttpContext,
  JsonValue,
  logError,
  logInfo,
  parseJson,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

/** The edits for one direction (request or response). */
class HeaderEdits {
  add: string[] = []; // name, value, name, value…
  set: string[] = [];
  remove: string[] = [];

  apply(headers: HeaderMap): void {
    for (let i = 0; i < this.remove.length; i++) headers.remove(this.remove[i]);
    for (let i = 0; i < this.set.length; i += 2) headers.set(this.set[i], this.set[i + 1]);
    for (let i = 0; i < this.add.length; i += 2) headers.add(this.add[i], this.add[i + 1]);
  }

  get count(): i32 {
    return (this.add.length + this.set.length) / 2 + this.remove.length;
  }
}

/** Reads `{ "add": {...}, "set": {...}, "remove": [...] }`; returns an error text or "". */
function readEdits(section: JsonValue | null, where: string, edits: HeaderEdits): string {
  if (section === null) return "";
  if (!section.has("add") && !section.has("set") && !section.has("remove")) {
    if (section.keys.length > 0) return where + ": expected 'add', 'set' or 'remove'";
  }
  const objects = ["add", "set"];
  for (let k = 0; k < objects.length; k++) {
    const member = section.get(objects[k]);
    if (member === null) continue;
    const field = where + "." + objects[k];
    if (member.kindName() != "object") return field + " must be an object of strings";
    const target = objects[k] == "add" ? edits.add : edits.set;
    for (let i = 0; i < member.keys.length; i++) {
      const value = member.values[i];
      if (value.kindName() != "string") return field + "." + member.keys[i] + " must be a string";
      target.push(member.keys[i]);
      target.push(value.asString());
    }
  }
  const remove = section.get("remove");
  if (remove !== null) {
    if (remove.kindName() != "array") return where + ".remove must be an array of strings";
    const names = remove.asArray();
    for (let i = 0; i < names.length; i++) {
      if (names[i].kindName() != "string") {
        return where + ".remove[" + i.toString() + "] must be a string";
      }
      edits.remove.push(names[i].asString());
    }
  }
  return "";
}

class HeaderRulesRoot extends RootContext {
  request: HeaderEdits = new HeaderEdits();
  response: HeaderEdits = new HeaderEdits();

  onConfigure(pluginConfigurationSize: u32): bool {
    const parsed = parseJson(this.getPluginConfigurationString());
    const config = parsed.value;
    if (config === null) {
      logError(
        "header-rules: configuration is not JSON: " +
          parsed.error +
          " at " +
          parsed.position.toString(),
      );
      return false;
    }
    const request = new HeaderEdits();
    const response = new HeaderEdits();
    let error = readEdits(config.get("request"), "request", request);
    if (error.length == 0) error = readEdits(config.get("response"), "response", response);
    if (error.length > 0) {
      logError("header-rules: bad configuration: " + error);
      return false;
    }
    this.request = request;
    this.response = response;
    logInfo(
      "header-rules: " +
        request.count.toString() +
        " request and " +
        response.count.toString() +
        " response edits",
    );
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new HeaderRules(contextId, this);
  }
}

class HeaderRules extends HttpContext {
  constructor(
    id: u32,
    private readonly rules: HeaderRulesRoot,
  ) {
    super(id, rules);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    this.rules.request.apply(this.requestHeaders);
    return FilterHeadersStatus.Continue;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    this.rules.response.apply(this.responseHeaders);
    return FilterHeadersStatus.Continue;
  }
}

registerRootContext((id: u32): RootContext => new HeaderRulesRoot(id), "header-rules");
