/** What `Host.loadPlugin` accepts ({@link PluginOptions}) and what a plugin logs ({@link LogRecord}). */
import type { LogLevelName } from "./abi.js";
import type { FailurePolicyOptions } from "./failure-policy.js";
import type { ForeignFunction } from "./hostcalls/foreign.js";
import type { ModuleSource } from "./loader.js";
import type { ConnectionOptions } from "./connection-attributes.js";
import type { PropertiesInput } from "./properties.js";
import type { SandboxOptions } from "./sandbox.js";
import type { StrictOption } from "./strict/options.js";
import type { ExtraImports } from "./vm.js";
import type { VmModelOptions } from "./vm-models.js";

/** Options of {@link Host.loadPlugin}. */
export interface PluginOptions extends FailurePolicyOptions, VmModelOptions, SandboxOptions {
  /**
   * The module: a path to the `.wasm` file, its bytes, or a `file:` URL (`http(s):` URLs load
   * through {@link Host.loadPluginAsync}).
   */
  wasm: ModuleSource;
  /** `plugin_name` (default `"plugin"`). */
  name?: string;
  /** `plugin_root_id` (default `""`). */
  rootId?: string;
  /** `plugin_vm_id`; also the shared-data / queue namespace (default `""`). */
  vmId?: string;
  /** Plugin configuration (buffer 7, `proxy_on_configure` size); default empty. */
  configuration?: string | Uint8Array;
  /** VM configuration (buffer 6, `proxy_on_vm_start` size); default empty. */
  vmConfiguration?: string | Uint8Array;
  /** Properties by dotted path (encoded per reference §5.3), visible to every stream. */
  properties?: PropertiesInput;
  /**
   * The downstream connection (and upstream) every stream's attributes describe (§5.3): merged
   * over the defaults, and under each stream's own `connection` option (docs/host-mock-api.md).
   */
  connection?: ConnectionOptions;
  /** WASI environment variables (only these are visible, like Envoy's `environment_variables`). */
  environment?: Record<string, string>;
  /** What `proxy_get_log_level` returns; logs below it are not recorded (default `"info"`). */
  logLevel?: LogLevelName | "off";
  /** Envoy `allow_on_headers_stop_iteration`: header callback 1 stays StopIteration (§6.3). */
  allowOnHeadersStopIteration?: boolean;
  /** Legacy `fail_open`: after a trap, streams bypass the plugin instead of getting a 503. */
  failOpen?: boolean;
  /** Known upstream clusters; when given, `http_call`/`grpc_*` to any other name fail (§3.6). */
  clusters?: string[];
  /** Record {@link Plugin.trace} (default false). */
  trace?: boolean;
  /** Foreign functions for `proxy_call_foreign_function`, in addition to Envoy's built-ins. */
  foreignFunctions?: Record<string, ForeignFunction>;
  /**
   * Extra import modules for test harnesses (not something Envoy offers). Imports not listed
   * here must be satisfied by the host's hostcall set, else loading fails as in Envoy.
   */
  imports?: ExtraImports;
  /** Test-harness hook called with the raw instance exports right after instantiation, before `_start`. */
  onInstance?: (exports: Record<string, unknown>) => void;
  /**
   * Strict mode (docs/strict-mode.md): fail the test on misuse real hosts punish, naming the
   * pitfall id. `true` = every check; or `{ only, ignore: { Q7: "reason" }, report, limits }`.
   * Behaviour towards the plugin is unchanged; strict mode only reports.
   */
  strict?: StrictOption;
}

/** One log record of the plugin. */
export interface LogRecord {
  level: LogLevelName;
  message: string;
  /** Context the log was written for (0 = VM context during start). */
  contextId: number;
  /**
   * `fd_write`: from WASI `fd_write` (stdout → info, stderr → error); `host`: written by the
   * host about the plugin (e.g. a restricted capability), not by the plugin.
   */
  via?: "fd_write" | "host";
}
