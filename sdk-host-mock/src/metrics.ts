import { MetricType, WasmResult } from "./abi.js";

/** A stat in the process-wide store (Envoy `wasmcustom.<name>`). */
export interface MetricRecord {
  /** Name as defined by the plugin (without the hidden `wasmcustom.` prefix). */
  name: string;
  type: "counter" | "gauge" | "histogram";
  /** Counter / gauge value (u64). */
  value: bigint;
  /** Histogram samples. */
  samples: bigint[];
}

const TYPE_NAMES = ["counter", "gauge", "histogram"] as const;

/** Process-wide stat store shared by every plugin of a Host (Envoy's stats scope). */
export class MetricStore {
  private readonly stats = new Map<string, MetricRecord>();

  /** Creates or finds the stat for `(type, name)`. */
  intern(type: MetricType, name: string): MetricRecord {
    const key = `${type}:${name}`;
    let rec = this.stats.get(key);
    if (!rec) {
      rec = { name, type: TYPE_NAMES[type], value: 0n, samples: [] };
      this.stats.set(key, rec);
    }
    return rec;
  }

  /** Every stat. */
  all(): MetricRecord[] {
    return [...this.stats.values()];
  }

  /** The first stat with this name (any type), or null. */
  find(name: string): MetricRecord | null {
    for (const r of this.stats.values()) if (r.name === name) return r;
    return null;
  }
}

/**
 * Per-VM metric ids (reference §3.9): counters 4, 8, 12…; gauges 5, 9…; histograms 6, 10…
 * (`id & 3` = type). Defining a name again gives a new id bound to the same stat.
 */
export class MetricIds {
  private readonly byId = new Map<number, MetricRecord>();
  private readonly next = [0, 1, 2];

  constructor(private readonly store: MetricStore) {}

  /** `proxy_define_metric`. */
  define(type: number, name: string): { result: WasmResult; id?: number } {
    if (type > MetricType.Histogram) return { result: WasmResult.BadArgument };
    const id = (this.next[type] += 4);
    this.byId.set(id, this.store.intern(type as MetricType, name));
    return { result: WasmResult.Ok, id };
  }

  /** `proxy_increment_metric`. */
  increment(id: number, delta: bigint): WasmResult {
    const type = id & 3;
    if (type === MetricType.Counter) {
      const rec = this.byId.get(id);
      if (!rec) return WasmResult.NotFound;
      if (delta <= 0n) return WasmResult.BadArgument;
      rec.value = BigInt.asUintN(64, rec.value + delta);
      return WasmResult.Ok;
    }
    if (type === MetricType.Gauge) {
      const rec = this.byId.get(id);
      if (!rec) return WasmResult.NotFound;
      rec.value = BigInt.asUintN(64, rec.value + delta);
      return WasmResult.Ok;
    }
    return WasmResult.BadArgument;
  }

  /** `proxy_record_metric`: counter adds, gauge sets, histogram records. */
  record(id: number, value: bigint): WasmResult {
    const type = id & 3;
    if (type > MetricType.Histogram) return WasmResult.BadArgument;
    const rec = this.byId.get(id);
    if (!rec) return WasmResult.NotFound;
    const v = BigInt.asUintN(64, value);
    if (type === MetricType.Counter) rec.value = BigInt.asUintN(64, rec.value + v);
    else if (type === MetricType.Gauge) rec.value = v;
    else rec.samples.push(v);
    return WasmResult.Ok;
  }

  /** `proxy_get_metric`: histogram → BadArgument. */
  get(id: number): { result: WasmResult; value?: bigint } {
    const type = id & 3;
    if (type === MetricType.Histogram || type === 3) return { result: WasmResult.BadArgument };
    const rec = this.byId.get(id);
    if (!rec) return { result: WasmResult.NotFound };
    return { result: WasmResult.Ok, value: rec.value };
  }
}
