/**
 * One wasm VM instance as cpp-host runs it (reference §1): ABI detection, linking of exactly the
 * version's hostcall set, signature checks, instantiation, `_initialize`/`_start` with the V8
 * restricted-hostcall allow-list (§1.4), calls into the module with trap capture, context ids and
 * the effective context.
 */
import { FailState, WasmResult, wasmResultName, type AbiVersion } from "./abi.js";
import {
  capDefinedMemories,
  readModuleShape,
  printValTypes,
  sameFuncType,
  type FuncType,
  type ModuleShape,
  type ValType,
} from "./binary.js";
import type { ContextRef } from "./context.js";
import {
  HostTrap,
  PluginLoadError,
  PluginTrapError,
  parseAbortMessage,
  parseWasmStack,
  type WasmFrame,
} from "./errors.js";
import { GuestMemory } from "./memory.js";
import { defineOwn } from "./properties.js";
import { MetricIds } from "./metrics.js";
import type { LogRecord, Plugin } from "./plugin.js";
import { decodeHostcallArgs, decodeHostcallOut, type DecodedFields } from "./trace-decode.js";
import type { Host } from "./host.js";
import { ALL_HOSTCALLS, type HostcallDef } from "./hostcalls/index.js";
import { isCapabilityGated, restrictedStub } from "./capabilities.js";
import { FUEL_IMPORT, FuelMeter } from "./fuel.js";

/**
 * A host→plugin call in {@link Vm.trace}. It is recorded when the call starts, so the hostcalls
 * it makes follow it in the trace; `ret` is filled in when it returns.
 */
export interface TraceCall {
  kind: "call";
  /** Export name. */
  fn: string;
  /** Context the call was made for (0 = VM context). */
  contextId: number;
  /** Arguments; i32 values as unsigned 32-bit numbers, i64 values as bigint. */
  args: (number | bigint)[];
  /** Raw return value (u32), or null for void exports (and while the call runs). */
  ret: number | null;
  /** The trap message when the call trapped. */
  trap?: string;
}

/** A plugin→host call in {@link Vm.trace}. */
export interface TraceHostcall {
  kind: "hostcall";
  /** `proxy_*` name, `env.<name>` for other env imports, `<wasi module>.<name>` for WASI. */
  fn: string;
  /** Context the hostcall acted for (current or effective). */
  contextId: number;
  /** Raw arguments (pointers not decoded); i32 values as unsigned 32-bit numbers. */
  args: (number | bigint)[];
  /** WasmResult name for `proxy_*`, errno for WASI, null for void. */
  result: string | number | null;
  /** Decoded arguments (strings, header pairs; pointers omitted), read at call time. */
  decodedArgs?: DecodedFields;
  /** Decoded outputs the host wrote (values, tokens, ids), when there are any. */
  decodedOut?: DecodedFields;
  /** Log records the hostcall produced (`proxy_log`, WASI `fd_write`). */
  logs?: LogRecord[];
}

/** An entry of the call trace. */
export type TraceEntry = TraceCall | TraceHostcall;

/** Trace arguments: i32 values as unsigned 32-bit numbers (as the host reads them), i64 as is. */
function unsignedArgs(args: readonly unknown[]): (number | bigint)[] {
  return args.map((a) => (typeof a === "number" ? a >>> 0 : (a as bigint)));
}

const i32: ValType = "i32";
const fn = (params: ValType[], results: ValType[] = []): FuncType => ({ params, results });
const ints = (n: number): ValType[] => Array<ValType>(n).fill(i32);

/**
 * Expected types of exported callbacks per ABI version (reference §2.1), including Envoy's
 * `envoy_on_resolve_dns` / `envoy_on_stats_update` (Envoy `Wasm::getFunctions` looks them up with
 * the same signature check). A Map, so export names like `toString` are not "known callbacks".
 */
function callbackTypes(abi: AbiVersion): Map<string, FuncType> {
  const headersArity = abi === "0.1.0" ? 2 : 3;
  const t: Record<string, FuncType> = {
    malloc: fn([i32], [i32]),
    proxy_on_memory_allocate: fn([i32], [i32]),
    _initialize: fn([]),
    _start: fn([]),
    main: fn([i32, i32], [i32]),
    __main_void: fn([], [i32]),
    proxy_on_context_create: fn(ints(2)),
    proxy_on_vm_start: fn(ints(2), [i32]),
    proxy_validate_configuration: fn(ints(2), [i32]),
    proxy_on_configure: fn(ints(2), [i32]),
    proxy_on_tick: fn(ints(1)),
    proxy_on_new_connection: fn(ints(1), [i32]),
    proxy_on_downstream_data: fn(ints(3), [i32]),
    proxy_on_upstream_data: fn(ints(3), [i32]),
    proxy_on_downstream_connection_close: fn(ints(2)),
    proxy_on_upstream_connection_close: fn(ints(2)),
    proxy_on_request_headers: fn(ints(headersArity), [i32]),
    proxy_on_request_body: fn(ints(3), [i32]),
    proxy_on_request_trailers: fn(ints(2), [i32]),
    proxy_on_request_metadata: fn(ints(2), [i32]),
    proxy_on_response_headers: fn(ints(headersArity), [i32]),
    proxy_on_response_body: fn(ints(3), [i32]),
    proxy_on_response_trailers: fn(ints(2), [i32]),
    proxy_on_response_metadata: fn(ints(2), [i32]),
    proxy_on_http_call_response: fn(ints(5)),
    proxy_on_grpc_receive_initial_metadata: fn(ints(3)),
    proxy_on_grpc_receive: fn(ints(3)),
    proxy_on_grpc_receive_trailing_metadata: fn(ints(3)),
    proxy_on_grpc_close: fn(ints(3)),
    proxy_on_queue_ready: fn(ints(2)),
    proxy_on_done: fn(ints(1), [i32]),
    proxy_on_log: fn(ints(1)),
    proxy_on_delete: fn(ints(1)),
    envoy_on_resolve_dns: fn(ints(3)),
    envoy_on_stats_update: fn(ints(2)),
  };
  if (abi !== "0.1.0") t.proxy_on_foreign_function = fn(ints(3));
  return new Map(Object.entries(t));
}

