// Callouts in flight: token → (what to call, which context made the call). The host delivers
// every callout event to the caller's root context (reference §6.7, §6.8); this map lets the
// SDK hand it to the handler bound to the originating context instead. HTTP calls, gRPC calls
// and gRPC streams share one map: their tokens never collide (id & 3 = 0, 1, 2 on Envoy).
//
// Everything here is created by the plugin's first callout: a plugin that makes none runs none
// of it at start and carries none of it in its module (the callback exports are removed by the
// used-callbacks transform, and nothing else refers to the map).
import { BaseContext, ContextKind } from "../api/base-context";
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

  /**
   * The originating stream ended before the call did: nothing will be delivered to it. gRPC
   * calls and streams cancel themselves at the host; HTTP calls cannot be cancelled (their
   * answer then finds no entry and goes to `RootContext.onHttpCallResponse`, a no-op default).
   */
  originGone(): void {}
}

let byToken: Map<u32, PendingCallout> | null = null;

/** Remembers `callout` until `forgetCallout`. */
export function addCallout(callout: PendingCallout): void {
  let map = byToken;
  if (map === null) {
    map = new Map<u32, PendingCallout>();
    byToken = map;
    streamDeletedHook = releaseOrigin;
  }
  map.set(callout.token, callout);
}

/** The callout with `token`, still registered, or null. */
export function findCallout(token: u32): PendingCallout | null {
  const map = byToken;
  return map !== null && map.has(token) ? map.get(token) : null;
}

/** Forgets the callout with `token` (no-op when unknown). */
export function forgetCallout(token: u32): void {
  const map = byToken;
  if (map !== null) map.delete(token);
}

/** Number of callouts waiting for an answer (for tests and leak checks). */
export function pendingCalloutCount(): i32 {
  const map = byToken;
  return map === null ? 0 : map.size;
}

/**
 * Forgets every callout of stream `contextId`, which the host is deleting (pitfall C6), and
 * cancels its gRPC calls and streams so they do not outlive it.
 */
function releaseOrigin(contextId: u32): void {
  const map = byToken;
  if (map === null || map.size == 0) return;
  const callouts = map.values();
  for (let i = 0; i < callouts.length; i++) {
    const callout = unchecked(callouts[i]);
    if (callout.originId != contextId) continue;
    map.delete(callout.token);
    callout.originGone();
  }
}

/**
 * What `proxy_on_delete` runs for a stream context: null until the plugin's first callout, so
 * a plugin that makes none pays one null check per stream.
 */
export let streamDeletedHook: ((contextId: u32) => void) | null = null;

/**
 * The origin context of `callout`, made the effective context when it is a stream, or null
 * when that stream is gone (pitfall C6: the answer outlived its stream) — then the caller
 * drops the event. `rootContextId` is the context the host delivered the event to.
 */
export function enterOrigin(callout: PendingCallout, rootContextId: u32): BaseContext | null {
  const origin = dispatcher.find(callout.originId);
  if (origin === null || origin.kind == ContextKind.Declined) return null;
  if (callout.originId != rootContextId && origin.kind != ContextKind.Root) {
    // The stream exists in the SDK's map; should the host no longer know it, it answers
    // BadArgument and the event is dropped as well.
    if (context.setEffectiveContext(callout.originId) != WasmResult.Ok) return null;
  }
  return origin;
}
