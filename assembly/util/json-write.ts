// JSON output for `JsonValue` trees (the counterpart of ./json), and small constructors for
// building or replacing values. Pure: no hostcalls.
import { JsonKind, JsonValue } from "./json";

/** A JSON string value. */
export function jsonString(text: string): JsonValue {
  const value = new JsonValue();
  value.kind = JsonKind.String;
  value.stringValue = text;
  return value;
}

/** A JSON number value. */
export function jsonNumber(n: f64): JsonValue {
  const value = new JsonValue();
  value.kind = JsonKind.Number;
  value.numberValue = n;
  return value;
}

/** A JSON bool value. */
export function jsonBool(b: bool): JsonValue {
  const value = new JsonValue();
  value.kind = JsonKind.Bool;
  value.boolValue = b;
  return value;
}

/** JSON null. */
export function jsonNull(): JsonValue {
  return new JsonValue();
}

/** An empty JSON object (add members with `setMember`). */
export function jsonObject(): JsonValue {
  const value = new JsonValue();
  value.kind = JsonKind.Object;
  return value;
}

/** An empty JSON array (add elements to `items`). */
export function jsonArray(): JsonValue {
  const value = new JsonValue();
  value.kind = JsonKind.Array;
  return value;
}

/**
 * Sets member `key` of object `target` to `member` (replacing every existing entry of that
 * name, keeping the first one's position). Returns false when `target` is not an object.
 */
export function setMember(target: JsonValue, key: string, member: JsonValue): bool {
  if (target.kind != JsonKind.Object) return false;
  let found = false;
  for (let i = 0; i < target.keys.length; i++) {
    if (unchecked(target.keys[i]) == key) {
      unchecked((target.values[i] = member));
      found = true;
    }
  }
  if (!found) {
    target.keys.push(key);
    target.values.push(member);
  }
  return true;
}

/** Serializes `value` as compact JSON (members in document order; non-finite numbers as null). */
export function stringifyJson(value: JsonValue): string {
  const out = new Array<string>();
  write(value, out);
  return out.join("");
}

function write(value: JsonValue, out: string[]): void {
  switch (value.kind) {
    case JsonKind.Null:
      out.push("null");
      break;
    case JsonKind.Bool:
      out.push(value.boolValue ? "true" : "false");
      break;
    case JsonKind.Number:
      out.push(formatJsonNumber(value.numberValue));
      break;
    case JsonKind.String:
      out.push(quoteJson(value.stringValue));
      break;
    case JsonKind.Array: {
      out.push("[");
      for (let i = 0; i < value.items.length; i++) {
        if (i > 0) out.push(",");
        write(unchecked(value.items[i]), out);
      }
      out.push("]");
      break;
    }
    default: {
      out.push("{");
      for (let i = 0; i < value.keys.length; i++) {
        if (i > 0) out.push(",");
        out.push(quoteJson(unchecked(value.keys[i])));
        out.push(":");
        write(unchecked(value.values[i]), out);
      }
      out.push("}");
    }
  }
}

/** A number as JSON: integers without a fraction (`3`, not `3.0`), non-finite as `null`. */
export function formatJsonNumber(n: f64): string {
  if (!isFinite(n)) return "null";
  if (Math.trunc(n) == n && Math.abs(n) < 1e21) {
    if (Math.abs(n) <= 9007199254740992) return (<i64>n).toString();
  }
  return n.toString();
}

// @lazy: compiled into a plugin only when it uses this (a plain global is always compiled in).
// @ts-ignore: decorator
@lazy
const HEX = "0123456789abcdef";

/** `text` as a JSON string literal: quotes, backslash and control characters escaped. */
export function quoteJson(text: string): string {
  let plain = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c == 0x22 || c == 0x5c) {
      plain = false;
      break;
    }
  }
  if (plain) return '"' + text + '"';
  const parts = new Array<string>();
  parts.push('"');
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
    if (i > start) parts.push(text.substring(start, i));
    start = i + 1;
    if (c == 0x22) parts.push('\\"');
    else if (c == 0x5c) parts.push("\\\\");
    else if (c == 0x0a) parts.push("\\n");
    else if (c == 0x0d) parts.push("\\r");
    else if (c == 0x09) parts.push("\\t");
    else if (c == 0x08) parts.push("\\b");
    else if (c == 0x0c) parts.push("\\f");
    else parts.push("\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15));
  }
  if (start < text.length) parts.push(text.substring(start));
  parts.push('"');
  return parts.join("");
}
