// Test plugin: TCP stream context. Holds client data until a newline arrives, then tags it;
// rewrites backend data; logs the close sequence.
import {
  FilterStatus,
  logInfo,
  PeerType,
  registerRootContext,
  RootContext,
  StreamContext,
} from "proxy-wasm-as/assembly";
import { setEffectiveContext } from "proxy-wasm-as/assembly/hostcalls/context";
export * from "proxy-wasm-as/assembly/exports";

class LineTagger extends StreamContext {
  constructor(
    id: u32,
    public readonly tcpRoot: TcpRoot,
  ) {
    super(id, tcpRoot);
  }

  onNewConnection(): FilterStatus {
    logInfo("new connection " + this.id.toString());
    return FilterStatus.Continue;
  }

  onDownstreamData(dataSize: u32, endOfStream: bool): FilterStatus {
    const data = this.downstreamData.readString(0, dataSize);
    if (data == "bye\n") {
      logInfo("closeDownstream: " + this.closeDownstream().toString());
      return FilterStatus.Continue;
    }
    if (data == "drop\n") {
      logInfo("closeUpstream: " + this.closeUpstream().toString());
      return FilterStatus.Continue;
    }
    if (data == "park\n") {
      this.tcpRoot.parked.push(this);
      return FilterStatus.StopIteration;
    }
    if (!data.includes("\n") && !endOfStream) return FilterStatus.StopIteration;
    this.downstreamData.prependString("[tag] ");
    return FilterStatus.Continue;
  }

  onUpstreamData(dataSize: u32, endOfStream: bool): FilterStatus {
    this.upstreamData.setString(this.upstreamData.readString().toUpperCase());
    return FilterStatus.Continue;
  }

  onDownstreamClose(peerType: PeerType): void {
    logInfo("downstream close peer=" + (<i32>peerType).toString());
  }

  onUpstreamClose(peerType: PeerType): void {
    logInfo("upstream close peer=" + (<i32>peerType).toString());
  }

  onDone(): void {
    logInfo("tcp done");
  }

  onLog(): void {
    logInfo("tcp log");
  }

  onDelete(): void {
    logInfo("tcp delete");
  }
}

class TcpRoot extends RootContext {
  parked: LineTagger[] = [];

  onTick(): void {
    for (let i = 0; i < this.parked.length; i++) {
      setEffectiveContext(this.parked[i].id);
      logInfo("continueDownstream: " + this.parked[i].continueDownstream().toString());
    }
    this.parked = [];
  }

  createStreamContext(contextId: u32): StreamContext | null {
    return new LineTagger(contextId, this);
  }
}

registerRootContext((id: u32): RootContext => new TcpRoot(id));
