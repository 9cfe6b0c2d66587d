// The one object that owns every context: the root registrations, and one map from host
// context ids to contexts (roots, HTTP streams, TCP connections). Callback files look contexts
// up here; nothing else keeps context state.
import { BaseContext, ContextKind, DeclinedContext } from "../api/base-context";
import { HttpContext } from "../api/http-context";
import { LogLevel } from "../abi/types";
import { isLogEnabled, logError, logWarn } from "../api/log";
import { RootContext } from "../api/root-context";
import { StreamContext } from "../api/stream-context";
import { getPropertyJoined } from "../hostcalls/properties";
import { ContextTable } from "./context-table";

/** Creates a plugin's root context for the host-assigned `contextId`. */
export type RootContextFactory = (contextId: u32) => RootContext;

/** One `registerRootContext` call; registrations form a list in registration order. */
class RootRegistration {
  next: RootRegistration | null = null;

  constructor(
    public rootId: string,
    public factory: RootContextFactory,
  ) {}
}

/** Owns the context map. There is exactly one: `dispatcher`. */
export class Dispatcher {
  // Usually one registration: a list costs less code than an array.
  private registrations: RootRegistration | null = null;
  private contexts: ContextTable = new ContextTable();
  // A stream's callbacks arrive one after another for the same id: a one-entry cache in front
  // of the table saves the lookup for all but the first. The caches hold addresses, not
  // references: the table keeps the contexts alive and `remove` clears the caches, and plain
  // fields cost no GC write barrier or shadow-stack spill on the hot path.
  private lastId: u32 = 0;
  private lastContext: usize = 0;
  // Stream creation looks up the parent root: usually the same one every time.
  private lastRootId: u32 = 0;
  private lastRoot: usize = 0;

  /** Registers (or replaces) the root factory for `rootId` ("" = any plugin_root_id). */
  register(rootId: string, factory: RootContextFactory): void {
    let last: RootRegistration | null = null;
    let r = this.registrations;
    while (r !== null) {
      if (r.rootId == rootId) {
        r.factory = factory;
        return;
      }
      last = r;
      r = r.next;
    }
    const registration = new RootRegistration(rootId, factory);
    if (last === null) this.registrations = registration;
    else last.next = registration;
  }

  /** Creates the root context `contextId`, choosing the registration by plugin_root_id. */
  createRoot(contextId: u32): void {
    const registration = this.chooseRegistration();
    if (registration === null) return;
    const root = registration.factory(contextId);
    this.contexts.set(contextId, root);
    this.lastId = contextId;
    this.lastContext = changetype<usize>(root);
  }

  /** Creates the HTTP or TCP context `contextId` of root `rootContextId`. */
  createStream(contextId: u32, rootContextId: u32): void {
    let root = changetype<RootContext | null>(this.lastRoot);
    if (root === null || this.lastRootId != rootContextId) {
      root = this.root(rootContextId);
      if (root === null) return;
      this.lastRootId = rootContextId;
      this.lastRoot = changetype<usize>(root);
    }
    let context: BaseContext | null = root.createHttpContext(contextId);
    if (context === null) context = root.createStreamContext(contextId);
    if (context === null) context = new DeclinedContext(contextId);
    this.contexts.set(contextId, context);
    this.lastId = contextId;
    this.lastContext = changetype<usize>(context);
  }

  /** The context `contextId`, whatever its kind, or null. */
  find(contextId: u32): BaseContext | null {
    const last = this.lastContext;
    if (last != 0 && this.lastId == contextId) return changetype<BaseContext>(last);
    return this.lookup(contextId);
  }

  private lookup(contextId: u32): BaseContext | null {
    const context = this.contexts.get(contextId);
    if (context === null) return null;
    this.lastId = contextId;
    this.lastContext = changetype<usize>(context);
    return context;
  }

  /** The root context `contextId`, or null (logged) when there is none. */
  root(contextId: u32): RootContext | null {
    return changetype<RootContext | null>(this.expect(contextId, ContextKind.Root));
  }

  /** The HTTP context `contextId`, or null (logged unless its root declined it). */
  httpContext(contextId: u32): HttpContext | null {
    return changetype<HttpContext | null>(this.expect(contextId, ContextKind.Http));
  }

  /** The TCP context `contextId`, or null (logged unless its root declined it). */
  streamContext(contextId: u32): StreamContext | null {
    return changetype<StreamContext | null>(this.expect(contextId, ContextKind.Stream));
  }

  /** Forgets `contextId` after its onDelete. */
  remove(contextId: u32): void {
    if (this.lastId == contextId) this.lastContext = 0;
    if (this.lastRootId == contextId) this.lastRoot = 0;
    this.contexts.delete(contextId);
  }

  // The hot path (the stream of the previous callback, of the expected kind) is inlined into
  // every callback; everything else is out of line.
  // @ts-ignore: decorator
  @inline
  private expect(contextId: u32, kind: ContextKind): BaseContext | null {
    const last = this.lastContext;
    if (last != 0 && this.lastId == contextId && changetype<BaseContext>(last).kind == kind) {
      return changetype<BaseContext>(last);
    }
    return this.expectSlow(contextId, kind);
  }

  private expectSlow(contextId: u32, kind: ContextKind): BaseContext | null {
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
        this.lastContext = changetype<usize>(tcp);
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
    const first = this.registrations;
    if (first === null) {
      logError("proxy-wasm-as: no root context registered; call registerRootContext()");
      return null;
    }
    // A single catch-all registration needs no lookup (and no hostcall).
    if (first.next === null && first.rootId.length == 0) return first;
    const property = getPropertyJoined("plugin_root_id");
    const rootId = property === null ? "" : String.UTF8.decode(property);
    let fallback: RootRegistration | null = null;
    let known = "";
    let r: RootRegistration | null = first;
    while (r !== null) {
      if (r.rootId == rootId) return r;
      if (r.rootId.length == 0) fallback = r;
      known += (r !== first ? ', "' : '"') + r.rootId + '"';
      r = r.next;
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
