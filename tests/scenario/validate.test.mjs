// Strict scenario validation: every error names the file line and the step, nothing is coerced.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ScenarioError, scenarioFromText } from "../../sdk-host-mock/dist/index.js";

function errorsOf(text) {
  try {
    scenarioFromText(text, "s.yaml");
  } catch (e) {
    assert.ok(e instanceof ScenarioError, String(e));
    return e.messages;
  }
  assert.fail("the scenario was accepted");
}

const H = '[[":method", GET], [":path", /], [":authority", x]]';

test("unknown op, unknown field, missing field: each with its line", () => {
  assert.deepEqual(
    errorsOf(`steps:
  - op: request_headers
    headers: ${H}
  - op: request_header
  - op: request_body
    stream: s1
    bdy: x
`),
    [
      `s.yaml:4: step 2: unknown op "request_header" (expected one of request_headers, response_headers, request_body, response_body, request_trailers, response_trailers, http_call_response, http_call_failure, tick, advance_time, log, destroy, shutdown, http_call_timeout, grpc_response, grpc_initial_metadata, grpc_message, grpc_trailing_metadata, grpc_close, queue_enqueue, queue_dequeue, shared_data_set, foreign_function, new_connection, downstream_data, upstream_data, downstream_close, upstream_close, expect)`,
      's.yaml:5: step 3 (request_body): missing field "body"',
      's.yaml:7: step 3 (request_body): unknown field "bdy"',
    ],
  );
});

test("wrong types are errors, not coerced (YAML 1.2: yes is a string)", () => {
  assert.deepEqual(
    errorsOf(`steps:
  - op: request_headers
    headers: ${H}
    end_of_stream: yes
  - op: advance_time
    ms: -5
  - op: http_call_response
    call: "0"
  - op: request_headers
    headers: [[":method"]]
`),
    [
      's.yaml:4: step 1 (request_headers): "end_of_stream" must be true or false, got the string "yes"',
      's.yaml:6: step 2 (advance_time): "ms" must be an integer in [0, 4294967295], got -5',
      's.yaml:8: step 3 (http_call_response): "call" must be an integer in [0, 4294967295], got the string "0"',
      's.yaml:10: step 4 (request_headers): "headers[0]" must be a [name, value] pair, got a list',
    ],
  );
});

test("top level: unknown fields, bad values, missing steps", () => {
  assert.deepEqual(
    errorsOf(`plugin_conf: x
log_level: verbose
properties: { a: [1] }
`),
    [
      's.yaml:1: unknown field "plugin_conf"',
      's.yaml:1: missing field "steps"',
      's.yaml:2: "log_level" must be one of trace, debug, info, warn, error, critical, off, got the string "verbose"',
      's.yaml:3: "properties.a" must be a string, an integer or a boolean, got a list',
    ],
  );
});

test("expect steps: unknown checks, wrong shapes, empty expect", () => {
  assert.deepEqual(
    errorsOf(`steps:
  - op: expect
    stream: s1
  - op: expect
    logs_contains: x
  - op: expect
    metrics: { a: yes }
    local_reply: { code: 1 }
`),
    [
      "s.yaml:2: step 1 (expect): an expect step needs at least one check",
      's.yaml:5: step 2 (expect): unknown field "logs_contains"',
      's.yaml:7: step 3 (expect): "metrics.a" must be a number, got the string "yes"',
      's.yaml:8: step 3 (expect): unknown field "code" in "local_reply" (expected status, body, details, grpc_status, headers)',
    ],
  );
});

test("syntax errors and duplicate keys name their line; JSON is read by the same parser", () => {
  const [dup] = errorsOf('{\n "steps": [],\n "steps": []\n}');
  assert.match(dup, /^s\.yaml:3: /);
  const [syntax] = errorsOf("steps:\n  - op: tick\n  - [unclosed\n");
  assert.match(syntax, /^s\.yaml:\d+: /);
  const sc = scenarioFromText('{"plugin_config": "p", "steps": [{"op": "tick"}]}', "s.json");
  assert.equal(sc.pluginConfig, "p");
  assert.deepEqual(
    sc.steps.map((s) => [s.op, s.index, s.line]),
    [["tick", 1, 1]],
  );
});

test("defaults and normalization: stream s1, end_of_stream false, header maps as pairs", () => {
  const sc = scenarioFromText(`root_id: r
steps:
  - op: request_headers
    headers: { ":method": GET, x-a: "1" }
`);
  assert.deepEqual(sc.steps[0].args, {
    stream: "s1",
    end_of_stream: false,
    headers: [
      [":method", "GET"],
      ["x-a", "1"],
    ],
  });
  assert.equal(sc.steps[0].line, 3);
  assert.deepEqual([sc.rootId, sc.vmId, sc.pluginName, sc.logLevel], ["r", "", "plugin", "info"]);
});

test("foreign_functions answers name a WasmResult", () => {
  assert.deepEqual(
    errorsOf(`foreign_functions:
  f: { result: Fine }
steps: []
`),
    [
      's.yaml:2: "result" must be one of Ok, NotFound, BadArgument, SerializationFailure, ParseFailure, BadExpression, InvalidMemoryAccess, Empty, CasMismatch, ResultMismatch, InternalFailure, BrokenConnection, Unimplemented, got the string "Fine"',
    ],
  );
});
