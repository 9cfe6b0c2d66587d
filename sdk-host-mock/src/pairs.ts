import { toBytes, utf8 } from "./memory.js";

/** cpp-host `PROXY_WASM_HOST_PAIRS_MAX_BYTES`: larger buffers decode to an empty list. */
export const PAIRS_MAX_BYTES = 1024 * 1024;
/** cpp-host `PROXY_WASM_HOST_PAIRS_MAX_COUNT`: more pairs decode to an empty list. */
export const PAIRS_MAX_COUNT = 1024;

/** A header-like key/value pair as raw bytes. */
export type BytePair = [Uint8Array, Uint8Array];

/**
 * Serializes pairs in the Proxy-Wasm pairs format (reference §5.1):
 * `u32 N, N × {u32 key_len, u32 value_len}, N × {key, 0, value, 0}`.
 */
export function encodePairs(
  pairs: ReadonlyArray<readonly [string | Uint8Array, string | Uint8Array]>,
): Uint8Array {
  const encoded = pairs.map(([k, v]) => [toBytes(k), toBytes(v)] as const);
  let total = 4;
  for (const [k, v] of encoded) total += 8 + k.length + 1 + v.length + 1;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, encoded.length, true);
  let sizes = 4;
  let data = 4 + encoded.length * 8;
  for (const [k, v] of encoded) {
    dv.setUint32(sizes, k.length, true);
    dv.setUint32(sizes + 4, v.length, true);
    sizes += 8;
    out.set(k, data);
    data += k.length + 1;
    out.set(v, data);
    data += v.length + 1;
  }
  return out;
}

/**
 * Decodes the pairs format exactly like cpp-host `PairsUtil::toPairs`: any violation (fewer than
 * 4 bytes, more than {@link PAIRS_MAX_BYTES} bytes or {@link PAIRS_MAX_COUNT} pairs, sizes that do
 * not fit, a missing NUL terminator, trailing bytes) yields an **empty list** — no error.
 */
export function decodePairBytes(buffer: Uint8Array): BytePair[] {
  if (buffer.length > PAIRS_MAX_BYTES || buffer.length < 4) return [];
  const dv = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const end = buffer.length;
  const n = dv.getUint32(0, true);
  if (n > PAIRS_MAX_COUNT) return [];
  let pos = 4;
  if (pos + n * 8 > end) return [];
  let s = pos + n * 8;
  const out: BytePair[] = [];
  for (let i = 0; i < n; i++) {
    const klen = dv.getUint32(pos, true);
    const vlen = dv.getUint32(pos + 4, true);
    pos += 8;
    if (s + klen + 1 > end) return [];
    const key = buffer.slice(s, s + klen);
    s += klen;
    if (buffer[s++] !== 0) return [];
    if (s + vlen + 1 > end) return [];
    const value = buffer.slice(s, s + vlen);
    s += vlen;
    if (buffer[s++] !== 0) return [];
    out.push([key, value]);
  }
  if (s !== end) return [];
  return out;
}

/** {@link decodePairBytes} with keys and values decoded as UTF-8 strings. */
export function decodePairs(buffer: Uint8Array): [string, string][] {
  return decodePairBytes(buffer).map(([k, v]) => [utf8(k), utf8(v)]);
}
