/**
 * M1 ("per-request state never released") decided by repetition: one request cannot show a
 * leak, N identical ones can. {@link checkNoPerRequestGrowth} warms the plugin up, runs N more
 * requests and checks that the linear memory of its VMs and the number of contexts the host
 * still holds for them do not grow with N. Wasm linear memory never shrinks, so a plugin
 * that keeps per-request state grows it by that state times the request count until `malloc`
 * fails — in Envoy, per worker.
 */
import type { Plugin } from "../plugin.js";
import type { Vm } from "../vm.js";
import { StrictModeError } from "./error.js";

/** Options of {@link checkNoPerRequestGrowth}. */
export interface GrowthCheckOptions {
  /** Requests run before the first sample, so the heap and the collector settle (default 200). */
  warmup?: number;
  /** Requests measured after warm-up (default 1000). */
  requests?: number;
  /**
   * Linear-memory growth over the measured requests that is still accepted, in bytes (default
   * 65536, one wasm page: the allocator may grow the heap once more while its free lists
   * settle). Memory grows in 64 KiB pages, so a leak of `b` bytes per request shows once
   * `b × requests` passes the tolerance: the defaults catch about 66 bytes per request or
   * more; raise `requests` for smaller leaks.
   */
  toleranceBytes?: number;
}

/** The numbers {@link checkNoPerRequestGrowth} measured. */
export interface GrowthReport {
  warmup: number;
  requests: number;
  /** Linear memory of the plugin's VMs after warm-up, in bytes. */
  memoryBefore: number;
  /** … after the measured requests. */
  memoryAfter: number;
  /** Bytes retained per measured request (growth / requests). */
  bytesPerRequest: number;
  /** Contexts the host held for the plugin's VMs (roots included) after warm-up. */
  contextsBefore: number;
  /** … after the measured requests. */
  contextsAfter: number;
  /** Measured request indices (0-based) after which linear memory grew. */
  grewAt: number[];
}

/**
 * M1 check: runs `runOneRequest(plugin, i)` `warmup` times, samples, runs it `requests` more
 * times, and throws a {@link StrictModeError} naming M1 with the numbers when the plugin's
 * linear memory (every worker VM together) grew by more than `toleranceBytes`. The module's own
 * allocator and context table are not visible to the host (a context the module keeps after
 * `proxy_on_delete` shows as memory growth); the sample is what Envoy's per-VM memory gauge
 * shows. Throws a plain Error when the host still holds more contexts than after warm-up
 * (`runOneRequest` left a stream open, which voids the numbers). Returns the numbers when clean.
 */
export function checkNoPerRequestGrowth(
  plugin: Plugin,
  runOneRequest: (plugin: Plugin, index: number) => void,
  options: GrowthCheckOptions = {},
): GrowthReport {
  const warmup = options.warmup ?? 200;
  const requests = options.requests ?? 1000;
  const tolerance = options.toleranceBytes ?? 65536;
  for (const [name, v] of Object.entries({ warmup, requests, toleranceBytes: tolerance }))
    if (!(Number.isInteger(v) && v >= 0) || (name === "requests" && v === 0))
      throw new RangeError(`checkNoPerRequestGrowth: bad ${name} ${v}`);
  for (let i = 0; i < warmup; i++) runOneRequest(plugin, i);
  const memoryBefore = memoryOf(plugin);
  const contextsBefore = contextsOf(plugin);
  const grewAt: number[] = [];
  let last = memoryBefore;
  for (let i = 0; i < requests; i++) {
    runOneRequest(plugin, warmup + i);
    const now = memoryOf(plugin);
    if (now > last) grewAt.push(i);
    last = now;
  }
  const memoryAfter = memoryOf(plugin);
  const contextsAfter = contextsOf(plugin);
  const growth = memoryAfter - memoryBefore;
  const report: GrowthReport = {
    warmup,
    requests,
    memoryBefore,
    memoryAfter,
    bytesPerRequest: growth / requests,
    contextsBefore,
    contextsAfter,
    grewAt,
  };
  if (contextsAfter > contextsBefore) {
    // The mock, like Envoy, runs proxy_on_done → proxy_on_delete and drops a stream's context as
    // soon as the stream ends, so this is the test's doing and the memory numbers are void.
    throw new Error(
      `checkNoPerRequestGrowth: the host still holds ${contextsAfter} contexts of the plugin ` +
        `(${contextsBefore} after warm-up): runOneRequest must complete() every stream it opens`,
    );
  }
  if (growth > tolerance) {
    const steps = grewAt.length > 8 ? `${grewAt.slice(0, 8).join(", ")}, …` : grewAt.join(", ");
    throw new StrictModeError([
      {
        pitfall: "M1",
        message:
          `strict M1: per-request state is not released: linear memory grew ${memoryBefore} → ` +
          `${memoryAfter} bytes over ${requests} requests after ${warmup} warm-up ` +
          `(≈${Math.round(report.bytesPerRequest)} bytes retained per request; tolerance ` +
          `${tolerance}; grew after measured requests ${steps}). Remove per-stream entries in ` +
          `onDone/onDelete and bound caches; Envoy's VM memory only grows until malloc fails`,
        contextId: plugin.id,
        phase: null,
        hostcall: null,
        wasmStack: [],
      },
    ]);
  }
  return report;
}

/** The distinct VMs of the plugin's worker roots. */
function vmsOf(plugin: Plugin): Set<Vm> {
  return new Set(plugin.primary.workers.map((w) => w.vm));
}

function memoryOf(plugin: Plugin): number {
  let total = 0;
  for (const vm of vmsOf(plugin)) total += vm.memory.size;
  return total;
}

function contextsOf(plugin: Plugin): number {
  let total = 0;
  for (const vm of vmsOf(plugin)) total += vm.contexts.size;
  return total;
}
