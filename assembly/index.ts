// proxy-wasm-as: the public API for plugin authors.
//
//   import { RootContext, HttpContext, registerRootContext, FilterHeadersStatus } from "proxy-wasm-as/assembly";
//   export * from "proxy-wasm-as/assembly/exports";

export {
  BufferType,
  FilterDataStatus,
  FilterHeadersStatus,
  FilterStatus,
  FilterTrailersStatus,
  GrpcStatus,
  LogLevel,
  MapType,
  MetricType,
  PeerType,
  StreamType,
  WasmResult,
} from "./abi/types";
export { BaseContext, ContextKind } from "./api/base-context";
export { RootContext } from "./api/root-context";
export { HttpContext } from "./api/http-context";
export { StreamContext } from "./api/stream-context";
export { registerRootContext } from "./api/registration";
export { RootContextFactory } from "./dispatcher/dispatcher";
export { HeaderMap } from "./api/header-map";
export { Body } from "./api/body";
export { HeaderPair } from "./util/pairs";
export {
  getLogLevel,
  isLogEnabled,
  log,
  logCritical,
  logDebug,
  logError,
  logInfo,
  logTrace,
  logWarn,
} from "./api/log";
export {
  getProperty,
  getPropertyBool,
  getPropertyFloat64,
  getPropertyInt64,
  getPropertyString,
  getPropertyUint64,
  hasProperty,
  setProperty,
  setPropertyString,
} from "./api/properties";
export { splitPropertyPath } from "./util/property-path";
export { getCurrentTimeNanoseconds } from "./hostcalls/time";
export { lastResult } from "./hostcalls/result";
export { JsonKind, JsonParseResult, JsonValue, parseJson } from "./util/json";
export { CAS_CREATE, SharedData, SharedUpdate, SharedValue, u64Bytes } from "./api/shared-data";
export {
  Counter,
  CounterFamily,
  Gauge,
  GaugeFamily,
  Histogram,
  HistogramFamily,
  Metric,
} from "./api/metrics";
export { composeMetricName, sanitizeTagValue, TagStyle } from "./util/metric-name";
export {
  Connection,
  Destination,
  Metadata,
  MetadataSource,
  PluginInfo,
  Request,
  Response,
  Source,
  Upstream,
  Xds,
} from "./api/attributes";
export { ConfigReader } from "./util/config-reader";
export { configAccepted, readPluginConfig } from "./api/config";
export { BodyDirection, BodyState, BufferedBody } from "./api/body-buffering";
export {
  formatJsonNumber,
  jsonArray,
  jsonBool,
  jsonNull,
  jsonNumber,
  jsonObject,
  jsonString,
  quoteJson,
  setMember,
  stringifyJson,
} from "./util/json-write";
export { CalloutStatus } from "./api/callout-status";
export {
  DEFAULT_HTTP_CALL_TIMEOUT_MS,
  httpCall,
  HttpCallHandler,
  HttpCallRequest,
  HttpCallResponse,
} from "./api/http-call";
export {
  DEFAULT_GRPC_CALL_TIMEOUT_MS,
  grpcCall,
  GrpcCall,
  GrpcCallHandler,
  GrpcHandle,
  GrpcMessage,
  GrpcStream,
  GrpcStreamHandler,
  openGrpcStream,
} from "./api/grpc";
export { PeriodicTask, PeriodicTasks } from "./api/timers";
export { gcd, PeriodicSchedule } from "./util/periodic";
export { SharedQueue } from "./api/queues";
export { callForeignFunction, clearRouteCache, getForeignFunctionArguments } from "./api/foreign";
export { base64Decode, base64Encode, base64UrlDecode, base64UrlEncode } from "./util/base64";
export { sha256 } from "./util/sha256";
export { constantTimeEqual, hmacSha256 } from "./util/hmac";
