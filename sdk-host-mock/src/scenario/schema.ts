/**
 * What a scenario file may contain: the top-level fields and, per step op, its fields and their
 * types. The conformance format (shared/conformance/README.md) is a subset: its ops and fields
 * mean the same here. docs/scenarios.md documents every entry of this file.
 */
import { LOG_LEVEL_NAMES, WasmResult } from "../abi.js";
import { PITFALL_IDS, isPitfallId } from "../strict/pitfalls.js";
import {
  bool,
  either,
  headerMatch,
  headers,
  integer,
  isList,
  isMapNode,
  isScalarNode,
  list,
  nullable,
  number,
  object,
  oneOf,
  record,
  string,
  uint,
  type Field,
} from "./fields.js";

/** A field of a step: its validator, whether it is required, its default. */
export interface FieldSpec {
  field: Field;
  required?: boolean;
  default?: unknown;
}

const req = (field: Field): FieldSpec => ({ field, required: true });
const opt = (field: Field, dflt?: unknown): FieldSpec =>
  dflt === undefined ? { field } : { field, default: dflt };

/** Name of the stream (HTTP stream or TCP connection) a step acts on; created on first use. */
const stream = opt(string, "s1");
const eos = opt(bool, false);
/** Index of a callout in dispatch order (0 = first). */
const call = req(uint);

const propertyValue = either("a string, an integer or a boolean", [
  isScalarNode,
  (n, c, name) => {
    const v = (n as { value?: unknown } | null)?.value;
    if (typeof v === "string" || typeof v === "boolean") return v;
    return integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)(n, c, name);
  },
]);

/** WasmResult names (`Ok`, `NotFound`, …). */
const WASM_RESULT_NAMES = Object.keys(WasmResult).filter((k) => Number.isNaN(Number(k)));

/** Pitfall ids (`Q1`, `S6`, …) of strict mode. */
const pitfallId = oneOf(PITFALL_IDS);

/** `{ Q7: "why this check does not apply" }`: each key a pitfall id, each reason non-empty. */
const ignoreReasons: Field = (node, ctx, name) => {
  const out = record(string)(node, ctx, name) as Record<string, string> | undefined;
  if (out === undefined) return undefined;
  let ok = true;
  for (const [id, reason] of Object.entries(out)) {
    if (!isPitfallId(id)) {
      ctx.error(node, `"${name}": unknown pitfall id ${JSON.stringify(id)}`);
      ok = false;
    } else if (reason.trim() === "") {
      ctx.error(node, `"${name}.${id}" needs a reason`);
      ok = false;
    }
  }
  return ok ? out : undefined;
};

/**
 * `strict`: `true`/`false`, a list of pitfall ids (only these checks), or a map mirroring the
 * `strict` option of `loadPlugin` (`only`, `ignore` with reasons, `limits`).
 */
const strictField = either(
  "a boolean, a list of pitfall ids or a map (only, ignore, limits)",
  [isScalarNode, bool],
  [isList, list(pitfallId)],
  [
    isMapNode,
    object({
      only: list(pitfallId),
      ignore: ignoreReasons,
      limits: object({ buffer_bytes: uint, shared_data_keys: uint, metric_names: uint }),
    }),
  ],
);

/** Top-level fields (besides `steps`). */
export const TOP_LEVEL: Record<string, FieldSpec> = {
  description: opt(string),
  plugin: opt(string),
  plugin_config: opt(string, ""),
  vm_config: opt(string, ""),
  root_id: opt(string, ""),
  vm_id: opt(string, ""),
  plugin_name: opt(string, "plugin"),
  log_level: opt(oneOf([...LOG_LEVEL_NAMES, "off"]), "info"),
  properties: opt(record(propertyValue), {}),
  clusters: opt(list(string)),
  environment: opt(record(string), {}),
  foreign_functions: opt(record(object({ result: oneOf(WASM_RESULT_NAMES), data: string })), {}),
  allow_on_headers_stop_iteration: opt(bool, false),
  fail_open: opt(bool, false),
  start_time_ms: opt(integer(0, 8.64e15), 1_700_000_000_000),
  strict: opt(strictField, false),
};

const textList = either(
  "a string or a list of strings",
  [isList, list(string)],
  [isScalarNode, string],
);

