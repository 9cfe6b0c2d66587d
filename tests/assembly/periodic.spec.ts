import { gcd, PeriodicSchedule } from "../../assembly/util/periodic";

function dueAt(schedule: PeriodicSchedule, now: u64): string {
  const due = schedule.due(now);
  let out = "";
  for (let i = 0; i < due.length; i++) out += (i > 0 ? "," : "") + due[i].toString();
  return out;
}

describe("gcd", () => {
  it("computes the greatest common divisor", () => {
    expect(gcd(1000, 1500)).toBe(500);
    expect(gcd(0, 700)).toBe(700);
    expect(gcd(7, 13)).toBe(1);
    expect(gcd(60000, 1000)).toBe(1000);
  });
});

describe("PeriodicSchedule (reference §6.9)", () => {
  it("base period is the gcd of the periods, 0 without tasks", () => {
    const schedule = new PeriodicSchedule();
    expect(schedule.basePeriod()).toBe(0);
    schedule.add(1000);
    schedule.add(3000);
    schedule.add(1500);
    expect(schedule.basePeriod()).toBe(500);
    expect(schedule.length).toBe(3);
  });

  it("runs each task once per period, in add order within a tick", () => {
    const schedule = new PeriodicSchedule();
    schedule.add(1000);
    schedule.add(3000);
    schedule.start(0);
    expect(dueAt(schedule, 1000)).toBe("0");
    expect(dueAt(schedule, 2000)).toBe("0");
    expect(dueAt(schedule, 3000)).toBe("0,1");
    expect(schedule.nextDueOf(1)).toBe(6000);
  });

  it("tolerates ticks arriving late (fixed delay) without losing runs", () => {
    const schedule = new PeriodicSchedule();
    schedule.add(1000);
    schedule.add(2000);
    schedule.start(0);
    // Each tick lands 3 ms later than the last (the host re-arms after the callback returns).
    expect(dueAt(schedule, 1003)).toBe("0");
    expect(dueAt(schedule, 2006)).toBe("0,1");
    expect(dueAt(schedule, 3009)).toBe("0");
    expect(dueAt(schedule, 4012)).toBe("0,1");
    // Due times stay on the original grid.
    expect(schedule.nextDueOf(0)).toBe(5000);
  });

  it("a tick slightly early (less than half a base period) still runs the task", () => {
    const schedule = new PeriodicSchedule();
    schedule.add(1000);
    schedule.start(0);
    expect(dueAt(schedule, 999)).toBe("0");
    expect(dueAt(schedule, 1400)).toBe("");
    expect(dueAt(schedule, 1500)).toBe("", "half a period early is not due");
  });

  it("skips runs missed while the VM was busy instead of replaying them", () => {
    const schedule = new PeriodicSchedule();
    schedule.add(1000);
    schedule.start(0);
    expect(dueAt(schedule, 5700)).toBe("0");
    expect(schedule.nextDueOf(0)).toBe(6000);
    expect(dueAt(schedule, 6000)).toBe("0");
    expect(schedule.nextDueOf(0)).toBe(7000);
  });

  it("without start, the first due() call starts the schedule and runs nothing", () => {
    const schedule = new PeriodicSchedule();
    schedule.add(100);
    expect(dueAt(schedule, 5000)).toBe("");
    expect(dueAt(schedule, 5100)).toBe("0");
  });
});
