/**
 * Minimal reader for the parts of a wasm binary the host must inspect before instantiation:
 * function types of imports and exports (JS `WebAssembly.Module.imports()` does not give
 * types), the export order (ABI marker detection, reference §1.1) and import limits.
 */

/** A wasm value type as written by cpp-host (`i32`, `i64`, `f32`, `f64`, ...). */
export type ValType = "i32" | "i64" | "f32" | "f64" | "v128" | "funcref" | "externref";

/** A function type. */
export interface FuncType {
  params: ValType[];
  results: ValType[];
}

/** Memory or table limits. */
export interface Limits {
  min: number;
  max: number | null;
  shared: boolean;
  /** memory64 flag (a proposal; cpp-host runs wasm32 only). */
  memory64: boolean;
}

/** One entry of the import section. */
export type ImportEntry =
  | { module: string; name: string; kind: "function"; type: FuncType }
  | { module: string; name: string; kind: "table"; limits: Limits }
  | { module: string; name: string; kind: "memory"; limits: Limits }
  | { module: string; name: string; kind: "global" }
  | { module: string; name: string; kind: "tag" };

/** One entry of the export section, in binary order. */
export interface ExportEntry {
  name: string;
  kind: "function" | "table" | "memory" | "global" | "tag";
  /** Set for function exports. */
  type: FuncType | null;
}

/** What the host learns from the binary. */
export interface ModuleShape {
  imports: ImportEntry[];
  exports: ExportEntry[];
  /** Memories defined by the module (memory section), in order. */
  memories: Limits[];
  /** Byte range `[start, end)` of the whole memory section (id, size and payload), if any. */
  memorySection: { start: number; end: number } | null;
}

const VALTYPES: Record<number, ValType> = {
  0x7f: "i32",
  0x7e: "i64",
  0x7d: "f32",
  0x7c: "f64",
  0x7b: "v128",
  0x70: "funcref",
  0x6f: "externref",
};

/** Formats a type list the way cpp-host prints it (`i32 i32`, or `void` when empty). */
export function printValTypes(types: readonly ValType[]): string {
  return types.length === 0 ? "void" : types.join(" ");
}

/** Compares two function types. */
export function sameFuncType(a: FuncType, b: FuncType): boolean {
  return (
    a.params.length === b.params.length &&
    a.results.length === b.results.length &&
    a.params.every((t, i) => t === b.params[i]) &&
    a.results.every((t, i) => t === b.results[i])
  );
}

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.bytes.length) throw new Error("unexpected end of wasm binary");
    return this.bytes[this.pos++];
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) throw new Error("bad LEB128 in wasm binary");
    }
  }
  name(): string {
    const len = this.u32();
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }
  valtype(): ValType {
    const b = this.byte();
    const t = VALTYPES[b];
    if (!t) throw new Error(`unsupported value type 0x${b.toString(16)}`);
    return t;
  }
  limits(): Limits {
    const flags = this.byte();
    const min = this.u32();
    const max = flags & 1 ? this.u32() : null;
    return { min, max, shared: (flags & 2) !== 0, memory64: (flags & 4) !== 0 };
  }
}

