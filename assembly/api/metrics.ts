// Metrics for plugin authors (reference §3.9, §6.13): Counter, Gauge and Histogram handles whose
// host id is defined once, on first use, and cached; tags are composed into the stat name in the
// layout Envoy's tag extractors expect (see util/metric-name.ts).
//
// Creating a handle makes no hostcall, so handles can be module-level constants or root-context
// fields. The SDK defines every handle created so far right after `onConfigure` returns true (a
// root callback: Envoy's strict check for pitfall M5 wants definitions there); a handle created
// later is defined on its first update. Never create handles per request (pitfall M5): each
// distinct name is a permanent stat.
import { MetricType, WasmResult } from "../abi/types";
import * as hostcalls from "../hostcalls/metrics";
import { outU32, outU64 } from "../hostcalls/memory";
import { recordResult } from "../hostcalls/result";
import { setAfterConfigure } from "./configure-hook";
import { composeMetricName, seriesKey, TagStyle } from "../util/metric-name";

// @lazy: compiled into a plugin only when it uses this (a plain global is always compiled in).
/** Handles created but not yet defined, bounded so per-request creation (M5) cannot grow it. */
// @ts-ignore: decorator
@lazy
const pending = new Array<Metric>();
const MAX_PENDING: i32 = 1024;

/**
 * Defines every handle created since the last call (the dispatcher calls it after a successful
 * `onConfigure`). One `proxy_define_metric` per new handle; nothing when there is none.
 */
export function definePendingMetrics(): void {
  for (let i = 0; i < pending.length; i++) unchecked(pending[i]).define();
  pending.length = 0;
}

/** Base of the metric handles: a full stat name and the host id, defined once. */
export abstract class Metric {
  private metricId: u32 = 0;
  private defineResult: WasmResult = WasmResult.Ok;
  private defined: bool = false;

  /**
   * @param name the full stat name (Envoy shows it without its hidden `wasmcustom.` prefix)
   * @param type counter, gauge or histogram
   */
  constructor(
    public readonly name: string,
    public readonly type: MetricType,
  ) {
    if (pending.length < MAX_PENDING) pending.push(this);
    setAfterConfigure(definePendingMetrics);
  }

  /**
   * Defines the metric on the host now (the SDK does it after `onConfigure`, or the first update
   * does). Call it to see the host's answer. Returns Ok, or the host's error (BadArgument
   * for an invalid type; hosts without metrics may fail). Later calls return the cached result
   * without a hostcall.
   */
  define(): WasmResult {
    if (!this.defined) {
      this.defined = true;
      this.defineResult = hostcalls.defineMetric(this.type, this.name);
      if (this.defineResult == WasmResult.Ok) this.metricId = outU32();
    }
    return this.defineResult;
  }

  /** The host's id (defining the metric if needed); 0 when the definition failed. */
  get id(): u32 {
    this.define();
    return this.metricId;
  }
}

/**
 * A monotonically increasing count. Valid in any callback, not in top-level code.
 *
 *   const requests = new Counter("myplugin_requests_total");
 *   requests.increment();
 */
export class Counter extends Metric {
  /** @param name the stat name (compose tags with `composeMetricName` or use `CounterFamily`) */
  constructor(name: string) {
    super(name, MetricType.Counter);
  }

  /**
   * Adds `delta`. Returns Ok; a `delta` of 0 is Ok without a hostcall (Envoy would answer
   * BadArgument); the definition's error when the metric could not be defined; NotFound for an
   * id the host forgot.
   */
  increment(delta: u64 = 1): WasmResult {
    if (delta == 0) return WasmResult.Ok;
    const result = this.define();
    if (result != WasmResult.Ok) return result;
    return hostcalls.incrementMetric(this.id, <i64>delta);
  }

  /** The current value; 0 when unavailable (`lastResult()` tells why). */
  value(): u64 {
    return readMetric(this);
  }
}

/**
 * A value that goes up and down (connections open, queue depth). Valid in any callback, not in
 * top-level code. Envoy accumulates gauges across the VMs of all workers.
 */
export class Gauge extends Metric {
  /** @param name the stat name */
  constructor(name: string) {
    super(name, MetricType.Gauge);
  }

