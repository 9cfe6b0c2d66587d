// A small, strict JSON parser (RFC 8259) for plugin configuration. Pure: no hostcalls.
// Values are a tree of `JsonValue`; errors carry the byte offset and a readable reason.

/** The kind of a JSON value. */
export enum JsonKind {
  Null = 0,
  Bool = 1,
  Number = 2,
  String = 3,
  Array = 4,
  Object = 5,
}

/** A parsed JSON value. Read it with the typed accessors; each returns a fallback on a kind mismatch. */
export class JsonValue {
  /** Which accessor applies. */
  kind: JsonKind = JsonKind.Null;
  /** Bool payload. */
  boolValue: bool = false;
  /** Number payload. */
  numberValue: f64 = 0;
  /** String payload. */
  stringValue: string = "";
  /** Array elements. */
  items: JsonValue[] = [];
  /** Object member names, in document order (parallel to `values`). */
  keys: string[] = [];
  /** Object member values, in document order (parallel to `keys`). */
  values: JsonValue[] = [];

  /** True for `null`. */
  isNull(): bool {
    return this.kind == JsonKind.Null;
  }

  /** The member `key` of an object (last one wins on duplicates), or null. */
  get(key: string): JsonValue | null {
    if (this.kind != JsonKind.Object) return null;
    for (let i = this.keys.length - 1; i >= 0; i--) {
      if (unchecked(this.keys[i]) == key) return unchecked(this.values[i]);
    }
    return null;
  }

  /** True when this is an object with member `key`. */
  has(key: string): bool {
    return this.get(key) !== null;
  }

  /** The string payload, or `fallback` when this is not a string. */
  asString(fallback: string = ""): string {
    return this.kind == JsonKind.String ? this.stringValue : fallback;
  }

  /** The number payload, or `fallback` when this is not a number. */
  asNumber(fallback: f64 = 0): f64 {
    return this.kind == JsonKind.Number ? this.numberValue : fallback;
  }

  /** The bool payload, or `fallback` when this is not a bool. */
  asBool(fallback: bool = false): bool {
    return this.kind == JsonKind.Bool ? this.boolValue : fallback;
  }

  /** The elements, or an empty array when this is not an array. */
  asArray(): JsonValue[] {
    return this.kind == JsonKind.Array ? this.items : [];
  }

  /** A readable name of the kind, for error messages ("string", "object"…). */
  kindName(): string {
    switch (this.kind) {
      case JsonKind.Null:
        return "null";
      case JsonKind.Bool:
        return "boolean";
      case JsonKind.Number:
        return "number";
      case JsonKind.String:
        return "string";
      case JsonKind.Array:
        return "array";
      default:
        return "object";
    }
  }
}

/** Outcome of `parseJson`: a value, or an error with its position. */
export class JsonParseResult {
  /** The parsed value (null on error). */
  value: JsonValue | null = null;
  /** Empty on success; otherwise what is wrong. */
  error: string = "";
  /** Character offset of the error. */
  position: i32 = 0;

  /** True when parsing succeeded. */
  get ok(): bool {
    return this.value !== null;
  }
}

const MAX_DEPTH: i32 = 128;

class Parser {
  pos: i32 = 0;
  error: string = "";
  errorPos: i32 = 0;

  constructor(public text: string) {}

  fail(message: string): JsonValue | null {
    if (this.error.length == 0) {
      this.error = message;
      this.errorPos = this.pos;
    }
    return null;
  }

