/** The `strict` option of `Host.loadPlugin` and how it resolves to a set of enabled checks. */
import { PITFALL_IDS, isPitfallId, type PitfallId } from "./pitfalls.js";

/** Limits used by the checks that compare against a size (defaults mirror Envoy's). */
export interface StrictLimits {
  /** Q7: bytes a stream may buffer through the plugin (default 1 MiB, Envoy's listener buffer). */
  bufferBytes?: number;
  /** D3: distinct shared-data keys per vm_id namespace (default 1000). */
  sharedDataKeys?: number;
  /** M5: distinct metric names a plugin may define (default 1000). */
  metricNames?: number;
}

/** Detailed strict-mode settings. */
export interface StrictOptions {
  /** Only these checks (default: every check the host can make). */
  only?: readonly PitfallId[];
  /**
   * Checks switched off, each with the reason (kept in {@link StrictSettings.ignored} so a
   * reviewer sees why), e.g. `{ Q7: "this plugin buffers uploads on purpose" }`.
   */
  ignore?: Partial<Record<PitfallId, string>>;
  /**
   * `"throw"` (default): the driving method whose host event revealed a violation throws a
   * `StrictModeError` once that event is over; `"collect"`: violations are only recorded in
   * `plugin.violations` and thrown by `plugin.assertNoViolations()`.
   */
  report?: "throw" | "collect";
  /** Size limits of Q7, D3, M5. */
  limits?: StrictLimits;
}

/** The `strict` option: `true` = every check, or per-id selection. */
export type StrictOption = boolean | StrictOptions;

/** Resolved strict settings of one plugin. @internal */
export interface StrictSettings {
  enabled: ReadonlySet<PitfallId>;
  ignored: Readonly<Partial<Record<PitfallId, string>>>;
  report: "throw" | "collect";
  limits: Required<StrictLimits>;
}

/** Resolves the option; null when strict mode is off. Unknown ids are a TypeError. @internal */
export function resolveStrict(option: StrictOption | undefined): StrictSettings | null {
  if (option === undefined || option === false) return null;
  const o: StrictOptions = option === true ? {} : option;
  const check = (id: string): PitfallId => {
    if (!isPitfallId(id)) throw new TypeError(`strict: unknown pitfall id ${JSON.stringify(id)}`);
    return id;
  };
  const enabled = new Set<PitfallId>(o.only ? o.only.map(check) : PITFALL_IDS);
  const ignored: Partial<Record<PitfallId, string>> = {};
  for (const [id, reason] of Object.entries(o.ignore ?? {})) {
    if (typeof reason !== "string" || reason.trim() === "")
      throw new TypeError(`strict: ignoring ${id} needs a reason`);
    enabled.delete(check(id));
    ignored[id as PitfallId] = reason;
  }
  return {
    enabled,
    ignored,
    report: o.report ?? "throw",
    limits: {
      bufferBytes: o.limits?.bufferBytes ?? 1024 * 1024,
      sharedDataKeys: o.limits?.sharedDataKeys ?? 1000,
      metricNames: o.limits?.metricNames ?? 1000,
    },
  };
}
