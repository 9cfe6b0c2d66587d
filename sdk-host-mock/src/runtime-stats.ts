/**
 * Envoy's lifecycle stats of the Wasm runtime (`LifecycleStatsHandler` in
 * source/extensions/common/wasm/stats_handler.cc): every Wasm object Envoy constructs counts
 * `wasm.<runtime>.created` (counter) and sets `wasm.<runtime>.active` (gauge) to the number
 * alive; its destruction lowers `active`. `<runtime>` is the `vm_config.runtime` name, and the
 * mock plays V8: `wasm.envoy.wasm.runtime.v8.created` / `.active`.
 *
 * Envoy constructs the Wasm object before it loads the module, so a module that fails to load,
 * start or configure still counts as created (and is no longer active). A mock `Vm` stands for
 * one Envoy Wasm object: per worker VM, per configuration canary, per reload, per request under
 * `"per-request"`. It goes away when its last root context leaves it.
 */
import type { Host } from "./host.js";

/** `vm_config.runtime` of the runtime the mock plays. */
export const RUNTIME_NAME = "envoy.wasm.runtime.v8";
/** Counter: Wasm objects (VMs) created. */
export const VM_CREATED_STAT = `wasm.${RUNTIME_NAME}.created`;
/** Gauge: Wasm objects (VMs) alive. */
export const VM_ACTIVE_STAT = `wasm.${RUNTIME_NAME}.active`;

/** Envoy `WasmEvent::VmCreated`. @internal */
export function onVmCreated(host: Host): void {
  host.incrementStat(VM_CREATED_STAT);
  host.incrementStat(VM_ACTIVE_STAT);
}

/** Envoy `WasmEvent::VmShutDown` (call once per VM). @internal */
export function onVmShutDown(host: Host): void {
  host.incrementStat(VM_ACTIVE_STAT, -1);
}
