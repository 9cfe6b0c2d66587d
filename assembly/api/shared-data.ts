// Shared data for plugin authors (reference §3.8, §6.10): a key-value store shared by every VM
// with the same vm_id on the proxy (all workers), with compare-and-swap versions.
import { WasmResult } from "../abi/types";
import * as hostcalls from "../hostcalls/shared-data";
import { outU32, takeOutBytes } from "../hostcalls/memory";
import { recordResult } from "../hostcalls/result";

/** A value read from shared data, with the CAS version to pass to a conditional write. */
export class SharedValue {
  /**
   * @param bytes the stored bytes
   * @param cas the version of this value; pass it to `SharedData.set` to write only if nobody
   *   wrote the key in between
   */
  constructor(
    public readonly bytes: ArrayBuffer,
    public readonly cas: u32,
  ) {}

  /** The bytes decoded as UTF-8. */
  toText(): string {
    return String.UTF8.decode(this.bytes);
  }

  /** The bytes as a u64 (8 bytes little-endian, as `setU64` writes); `fallback` for any other length. */
  toU64(fallback: u64 = 0): u64 {
    return this.bytes.byteLength == 8 ? load<u64>(changetype<usize>(this.bytes)) : fallback;
  }
}

/**
 * A read-modify-write step for `SharedData.update`: `apply` gets the current value (null when
 * the key does not exist yet) and returns the bytes to store, or null to leave the key as it is.
 * AssemblyScript has no closures, so per-call inputs and outputs are fields of the subclass:
 *
 *   class TakeToken extends SharedUpdate {
 *     allowed: bool = false;
 *     apply(current: SharedValue | null): ArrayBuffer | null {
 *       const tokens = current === null ? 10 : current.toU64();
 *       this.allowed = tokens > 0;
 *       return this.allowed ? u64Bytes(tokens - 1) : null;
 *     }
 *   }
 *
 * `apply` may run several times in one `update` (once per attempt): derive every field from
 * `current`, do not accumulate across calls.
 */
export abstract class SharedUpdate {
  /** Computes the new value from `current`; null means "no write". */
  abstract apply(current: SharedValue | null): ArrayBuffer | null;
}

/** `SharedData.updateWith` as a `SharedUpdate`: calls a top-level function. */
class FunctionUpdate extends SharedUpdate {
  constructor(private readonly fn: (current: SharedValue | null) => ArrayBuffer | null) {
    super();
  }
  apply(current: SharedValue | null): ArrayBuffer | null {
    return this.fn(current);
  }
}

/**
 * The version `update` passes when it creates a key it found absent: not 0 (0 would write
 * unconditionally), so a key someone else created meanwhile answers CasMismatch. Hosts hand out
 * versions from a counter starting at 1; this one is reached only after 2^32 - 1 writes.
 */
export const CAS_CREATE: u32 = 0xffffffff;

/** 8 little-endian bytes of `value` (the encoding `SharedData.getU64/setU64` use). */
export function u64Bytes(value: u64): ArrayBuffer {
  const bytes = new ArrayBuffer(8);
  store<u64>(changetype<usize>(bytes), value);
  return bytes;
}

/**
 * The shared key-value store of this plugin's vm_id. Valid in any callback (root or stream), not
 * in top-level code. Keys and values survive plugin reconfiguration and disappear with the last
 * VM of the vm_id. There is no delete in ABI 0.2.1: write an empty value instead.
 *
 * Results: reads return null when the key is absent (`lastResult()` is NotFound); writes return
 * Ok, or CasMismatch when `cas` is not 0 and the key was written since that version was read.
 * Note (reference §3.8): a write with cas 0 is unconditional, and a conditional write of a key
 * that does not exist always succeeds. `update` and `addU64` therefore create a missing key with
 * cas `CAS_CREATE`: if another worker created the key in between, its version differs and the
 * write gets CasMismatch (and is retried) instead of overwriting it.
 */
