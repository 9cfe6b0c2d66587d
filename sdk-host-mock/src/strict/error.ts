/** What strict mode reports: one violation, and the error thrown for it. */
import type { WasmFrame } from "../errors.js";
import { parseWasmStack } from "../errors.js";
import type { PitfallId } from "./pitfalls.js";

/** One misuse found by strict mode. */
export interface StrictViolation {
  /** Catalogue id, e.g. `"Q2"`. */
  pitfall: PitfallId;
  /** `strict Q2: …` — what happened and what to do instead. */
  message: string;
  /** Context the misuse happened on (0 = VM context). */
  contextId: number;
  /** The plugin callback (export) running when it was found, or null between callbacks. */
  phase: string | null;
  /** The hostcall that revealed it, if any. */
  hostcall: string | null;
  /** Wasm frames of the plugin at the hostcall (empty when found outside a hostcall). */
  wasmStack: WasmFrame[];
}

/** Thrown by strict mode: the first violation of a host event, or all of them at a checkpoint. */
export class StrictModeError extends Error {
  /** Id of the (first) violated pitfall. */
  readonly pitfall: PitfallId;
  /** Context id of the (first) violation. */
  readonly contextId: number;
  /** Every violation this error reports (one unless thrown by `assertNoViolations`). */
  readonly violations: readonly StrictViolation[];

  constructor(violations: readonly StrictViolation[], options?: { cause?: unknown }) {
    const first = violations[0];
    const lines = violations.map((v) => v.message);
    const stack = first.wasmStack.map((f) => f.functionName);
    if (violations.length === 1 && stack.length > 0)
      lines.push(`  plugin stack: ${stack.join(" < ")}`);
    super(
      violations.length === 1
        ? lines.join("\n")
        : `${violations.length} strict-mode violations:\n${lines.join("\n")}`,
      options,
    );
    this.name = "StrictModeError";
    this.pitfall = first.pitfall;
    this.contextId = first.contextId;
    this.violations = violations;
  }
}

/** Wasm frames of the current JS stack (the plugin frames below a hostcall). @internal */
export function currentWasmStack(): WasmFrame[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  try {
    return parseWasmStack(new Error().stack);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
