// Test plugin: overrides every callback method of the SDK (and imports the gRPC hostcalls), so
// the build keeps every Proxy-Wasm callback export; its root serves TCP only. Used to check the
// full export set and signatures, and how the dispatcher treats events it cannot route.
import {
  FilterDataStatus,
  FilterHeadersStatus,
  FilterStatus,
  FilterTrailersStatus,
  HttpContext,
  PeerType,
  registerRootContext,
  RootContext,
  StreamContext,
} from "proxy-wasm-as/assembly";
import * as callouts from "proxy-wasm-as/assembly/hostcalls/callouts";
export * from "proxy-wasm-as/assembly/exports";

class EveryHttpCallback extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    return FilterHeadersStatus.Continue;
  }
  onRequestBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    return FilterDataStatus.Continue;
  }
  onRequestTrailers(numTrailers: u32): FilterTrailersStatus {
    return FilterTrailersStatus.Continue;
  }
  onResponseHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    return FilterHeadersStatus.Continue;
  }
  onResponseBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    return FilterDataStatus.Continue;
  }
  onResponseTrailers(numTrailers: u32): FilterTrailersStatus {
    return FilterTrailersStatus.Continue;
  }
  onLog(): void {}
  onDone(): void {}
}

class EveryTcpCallback extends StreamContext {
  onNewConnection(): FilterStatus {
    return FilterStatus.Continue;
  }
  onDownstreamData(dataSize: u32, endOfStream: bool): FilterStatus {
    return FilterStatus.Continue;
  }
  onUpstreamData(dataSize: u32, endOfStream: bool): FilterStatus {
    return FilterStatus.Continue;
  }
  onDownstreamClose(peerType: PeerType): void {}
  onUpstreamClose(peerType: PeerType): void {}
}

class EveryRootCallback extends RootContext {
  onVmStart(vmConfigurationSize: u32): bool {
    return true;
  }
  onConfigure(pluginConfigurationSize: u32): bool {
    if (this.getPluginConfigurationString() == "grpc") callouts.grpcStream("c", "s", "m", null);
    return true;
  }
  onTick(): void {}
  onQueueReady(queueId: u32): void {}
  onForeignFunction(functionId: u32, argumentsSize: u32): void {}
  onHttpCallResponse(token: u32, numHeaders: u32, bodySize: u32, numTrailers: u32): void {}
  onDone(): bool {
    return true;
  }
  createHttpContext(contextId: u32): HttpContext | null {
    return contextId == 0 ? new EveryHttpCallback(contextId, this) : null; // never: TCP only
  }
  createStreamContext(contextId: u32): StreamContext | null {
    return new EveryTcpCallback(contextId, this);
  }
}

registerRootContext((id: u32): RootContext => new EveryRootCallback(id));
