/**
 * One TCP connection through the plugin's network filter (reference §6.1, §6.4, §6.12):
 * `proxy_on_new_connection`, downstream/upstream data with accumulation while stopped,
 * synthesized upstream close on end-of-stream writes, and teardown
 * `downstream_close → done → log → delete`.
 *
 * Data buffers (buffer types 2/3, §3.3) follow Envoy's `Context::onData`/`onWrite`: the host
 * points the context at the connection buffer before the data callback and drops the pointer
 * only when the callback returns Continue. After StopIteration the bytes stay in that buffer —
 * readable and writable (e.g. from a root callback after `proxy_set_effective_context`) — and
 * the next data callback is called with the accumulated size (§6.4). `proxy_continue_stream(2)`
 * forwards (drains) the held downstream bytes; Envoy does not reset the pointer there, so the
 * buffer then reads as empty but stays writable (whatever is written waits for the next read).
 *
 * A StopIteration from `proxy_on_new_connection` does not stop data callbacks: Envoy's
 * `Network::FilterManagerImpl::onContinueReading` marks the filter initialized before calling
 * `onNewConnection`, so later reads still reach `proxy_on_downstream_data`; only the filters
 * after this one (the upstream) wait until the plugin continues (Continue from a data callback
 * or `proxy_continue_stream(2)`).
 */
import {
  FilterStatus,
  clampNetworkStatus,
  type NetworkStatusName,
  type NotDeliveredStatus,
} from "./abi.js";
import { BodyBuffer, NULL_BUFFER, concat, type BufferLike } from "./body-buffer.js";
import type { ContextRef } from "./context.js";
import { PluginTrapError } from "./errors.js";
import type { StreamOptions, SendOptions } from "./http-stream.js";
import { toBytes, utf8 } from "./memory.js";
import type { Plugin } from "./plugin.js";
import type { Vm } from "./vm.js";
import { PropertyTree, type PropertyValue } from "./properties.js";
import {
  connectionAttribute,
  resolveConnection,
  type ConnectionInfo,
} from "./connection-attributes.js";

class Side {
  /** Envoy's connection buffer for this direction (data not yet forwarded). */
  buffer = new BodyBuffer();
  /** The context points at {@link buffer} (set by a data callback, cleared by Continue). */
  pointer = false;
  forwarded: Uint8Array[] = [];
}

/** A TCP connection (network filter context) of a {@link Plugin}. */
export class TcpStream implements ContextRef {
  /** @internal */ readonly kind = "tcp" as const;
  /** @internal */ readonly http = null;
  /** @internal */ readonly tcp: TcpStream = this;
  /** Context id. */
  readonly id: number;
  /** @internal */ readonly properties: PropertyTree;
  /** @internal */ readonly filterState = new Map<string, Uint8Array>();
  /** Why the connection was closed by the plugin or host (`wasm_downstream_close`, `wasm_fail_stream`…), if it was. */
  closeDetails: string | null = null;

  private readonly down = new Side();
  private readonly up = new Side();
  private created = false;
  private downstreamClosed = false;
  private finished = false;
  private readonly connectionId: number;
  private readonly connection: ConnectionInfo;
  private upstreamSelected = false;
  /** The VM this connection runs on (fixed at creation; a reload does not move it). */
  private readonly vm: Vm;
  /** Failure-policy treatment fixed at creation (see `HttpStream`). */
  private readonly mode: "run" | "bypass" | "fail";
  /** @internal Runs after the connection's teardown (an ephemeral per-request VM shuts down). */
  afterTeardown: (() => void) | null = null;

  /** @internal Use {@link Plugin.newTcpStream}. */
  constructor(
    readonly plugin: Plugin,
    options: StreamOptions,
  ) {
    this.vm = plugin.vm;
    this.mode = plugin.disabled
      ? "fail"
      : plugin.vm.failed && (plugin.failOpen || plugin.failureTracker.policy === "open")
        ? "bypass"
        : "run";
    this.id = plugin.vm.allocContextId();
    plugin.vm.addContext(this);
    this.properties = new PropertyTree(options.properties ?? {});
    this.connectionId = plugin.host.nextConnectionId();
    this.connection = resolveConnection(
      this.connectionId,
      plugin.options.connection,
      options.connection,
    );
  }

