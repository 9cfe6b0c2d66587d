/**
 * Strict validation of a parsed scenario: unknown top-level fields, unknown ops, unknown step
 * fields, missing required fields and wrong types are all errors, each naming the file line
 * (`scenario.yaml:14: step 3 (request_headers): unknown field "header"`).
 */
import { isMap, isSeq, type Node, type Pair } from "yaml";
import type { LogLevelName } from "../abi.js";
import { keyText, mapPairs, type FieldContext } from "./fields.js";
import {
  ScenarioError,
  parseScenarioFile,
  parseScenarioText,
  type ParsedScenario,
} from "./parse.js";
import type { StrictLimits, StrictOptions } from "../strict/options.js";
import type { PitfallId } from "../strict/pitfalls.js";
import { COMMON_STEP_FIELDS, OPS, TOP_LEVEL, type FieldSpec } from "./schema.js";
import type { Scenario, ScenarioForeignFunction, ScenarioProperty, ScenarioStep } from "./types.js";

function rangeStart(node: unknown): number | null {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? r[0] : null;
}

/** Validates the fields of one map against `specs`; returns values with defaults filled in. */
function validateFields(
  pairs: Pair<Node, Node>[],
  specs: Record<string, FieldSpec>,
  ctx: FieldContext,
  mapNode: unknown,
  skip: (key: string) => boolean,
  lineOf: (node: unknown) => number,
): { values: Record<string, unknown>; lines: Record<string, number>; ok: boolean } {
  const values: Record<string, unknown> = {};
  const lines: Record<string, number> = {};
  let ok = true;
  for (const p of pairs) {
    const k = keyText(p);
    if (skip(k)) continue;
    const spec = Object.hasOwn(specs, k) ? specs[k] : undefined;
    if (spec === undefined) {
      ctx.error(p.key, `unknown field "${k}"`);
      ok = false;
      continue;
    }
    const v = spec.field(p.value, ctx, k);
    lines[k] = lineOf(p.key);
    if (v === undefined) ok = false;
    else values[k] = v;
  }
  for (const [k, spec] of Object.entries(specs)) {
    if (Object.hasOwn(values, k) || pairs.some((p) => keyText(p) === k)) continue;
    if (spec.required) {
      ctx.error(mapNode, `missing field "${k}"`);
      ok = false;
    } else if (spec.default !== undefined) {
      values[k] = spec.default;
    }
  }
  return { values, lines, ok };
}

