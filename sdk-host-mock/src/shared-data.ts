import { WasmResult } from "./abi.js";

/** One shared-data entry. */
export interface SharedDataEntry {
  value: Uint8Array;
  cas: number;
}

/**
 * Process-wide shared data (reference §3.8, §6.10): namespaced by vm_id string, CAS values from
 * one counter starting at 1 (never 0) shared by every namespace.
 */
export class SharedDataStore {
  private readonly namespaces = new Map<string, Map<string, SharedDataEntry>>();
  private casCounter = 0;

  private nextCas(): number {
    this.casCounter = (this.casCounter + 1) >>> 0;
    if (this.casCounter === 0) this.casCounter = 1;
    return this.casCounter;
  }

  /** `proxy_get_shared_data`. */
  get(vmId: string, key: string): SharedDataEntry | null {
    return this.namespaces.get(vmId)?.get(key) ?? null;
  }

  /** `proxy_set_shared_data`: cas 0 → unconditional; stale cas on an existing key → CasMismatch. */
  set(vmId: string, key: string, value: Uint8Array, cas: number): WasmResult {
    let ns = this.namespaces.get(vmId);
    if (!ns) {
      ns = new Map();
      this.namespaces.set(vmId, ns);
    }
    const existing = ns.get(key);
    if (cas !== 0 && existing && existing.cas !== cas) return WasmResult.CasMismatch;
    ns.set(key, { value, cas: this.nextCas() });
    return WasmResult.Ok;
  }

  /** All entries of a namespace (copy). */
  entries(vmId: string): Map<string, SharedDataEntry> {
    return new Map(this.namespaces.get(vmId) ?? []);
  }

  /** Drops a namespace (last VM with that vm_id went away). */
  dropNamespace(vmId: string): void {
    this.namespaces.delete(vmId);
  }
}

/** A registered shared queue. */
export interface SharedQueue {
  token: number;
  vmId: string;
  name: string;
  items: Uint8Array[];
  /** Delivers `proxy_on_queue_ready` to the last registrant. */
  notify: ((token: number) => void) | null;
}

/** Process-wide shared queues (reference §3.8, §6.11). */
export class SharedQueueStore {
  private readonly byKey = new Map<string, SharedQueue>();
  private readonly byToken = new Map<number, SharedQueue>();
  private tokenCounter = 0;

  private key(vmId: string, name: string): string {
    return `${vmId}\u0000${name}`;
  }

  /** Registers (or re-opens) a queue; the notification target becomes `notify`. */
  register(vmId: string, name: string, notify: (token: number) => void): number {
    const k = this.key(vmId, name);
    let q = this.byKey.get(k);
    if (!q) {
      let token: number;
      do {
        this.tokenCounter = (this.tokenCounter + 1) >>> 0;
        token = this.tokenCounter;
      } while (token === 0 || this.byToken.has(token));
      q = { token, vmId, name, items: [], notify };
      this.byKey.set(k, q);
      this.byToken.set(token, q);
    }
    q.notify = notify;
    return q.token;
  }

  /** Looks a queue up by (vm_id, name). */
  resolve(vmId: string, name: string): number | null {
    return this.byKey.get(this.key(vmId, name))?.token ?? null;
  }

  /** A queue by token. */
  get(token: number): SharedQueue | null {
    return this.byToken.get(token) ?? null;
  }

  /** Deletes all queues of a vm_id. */
  dropNamespace(vmId: string): void {
    for (const [k, q] of this.byKey) {
      if (q.vmId === vmId) {
        this.byKey.delete(k);
        this.byToken.delete(q.token);
      }
    }
  }
}
