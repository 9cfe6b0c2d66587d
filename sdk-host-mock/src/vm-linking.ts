/**
 * Linking a module into a VM as cpp-host does (reference §1.2, §2.1): only the hostcalls of the
 * module's ABI version (+ WASI and the few extras cpp-host registers), import type checks with
 * cpp-host's wording, imported memories and tables under the memory cap, the fuel import, the
 * test harness's extra imports, and the type check of exported callbacks.
 */
import { FailState, type AbiVersion } from "./abi.js";
import { printValTypes, sameFuncType, type ModuleShape } from "./binary.js";
import { isCapabilityGated } from "./capabilities.js";
import { PluginLoadError } from "./errors.js";
import { FUEL_IMPORT } from "./fuel.js";
import { ALL_HOSTCALLS, type HostcallDef } from "./hostcalls/index.js";
import { defineOwn } from "./properties.js";
import type { Vm, VmOptions } from "./vm.js";
import { wrapHostcall } from "./vm-hostcall.js";
import { callbackTypes, fn } from "./vm-signatures.js";

/** The import object of `shape` for `vm`; throws `PluginLoadError` for what cpp-host rejects. */
export function linkImports(
  vm: Vm,
  shape: ModuleShape,
  options: VmOptions,
  capabilities: ReadonlySet<string> | null,
): {
  importObject: Record<string, Record<string, WebAssembly.ImportValue>>;
  importedMemory: WebAssembly.Memory | null;
} {
  // Link: only this version's hostcalls (+ pthread_equal, emscripten_notify_memory_growth, WASI).
  const available = new Map<string, { def: HostcallDef; module: string }>();
  for (const def of ALL_HOSTCALLS) {
    if (def.versions && !def.versions.includes(vm.abiVersion)) continue;
    const modules = def.module === "wasi" ? ["wasi_snapshot_preview1", "wasi_unstable"] : ["env"];
    for (const m of modules) available.set(`${m}.${def.name}`, { def, module: m });
  }
  // Null-prototype objects and own-key lookups: a module named "__proto__" or "constructor" (or
  // an import named "toString") must not resolve to Object.prototype members.
  const importObject = Object.create(null) as Record<
    string,
    Record<string, WebAssembly.ImportValue>
  >;
  let importedMemory: WebAssembly.Memory | null = null;
  for (const imp of shape.imports) {
    const qualified = `${imp.module}.${imp.name}`;
    if (!Object.hasOwn(importObject, imp.module)) {
      defineOwn(importObject, imp.module, Object.create(null) as Record<string, never>);
    }
    const target = importObject[imp.module];
    const setImport = (value: WebAssembly.ImportValue): void => defineOwn(target, imp.name, value);
    if (imp.kind === "function") {
      const extraModule =
        options.extraImports && Object.hasOwn(options.extraImports, imp.module)
          ? options.extraImports[imp.module]
          : undefined;
      const extra =
        extraModule && Object.hasOwn(extraModule, imp.name) ? extraModule[imp.name] : undefined;
      if (vm.fuel !== null && qualified === FUEL_IMPORT) {
        const meter = vm.fuel;
        setImport(() => meter.consume());
        continue;
      }
      if (typeof extra === "function") {
        setImport(extra as unknown as WebAssembly.ImportValue);
        continue;
      }
      const entry = available.get(qualified);
      if (!entry) {
        throw new PluginLoadError(
          `Failed to load Wasm module due to a missing import: ${qualified}`,
          FailState.UnableToInitializeCode,
        );
      }
      const want = fn(entry.def.params, entry.def.results);
      if (!sameFuncType(want, imp.type)) {
        throw new PluginLoadError(
          `Failed to load Wasm module due to an import type mismatch for ${qualified}, want: ` +
            `${printValTypes(want.params)} -> ${printValTypes(want.results)}, but host exports: ` +
            `${printValTypes(imp.type.params)} -> ${printValTypes(imp.type.results)}`,
          FailState.UnableToInitializeCode,
        );
      }
      setImport(
        wrapHostcall(
          vm,
          entry.module === "env" && entry.def.name.startsWith("proxy_")
            ? entry.def.name
            : qualified,
          entry.def,
          capabilities !== null &&
            isCapabilityGated(entry.def) &&
            !capabilities.has(entry.def.name),
        ),
      );
    } else if (imp.kind === "memory" || imp.kind === "table") {
      const limits = imp.limits;
      try {
        if (imp.kind === "memory") {
          // Created with the module's declared limits, capped like V8 under cpp-host (§1.2).
          const max =
            limits.max === null ? vm.maxMemoryPages : Math.min(limits.max, vm.maxMemoryPages);
          importedMemory = new WebAssembly.Memory({
            initial: limits.min,
            maximum: max,
            ...(limits.shared ? { shared: true } : {}),
          } as WebAssembly.MemoryDescriptor);
          setImport(importedMemory);
        } else {
          setImport(
            new WebAssembly.Table({
              initial: limits.min,
              ...(limits.max !== null ? { maximum: limits.max } : {}),
              element: "anyfunc",
            }),
          );
        }
      } catch (e) {
        throw new PluginLoadError(
          `Failed to load Wasm module: ${(e as Error).message}`,
          FailState.UnableToInitializeCode,
          { cause: e },
        );
      }
    } else {
      throw new PluginLoadError(
        `Failed to load Wasm module due to a missing import: ${qualified}`,
        FailState.UnableToInitializeCode,
      );
    }
  }
  return { importObject, importedMemory };
}

/** Exported callbacks must have the types of this ABI version (cpp-host "Bad function signature"). */
export function checkCallbackSignatures(shape: ModuleShape, abi: AbiVersion): void {
  const expected = callbackTypes(abi);
  for (const e of shape.exports) {
    const want = e.kind === "function" ? expected.get(e.name) : undefined;
    if (want === undefined || e.type === null) continue;
    if (!sameFuncType(want, e.type)) {
      throw new PluginLoadError(
        `Bad function signature for: ${e.name}, want: ${printValTypes(want.params)} -> ` +
          `${printValTypes(want.results)}, but the module exports: ${printValTypes(e.type.params)} -> ` +
          `${printValTypes(e.type.results)}`,
        FailState.UnableToInitializeCode,
      );
    }
  }
}
