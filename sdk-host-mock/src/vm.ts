/**
 * One wasm VM instance as cpp-host runs it (reference §1): loading (ABI detection, memory cap,
 * compile, instantiate), `_initialize`/`_start` under the restricted-hostcall allow-list (§1.4),
 * calls into the module with trap capture, the allocator, context ids and the effective
 * context. Linking is in `vm-linking.ts`, the hostcall wrapper in `vm-hostcall.ts`, module
 * requirements (ABI markers, callback types) in `vm-signatures.ts`, trace records in
 * `vm-trace.ts`.
 */
import { FailState, type AbiVersion } from "./abi.js";
import { capDefinedMemories, readModuleShape, type ModuleShape } from "./binary.js";
import type { ContextRef } from "./context.js";
import {
  HostTrap,
  PluginLoadError,
  PluginTrapError,
  parseAbortMessage,
  parseWasmStack,
  type WasmFrame,
} from "./errors.js";
import { FuelMeter } from "./fuel.js";
import type { Host } from "./host.js";
import { GuestMemory } from "./memory.js";
import { MetricIds } from "./metrics.js";
import type { Plugin } from "./plugin.js";
import { checkCallbackSignatures, linkImports } from "./vm-linking.js";
import { MAX_MEMORY_PAGES, detectAbiVersion } from "./vm-signatures.js";
import { onVmShutDown } from "./runtime-stats.js";
import { unsignedArgs, type TraceCall, type TraceEntry } from "./vm-trace.js";

export type { TraceCall, TraceEntry, TraceHostcall } from "./vm-trace.js";
export { MAX_MEMORY_PAGES, detectAbiVersion } from "./vm-signatures.js";

/** Extra import functions a test may provide (not part of Envoy; for test harnesses). */
export type ExtraImports = Record<string, Record<string, (...args: never[]) => unknown>>;

/** One host→VM call in progress. @internal */
export interface Frame {
  context: ContextRef;
  effective: ContextRef | null;
}

type AnyFn = (...args: (number | bigint)[]) => unknown;

/** Sandbox settings of one VM (see `docs/sandbox.md`). @internal */
export interface VmOptions {
  trace: boolean;
  extraImports?: ExtraImports;
  /** Most 64 KiB pages a memory of this VM may have (default and upper bound: 1 GiB). */
  maxMemoryPages?: number;
  /** Fuel budget per host→VM callback; requires a module instrumented by `fuel.ts`. */
  fuelPerCallback?: number | null;
  /** cpp-host `allowed_capabilities`; null = everything allowed. */
  capabilities?: ReadonlySet<string> | null;
}

/** The VM of one plugin. @internal */
export class Vm {
  readonly host: Host;
  /** Root contexts (plugins) living in this VM, in load order. */
  readonly roots: Plugin[] = [];
  /** Fuel metering of this VM, or null when the plugin has no CPU limit. */
  readonly fuel: FuelMeter | null;
  /** Most pages a memory of this VM may have. */
  readonly maxMemoryPages: number;
  readonly abiVersion: AbiVersion;
  readonly shape: ModuleShape;
  readonly module: WebAssembly.Module;
  readonly instance: WebAssembly.Instance;
  readonly memory: GuestMemory;
  /** Contexts alive in this VM, by id (the VM context 0 is not included). */
  readonly contexts = new Map<number, ContextRef>();
  readonly vmContext: ContextRef;
  readonly metricIds: MetricIds;
  /** Set while the host runs `_initialize`/`_start` ("start") or the allocator ("malloc"). */
  restriction: "start" | "malloc" | null = null;
  failed = false;
  failure: PluginTrapError | null = null;
  /** cpp-host `stopNextIteration`, set by `proxy_send_local_response`. */
  stopNextIteration = false;
  /** Last `abort:` error log in the current top-level call. */
  abortMessage: string | null = null;
  trace: TraceEntry[] | null;
  readonly hostcallCounts: Record<string, number> = Object.create(null) as Record<string, number>;
  nextHttpCallId = 0;
  nextGrpcCallId = 1;
  nextGrpcStreamId = 2;
  private dnsToken = 0;
  private isShutDown = false;

