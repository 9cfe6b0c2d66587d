// Test plugin for transform/used-callbacks.js: an override in a default-exported class (lib/)
// keeps its callback, and a plugin's own `proxy_on_log` (the SDK's is not re-exported) is
// never removed even though no class overrides `onLog`.
import { HttpContext, logInfo, registerRootContext, RootContext } from "proxy-wasm-as/assembly";
import DefaultExportedAuth from "./lib/default-auth";
export {
  proxy_abi_version_0_2_1,
  malloc,
  proxy_on_memory_allocate,
  proxy_on_context_create,
  proxy_on_vm_start,
  proxy_on_delete,
  proxy_on_request_headers,
} from "proxy-wasm-as/assembly/exports";

/** The plugin's own access-log callback. */
export function proxy_on_log(contextId: u32): void {
  logInfo("own access log for " + contextId.toString());
}

class TransformRoot extends RootContext {
  createHttpContext(contextId: u32): HttpContext | null {
    return new DefaultExportedAuth(contextId, this);
  }
}

registerRootContext((id: u32): RootContext => new TransformRoot(id));
