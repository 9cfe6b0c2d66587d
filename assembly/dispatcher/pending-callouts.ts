// Callouts in flight: token → (what to call, which context made the call). The host delivers
// every callout event to the caller's root context (reference §6.7, §6.8); this map lets the
// SDK hand it to the handler bound to the originating context instead. HTTP calls, gRPC calls
// and gRPC streams share one map: their tokens never collide (id & 3 = 0, 1, 2 on Envoy).
import { ContextKind } from "../api/base-context";
import { BaseContext } from "../api/base-context";
import { WasmResult } from "../abi/types";
import * as context from "../hostcalls/context";
import { dispatcher } from "./dispatcher";

/** A callout the SDK routes: its token and the id of the context that made it. */
export abstract class PendingCallout {
  /**
   * @param token the host's token for the call
   * @param originId the context that made the call; its handler receives that context
   */
  constructor(
    public token: u32,
    public readonly originId: u32,
  ) {}
}

/** Owns the token map. There is exactly one: `pendingCallouts`. */
export class PendingCallouts {
  private byToken: Map<u32, PendingCallout> = new Map<u32, PendingCallout>();

  /** Remembers `callout` until `take`/`forget`. */
  add(callout: PendingCallout): void {
    this.byToken.set(callout.token, callout);
  }

  /** The callout with `token`, still registered, or null. */
  find(token: u32): PendingCallout | null {
    return this.byToken.has(token) ? this.byToken.get(token) : null;
  }

  /** Forgets the callout with `token` (no-op when unknown). */
  forget(token: u32): void {
    this.byToken.delete(token);
  }

  /** Number of callouts waiting for an answer (for tests and leak checks). */
  get size(): i32 {
    return this.byToken.size;
  }

  /**
   * The origin context of `callout`, made the effective context when it is a stream, or null
   * when that stream is gone (pitfall C6: the answer outlived its stream) — then the caller
   * drops the event. `rootContextId` is the context the host delivered the event to.
   */
  enterOrigin(callout: PendingCallout, rootContextId: u32): BaseContext | null {
    const origin = dispatcher.find(callout.originId);
    if (origin === null || origin.kind == ContextKind.Declined) return null;
    if (callout.originId != rootContextId && origin.kind != ContextKind.Root) {
      // The stream exists in the SDK's map; the host still knows it unless it was deleted in
      // between, which the host reports as BadArgument: then the event is dropped as well.
      if (context.setEffectiveContext(callout.originId) != WasmResult.Ok) return null;
    }
    return origin;
  }
}

/** The plugin's callouts in flight. */
export const pendingCallouts = new PendingCallouts();
