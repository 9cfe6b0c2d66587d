// The one object that owns every context: root registrations, and the maps from host context
// ids to root, HTTP and TCP contexts. Callback files look contexts up here; nothing else keeps
// context state.
import { logError, logWarn } from "../api/log";
import { HttpContext } from "../api/http-context";
import { RootContext } from "../api/root-context";
import { StreamContext } from "../api/stream-context";
import { getProperty } from "../hostcalls/properties";

/** Creates a plugin's root context for the host-assigned `contextId`. */
export type RootContextFactory = (contextId: u32) => RootContext;

class RootRegistration {
  constructor(
    public rootId: string,
    public factory: RootContextFactory,
  ) {}
}

/** Owns the context maps. There is exactly one: `dispatcher`. */
export class Dispatcher {
  private registrations: RootRegistration[] = new Array<RootRegistration>();
  private roots: Map<u32, RootContext> = new Map<u32, RootContext>();
  private httpContexts: Map<u32, HttpContext> = new Map<u32, HttpContext>();
  private streamContexts: Map<u32, StreamContext> = new Map<u32, StreamContext>();
  /** Streams whose root chose not to create a context (no HTTP/TCP support). */
  private declined: Set<u32> = new Set<u32>();

  /** Registers (or replaces) the root factory for `rootId` ("" = any plugin_root_id). */
  register(rootId: string, factory: RootContextFactory): void {
    for (let i = 0; i < this.registrations.length; i++) {
      if (unchecked(this.registrations[i]).rootId == rootId) {
        unchecked(this.registrations[i]).factory = factory;
        return;
      }
    }
    this.registrations.push(new RootRegistration(rootId, factory));
  }

  /** Creates the root context `contextId`, choosing the registration by plugin_root_id. */
  createRoot(contextId: u32): void {
    const registration = this.chooseRegistration();
    if (registration === null) return;
    this.roots.set(contextId, registration.factory(contextId));
  }

  /** Creates the HTTP or TCP context `contextId` of root `rootContextId`. */
  createStream(contextId: u32, rootContextId: u32): void {
    const root = this.root(rootContextId, "proxy_on_context_create");
    if (root === null) return;
    const http = root.createHttpContext(contextId);
    if (http !== null) {
      this.httpContexts.set(contextId, http);
      return;
    }
    const stream = root.createStreamContext(contextId);
    if (stream !== null) {
      this.streamContexts.set(contextId, stream);
      return;
    }
    this.declined.add(contextId);
  }

  /** The root context `contextId`, or null (logged) when unknown. */
  root(contextId: u32, callback: string): RootContext | null {
    if (this.roots.has(contextId)) return this.roots.get(contextId);
    this.reportUnknown(contextId, callback);
    return null;
  }

  /** True when `contextId` is a root context. */
  isRoot(contextId: u32): bool {
    return this.roots.has(contextId);
  }

  /** The HTTP context `contextId`, or null (logged unless the root declined it) when unknown. */
  httpContext(contextId: u32, callback: string): HttpContext | null {
    if (this.httpContexts.has(contextId)) return this.httpContexts.get(contextId);
    this.reportUnknown(contextId, callback);
    return null;
  }

  /** The TCP context `contextId`, or null (logged unless the root declined it) when unknown. */
  streamContext(contextId: u32, callback: string): StreamContext | null {
    if (this.streamContexts.has(contextId)) return this.streamContexts.get(contextId);
    this.reportUnknown(contextId, callback);
    return null;
  }

  /** The HTTP context `contextId` if there is one; no logging. */
  findHttpContext(contextId: u32): HttpContext | null {
    return this.httpContexts.has(contextId) ? this.httpContexts.get(contextId) : null;
  }

  /** The TCP context `contextId` if there is one; no logging. */
  findStreamContext(contextId: u32): StreamContext | null {
    return this.streamContexts.has(contextId) ? this.streamContexts.get(contextId) : null;
  }

  /** Forgets `contextId` after its onDelete. */
  remove(contextId: u32): void {
    this.roots.delete(contextId);
    this.httpContexts.delete(contextId);
    this.streamContexts.delete(contextId);
    this.declined.delete(contextId);
  }

  private chooseRegistration(): RootRegistration | null {
    const count = this.registrations.length;
    if (count == 0) {
      logError(
        "proxy-wasm-as: no root context registered; call registerRootContext() at top level",
      );
      return null;
    }
    // A single catch-all registration needs no lookup (and no hostcall).
    if (count == 1 && unchecked(this.registrations[0]).rootId.length == 0) {
      return unchecked(this.registrations[0]);
    }
    const property = getProperty(["plugin_root_id"]);
    const rootId = property === null ? "" : String.UTF8.decode(property);
    let fallback: RootRegistration | null = null;
    for (let i = 0; i < count; i++) {
      const registration = unchecked(this.registrations[i]);
      if (registration.rootId == rootId) return registration;
      if (registration.rootId.length == 0) fallback = registration;
    }
    if (fallback !== null) return fallback;
    const known = new Array<string>();
    for (let i = 0; i < count; i++) known.push('"' + unchecked(this.registrations[i]).rootId + '"');
    logError(
      'proxy-wasm-as: no root context registered for plugin_root_id "' +
        rootId +
        '" (registered: ' +
        known.join(", ") +
        ")",
    );
    return null;
  }

  private reportUnknown(contextId: u32, callback: string): void {
    if (this.declined.has(contextId)) return;
    logWarn(
      "proxy-wasm-as: " + callback + " for unknown context " + contextId.toString() + "; ignored",
    );
  }
}

/** The plugin's dispatcher. */
export const dispatcher = new Dispatcher();
