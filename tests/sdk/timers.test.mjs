// PeriodicTasks (assembly/api/timers.ts, reference §6.9) with tests/plugins/sdk-timers.ts:
// tasks every 1 s, 3 s and 1.5 s run from one timer set to their gcd, on the host's fake clock.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host } from "proxy-wasm-as/host-mock";
import { plugin } from "./plugins.mjs";

const wasm = plugin("sdk-timers");

test("the tick period is the gcd of the periods; each task runs on its own period", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm });
  assert.deepEqual(p.logMessages("info"), ["tick 500: 0"]);
  assert.equal(p.tickPeriodMs, 500);
  const perTick = [];
  for (let t = 500; t <= 6000; t += 500) {
    p.clearLogs();
    host.advanceTime(500);
    perTick.push(`${t}: ${p.logMessages("info").join(" ")}`);
  }
  // Within a tick, due tasks run in the order they were added.
  assert.deepEqual(perTick, [
    "500: ",
    "1000: fast #1",
    "1500: odd #1",
    "2000: fast #2",
    "2500: ",
    "3000: fast #3 slow #1 odd #2",
    "3500: ",
    "4000: fast #4",
    "4500: odd #3",
    "5000: fast #5",
    "5500: ",
    "6000: fast #6 slow #2 odd #4",
  ]);
});

test("nothing runs before the first period", () => {
  const host = new Host();
  const p = host.loadPlugin({ wasm });
  p.clearLogs();
  host.advanceTime(999);
  assert.deepEqual(p.logMessages("info"), []);
});
