// Metric names with tags, composed the way Envoy's regex tag extractors expect. Pure: no hostcalls.
//
// Envoy keeps only a flat stat name (stored as `wasmcustom.<name>`, reference §6.13); tags are
// recovered by the `stats_config.stats_tags` regexes of the bootstrap. Two layouts are common:
//   - Istio: `<tag>=.=<value>;.;` per tag, before the name — Istio's bootstrap extracts its
//     standard tags with `(<tag>=\.=(.*?);\.;)`, and a custom tag needs one more such regex
//     (an EnvoyFilter BOOTSTRAP patch, or `extraStatTags` in the proxy config). The captured
//     group is removed from the name, so what is left is exactly `<name>`.
//   - Dotted: `<name>.<tag>.<value>` per tag, Envoy's own style (`cluster.<name>.…`), matched by a
//     regex such as `^<name>\.<tag>\.((.+?)\.)` or `\.<tag>\.(([^.]+))` configured by the operator.

/** How tags are written into a metric name. */
export enum TagStyle {
  /** `tag1=.=v1;.;tag2=.=v2;.;name` — Istio's layout, extracted by `(tag=\.=(.*?);\.;)`. */
  Istio = 0,
  /** `name.tag1.v1.tag2.v2` — Envoy's dotted layout, extracted by per-tag regexes. */
  Dotted = 1,
}

/**
 * A tag value made safe for `style`: in the Istio layout `;` becomes `_` (a value containing
 * `;.;` would end the tag early); in the dotted layout `.` becomes `_` (a dot starts a new
 * segment). Empty values become `-`, so the tag is still present.
 */
export function sanitizeTagValue(value: string, style: TagStyle): string {
  if (value.length == 0) return "-";
  const forbidden: i32 = style == TagStyle.Istio ? 0x3b : 0x2e; // ';' or '.'
  let clean = true;
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) == forbidden) {
      clean = false;
      break;
    }
  }
  if (clean) return value;
  return value.replaceAll(style == TagStyle.Istio ? ";" : ".", "_");
}

/**
 * The stat name for `name` with tags `tagNames[i] = tagValues[i]` in `style` (values are
 * sanitized with `sanitizeTagValue`). Extra values beyond the tag names are ignored; missing
 * values are written as `-`.
 *
 *   composeMetricName("requests", ["route", "code"], ["api", "200"], TagStyle.Istio)
 *     == "route=.=api;.;code=.=200;.;requests"
 *   composeMetricName("requests", ["route"], ["api"], TagStyle.Dotted) == "requests.route.api"
 */
export function composeMetricName(
  name: string,
  tagNames: string[],
  tagValues: string[],
  style: TagStyle = TagStyle.Istio,
): string {
  if (tagNames.length == 0) return name;
  const parts = new Array<string>();
  if (style == TagStyle.Dotted) parts.push(name);
  for (let i = 0; i < tagNames.length; i++) {
    const value = sanitizeTagValue(i < tagValues.length ? unchecked(tagValues[i]) : "", style);
    const tag = unchecked(tagNames[i]);
    if (style == TagStyle.Istio) {
      parts.push(tag + "=.=" + value + ";.;");
    } else {
      parts.push("." + tag + "." + value);
    }
  }
  if (style == TagStyle.Istio) parts.push(name);
  return parts.join("");
}

/** The key a metric family uses for one combination of tag values (values joined by NUL). */
export function seriesKey(tagValues: string[]): string {
  return tagValues.join("\0");
}
