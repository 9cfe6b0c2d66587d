// The scenario field `strict` (docs/scenarios.md): strict-mode violations fail the scenario with
// the pitfall id and the line of the step that revealed them; a list selects checks, `ignore`
// switches checks off with a reason; without `strict` the same scenario passes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ScenarioError, encodePairs, scenarioFromText } from "../../sdk-host-mock/dist/index.js";
import { runOnDriver } from "./harness.mjs";

const GET = '{":method": GET, ":path": /, ":authority": x}';

/** Q2: a local reply followed by Continue. */
const denyAndContinue = {
  proxy_on_request_headers() {
    this.localReply(403, "denied", "denied", encodePairs([]));
    return 0;
  },
};

const scenario = (strictLine) => `${strictLine}
steps:
  - op: request_headers
    headers: ${GET}
  - op: expect
    local_reply: { status: 403 }
`;

test("strict: true: a Q2 violation fails the scenario at the step's line, naming the pitfall", () => {
  const r = runOnDriver(scenario("strict: true"), denyAndContinue, "s.yaml");
  assert.equal(r.ok, false);
  assert.equal(r.failures.length, 1, JSON.stringify(r.failures));
  const [f] = r.failures;
  assert.equal(f.line, 3);
  assert.equal(f.step, 1);
  assert.equal(f.op, "request_headers");
  assert.match(f.message, /^s\.yaml:3: step 1 \(request_headers\): strict Q2: /);
  assert.match(f.message, /returned Continue after send_local_response/);
});

test("strict: without it (or false) the same scenario passes: Envoy's behaviour is unchanged", () => {
  assert.deepEqual(runOnDriver(scenario(""), denyAndContinue).failures, []);
  assert.deepEqual(runOnDriver(scenario("strict: false"), denyAndContinue).failures, []);
  // Strict mode only reports: the expectation on the reply holds either way.
  const r = runOnDriver(scenario("strict: true"), denyAndContinue);
  assert.ok(r.failures.every((f) => !/local_reply/.test(f.message)));
});

test("strict: a list of pitfall ids runs only those checks", () => {
  assert.deepEqual(runOnDriver(scenario("strict: [Q1, Q3]"), denyAndContinue).failures, []);
  const r = runOnDriver(scenario("strict: [Q2]"), denyAndContinue);
  assert.deepEqual(
    r.failures.map((f) => /strict (\w+):/.exec(f.message)?.[1]),
    ["Q2"],
  );
});

test("strict: ignore switches a check off with its reason; only + ignore combine", () => {
  const ignoring =
    'strict:\n  ignore: { Q2: "this test sends the reply and continues on purpose" }';
  assert.deepEqual(runOnDriver(scenario(ignoring), denyAndContinue).failures, []);
  const both = "strict:\n  only: [Q2, Q3]\n  ignore: { Q3: not relevant here }";
  assert.match(runOnDriver(scenario(both), denyAndContinue).failures[0]?.message ?? "", /Q2/);
});

test("strict: a stream stalled for good (Q1) fails at the checkpoint before shutdown", () => {
  const pause = { proxy_on_request_headers: () => 1 };
  const text = `strict: true
steps:
  - op: request_headers
    headers: ${GET}
`;
  const r = runOnDriver(text, pause, "s.yaml");
  assert.equal(r.failures.length, 1, JSON.stringify(r.failures));
  // Found by the checkpoint after the last step: reported at the `strict` field.
  assert.match(r.failures[0].message, /^s\.yaml:1: strict Q1: .*never resumed/);
  // With an explicit shutdown step the checkpoint belongs to that step.
  const r2 = runOnDriver(`${text}  - op: shutdown\n`, pause, "s.yaml");
  assert.match(r2.failures[0]?.message ?? "", /^s\.yaml:5: step 2 \(shutdown\): strict Q1: /);
});

test("strict: limits mirror loadPlugin's (buffer_bytes for Q7)", () => {
  const buffer = { proxy_on_request_body: () => 1 };
  const text = (limit) => `strict:
  limits: { buffer_bytes: ${limit} }
steps:
  - op: request_headers
    headers: {":method": POST, ":path": /, ":authority": x}
  - op: request_body
    body: "${"x".repeat(64)}"
    end_of_stream: false
`;
  const small = runOnDriver(text(16), buffer, "s.yaml");
  assert.ok(
    small.failures.some((f) => /^s\.yaml:6: step 2 \(request_body\): strict Q7: /.test(f.message)),
    JSON.stringify(small.failures),
  );
  const big = runOnDriver(text(1 << 20), buffer, "s.yaml");
  assert.ok(!big.failures.some((f) => /Q7/.test(f.message)), JSON.stringify(big.failures));
});

test("strict: unknown pitfall ids, empty reasons and wrong shapes are validation errors with lines", () => {
  const errors = (strictText) => {
    try {
      scenarioFromText(`${strictText}\nsteps: []\n`, "s.yaml");
    } catch (e) {
      assert.ok(e instanceof ScenarioError, String(e));
      return e.messages;
    }
    assert.fail("accepted");
  };
  assert.match(errors("strict: [Q2, Z9]")[0], /^s\.yaml:1: "strict\[1\]" must be one of .*Q1/);
  assert.match(
    errors("strict:\n  ignore: { Q2: '' }")[0],
    /^s\.yaml:2: "ignore\.Q2" needs a reason/,
  );
  assert.match(errors("strict:\n  ignore: { Z9: why }")[0], /unknown pitfall id "Z9"/);
  assert.match(errors("strict: yes")[0], /^s\.yaml:1: "strict" must be true or false/);
  assert.match(errors("strict:\n  olny: [Q2]")[0], /unknown field "olny" in "strict"/);
});
