// Typed reading of a JSON plugin configuration, with errors that name the field. Pure: no
// hostcalls (api/config.ts reads the host buffer and logs).
import { JsonKind, JsonValue, parseJson } from "./json";

/** Largest integer a JSON number (an f64) holds exactly: 2^53. */
const MAX_SAFE: f64 = 9007199254740992;

/** The shared error list of one configuration (every reader of the tree appends to it). */
class ConfigErrors {
  list: string[] = [];
}

/**
 * Reads fields of one JSON object of a plugin configuration into typed values. Each getter
 * returns the value, or the fallback when the field is absent; a field that is present but
 * wrong (type, range, missing when required) records an error naming its dotted path, e.g.
 * `config: "limits.rps" must be a positive integer`, and returns the fallback.
 *
 *   const cfg = ConfigReader.parse(text);
 *   const rps = cfg.object("limits").positiveInteger("rps", 100);
 *   if (!cfg.ok) { logError(cfg.error); return false; }
 *
 * `ok` / `error` / `errors` are shared by the whole tree (a child reader reports into its root).
 */
export class ConfigReader {
  private constructor(
    private readonly value: JsonValue | null,
    /** Dotted path of this object ("" for the root). */
    readonly path: string,
    private readonly errors: ConfigErrors,
  ) {}

  /**
   * A reader over the JSON text `text`. Empty (or all-whitespace) text is an empty object, so
   * every field takes its default. Invalid JSON or a top level that is not an object is an error.
   */
  static parse(text: string): ConfigReader {
    const errors = new ConfigErrors();
    if (text.trim().length == 0) return new ConfigReader(emptyObject(), "", errors);
    const parsed = parseJson(text);
    if (!parsed.ok) {
      errors.list.push(
        "config: invalid JSON at offset " + parsed.position.toString() + ": " + parsed.error,
      );
      return new ConfigReader(null, "", errors);
    }
    const root = parsed.value!;
    if (root.kind != JsonKind.Object) {
      errors.list.push("config: must be a JSON object, got " + root.kindName());
      return new ConfigReader(null, "", errors);
    }
    return new ConfigReader(root, "", errors);
  }

  /** A reader over an already parsed value (e.g. an element of `array`). */
  static of(value: JsonValue, path: string = ""): ConfigReader {
    return new ConfigReader(value, path, new ConfigErrors());
  }

  /** True when no error was recorded anywhere in this configuration. */
  get ok(): bool {
    return this.errors.list.length == 0;
  }

  /** The first error ("" when ok). */
  get error(): string {
    return this.errors.list.length == 0 ? "" : unchecked(this.errors.list[0]);
  }

  /** Every recorded error, in order. */
  get allErrors(): string[] {
    return this.errors.list;
  }

  /**
   * Records a custom error for field `key` of this object: `config: "<path>" <message>`. Nothing
   * is recorded when this object itself was wrong (already reported: one error per mistake).
   */
  fail(key: string, message: string): void {
    if (this.value === null) return;
    this.errors.list.push('config: "' + this.fieldPath(key) + '" ' + message);
  }

  /** True when this object has member `key` (null counts as present). */
  has(key: string): bool {
    const value = this.value;
    return value !== null && value.has(key);
  }

  /** The raw JSON value of `key`, or null when absent. */
  raw(key: string): JsonValue | null {
    const value = this.value;
    return value === null ? null : value.get(key);
  }

  /** A string field; `fallback` when absent; error when not a string. */
  string(key: string, fallback: string = ""): string {
    const field = this.raw(key);
    if (field === null) return fallback;
    if (field.kind != JsonKind.String) {
      this.fail(key, "must be a string, got " + field.kindName());
      return fallback;
    }
    return field.stringValue;
  }

  /** A string field that must be present and non-empty. */
  requiredString(key: string): string {
    const field = this.raw(key);
    if (field === null) {
      this.fail(key, "is required");
      return "";
    }
    const text = this.string(key);
    if (field.kind == JsonKind.String && text.length == 0) this.fail(key, "must not be empty");
    return text;
  }

  /** A string field restricted to `allowed`; error naming the choices otherwise. */
  oneOf(key: string, allowed: string[], fallback: string): string {
    const text = this.string(key, fallback);
    if (!allowed.includes(text)) {
      this.fail(key, "must be one of " + allowed.join(", ") + ", got " + text);
      return fallback;
    }
    return text;
  }

  /** A number field; `fallback` when absent; error when not a number. */
  number(key: string, fallback: f64 = 0): f64 {
    const field = this.raw(key);
    if (field === null) return fallback;
    if (field.kind != JsonKind.Number) {
      this.fail(key, "must be a number, got " + field.kindName());
      return fallback;
    }
    return field.numberValue;
  }

