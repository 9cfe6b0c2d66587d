/**
 * Declarative scenarios (docs/scenarios.md): read a YAML/JSON scenario, validate it strictly,
 * run it against the host mock and get the `pw-facts/1` transcript and the failed expectations.
 */
import { executeScenario, type RunScenarioOptions, type ScenarioResult } from "./execute.js";
import { loadScenario, scenarioFromText } from "./validate.js";
import type { Scenario } from "./types.js";

/**
 * Runs a scenario: a file path (YAML or JSON) or an already validated {@link Scenario}. Throws
 * {@link ScenarioError} when the scenario is invalid (every message names the file line).
 *
 * @example
 * const r = runScenario("test/auth.yaml", { wasm: "build/plugin.wasm" });
 * if (!r.ok) console.error(r.failures.map((f) => f.message).join("\n"));
 */
export function runScenario(
  scenario: string | Scenario,
  options: RunScenarioOptions = {},
): ScenarioResult {
  const sc = typeof scenario === "string" ? loadScenario(scenario) : scenario;
  return executeScenario(sc, options);
}

export { loadScenario, scenarioFromText };
export { ScenarioError } from "./parse.js";
export { stringifyTranscript, type Transcript, type Fact } from "./transcript.js";
export type { Scenario, ScenarioStep } from "./types.js";
export type { RunScenarioOptions, ScenarioResult, ScenarioFailure } from "./execute.js";