/** Validates a parsed scenario; throws {@link ScenarioError} listing every problem. */
export function validateScenario(parsed: ParsedScenario): Scenario {
  const { file, doc } = parsed;
  const errors: string[] = [];
  const lineOf = (node: unknown): number => {
    const start = rangeStart(node);
    return start === null ? 1 : parsed.lineOf(start);
  };
  const at = (where: string): FieldContext => ({
    error: (node, message) => errors.push(`${file}:${lineOf(node)}: ${where}${message}`),
  });
  const root = doc.contents;
  if (!isMap(root)) {
    throw new ScenarioError([`${file}:${lineOf(root)}: a scenario must be a map with "steps"`]);
  }
  const top = at("");
  const pairs = mapPairs(root, top, "scenario") ?? [];
  const topLevel = validateFields(pairs, TOP_LEVEL, top, root, (k) => k === "steps", lineOf);

  const steps: ScenarioStep[] = [];
  const stepsPair = pairs.find((p) => keyText(p) === "steps");
  if (stepsPair === undefined) {
    top.error(root, 'missing field "steps"');
  } else if (!isSeq(stepsPair.value)) {
    top.error(stepsPair.value ?? stepsPair.key, '"steps" must be a list');
  } else {
    stepsPair.value.items.forEach((node, i) => {
      const index = i + 1;
      if (!isMap(node)) {
        at(`step ${index}: `).error(node, 'a step must be a map with an "op"');
        return;
      }
      const stepPairs = mapPairs(node, at(`step ${index}: `), "step") ?? [];
      const opPair = stepPairs.find((p) => keyText(p) === "op");
      const opValue = (opPair?.value as { value?: unknown } | undefined)?.value;
      if (opPair === undefined || typeof opValue !== "string") {
        at(`step ${index}: `).error(opPair?.value ?? node, 'needs "op" (a string)');
        return;
      }
      const specs = Object.hasOwn(OPS, opValue) ? OPS[opValue] : undefined;
      if (specs === undefined) {
        at(`step ${index}: `).error(
          opPair.value,
          `unknown op "${opValue}" (expected one of ${Object.keys(OPS).join(", ")})`,
        );
        return;
      }
      const ctx = at(`step ${index} (${opValue}): `);
      const r = validateFields(
        stepPairs,
        { ...COMMON_STEP_FIELDS, ...specs },
        ctx,
        node,
        (k) => k === "op",
        lineOf,
      );
      if (
        opValue === "expect" &&
        stepPairs.every((p) => ["op", "stream", "description"].includes(keyText(p)))
      ) {
        ctx.error(node, "an expect step needs at least one check");
      }
      if (!r.ok) return;
      delete r.values.description;
      steps.push({ op: opValue, index, line: lineOf(node), fieldLines: r.lines, args: r.values });
    });
  }
  if (errors.length > 0) throw new ScenarioError(byLine(errors));
  const v = topLevel.values;
  return {
    file,
    description: v.description as string | undefined,
    plugin: v.plugin as string | undefined,
    pluginConfig: v.plugin_config as string,
    vmConfig: v.vm_config as string,
    rootId: v.root_id as string,
    vmId: v.vm_id as string,
    pluginName: v.plugin_name as string,
    logLevel: v.log_level as LogLevelName | "off",
    properties: v.properties as Record<string, ScenarioProperty>,
    clusters: v.clusters as string[] | undefined,
    environment: v.environment as Record<string, string>,
    foreignFunctions: v.foreign_functions as Record<string, ScenarioForeignFunction>,
    allowOnHeadersStopIteration: v.allow_on_headers_stop_iteration as boolean,
    failOpen: v.fail_open as boolean,
    startTimeMs: v.start_time_ms as number,
    strict: strictOptions(v.strict),
    strictLine: topLevel.lines.strict ?? 1,
    steps,
  };
}

/** The validated `strict` field as `loadPlugin`'s option (null when off). */
function strictOptions(value: unknown): StrictOptions | null {
  if (value === false) return null;
  if (value === true) return {};
  if (Array.isArray(value)) return { only: value as PitfallId[] };
  const m = value as {
    only?: PitfallId[];
    ignore?: Partial<Record<PitfallId, string>>;
    limits?: { buffer_bytes?: number; shared_data_keys?: number; metric_names?: number };
  };
  const limits: StrictLimits = {};
  if (m.limits?.buffer_bytes !== undefined) limits.bufferBytes = m.limits.buffer_bytes;
  if (m.limits?.shared_data_keys !== undefined) limits.sharedDataKeys = m.limits.shared_data_keys;
  if (m.limits?.metric_names !== undefined) limits.metricNames = m.limits.metric_names;
  return {
    ...(m.only ? { only: m.only } : {}),
    ...(m.ignore ? { ignore: { ...m.ignore } } : {}),
    limits,
  };
}

/** Messages ordered by their line number (stable for the same line). */
function byLine(messages: string[]): string[] {
  const line = (m: string): number => Number(/^.*?:(\d+):/.exec(m)?.[1] ?? 0);
  return messages
    .map((m, i) => ({ m, i, l: line(m) }))
    .sort((a, b) => a.l - b.l || a.i - b.i)
    .map((x) => x.m);
}

/** Reads, parses and validates a scenario file. Throws {@link ScenarioError}. */
export function loadScenario(path: string): Scenario {
  return validateScenario(parseScenarioFile(path));
}

/** Parses and validates scenario text (YAML or JSON); `file` labels messages. */
export function scenarioFromText(text: string, file = "scenario"): Scenario {
  return validateScenario(parseScenarioText(text, file));
}
