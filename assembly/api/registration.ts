// How a plugin tells the SDK which root context to create.
import { dispatcher, RootContextFactory } from "../dispatcher/dispatcher";

/**
 * Registers the factory of a plugin's root context. Call it at the top level of the plugin's
 * entry file (it makes no hostcall, so it is safe during VM start).
 *
 * With `rootId` "" (the default) the factory serves every plugin of the VM. Give a `rootId` to
 * host several plugins in one module: the host's `plugin_root_id` (Envoy: `root_id` in the
 * plugin config) picks the registration, and a "" registration, if any, serves unknown ids.
 *
 * ```ts
 * registerRootContext((id: u32): RootContext => new MyRoot(id));
 * ```
 */
export function registerRootContext(factory: RootContextFactory, rootId: string = ""): void {
  dispatcher.register(rootId, factory);
}