  /**
   * tcp_proxy connected to an upstream host: from now on `upstream.address`, `upstream.port`,
   * `upstream.local_address` exist (§5.3). The first {@link sendUpstreamData} /
   * {@link closeUpstream} does this implicitly.
   */
  selectUpstream(): void {
    this.upstreamSelected = true;
  }

  /** Context id. */
  get contextId(): number {
    return this.id;
  }

  /** Bytes forwarded upstream (client → server) so far. */
  get downstreamData(): Uint8Array {
    return concat(...this.down.forwarded);
  }
  /** Bytes forwarded downstream (server → client) so far. */
  get upstreamData(): Uint8Array {
    return concat(...this.up.forwarded);
  }
  /** {@link downstreamData} as UTF-8. */
  get downstreamText(): string {
    return utf8(this.downstreamData);
  }
  /** {@link upstreamData} as UTF-8. */
  get upstreamText(): string {
    return utf8(this.upstreamData);
  }
  /** True once the connection was closed (teardown ran). */
  get closed(): boolean {
    return this.finished;
  }

  /** A connection was accepted: lazy context create, then `proxy_on_new_connection`. */
  sendNewConnection(): NetworkStatusName | NotDeliveredStatus {
    return this.plugin.host.dispatch(() => this.newConnection());
  }

  /** Client bytes arrive (`proxy_on_downstream_data`); sends the new connection first if needed. */
  sendDownstreamData(
    data: string | Uint8Array,
    options: SendOptions = {},
  ): NetworkStatusName | NotDeliveredStatus {
    return this.plugin.host.dispatch(() => {
      if (!this.created && !this.finished) this.newConnection();
      return this.onData(
        this.down,
        "proxy_on_downstream_data",
        toBytes(data),
        options.endOfStream ?? false,
      );
    });
  }

  /**
   * Server bytes are written toward the client (`proxy_on_upstream_data`); with `endOfStream`
   * Envoy then synthesizes `proxy_on_upstream_connection_close(ctx, 0)` (§6.12).
   */
  sendUpstreamData(
    data: string | Uint8Array,
    options: SendOptions = {},
  ): NetworkStatusName | NotDeliveredStatus {
    this.upstreamSelected = true;
    return this.plugin.host.dispatch(() => {
      const eos = options.endOfStream ?? false;
      const r = this.onData(this.up, "proxy_on_upstream_data", toBytes(data), eos);
      if (eos && r !== "Skipped" && this.created && !this.vm.failed) {
        this.invoke("proxy_on_upstream_connection_close", [this.id, 0]);
        if (this.downstreamClosed) this.onCloseTcp();
      }
      return r;
    });
  }

  /** Upstream finished: same as `sendUpstreamData("", { endOfStream: true })`. */
  closeUpstream(): void {
    this.sendUpstreamData(new Uint8Array(0), { endOfStream: true });
  }

  /**
   * The downstream connection closed: `proxy_on_downstream_connection_close(ctx, 1|2)`, then
   * `proxy_on_done` → `proxy_on_log` → `proxy_on_delete`.
   */
  closeDownstream(peer: "local" | "remote" = "remote"): void {
    this.plugin.host.dispatch(() => this.downstreamClose(peer === "local" ? 1 : 2));
  }

  // ------------------------------------------------------------------ internal

  /** @internal Buffer 2 / 3 as the plugin sees it. */
  dataBuffer(type: 2 | 3): BufferLike {
    const s = type === 2 ? this.down : this.up;
    return s.pointer ? s.buffer : NULL_BUFFER;
  }

  /**
   * @internal `proxy_continue_stream(2)`: Envoy `continueReading()` after the VM call — the
   * filters after this one get the held bytes (forwarded upstream, the buffer is drained). The
   * buffer pointer is not reset (Envoy `continueStream` leaves `network_downstream_data_buffer_`).
   */
  continueDownstream(): void {
    this.plugin.host.defer(() => {
      if (this.finished) return;
      this.flush(this.down);
    });
  }

