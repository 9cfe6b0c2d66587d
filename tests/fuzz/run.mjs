#!/usr/bin/env node
// Robustness fuzz of the host mock (docs/sandbox.md): malformed / mutated modules and a plugin
// that passes random pointers, sizes and enum values to every hostcall. Each input runs in a
// fresh Host next to a well-behaved neighbour VM; an unexpected exception, a changed neighbour
// or a hang (no progress for 20 s, watched from the main thread) is a failure.
//
//   node tests/fuzz/run.mjs [--long] [--seconds N] [--seed S]
//
// Default: 3 s per fuzzer (what `npm test` runs through tests/fuzz/fuzz.test.mjs); --long: 60 s.
import { Worker } from "node:worker_threads";
import { fileURLToPath } from "node:url";

const HANG_MS = 20_000;

/** Runs both fuzzers for `seconds` each from `seed`; resolves with per-fuzzer counts and failures. */
export function runFuzz({ seconds = 3, seed = 1 } = {}) {
  return Promise.all(
    ["hostcalls", "modules"].map(
      (fuzzer) =>
        new Promise((resolve) => {
          const worker = new Worker(fileURLToPath(new URL("./worker.mjs", import.meta.url)), {
            workerData: { fuzzer, seconds, seed },
          });
          const result = { fuzzer, inputs: 0, outcomes: {}, failures: [] };
          let watchdog;
          const arm = () => {
            clearTimeout(watchdog);
            watchdog = setTimeout(() => {
              result.failures.push({
                seed: result.lastSeed + 1,
                error: `hang: no progress for ${HANG_MS} ms`,
              });
              void worker.terminate();
            }, HANG_MS);
          };
          arm();
          worker.on("message", (m) => {
            arm();
            result.lastSeed = m.seed;
            result.inputs++;
            result.outcomes[m.outcome] = (result.outcomes[m.outcome] ?? 0) + 1;
            if (m.error) result.failures.push({ seed: m.seed, error: m.error });
          });
          worker.on("error", (e) =>
            result.failures.push({ seed: result.lastSeed, error: String(e?.stack ?? e) }),
          );
          worker.on("exit", () => {
            clearTimeout(watchdog);
            resolve(result);
          });
        }),
    ),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const value = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const seconds = value("--seconds", args.includes("--long") ? 60 : 3);
  const seed = value("--seed", Date.now() % 1_000_000);
  const results = await runFuzz({ seconds, seed });
  let failed = false;
  for (const r of results) {
    console.log(`${r.fuzzer}: ${r.inputs} inputs from seed ${seed} ${JSON.stringify(r.outcomes)}`);
    for (const f of r.failures) {
      failed = true;
      console.log(`  FAIL seed ${f.seed}: ${f.error}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}
