// Test plugin for HTTP callouts (assembly/api/http-call.ts). An HTTP stream with `x-op` calls
// cluster "authz" and pauses; its handler, typed with the stream's class, reads the response
// and resumes or answers the stream it came from (`x-op: chain` makes a second callout from
// the handler first). The root calls from onConfigure when the
// configuration says "root-call"; a TCP root (root id "tcp") calls on each new connection.
import {
  CalloutStatus,
  FilterHeadersStatus,
  FilterStatus,
  HttpCallHandler,
  HttpCallRequest,
  HttpCallResponse,
  HttpContext,
  httpCall,
  logInfo,
  registerRootContext,
  RootContext,
  StreamContext,
  WasmResult,
} from "proxy-wasm-as/assembly";
import { pendingCalloutCount } from "proxy-wasm-as/assembly/dispatcher/pending-callouts";
export * from "proxy-wasm-as/assembly/exports";

class CheckDone extends HttpCallHandler<Gate> {
  onResponse(gate: Gate, response: HttpCallResponse): void {
    const path = gate.requestHeaders.get(":path");
    const trailer = response.trailers.get("x-trailer");
    logInfo(
      "response for " +
        gate.id.toString() +
        " path=" +
        (path === null ? "(none)" : path) +
        " status=" +
        response.status.toString() +
        " headers=" +
        response.numHeaders.toString() +
        " body=" +
        response.bodyString() +
        " trailer=" +
        (trailer === null ? "(none)" : trailer) +
        " pending=" +
        pendingCalloutCount().toString(),
    );
    if (gate.op == "chain" && gate.hops == 0) {
      // A second callout from inside the handler, for the same stream (pitfall C7).
      gate.hops++;
      const next = HttpCallRequest.get("authz.local", "/second").setTimeout(1000);
      logInfo("chained dispatch: " + httpCall(gate, "authz", next, checkDone).toString());
      return;
    }
    if (response.status == 200) {
      gate.requestHeaders.set("x-verdict", response.bodyString());
      gate.continueRequest();
    } else {
      gate.sendLocalResponse(response.status, response.bodyString(), null, "callout_denied");
    }
  }

  onFailure(gate: Gate, failure: CalloutStatus): void {
    logInfo(
      "failure for " +
        gate.id.toString() +
        " code=" +
        failure.code.toString() +
        " message=" +
        failure.message,
    );
    gate.sendLocalResponse(503, "callout failed", null, "callout_failed");
  }
}

const checkDone = new CheckDone();

class Gate extends HttpContext {
  op: string = "";
  hops: i32 = 0;

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const op = this.requestHeaders.get("x-op");
    if (op === null) return FilterHeadersStatus.Continue;
    this.op = op;
    const user = this.requestHeaders.get("x-user");
    const request = HttpCallRequest.get("authz.local", "/check")
      .addHeader("x-user", user === null ? "" : user)
      .setTimeout(op == "no-timeout" ? 0 : 1000);
    if (op == "post") {
      request
        .setMethod("POST")
        .setPath("/submit")
        .setBodyString("payload")
        .addTrailer("x-sum", "7")
        .setHeader("x-user", "replaced");
    }
    // Envoy rejects a request without :authority (pitfall C1).
    if (op == "no-authority") request.headers.splice(2, 1);
    const cluster = op == "bad-cluster" ? "nowhere" : "authz";
    const result = httpCall(this, cluster, request, checkDone);
    logInfo("dispatch " + this.id.toString() + ": " + result.toString());
    if (result != WasmResult.Ok) {
      this.sendLocalResponse(500, "could not call", null, "callout_not_started");
    }
    return FilterHeadersStatus.StopAllIterationAndWatermark;
  }
}

class RootDone extends HttpCallHandler<CallingRoot> {
  onResponse(root: CallingRoot, response: HttpCallResponse): void {
    root.answers++;
    logInfo("root got " + response.status.toString() + " " + response.bodyString());
  }

  onFailure(root: CallingRoot, failure: CalloutStatus): void {
    logInfo("root failure " + failure.message);
  }
}

class CallingRoot extends RootContext {
  answers: i32 = 0;

  onConfigure(size: u32): bool {
    if (this.getPluginConfigurationString() == "root-call") {
      const result = httpCall(
        this,
        "authz",
        HttpCallRequest.get("authz.local", "/warm"),
        new RootDone(),
      );
      logInfo("root dispatch: " + result.toString());
    }
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new Gate(contextId, this);
  }
}

class ConnectionDone extends HttpCallHandler<Connection> {
  onResponse(connection: Connection, response: HttpCallResponse): void {
    logInfo("connection " + connection.id.toString() + " got " + response.status.toString());
    if (response.status != 200) connection.closeDownstream();
    else connection.continueDownstream();
  }

  onFailure(connection: Connection, failure: CalloutStatus): void {
    connection.closeDownstream();
  }
}

class Connection extends StreamContext {
  onNewConnection(): FilterStatus {
    httpCall(this, "authz", HttpCallRequest.get("authz.local", "/tcp"), new ConnectionDone());
    return FilterStatus.Continue;
  }

  onDownstreamData(dataSize: u32, endOfStream: bool): FilterStatus {
    return FilterStatus.StopIteration;
  }
}

class TcpRoot extends RootContext {
  createStreamContext(contextId: u32): StreamContext | null {
    return new Connection(contextId, this);
  }
}

registerRootContext((id: u32): RootContext => new CallingRoot(id), "http");
registerRootContext((id: u32): RootContext => new TcpRoot(id), "tcp");
