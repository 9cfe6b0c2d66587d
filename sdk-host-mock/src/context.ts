import type { Plugin } from "./plugin.js";
import type { HttpStream } from "./http-stream.js";
import type { TcpStream } from "./tcp-stream.js";

/** Kind of a context as the host sees it. */
export type ContextKind = "vm" | "root" | "http" | "tcp";

/**
 * A context inside one VM: the VM context (id 0), the plugin's root context, or a stream.
 * Hostcalls act on the current (or effective) context.
 * @internal
 */
export interface ContextRef {
  readonly id: number;
  readonly kind: ContextKind;
  readonly plugin: Plugin;
  readonly http: HttpStream | null;
  readonly tcp: TcpStream | null;
}
