/**
 * Field validators for scenario files: each turns a YAML node into a plain value or reports an
 * error at the node's line. Strict: wrong types are errors, nothing is coerced.
 */
import { isMap, isScalar, isSeq, type Node, type Pair } from "yaml";

/** Where validation is and how to report there. */
export interface FieldContext {
  /** Reports `message` at the line of `node`. */
  error(node: unknown, message: string): void;
}

/** A validator: returns the value, or undefined after reporting an error. */
export type Field = (node: unknown, ctx: FieldContext, name: string) => unknown;

const INVALID = undefined;

function scalar(node: unknown): { ok: boolean; value: unknown } {
  if (node === null || node === undefined) return { ok: true, value: null };
  if (isScalar(node)) return { ok: true, value: node.value };
  return { ok: false, value: undefined };
}

function describe(node: unknown): string {
  if (isMap(node)) return "a map";
  if (isSeq(node)) return "a list";
  const { value } = scalar(node);
  if (value === null) return "null";
  return typeof value === "string" ? `the string ${JSON.stringify(value)}` : String(value);
}

/** The own pairs of a YAML map with string keys (non-string keys reported). */
export function mapPairs(
  node: unknown,
  ctx: FieldContext,
  name: string,
): Pair<Node, Node>[] | undefined {
  if (!isMap(node)) {
    ctx.error(node, `"${name}" must be a map, got ${describe(node)}`);
    return INVALID;
  }
  const out: Pair<Node, Node>[] = [];
  for (const p of node.items as Pair<Node, Node>[]) {
    if (!isScalar(p.key) || typeof p.key.value !== "string") {
      ctx.error(p.key, `keys of "${name}" must be strings`);
      continue;
    }
    out.push(p);
  }
  return out;
}

/** The text of a map key. */
export function keyText(p: Pair<Node, Node>): string {
  return (p.key as unknown as { value: string }).value;
}

export const string: Field = (node, ctx, name) => {
  const { value } = scalar(node);
  if (typeof value === "string") return value;
  ctx.error(node, `"${name}" must be a string, got ${describe(node)}`);
  return INVALID;
};

export const bool: Field = (node, ctx, name) => {
  const { value } = scalar(node);
  if (typeof value === "boolean") return value;
  ctx.error(node, `"${name}" must be true or false, got ${describe(node)}`);
  return INVALID;
};

/** An integer within [min, max]. */
export function integer(min: number, max: number): Field {
  return (node, ctx, name) => {
    const { value } = scalar(node);
    if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max)
      return value;
    ctx.error(node, `"${name}" must be an integer in [${min}, ${max}], got ${describe(node)}`);
    return INVALID;
  };
}

export const uint = integer(0, 0xffffffff);
export const number: Field = (node, ctx, name) => {
  const { value } = scalar(node);
  if (typeof value === "number" && Number.isFinite(value)) return value;
  ctx.error(node, `"${name}" must be a number, got ${describe(node)}`);
  return INVALID;
};

/** One of the given strings. */
export function oneOf(values: readonly string[]): Field {
  return (node, ctx, name) => {
    const { value } = scalar(node);
    if (typeof value === "string" && values.includes(value)) return value;
    ctx.error(node, `"${name}" must be one of ${values.join(", ")}, got ${describe(node)}`);
    return INVALID;
  };
}

/** null, or the inner field. */
export function nullable(inner: Field): Field {
  return (node, ctx, name) => {
    const { ok, value } = scalar(node);
    if (ok && value === null) return null;
    return inner(node, ctx, name);
  };
}

/** The first field that accepts the node (errors of the last one are reported). */
export function either(what: string, ...fields: [(node: unknown) => boolean, Field][]): Field {
  return (node, ctx, name) => {
    for (const [accepts, f] of fields) if (accepts(node)) return f(node, ctx, name);
    ctx.error(node, `"${name}" must be ${what}, got ${describe(node)}`);
    return INVALID;
  };
}

