// Property paths and property value decoders (reference §5.2, §5.3), as pure functions.

/** Joins path segments with a single NUL byte: ["request", "path"] → "request\0path". */
export function encodePropertyPath(segments: string[]): ArrayBuffer {
  const count = segments.length;
  let total: usize = count > 0 ? <usize>(count - 1) : 0;
  for (let i = 0; i < count; i++) total += <usize>String.UTF8.byteLength(unchecked(segments[i]));
  const out = new ArrayBuffer(<i32>total);
  let ptr = changetype<usize>(out);
  for (let i = 0; i < count; i++) {
    if (i > 0) store<u8>(ptr++, 0);
    const segment = unchecked(segments[i]);
    ptr += String.UTF8.encodeUnsafe(changetype<usize>(segment), segment.length, ptr);
  }
  return out;
}

/** Splits a dotted path ("request.path") into segments; use arrays for keys containing dots. */
export function splitPropertyPath(dotted: string): string[] {
  return dotted.length == 0 ? new Array<string>() : dotted.split(".");
}

/** Decodes an int64 property (8 bytes little-endian); `fallback` for any other length. */
export function decodeInt64(value: ArrayBuffer | null, fallback: i64 = 0): i64 {
  if (value === null || value.byteLength != 8) return fallback;
  return load<i64>(changetype<usize>(value));
}

/** Decodes a uint64 property (8 bytes little-endian); `fallback` for any other length. */
export function decodeUint64(value: ArrayBuffer | null, fallback: u64 = 0): u64 {
  if (value === null || value.byteLength != 8) return fallback;
  return load<u64>(changetype<usize>(value));
}

/** Decodes a double property (8 bytes IEEE-754 LE); `fallback` for any other length. */
export function decodeFloat64(value: ArrayBuffer | null, fallback: f64 = 0): f64 {
  if (value === null || value.byteLength != 8) return fallback;
  return load<f64>(changetype<usize>(value));
}

/** Decodes a bool property (1 byte, 0 or 1); `fallback` for any other length. */
export function decodeBool(value: ArrayBuffer | null, fallback: bool = false): bool {
  if (value === null || value.byteLength != 1) return fallback;
  return load<u8>(changetype<usize>(value)) != 0;
}

/** Decodes a string/bytes property as UTF-8; null stays null. */
export function decodeString(value: ArrayBuffer | null): string | null {
  if (value === null) return null;
  return String.UTF8.decode(value);
}
