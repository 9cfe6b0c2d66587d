// The root context: one per configured plugin. It receives the VM and plugin configuration,
// timer ticks, queue notifications, callout responses, and creates the per-stream contexts.
import { BufferType, WasmResult } from "../abi/types";
import * as buffers from "../hostcalls/buffers";
import * as context from "../hostcalls/context";
import * as time from "../hostcalls/time";
import { BaseContext, ContextKind } from "./base-context";
import { HttpContext } from "./http-context";
import { StreamContext } from "./stream-context";

const WHOLE: u32 = 0xffffffff;

/**
 * A plugin's root context. Extend it, override what the plugin needs, and register a factory
 * with `registerRootContext`. Every method has a default, so a plugin overrides only what it uses.
 */
export class RootContext extends BaseContext {
  /** @param id the host's id for this root context */
  constructor(id: u32) {
    super(id, ContextKind.Root);
  }

  /**
   * The VM started for this plugin (called once per root, after the root is created).
   * `vmConfigurationSize` is the length of the VM configuration (`getVmConfiguration()`).
   * Return false to fail the plugin's start.
   */
  onVmStart(vmConfigurationSize: u32): bool {
    return true;
  }

  /**
   * The plugin's configuration arrived (at start and on every reconfiguration). Read it with
   * `getPluginConfiguration()` — only valid during this call. Return false to reject it.
   */
  onConfigure(pluginConfigurationSize: u32): bool {
    return true;
  }

  /** The timer set with `setTickPeriod` fired. */
  onTick(): void {}

  /** An item was enqueued on a shared queue this root registered. */
  onQueueReady(queueId: u32): void {}

  /**
   * The host initiated a foreign-function call into the plugin (ABI 0.2.x); its arguments are in
   * the call-data buffer during this call.
   */
  onForeignFunction(functionId: u32, argumentsSize: u32): void {}

  /**
   * A response (or failure: all counts 0) to an HTTP callout this root made, identified by
   * `token`. Callout headers, body and trailers are readable only during this call.
   */
  onHttpCallResponse(token: u32, numHeaders: u32, bodySize: u32, numTrailers: u32): void {}

  /**
   * The host is shutting the plugin down. Return true when done; return false to finish pending
   * work and call `done()` later.
   */
  onDone(): bool {
    return true;
  }

  /** Last call for this root context; release what it holds. */
  onDelete(): void {}

  /**
   * Creates the context for a new HTTP stream, or returns null when this plugin does not
   * handle HTTP. Return a subclass of `HttpContext` that keeps `this` for configuration.
   */
  createHttpContext(contextId: u32): HttpContext | null {
    return null;
  }

  /**
   * Creates the context for a new TCP connection, or returns null when this plugin does not
   * handle TCP. The host does not say whether a new stream is HTTP or TCP: the SDK asks
   * `createHttpContext` first, and asks this method when that returned null or when the
   * stream's first callback turns out to be a TCP one (the HTTP context is then dropped without
   * any of its callbacks running). So one root may serve both kinds.
   */
  createStreamContext(contextId: u32): StreamContext | null {
    return null;
  }

  /** The VM configuration bytes. Valid in any callback. */
  getVmConfiguration(): ArrayBuffer {
    const bytes = buffers.getBufferBytes(BufferType.VmConfiguration, 0, WHOLE);
    return bytes === null ? new ArrayBuffer(0) : bytes;
  }

  /** The VM configuration as UTF-8 text. Valid in any callback. */
  getVmConfigurationString(): string {
    const text = buffers.getBufferString(BufferType.VmConfiguration, 0, WHOLE);
    return text === null ? "" : text;
  }

  /** The plugin configuration bytes. Valid only in `onConfigure`. */
  getPluginConfiguration(): ArrayBuffer {
    const bytes = buffers.getBufferBytes(BufferType.PluginConfiguration, 0, WHOLE);
    return bytes === null ? new ArrayBuffer(0) : bytes;
  }

  /** The plugin configuration as UTF-8 text. Valid only in `onConfigure`. */
  getPluginConfigurationString(): string {
    const text = buffers.getBufferString(BufferType.PluginConfiguration, 0, WHOLE);
    return text === null ? "" : text;
  }

  /**
   * Tells the host this root finished the work it deferred by returning false from `onDone`;
   * the host then calls `onDelete`. Valid in any callback of this root after `onDone` returned
   * false (a tick, a callout response); NotFound when the host was not waiting.
   */
  done(): WasmResult {
    return context.done();
  }

  /**
   * Fires `onTick` every `periodMs` milliseconds (fixed delay); 0 stops the timer. Valid in any
   * callback (typically `onConfigure`), not in top-level code.
   */
  setTickPeriod(periodMs: u32): WasmResult {
    return time.setTickPeriodMilliseconds(periodMs);
  }
}