  skipWhitespace(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d) this.pos++;
      else break;
    }
  }

  parseValue(depth: i32): JsonValue | null {
    if (depth > MAX_DEPTH) return this.fail("nesting deeper than " + MAX_DEPTH.toString());
    this.skipWhitespace();
    if (this.pos >= this.text.length) return this.fail("unexpected end of input");
    const c = this.text.charCodeAt(this.pos);
    if (c == 0x7b) return this.parseObject(depth);
    if (c == 0x5b) return this.parseArray(depth);
    if (c == 0x22) {
      const s = this.parseString();
      if (s === null) return null;
      const v = new JsonValue();
      v.kind = JsonKind.String;
      v.stringValue = s;
      return v;
    }
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber();
    if (this.consumeWord("true")) return this.makeBool(true);
    if (this.consumeWord("false")) return this.makeBool(false);
    if (this.consumeWord("null")) return new JsonValue();
    return this.fail("unexpected character '" + String.fromCharCode(c) + "'");
  }

  makeBool(b: bool): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.Bool;
    v.boolValue = b;
    return v;
  }

  consumeWord(word: string): bool {
    if (this.text.length - this.pos < word.length) return false;
    for (let i = 0; i < word.length; i++) {
      if (this.text.charCodeAt(this.pos + i) != word.charCodeAt(i)) return false;
    }
    this.pos += word.length;
    return true;
  }

  parseObject(depth: i32): JsonValue | null {
    const v = new JsonValue();
    v.kind = JsonKind.Object;
    this.pos++; // {
    this.skipWhitespace();
    if (this.pos < this.text.length && this.text.charCodeAt(this.pos) == 0x7d) {
      this.pos++;
      return v;
    }
    while (true) {
      this.skipWhitespace();
      if (this.pos >= this.text.length || this.text.charCodeAt(this.pos) != 0x22) {
        return this.fail("expected a member name in double quotes");
      }
      const key = this.parseString();
      if (key === null) return null;
      this.skipWhitespace();
      if (this.pos >= this.text.length || this.text.charCodeAt(this.pos) != 0x3a) {
        return this.fail("expected ':' after member name");
      }
      this.pos++;
      const member = this.parseValue(depth + 1);
      if (member === null) return null;
      v.keys.push(key);
      v.values.push(member);
      this.skipWhitespace();
      if (this.pos >= this.text.length) return this.fail("unterminated object");
      const c = this.text.charCodeAt(this.pos++);
      if (c == 0x7d) return v;
      if (c != 0x2c) {
        this.pos--;
        return this.fail("expected ',' or '}' in object");
      }
    }
  }

  parseArray(depth: i32): JsonValue | null {
    const v = new JsonValue();
    v.kind = JsonKind.Array;
    this.pos++; // [
    this.skipWhitespace();
    if (this.pos < this.text.length && this.text.charCodeAt(this.pos) == 0x5d) {
      this.pos++;
      return v;
    }
    while (true) {
      const item = this.parseValue(depth + 1);
      if (item === null) return null;
      v.items.push(item);
      this.skipWhitespace();
      if (this.pos >= this.text.length) return this.fail("unterminated array");
      const c = this.text.charCodeAt(this.pos++);
      if (c == 0x5d) return v;
      if (c != 0x2c) {
        this.pos--;
        return this.fail("expected ',' or ']' in array");
      }
    }
  }

  parseString(): string | null {
    const text = this.text;
    this.pos++; // opening quote
    let out = "";
    let runStart = this.pos;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c == 0x22) {
        out += text.substring(runStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) {
        this.fail("control character in string");
        return null;
      }
      if (c == 0x5c) {
        out += text.substring(runStart, this.pos);
        this.pos++;
        if (this.pos >= text.length) break;
        const e = text.charCodeAt(this.pos++);
        if (e == 0x22) out += '"';
        else if (e == 0x5c) out += "\\";
        else if (e == 0x2f) out += "/";
        else if (e == 0x62) out += "\b";
        else if (e == 0x66) out += "\f";
        else if (e == 0x6e) out += "\n";
        else if (e == 0x72) out += "\r";
        else if (e == 0x74) out += "\t";
        else if (e == 0x75) {
          const code = this.parseHex4();
          if (code < 0) {
            this.fail("invalid \\u escape");
            return null;
          }
          out += String.fromCharCode(code);
        } else {
          this.pos--;
          this.fail("invalid escape '\\" + String.fromCharCode(e) + "'");
          return null;
        }
        runStart = this.pos;
        continue;
      }
      this.pos++;
    }
    this.fail("unterminated string");
    return null;
  }

  parseHex4(): i32 {
    if (this.text.length - this.pos < 4) return -1;
    let code = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.text.charCodeAt(this.pos++);
      let d: i32;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x41 + 10;
      else return -1;
      code = (code << 4) | d;
    }
    return code;
  }

  parseNumber(): JsonValue | null {
    const text = this.text;
    const start = this.pos;
    if (text.charCodeAt(this.pos) == 0x2d) this.pos++;
    if (this.pos >= text.length) return this.fail("invalid number");
    if (text.charCodeAt(this.pos) == 0x30) {
      this.pos++;
    } else if (!this.digits()) {
      return this.fail("invalid number");
    }
    if (this.pos < text.length && text.charCodeAt(this.pos) == 0x2e) {
      this.pos++;
      if (!this.digits()) return this.fail("digits expected after '.'");
    }
    if (this.pos < text.length) {
      const e = text.charCodeAt(this.pos);
      if (e == 0x65 || e == 0x45) {
        this.pos++;
        if (this.pos < text.length) {
          const sign = text.charCodeAt(this.pos);
          if (sign == 0x2b || sign == 0x2d) this.pos++;
        }
        if (!this.digits()) return this.fail("digits expected in exponent");
      }
    }
    const v = new JsonValue();
    v.kind = JsonKind.Number;
    v.numberValue = parseFloat(text.substring(start, this.pos));
    return v;
  }

  digits(): bool {
    const start = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c < 0x30 || c > 0x39) break;
      this.pos++;
    }
    return this.pos > start;
  }
}

/** Parses `text` as one JSON document (surrounding whitespace allowed). */
export function parseJson(text: string): JsonParseResult {
  const parser = new Parser(text);
  const result = new JsonParseResult();
  const value = parser.parseValue(0);
  if (value !== null) {
    parser.skipWhitespace();
    if (parser.pos < text.length) {
      parser.fail("unexpected text after the JSON value");
    } else {
      result.value = value;
      return result;
    }
  }
  result.error = parser.error;
  result.position = parser.errorPos;
  return result;
}