/** Parses the type, import, function and export sections of a wasm binary. */
export function readModuleShape(bytes: Uint8Array): ModuleShape {
  const r = new Reader(bytes);
  if (
    bytes.length < 8 ||
    bytes[0] !== 0 ||
    bytes[1] !== 0x61 ||
    bytes[2] !== 0x73 ||
    bytes[3] !== 0x6d
  ) {
    throw new Error("not a wasm binary (bad magic)");
  }
  r.pos = 8;
  const types: FuncType[] = [];
  const imports: ImportEntry[] = [];
  const importedFuncTypes: FuncType[] = [];
  const definedFuncTypes: FuncType[] = [];
  const rawExports: { name: string; kind: number; index: number }[] = [];
  const memories: Limits[] = [];
  let memorySection: { start: number; end: number } | null = null;
  while (r.pos < bytes.length) {
    const start = r.pos;
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (id === 5) {
      memorySection = { start, end };
      const n = r.u32();
      for (let i = 0; i < n; i++) memories.push(r.limits());
    } else if (id === 1) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const form = r.byte();
        if (form !== 0x60) throw new Error(`unsupported type form 0x${form.toString(16)}`);
        const np = r.u32();
        const params: ValType[] = [];
        for (let j = 0; j < np; j++) params.push(r.valtype());
        const nr = r.u32();
        const results: ValType[] = [];
        for (let j = 0; j < nr; j++) results.push(r.valtype());
        types.push({ params, results });
      }
    } else if (id === 2) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const module = r.name();
        const name = r.name();
        const kind = r.byte();
        if (kind === 0) {
          const type = types[r.u32()] ?? { params: [], results: [] };
          imports.push({ module, name, kind: "function", type });
          importedFuncTypes.push(type);
        } else if (kind === 1) {
          r.byte(); // reftype
          imports.push({ module, name, kind: "table", limits: r.limits() });
        } else if (kind === 2) {
          imports.push({ module, name, kind: "memory", limits: r.limits() });
        } else if (kind === 3) {
          r.valtype();
          r.byte();
          imports.push({ module, name, kind: "global" });
        } else if (kind === 4) {
          r.byte();
          r.u32();
          imports.push({ module, name, kind: "tag" });
        } else {
          throw new Error(`unsupported import kind ${kind}`);
        }
      }
    } else if (id === 3) {
      const n = r.u32();
      for (let i = 0; i < n; i++) definedFuncTypes.push(types[r.u32()]);
    } else if (id === 7) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const name = r.name();
        const kind = r.byte();
        const index = r.u32();
        rawExports.push({ name, kind, index });
      }
    }
    r.pos = end;
  }
  const kinds = ["function", "table", "memory", "global", "tag"] as const;
  const exports: ExportEntry[] = rawExports.map((e) => {
    const kind = kinds[e.kind] ?? "global";
    let type: FuncType | null = null;
    if (kind === "function") {
      type =
        e.index < importedFuncTypes.length
          ? importedFuncTypes[e.index]
          : (definedFuncTypes[e.index - importedFuncTypes.length] ?? null);
    }
    return { name: e.name, kind, type };
  });
  return { imports, exports, memories, memorySection };
}

/** Unsigned LEB128. */
function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

/** The largest page count a wasm32 memory may declare (4 GiB). */
const SPEC_MAX_PAGES = 65536;

/**
 * Rewrites the memory section so that no defined (wasm32) memory can grow past `maxPages`: a
 * missing maximum becomes `maxPages`, a larger one is lowered to it. This is what V8's
 * `--wasm-max-mem-pages` (set by cpp-host to 1 GiB / 64 KiB) does for every memory: `memory.grow`
 * beyond the cap returns -1. Declarations V8 would reject anyway (maximum above the wasm32 limit,
 * memory64) are left alone so that compilation still fails. Returns null when nothing changes;
 * otherwise the new bytes and where the following bytes moved (`shiftFrom` in the new binary,
 * by `delta` bytes) so that code offsets can be mapped back to the original binary.
 */
export function capDefinedMemories(
  bytes: Uint8Array,
  shape: ModuleShape,
  maxPages: number,
): { bytes: Uint8Array; shiftFrom: number; delta: number } | null {
  const sec = shape.memorySection;
  if (sec === null) return null;
  const capped = shape.memories.map((m): Limits => {
    if (m.memory64 || (m.max !== null && m.max > SPEC_MAX_PAGES)) return m;
    if (m.max !== null && m.max <= maxPages) return m;
    return { ...m, max: maxPages };
  });
  if (capped.every((m, i) => m === shape.memories[i])) return null;
  const payload: number[] = [...leb(capped.length)];
  for (const m of capped) {
    payload.push((m.max !== null ? 1 : 0) | (m.shared ? 2 : 0) | (m.memory64 ? 4 : 0));
    payload.push(...leb(m.min));
    if (m.max !== null) payload.push(...leb(m.max));
  }
  const section = [5, ...leb(payload.length), ...payload];
  const out = new Uint8Array(bytes.length - (sec.end - sec.start) + section.length);
  out.set(bytes.subarray(0, sec.start), 0);
  out.set(section, sec.start);
  out.set(bytes.subarray(sec.end), sec.start + section.length);
  const delta = section.length - (sec.end - sec.start);
  return { bytes: out, shiftFrom: sec.start + section.length, delta };
}