  /** A number field within [min, max]. */
  numberInRange(key: string, fallback: f64, min: f64, max: f64): f64 {
    const field = this.raw(key);
    if (field === null) return fallback;
    const n = this.number(key, fallback);
    if (field.kind == JsonKind.Number && !(n >= min && n <= max)) {
      this.fail(key, "must be between " + formatNumber(min) + " and " + formatNumber(max));
      return fallback;
    }
    return n;
  }

  /** An integer field within [min, max] (defaults: any safe integer). */
  integer(
    key: string,
    fallback: i64 = 0,
    min: i64 = -9007199254740992,
    max: i64 = 9007199254740992,
  ): i64 {
    const field = this.raw(key);
    if (field === null) return fallback;
    const n = field.kind == JsonKind.Number ? field.numberValue : NaN;
    if (!isWhole(n) || Math.abs(n) > MAX_SAFE) {
      this.fail(key, "must be an integer");
      return fallback;
    }
    const v = <i64>n;
    if (v < min || v > max) {
      this.fail(key, "must be between " + min.toString() + " and " + max.toString());
      return fallback;
    }
    return v;
  }

  /** An integer field > 0. */
  positiveInteger(key: string, fallback: i64 = 1): i64 {
    const field = this.raw(key);
    if (field === null) return fallback;
    const n = field.kind == JsonKind.Number ? field.numberValue : NaN;
    if (!isWhole(n) || n <= 0 || n > MAX_SAFE) {
      this.fail(key, "must be a positive integer");
      return fallback;
    }
    return <i64>n;
  }

  /** A bool field; `fallback` when absent; error when not true/false. */
  bool(key: string, fallback: bool = false): bool {
    const field = this.raw(key);
    if (field === null) return fallback;
    if (field.kind != JsonKind.Bool) {
      this.fail(key, "must be true or false, got " + field.kindName());
      return fallback;
    }
    return field.boolValue;
  }

  /** An array of strings; empty when absent; error (and empty) when any element is not a string. */
  stringArray(key: string): string[] {
    const out = new Array<string>();
    const field = this.raw(key);
    if (field === null) return out;
    if (field.kind != JsonKind.Array) {
      this.fail(key, "must be an array of strings, got " + field.kindName());
      return out;
    }
    const items = field.items;
    for (let i = 0; i < items.length; i++) {
      const item = unchecked(items[i]);
      if (item.kind != JsonKind.String) {
        this.fail(key + "[" + i.toString() + "]", "must be a string, got " + item.kindName());
        return new Array<string>();
      }
      out.push(item.stringValue);
    }
    return out;
  }

  /**
   * The object field `key` as a reader (errors report into this configuration). Absent: a
   * reader over an empty object, so its fields take their defaults. Not an object: an error.
   */
  object(key: string): ConfigReader {
    const field = this.raw(key);
    const path = this.fieldPath(key);
    if (field === null) return new ConfigReader(emptyObject(), path, this.errors);
    if (field.kind != JsonKind.Object) {
      this.fail(key, "must be an object, got " + field.kindName());
      return new ConfigReader(null, path, this.errors);
    }
    return new ConfigReader(field, path, this.errors);
  }

  /** The member names of this object, in document order (empty for a missing object). */
  keys(): string[] {
    const value = this.value;
    if (value === null || value.kind != JsonKind.Object) return new Array<string>();
    return value.keys;
  }

  /** Elements of the array field `key` that are objects, as readers (`key[i]` in errors). */
  objectArray(key: string): ConfigReader[] {
    const out = new Array<ConfigReader>();
    const field = this.raw(key);
    if (field === null) return out;
    if (field.kind != JsonKind.Array) {
      this.fail(key, "must be an array of objects, got " + field.kindName());
      return out;
    }
    const items = field.items;
    for (let i = 0; i < items.length; i++) {
      const item = unchecked(items[i]);
      const itemKey = key + "[" + i.toString() + "]";
      if (item.kind != JsonKind.Object) {
        this.fail(itemKey, "must be an object, got " + item.kindName());
        continue;
      }
      out.push(new ConfigReader(item, this.fieldPath(itemKey), this.errors));
    }
    return out;
  }

  private fieldPath(key: string): string {
    return this.path.length == 0 ? key : this.path + "." + key;
  }
}

function formatNumber(n: f64): string {
  return isWhole(n) && Math.abs(n) <= MAX_SAFE ? (<i64>n).toString() : n.toString();
}

function isWhole(n: f64): bool {
  return isFinite(n) && Math.trunc(n) == n;
}

function emptyObject(): JsonValue {
  const value = new JsonValue();
  value.kind = JsonKind.Object;
  return value;
}