  private readonly fns = new Map<string, AnyFn>();
  private readonly allocatorName: string;
  /** @internal Host→VM calls in progress, innermost last. */
  readonly frames: Frame[] = [];
  /** @internal True while the module is instantiated (its start section runs). */
  instantiating = false;
  private nextContextId = 1;
  /** Where the memory-section rewrite moved the code (to report original byte offsets). */
  private readonly codeShift: { from: number; delta: number } | null = null;

  constructor(
    readonly owner: Plugin,
    bytes: Uint8Array,
    options: VmOptions,
  ) {
    this.host = owner.host;
    this.trace = options.trace ? [] : null;
    this.vmContext = { id: 0, kind: "vm", plugin: owner, http: null, tcp: null };
    this.metricIds = new MetricIds(owner.host.metricStore);
    this.maxMemoryPages = Math.min(options.maxMemoryPages ?? MAX_MEMORY_PAGES, MAX_MEMORY_PAGES);
    this.fuel =
      options.fuelPerCallback === undefined || options.fuelPerCallback === null
        ? null
        : new FuelMeter(options.fuelPerCallback);
    const capabilities = options.capabilities ?? null;

    let shape: ModuleShape;
    try {
      shape = readModuleShape(bytes);
    } catch (e) {
      throw new PluginLoadError(
        `Failed to load Wasm code: ${(e as Error).message}`,
        FailState.UnableToCreateVm,
        { cause: e },
      );
    }
    this.shape = shape;
    const abi = detectAbiVersion(shape);
    if (abi === null) {
      throw new PluginLoadError(
        "Missing or unknown Proxy-Wasm ABI version",
        FailState.UnableToInitializeCode,
      );
    }
    this.abiVersion = abi;

    // 1 GiB memory cap (§1.2, cpp-host limits.h → V8 --wasm-max-mem-pages): a memory whose
    // initial size is above it cannot be created; a defined memory's maximum is lowered to it by
    // rewriting the memory section, so memory.grow past 1 GiB returns -1 inside the module.
    for (const limits of [
      ...shape.memories,
      ...shape.imports.flatMap((i) => (i.kind === "memory" ? [i.limits] : [])),
    ]) {
      if (limits.min > this.maxMemoryPages) {
        throw new PluginLoadError(
          `Failed to load Wasm code: initial memory size (${limits.min} pages) is larger than ` +
            `implementation limit (${this.maxMemoryPages} pages)`,
          FailState.UnableToCreateVm,
        );
      }
    }
    const { importObject, importedMemory } = linkImports(this, shape, options, capabilities);
    checkCallbackSignatures(shape, abi);
    const exportNames = new Set(
      shape.exports.filter((e) => e.kind === "function").map((e) => e.name),
    );
    if (exportNames.has("malloc")) this.allocatorName = "malloc";
    else if (exportNames.has("proxy_on_memory_allocate"))
      this.allocatorName = "proxy_on_memory_allocate";
    else
      throw new PluginLoadError(
        "Wasm module is missing malloc function.",
        FailState.MissingFunction,
      );

    // The memory cap for defined memories (see above): the compiled binary gets a maximum of
    // 1 GiB; trap offsets are mapped back to the original binary (originalOffsets).
    const capped = capDefinedMemories(bytes, shape, this.maxMemoryPages);
    if (capped !== null) {
      bytes = capped.bytes;
      this.codeShift = { from: capped.shiftFrom, delta: capped.delta };
    }
    try {
      this.module = new WebAssembly.Module(bytes);
    } catch (e) {
      throw new PluginLoadError(
        `Failed to load Wasm code: ${(e as Error).message}`,
        FailState.UnableToCreateVm,
        { cause: e },
      );
    }
    this.instantiating = true;
    try {
      this.instance = new WebAssembly.Instance(this.module, importObject);
    } catch (e) {
      const msg = e instanceof HostTrap ? e.message : (e as Error).message;
      throw new PluginLoadError(
        `Failed to load Wasm module: ${msg}`,
        FailState.UnableToInitializeCode,
        { cause: e },
      );
    } finally {
      this.instantiating = false;
    }
    for (const [name, value] of Object.entries(this.instance.exports)) {
      if (typeof value !== "function") continue;
      // cpp-host `getFunctions` (_GET_PROXY): a `proxy_*` callback outside the allowed
      // capabilities is not looked up, so the host never calls it.
      const gated =
        capabilities !== null &&
        name.startsWith("proxy_") &&
        name !== "proxy_on_memory_allocate" &&
        !capabilities.has(name);
      if (!gated) this.fns.set(name, value as AnyFn);
    }
    const exportedMemory = shape.exports.find((e) => e.kind === "memory");
    const mem = exportedMemory
      ? (this.instance.exports[exportedMemory.name] as WebAssembly.Memory)
      : importedMemory;
    if (!mem)
      throw new PluginLoadError("Wasm module has no memory", FailState.UnableToInitializeCode);
    this.memory = new GuestMemory(mem, (size) => this.allocate(size));
  }

