// Test plugin: several named roots in one module, chosen by plugin_root_id (no catch-all).
import { logInfo, registerRootContext, RootContext } from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

class AlphaRoot extends RootContext {
  onConfigure(pluginConfigurationSize: u32): bool {
    logInfo("alpha configured as root " + this.id.toString());
    return true;
  }
}

class BetaRoot extends RootContext {
  onConfigure(pluginConfigurationSize: u32): bool {
    logInfo("beta configured as root " + this.id.toString());
    return true;
  }
}

registerRootContext((id: u32): RootContext => new AlphaRoot(id), "alpha");
registerRootContext((id: u32): RootContext => new BetaRoot(id), "beta");
