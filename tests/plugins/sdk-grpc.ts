// Test plugin for gRPC callouts (assembly/api/grpc.ts). An HTTP stream with `x-op`:
//   unary   — calls test.Echo/Say with the `x-msg` header as message and pauses; the handler
//             adds `x-reply` and continues, or answers 503 with the gRPC status;
//   cancel  — calls, then cancels at once;
//   stream  — opens test.Echo/Chat, sends "hello"; each message is answered with "ack:<msg>",
//             "bye" half-closes; the close is logged and resumes the request.
// The root opens a stream of its own from onConfigure when configured with "root-stream".
import {
  CalloutStatus,
  FilterHeadersStatus,
  GrpcCall,
  grpcCall,
  GrpcCallHandler,
  GrpcMessage,
  GrpcStream,
  GrpcStreamHandler,
  HeaderMap,
  HeaderPair,
  HttpContext,
  logInfo,
  openGrpcStream,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
import { pendingCalloutCount } from "proxy-wasm-as/assembly/dispatcher/pending-callouts";
export * from "proxy-wasm-as/assembly/exports";

class SayDone extends GrpcCallHandler<Caller> {
  onResponse(caller: Caller, call: GrpcCall, message: GrpcMessage): void {
    logInfo(
      "unary " +
        caller.id.toString() +
        " token " +
        call.token.toString() +
        ": " +
        message.text() +
        " (" +
        message.size.toString() +
        " bytes, pending " +
        pendingCalloutCount().toString() +
        ")",
    );
    caller.requestHeaders.set("x-reply", message.text());
    caller.continueRequest();
  }

  onFailure(caller: Caller, call: GrpcCall, status: CalloutStatus): void {
    logInfo(
      "unary " + caller.id.toString() + " failed: " + status.code.toString() + " " + status.message,
    );
    caller.sendLocalResponse(503, "grpc " + status.code.toString(), null, "grpc_failed");
  }
}

class ChatEvents extends GrpcStreamHandler<Caller> {
  onInitialMetadata(caller: Caller, stream: GrpcStream, metadata: HeaderMap): void {
    const server = metadata.get("x-server");
    logInfo(
      "initial metadata for " + caller.id.toString() + ": " + (server === null ? "(none)" : server),
    );
  }

  onMessage(caller: Caller, stream: GrpcStream, message: GrpcMessage): void {
    const text = message.text();
    logInfo("message for " + caller.id.toString() + ": " + text);
    if (text == "bye") logInfo("half-close: " + stream.close().toString());
    else logInfo("ack: " + stream.send(String.UTF8.encode("ack:" + text)).toString());
  }

  onTrailingMetadata(caller: Caller, stream: GrpcStream, metadata: HeaderMap): void {
    const pairs = metadata.pairs();
    logInfo("trailing metadata for " + caller.id.toString() + ": " + pairs.length.toString());
  }

  onClose(caller: Caller, stream: GrpcStream, status: CalloutStatus): void {
    logInfo(
      "closed " + caller.id.toString() + ": " + status.code.toString() + " " + status.message,
    );
    caller.continueRequest();
  }
}

const sayDone = new SayDone();
const chatEvents = new ChatEvents();

class Caller extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const op = this.requestHeaders.get("x-op");
    if (op === null) return FilterHeadersStatus.Continue;
    const message = this.requestHeaders.get("x-msg");
    const bytes = String.UTF8.encode(message === null ? "" : message);
    const cluster = op.endsWith("-unknown") ? "nowhere" : "grpc";
    if (op.startsWith("unary") || op == "cancel") {
      const call = grpcCall(this, cluster, "test.Echo", "Say", bytes, sayDone, 2000, [
        new HeaderPair("x-caller", this.id.toString()),
      ]);
      logInfo("call: " + call.result.toString() + " token " + call.token.toString());
      if (!call.ok) {
        this.sendLocalResponse(500, "", null, "grpc_not_started");
        return FilterHeadersStatus.StopAllIterationAndWatermark;
      }
      if (op == "cancel") {
        logInfo("cancel: " + call.cancel().toString() + " again: " + call.cancel().toString());
        return FilterHeadersStatus.Continue;
      }
    } else {
      const stream = openGrpcStream(this, cluster, "test.Echo", "Chat", chatEvents);
      logInfo("stream: " + stream.result.toString() + " token " + stream.token.toString());
      if (!stream.ok) {
        logInfo("send on unopened: " + stream.send(bytes).toString());
        return FilterHeadersStatus.Continue;
      }
      logInfo("send: " + stream.send(String.UTF8.encode("hello")).toString());
    }
    return FilterHeadersStatus.StopAllIterationAndWatermark;
  }
}

class RootEvents extends GrpcStreamHandler<GrpcRoot> {
  onMessage(root: GrpcRoot, stream: GrpcStream, message: GrpcMessage): void {
    root.received++;
    logInfo("root message " + root.received.toString() + ": " + message.text());
  }

  onClose(root: GrpcRoot, stream: GrpcStream, status: CalloutStatus): void {
    logInfo("root stream closed: " + status.code.toString());
  }
}

class GrpcRoot extends RootContext {
  received: i32 = 0;

  onConfigure(size: u32): bool {
    if (this.getPluginConfigurationString() == "root-stream") {
      const stream = openGrpcStream(this, "grpc", "test.Watch", "Updates", new RootEvents());
      logInfo("root stream: " + stream.result.toString());
    }
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new Caller(contextId, this);
  }
}

registerRootContext((id: u32): RootContext => new GrpcRoot(id));
