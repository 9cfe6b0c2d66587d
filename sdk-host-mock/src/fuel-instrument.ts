/**
 * Child-process entry of `fuel.ts`: reads a wasm module on stdin, runs binaryen's
 * `log-execution` pass (a call to `env.log_execution` at each function entry and loop top) and
 * writes the module on stdout, keeping the name section so plugin stacks keep their names.
 * Exit code 1 with the reason on stderr when binaryen cannot read the module.
 */
import { readFileSync, writeSync } from "node:fs";

interface BinaryenModule {
  setFeatures(features: number): void;
  runPasses(passes: string[]): void;
  emitBinary(): Uint8Array;
  dispose(): void;
}
interface Binaryen {
  setDebugInfo(on: boolean): void;
  readBinary(bytes: Uint8Array): BinaryenModule;
  Features: { All: number };
}

const input = new Uint8Array(readFileSync(0));
try {
  const binaryen = ((await import("binaryen" as string)) as { default: Binaryen }).default;
  binaryen.setDebugInfo(true);
  const module = binaryen.readBinary(input);
  module.setFeatures(binaryen.Features.All);
  module.runPasses(["log-execution"]);
  const out = module.emitBinary();
  module.dispose();
  let off = 0;
  while (off < out.length) off += writeSync(1, out, off, out.length - off);
} catch (e) {
  process.stderr.write(String((e as Error)?.message ?? e));
  process.exitCode = 1;
}
