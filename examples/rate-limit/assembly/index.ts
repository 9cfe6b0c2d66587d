// rate-limit: a token bucket per client, kept in shared data so every worker (every VM with
// the same vm_id) draws from the same bucket. Updates are compare-and-swap read-modify-writes
// (SharedData.update retries when another worker wrote in between). A request without a token
// gets 429 with `retry-after`; allowed / denied decisions are counted in a tagged metric.
// Example configuration:
//
//   { "rps": 10, "burst": 20, "key": "header:x-api-key" }
//
// `key` is "global" (one bucket), "source" (client IP) or "header:<name>" (e.g. an API key).
import {
  configAccepted,
  CounterFamily,
  FilterHeadersStatus,
  getCurrentTimeNanoseconds,
  HeaderPair,
  HttpContext,
  logInfo,
  logWarn,
  readPluginConfig,
  registerRootContext,
  RootContext,
  SharedData,
  SharedUpdate,
  SharedValue,
  Source,
  WasmResult,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

/** Tokens are stored in thousandths, so slow rates refill smoothly. */
const MILLI: u64 = 1000;

/** Decisions by outcome: `decision=.=allowed;.;rate_limit_requests_total` (Istio tag layout). */
const decisions = new CounterFamily("rate_limit_requests_total", ["decision"]);

/**
 * One read-modify-write of a bucket: 16 bytes = milli-tokens (u64 LE) + last refill time in ns
 * (u64 LE). Refills for the time elapsed, then takes one token if there is one.
 */
class TakeToken extends SharedUpdate {
  allowed: bool = false;
  /** Seconds until a token is available (when not allowed). */
  retryAfter: u64 = 0;

  constructor(
    public readonly rps: u64,
    public readonly burst: u64,
    public readonly now: u64,
  ) {
    super();
  }

  apply(current: SharedValue | null): ArrayBuffer | null {
    const capacity = this.burst * MILLI;
    let tokens = capacity;
    let last = this.now;
    if (current !== null && current.bytes.byteLength == 16) {
      const ptr = changetype<usize>(current.bytes);
      tokens = load<u64>(ptr);
      last = load<u64>(ptr, 8);
      if (this.now > last) {
        // milli-tokens = elapsed ns × rps × 1000 / 1e9
        const refill = ((this.now - last) * this.rps) / 1_000_000;
        tokens = min<u64>(capacity, tokens + refill);
        // keep the remainder of a partial milli-token for the next refill
        last = refill == 0 ? last : this.now;
      }
    }
    this.allowed = tokens >= MILLI;
    if (this.allowed) {
      tokens -= MILLI;
    } else {
      const missing = MILLI - tokens;
      const perSecond = this.rps * MILLI;
      this.retryAfter = max<u64>(1, (missing + perSecond - 1) / perSecond);
    }
    const bytes = new ArrayBuffer(16);
    store<u64>(changetype<usize>(bytes), tokens);
    store<u64>(changetype<usize>(bytes), last, 8);
    return bytes;
  }
}

class RateLimitRoot extends RootContext {
  rps: u64 = 10;
  burst: u64 = 10;
  keyKind: string = "global";
  keyHeader: string = "";

  onConfigure(size: u32): bool {
    const cfg = readPluginConfig();
    const rps = cfg.positiveInteger("rps", 10);
    const burst = cfg.positiveInteger("burst", rps);
    const key = cfg.string("key", "global");
    if (key != "global" && key != "source" && !key.startsWith("header:")) {
      cfg.fail("key", 'must be "global", "source" or "header:<name>"');
    }
    if (!configAccepted(cfg)) return false;
    // Every series is known up front: create them here so the SDK defines them in this root
    // callback, not in the first request that uses one (pitfall M5).
    decisions.with(["allowed"]);
    decisions.with(["denied"]);
    decisions.with(["error"]);
    this.rps = <u64>rps;
    this.burst = <u64>burst;
    this.keyKind = key.startsWith("header:") ? "header" : key;
    this.keyHeader = key.startsWith("header:") ? key.substring(7).toLowerCase() : "";
    logInfo("rate-limit: " + rps.toString() + " rps, burst " + burst.toString() + ", key " + key);
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new RateLimitCheck(contextId, this);
  }
}

class RateLimitCheck extends HttpContext {
  constructor(
    id: u32,
    private readonly config: RateLimitRoot,
  ) {
    super(id, config);
  }

  /** The shared-data key of this request's bucket. */
  private bucketKey(): string {
    if (this.config.keyKind == "source") {
      const address = Source.address();
      if (address === null) return "rate-limit:source:unknown";
      const colon = address.lastIndexOf(":");
      return "rate-limit:source:" + (colon > 0 ? address.substring(0, colon) : address);
    }
    if (this.config.keyKind == "header") {
      const value = this.requestHeaders.get(this.config.keyHeader);
      return "rate-limit:header:" + (value === null ? "" : value);
    }
    return "rate-limit:global";
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const take = new TakeToken(this.config.rps, this.config.burst, getCurrentTimeNanoseconds());
    const result = SharedData.update(this.bucketKey(), take);
    if (result != WasmResult.Ok) {
      // Contention beyond the retries, or a host error: fail open rather than block traffic.
      logWarn("rate-limit: bucket update failed (" + result.toString() + "), allowing");
      decisions.with(["error"]).increment();
      return FilterHeadersStatus.Continue;
    }
    if (take.allowed) {
      decisions.with(["allowed"]).increment();
      return FilterHeadersStatus.Continue;
    }
    decisions.with(["denied"]).increment();
    this.sendLocalResponse(
      429,
      "Too Many Requests",
      [
        new HeaderPair("retry-after", take.retryAfter.toString()),
        new HeaderPair("content-type", "text/plain"),
      ],
      "rate_limited",
    );
    return FilterHeadersStatus.StopIteration;
  }
}

registerRootContext((id: u32) => new RateLimitRoot(id), "rate-limit");
