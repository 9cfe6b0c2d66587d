// Per-route flow control and circuit breaking in the style of Sentinel, as plain state driven
// by ticks: a one-second sliding window of buckets (one bucket per tick) counting admitted,
// completed and failed requests; a QPS threshold on admitted requests; an error-ratio breaker
// Closed → Open → HalfOpen (probes) → Closed. No hostcalls here: the plugin passes the time.

/** The breaker's state (values are exported as the `circuit_breaker_state` gauge). */
export enum BreakerState {
  /** Requests flow; the error ratio is watched. */
  Closed = 0,
  /** Requests are refused until the open period ends. */
  Open = 1,
  /** A few probe requests are let through; their outcome closes or reopens the breaker. */
  HalfOpen = 2,
}

/** What to do with a new request. */
export enum Admission {
  /** Let it through (counted in the window). */
  Pass = 0,
  /** Over the route's QPS threshold. */
  FlowLimited = 1,
  /** The breaker is open (or its probes are all in flight). */
  CircuitOpen = 2,
}

/** Thresholds of one route. */
export class RouteRule {
  constructor(
    /** Name used in metrics and logs. */
    public readonly name: string,
    /** Path prefix the route matches (longest prefix wins). */
    public readonly prefix: string,
    /** Requests admitted per second; 0 = no flow limit. */
    public readonly qps: u32,
    /** Error ratio (0…1] over the window that opens the breaker; 0 = no breaker. */
    public readonly errorRatio: f64,
    /** Completed requests the window needs before the ratio counts. */
    public readonly minRequests: u32,
    /** How long the breaker stays open, in ms. */
    public readonly openMs: u32,
    /** Probe requests let through when half-open; all must succeed to close. */
    public readonly probes: u32,
  ) {}
}

/** Live state of one route. */
export class RouteState {
  state: BreakerState = BreakerState.Closed;
  private readonly admitted: StaticArray<u32>;
  private readonly completed: StaticArray<u32>;
  private readonly failed: StaticArray<u32>;
  private current: i32 = 0;
  private openUntilMs: u64 = 0;
  private probesStarted: u32 = 0;
  private probesSucceeded: u32 = 0;

  /** @param buckets the window's buckets (1000 / tick period) */
  constructor(
    public readonly rule: RouteRule,
    public readonly buckets: i32,
  ) {
    this.admitted = new StaticArray<u32>(buckets);
    this.completed = new StaticArray<u32>(buckets);
    this.failed = new StaticArray<u32>(buckets);
  }

  /** Requests admitted in the last second. */
  get admittedInWindow(): u32 {
    return sum(this.admitted);
  }

  /** Decides on a new request at time `nowMs`. */
  admit(nowMs: u64): Admission {
    if (this.state == BreakerState.Open) {
      if (nowMs < this.openUntilMs) return Admission.CircuitOpen;
      this.state = BreakerState.HalfOpen;
      this.probesStarted = 0;
      this.probesSucceeded = 0;
    }
    if (this.state == BreakerState.HalfOpen) {
      if (this.probesStarted >= this.rule.probes) return Admission.CircuitOpen;
      this.probesStarted++;
    } else if (this.rule.qps > 0 && this.admittedInWindow >= this.rule.qps) {
      return Admission.FlowLimited;
    }
    unchecked((this.admitted[this.current] += 1));
    return Admission.Pass;
  }

  /** Records the outcome of an admitted request (`failure`: 5xx, reset, no response). */
  complete(failure: bool, nowMs: u64): void {
    if (this.state == BreakerState.HalfOpen) {
      if (failure) {
        this.open(nowMs);
        return;
      }
      this.probesSucceeded++;
      if (this.probesSucceeded >= this.rule.probes) this.close();
      return;
    }
    unchecked((this.completed[this.current] += 1));
    if (failure) unchecked((this.failed[this.current] += 1));
    if (this.state == BreakerState.Closed) this.evaluate(nowMs);
  }

  /** One tick: the oldest bucket leaves the window. */
  rotate(): void {
    this.current = (this.current + 1) % this.buckets;
    unchecked((this.admitted[this.current] = 0));
    unchecked((this.completed[this.current] = 0));
    unchecked((this.failed[this.current] = 0));
  }

  private evaluate(nowMs: u64): void {
    if (this.rule.errorRatio <= 0) return;
    const done = sum(this.completed);
    if (done < this.rule.minRequests || done == 0) return;
    if (<f64>sum(this.failed) / <f64>done >= this.rule.errorRatio) this.open(nowMs);
  }

  private open(nowMs: u64): void {
    this.state = BreakerState.Open;
    this.openUntilMs = nowMs + <u64>this.rule.openMs;
  }

  private close(): void {
    this.state = BreakerState.Closed;
    for (let i = 0; i < this.buckets; i++) {
      unchecked((this.completed[i] = 0));
      unchecked((this.failed[i] = 0));
    }
  }
}

function sum(values: StaticArray<u32>): u32 {
  let total: u32 = 0;
  for (let i = 0; i < values.length; i++) total += unchecked(values[i]);
  return total;
}
