/**
 * Envoy's own hostcall (reference §1.5, §3.11, §5.8): `env.envoy_resolve_dns`. Envoy
 * (`Wasm::registerCallbacks`) registers it next to cpp-host's `proxy_*` set for every ABI
 * version, so a module of any version may import it.
 */
import { WasmResult } from "../abi.js";
import type { HostcallDef } from "./types.js";
import { proxy } from "./types.js";

export const ENVOY_HOSTCALLS: HostcallDef[] = [
  /**
   * `envoy_resolve_dns(addr_ptr, addr_len, out_token_ptr) -> WasmResult` — starts an
   * asynchronous DNS lookup of the address text. Like Envoy `resolve_dns`: unreadable address
   * memory → `InvalidMemoryAccess` (no token used); otherwise the next token of the VM's counter
   * (1, 2, …; never 0) is taken and written as u32 to `out_token_ptr` — an unwritable pointer
   * gives `InvalidMemoryAccess` but the token is used up and nothing is resolved. On `Ok` the
   * request is recorded in {@link Plugin.dnsRequests}; the test answers it with
   * {@link Plugin.respondToDns}, which calls `envoy_on_resolve_dns` on the caller's root context.
   */
  proxy("envoy_resolve_dns", 3, (vm) => (addrPtr: number, addrLen: number, tokenPtr: number) => {
    const address = vm.memory.readString(addrPtr, addrLen);
    if (address === null) return WasmResult.InvalidMemoryAccess;
    const token = vm.nextDnsToken();
    if (!vm.memory.writeU32(tokenPtr, token)) return WasmResult.InvalidMemoryAccess;
    vm.plugin.registerDnsRequest({ token, address });
    return WasmResult.Ok;
  }),
];