  /**
   * The plugin the current context belongs to (several root contexts may share one VM); the
   * VM's first plugin outside calls.
   */
  get plugin(): Plugin {
    return this.current().plugin;
  }

  /** True if the module exports this function. */
  has(name: string): boolean {
    return this.fns.has(name);
  }

  /**
   * cpp-host `startVm` (§1.3 step 4): `_initialize` (+ `main(0,0)` or `__main_void()`) or
   * `_start`, in the VM context with the restricted hostcall set.
   */
  startVm(): void {
    this.restriction = "start";
    try {
      if (this.fns.has("_initialize")) {
        this.call("_initialize", this.vmContext, []);
        if (this.fns.has("main")) this.call("main", this.vmContext, [0, 0]);
        else if (this.fns.has("__main_void")) this.call("__main_void", this.vmContext, []);
      } else if (this.fns.has("_start")) {
        this.call("_start", this.vmContext, []);
      }
    } finally {
      this.restriction = null;
    }
  }

  /** Allocates the next free context id (1, 2, 3, … skipping ids in use). */
  allocContextId(): number {
    while (this.contexts.has(this.nextContextId) || this.nextContextId === 0) this.nextContextId++;
    return this.nextContextId++;
  }

  /** The context hostcalls currently act on (effective context if set). */
  current(): ContextRef {
    const f = this.frames[this.frames.length - 1];
    if (!f) return this.vmContext;
    if (f.effective !== null && this.contexts.has(f.effective.id)) return f.effective;
    return f.context;
  }

  /** `proxy_set_effective_context` for the current host→VM call. */
  setEffective(ctx: ContextRef): void {
    const f = this.frames[this.frames.length - 1];
    if (f) f.effective = ctx;
  }

  /** True while a host→VM call is running. */
  get inCall(): boolean {
    return this.frames.length > 0;
  }

  /**
   * Calls an export (if present) for `context`; returns its raw result as u32, null for void,
   * undefined if the export is absent. A trap fails the VM and throws {@link PluginTrapError}.
   */
  call(name: string, context: ContextRef, args: (number | bigint)[]): number | null | undefined {
    const f = this.fns.get(name);
    if (f === undefined) return undefined;
    const outer = this.frames.length === 0;
    if (outer) {
      this.stopNextIteration = false;
      this.abortMessage = null;
      this.fuel?.refill();
    }
    const wasFailed = this.failed;
    const entry: TraceCall | null =
      this.trace === null
        ? null
        : { kind: "call", fn: name, contextId: context.id, args: unsignedArgs(args), ret: null };
    if (entry !== null) this.trace!.push(entry);
    this.frames.push({ context, effective: null });
    // strict mode of the root the call is for (several roots may share a VM)
    const strict = context.plugin.strictMonitor;
    strict?.callStart(name, context);
    let ret: unknown;
    try {
      ret = f(...args);
    } catch (e) {
      const error = this.trapped(name, args, e);
      if (entry !== null) entry.trap = error instanceof Error ? error.message : String(error);
      strict?.callEnd(name, context, null, error);
      throw error;
    } finally {
      this.frames.pop();
    }
    const value = typeof ret === "number" ? ret >>> 0 : null;
    strict?.callEnd(name, context, value, null);
    if (entry !== null) entry.ret = value;
    if (this.failed && !wasFailed && this.failure) throw this.failure;
    return value;
  }

