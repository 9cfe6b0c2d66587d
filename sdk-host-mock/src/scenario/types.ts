/**
 * The validated form of a scenario file (see docs/scenarios.md): the plugin set-up and the
 * steps, each step remembering the line it came from so that errors and failed expectations
 * name it.
 */
import type { LogLevelName } from "../abi.js";
import type { HeaderList } from "../header-map.js";
import type { StrictOptions } from "../strict/options.js";

/** A scalar property value as a scenario gives it (string → bytes, integer → int64, bool → 1 byte). */
export type ScenarioProperty = string | number | boolean;

/** A static answer for a foreign function the plugin may call. */
export interface ScenarioForeignFunction {
  /** WasmResult name the call returns (default "Ok"). */
  result: string;
  /** Bytes handed back to the plugin (UTF-8 text). */
  data: string;
}

/** One step of a scenario. `args` holds the step's fields, normalized (defaults filled in). */
export interface ScenarioStep {
  /** Operation name (`request_headers`, `expect`, …). */
  op: string;
  /** 1-based position in `steps`. */
  index: number;
  /** Line of the step in the scenario file (1-based). */
  line: number;
  /** Lines of the step's fields (for expectation messages). */
  fieldLines: Record<string, number>;
  /** Normalized fields, without `op`. Header lists are `[name, value][]`. */
  args: Record<string, unknown>;
}

/** A validated scenario. */
export interface Scenario {
  /** File the scenario was read from (as given), or a label for in-memory text. */
  file: string;
  description?: string;
  /** Path of the plugin relative to the scenario file, when the file names one. */
  plugin?: string;
  pluginConfig: string;
  vmConfig: string;
  rootId: string;
  vmId: string;
  pluginName: string;
  logLevel: LogLevelName | "off";
  properties: Record<string, ScenarioProperty>;
  clusters?: string[];
  environment: Record<string, string>;
  foreignFunctions: Record<string, ScenarioForeignFunction>;
  allowOnHeadersStopIteration: boolean;
  failOpen: boolean;
  /** Start time of the fake clock, epoch ms. */
  startTimeMs: number;
  /**
   * Strict mode (the `strict` field): the checks to run, or null when off. Violations fail the
   * scenario at the step that revealed them.
   */
  strict: StrictOptions | null;
  /** Line of the `strict` field (violations found outside a step are reported there). */
  strictLine: number;
  steps: ScenarioStep[];
}

/** Header input after normalization. */
export type Headers = HeaderList;
