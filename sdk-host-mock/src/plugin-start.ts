/**
 * Starting a plugin's root context (reference §1.3): creating its VM or joining a shared one
 * (VM models, cpp-host's configuration canary), `_initialize`/`_start`, then
 * context_create → vm_start → configure, failing with cpp-host's load-error wording.
 */
import { FailState } from "./abi.js";
import { PluginLoadError, PluginTrapError } from "./errors.js";
import type { Plugin } from "./plugin.js";
import { onVmCreated, onVmShutDown } from "./runtime-stats.js";
import { Vm } from "./vm.js";
import { vmKey } from "./vm-models.js";

/** Creates (or, under a sharing VM model, joins) the root's VM and runs the start sequence. */
export function bootRoot(p: Plugin): void {
  const key =
    p.ephemeral || p.vmModel === "per-use" || p.vmModel === "per-request"
      ? null
      : vmKey(
          p.vmModel,
          p.code.sha256,
          {
            vmId: p.vmId,
            name: p.name,
            rootId: p.rootId,
            vmConfigurationHex: Buffer.from(p.vmConfiguration).toString("hex"),
          },
          p.workerIndex,
          JSON.stringify([
            p.options.fuel ?? null,
            p.options.maxMemoryBytes ?? null,
            p.options.allowedCapabilities ?? [],
            p.options.trace ?? false,
          ]),
        );
  p.lastLoadMs = p.host.now;
  const shared = p.host.vmRegistry.find(key);
  let fresh: Vm | null = null;
  let canary: Vm | null = null;
  try {
    if (shared !== null) {
      // cpp-host `createWasm`: a new plugin is first started and configured in a throw-away
      // "configuration canary" VM, so a plugin that fails to start or configure is rejected
      // without touching the VM other plugins already run in.
      p.vm = canary = newVm(p);
      startRoot(p);
      p.vm.removeRoot(p);
      p.vm = shared;
    } else {
      p.vm = fresh = newVm(p);
      p.host.vmRegistry.register(key, p.vm);
    }
    startRoot(p);
  } catch (e) {
    // Nothing of a plugin that failed to load stays shareable or alive in a shared VM.
    if (fresh !== null) {
      p.host.vmRegistry.forget(fresh);
      fresh.shutDown();
    }
    canary?.shutDown();
    if (shared !== null && p.vm === shared) {
      shared.removeRoot(p);
      shared.removeContext(p.id);
    }
    if (e instanceof PluginLoadError) e.logs = [...p.logs];
    throw e;
  }
}

/** A new VM of the plugin's module, after `_initialize` / `_start`. */
function newVm(p: Plugin): Vm {
  // Envoy constructs the Wasm object (lifecycle stat `created`) before it loads the module.
  onVmCreated(p.host);
  let vm: Vm;
  try {
    vm = new Vm(p, p.code.bytes, p.code.vmOptions);
  } catch (e) {
    onVmShutDown(p.host);
    throw e;
  }
  try {
    p.options.onInstance?.(vm.instance.exports);
  } catch (e) {
    vm.shutDown();
    throw e;
  }
  try {
    vm.startVm();
  } catch (e) {
    vm.shutDown();
    if (e instanceof PluginTrapError) {
      throw new PluginLoadError(
        `Failed to initialize Wasm code: ${e.message}`,
        FailState.UnableToInitializeCode,
        {
          trap: e,
          cause: e,
        },
      );
    }
    throw e;
  }
  return vm;
}

/** Creates the root context in its VM: context_create, vm_start, configure (§1.3). */
function startRoot(p: Plugin): void {
  p.vm.roots.push(p);
  (p as { id: number }).id = p.vm.allocContextId();
  p.vm.addContext(p);
  const fail = (what: string, state: FailState, e: unknown): never => {
    if (e instanceof PluginTrapError) {
      // cpp-host `createWasm`: "Failed to start base Wasm" / "Failed to configure base Wasm plugin".
      const base =
        what === "start" ? "Failed to start base Wasm" : "Failed to configure base Wasm plugin";
      throw new PluginLoadError(
        `${base}: plugin ${p.name} failed to ${what}: ${e.message}`,
        state,
        { trap: e, cause: e },
      );
    }
    throw e;
  };
  // cpp-host `ContextBase::onStart`: on_context_create, then on_vm_start — called even when
  // on_context_create just trapped (the failed state is not re-checked, §1.3). The trap
  // still fails the start: the mock reports it once on_vm_start has run.
  let createTrap: PluginTrapError | null = null;
  try {
    p.configurationReadable = true;
    p.vm.call("proxy_on_context_create", p, [p.id, 0]);
  } catch (e) {
    if (!(e instanceof PluginTrapError)) throw e;
    createTrap = e;
  } finally {
    p.configurationReadable = false;
  }
  let ok: number | null | undefined;
  try {
    ok = p.vm.call("proxy_on_vm_start", p, [p.id, p.vmConfiguration.length]);
  } catch (e) {
    // A second trap on the already failed VM does not replace the first one.
    if (createTrap === null) fail("start", FailState.StartFailed, e);
    if (!(e instanceof PluginTrapError)) throw e;
  }
  if (createTrap !== null) fail("start", FailState.StartFailed, createTrap);
  if (ok === 0) {
    throw new PluginLoadError(
      `Failed to start base Wasm: plugin ${p.name} failed to start: proxy_on_vm_start returned false`,
      FailState.StartFailed,
    );
  }
  try {
    p.configurationReadable = true;
    ok = p.vm.call("proxy_on_configure", p, [p.id, p.configuration.length]);
  } catch (e) {
    fail("configure", FailState.ConfigureFailed, e);
  } finally {
    p.configurationReadable = false;
  }
  if (ok === 0) {
    throw new PluginLoadError(
      `Failed to configure base Wasm plugin: plugin ${p.name} failed to configure: proxy_on_configure returned false`,
      FailState.ConfigureFailed,
    );
  }
}
