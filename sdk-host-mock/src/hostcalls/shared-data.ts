/** Shared data and shared queues (reference §3.8, §6.10, §6.11). */
import { WasmResult } from "../abi.js";
import type { HostcallDef } from "./types.js";
import { proxy } from "./types.js";

export const SHARED_DATA_HOSTCALLS: HostcallDef[] = [
  proxy(
    "proxy_get_shared_data",
    5,
    (vm) => (keyPtr: number, keyLen: number, ptrPtr: number, lenPtr: number, casPtr: number) => {
      const key = vm.memory.readString(keyPtr, keyLen);
      if (key === null) return WasmResult.InvalidMemoryAccess;
      const entry = vm.plugin.host.sharedData.get(vm.plugin.vmId, key);
      if (!entry) return WasmResult.NotFound;
      const r = vm.memory.copyOut(entry.value, ptrPtr, lenPtr);
      if (r !== WasmResult.Ok) return r;
      return vm.memory.writeU32(casPtr, entry.cas) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
  ),
  proxy(
    "proxy_set_shared_data",
    5,
    (vm) => (keyPtr: number, keyLen: number, valPtr: number, valLen: number, cas: number) => {
      const key = vm.memory.readString(keyPtr, keyLen);
      const value = vm.memory.read(valPtr, valLen);
      if (key === null || value === null) return WasmResult.InvalidMemoryAccess;
      return vm.plugin.host.sharedData.set(vm.plugin.vmId, key, value, cas >>> 0);
    },
  ),
  proxy(
    "proxy_register_shared_queue",
    3,
    (vm) => (namePtr: number, nameLen: number, tokenPtr: number) => {
      const name = vm.memory.readString(namePtr, nameLen);
      if (name === null) return WasmResult.InvalidMemoryAccess;
      const plugin = vm.plugin;
      const token = plugin.host.sharedQueues.register(plugin.vmId, name, (t) =>
        plugin.queueReady(t),
      );
      return vm.memory.writeU32(tokenPtr, token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
  ),
  proxy(
    "proxy_resolve_shared_queue",
    5,
    (vm) =>
      (vmIdPtr: number, vmIdLen: number, namePtr: number, nameLen: number, tokenPtr: number) => {
        const vmId = vm.memory.readString(vmIdPtr, vmIdLen);
        const name = vm.memory.readString(namePtr, nameLen);
        if (vmId === null || name === null) return WasmResult.InvalidMemoryAccess;
        const token = vm.plugin.host.sharedQueues.resolve(
          vmId === "" ? vm.plugin.vmId : vmId,
          name,
        );
        if (token === null) return WasmResult.NotFound;
        return vm.memory.writeU32(tokenPtr, token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
      },
  ),
  proxy("proxy_enqueue_shared_queue", 3, (vm) => (token: number, ptr: number, len: number) => {
    const value = vm.memory.read(ptr, len);
    if (value === null) return WasmResult.InvalidMemoryAccess;
    const q = vm.plugin.host.sharedQueues.get(token >>> 0);
    if (!q) return WasmResult.NotFound;
    q.items.push(value);
    const notify = q.notify;
    if (notify) vm.plugin.host.defer(() => notify(q.token));
    return WasmResult.Ok;
  }),
  proxy(
    "proxy_dequeue_shared_queue",
    3,
    (vm) => (token: number, ptrPtr: number, lenPtr: number) => {
      const q = vm.plugin.host.sharedQueues.get(token >>> 0);
      if (!q) return WasmResult.NotFound;
      if (q.items.length === 0) return WasmResult.Empty;
      return vm.memory.copyOut(q.items.shift()!, ptrPtr, lenPtr);
    },
  ),
];
