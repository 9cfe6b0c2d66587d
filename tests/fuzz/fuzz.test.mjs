// Bounded robustness fuzz (issue 5 "robustness"): malformed / mutated modules and a plugin
// passing random pointers, sizes and enum values to every hostcall. The host never throws an
// unexpected exception, never hangs and never disturbs a neighbour VM. The longer run is
// `npm run fuzz` (node tests/fuzz/run.mjs --long).
import { test } from "node:test";
import assert from "node:assert/strict";
import { runFuzz } from "./run.mjs";

test("fuzz (bounded, 2 s per fuzzer from seed 1): no host bug, no hang, neighbours intact", async (t) => {
  const results = await runFuzz({ seconds: 2, seed: 1 });
  for (const r of results) {
    t.diagnostic(`${r.fuzzer}: ${r.inputs} inputs ${JSON.stringify(r.outcomes)}`);
    assert.deepEqual(r.failures, [], `${r.fuzzer} failures`);
    assert.ok(r.inputs >= 10, `${r.fuzzer} ran only ${r.inputs} inputs`);
  }
  const hostcalls = results.find((r) => r.fuzzer === "hostcalls");
  assert.ok(hostcalls.outcomes.ok > 0, "some inputs load and run");
});
