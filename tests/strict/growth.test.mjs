// M1 (per-request state never released) checked by repetition: checkNoPerRequestGrowth runs N
// requests after warm-up and fails with M1 when the VMs' linear memory grows
// (tests/plugins/strict-leak.ts keeps every request's context and path; examples/header-rules).
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Host, StrictModeError, checkNoPerRequestGrowth } from "../../sdk-host-mock/dist/index.js";
import { plugin as wasmPath } from "../sdk/plugins.mjs";
import { throwsStrict } from "./helpers.mjs";

const leak = (configuration, options = {}) =>
  new Host().loadPlugin({ wasm: wasmPath("strict-leak"), configuration, ...options });

function oneRequest(p, i) {
  const s = p.newHttpStream();
  s.sendRequestHeaders(
    [
      [":method", "GET"],
      [":path", `/items/${i}`],
      [":authority", "example.com"],
    ],
    { endOfStream: true },
  );
  s.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
  s.complete();
}

test("M1: a plugin keeping every request's context in a module-level array fails with the numbers", () => {
  const p = leak("leak");
  throwsStrict(
    () => checkNoPerRequestGrowth(p, oneRequest),
    "M1",
    /linear memory grew \d+ → \d+ bytes over 1000 requests after 200 warm-up \(≈\d+ bytes retained per request; tolerance 65536; grew after measured requests \d+/,
  );
  const e = (() => {
    try {
      checkNoPerRequestGrowth(leak("leak"), oneRequest);
    } catch (error) {
      return error;
    }
  })();
  assert.ok(e instanceof StrictModeError, "the check failed again");
  const [, before, after] = /grew (\d+) → (\d+)/.exec(e.message).map(Number);
  assert.ok(after - before > 65536, e.message);
});

test("M1: the same module without the leak stays flat (and did the work)", () => {
  const p = leak("clean");
  const r = checkNoPerRequestGrowth(p, oneRequest);
  assert.equal(r.memoryAfter, r.memoryBefore);
  assert.equal(r.bytesPerRequest, 0);
  assert.deepEqual(r.grewAt, []);
  assert.equal(r.contextsAfter, r.contextsBefore);
  const s = p.newHttpStream();
  s.sendRequestHeaders(
    [
      [":method", "GET"],
      [":path", "/"],
      [":authority", "a"],
    ],
    {
      endOfStream: true,
    },
  );
  assert.equal(s.requestHeader("x-seen"), "1201", "every request ran through the plugin");
});

test("M1: examples/header-rules passes", () => {
  const wasm = fileURLToPath(
    new URL("../../examples/header-rules/build/header-rules.wasm", import.meta.url),
  );
  const configuration = JSON.stringify({
    request: { add: { "x-tenant": "blue" }, set: { "x-env": "prod" }, remove: ["x-debug"] },
    response: { set: { server: "edge" }, remove: ["x-powered-by"] },
  });
  const p = new Host().loadPlugin({ wasm, rootId: "header-rules", configuration });
  const r = checkNoPerRequestGrowth(p, oneRequest, { warmup: 100, requests: 2000 });
  assert.equal(r.memoryAfter, r.memoryBefore, JSON.stringify(r));
});

test("M1: memory of every worker VM counts", () => {
  const p = leak("leak", { workers: 2 });
  throwsStrict(() => checkNoPerRequestGrowth(p, oneRequest), "M1", /over 1000 requests/);
  const vms = p.workers.map((w) => w.memoryBytes);
  assert.ok(vms[0] > 65536 && vms[1] > 65536, `both workers leaked: ${vms}`);
});

test("M1: toleranceBytes accepts bounded growth", () => {
  const r = checkNoPerRequestGrowth(leak("leak"), oneRequest, { toleranceBytes: 1 << 20 });
  assert.ok(r.memoryAfter > r.memoryBefore);
  assert.ok(r.bytesPerRequest > 100, String(r.bytesPerRequest));
});

test("a runOneRequest that leaves streams open is the test's error, not M1", () => {
  const p = leak("clean");
  assert.throws(
    () =>
      checkNoPerRequestGrowth(
        p,
        (q) => {
          q.newHttpStream().sendRequestHeaders(
            [
              [":method", "GET"],
              [":path", "/"],
              [":authority", "a"],
            ],
            { endOfStream: true },
          );
        },
        { warmup: 1, requests: 3 },
      ),
    (e) =>
      !(e instanceof StrictModeError) &&
      /still holds 5 contexts of the plugin \(2 after warm-up\): runOneRequest must complete\(\)/.test(
        e.message,
      ),
  );
});

test("checkNoPerRequestGrowth rejects bad counts", () => {
  assert.throws(
    () => checkNoPerRequestGrowth(leak("clean"), oneRequest, { requests: 0 }),
    RangeError,
  );
  assert.throws(
    () => checkNoPerRequestGrowth(leak("clean"), oneRequest, { warmup: -1 }),
    RangeError,
  );
});
