// json-redact: replaces the values of sensitive JSON fields (at any depth) in response bodies —
// and optionally request bodies — before they leave the proxy. The body is buffered until its
// end (with a size cap), parsed, redacted and written back whole; content-length is removed in
// the headers phase because the length changes. Example configuration:
//
//   { "fields": ["password", "ssn"], "replacement": "[redacted]", "maxBodyBytes": 65536,
//     "requests": false }
//
// A request body over the cap gets 413. A response over the cap is answered 502 when its
// content-length announces it, and reset when it grows past the cap while streaming: a
// redaction filter must not let an unredacted body through.
import {
  BodyDirection,
  BodyState,
  BufferedBody,
  configAccepted,
  Counter,
  CounterFamily,
  FilterDataStatus,
  FilterHeadersStatus,
  HttpContext,
  JsonKind,
  JsonValue,
  jsonString,
  logWarn,
  readPluginConfig,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

const redacted = new Counter("json_redact_fields_total");
const skipped = new CounterFamily("json_redact_skipped_total", ["reason"]);

class RedactRoot extends RootContext {
  fields: Set<string> = new Set<string>();
  replacement: string = "[redacted]";
  maxBodyBytes: u32 = 1 << 20;
  requests: bool = false;

  onConfigure(size: u32): bool {
    const cfg = readPluginConfig();
    const fields = cfg.stringArray("fields");
    if (fields.length == 0 && cfg.ok) cfg.fail("fields", "must list at least one field name");
    const replacement = cfg.string("replacement", "[redacted]");
    const maxBodyBytes = cfg.integer("maxBodyBytes", 1 << 20, 1, 64 << 20);
    const requests = cfg.bool("requests", false);
    if (!configAccepted(cfg)) return false;
    skipped.with(["invalid_json"]); // known series: defined in this root callback (M5)
    skipped.with(["too_large"]);
    const set = new Set<string>();
    for (let i = 0; i < fields.length; i++) set.add(fields[i]);
    this.fields = set;
    this.replacement = replacement;
    this.maxBodyBytes = <u32>maxBodyBytes;
    this.requests = requests;
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new Redactor(contextId, this);
  }

  /** Replaces every member named in `fields`, at any depth; returns how many. */
  redact(value: JsonValue): i32 {
    let count = 0;
    if (value.kind == JsonKind.Object) {
      for (let i = 0; i < value.keys.length; i++) {
        if (this.fields.has(value.keys[i])) {
          value.values[i] = jsonString(this.replacement);
          count++;
        } else {
          count += this.redact(value.values[i]);
        }
      }
    } else if (value.kind == JsonKind.Array) {
      for (let i = 0; i < value.items.length; i++) count += this.redact(value.items[i]);
    }
    return count;
  }
}

/** True for `application/json` and `application/<x>+json` (parameters ignored). */
function isJson(contentType: string | null): bool {
  if (contentType === null) return false;
  const semi = contentType.indexOf(";");
  const type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase();
  return type == "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

class Redactor extends HttpContext {
  private request: BufferedBody;
  private response: BufferedBody;
  private redactRequest: bool = false;
  private redactResponse: bool = false;

  constructor(
    id: u32,
    private readonly config: RedactRoot,
  ) {
    super(id, config);
    this.request = new BufferedBody(BodyDirection.Request, config.maxBodyBytes);
    this.response = new BufferedBody(BodyDirection.Response, config.maxBodyBytes);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    if (!this.config.requests || !isJson(this.requestHeaders.get("content-type"))) {
      return FilterHeadersStatus.Continue;
    }
    this.redactRequest = true;
    const status = this.request.onHeaders(endOfStream);
    if (this.request.state == BodyState.TooLarge) skipped.with(["too_large"]).increment();
    return status;
  }

  onRequestBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    if (!this.redactRequest) return FilterDataStatus.Continue;
    const status = this.request.onBody(bodySize, endOfStream);
    if (this.request.state == BodyState.TooLarge) skipped.with(["too_large"]).increment();
    if (this.request.state == BodyState.Complete) this.rewrite(this.request);
    return status;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    // A local reply of ours (413/502) comes through here too: judge every response afresh.
    this.redactResponse = false;
    if (!isJson(this.responseHeaders.get("content-type"))) return FilterHeadersStatus.Continue;
    this.redactResponse = true;
    const status = this.response.onHeaders(endOfStream);
    if (this.response.state == BodyState.TooLarge) {
      skipped.with(["too_large"]).increment();
      this.sendLocalResponse(502, "response too large to redact", null, "json_redact_too_large");
      return FilterHeadersStatus.StopIteration;
    }
    return status;
  }

  onResponseBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    if (!this.redactResponse) return FilterDataStatus.Continue;
    const status = this.response.onBody(bodySize, endOfStream);
    if (this.response.state == BodyState.TooLarge) {
      skipped.with(["too_large"]).increment();
      logWarn(
        "json-redact: response body over " + this.config.maxBodyBytes.toString() + " bytes, reset",
      );
      this.resetStream();
      return FilterDataStatus.StopIterationNoBuffer;
    }
    if (this.response.state == BodyState.Complete) this.rewrite(this.response);
    return status;
  }

  private rewrite(body: BufferedBody): void {
    const parsed = body.readJson();
    if (!parsed.ok) {
      // Not JSON after all: leave the bytes as they are.
      skipped.with(["invalid_json"]).increment();
      return;
    }
    const root = parsed.value!;
    const count = this.config.redact(root);
    if (count == 0) return;
    redacted.increment(<u64>count);
    body.replaceJson(root);
  }
}

registerRootContext((id: u32) => new RedactRoot(id), "json-redact");
