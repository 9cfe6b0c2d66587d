// Test plugin for PeriodicTasks (assembly/api/timers.ts): three tasks every 1 s, 3 s and 1.5 s
// share the root's one timer (period 500 ms, their gcd); each run is logged.
import {
  logInfo,
  PeriodicTask,
  PeriodicTasks,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

class Named extends PeriodicTask {
  runs: i32 = 0;

  constructor(private readonly name: string) {
    super();
  }

  run(): void {
    this.runs++;
    logInfo(this.name + " #" + this.runs.toString());
  }
}

class TimersRoot extends RootContext {
  tasks: PeriodicTasks = new PeriodicTasks()
    .every(1000, new Named("fast"))
    .every(3000, new Named("slow"))
    .every(1500, new Named("odd"));

  onConfigure(size: u32): bool {
    logInfo("tick " + this.tasks.tickPeriodMs.toString() + ": " + this.tasks.start().toString());
    return true;
  }

  onTick(): void {
    this.tasks.onTick();
  }
}

registerRootContext((id: u32): RootContext => new TimersRoot(id));
