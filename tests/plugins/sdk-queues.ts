// Test plugin for shared queues (assembly/api/queues.ts). Root id "consumer" registers queue
// "events" in onConfigure and drains it in onQueueReady; root id "producer" resolves the queue
// lazily from its streams and enqueues each request's path (`x-queue` names another queue,
// `x-vm` another vm_id). A "producer" stream also tries to dequeue from the consumer's queue.
import {
  FilterHeadersStatus,
  HttpContext,
  lastResult,
  logInfo,
  registerRootContext,
  RootContext,
  SharedQueue,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

class Consumer extends RootContext {
  queue: SharedQueue | null = null;

  onConfigure(size: u32): bool {
    const queue = SharedQueue.register("events");
    this.queue = queue;
    logInfo("registered: " + (queue === null ? "failed" : queue.token.toString()));
    return queue !== null;
  }

  onQueueReady(queueId: u32): void {
    const queue = this.queue!;
    if (queueId != queue.token) logInfo("ready for another queue " + queueId.toString());
    let drained = "";
    for (let item = queue.dequeueString(); item !== null; item = queue.dequeueString()) {
      drained += (drained.length > 0 ? "," : "") + item;
    }
    logInfo("drained [" + drained + "] then " + lastResult().toString());
  }
}

class Producer extends RootContext {
  queue: SharedQueue | null = null;

  createHttpContext(contextId: u32): HttpContext | null {
    return new Enqueuer(contextId, this);
  }
}

class Enqueuer extends HttpContext {
  constructor(
    id: u32,
    private readonly producer: Producer,
  ) {
    super(id, producer);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const name = this.requestHeaders.get("x-queue");
    const vm = this.requestHeaders.get("x-vm");
    let queue = this.producer.queue;
    if (queue === null || name !== null) {
      queue = SharedQueue.resolve(name === null ? "events" : name, vm === null ? "" : vm);
      if (queue === null) {
        logInfo("resolve failed: " + lastResult().toString());
        return FilterHeadersStatus.Continue;
      }
      if (name === null) this.producer.queue = queue;
    }
    const path = this.requestHeaders.get(":path")!;
    logInfo("enqueue " + path + ": " + queue.enqueueString(path).toString());
    if (path == "/bytes") queue.enqueue(String.UTF8.encode("raw"));
    return FilterHeadersStatus.Continue;
  }
}

class Stranger extends RootContext {
  onConfigure(size: u32): bool {
    const gone = new SharedQueue(12345);
    logInfo("enqueue unknown: " + gone.enqueueString("x").toString());
    logInfo(
      "dequeue unknown: " +
        (gone.dequeue() === null ? "null " : "bytes ") +
        lastResult().toString(),
    );
    return true;
  }
}

registerRootContext((id: u32): RootContext => new Consumer(id), "consumer");
registerRootContext((id: u32): RootContext => new Producer(id), "producer");
registerRootContext((id: u32): RootContext => new Stranger(id), "stranger");