  /** Sets the value. Returns Ok, or the definition's error. */
  set(value: i64): WasmResult {
    const result = this.define();
    if (result != WasmResult.Ok) return result;
    return hostcalls.recordMetric(this.id, value);
  }

  /** Adds `delta` (negative subtracts; 0 is Ok without a hostcall). Returns Ok, or the definition's error. */
  add(delta: i64): WasmResult {
    if (delta == 0) return WasmResult.Ok;
    const result = this.define();
    if (result != WasmResult.Ok) return result;
    return hostcalls.incrementMetric(this.id, delta);
  }

  /** The current value; 0 when unavailable (`lastResult()` tells why). */
  value(): i64 {
    return <i64>readMetric(this);
  }
}

/** A distribution of samples (latencies, sizes). Valid in any callback, not in top-level code. */
export class Histogram extends Metric {
  /** @param name the stat name */
  constructor(name: string) {
    super(name, MetricType.Histogram);
  }

  /** Records one sample. Returns Ok, or the definition's error. Hosts cannot read histograms back. */
  record(value: u64): WasmResult {
    const result = this.define();
    if (result != WasmResult.Ok) return result;
    return hostcalls.recordMetric(this.id, <i64>value);
  }
}

function readMetric(metric: Metric): u64 {
  const defined = recordResult(metric.define());
  if (defined != WasmResult.Ok) return 0;
  const result = recordResult(hostcalls.getMetric(metric.id));
  return result == WasmResult.Ok ? outU64() : 0;
}

/**
 * Metrics with the same name and tag names, one stat per combination of tag values, each
 * defined once and cached. The number of combinations is capped (`maxSeries`): further
 * combinations share one series whose every tag value is `overflowValue`, so a tag fed with
 * unbounded input (paths, user ids) cannot create unbounded stats (pitfall M5).
 */
abstract class MetricFamily<T extends Metric> {
  private readonly series: Map<string, T> = new Map<string, T>();
  private overflow: T | null = null;

  /**
   * @param name the metric name (what remains after tag extraction)
   * @param tagNames the tag names, in order
   * @param style how tags are written into the stat name (default Istio's `tag=.=value;.;`)
   * @param maxSeries the most distinct combinations kept
   * @param overflowValue the tag value of the shared series beyond `maxSeries`
   */
  constructor(
    public readonly name: string,
    public readonly tagNames: string[],
    public readonly style: TagStyle = TagStyle.Istio,
    public readonly maxSeries: i32 = 100,
    public readonly overflowValue: string = "other",
  ) {}

  /**
   * The handle for these tag values (same order as `tagNames`); created on first use. Call it
   * in `onConfigure` for the combinations known up front, so they are defined there (pitfall M5);
   * a combination first seen in a stream callback is defined in that callback.
   */
  with(tagValues: string[]): T {
    const key = seriesKey(tagValues);
    if (this.series.has(key)) return this.series.get(key);
    if (this.series.size >= this.maxSeries) {
      let overflow = this.overflow;
      if (overflow === null) {
        const values = new Array<string>(this.tagNames.length);
        for (let i = 0; i < values.length; i++) unchecked((values[i] = this.overflowValue));
        overflow = this.create(composeMetricName(this.name, this.tagNames, values, this.style));
        this.overflow = overflow;
      }
      return overflow;
    }
    const metric = this.create(composeMetricName(this.name, this.tagNames, tagValues, this.style));
    this.series.set(key, metric);
    return metric;
  }

  /** Number of distinct series created (the overflow series not counted). */
  get size(): i32 {
    return this.series.size;
  }

  protected abstract create(fullName: string): T;
}

/** Counters sharing a name and tag names: `family.with(["GET", "200"]).increment()`. */
export class CounterFamily extends MetricFamily<Counter> {
  protected create(fullName: string): Counter {
    return new Counter(fullName);
  }
}

/** Gauges sharing a name and tag names. */
export class GaugeFamily extends MetricFamily<Gauge> {
  protected create(fullName: string): Gauge {
    return new Gauge(fullName);
  }
}

/** Histograms sharing a name and tag names. */
export class HistogramFamily extends MetricFamily<Histogram> {
  protected create(fullName: string): Histogram {
    return new Histogram(fullName);
  }
}
