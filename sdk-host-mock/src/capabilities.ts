/**
 * API limits of one configured plugin (issue 5, `docs/sandbox.md`):
 *
 * - the capability allowlist as cpp-host implements Envoy's `capability_restriction_config`
 *   (`allowed_capabilities`): a `proxy_*` hostcall outside the list is linked to a stub that
 *   logs `Attempted call to restricted proxy-wasm capability: proxy_<name>` and returns
 *   InternalFailure; a WASI function outside it logs `Attempted call to restricted WASI
 *   capability: <name>` and returns errno 76 (`__WASI_ENOTCAPABLE`); a `proxy_*` callback outside
 *   it is never called (cpp-host `getFunctions`, `_GET_PROXY`). An empty list allows everything,
 *   as in cpp-host.
 * - censoring (the Proxy-Wasm design's "sanitization", which Envoy does not implement): hidden
 *   headers and properties read as absent, and writes to them are refused with InternalFailure.
 */
import { WasmResult } from "./abi.js";
import type { HostcallDef } from "./hostcalls/types.js";
import type { Vm } from "./vm.js";

/** WASI errno cpp-host's restricted-capability stubs return. */
export const WASI_ENOTCAPABLE = 76;

/** True when cpp-host gates this import by the capability allowlist (`proxy_*` and WASI). @internal */
export function isCapabilityGated(def: HostcallDef): boolean {
  return def.module === "wasi" || def.name.startsWith("proxy_");
}

/** cpp-host's stub for a restricted capability (`_CREATE_PROXY_WASM_STUB` / `_CREATE_WASI_STUB`). @internal */
export function restrictedStub(def: HostcallDef, vm: Vm): (...args: never[]) => number | void {
  const wasi = def.module === "wasi";
  const message = wasi
    ? `Attempted call to restricted WASI capability: ${def.name}`
    : `Attempted call to restricted proxy-wasm capability: ${def.name}`;
  const result =
    def.results.length === 0 ? undefined : wasi ? WASI_ENOTCAPABLE : WasmResult.InternalFailure;
  return () => {
    const ctx = vm.current();
    ctx.plugin.hostLog("error", message, ctx.id);
    return result;
  };
}

/** Capability allowlist from plugin options; null = no restriction. @internal */
export function capabilitySet(list: readonly string[] | undefined): ReadonlySet<string> | null {
  if (list === undefined || list.length === 0) return null;
  return new Set(list);
}

/** What a plugin may not see or change (options `hiddenHeaders`, `hiddenProperties`). @internal */
export class Censor {
  private readonly headers: ReadonlySet<string>;
  private readonly properties: readonly string[][];

  constructor(hiddenHeaders: readonly string[] = [], hiddenProperties: readonly string[] = []) {
    this.headers = new Set(hiddenHeaders.map((h) => h.toLowerCase()));
    this.properties = hiddenProperties.map((p) => p.split("."));
  }

  /** True when nothing is censored (the fast path). */
  get empty(): boolean {
    return this.headers.size === 0 && this.properties.length === 0;
  }

  /** A header (any map: request/response headers and trailers, callout and gRPC metadata). */
  hidesHeader(name: string): boolean {
    return this.headers.size > 0 && this.headers.has(name.toLowerCase());
  }

  /**
   * A property path (segments) is hidden when it starts with a hidden path, or is a prefix of
   * one (reading `source` would reveal `source.address`). `request.headers.<name>` is hidden with
   * the header.
   */
  hidesProperty(segments: readonly string[]): boolean {
    for (const hidden of this.properties) {
      const n = Math.min(hidden.length, segments.length);
      let same = true;
      for (let i = 0; i < n; i++) if (hidden[i] !== segments[i]) same = false;
      if (same) return true;
    }
    if (
      this.headers.size > 0 &&
      (segments[0] === "request" || segments[0] === "response") &&
      segments[1] === "headers"
    ) {
      return segments.length === 2 || this.hidesHeader(segments[2]);
    }
    return false;
  }
}
