import { FailState } from "./abi.js";

/**
 * Thrown by `Host.loadPlugin` when the plugin cannot be loaded, started or configured, with the
 * message in Envoy / cpp-host wording (e.g. "Failed to load Wasm module due to a missing import:
 * env.foo").
 */
export class PluginLoadError extends Error {
  /** cpp-host fail state that this failure corresponds to. */
  readonly failState: FailState;
  /** Set when the load failed because the plugin trapped (e.g. in `_start` or `proxy_on_configure`). */
  readonly trap: PluginTrapError | null;
  /** What the plugin logged before the failure (e.g. why `proxy_on_configure` returned false). */
  logs: { level: string; message: string; contextId: number }[] = [];

  /** @internal */
  constructor(
    message: string,
    failState: FailState,
    options?: { trap?: PluginTrapError; cause?: unknown },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = "PluginLoadError";
    this.failState = failState;
    this.trap = options?.trap ?? null;
  }
}

/** Source location parsed from an AssemblyScript abort message. */
export interface SourceLocation {
  /** Source file as reported by the plugin. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

/** One frame of the in-VM backtrace. */
export interface WasmFrame {
  /** Function name from the name section, or `wasm-function[<index>]`. */
  functionName: string;
  /** Function index in the module, if known. */
  functionIndex: number | null;
  /** Byte offset in the module, if known. */
  offset: number | null;
}

/**
 * Thrown from the driving method (e.g. `HttpStream.sendRequestHeaders`) when the plugin traps.
 * After a trap the VM is permanently failed (reference §6.15).
 */
export class PluginTrapError extends Error {
  /** The export the host was calling, e.g. `proxy_on_request_headers`. */
  readonly exportName: string;
  /** Arguments of that call. */
  readonly args: readonly (number | bigint)[];
  /** Engine trap message, e.g. `unreachable`, or `restricted_callback`. */
  readonly trapMessage: string;
  /** The plugin's abort message (`abort: <message> in <file>(<line>:<col>)`), if it logged one. */
  readonly pluginMessage: string | null;
  /** Location parsed from the abort message. */
  readonly pluginLocation: SourceLocation | null;
  /** In-VM backtrace (innermost first) with function names from the name section. */
  readonly wasmStack: readonly WasmFrame[];

  /** @internal */
  constructor(init: {
    exportName: string;
    args: readonly (number | bigint)[];
    trapMessage: string;
    pluginMessage: string | null;
    pluginLocation: SourceLocation | null;
    wasmStack: WasmFrame[];
    cause: unknown;
  }) {
    const lines = [`Function: ${init.exportName} failed: ${init.trapMessage}`];
    if (init.pluginMessage !== null) {
      const loc = init.pluginLocation;
      lines.push(
        `Plugin aborted: ${init.pluginMessage}` +
          (loc ? ` (at ${loc.file}:${loc.line}:${loc.column})` : ""),
      );
    }
    if (init.wasmStack.length > 0) {
      lines.push("Proxy-Wasm plugin in-VM backtrace:");
      init.wasmStack.slice(0, 20).forEach((f, i) => {
        lines.push(`  ${i}: ${f.functionName}`);
      });
    }
    super(lines.join("\n"), { cause: init.cause });
    this.name = "PluginTrapError";
    this.exportName = init.exportName;
    this.args = init.args;
    this.trapMessage = init.trapMessage;
    this.pluginMessage = init.pluginMessage;
    this.pluginLocation = init.pluginLocation;
    this.wasmStack = init.wasmStack;
  }
}

/**
 * Thrown inside a hostcall to make the VM trap (e.g. `restricted_callback`). Not exported: it
 * is always converted to a {@link PluginTrapError}.
 * @internal
 */
export class HostTrap extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HostTrap";
  }
}

/** Parses `abort: <message> in <file>(<line>:<col>)`. */
export function parseAbortMessage(
  text: string,
): { message: string; location: SourceLocation | null } | null {
  if (!text.startsWith("abort:")) return null;
  const body = text.slice("abort:".length).trim();
  const m = /^(.*) in (.*)\((\d+):(\d+)\)$/s.exec(body);
  if (!m) return { message: body, location: null };
  return {
    message: m[1],
    location: { file: m[2], line: Number(m[3]), column: Number(m[4]) },
  };
}

/** Extracts wasm frames from a V8 error stack. */
export function parseWasmStack(stack: string | undefined): WasmFrame[] {
  if (!stack) return [];
  const frames: WasmFrame[] = [];
  for (const line of stack.split("\n")) {
    if (!line.includes("wasm://")) continue;
    const m = /at (?:(.*?) )?\(?wasm:\/\/wasm\/[^:]*:wasm-function\[(\d+)\]:(0x[0-9a-f]+)\)?/.exec(
      line.trim(),
    );
    if (!m) continue;
    const index = Number(m[2]);
    frames.push({
      functionName: m[1] ?? `wasm-function[${index}]`,
      functionIndex: index,
      offset: parseInt(m[3], 16),
    });
  }
  return frames;
}
