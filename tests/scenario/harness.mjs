// Runs scenarios on the generic WAT driver plugin (tests/fixtures/wat/driver.wat), whose
// callbacks are implemented in JS by `handlers` and make real hostcalls through its trampolines
// (the helpers of tests/host-mock/wat.mjs: this.getHeader, this.put, this.x.h_proxy_*, …).
import { CALLBACKS, Driver, watFixture } from "../host-mock/wat.mjs";
import { runScenario, scenarioFromText } from "../../sdk-host-mock/dist/index.js";

const RETURNS_TRUE = new Set(["proxy_on_vm_start", "proxy_on_configure", "proxy_on_done"]);
const SCRATCH_START = 1024;
const driverWasm = watFixture("driver");

/** Runs YAML/JSON scenario `text` with JS callback `handlers`; returns the ScenarioResult. */
export function runOnDriver(text, handlers = {}, file = "scenario.yaml") {
  const d = Object.create(Driver.prototype);
  d.handlers = handlers;
  d.calls = [];
  d.mallocHook = null;
  d.scratch = SCRATCH_START;
  const test = { malloc_hook: () => -1 };
  for (const name of CALLBACKS) {
    test[name] = (...args) => {
      d.scratch = SCRATCH_START;
      const h = handlers[name];
      const r = h ? h.call(d, ...args) : undefined;
      if (r === undefined) return RETURNS_TRUE.has(name) ? 1 : 0;
      return typeof r === "boolean" ? (r ? 1 : 0) : r;
    };
  }
  return runScenario(scenarioFromText(text, file), {
    wasm: driverWasm,
    plugin: { imports: { test }, onInstance: (x) => (d.x = x) },
  });
}

/** The facts of kind `k` (and function `fn`). */
export function facts(result, k, fn) {
  return result.transcript.facts.filter((f) => f.k === k && (fn === undefined || f.fn === fn));
}
