/**
 * How a plugin's call of a hostcall runs (reference §1.4, §1.6): the V8 restricted-hostcall
 * allow-list during `_start` and the allocator, the start-section guard, hostcall counts, the
 * trace record with decoded arguments, strict-mode observation, and the guard that turns an
 * unexpected host exception into `InternalFailure` instead of unwinding the module.
 */
import { WasmResult, wasmResultName } from "./abi.js";
import { restrictedStub } from "./capabilities.js";
import { HostTrap, PluginTrapError } from "./errors.js";
import type { HostcallDef } from "./hostcalls/index.js";
import { decodeHostcallArgs, decodeHostcallOut } from "./trace-decode.js";
import type { Vm } from "./vm.js";
import { unsignedArgs, type TraceHostcall } from "./vm-trace.js";

/**
 * Wraps a hostcall implementation. No JS exception escapes into the module: an unexpected one
 * (a host-mock bug, or a throwing test hook such as a user foreign function or an allocator
 * hook) is handed to {@link Host} — which rethrows it from the driving method once the current
 * host event is over — and the module gets `InternalFailure` (WASI: errno 29 EIO, which
 * cpp-host itself never returns). Traps (`restricted_callback`, wasm traps, stack exhaustion)
 * and {@link PluginTrapError}s still propagate, as they must unwind the module.
 */
export function wrapHostcall(
  vm: Vm,
  traceName: string,
  def: HostcallDef,
  restricted = false,
): (...args: (number | bigint)[]) => unknown {
  const impl = restricted ? restrictedStub(def, vm) : def.impl(vm);
  const resultKind = def.resultKind;
  const unguarded = impl as unknown as (...args: (number | bigint)[]) => unknown;
  const failure =
    def.results.length === 0
      ? undefined
      : resultKind === "wasm"
        ? WasmResult.InternalFailure
        : resultKind === "errno"
          ? 29
          : 0;
  const call = (...args: (number | bigint)[]): unknown => {
    try {
      return unguarded(...args);
    } catch (e) {
      if (
        e instanceof HostTrap ||
        e instanceof PluginTrapError ||
        e instanceof WebAssembly.RuntimeError ||
        (e instanceof RangeError && /call stack/i.test(e.message))
      )
        throw e;
      vm.host.reportHostError(e);
      return failure;
    }
  };
  return (...args: (number | bigint)[]) => {
    // strict mode of the root whose callback is running (several roots may share a VM)
    const strict = (vm.frames[vm.frames.length - 1]?.context ?? vm.vmContext).plugin.strictMonitor;
    if (vm.instantiating) {
      strict?.restricted(traceName, "start section");
      throw new HostTrap(
        `${traceName} was called from the wasm start section during instantiation; cpp-host has no current context there (may crash Envoy). Keep top-level code hostcall-free or use --exportStart _initialize`,
      );
    }
    const r = vm.restriction;
    if (r !== null && !(r === "start" ? def.allowedAtStart : def.allowedInAllocator)) {
      strict?.restricted(traceName, r);
      throw new HostTrap("restricted_callback");
    }
    vm.hostcallCounts[traceName] = (vm.hostcallCounts[traceName] ?? 0) + 1;
    if (vm.trace === null) {
      if (strict === null) return call(...args);
      const ctx = vm.current();
      const result = call(...args);
      strict.hostcall(traceName, args, result, ctx);
      return result;
    }
    const ctx = vm.current();
    const contextId = ctx.id;
    const decodedArgs = decodeHostcallArgs(vm, traceName, args);
    const logCount = vm.plugin.logs.length;
    const result = call(...args);
    const entry: TraceHostcall = {
      kind: "hostcall",
      fn: traceName,
      contextId,
      args: unsignedArgs(args),
      result:
        resultKind === "wasm"
          ? wasmResultName(result as number)
          : resultKind === "errno"
            ? (result as number)
            : null,
      decodedArgs,
    };
    const out = decodeHostcallOut(vm, traceName, args, result, decodedArgs);
    if (out !== undefined) entry.decodedOut = out;
    if (vm.plugin.logs.length > logCount) entry.logs = vm.plugin.logs.slice(logCount);
    vm.trace.push(entry);
    strict?.hostcall(traceName, args, result, ctx);
    return result;
  };
}
