// Test plugin for the M1 check (tests/strict/growth.test.mjs): adds `x-seen: <n>` to every
// request. With the plugin configuration "leak" it also keeps every request's context and path
// in module-level arrays that nothing ever clears — the M1 mistake (per-request state never
// released); otherwise it keeps only the counter.
import {
  FilterHeadersStatus,
  HttpContext,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

const keptContexts: HttpContext[] = [];
const keptPaths: string[] = [];

class LeakRoot extends RootContext {
  leak: bool = false;
  seen: u32 = 0;

  onConfigure(pluginConfigurationSize: u32): bool {
    this.leak = this.getPluginConfigurationString() == "leak";
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new Leak(contextId, this);
  }
}

class Leak extends HttpContext {
  constructor(
    id: u32,
    private readonly owner: LeakRoot,
  ) {
    super(id, owner);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    this.owner.seen++;
    this.requestHeaders.add("x-seen", this.owner.seen.toString());
    if (this.owner.leak) {
      keptContexts.push(this);
      const path = this.requestHeaders.get(":path");
      keptPaths.push(path === null ? "" : path);
    }
    return FilterHeadersStatus.Continue;
  }
}

registerRootContext((id: u32): RootContext => new LeakRoot(id));
