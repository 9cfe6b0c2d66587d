/**
 * Deterministic CPU limit per callback ("fuel", issue 5): the module is instrumented with
 * binaryen (it ships inside the `assemblyscript` package; see `fuel-instrument.ts`), which
 * inserts a call to the private import {@link FUEL_IMPORT} at every function entry and at the
 * top of every loop iteration. The host links that import to a {@link FuelMeter}: each call costs one
 * unit; when a callback has used its budget the VM traps with {@link FUEL_TRAP_MESSAGE}, and the
 * plugin's failure policy applies as for any trap.
 *
 * Unit: **1 fuel = one function entry or one loop iteration** inside the VM. Host functions cost
 * nothing. The budget is refilled at every host→VM callback (and every top-level allocator call).
 *
 * binaryen is an ES module with top-level await, but plugins load synchronously, so the
 * instrumentation runs in a child Node process (`fuel-instrument.js`) once per distinct module
 * and Host (cached by SHA-256 on the Host).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { FailState } from "./abi.js";
import { readModuleShape } from "./binary.js";
import { HostTrap, PluginLoadError } from "./errors.js";

/** Module of the import the instrumented module calls: no real host provides it. @internal */
export const FUEL_MODULE = "proxy_wasm_as_mock_fuel";
/** Name of the import the instrumented module calls. @internal */
export const FUEL_NAME = "consume";
/** The import the instrumented module calls (qualified name). @internal */
export const FUEL_IMPORT = `${FUEL_MODULE}.${FUEL_NAME}`;

/** Trap message of a callback that ran out of fuel (the start of {@link PluginTrapError.trapMessage}). */
export const FUEL_TRAP_MESSAGE = "fuel exhausted";

/** Counts fuel of one VM. @internal */
export class FuelMeter {
  /** Fuel left in the current callback. */
  left: number;
  /** Fuel used by the last (or current) callback. */
  get used(): number {
    return this.budget - this.left;
  }

  constructor(readonly budget: number) {
    if (!(Number.isInteger(budget) && budget > 0))
      throw new RangeError("fuel: budget must be a positive integer");
    this.left = budget;
  }

  refill(): void {
    this.left = this.budget;
  }

  consume(): void {
    if (--this.left < 0) {
      throw new HostTrap(
        `${FUEL_TRAP_MESSAGE}: the callback used more than ${this.budget} fuel ` +
          `(1 fuel = one function entry or loop iteration)`,
      );
    }
  }
}

/**
 * Returns the module with fuel instrumentation (see the file comment); a plugin loaded from
 * such bytes with `fuel` set is not instrumented again, so a test suite can instrument once and
 * load many times. Throws {@link PluginLoadError} if binaryen cannot read the module.
 */
export function instrumentFuel(bytes: Uint8Array): Uint8Array {
  const script = fileURLToPath(new URL("./fuel-instrument.js", import.meta.url));
  let out: Buffer;
  try {
    out = execFileSync(process.execPath, [script], {
      input: bytes,
      maxBuffer: 1024 * 1024 * 1024,
      stdio: ["pipe", "pipe", "pipe"],
    });
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? "").trim();
    throw new PluginLoadError(
      `Failed to load Wasm code: fuel instrumentation failed: ${stderr || (e as Error).message}`,
      FailState.UnableToCreateVm,
      { cause: e },
    );
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * True when a module needs no fuel instrumentation: it is already instrumented (imports
 * {@link FUEL_IMPORT}), or invalid (the VM then reports why, without running binaryen).
 * @internal
 */
export function isFuelInstrumented(bytes: Uint8Array): boolean {
  if (!WebAssembly.validate(bytes)) return true;
  try {
    return readModuleShape(bytes).imports.some(
      (i) => `${i.module}.${i.name}` === FUEL_IMPORT && i.kind === "function",
    );
  } catch {
    return true;
  }
}
