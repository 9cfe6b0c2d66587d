// Worker of tests/fuzz/run.mjs: runs one fuzzer for a time budget, reporting each input.
import { parentPort, workerData } from "node:worker_threads";
import { fuzzContext, hostcallInput, moduleInput } from "./cases.mjs";

const { fuzzer, seconds, seed } = workerData;
const ctx = fuzzContext();
const input = fuzzer === "hostcalls" ? hostcallInput : moduleInput;
const end = Date.now() + seconds * 1000;
for (let s = seed; Date.now() < end; s++) {
  let outcome;
  let error = null;
  try {
    outcome = input(ctx, s);
  } catch (e) {
    outcome = "host-bug";
    error = String(e?.stack ?? e);
  }
  parentPort.postMessage({ seed: s, outcome, error });
}
