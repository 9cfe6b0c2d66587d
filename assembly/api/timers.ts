// Several periodic tasks on a root context's one timer (reference §6.9; pitfall T1: every
// worker VM runs its own timer — use a singleton service for work that must run once).
import { WasmResult } from "../abi/types";
import * as time from "../hostcalls/time";
import { PeriodicSchedule } from "../util/periodic";

/** Work a `PeriodicTasks` runs. Extend it; keep what the task needs in its fields. */
export abstract class PeriodicTask {
  /** Runs the task (inside the root's `onTick`, on the root context). */
  abstract run(): void;
}

/**
 * Runs several tasks with different periods from one root's tick:
 *
 *   tasks = new PeriodicTasks().every(1000, new Flush(this)).every(60_000, new Refresh(this));
 *   onConfigure(…) { this.tasks.start(); … }          // sets the tick period to their gcd
 *   onTick(): void { this.tasks.onTick(); }            // runs the tasks that are due
 *
 * Due times follow the host clock (`proxy_get_current_time_nanoseconds`, one hostcall per tick).
 */
export class PeriodicTasks {
  private readonly schedule: PeriodicSchedule = new PeriodicSchedule();
  private readonly tasks: PeriodicTask[] = new Array<PeriodicTask>();

  /** Adds `task`, run every `periodMs` (> 0) milliseconds. Call `start()` again after adding. */
  every(periodMs: u32, task: PeriodicTask): PeriodicTasks {
    this.schedule.add(periodMs);
    this.tasks.push(task);
    return this;
  }

  /** The tick period `start()` sets: the greatest common divisor of the periods. */
  get tickPeriodMs(): u32 {
    return <u32>this.schedule.basePeriod();
  }

  /**
   * Sets the calling root's tick period and starts counting now: each task first runs one
   * period from now. Valid in root callbacks (typically `onConfigure`), not in top-level code.
   * Results: those of `setTickPeriod` (`Ok` on Envoy).
   */
  start(): WasmResult {
    this.schedule.start(nowMs());
    return time.setTickPeriodMilliseconds(this.tickPeriodMs);
  }

  /** Runs the tasks that are due. Call it from the root's `onTick`. */
  onTick(): void {
    const due = this.schedule.due(nowMs());
    for (let i = 0; i < due.length; i++) unchecked(this.tasks[unchecked(due[i])]).run();
  }
}

function nowMs(): u64 {
  return time.getCurrentTimeNanoseconds() / 1_000_000;
}
