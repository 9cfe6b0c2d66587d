/**
 * `proxy-wasm-as run <plugin.wasm> <scenario.(yaml|json)> [--out file] [--quiet]`: runs a
 * declarative scenario (docs/scenarios.md) against the host mock. Exit code 0 when every
 * expectation held, 1 when one failed (or the plugin failed to start / trapped unexpectedly),
 * 2 for an invalid scenario or bad usage. `--out` writes the `pw-facts/1` transcript (`-` =
 * stdout).
 */
import { existsSync, writeFileSync } from "node:fs";
import { ScenarioError, runScenario, stringifyTranscript } from "../scenario/index.js";
import { commands } from "./main.js";

const USAGE = "<plugin.wasm> <scenario.yaml|json> [--out <transcript.json|->] [--quiet]";

function runCommand(argv: string[]): number {
  const positional: string[] = [];
  let out: string | null = null;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out" || a === "-o") {
      const v = argv[++i];
      if (v === undefined) return usageError("--out needs a file name (or - for stdout)");
      out = v;
    } else if (a.startsWith("--out=")) {
      out = a.slice("--out=".length);
    } else if (a === "--quiet" || a === "-q") {
      quiet = true;
    } else if (a.startsWith("-") && a !== "-") {
      return usageError(`unknown option ${a}`);
    } else {
      positional.push(a);
    }
  }
  if (positional.length !== 2) return usageError("expected a plugin and a scenario");
  const [wasm, scenarioPath] = positional;
  if (!existsSync(wasm)) return usageError(`no such plugin file: ${wasm}`);
  let result;
  try {
    result = runScenario(scenarioPath, { wasm });
  } catch (e) {
    if (e instanceof ScenarioError) {
      process.stderr.write(e.messages.join("\n") + "\n");
      return 2;
    }
    throw e;
  }
  if (out !== null) {
    const text = stringifyTranscript(result.transcript) + "\n";
    if (out === "-") process.stdout.write(text);
    else writeFileSync(out, text);
  }
  for (const f of result.failures) process.stderr.write(f.message + "\n");
  if (!quiet && out !== "-") {
    const steps = result.transcript.facts.filter((f) => f.k === "step").length;
    const checks = result.transcript.facts.filter((f) => f.k === "expect").length;
    process.stdout.write(
      result.ok
        ? `ok: ${scenarioPath}: ${steps} steps, ${checks} expect steps passed\n`
        : `FAILED: ${scenarioPath}: ${result.failures.length} failure(s)\n`,
    );
  }
  return result.ok ? 0 : 1;
}

function usageError(message: string): number {
  process.stderr.write(`proxy-wasm-as run: ${message}\nusage: proxy-wasm-as run ${USAGE}\n`);
  return 2;
}

commands.run = { usage: USAGE, run: runCommand };
