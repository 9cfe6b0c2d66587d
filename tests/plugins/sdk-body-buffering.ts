// Test plugin: BufferedBody. Request bodies are upper-cased whole (cap 16 bytes); response
// bodies that are JSON get every "secret" member replaced (cap 64 bytes); invalid JSON passes
// unchanged with a log line.
import {
  BodyDirection,
  BodyState,
  BufferedBody,
  FilterDataStatus,
  FilterHeadersStatus,
  HttpContext,
  jsonString,
  logInfo,
  registerRootContext,
  RootContext,
  setMember,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

class BodyStream extends HttpContext {
  request: BufferedBody = new BufferedBody(BodyDirection.Request, 16);
  response: BufferedBody = new BufferedBody(BodyDirection.Response, 64);

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    return this.request.onHeaders(endOfStream);
  }

  onRequestBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    const status = this.request.onBody(bodySize, endOfStream);
    if (this.request.state == BodyState.Complete) {
      this.request.replaceString(this.request.readString().toUpperCase() + "!");
    }
    return status;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    return this.response.onHeaders(endOfStream);
  }

  onResponseBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    const status = this.response.onBody(bodySize, endOfStream);
    if (this.response.state == BodyState.Complete) {
      const parsed = this.response.readJson();
      if (!parsed.ok) {
        logInfo("not json: " + parsed.error);
      } else {
        const root = parsed.value!;
        if (root.has("secret")) setMember(root, "secret", jsonString("***"));
        this.response.replaceJson(root);
      }
    } else if (this.response.state == BodyState.TooLarge) {
      logInfo("response too large, passed through");
    }
    return status;
  }
}

class BodyRoot extends RootContext {
  createHttpContext(contextId: u32): HttpContext | null {
    return new BodyStream(contextId, this);
  }
}

registerRootContext((id: u32) => new BodyRoot(id));
