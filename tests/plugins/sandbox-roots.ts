// Test plugin for VM topology (docs/sandbox.md): two root ids in one module. Each stream gets
// request headers naming its root (x-root), the root context id (x-root-id), and two counters:
// x-vm-streams, a module global counted by every root of the VM, and x-root-streams, counted by
// its root only. Plugins sharing a VM share x-vm-streams; separate VMs do not.
import {
  FilterHeadersStatus,
  HttpContext,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

let vmStreams: i32 = 0;

class Counting extends HttpContext {
  constructor(
    id: u32,
    private readonly counter: CountingRoot,
  ) {
    super(id, counter);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    vmStreams++;
    this.counter.streams++;
    this.requestHeaders.add("x-root", this.counter.name);
    this.requestHeaders.add("x-root-id", this.counter.id.toString());
    this.requestHeaders.add("x-vm-streams", vmStreams.toString());
    this.requestHeaders.add("x-root-streams", this.counter.streams.toString());
    return FilterHeadersStatus.Continue;
  }
}

class CountingRoot extends RootContext {
  streams: i32 = 0;

  constructor(
    id: u32,
    readonly name: string,
  ) {
    super(id);
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new Counting(contextId, this);
  }
}

registerRootContext((id: u32): RootContext => new CountingRoot(id, "alpha"), "alpha");
registerRootContext((id: u32): RootContext => new CountingRoot(id, "beta"), "beta");
