// The Proxy-Wasm header-pairs wire format (reference §5.1), as pure functions:
//   u32 count, count × {u32 keyLength, u32 valueLength}, then count × {key, 0x00, value, 0x00}
// All integers little-endian.

/** One header (or metadata) entry: a name and its value. */
export class HeaderPair {
  /** @param name header name (hosts lower-case names of HTTP maps) @param value header value */
  constructor(
    public name: string,
    public value: string,
  ) {}
}

/** Serializes pairs into the wire format (always at least the 4-byte count). */
export function encodePairs(pairs: HeaderPair[]): ArrayBuffer {
  const count = pairs.length;
  let total: usize = 4 + <usize>count * 8;
  for (let i = 0; i < count; i++) {
    const pair = unchecked(pairs[i]);
    total +=
      <usize>String.UTF8.byteLength(pair.name) + <usize>String.UTF8.byteLength(pair.value) + 2;
  }
  const out = new ArrayBuffer(<i32>total);
  const base = changetype<usize>(out);
  store<u32>(base, <u32>count);
  let sizes = base + 4;
  let data = base + 4 + <usize>count * 8;
  for (let i = 0; i < count; i++) {
    const pair = unchecked(pairs[i]);
    const nameLength = String.UTF8.encodeUnsafe(
      changetype<usize>(pair.name),
      pair.name.length,
      data,
    );
    data += nameLength;
    store<u8>(data++, 0);
    const valueLength = String.UTF8.encodeUnsafe(
      changetype<usize>(pair.value),
      pair.value.length,
      data,
    );
    data += valueLength;
    store<u8>(data++, 0);
    store<u32>(sizes, <u32>nameLength);
    store<u32>(sizes, <u32>valueLength, 4);
    sizes += 8;
  }
  return out;
}

/**
 * Parses the wire format at `ptr` (`size` bytes). Malformed input (short buffer, sizes past the
 * end, missing NUL terminators) yields an empty list, as hosts do.
 */
export function decodePairs(ptr: usize, size: usize): HeaderPair[] {
  const result = new Array<HeaderPair>();
  if (size < 4) return result;
  const count = <usize>load<u32>(ptr);
  if (count > (size - 4) / 8) return result;
  const end = ptr + size;
  let sizes = ptr + 4;
  let data = ptr + 4 + count * 8;
  for (let i: usize = 0; i < count; i++) {
    const nameLength = <usize>load<u32>(sizes);
    const valueLength = <usize>load<u32>(sizes, 4);
    sizes += 8;
    if (nameLength >= end - data || load<u8>(data + nameLength) != 0)
      return new Array<HeaderPair>();
    const name = String.UTF8.decodeUnsafe(data, nameLength);
    data += nameLength + 1;
    if (valueLength >= end - data || load<u8>(data + valueLength) != 0) {
      return new Array<HeaderPair>();
    }
    const value = String.UTF8.decodeUnsafe(data, valueLength);
    data += valueLength + 1;
    result.push(new HeaderPair(name, value));
  }
  return result;
}

/** `decodePairs` over an ArrayBuffer. */
export function decodePairsBuffer(buffer: ArrayBuffer): HeaderPair[] {
  return decodePairs(changetype<usize>(buffer), <usize>buffer.byteLength);
}