const ABI_MARKERS = new Map<string, AbiVersion>([
  ["proxy_abi_version_0_1_0", "0.1.0"],
  ["proxy_abi_version_0_2_0", "0.2.0"],
  ["proxy_abi_version_0_2_1", "0.2.1"],
]);

/** Detects the ABI version: first known marker function export in export order (§1.1). */
export function detectAbiVersion(shape: ModuleShape): AbiVersion | null {
  for (const e of shape.exports) {
    const abi = e.kind === "function" ? ABI_MARKERS.get(e.name) : undefined;
    if (abi !== undefined) return abi;
  }
  return null;
}

/**
 * cpp-host `PROXY_WASM_HOST_MAX_WASM_MEMORY_SIZE_BYTES` (1 GiB) in 64 KiB pages (§1.2). cpp-host
 * hands it to V8 as `--wasm-max-mem-pages`, which caps every memory of the VM.
 */
export const MAX_MEMORY_PAGES = (1024 * 1024 * 1024) / 65536;

/** Extra import functions a test may provide (not part of Envoy; for test harnesses). */
export type ExtraImports = Record<string, Record<string, (...args: never[]) => unknown>>;

interface Frame {
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

  private readonly fns = new Map<string, AnyFn>();
  private readonly allocatorName: string;
  private readonly frames: Frame[] = [];
  private instantiating = false;
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
    // Link: only this version's hostcalls (+ pthread_equal, emscripten_notify_memory_growth, WASI).
    const available = new Map<string, { def: HostcallDef; module: string }>();
    for (const def of ALL_HOSTCALLS) {
      if (def.versions && !def.versions.includes(abi)) continue;
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
      const setImport = (value: WebAssembly.ImportValue): void =>
        defineOwn(target, imp.name, value);
      if (imp.kind === "function") {
        const extraModule =
          options.extraImports && Object.hasOwn(options.extraImports, imp.module)
            ? options.extraImports[imp.module]
            : undefined;
        const extra =
          extraModule && Object.hasOwn(extraModule, imp.name) ? extraModule[imp.name] : undefined;
        if (this.fuel !== null && qualified === FUEL_IMPORT) {
          const meter = this.fuel;
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
          this.wrapHostcall(
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
              limits.max === null ? this.maxMemoryPages : Math.min(limits.max, this.maxMemoryPages);
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

    // Exported callbacks must have the types of this ABI version.
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

  /** Takes a root context out of {@link roots} (deleted, or moved to a reloaded VM). */
  removeRoot(root: Plugin): void {
    const i = this.roots.indexOf(root);
    if (i >= 0) this.roots.splice(i, 1);
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

  /**
   * Wraps a hostcall implementation. No JS exception escapes into the module: an unexpected one
   * (a host-mock bug, or a throwing test hook such as a user foreign function or an allocator
   * hook) is handed to {@link Host} — which rethrows it from the driving method once the current
   * host event is over — and the module gets `InternalFailure` (WASI: errno 29 EIO, which
   * cpp-host itself never returns). Traps (`restricted_callback`, wasm traps, stack exhaustion)
   * and {@link PluginTrapError}s still propagate, as they must unwind the module.
   */
  private wrapHostcall(
    traceName: string,
    def: HostcallDef,
    restricted = false,
  ): (...args: (number | bigint)[]) => unknown {
    const impl = restricted ? restrictedStub(def, this) : def.impl(this);
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
        this.host.reportHostError(e);
        return failure;
      }
    };
    return (...args: (number | bigint)[]) => {
      // strict mode of the root whose callback is running (several roots may share a VM)
      const strict = (this.frames[this.frames.length - 1]?.context ?? this.vmContext).plugin
        .strictMonitor;
      if (this.instantiating) {
        strict?.restricted(traceName, "start section");
        throw new HostTrap(
          `${traceName} was called from the wasm start section during instantiation; cpp-host has no current context there (may crash Envoy). Keep top-level code hostcall-free or use --exportStart _initialize`,
        );
      }
      const r = this.restriction;
      if (r !== null && !(r === "start" ? def.allowedAtStart : def.allowedInAllocator)) {
        strict?.restricted(traceName, r);
        throw new HostTrap("restricted_callback");
      }
      this.hostcallCounts[traceName] = (this.hostcallCounts[traceName] ?? 0) + 1;
      if (this.trace === null) {
        if (strict === null) return call(...args);
        const ctx = this.current();
        const result = call(...args);
        strict.hostcall(traceName, args, result, ctx);
        return result;
      }
      const ctx = this.current();
      const contextId = ctx.id;
      const decodedArgs = decodeHostcallArgs(this, traceName, args);
      const logCount = this.plugin.logs.length;
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
      const out = decodeHostcallOut(this, traceName, args, result, decodedArgs);
      if (out !== undefined) entry.decodedOut = out;
      if (this.plugin.logs.length > logCount) entry.logs = this.plugin.logs.slice(logCount);
      this.trace.push(entry);
      strict?.hostcall(traceName, args, result, ctx);
      return result;
    };
  }
}
