/**
 * VM models (issue 5, issue 3 "topology"): which plugins share a wasm VM, how many worker VMs a
 * plugin has, and which worker serves a new stream.
 *
 * - `"per-use"` (default): every `loadPlugin` gets its own VM (the strongest isolation, for
 *   multi-tenant setups; also what the mock always did).
 * - `"shared"` (Envoy): plugins with the same `vmId`, code and `vmConfiguration` share one VM per
 *   worker, each with its own root context (Envoy `makeVmKey(vm_id, vm_configuration, code)`).
 * - `"per-plugin"`: uses of the same plugin (same code, `name` and `rootId`) share one VM per
 *   worker; different plugins never do.
 * - `"per-request"`: every stream gets a fresh VM (started and configured for it, shut down
 *   after it), so nothing a stream leaves in globals reaches the next one.
 *
 * `workers: N` gives a plugin N worker VMs like Envoy's per-worker VMs: globals are per worker,
 * shared data and queues (keyed by `vmId`) are shared. New streams are spread round robin, or
 * by `selectWorker`, or pinned with `newHttpStream({ worker })`.
 */
import type { Vm } from "./vm.js";

/** Which plugins share a wasm VM (see the file comment). */
export type VmModel = "per-use" | "shared" | "per-plugin" | "per-request";

/** Options of the VM model (part of `PluginOptions`). */
export interface VmModelOptions {
  /** Which plugins share a VM (default `"per-use"`). */
  vmModel?: VmModel;
  /** Number of worker VMs (default 1; Envoy's `--concurrency`). */
  workers?: number;
  /**
   * Picks the worker of a new stream from its sequence number (0, 1, 2, …); default round
   * robin (`n % workers`).
   */
  selectWorker?: (streamIndex: number) => number;
}

/** Host-wide registry of shareable VMs by key (one per Host, no module-level state). @internal */
export class VmRegistry {
  private readonly vms = new Map<string, Vm>();

  /** A live (not failed) VM for this key, or null. */
  find(key: string | null): Vm | null {
    if (key === null) return null;
    const vm = this.vms.get(key);
    return vm !== undefined && !vm.failed ? vm : null;
  }

  register(key: string | null, vm: Vm): void {
    if (key !== null) this.vms.set(key, vm);
  }

  /** Forgets a VM whose last root context was deleted. */
  forget(vm: Vm): void {
    for (const [k, v] of this.vms) if (v === vm) this.vms.delete(k);
  }
}

/** Registry key of a plugin's worker VM under its model, or null when it never shares. @internal */
export function vmKey(
  model: VmModel,
  codeSha256: string,
  plugin: { vmId: string; name: string; rootId: string; vmConfigurationHex: string },
  worker: number,
  sandboxKey: string,
): string | null {
  switch (model) {
    case "shared":
      return JSON.stringify([
        "shared",
        plugin.vmId,
        plugin.vmConfigurationHex,
        codeSha256,
        worker,
        sandboxKey,
      ]);
    case "per-plugin":
      return JSON.stringify(["plugin", plugin.name, plugin.rootId, codeSha256, worker, sandboxKey]);
    default:
      return null;
  }
}

/** Round-robin / custom worker choice. @internal */
export class WorkerSelector {
  private next = 0;
  constructor(
    private readonly count: number,
    private readonly select?: (streamIndex: number) => number,
  ) {}

  pick(pinned: number | undefined): number {
    const n = this.next++;
    const w = pinned ?? (this.select ? this.select(n) : n % this.count);
    if (!(Number.isInteger(w) && w >= 0 && w < this.count))
      throw new RangeError(`worker ${String(w)} out of range 0..${this.count - 1}`);
    return w;
  }
}
