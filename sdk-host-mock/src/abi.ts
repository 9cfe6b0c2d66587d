/**
 * Numeric constants of the Proxy-Wasm ABI as Envoy / proxy-wasm-cpp-host use them
 * (reference §3.12 and §4). Plain `const enum`-free TypeScript enums so that they also exist at
 * runtime and can be printed by name.
 */

/** Result code returned by every `proxy_*` hostcall (reference §3.12). */
export enum WasmResult {
  Ok = 0,
  NotFound = 1,
  BadArgument = 2,
  SerializationFailure = 3,
  ParseFailure = 4,
  BadExpression = 5,
  InvalidMemoryAccess = 6,
  Empty = 7,
  CasMismatch = 8,
  ResultMismatch = 9,
  InternalFailure = 10,
  BrokenConnection = 11,
  Unimplemented = 12,
}

/** Log levels used by `proxy_log` / `proxy_get_log_level` (reference §4.1). 6 = off. */
export enum LogLevel {
  Trace = 0,
  Debug = 1,
  Info = 2,
  Warn = 3,
  Error = 4,
  Critical = 5,
  Off = 6,
}

/** Lower-case log level names, indexed by {@link LogLevel}. */
export const LOG_LEVEL_NAMES = ["trace", "debug", "info", "warn", "error", "critical"] as const;
/** A log level by name. */
export type LogLevelName = (typeof LOG_LEVEL_NAMES)[number];

/** Header map ids (`WasmHeaderMapType`, reference §4.5). */
export enum MapType {
  RequestHeaders = 0,
  RequestTrailers = 1,
  ResponseHeaders = 2,
  ResponseTrailers = 3,
  GrpcReceiveInitialMetadata = 4,
  GrpcReceiveTrailingMetadata = 5,
  HttpCallResponseHeaders = 6,
  HttpCallResponseTrailers = 7,
}

/** Buffer ids (reference §4.4). */
export enum BufferType {
  HttpRequestBody = 0,
  HttpResponseBody = 1,
  DownstreamData = 2,
  UpstreamData = 3,
  HttpCallResponseBody = 4,
  GrpcReceiveBuffer = 5,
  VmConfiguration = 6,
  PluginConfiguration = 7,
  CallData = 8,
}

/** Stream ids for `proxy_continue_stream` / `proxy_close_stream` (reference §4.6). */
export enum StreamType {
  HttpRequest = 0,
  HttpResponse = 1,
  Downstream = 2,
  Upstream = 3,
}

/** Peer / close type passed to the connection-close callbacks (reference §4.6). */
export enum PeerType {
  Unknown = 0,
  Local = 1,
  Remote = 2,
}

/** Metric kinds for `proxy_define_metric` (reference §4.6). */
export enum MetricType {
  Counter = 0,
  Gauge = 1,
  Histogram = 2,
}

/** Result of a TCP callback (reference §4.3). Any non-zero return is StopIteration. */
export enum FilterStatus {
  Continue = 0,
  StopIteration = 1,
}

/** Result of `proxy_on_request_headers` / `proxy_on_response_headers` (reference §4.3). */
export enum FilterHeadersStatus {
  Continue = 0,
  StopIteration = 1,
  ContinueAndEndStream = 2,
  StopAllIterationAndBuffer = 3,
  StopAllIterationAndWatermark = 4,
}

/** Result of the body callbacks (reference §4.3). */
export enum FilterDataStatus {
  Continue = 0,
  StopIterationAndBuffer = 1,
  StopIterationAndWatermark = 2,
  StopIterationNoBuffer = 3,
}

/** Result of the trailers callbacks (reference §4.3). */
export enum FilterTrailersStatus {
  Continue = 0,
  StopIteration = 1,
}

/** gRPC status codes (reference §4.6). */
export enum GrpcStatus {
  Ok = 0,
  Canceled = 1,
  Unknown = 2,
  InvalidArgument = 3,
  DeadlineExceeded = 4,
  NotFound = 5,
  AlreadyExists = 6,
  PermissionDenied = 7,
  ResourceExhausted = 8,
  FailedPrecondition = 9,
  Aborted = 10,
  OutOfRange = 11,
  Unimplemented = 12,
  Internal = 13,
  Unavailable = 14,
  DataLoss = 15,
  Unauthenticated = 16,
}

/** cpp-host failure states (reference §4.6). */
export enum FailState {
  Ok = 0,
  UnableToCreateVm = 1,
  UnableToCloneVm = 2,
  MissingFunction = 3,
  UnableToInitializeCode = 4,
  StartFailed = 5,
  ConfigureFailed = 6,
  RuntimeError = 7,
}

/** ABI versions the host understands, as written in the `proxy_abi_version_*` marker. */
export type AbiVersion = "0.1.0" | "0.2.0" | "0.2.1";

/** Name of a header-callback status (after cpp-host's clamping, reference §2.3). */
export type HeadersStatusName = keyof typeof FilterHeadersStatus;
/** Name of a body-callback status (after clamping). */
export type DataStatusName = keyof typeof FilterDataStatus;
/** Name of a trailers-callback status (after clamping). */
export type TrailersStatusName = keyof typeof FilterTrailersStatus;
/** Name of a TCP callback status. */
export type NetworkStatusName = keyof typeof FilterStatus;
/**
 * What a stream driving method returns when the plugin was not called:
 * `"Held"` — the host buffered the event because the plugin holds this direction (§6.3);
 * `"Skipped"` — the event was not delivered (stream already answered by a local reply or
 * reset, plugin failed open, or the in-VM context was never created).
 */
export type NotDeliveredStatus = "Held" | "Skipped";

/** Name of a WasmResult code, or `"Unknown(<n>)"`. */
export function wasmResultName(code: number): string {
  return WasmResult[code] ?? `Unknown(${code})`;
}

/**
 * cpp-host `convertVmCallResultToFilterHeadersStatus` (reference §2.3): values > 4 become 4;
 * 1 becomes 4 unless `allowStopIteration`.
 */
export function clampHeadersStatus(raw: number, allowStopIteration: boolean): FilterHeadersStatus {
  const v = raw >>> 0;
  if (v > 4) return FilterHeadersStatus.StopAllIterationAndWatermark;
  if (v === 1 && !allowStopIteration) return FilterHeadersStatus.StopAllIterationAndWatermark;
  return v as FilterHeadersStatus;
}

/** cpp-host data status clamping: values > 3 become 3. */
export function clampDataStatus(raw: number): FilterDataStatus {
  const v = raw >>> 0;
  return (v > 3 ? 3 : v) as FilterDataStatus;
}

/** cpp-host trailers status clamping: values > 1 become 1. */
export function clampTrailersStatus(raw: number): FilterTrailersStatus {
  return (raw >>> 0 > 1 ? 1 : raw >>> 0) as FilterTrailersStatus;
}

/** Network status: 0 → Continue, anything else → StopIteration. */
export function clampNetworkStatus(raw: number): FilterStatus {
  return raw >>> 0 === 0 ? FilterStatus.Continue : FilterStatus.StopIteration;
}