/** A list whose items pass `item`. */
export function list(item: Field): Field {
  return (node, ctx, name) => {
    if (!isSeq(node)) {
      ctx.error(node, `"${name}" must be a list, got ${describe(node)}`);
      return INVALID;
    }
    const out: unknown[] = [];
    let bad = false;
    node.items.forEach((n, i) => {
      const v = item(n, ctx, `${name}[${i}]`);
      if (v === INVALID) bad = true;
      out.push(v);
    });
    return bad ? INVALID : out;
  };
}

/** A map from any string key to values passing `item`. */
export function record(item: Field): Field {
  return (node, ctx, name) => {
    const pairs = mapPairs(node, ctx, name);
    if (pairs === undefined) return INVALID;
    const out = Object.create(null) as Record<string, unknown>;
    let bad = false;
    for (const p of pairs) {
      const k = keyText(p);
      const v = item(p.value, ctx, `${name}.${k}`);
      if (v === INVALID) bad = true;
      Object.defineProperty(out, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return bad ? INVALID : out;
  };
}

/** A map with known fields (unknown fields are errors). */
export function object(fields: Record<string, Field>, required: string[] = []): Field {
  return (node, ctx, name) => {
    const pairs = mapPairs(node, ctx, name);
    if (pairs === undefined) return INVALID;
    const out: Record<string, unknown> = {};
    let bad = false;
    for (const p of pairs) {
      const k = keyText(p);
      const f = Object.hasOwn(fields, k) ? fields[k] : undefined;
      if (f === undefined) {
        ctx.error(
          p.key,
          `unknown field "${k}" in "${name}" (expected ${Object.keys(fields).join(", ")})`,
        );
        bad = true;
        continue;
      }
      const v = f(p.value, ctx, k);
      if (v === INVALID) bad = true;
      else
        Object.defineProperty(out, k, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    for (const r of required) {
      if (!pairs.some((p) => keyText(p) === r)) {
        ctx.error(node, `"${name}" needs the field "${r}"`);
        bad = true;
      }
    }
    return bad ? INVALID : out;
  };
}

/** A [name, value] pair of strings. */
const pair: Field = (node, ctx, name) => {
  if (!isSeq(node) || node.items.length !== 2) {
    ctx.error(node, `"${name}" must be a [name, value] pair, got ${describe(node)}`);
    return INVALID;
  }
  const k = string(node.items[0], ctx, `${name}[0]`);
  const v = string(node.items[1], ctx, `${name}[1]`);
  return k === INVALID || v === INVALID ? INVALID : [k, v];
};

/**
 * Headers: a list of `[name, value]` pairs (order and duplicates kept, the conformance form), or
 * a map `name: value`. Normalized to a list of pairs.
 */
export const headers: Field = (node, ctx, name) => {
  if (isSeq(node)) return list(pair)(node, ctx, name);
  if (isMap(node)) {
    const r = record(string)(node, ctx, name) as Record<string, string> | undefined;
    return r === INVALID ? INVALID : Object.entries(r);
  }
  ctx.error(
    node,
    `"${name}" must be a list of [name, value] pairs or a map, got ${describe(node)}`,
  );
  return INVALID;
};

/**
 * A header expectation: a list of pairs (the whole map, in order) or a map `name: value`
 * (these headers have these first values; `null` = absent).
 */
export const headerMatch: Field = (node, ctx, name) => {
  if (isSeq(node)) {
    const l = list(pair)(node, ctx, name);
    return l === INVALID ? INVALID : { exact: l };
  }
  const r = record(nullable(string))(node, ctx, name);
  return r === INVALID ? INVALID : { subset: r };
};

export const isList = (n: unknown): boolean => isSeq(n);
export const isMapNode = (n: unknown): boolean => isMap(n);
export const isScalarNode = (n: unknown): boolean => n === null || isScalar(n);
