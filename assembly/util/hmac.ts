// HMAC-SHA-256 (RFC 2104, FIPS 198-1) and a constant-time comparison for checking MACs.
// Pure code, no hostcalls.
import { sha256 } from "./sha256";

const BLOCK: i32 = 64; // SHA-256 block size in bytes

/** HMAC-SHA-256 of `message` under `key` (32 bytes). Keys longer than 64 bytes are hashed first. */
export function hmacSha256(key: ArrayBuffer, message: ArrayBuffer): ArrayBuffer {
  const k = new Uint8Array(BLOCK);
  k.set(Uint8Array.wrap(key.byteLength > BLOCK ? sha256(key) : key));
  const inner = new Uint8Array(BLOCK + message.byteLength);
  const outer = new Uint8Array(BLOCK + 32);
  for (let i = 0; i < BLOCK; i++) {
    inner[i] = k[i] ^ 0x36;
    outer[i] = k[i] ^ 0x5c;
  }
  inner.set(Uint8Array.wrap(message), BLOCK);
  outer.set(Uint8Array.wrap(sha256(inner.buffer)), BLOCK);
  return sha256(outer.buffer);
}

/**
 * Whether `a` and `b` hold the same bytes, taking the same time wherever they differ (a MAC
 * compared with an early exit leaks how many leading bytes an attacker got right).
 */
export function constantTimeEqual(a: ArrayBuffer, b: ArrayBuffer): bool {
  if (a.byteLength != b.byteLength) return false;
  const x = Uint8Array.wrap(a);
  const y = Uint8Array.wrap(b);
  let diff: u32 = 0;
  for (let i = 0; i < x.length; i++) diff |= <u32>(x[i] ^ y[i]);
  return diff == 0;
}
