/**
 * Runtime checks: M2 (sleep/yield at runtime), M4 (proc_exit), M5 (a metric defined again from a
 * stream callback, too many metric names, counter increments <= 0), X3 (property path as one dotted string;
 * stream attributes read from a root context).
 */
import { WasmResult } from "../abi.js";
import type { HostcallCheck } from "./monitor.js";

const WASI = ["wasi_snapshot_preview1", "wasi_unstable"];

const procExit: HostcallCheck = (m, e) =>
  m.report(
    "M4",
    e.ctx,
    `proc_exit(${Number(e.args[0])}) in ${e.frame?.name ?? "start-up"}: in Envoy proc_exit only logs and returns, so execution continues after the failed assertion with corrupted state. Abort with unreachable (the SDK's abort does)`,
    { hostcall: e.name },
  );

const sleep: HostcallCheck = (m, e) => {
  if (e.frame === null) return; // allocator / start: allowed by cpp-host
  m.report(
    "M2",
    e.ctx,
    `${e.name} in ${e.frame.name}: callbacks run on Envoy's event-loop thread; sleeping or yielding does nothing (poll_oneoff returns at once) or blocks every connection of the worker. Use a tick or a callout`,
    { hostcall: e.name },
  );
};

const defineMetric: HostcallCheck = (m, e) => {
  if (e.result !== WasmResult.Ok) return;
  const name = m.plugin.vm.memory.readString(Number(e.args[1]), Number(e.args[2])) ?? "?";
  // Defining a name again allocates a new id bound to the same stat (ABI §3.9): harmless once
  // per name (lazily, e.g. per label value), a leak when done on every request.
  const defined = m.definedMetrics(m.plugin.vm);
  const again = defined.has(name);
  defined.add(name);
  if (again && (e.ctx.kind === "http" || e.ctx.kind === "tcp"))
    m.report(
      "M5",
      e.ctx,
      `define_metric("${name}") again in ${e.frame?.name ?? "?"} (a stream callback): every call allocates a new metric id kept for the VM's life. Define each metric once (in on_configure, or the first time a label value is seen) and keep its id`,
      { hostcall: e.name },
    );
  const names = m.plugin.host.metricStore.all().length;
  const limit = m.settings.limits.metricNames;
  if (names === limit + 1)
    m.report(
      "M5",
      e.ctx,
      `${names} metric names are defined (limit ${limit}; last "${name}"): every distinct name is a permanent stat. Do not build names from paths, ids or status text`,
      { hostcall: e.name },
    );
};

const incrementMetric: HostcallCheck = (m, e) => {
  const delta = BigInt.asIntN(64, BigInt(e.args[1]));
  if (e.result === WasmResult.BadArgument && delta <= 0n)
    m.report(
      "M5",
      e.ctx,
      `increment_metric(${Number(e.args[0])}, ${delta}) on a counter: Envoy refuses increments <= 0 with BadArgument`,
      { hostcall: e.name },
    );
};

/** First path segments of attributes that exist only on a stream (reference §5.3). */
const STREAM_ROOTS = new Set([
  "request",
  "response",
  "connection",
  "upstream",
  "source",
  "destination",
  "connection_id",
]);
/** First segments of every known attribute family. */
const KNOWN_ROOTS = new Set([
  ...STREAM_ROOTS,
  "node",
  "xds",
  "plugin_name",
  "plugin_root_id",
  "plugin_vm_id",
  "listener_direction",
  "listener_metadata",
  "route_name",
  "route_metadata",
  "cluster_name",
  "cluster_metadata",
  "upstream_host_metadata",
  "filter_state",
  "metadata",
]);

const getProperty: HostcallCheck = (m, e) => {
  const bytes = m.plugin.vm.memory.read(Number(e.args[0]), Number(e.args[1]));
  if (bytes === null) return;
  const segments = new TextDecoder().decode(bytes).split("\0");
  if (segments.length > 1 && segments[segments.length - 1] === "") segments.pop();
  const first = segments[0] ?? "";
  if (segments.length === 1 && first.includes(".") && KNOWN_ROOTS.has(first.split(".")[0])) {
    m.report(
      "X3",
      e.ctx,
      `get_property("${first}") passes the path as one dotted string: paths are NUL-separated segments (${JSON.stringify(first.split("."))}), so Envoy answers NotFound`,
      { hostcall: e.name },
    );
    return;
  }
  if (STREAM_ROOTS.has(first) && (e.ctx.kind === "root" || e.ctx.kind === "vm"))
    m.report(
      "X3",
      e.ctx,
      `get_property("${segments.join(".")}") in ${e.frame?.name ?? "?"} on the root context: stream attributes exist only on a stream (Envoy answers NotFound). Read them in a stream callback, or set_effective_context first`,
      { hostcall: e.name },
    );
};

/** Hostcall checks of this family, by hostcall name. @internal */
export const RUNTIME_HOSTCALL_CHECKS: [string, HostcallCheck][] = [
  ...WASI.map((w): [string, HostcallCheck] => [`${w}.proc_exit`, procExit]),
  ...WASI.flatMap((w): [string, HostcallCheck][] => [
    [`${w}.poll_oneoff`, sleep],
    [`${w}.sched_yield`, sleep],
  ]),
  ["proxy_define_metric", defineMetric],
  ["proxy_increment_metric", incrementMetric],
  ["proxy_get_property", getProperty],
];
