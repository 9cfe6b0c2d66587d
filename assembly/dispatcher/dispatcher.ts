// The one object that owns every context: the root registrations, and one map from host
// context ids to contexts (roots, HTTP streams, TCP connections). Callback files look contexts
// up here; nothing else keeps context state.
import { BaseContext, ContextKind, DeclinedContext } from "../api/base-context";
import { HttpContext } from "../api/http-context";
import { LogLevel } from "../abi/types";
import { isLogEnabled, logError, logWarn } from "../api/log";
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

/** Owns the context map. There is exactly one: `dispatcher`. */
export class Dispatcher {
  private registrations: RootRegistration[] = new Array<RootRegistration>();
  private contexts: Map<u32, BaseContext> = new Map<u32, BaseContext>();
  // A stream's callbacks arrive one after another for the same id: a one-entry cache in front
  // of the map saves the hash lookup for all but the first.
  private lastId: u32 = 0;
  private lastContext: BaseContext | null = null;
  // Stream creation looks up the parent root: usually the same one every time.
  private lastRootId: u32 = 0;
  private lastRoot: RootContext | null = null;

  /** Registers (or replaces) the root factory for `rootId` ("" = any plugin_root_id). */
  register(rootId: string, factory: RootContextFactory): void {
    for (let i = 0; i < this.registrations.length; i++) {
      const registration = unchecked(this.registrations[i]);
      if (registration.rootId == rootId) {
        registration.factory = factory;
        return;
      }
    }
    this.registrations.push(new RootRegistration(rootId, factory));
  }

  /** Creates the root context `contextId`, choosing the registration by plugin_root_id. */
  createRoot(contextId: u32): void {
    const registration = this.chooseRegistration();
    if (registration === null) return;
    const root = registration.factory(contextId);
    this.contexts.set(contextId, root);
    this.lastId = contextId;
    this.lastContext = root;
  }

  /** Creates the HTTP or TCP context `contextId` of root `rootContextId`. */
  createStream(contextId: u32, rootContextId: u32): void {
    let root = this.lastRoot;
    if (root === null || this.lastRootId != rootContextId) {
      root = this.root(rootContextId);
      if (root === null) return;
      this.lastRootId = rootContextId;
      this.lastRoot = root;
    }
    let context: BaseContext | null = root.createHttpContext(contextId);
    if (context === null) context = root.createStreamContext(contextId);
    if (context === null) context = new DeclinedContext(contextId);
    this.contexts.set(contextId, context);
    this.lastId = contextId;
    this.lastContext = context;
  }

  /** The context `contextId`, whatever its kind, or null. */
  find(contextId: u32): BaseContext | null {
    const last = this.lastContext;
    if (last !== null && this.lastId == contextId) return last;
    if (!this.contexts.has(contextId)) return null;
    const context = this.contexts.get(contextId);
    this.lastId = contextId;
    this.lastContext = context;
    return context;
  }

  /** The root context `contextId`, or null (logged) when there is none. */
  root(contextId: u32): RootContext | null {
    const context = this.expect(contextId, ContextKind.Root);
    return context === null ? null : changetype<RootContext>(context);
  }

  /** The HTTP context `contextId`, or null (logged unless its root declined it). */
  httpContext(contextId: u32): HttpContext | null {
    const context = this.expect(contextId, ContextKind.Http);
    return context === null ? null : changetype<HttpContext>(context);
  }

  /** The TCP context `contextId`, or null (logged unless its root declined it). */
  streamContext(contextId: u32): StreamContext | null {
    const context = this.expect(contextId, ContextKind.Stream);
    return context === null ? null : changetype<StreamContext>(context);
  }

  /** Forgets `contextId` after its onDelete. */
  remove(contextId: u32): void {
    if (this.lastId == contextId) this.lastContext = null;
    if (this.lastRootId == contextId) this.lastRoot = null;
    this.contexts.delete(contextId);
  }

  private expect(contextId: u32, kind: ContextKind): BaseContext | null {
    const context = this.find(contextId);
    if (context !== null && context.kind == kind) return context;
    if (context !== null && context.kind == ContextKind.Declined) return null;
    // proxy_on_context_create does not say whether a stream is HTTP or TCP: a root that creates
    // both kinds got an HTTP context; the first TCP callback swaps in its TCP context.
    if (context !== null && context.kind == ContextKind.Http && kind == ContextKind.Stream) {
      const tcp = changetype<HttpContext>(context).root.createStreamContext(contextId);
      if (tcp !== null) {
        this.contexts.set(contextId, tcp);
        this.lastId = contextId;
        this.lastContext = tcp;
        return tcp;
      }
    }
    // Callback families rather than export names keep the strings (static data) small.
    if (isLogEnabled(LogLevel.Warn)) {
      logWarn(
        "proxy-wasm-as: " +
          (kind == ContextKind.Root ? "root" : kind == ContextKind.Http ? "HTTP" : "TCP") +
          " callback for " +
          (context === null ? "unknown context " : "a context of another kind: ") +
          contextId.toString() +
          "; ignored",
      );
    }
    return null;
  }

  private chooseRegistration(): RootRegistration | null {
    const count = this.registrations.length;
    if (count == 0) {
      logError("proxy-wasm-as: no root context registered; call registerRootContext()");
      return null;
    }
    // A single catch-all registration needs no lookup (and no hostcall).
    const first = unchecked(this.registrations[0]);
    if (count == 1 && first.rootId.length == 0) return first;
    const property = getProperty(["plugin_root_id"]);
    const rootId = property === null ? "" : String.UTF8.decode(property);
    let fallback: RootRegistration | null = null;
    let known = "";
    for (let i = 0; i < count; i++) {
      const registration = unchecked(this.registrations[i]);
      if (registration.rootId == rootId) return registration;
      if (registration.rootId.length == 0) fallback = registration;
      known += (i > 0 ? ', "' : '"') + registration.rootId + '"';
    }
    if (fallback !== null) return fallback;
    logError(
      'proxy-wasm-as: no root context registered for plugin_root_id "' +
        rootId +
        '" (registered: ' +
        known +
        ")",
    );
    return null;
  }
}

/** The plugin's dispatcher. */
export const dispatcher = new Dispatcher();
