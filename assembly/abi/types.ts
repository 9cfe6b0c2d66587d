// ABI-numbered enums of Proxy-Wasm 0.2.1, exactly as hosts number them (reference §3.12, §4).
// Nothing else lives here: no behaviour, no SDK-only types.

/** Result code of every hostcall (reference §3.12). */
export enum WasmResult {
  /** The call succeeded. */
  Ok = 0,
  /** A key, property, queue, metric, call or buffer does not exist (or is not available now). */
  NotFound = 1,
  /** An argument is out of range, or the object cannot be used in this phase. */
  BadArgument = 2,
  /** A value could not be serialized (properties, compression). */
  SerializationFailure = 3,
  /** A value could not be parsed (gRPC service on Envoy). */
  ParseFailure = 4,
  /** Defined by the ABI; no host is known to return it. */
  BadExpression = 5,
  /** A pointer or size given to the host is outside linear memory, or allocation failed. */
  InvalidMemoryAccess = 6,
  /** The shared queue is empty. */
  Empty = 7,
  /** The compare-and-swap value of shared data is stale. */
  CasMismatch = 8,
  /** Defined by the ABI; no host is known to return it. */
  ResultMismatch = 9,
  /** The host failed internally (for example a callout could not be started). */
  InternalFailure = 10,
  /** Reported by `proxy_get_status` after an HTTP callout failed (never a hostcall return). */
  BrokenConnection = 11,
  /** The host does not implement this call. */
  Unimplemented = 12,
}

/** Log levels (reference §4.1). `Off` is only ever returned by the host's current level. */
export enum LogLevel {
  Trace = 0,
  Debug = 1,
  Info = 2,
  Warn = 3,
  Error = 4,
  Critical = 5,
  /** Envoy's level when the `wasm` logger is switched off: nothing is logged. */
  Off = 6,
}

/** What a request/response headers callback tells the host (reference §4.3, §6.3). */
export enum FilterHeadersStatus {
  /** Forward the headers now. The plugin loses access to the header map. */
  Continue = 0,
  /** Pause. Envoy treats it as StopAllIterationAndWatermark unless `allow_on_headers_stop_iteration`. */
  StopIteration = 1,
  /** Envoy maps it to Continue. */
  ContinueAndEndStream = 2,
  /** Pause headers and buffer the body without flow control (over the limit: 413/500). */
  StopAllIterationAndBuffer = 3,
  /** Pause headers, body and trailers; the body is buffered with flow control. Resume with `continueRequest()`/`continueResponse()`. */
  StopAllIterationAndWatermark = 4,
}

/** What a body callback tells the host (reference §4.3, §6.4). */
export enum FilterDataStatus {
  /** Forward this chunk (and anything buffered before it). */
  Continue = 0,
  /** Hold this chunk; the next body callback sees the whole accumulated body. */
  StopIterationAndBuffer = 1,
  /** Hold with flow control; the next callback sees only the new chunk. */
  StopIterationAndWatermark = 2,
  /** Hold without buffering; the next callback sees only the new chunk. */
  StopIterationNoBuffer = 3,
}

/** What a trailers callback tells the host (reference §4.3). */
export enum FilterTrailersStatus {
  Continue = 0,
  StopIteration = 1,
}

/** What a TCP (network filter) callback tells the host (reference §4.3). */
export enum FilterStatus {
  Continue = 0,
  StopIteration = 1,
}

/** Buffers readable with `proxy_get_buffer_bytes` (reference §4.4). */
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

/** Header maps (reference §4.5). */
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

/** Streams for `proxy_continue_stream` / `proxy_close_stream` (reference §4.6). */
export enum StreamType {
  HttpRequest = 0,
  HttpResponse = 1,
  Downstream = 2,
  Upstream = 3,
}

/** Which side closed a TCP connection (reference §4.6). */
export enum PeerType {
  Unknown = 0,
  Local = 1,
  Remote = 2,
}

/** Kinds of metric (reference §3.9). */
export enum MetricType {
  Counter = 0,
  Gauge = 1,
  Histogram = 2,
}

/** gRPC status codes (reference §4.6). `None` (-1) means "no gRPC status" in local replies. */
export enum GrpcStatus {
  None = -1,
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