export class SharedData {
  /** The value and its CAS version, or null when `key` is absent (NotFound in `lastResult()`). */
  static get(key: string): SharedValue | null {
    const result = recordResult(hostcalls.getSharedData(key));
    if (result != WasmResult.Ok) return null;
    const cas = outU32();
    return new SharedValue(takeOutBytes(), cas);
  }

  /** The value as UTF-8 text, or null when absent. */
  static getString(key: string): string | null {
    const value = SharedData.get(key);
    return value === null ? null : value.toText();
  }

  /** The value as bytes, or null when absent. */
  static getBytes(key: string): ArrayBuffer | null {
    const value = SharedData.get(key);
    return value === null ? null : value.bytes;
  }

  /** The value as a u64 (8 bytes LE), or `fallback` when absent or not 8 bytes long. */
  static getU64(key: string, fallback: u64 = 0): u64 {
    const value = SharedData.get(key);
    return value === null ? fallback : value.toU64(fallback);
  }

  /**
   * Stores `value`. `cas` 0 writes unconditionally; otherwise the write succeeds only if the key
   * is still at version `cas` (or absent). Returns Ok or CasMismatch.
   */
  static set(key: string, value: ArrayBuffer, cas: u32 = 0): WasmResult {
    return hostcalls.setSharedData(key, value, cas);
  }

  /** Stores the UTF-8 bytes of `value`; results as `set`. */
  static setString(key: string, value: string, cas: u32 = 0): WasmResult {
    return hostcalls.setSharedData(key, String.UTF8.encode(value), cas);
  }

  /** Stores `value` as 8 bytes LE; results as `set`. */
  static setU64(key: string, value: u64, cas: u32 = 0): WasmResult {
    return hostcalls.setSharedData(key, u64Bytes(value), cas);
  }

  /**
   * Atomic read-modify-write: reads `key`, asks `step.apply` for the new value and writes it
   * with the version it read; when another worker wrote in between (CasMismatch) it reads again
   * and retries, at most `maxAttempts` times. Returns Ok when written (or when `apply` returned
   * null: nothing to write), CasMismatch when every attempt lost the race, or the host's
   * error. Cost: one get and one set per attempt.
   */
  static update(key: string, step: SharedUpdate, maxAttempts: i32 = 8): WasmResult {
    let result = WasmResult.CasMismatch;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const current = SharedData.get(key);
      const next = step.apply(current);
      if (next === null) return WasmResult.Ok;
      result = hostcalls.setSharedData(key, next, current === null ? CAS_CREATE : current.cas);
      if (result != WasmResult.CasMismatch) return result;
    }
    return result;
  }

  /**
   * `update` with a function instead of a `SharedUpdate` subclass, for steps that need nothing
   * but the current value. AssemblyScript has no closures: pass a top-level function (or an
   * arrow function that captures nothing), e.g.
   * `SharedData.updateWith("visits", (v: SharedValue | null): ArrayBuffer | null => …)`.
   * Results as `update`.
   */
  static updateWith(
    key: string,
    fn: (current: SharedValue | null) => ArrayBuffer | null,
    maxAttempts: i32 = 8,
  ): WasmResult {
    return SharedData.update(key, new FunctionUpdate(fn), maxAttempts);
  }

  /**
   * Atomically adds `delta` to the u64 counter at `key` (absent = 0, wrapping) and returns the
   * new value; retries on CasMismatch like `update`. Returns `fallback` when every attempt lost
   * the race or the host refused the write (`lastResult()` is not set by the write; compare).
   */
  static addU64(key: string, delta: u64, maxAttempts: i32 = 8, fallback: u64 = 0): u64 {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const current = SharedData.get(key);
      const next = (current === null ? 0 : current.toU64()) + delta;
      const result = hostcalls.setSharedData(
        key,
        u64Bytes(next),
        current === null ? CAS_CREATE : current.cas,
      );
      if (result == WasmResult.Ok) return next;
      if (result != WasmResult.CasMismatch) return fallback;
    }
    return fallback;
  }
}
