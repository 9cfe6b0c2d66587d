/**
 * Child-process entry of `fuel.ts`: reads a wasm module on stdin, inserts a call to the private
 * import {@link FUEL_MODULE}.{@link FUEL_NAME} at the start of every defined function and at the
 * top of every loop body (so one call = one function entry or one loop iteration, the documented
 * fuel unit), and writes the module on stdout, keeping the name section so plugin stacks keep
 * their names. Exit code 1 with the reason on stderr when binaryen cannot read the module or it
 * contains an instruction kind this walker does not know (then no loop can be missed silently).
 *
 * Written with binaryen's module API rather than its `log-execution` pass: the pass also counts
 * function exits, crashes on a module without function imports, and puts its import in the
 * module of an existing import (e.g. `wasi_snapshot_preview1`), which no host provides.
 */
import { readFileSync, writeSync } from "node:fs";
import { FUEL_MODULE, FUEL_NAME } from "./fuel.js";

type Ref = number;
interface BinaryenModule {
  setFeatures(features: number): void;
  getNumFunctions(): number;
  getFunctionByIndex(index: number): Ref;
  getFunction(name: string): Ref;
  addFunctionImport(
    internalName: string,
    moduleName: string,
    baseName: string,
    params: number,
    results: number,
  ): void;
  call(name: string, operands: Ref[], results: number): Ref;
  block(label: string | null, children: Ref[], type?: number): Ref;
  emitBinary(): Uint8Array;
  dispose(): void;
}
interface Binaryen {
  setDebugInfo(on: boolean): void;
  readBinary(bytes: Uint8Array): BinaryenModule;
  getFunctionInfo(func: Ref): { name: string; module: string | null; body: Ref };
  getExpressionId(expr: Ref): number;
  getExpressionInfo(expr: Ref): Record<string, unknown> & { id: number; type: number };
  Function: { setBody(func: Ref, body: Ref): void };
  Loop: { setBody(loop: Ref, body: Ref): void };
  Features: { All: number };
  none: number;
  [id: string]: unknown;
}

/**
 * Child expressions of each expression kind (binaryen `getExpressionInfo` fields). Kinds absent
 * here (GC, strings, stack switching) make instrumentation fail instead of skipping their loops.
 */
const CHILDREN: Record<string, string[]> = {
  BlockId: ["children"],
  IfId: ["condition", "ifTrue", "ifFalse"],
  LoopId: ["body"],
  BreakId: ["condition", "value"],
  SwitchId: ["condition", "value"],
  CallId: ["operands"],
  CallIndirectId: ["target", "operands"],
  LocalGetId: [],
  LocalSetId: ["value"],
  GlobalGetId: [],
  GlobalSetId: ["value"],
  TableGetId: ["index"],
  TableSetId: ["index", "value"],
  TableSizeId: [],
  TableGrowId: ["value", "delta"],
  LoadId: ["ptr"],
  StoreId: ["ptr", "value"],
  ConstId: [],
  UnaryId: ["value"],
  BinaryId: ["left", "right"],
  SelectId: ["ifTrue", "ifFalse", "condition"],
  DropId: ["value"],
  ReturnId: ["value"],
  PopId: [],
  NopId: [],
  UnreachableId: [],
  MemorySizeId: [],
  MemoryGrowId: ["delta"],
  AtomicRMWId: ["ptr", "value"],
  AtomicCmpxchgId: ["ptr", "expected", "replacement"],
  AtomicWaitId: ["ptr", "expected", "timeout"],
  AtomicNotifyId: ["ptr", "notifyCount"],
  AtomicFenceId: [],
  SIMDExtractId: ["vec"],
  SIMDReplaceId: ["vec", "value"],
  SIMDShuffleId: ["left", "right"],
  SIMDTernaryId: ["a", "b", "c"],
  SIMDShiftId: ["vec", "shift"],
  SIMDLoadId: ["ptr"],
  SIMDLoadStoreLaneId: ["ptr", "vec"],
  MemoryInitId: ["dest", "offset", "size"],
  DataDropId: [],
  MemoryCopyId: ["dest", "source", "size"],
  MemoryFillId: ["dest", "value", "size"],
  RefNullId: [],
  RefIsNullId: ["value"],
  RefAsId: ["value"],
  RefFuncId: [],
  RefEqId: ["left", "right"],
  TryId: ["body", "catchBodies"],
  ThrowId: ["operands"],
  RethrowId: [],
  TupleMakeId: ["operands"],
  TupleExtractId: ["tuple"],
};

/** Instruments `input` (see the file comment) and returns the new module bytes. */
function instrument(binaryen: Binaryen, input: Uint8Array): Uint8Array {
  const children = new Map<number, string[]>();
  for (const [kind, fields] of Object.entries(CHILDREN)) {
    children.set(binaryen[kind] as number, fields);
  }
  binaryen.setDebugInfo(true);
  const module = binaryen.readBinary(input);
  try {
    module.setFeatures(binaryen.Features.All);
    const loopId = binaryen.LoopId as number;
    let callee = "fuel$consume";
    for (let n = 1; module.getFunction(callee) !== 0; n++) callee = `fuel$consume${n}`;
    const defined: Ref[] = [];
    for (let i = 0; i < module.getNumFunctions(); i++) {
      const func = module.getFunctionByIndex(i);
      if (!binaryen.getFunctionInfo(func).module) defined.push(func);
    }
    module.addFunctionImport(callee, FUEL_MODULE, FUEL_NAME, binaryen.none, binaryen.none);
    const charge = (body: Ref): Ref =>
      module.block(null, [module.call(callee, [], binaryen.none), body]);
    for (const func of defined) {
      const body = binaryen.getFunctionInfo(func).body;
      const stack: Ref[] = [body];
      while (stack.length > 0) {
        const expr = stack.pop() as Ref;
        const id = binaryen.getExpressionId(expr);
        const fields = children.get(id);
        if (fields === undefined) {
          throw new Error(
            `fuel instrumentation does not support expression kind ${id} in function ` +
              binaryen.getFunctionInfo(func).name,
          );
        }
        if (fields.length === 0) continue; // a leaf (most expressions): no info to decode
        const info = binaryen.getExpressionInfo(expr);
        for (const field of fields) {
          const value = info[field];
          if (Array.isArray(value)) for (const child of value) stack.push(child as Ref);
          else if (typeof value === "number" && value !== 0) stack.push(value);
        }
        if (id === loopId) {
          binaryen.Loop.setBody(expr, charge(info.body as Ref));
        }
      }
      binaryen.Function.setBody(func, charge(body));
    }
    return module.emitBinary();
  } finally {
    module.dispose();
  }
}

const input = new Uint8Array(readFileSync(0));
try {
  const binaryen = ((await import("binaryen" as string)) as { default: Binaryen }).default;
  const out = instrument(binaryen, input);
  let off = 0;
  while (off < out.length) off += writeSync(1, out, off, out.length - off);
} catch (e) {
  process.stderr.write(String((e as Error)?.message ?? e));
  process.exitCode = 1;
}
