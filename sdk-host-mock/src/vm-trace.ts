/** What `trace: true` records: host→plugin calls and plugin→host hostcalls, in order. */
import type { LogRecord } from "./plugin-options.js";
import type { DecodedFields } from "./trace-decode.js";

/**
 * A host→plugin call in {@link Vm.trace}. It is recorded when the call starts, so the hostcalls
 * it makes follow it in the trace; `ret` is filled in when it returns.
 */
export interface TraceCall {
  kind: "call";
  /** Export name. */
  fn: string;
  /** Context the call was made for (0 = VM context). */
  contextId: number;
  /** Arguments; i32 values as unsigned 32-bit numbers, i64 values as bigint. */
  args: (number | bigint)[];
  /** Raw return value (u32), or null for void exports (and while the call runs). */
  ret: number | null;
  /** The trap message when the call trapped. */
  trap?: string;
}

/** A plugin→host call in {@link Vm.trace}. */
export interface TraceHostcall {
  kind: "hostcall";
  /** `proxy_*` name, `env.<name>` for other env imports, `<wasi module>.<name>` for WASI. */
  fn: string;
  /** Context the hostcall acted for (current or effective). */
  contextId: number;
  /** Raw arguments (pointers not decoded); i32 values as unsigned 32-bit numbers. */
  args: (number | bigint)[];
  /** WasmResult name for `proxy_*`, errno for WASI, null for void. */
  result: string | number | null;
  /** Decoded arguments (strings, header pairs; pointers omitted), read at call time. */
  decodedArgs?: DecodedFields;
  /** Decoded outputs the host wrote (values, tokens, ids), when there are any. */
  decodedOut?: DecodedFields;
  /** Log records the hostcall produced (`proxy_log`, WASI `fd_write`). */
  logs?: LogRecord[];
}

/** An entry of the call trace. */
export type TraceEntry = TraceCall | TraceHostcall;

/** Trace arguments: i32 values as unsigned 32-bit numbers (as the host reads them), i64 as is. */
export function unsignedArgs(args: readonly unknown[]): (number | bigint)[] {
  return args.map((a) => (typeof a === "number" ? a >>> 0 : (a as bigint)));
}