  /** Calls the module allocator (§1.7); 0 on failure (a trap there fails the VM). */
  allocate(size: number): number {
    const f = this.fns.get(this.allocatorName)!;
    const prev = this.restriction;
    this.restriction = "malloc";
    if (this.frames.length === 0) this.fuel?.refill();
    this.frames.push({ context: this.vmContext, effective: null });
    try {
      return (f(size) as number) >>> 0;
    } catch (e) {
      const err = this.trapped(this.allocatorName, [size], e);
      if (!(err instanceof PluginTrapError)) throw err;
      return 0;
    } finally {
      this.frames.pop();
      this.restriction = prev;
    }
  }

  /** Envoy `Wasm::nextDnsToken`: per-VM u32 counter, skipping 0. */
  nextDnsToken(): number {
    do this.dnsToken = (this.dnsToken + 1) >>> 0;
    while (this.dnsToken === 0);
    return this.dnsToken;
  }

  /**
   * Takes a root context out of {@link roots} (deleted, or moved to a reloaded VM); the VM goes
   * away with its last root (Envoy's Wasm object is destroyed: `active` stat lowered).
   */
  removeRoot(root: Plugin): void {
    const i = this.roots.indexOf(root);
    if (i < 0) return;
    this.roots.splice(i, 1);
    if (this.roots.length === 0) this.shutDown();
  }

  /** The VM is gone for good (load failure, last root left): counted once. */
  shutDown(): void {
    if (this.isShutDown) return;
    this.isShutDown = true;
    onVmShutDown(this.host);
  }

  /** Registers a new context id. */
  addContext(ctx: ContextRef): void {
    this.contexts.set(ctx.id, ctx);
  }

  /** Forgets a context id. */
  removeContext(id: number): void {
    this.contexts.delete(id);
  }

  private trapped(name: string, args: (number | bigint)[], e: unknown): unknown {
    const isTrap =
      e instanceof HostTrap ||
      e instanceof WebAssembly.RuntimeError ||
      (e instanceof RangeError && /call stack/i.test(e.message));
    if (!isTrap) return e;
    if (this.failed && this.failure && e === this.failure.cause) return this.failure;
    const trapMessage = (e as Error).message;
    const abort = this.abortMessage !== null ? parseAbortMessage(this.abortMessage) : null;
    const err = new PluginTrapError({
      exportName: name,
      args: [...args],
      trapMessage,
      pluginMessage: abort ? abort.message : null,
      pluginLocation: abort ? abort.location : null,
      wasmStack: this.originalOffsets(parseWasmStack((e as Error).stack)),
      cause: e,
    });
    if (!this.failed) {
      this.failed = true;
      this.failure = err;
      // The plugin whose context was running is the one that crashed; every root of the VM
      // loses its VM.
      const culprit = this.current().plugin;
      culprit.recordCrash(err, this);
      for (const root of new Set([this.owner, ...this.roots])) root.onVmFailed(err);
    }
    return err;
  }

  /** Maps byte offsets of the (memory-capped) compiled binary back to the original binary. */
  private originalOffsets(frames: WasmFrame[]): WasmFrame[] {
    const shift = this.codeShift;
    if (shift === null) return frames;
    return frames.map((f) =>
      f.offset !== null && f.offset >= shift.from ? { ...f, offset: f.offset - shift.delta } : f,
    );
  }
}
