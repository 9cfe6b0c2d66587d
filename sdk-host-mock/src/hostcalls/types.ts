import type { AbiVersion } from "../abi.js";
import type { ValType } from "../binary.js";
import type { Vm } from "../vm.js";

/** A host function the VM can import. @internal */
export interface HostcallDef {
  /** `env` or `wasi` (registered under both `wasi_snapshot_preview1` and `wasi_unstable`). */
  module: "env" | "wasi";
  name: string;
  params: ValType[];
  results: ValType[];
  /** ABI versions that link this hostcall (all when absent). */
  versions?: readonly AbiVersion[];
  /** Allowed during `_initialize`/`_start` (§1.4). */
  allowedAtStart?: boolean;
  /** Allowed while the host runs the allocator (§1.4). */
  allowedInAllocator?: boolean;
  /** How the trace names the result. */
  resultKind: "wasm" | "errno" | "none";
  /** Builds the implementation bound to one VM. */
  impl(vm: Vm): (...args: never[]) => number | void;
}

const I32: ValType = "i32";

/** A `proxy_*` hostcall whose params are all i32 and that returns an i32 WasmResult. */
export function proxy(
  name: string,
  params: number | ValType[],
  impl: HostcallDef["impl"],
  extra: Partial<Pick<HostcallDef, "versions" | "allowedAtStart" | "allowedInAllocator">> = {},
): HostcallDef {
  return {
    module: "env",
    name,
    params: typeof params === "number" ? Array<ValType>(params).fill(I32) : params,
    results: [I32],
    resultKind: "wasm",
    impl,
    ...extra,
  };
}
