// grpc-authz: authorizes every request with a unary gRPC call to `authz.v1.Authorizer/Check`
// and holds the request until the answer:
//   allowed            → the request continues, with `x-subject` set to the answer's subject;
//   denied             → 403 with the answer's reason (details `grpc_authz_denied`);
//   gRPC error/timeout → fail-closed 503 (details `grpc_authz_error`), e.g. UNAVAILABLE (14),
//                        a failure after `timeoutMs`, or an unreadable answer.
// Example configuration: { "cluster": "authz-grpc", "timeoutMs": 300 }
import {
  CalloutStatus,
  FilterHeadersStatus,
  GrpcCall,
  grpcCall,
  GrpcCallHandler,
  GrpcMessage,
  HeaderPair,
  HttpContext,
  logError,
  logInfo,
  logWarn,
  parseJson,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
import { CheckRequest, CheckResponse } from "./messages";
export * from "proxy-wasm-as/assembly/exports";

const SERVICE = "authz.v1.Authorizer";
const METHOD = "Check";

class GrpcAuthzRoot extends RootContext {
  cluster: string = "";
  timeoutMs: u32 = 300;

  onConfigure(size: u32): bool {
    const parsed = parseJson(this.getPluginConfigurationString());
    const config = parsed.value;
    if (config === null || config.kindName() != "object") {
      logError("grpc-authz: configuration must be a JSON object");
      return false;
    }
    const cluster = config.get("cluster");
    if (cluster === null || cluster.kindName() != "string" || cluster.asString().length == 0) {
      logError("grpc-authz: bad configuration: cluster must be a non-empty string");
      return false;
    }
    const timeout = config.get("timeoutMs");
    if (timeout !== null) {
      const ms = timeout.asNumber(-1);
      if (timeout.kindName() != "number" || ms != Math.floor(ms) || ms < 1 || ms > 60000) {
        logError("grpc-authz: bad configuration: timeoutMs must be an integer from 1 to 60000");
        return false;
      }
      this.timeoutMs = <u32>ms;
    }
    this.cluster = cluster.asString();
    logInfo("grpc-authz: " + SERVICE + "/" + METHOD + " on cluster " + this.cluster);
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new CheckedRequest(contextId, this);
  }
}

/** The service's answer, delivered to the request that asked (as the effective context). */
class Checked extends GrpcCallHandler<CheckedRequest> {
  onResponse(request: CheckedRequest, call: GrpcCall, message: GrpcMessage): void {
    const answer = CheckResponse.decode(message.bytes());
    if (answer === null) {
      request.failClosed("unreadable CheckResponse (" + message.size.toString() + " bytes)");
    } else if (answer.allowed) {
      request.requestHeaders.set("x-subject", answer.subject);
      request.continueRequest();
    } else {
      request.sendLocalResponse(
        403,
        answer.reason,
        [new HeaderPair("content-type", "text/plain")],
        "grpc_authz_denied",
      );
    }
  }

  onFailure(request: CheckedRequest, call: GrpcCall, status: CalloutStatus): void {
    request.failClosed("gRPC status " + status.code.toString() + " " + status.message);
  }
}

const checked = new Checked();

class CheckedRequest extends HttpContext {
  constructor(
    id: u32,
    private readonly config: GrpcAuthzRoot,
  ) {
    super(id, config);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    // A client-sent x-subject is never trusted.
    this.requestHeaders.remove("x-subject");
    const check = new CheckRequest();
    const method = this.requestHeaders.get(":method");
    const path = this.requestHeaders.get(":path");
    const authorization = this.requestHeaders.get("authorization");
    check.method = method === null ? "" : method;
    check.path = path === null ? "" : path;
    if (authorization !== null && authorization.startsWith("Bearer ")) {
      check.token = authorization.substring(7);
    }
    const requestId = this.requestHeaders.get("x-request-id");
    const call = grpcCall(
      this,
      this.config.cluster,
      SERVICE,
      METHOD,
      check.encode(),
      checked,
      this.config.timeoutMs,
      requestId === null ? null : [new HeaderPair("x-request-id", requestId)],
    );
    if (!call.ok) this.failClosed("call not started: " + call.result.toString());
    return FilterHeadersStatus.StopAllIterationAndWatermark;
  }

  /** The service could not decide: reject rather than let the request through unchecked. */
  failClosed(reason: string): void {
    logWarn("grpc-authz: authorization unavailable (" + reason + "); rejecting");
    this.sendLocalResponse(503, "authorization unavailable", null, "grpc_authz_error");
  }
}

registerRootContext((id: u32): RootContext => new GrpcAuthzRoot(id), "grpc-authz");
