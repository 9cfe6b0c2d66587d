/**
 * Property tree and Envoy's typed value encodings (reference §5.2, §5.3).
 *
 * Resolution order for a NUL-separated path (first segment decides):
 * 1. user-supplied properties (per stream, then per plugin) — dotted keys form a tree;
 * 2. attributes the host derives from the stream (request.*, response.*, connection.id, …) and
 *    the Wasm names `plugin_name`, `plugin_root_id`, `plugin_vm_id`;
 * 3. filter state written by `proxy_set_property` (`wasm.<path>`).
 * In a root (or VM) context only `plugin_*` and `xds.node…` exist; everything else is NotFound.
 */
import { WasmResult } from "./abi.js";
import { encodePairs } from "./pairs.js";
import { toBytes, utf8 } from "./memory.js";

/** A value with an explicit CEL type (use {@link uint}, {@link double}, {@link duration}, {@link timestamp}). */
export class TypedProperty {
  /** @internal */
  constructor(
    readonly type: "int" | "uint" | "double" | "duration" | "timestamp",
    readonly value: number | bigint,
  ) {}
}

/** An unsigned 64-bit property value (8 bytes LE). */
export const uint = (v: number | bigint): TypedProperty => new TypedProperty("uint", v);
/** A signed 64-bit property value (8 bytes LE) — plain integer numbers already encode this way. */
export const int = (v: number | bigint): TypedProperty => new TypedProperty("int", v);
/** A double property value (8 bytes IEEE-754 LE) — non-integer numbers already encode this way. */
export const double = (v: number): TypedProperty => new TypedProperty("double", v);
/** A duration in nanoseconds (int64 LE). */
export const duration = (nanos: number | bigint): TypedProperty =>
  new TypedProperty("duration", nanos);
/** A timestamp in nanoseconds since the epoch (int64 LE). */
export const timestamp = (nanos: number | bigint): TypedProperty =>
  new TypedProperty("timestamp", nanos);

/**
 * A property value supplied by the test: string → raw bytes, integer number / bigint → int64 LE,
 * other number → double, boolean → 1 byte, Uint8Array → raw bytes, Date → timestamp ns,
 * array → list (pairs with empty values), plain object → map (pairs), null → absent (NotFound).
 */
export type PropertyValue =
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | Date
  | TypedProperty
  | null
  | readonly PropertyValue[]
  | { readonly [key: string]: PropertyValue };

/** Properties keyed by dotted path, e.g. `{ "source.address": "10.0.0.1:1234" }`. */
export type PropertiesInput = Readonly<Record<string, PropertyValue>>;

function int64(v: number | bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, BigInt.asIntN(64, BigInt(v)), true);
  return out;
}

function isMap(v: unknown): v is { readonly [key: string]: PropertyValue } {
  return (
    typeof v === "object" &&
    v !== null &&
    !(v instanceof Uint8Array) &&
    !(v instanceof Date) &&
    !(v instanceof TypedProperty) &&
    !Array.isArray(v)
  );
}

/** Serializes a value the way Envoy's `serializeValue` does (§5.3). */
export function serializeProperty(value: Exclude<PropertyValue, null>): Uint8Array {
  if (typeof value === "string") return toBytes(value);
  if (value instanceof Uint8Array) return value;
  if (typeof value === "boolean") return new Uint8Array([value ? 1 : 0]);
  if (typeof value === "bigint") return int64(value);
  if (typeof value === "number") {
    if (Number.isInteger(value)) return int64(value);
    const out = new Uint8Array(8);
    new DataView(out.buffer).setFloat64(0, value, true);
    return out;
  }
  if (value instanceof Date) return int64(BigInt(value.getTime()) * 1_000_000n);
  if (value instanceof TypedProperty) {
    if (value.type === "double") {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setFloat64(0, Number(value.value), true);
      return out;
    }
    if (value.type === "uint") {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(value.value)), true);
      return out;
    }
    return int64(value.value);
  }
  if (Array.isArray(value)) {
    return encodePairs(
      (value as PropertyValue[])
        .filter((v): v is Exclude<PropertyValue, null> => v !== null)
        .map((v) => [serializeProperty(v), new Uint8Array(0)] as const),
    );
  }
  if (isMap(value)) {
    return encodePairs(
      Object.entries(value)
        .filter((e): e is [string, Exclude<PropertyValue, null>] => e[1] !== null)
        .map(([k, v]) => [toBytes(k), serializeProperty(v)] as const),
    );
  }
  throw new TypeError("unsupported property value");
}

/** A map node created by the tree: no prototype, so no inherited names (§5.2 NotFound). */
type MapNode = Record<string, PropertyValue>;

/**
 * A tree built from dotted paths. Lookups only ever see own keys: a segment such as
 * `constructor` or `__proto__` is an ordinary name (NotFound unless the test defined it), both in
 * the tree's own nodes (null-prototype objects) and inside map values supplied by the test.
 */
export class PropertyTree {
  /** Interior nodes created by this tree (safe to extend in place). */
  private readonly owned = new WeakSet<object>();
  private root: MapNode = this.node();

  constructor(input: PropertiesInput = {}) {
    for (const [path, value] of Object.entries(input)) this.set(path.split("."), value);
  }

  private node(): MapNode {
    const n = Object.create(null) as MapNode;
    this.owned.add(n);
    return n;
  }

  /** Sets a value at the given segments (creating interior maps). */
  set(segments: readonly string[], value: PropertyValue): void {
    let node: MapNode = this.root;
    for (let i = 0; i < segments.length - 1; i++) {
      const seg = segments[i];
      const next = Object.hasOwn(node, seg) ? node[seg] : undefined;
      if (isMap(next) && this.owned.has(next)) {
        node = next as MapNode;
        continue;
      }
      // Copy a map supplied by the test into a node of our own instead of mutating it.
      const child = this.node();
      if (isMap(next)) for (const [k, v] of Object.entries(next)) defineOwn(child, k, v);
      defineOwn<PropertyValue>(node, seg, child);
      node = child;
    }
    defineOwn(node, segments[segments.length - 1], value);
  }

  /** Looks up segments; `undefined` when absent, `null` when explicitly removed. */
  lookup(segments: readonly string[]): PropertyValue | undefined {
    let node: PropertyValue | undefined = this.root;
    for (const seg of segments) {
      if (isMap(node)) node = Object.hasOwn(node, seg) ? node[seg] : undefined;
      else if (Array.isArray(node)) {
        if (!/^\d+$/.test(seg)) return undefined;
        const list = node as PropertyValue[];
        const i = Number(seg);
        node = i < list.length ? list[i] : undefined;
      } else return undefined;
      if (node === undefined || node === null) return node;
    }
    return node;
  }
}

/** Sets an own, enumerable property (also for keys like `__proto__`, which `=` would not create). */
export function defineOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Splits a NUL-separated path (a trailing NUL is tolerated). */
export function splitPath(path: Uint8Array): string[] {
  const text = utf8(path);
  const segs = text.split("\0");
  if (segs.length > 1 && segs[segs.length - 1] === "") segs.pop();
  return segs;
}

/** Outcome of a property lookup. */
export type PropertyResult =
  { result: WasmResult.Ok; value: Uint8Array } | { result: WasmResult.NotFound };

/** Converts a looked-up value into a hostcall result. */
export function propertyResult(value: PropertyValue | undefined): PropertyResult {
  if (value === undefined || value === null) return { result: WasmResult.NotFound };
  return { result: WasmResult.Ok, value: serializeProperty(value) };
}
