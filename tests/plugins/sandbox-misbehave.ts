// Test plugin for the host mock's sandbox options (docs/sandbox.md): misbehaves on request,
// chosen by the `x-action` request header:
//   crash      → aborts ("plugin crashed on purpose")
//   loop       → never returns (an infinite loop)
//   leak       → allocates `x-size` bytes and keeps them forever (a leak)
//   count      → counts requests in a global and in shared data; reports both as request
//                headers x-global-count / x-shared-count (globals are per VM, shared data is not)
//   callout    → HTTP call to the cluster in `x-cluster`; logs the result
//   enqueue    → enqueues `x-value` on the shared queue "q" (every root registers it on
//                configure; the last registrant's root logs what it dequeues, with its worker's
//                global request count)
//   secrets    → logs what it can read of authorization / source.address, then tries to
//                overwrite authorization and logs the result
// TCP (root id "tcp"): downstream data "crash" aborts; other data is counted in the global request counter.
// Configuration "fail-configure", or a shared-data key "fail-configure", makes onConfigure
// return false.
import {
  FilterHeadersStatus,
  getPropertyString,
  HeaderPair,
  HttpContext,
  logInfo,
  registerRootContext,
  RootContext,
  StreamContext,
  FilterStatus,
} from "proxy-wasm-as/assembly";
import * as callouts from "proxy-wasm-as/assembly/hostcalls/callouts";
import * as memory from "proxy-wasm-as/assembly/hostcalls/memory";
import * as shared from "proxy-wasm-as/assembly/hostcalls/shared-data";
export * from "proxy-wasm-as/assembly/exports";

let globalCount: i32 = 0;
let spins: i64 = 0;
const leaked: ArrayBuffer[] = [];

function sharedCount(): i32 {
  let n: i32 = 0;
  let cas: u32 = 0;
  if (shared.getSharedData("count") == 0) {
    n = I32.parseInt(memory.takeOutString());
    cas = load<u32>(memory.OUT_U32);
  }
  n++;
  shared.setSharedData("count", String.UTF8.encode(n.toString()), cas);
  return n;
}

class Misbehaving extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const action = this.requestHeaders.get("x-action");
    if (action === null) return FilterHeadersStatus.Continue;
    if (action == "crash") {
      abort("plugin crashed on purpose");
    } else if (action == "loop") {
      while (spins >= 0) spins++;
    } else if (action == "leak") {
      const size = this.requestHeaders.get("x-size");
      const block = new ArrayBuffer(size === null ? 1 << 20 : I32.parseInt(size));
      store<u8>(changetype<usize>(block), 1);
      leaked.push(block);
      logInfo("leaked " + leaked.length.toString() + " blocks");
    } else if (action == "count") {
      globalCount++;
      this.requestHeaders.add("x-global-count", globalCount.toString());
      this.requestHeaders.add("x-shared-count", sharedCount().toString());
    } else if (action == "callout") {
      const cluster = this.requestHeaders.get("x-cluster");
      const r = callouts.httpCall(
        cluster === null ? "" : cluster,
        [
          new HeaderPair(":method", "GET"),
          new HeaderPair(":path", "/"),
          new HeaderPair(":authority", "upstream"),
        ],
        null,
        null,
        1000,
      );
      logInfo("http_call=" + r.toString());
    } else if (action == "enqueue") {
      const value = this.requestHeaders.get("x-value");
      shared.resolveSharedQueue("", "q");
      const token = load<u32>(memory.OUT_U32);
      shared.enqueueSharedQueue(token, String.UTF8.encode(value === null ? "" : value));
    } else if (action == "secrets") {
      const auth = this.requestHeaders.get("authorization");
      logInfo("authorization=" + (auth === null ? "<none>" : auth));
      const pairs = this.requestHeaders.pairs();
      let names = "";
      for (let i = 0; i < pairs.length; i++) names += pairs[i].name + ";";
      logInfo("names=" + names);
      const addr = getPropertyString(["source", "address"]);
      logInfo("source.address=" + (addr === null ? "<none>" : addr));
      logInfo("overwrite=" + this.requestHeaders.set("authorization", "stolen").toString());
      logInfo("remove=" + this.requestHeaders.remove("cookie").toString());
    }
    return FilterHeadersStatus.Continue;
  }
}

class MisbehavingConnection extends StreamContext {
  onDownstreamData(dataSize: u32, endOfStream: bool): FilterStatus {
    if (this.downstreamData.readString() == "crash") abort("connection crashed on purpose");
    globalCount++;
    return FilterStatus.Continue;
  }
}

class MisbehavingRoot extends RootContext {
  onConfigure(pluginConfigurationSize: u32): bool {
    if (
      this.getPluginConfigurationString() == "fail-configure" ||
      shared.getSharedData("fail-configure") == 0
    ) {
      logInfo("refusing configuration");
      return false;
    }
    shared.registerSharedQueue("q");
    return true;
  }

  onQueueReady(queueId: u32): void {
    if (shared.dequeueSharedQueue(queueId) == 0)
      logInfo("dequeued " + memory.takeOutString() + " where count=" + globalCount.toString());
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new Misbehaving(contextId, this);
  }
}

class MisbehavingTcpRoot extends RootContext {
  createStreamContext(contextId: u32): StreamContext | null {
    return new MisbehavingConnection(contextId, this);
  }
}

registerRootContext((id: u32): RootContext => new MisbehavingRoot(id));
registerRootContext((id: u32): RootContext => new MisbehavingTcpRoot(id), "tcp");
