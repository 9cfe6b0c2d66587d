/**
 * Where a plugin's module comes from (issue 5 "Loading"): a file path, inline bytes, or a URL
 * (`file:` synchronously; `http:`/`https:` through {@link fetchModule}), optionally checked
 * against an expected SHA-256 before anything runs.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FailState } from "./abi.js";
import { PluginLoadError } from "./errors.js";

/** A module source accepted by `PluginOptions.wasm`. */
export type ModuleSource = string | Uint8Array | URL;

/** Lower-case hex SHA-256 of the bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Reads a module synchronously (path, bytes or `file:` URL) and checks `sha256` if given.
 * Throws {@link PluginLoadError} when the file cannot be read, the URL needs a network fetch
 * (use {@link fetchModule}) or the digest differs.
 * @internal
 */
export function readModule(source: ModuleSource, sha256?: string): Uint8Array {
  let bytes: Uint8Array;
  if (source instanceof Uint8Array) {
    bytes = source;
  } else {
    const url = source instanceof URL ? source : /^file:/i.test(source) ? new URL(source) : null;
    if (url !== null && url.protocol !== "file:") {
      throw new PluginLoadError(
        `Failed to load Wasm code from ${url.href}: only file: URLs load synchronously; ` +
          "use Host.loadPluginAsync (or fetchModule) for http(s)",
        FailState.UnableToCreateVm,
      );
    }
    const path = url !== null ? fileURLToPath(url) : (source as string);
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch (e) {
      throw new PluginLoadError(
        `Failed to load Wasm code from ${path}: ${(e as Error).message}`,
        FailState.UnableToCreateVm,
        { cause: e },
      );
    }
  }
  if (sha256 !== undefined) checkSha256(bytes, sha256);
  return bytes;
}

/**
 * Loads a module from any source, including `http:`/`https:` URLs (global `fetch`), and
 * checks `sha256` if given (Envoy requires it for remote code).
 */
export async function fetchModule(source: ModuleSource, sha256?: string): Promise<Uint8Array> {
  const url =
    source instanceof URL
      ? source
      : typeof source === "string" && /^https?:/i.test(source)
        ? new URL(source)
        : null;
  if (url === null || url.protocol === "file:") return readModule(source, sha256);
  let bytes: Uint8Array;
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new PluginLoadError(
      `Failed to load Wasm code (fetch failed) from ${url.href}: ${(e as Error).message}`,
      FailState.UnableToCreateVm,
      { cause: e },
    );
  }
  if (sha256 !== undefined) checkSha256(bytes, sha256);
  return bytes;
}

/** Throws a {@link PluginLoadError} when the digest differs (nothing has run yet). */
function checkSha256(bytes: Uint8Array, expected: string): void {
  const actual = sha256Hex(bytes);
  if (actual !== expected.trim().toLowerCase()) {
    throw new PluginLoadError(
      `Failed to load Wasm code: sha256 mismatch: expected ${expected}, got ${actual}`,
      FailState.UnableToCreateVm,
    );
  }
}