const callMatch = object({
  cluster: string,
  headers: headerMatch,
  body: string,
  trailers: headerMatch,
  timeout_ms: uint,
});
const grpcMatch = object({
  cluster: string,
  service_name: string,
  method: string,
  message: string,
  initial_metadata: headerMatch,
  kind: oneOf(["call", "stream"]),
});
const localReply = nullable(
  object({
    status: uint,
    body: string,
    details: string,
    grpc_status: nullable(integer(0, 16)),
    headers: headerMatch,
  }),
);

/** Fields of an `expect` step (all optional; at least one check). */
export const EXPECT_FIELDS: Record<string, FieldSpec> = {
  stream,
  status: opt(string),
  request_headers: opt(headerMatch),
  response_headers: opt(headerMatch),
  request_trailers: opt(headerMatch),
  response_trailers: opt(headerMatch),
  request_body: opt(string),
  response_body: opt(string),
  local_reply: opt(localReply),
  downstream_data: opt(string),
  upstream_data: opt(string),
  closed: opt(bool),
  logs_contain: opt(textList),
  logs_not_contain: opt(textList),
  metrics: opt(
    record(
      either(
        "a number, a list of histogram samples, or null",
        [isList, list(number)],
        [isScalarNode, nullable(number)],
      ),
    ),
  ),
  shared_data: opt(record(nullable(string))),
  queues: opt(record(list(string))),
  http_calls: opt(
    either("a count or a list of call matchers", [isList, list(callMatch)], [isScalarNode, uint]),
  ),
  grpc_calls: opt(
    either("a count or a list of call matchers", [isList, list(grpcMatch)], [isScalarNode, uint]),
  ),
  vm_failed: opt(bool),
  tick_period_ms: opt(uint),
};

/** Step ops and their fields. */
export const OPS: Record<string, Record<string, FieldSpec>> = {
  // --- conformance ops
  request_headers: { stream, headers: req(headers), end_of_stream: eos },
  response_headers: { stream, headers: req(headers), end_of_stream: eos },
  request_body: { stream, body: req(string), end_of_stream: eos },
  response_body: { stream, body: req(string), end_of_stream: eos },
  request_trailers: { stream, trailers: req(headers) },
  response_trailers: { stream, trailers: req(headers) },
  http_call_response: { call, headers: opt(headers), body: opt(string), trailers: opt(headers) },
  http_call_failure: { call },
  tick: {},
  advance_time: { ms: req(uint) },
  log: { stream },
  destroy: { stream },
  shutdown: {},
  // --- extensions
  http_call_timeout: { call },
  grpc_response: {
    call,
    message: opt(string),
    status: opt(integer(0, 16)),
    status_message: opt(string),
  },
  grpc_initial_metadata: { call, metadata: req(headers) },
  grpc_message: { call, message: req(string) },
  grpc_trailing_metadata: { call, metadata: req(headers) },
  grpc_close: { call, status: req(integer(0, 16)), status_message: opt(string) },
  queue_enqueue: { queue: req(string), vm_id: opt(string), data: req(string) },
  queue_dequeue: { queue: req(string), vm_id: opt(string) },
  shared_data_set: { key: req(string), value: req(string), cas: opt(uint, 0), vm_id: opt(string) },
  foreign_function: { function_id: req(uint), data: opt(string, "") },
  new_connection: { stream },
  downstream_data: { stream, data: req(string), end_of_stream: eos },
  upstream_data: { stream, data: req(string), end_of_stream: eos },
  downstream_close: { stream, peer: opt(oneOf(["local", "remote"]), "remote") },
  upstream_close: { stream },
  expect: EXPECT_FIELDS,
};

/** Ops that act on an HTTP stream. */
export const HTTP_OPS = new Set([
  "request_headers",
  "response_headers",
  "request_body",
  "response_body",
  "request_trailers",
  "response_trailers",
  "log",
  "destroy",
]);

/** Ops that act on a TCP connection. */
export const TCP_OPS = new Set([
  "new_connection",
  "downstream_data",
  "upstream_data",
  "downstream_close",
  "upstream_close",
]);

/** Fields every step may have. */
export const COMMON_STEP_FIELDS: Record<string, FieldSpec> = { description: opt(string) };

export { isMapNode };
