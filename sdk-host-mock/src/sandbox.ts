/**
 * The sandbox options of a plugin that shape its VMs (resource and API limits, module
 * integrity) and the preparation of its code: read and check the module once per loaded
 * plugin, instrument it for fuel if needed, and derive the options every VM of the plugin is
 * created with (`docs/sandbox.md`). Failure policy and VM models have their own files.
 */
import { capabilitySet } from "./capabilities.js";
import { isFuelInstrumented } from "./fuel.js";
import type { Host } from "./host.js";
import { readModule, sha256Hex, type ModuleSource } from "./loader.js";
import type { VmOptions } from "./vm.js";

/** Resource limits, API limits and integrity check of a plugin (part of `PluginOptions`). */
export interface SandboxOptions {
  /** Expected SHA-256 (hex) of the module; on a mismatch loading fails and nothing runs. */
  sha256?: string;
  /**
   * Most linear memory one VM of this plugin may have, in bytes (rounded down to 64 KiB pages;
   * default and upper bound 1 GiB, cpp-host's cap). Growth past it fails inside the module
   * (`memory.grow` returns -1), as on a real host; the AssemblyScript allocator then traps.
   */
  maxMemoryBytes?: number;
  /**
   * CPU limit per callback as a deterministic fuel budget (1 fuel = one function entry or loop
   * iteration in the VM, see `fuel.ts`). A callback past it traps with `fuel exhausted`.
   */
  fuel?: number;
  /**
   * cpp-host capability allowlist (Envoy `capability_restriction_config.allowed_capabilities`):
   * names of `proxy_*` hostcalls and callbacks and WASI functions (e.g. `"proxy_log"`,
   * `"fd_write"`). Empty or absent = everything allowed.
   */
  allowedCapabilities?: string[];
  /** Header names the plugin never sees (reads: absent; writes: InternalFailure). */
  hiddenHeaders?: string[];
  /** Property paths (dotted, e.g. `"source.address"`) the plugin never sees or sets. */
  hiddenProperties?: string[];
  /** Clusters the plugin may call out to; others behave as unknown clusters. */
  allowedClusters?: string[];
}

/** A plugin's module, ready for any number of VMs. @internal */
export interface PluginCode {
  /** The bytes VMs are compiled from (fuel-instrumented when the plugin has a `fuel` budget). */
  bytes: Uint8Array;
  /** SHA-256 of the module as given (VM keys use it; computed on first use). */
  readonly sha256: string;
  vmOptions: VmOptions;
}

/**
 * Reads the module (checking `sha256`), instruments it for fuel if needed and derives the VM
 * options. Throws `PluginLoadError` for an unreadable module or a digest mismatch.
 * @internal
 */
export function prepareCode(
  host: Host,
  options: SandboxOptions & { wasm: ModuleSource },
  base: Pick<VmOptions, "trace" | "extraImports">,
): PluginCode {
  const maxBytes = options.maxMemoryBytes;
  if (maxBytes !== undefined && !(maxBytes >= 0))
    throw new RangeError("maxMemoryBytes must be >= 0");
  const raw = readModule(options.wasm, options.sha256);
  // Hashed only when needed (VM keys of sharing models, the fuel cache): loading stays cheap.
  let digest: string | null = null;
  const sha256 = (): string => (digest ??= sha256Hex(raw));
  const fuel = options.fuel ?? null;
  return {
    bytes: fuel !== null && !isFuelInstrumented(raw) ? host.fuelInstrumented(raw, sha256()) : raw,
    get sha256() {
      return sha256();
    },
    vmOptions: {
      ...base,
      maxMemoryPages: maxBytes === undefined ? undefined : Math.floor(maxBytes / 65536),
      fuelPerCallback: fuel,
      capabilities: capabilitySet(options.allowedCapabilities),
    },
  };
}
