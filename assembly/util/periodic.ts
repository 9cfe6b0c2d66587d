// Scheduling several periodic tasks on the one timer a root context has (reference §6.9): the
// timer runs at the greatest common divisor of the periods, and each tick tells which tasks are
// due. Pure logic (times are passed in), unit-tested with as-pect.

/** Greatest common divisor (gcd(0, b) = b). */
export function gcd(a: u64, b: u64): u64 {
  while (b != 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/**
 * Due times of a set of periodic tasks, identified by their index (order of `add`). The host's
 * timer is a fixed delay (the next tick is armed after the tick callback returns), so ticks
 * drift late; a task is due when less than half a base period remains until its due time.
 * Due times stay on each task's grid (start + k × period), and runs missed because the VM was
 * busy are skipped rather than replayed in a burst.
 */
export class PeriodicSchedule {
  private periods: u64[] = new Array<u64>();
  private nextDue: u64[] = new Array<u64>();
  private started: bool = false;

  /** Adds a task running every `periodMs` (> 0) milliseconds; returns its index. */
  add(periodMs: u64): i32 {
    assert(periodMs > 0, "periodic task period must be > 0");
    this.periods.push(periodMs);
    this.nextDue.push(0);
    this.started = false;
    return this.periods.length - 1;
  }

  /** Number of tasks. */
  get length(): i32 {
    return this.periods.length;
  }

  /** The timer period that serves every task: the gcd of the periods (0 when there are none). */
  basePeriod(): u64 {
    let base: u64 = 0;
    for (let i = 0; i < this.periods.length; i++) base = gcd(base, unchecked(this.periods[i]));
    return base;
  }

  /** Starts the schedule at `nowMs`: each task is first due one period later. */
  start(nowMs: u64): void {
    for (let i = 0; i < this.periods.length; i++) {
      unchecked((this.nextDue[i] = nowMs + unchecked(this.periods[i])));
    }
    this.started = true;
  }

  /**
   * The indexes of the tasks due at `nowMs`, in `add` order; each is then scheduled one period
   * after its due time (or at its first grid point after `nowMs` when it fell behind). Starts the
   * schedule at `nowMs` (nothing due) when `start` was not called.
   */
  due(nowMs: u64): i32[] {
    const out = new Array<i32>();
    if (!this.started) {
      this.start(nowMs);
      return out;
    }
    const slack = this.basePeriod() / 2;
    for (let i = 0; i < this.periods.length; i++) {
      const next = unchecked(this.nextDue[i]);
      if (nowMs < next && next - nowMs >= slack) continue;
      out.push(i);
      const period = unchecked(this.periods[i]);
      let following = next + period;
      // Fell behind by more than a period: skip to the first grid point after now.
      if (following <= nowMs) following += ((nowMs - following) / period + 1) * period;
      unchecked((this.nextDue[i] = following));
    }
    return out;
  }

  /** When task `index` is next due (ms), 0 before the schedule started. */
  nextDueOf(index: i32): u64 {
    return this.nextDue[index];
  }
}
