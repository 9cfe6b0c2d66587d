// Shared queues (reference §3.8, §6.11; pitfall T2): a queue is identified by (vm_id, name);
// any VM that knows its token may enqueue or dequeue, and each enqueue notifies the root context
// that registered the queue last, through `RootContext.onQueueReady(token)`.
import { WasmResult } from "../abi/types";
import { outU32, takeOutBytes } from "../hostcalls/memory";
import { recordResult } from "../hostcalls/result";
import * as hostcalls from "../hostcalls/shared-data";

/**
 * A handle on a shared queue. Get one with `SharedQueue.register` (the consumer: its root
 * receives `onQueueReady`) or `SharedQueue.resolve` (a producer elsewhere). Handles are plain
 * values: keep them in a context field, or rebuild one from a token with `new SharedQueue(token)`.
 */
export class SharedQueue {
  /** @param token the host's token for the queue (as `onQueueReady` receives it) */
  constructor(public readonly token: u32) {}

  /**
   * Registers queue `name` of this VM's vm_id (creating it, or re-opening it with its items),
   * and makes the calling context's root the one notified on every enqueue (the last registrant
   * wins). Valid in any callback, typically `onConfigure` of a root; not in top-level code.
   * Null when the host refused (`lastResult()` tells why); Envoy always answers `Ok`.
   */
  static register(name: string): SharedQueue | null {
    const result = recordResult(hostcalls.registerSharedQueue(name));
    return result == WasmResult.Ok ? new SharedQueue(outU32()) : null;
  }

  /**
   * Finds queue `name` registered by a VM with vm_id `vmId` ("" = this VM's own vm_id). Null
   * when it is not registered yet (`lastResult()` is `NotFound`): retry later, e.g. on the next
   * request or tick. Valid in any callback.
   */
  static resolve(name: string, vmId: string = ""): SharedQueue | null {
    const result = recordResult(hostcalls.resolveSharedQueue(vmId, name));
    return result == WasmResult.Ok ? new SharedQueue(outU32()) : null;
  }

  /** Appends `item`. Results: `Ok`; `NotFound` when the queue no longer exists. */
  enqueue(item: ArrayBuffer): WasmResult {
    return hostcalls.enqueueSharedQueue(this.token, item);
  }

  /** Appends the UTF-8 bytes of `text`. Results as `enqueue`. */
  enqueueString(text: string): WasmResult {
    return hostcalls.enqueueSharedQueue(this.token, String.UTF8.encode(text));
  }

  /**
   * Removes and returns the oldest item, or null: `lastResult()` is then `Empty` (nothing
   * queued) or `NotFound` (the queue no longer exists). Drain with a loop until null: one
   * `onQueueReady` may find several items, or none (another consumer took them).
   */
  dequeue(): ArrayBuffer | null {
    const result = recordResult(hostcalls.dequeueSharedQueue(this.token));
    return result == WasmResult.Ok ? takeOutBytes() : null;
  }

  /** Like `dequeue`, decoded as UTF-8. */
  dequeueString(): string | null {
    const bytes = this.dequeue();
    return bytes === null ? null : String.UTF8.decode(bytes);
  }
}
