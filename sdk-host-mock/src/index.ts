/**
 * proxy-wasm-as host mock: runs a compiled Proxy-Wasm plugin in Node.js the way Envoy
 * (proxy-wasm-cpp-host) would. Start with {@link Host}.
 *
 * @example
 * const host = new Host();
 * const plugin = host.loadPlugin({ wasm: "build/plugin.wasm", configuration: '{"a":1}' });
 * const s = plugin.newHttpStream();
 * s.sendRequestHeaders([[":method", "GET"], [":path", "/"], [":authority", "x"]], { endOfStream: true });
 * s.complete();
 */
export { Host, type HostOptions, type MetricSnapshot } from "./host.js";
export { Plugin, type PluginOptions, type LogRecord } from "./plugin.js";
export {
  HttpStream,
  type StreamOptions,
  type SendOptions,
  type LocalResponse,
} from "./http-stream.js";
export { TcpStream } from "./tcp-stream.js";
export type {
  HttpCallRecord,
  HttpCallResponse,
  GrpcCallRecord,
  DnsRequest,
  DnsAnswer,
} from "./callouts.js";
export {
  type FailurePolicy,
  type FailurePolicyOptions,
  type CrashRecord,
} from "./failure-policy.js";
export { type VmModel, type VmModelOptions } from "./vm-models.js";
export type { SandboxOptions } from "./sandbox.js";
export { fetchModule, sha256Hex, type ModuleSource } from "./loader.js";
export { instrumentFuel, FUEL_TRAP_MESSAGE } from "./fuel.js";
export { WASI_ENOTCAPABLE } from "./capabilities.js";
export { PluginLoadError, PluginTrapError, type SourceLocation, type WasmFrame } from "./errors.js";
export type { TraceEntry, TraceCall, TraceHostcall, ExtraImports } from "./vm.js";
export { StrictModeError, type StrictViolation } from "./strict/error.js";
export type { StrictOption, StrictOptions, StrictLimits } from "./strict/options.js";
export { PITFALL_IDS, PITFALL_TITLES, type PitfallId } from "./strict/pitfalls.js";
export {
  checkChunkingIndependence,
  type Chunking,
  type ChunkedExchange,
  type ChunkingCheckOptions,
  type ChunkingRun,
  type ExchangeOutcome,
} from "./strict/chunking.js";
export {
  checkNoPerRequestGrowth,
  type GrowthCheckOptions,
  type GrowthReport,
} from "./strict/growth.js";
export type { ForeignFunction, ForeignFunctionResult } from "./hostcalls/foreign.js";
export type { HeaderList, HeadersInput } from "./header-map.js";
export { HeaderMap } from "./header-map.js";
export {
  TypedProperty,
  uint,
  int,
  double,
  duration,
  timestamp,
  serializeProperty,
  type PropertyValue,
  type PropertiesInput,
} from "./properties.js";
export type { ConnectionOptions } from "./connection-attributes.js";
export { encodePairs, decodePairs, PAIRS_MAX_BYTES, PAIRS_MAX_COUNT } from "./pairs.js";
export {
  WasmResult,
  LogLevel,
  MapType,
  BufferType,
  StreamType,
  PeerType,
  MetricType,
  FilterStatus,
  FilterHeadersStatus,
  FilterDataStatus,
  FilterTrailersStatus,
  GrpcStatus,
  FailState,
  wasmResultName,
  type AbiVersion,
  type LogLevelName,
  type HeadersStatusName,
  type DataStatusName,
  type TrailersStatusName,
  type NetworkStatusName,
  type NotDeliveredStatus,
} from "./abi.js";
export {
  runScenario,
  loadScenario,
  scenarioFromText,
  ScenarioError,
  stringifyTranscript,
  type Transcript,
  type Fact,
  type Scenario,
  type ScenarioStep,
  type RunScenarioOptions,
  type ScenarioResult,
  type ScenarioFailure,
} from "./scenario/index.js";
export type { DecodedFields, DecodedValue } from "./trace-decode.js";
