// Lifecycle callbacks (reference §1.3, §2.1, §6.1): context creation, VM start, configuration,
// timers, queues, foreign functions, and teardown for every kind of context.
import { ContextKind } from "../api/base-context";
import { HttpContext } from "../api/http-context";
import { refreshLogLevel } from "../api/log";
import { runAfterConfigure } from "../api/configure-hook";
import { RootContext } from "../api/root-context";
import { StreamContext } from "../api/stream-context";
import { dispatcher } from "./dispatcher";
import { streamDeletedHook } from "./pending-callouts";

/** Host → plugin: a root (`parentContextId` 0) or stream context was created. */
export function proxy_on_context_create(contextId: u32, parentContextId: u32): void {
  refreshLogLevel();
  if (parentContextId == 0) dispatcher.createRoot(contextId);
  else dispatcher.createStream(contextId, parentContextId);
}

/** Host → plugin: the VM started for this root. 0 fails the plugin's start. */
export function proxy_on_vm_start(rootContextId: u32, vmConfigurationSize: u32): u32 {
  const root = dispatcher.root(rootContextId);
  return root !== null && root.onVmStart(vmConfigurationSize) ? 1 : 0;
}

/**
 * Host → plugin: the plugin configuration arrived. 0 rejects it. Once accepted, the SDK's
 * after-configure work runs (metric handles created so far are defined in this root callback,
 * pitfall M5).
 */
export function proxy_on_configure(rootContextId: u32, pluginConfigurationSize: u32): u32 {
  const root = dispatcher.root(rootContextId);
  if (root === null || !root.onConfigure(pluginConfigurationSize)) return 0;
  runAfterConfigure();
  return 1;
}

/** Host → plugin: the root's timer fired. */
export function proxy_on_tick(rootContextId: u32): void {
  const root = dispatcher.root(rootContextId);
  if (root !== null) root.onTick();
}

/** Host → plugin: an item was enqueued on a queue this root registered. */
export function proxy_on_queue_ready(rootContextId: u32, queueId: u32): void {
  const root = dispatcher.root(rootContextId);
  if (root !== null) root.onQueueReady(queueId);
}

/** Host → plugin: a host-initiated foreign function call (ABI 0.2.x). */
export function proxy_on_foreign_function(
  rootContextId: u32,
  functionId: u32,
  argumentsSize: u32,
): void {
  const root = dispatcher.root(rootContextId);
  if (root !== null) root.onForeignFunction(functionId, argumentsSize);
}

function done(contextId: u32): bool {
  const context = dispatcher.find(contextId);
  if (context === null) return true;
  switch (context.kind) {
    case ContextKind.Root:
      return changetype<RootContext>(context).onDone();
    case ContextKind.Http:
      changetype<HttpContext>(context).onDone();
      break;
    case ContextKind.Stream:
      changetype<StreamContext>(context).onDone();
      break;
  }
  return true;
}

/** Host → plugin: the stream ended, or the root is shutting down. Roots may return 0 to defer. */
export function proxy_on_done(contextId: u32): u32 {
  return done(contextId) ? 1 : 0;
}

/** Host → plugin: access-log phase of a stream (never called for roots). */
export function proxy_on_log(contextId: u32): void {
  const context = dispatcher.find(contextId);
  if (context !== null) {
    if (context.kind == ContextKind.Http) changetype<HttpContext>(context).onLog();
    else if (context.kind == ContextKind.Stream) changetype<StreamContext>(context).onLog();
  }
}

/** Forgets (and cancels where possible) the callouts of a deleted stream (pitfall C6). */
function releaseCallouts(contextId: u32): void {
  const hook = streamDeletedHook;
  if (hook !== null) hook(contextId);
}

/** Host → plugin: last call for a context. */
export function proxy_on_delete(contextId: u32): void {
  const context = dispatcher.find(contextId);
  if (context !== null) {
    switch (context.kind) {
      case ContextKind.Root:
        changetype<RootContext>(context).onDelete();
        break;
      case ContextKind.Http:
        changetype<HttpContext>(context).onDelete();
        releaseCallouts(contextId);
        break;
      case ContextKind.Stream:
        changetype<StreamContext>(context).onDelete();
        releaseCallouts(contextId);
        break;
    }
    dispatcher.remove(contextId);
  }
}
