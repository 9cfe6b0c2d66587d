// The allocator exports hosts call to hand data to the plugin (reference §1.2, §1.7). Envoy
// looks up `malloc` first, then `proxy_on_memory_allocate`; both are exported.
import { allocateForHost } from "../hostcalls/memory";

/** Host → plugin: allocate `size` bytes for data the host is about to copy in. */
export function proxy_on_memory_allocate(size: usize): usize {
  return allocateForHost(size);
}

/** Host → plugin: same as `proxy_on_memory_allocate` (the name Envoy prefers). */
export function malloc(size: usize): usize {
  return allocateForHost(size);
}