  /** @internal `proxy_close_stream(2|3)`. */
  closeFromPlugin(type: 2 | 3): void {
    this.closeDetails ??= type === 2 ? "wasm_downstream_close" : "wasm_upstream_close";
    this.plugin.host.defer(() => this.downstreamClose(1));
  }

  /** @internal Connection attributes (§5.3, connection-attributes.ts). */
  deriveProperty(segs: string[]): PropertyValue | undefined {
    const attempts = this.upstreamSelected ? 1 : 0;
    return connectionAttribute(
      this.connection,
      this.connectionId,
      this.upstreamSelected,
      attempts,
      segs,
    );
  }

  private invoke(name: string, args: number[]): number | null | undefined {
    try {
      return this.vm.call(name, this, args);
    } catch (e) {
      if (e instanceof PluginTrapError && !(this.mode === "run" && this.plugin.failOpen)) {
        this.closeDetails ??= "wasm_fail_stream";
        this.finished = true;
        this.vm.removeContext(this.id);
      }
      throw e;
    }
  }

  private failedVm(): NetworkStatusName | NotDeliveredStatus | null {
    if (!this.vm.failed && this.mode === "run") return null;
    if (this.mode === "bypass" || (this.mode === "run" && this.plugin.failOpen)) return "Continue";
    if (!this.finished) {
      this.closeDetails ??= "wasm_fail_stream";
      this.finished = true;
      this.vm.removeContext(this.id);
    }
    return "Skipped";
  }

  private newConnection(): NetworkStatusName | NotDeliveredStatus {
    if (this.finished || this.created) return "Skipped";
    const failed = this.failedVm();
    if (failed !== null) return failed;
    this.created = true;
    this.invoke("proxy_on_context_create", [this.id, this.plugin.id]);
    const raw = this.invoke("proxy_on_new_connection", [this.id]);
    // StopIteration only keeps the next filters (the upstream) waiting: nothing has been read
    // yet, and later reads still call the data callback (see the file comment).
    const status =
      raw === undefined || raw === null ? FilterStatus.Continue : clampNetworkStatus(raw);
    return FilterStatus[status] as NetworkStatusName;
  }

  private onData(
    side: Side,
    callback: string,
    data: Uint8Array,
    eos: boolean,
  ): NetworkStatusName | NotDeliveredStatus {
    if (this.finished) return "Skipped";
    const failed = this.failedVm();
    if (failed !== null) {
      if (failed === "Continue") {
        // Fail-open: the filter returns Continue, so everything in the buffer goes on.
        side.buffer.append(data);
        this.flush(side);
        side.pointer = false;
      }
      return failed;
    }
    if (!this.created) {
      side.forwarded.push(data);
      return "Skipped";
    }
    // Envoy appends the new bytes to the connection buffer; after a StopIteration it still
    // holds the earlier ones, so the callback sees the accumulated size (§6.4).
    side.buffer.append(data);
    side.pointer = true;
    const raw = this.invoke(callback, [this.id, side.buffer.size, eos ? 1 : 0]);
    const status =
      raw === undefined || raw === null ? FilterStatus.Continue : clampNetworkStatus(raw);
    if (status === FilterStatus.Continue) {
      this.flush(side);
      side.pointer = false;
    }
    return FilterStatus[status] as NetworkStatusName;
  }

  /** Forwards what the connection buffer holds and drains it. */
  private flush(side: Side): void {
    if (side.buffer.size > 0) side.forwarded.push(side.buffer.bytes);
    side.buffer = new BodyBuffer();
  }

  private downstreamClose(peer: number): void {
    if (this.finished || this.downstreamClosed) return;
    this.downstreamClosed = true;
    try {
      if (!this.created || this.vm.failed || this.mode !== "run") {
        this.finished = true;
        this.vm.removeContext(this.id);
        return;
      }
      this.invoke("proxy_on_downstream_connection_close", [this.id, peer]);
      this.onCloseTcp();
    } finally {
      this.afterTeardown?.();
    }
  }

  private onCloseTcp(): void {
    if (this.finished) return;
    this.finished = true;
    try {
      this.invoke("proxy_on_done", [this.id]);
      this.invoke("proxy_on_log", [this.id]);
      this.invoke("proxy_on_delete", [this.id]);
    } finally {
      this.vm.removeContext(this.id);
    }
  }
}
