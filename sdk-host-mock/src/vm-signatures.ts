/**
 * What a module must look like for a VM (reference §1.1, §1.2, §2.1): the ABI version marker,
 * the types exported callbacks must have per ABI version, and cpp-host's memory cap.
 */
import type { AbiVersion } from "./abi.js";
import type { FuncType, ModuleShape, ValType } from "./binary.js";

const i32: ValType = "i32";
export const fn = (params: ValType[], results: ValType[] = []): FuncType => ({ params, results });
const ints = (n: number): ValType[] => Array<ValType>(n).fill(i32);

/**
 * Expected types of exported callbacks per ABI version (reference §2.1), including Envoy's
 * `envoy_on_resolve_dns` / `envoy_on_stats_update` (Envoy `Wasm::getFunctions` looks them up with
 * the same signature check). A Map, so export names like `toString` are not "known callbacks".
 */
export function callbackTypes(abi: AbiVersion): Map<string, FuncType> {
  const headersArity = abi === "0.1.0" ? 2 : 3;
  const t: Record<string, FuncType> = {
    malloc: fn([i32], [i32]),
    proxy_on_memory_allocate: fn([i32], [i32]),
    _initialize: fn([]),
    _start: fn([]),
    main: fn([i32, i32], [i32]),
    __main_void: fn([], [i32]),
    proxy_on_context_create: fn(ints(2)),
    proxy_on_vm_start: fn(ints(2), [i32]),
    proxy_validate_configuration: fn(ints(2), [i32]),
    proxy_on_configure: fn(ints(2), [i32]),
    proxy_on_tick: fn(ints(1)),
    proxy_on_new_connection: fn(ints(1), [i32]),
    proxy_on_downstream_data: fn(ints(3), [i32]),
    proxy_on_upstream_data: fn(ints(3), [i32]),
    proxy_on_downstream_connection_close: fn(ints(2)),
    proxy_on_upstream_connection_close: fn(ints(2)),
    proxy_on_request_headers: fn(ints(headersArity), [i32]),
    proxy_on_request_body: fn(ints(3), [i32]),
    proxy_on_request_trailers: fn(ints(2), [i32]),
    proxy_on_request_metadata: fn(ints(2), [i32]),
    proxy_on_response_headers: fn(ints(headersArity), [i32]),
    proxy_on_response_body: fn(ints(3), [i32]),
    proxy_on_response_trailers: fn(ints(2), [i32]),
    proxy_on_response_metadata: fn(ints(2), [i32]),
    proxy_on_http_call_response: fn(ints(5)),
    proxy_on_grpc_receive_initial_metadata: fn(ints(3)),
    proxy_on_grpc_receive: fn(ints(3)),
    proxy_on_grpc_receive_trailing_metadata: fn(ints(3)),
    proxy_on_grpc_close: fn(ints(3)),
    proxy_on_queue_ready: fn(ints(2)),
    proxy_on_done: fn(ints(1), [i32]),
    proxy_on_log: fn(ints(1)),
    proxy_on_delete: fn(ints(1)),
    envoy_on_resolve_dns: fn(ints(3)),
    envoy_on_stats_update: fn(ints(2)),
  };
  if (abi !== "0.1.0") t.proxy_on_foreign_function = fn(ints(3));
  return new Map(Object.entries(t));
}

const ABI_MARKERS = new Map<string, AbiVersion>([
  ["proxy_abi_version_0_1_0", "0.1.0"],
  ["proxy_abi_version_0_2_0", "0.2.0"],
  ["proxy_abi_version_0_2_1", "0.2.1"],
]);

/** Detects the ABI version: first known marker function export in export order (§1.1). */
export function detectAbiVersion(shape: ModuleShape): AbiVersion | null {
  for (const e of shape.exports) {
    const abi = e.kind === "function" ? ABI_MARKERS.get(e.name) : undefined;
    if (abi !== undefined) return abi;
  }
  return null;
}

/**
 * cpp-host `PROXY_WASM_HOST_MAX_WASM_MEMORY_SIZE_BYTES` (1 GiB) in 64 KiB pages (§1.2). cpp-host
 * hands it to V8 as `--wasm-max-mem-pages`, which caps every memory of the VM.
 */
export const MAX_MEMORY_PAGES = (1024 * 1024 * 1024) / 65536;
