// Test plugin for the Q5 check (tests/strict/chunking.test.mjs): a body filter that blocks
// request bodies containing "attack" and masks "secret" in response bodies. The plugin
// configuration picks how it reads the body:
//   "per-chunk": looks at each chunk alone and returns Continue — the Q5 mistake: a pattern split
//                across two chunks slips through;
//   "buffered":  returns StopIterationAndBuffer until end_of_stream and decides on the whole body;
//   "parse-chunk": parses each request chunk as JSON and traps when it is not — it assumes the
//                body arrives in one callback.
import {
  FilterDataStatus,
  FilterHeadersStatus,
  HttpContext,
  parseJson,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

class ChunksRoot extends RootContext {
  buffered: bool = false;
  parseChunk: bool = false;

  onConfigure(pluginConfigurationSize: u32): bool {
    const mode = this.getPluginConfigurationString();
    this.buffered = mode == "buffered";
    this.parseChunk = mode == "parse-chunk";
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new Chunks(contextId, this);
  }
}

class Chunks extends HttpContext {
  constructor(
    id: u32,
    private readonly config: ChunksRoot,
  ) {
    super(id, config);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    return FilterHeadersStatus.Continue;
  }

  onRequestBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    if (this.config.buffered && !endOfStream) return FilterDataStatus.StopIterationAndBuffer;
    if (this.config.parseChunk) {
      const parsed = parseJson(this.requestBody.readString(0, bodySize));
      if (parsed.value === null) throw new Error("request body is not JSON: " + parsed.error);
      return FilterDataStatus.Continue;
    }
    if (this.requestBody.readString(0, bodySize).includes("attack")) {
      this.sendLocalResponse(403, "blocked");
      return FilterDataStatus.StopIterationNoBuffer;
    }
    return FilterDataStatus.Continue;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    return FilterHeadersStatus.Continue;
  }

  onResponseBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    if (this.config.buffered && !endOfStream) return FilterDataStatus.StopIterationAndBuffer;
    const body = this.responseBody.readString(0, bodySize);
    if (body.includes("secret")) this.responseBody.setString(body.replaceAll("secret", "******"));
    return FilterDataStatus.Continue;
  }
}

registerRootContext((id: u32): RootContext => new ChunksRoot(id));
