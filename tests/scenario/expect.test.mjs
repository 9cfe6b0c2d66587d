// Failed expectations and failed steps: each names the file line of the failing check.
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodePairs } from "../../sdk-host-mock/dist/index.js";
import { runOnDriver } from "./harness.mjs";

const GET = '[[":method", GET], [":path", /], [":authority", x]]';

const handlers = {
  proxy_on_request_headers() {
    this.addHeader(0, "x-added", "yes");
    const { id } = this.defineMetric(0, "requests");
    this.x.h_proxy_increment_metric(id, 1n);
    this.log(2, "request seen");
    this.httpCall(
      "auth",
      encodePairs([
        [":method", "GET"],
        [":path", "/"],
        [":authority", "a"],
      ]),
      "",
      encodePairs([]),
      0,
    );
    return 0;
  },
};

test("every kind of failed check reports the line of its field", () => {
  const r = runOnDriver(
    `steps:
  - op: request_headers
    headers: ${GET}
  - op: expect
    status: StopIteration
    request_headers: { x-added: "no", ":path": null }
    metrics: { requests: 2, other: 1 }
    logs_contain: [request seen, missing text]
    logs_not_contain: request
    http_calls: 2
    shared_data: { k: v }
    local_reply: { status: 403 }
    vm_failed: true
    tick_period_ms: 10
`,
    handlers,
    "e.yaml",
  );
  assert.equal(r.ok, false);
  const msgs = r.failures.map((f) => f.message);
  const expected = [
    [5, /last status of "s1" is "Continue", expected "StopIteration"/],
    [6, /"x-added" is "yes", expected "no"; ":path" should be absent, is "\/"/],
    [7, /counter "requests" is 1, expected 2/],
    [7, /metric "other" is not defined/],
    [8, /no log record contains "missing text"/],
    [9, /a log record contains "request": "request seen"/],
    [10, /1 HTTP calls dispatched, expected 2/],
    [11, /shared data "k" is null, expected "v"/],
    [12, /"s1" got no local reply/],
    [13, /the VM did not fail/],
    [14, /tick period is 0 ms, expected 10/],
  ];
  assert.equal(msgs.length, expected.length, msgs.join("\n"));
  expected.forEach(([line, re], i) => {
    assert.ok(msgs[i].startsWith(`e.yaml:${line}: step 2 (expect): `), msgs[i]);
    assert.match(msgs[i], re);
  });
  assert.deepEqual(
    r.transcript.facts.filter((f) => f.k === "expect"),
    [{ k: "expect", line: 4, ok: false }],
  );
});

test("the same checks pass when they hold", () => {
  const r = runOnDriver(
    `steps:
  - op: request_headers
    headers: ${GET}
  - op: expect
    status: Continue
    request_headers: { x-added: "yes", x-missing: null }
    metrics: { requests: 1, other: null }
    logs_contain: request seen
    logs_not_contain: [nothing like this]
    http_calls: [{ cluster: auth, timeout_ms: 0 }]
    shared_data: { k: null }
    local_reply: null
    vm_failed: false
    tick_period_ms: 0
`,
    handlers,
  );
  assert.deepEqual(r.failures, []);
  assert.equal(r.ok, true);
});

test("a step that cannot run (no such callout) fails with its line", () => {
  const r = runOnDriver(
    `steps:
  - op: http_call_response
    call: 3
`,
    {},
    "c.yaml",
  );
  assert.deepEqual(
    r.failures.map((f) => f.message),
    [
      "c.yaml:2: step 1 (http_call_response): no HTTP call #3: the plugin dispatched 0 (numbered from 0)",
    ],
  );
});

test("an unexpected trap fails the run; expecting vm_failed makes it pass", () => {
  const trapping = {
    proxy_on_request_headers() {
      throw new WebAssembly.RuntimeError("unreachable");
    },
  };
  const steps = `steps:
  - op: request_headers
    headers: ${GET}
`;
  const bad = runOnDriver(steps, trapping);
  assert.equal(bad.ok, false);
  assert.match(bad.failures[0].message, /^scenario\.yaml:1: the plugin trapped: /);
  assert.ok(
    bad.transcript.facts.some((f) => f.k === "trap" && f.fn === "proxy_on_request_headers"),
  );
  assert.equal(bad.transcript.final.vm_failed, true);
  const ok = runOnDriver(steps + "  - op: expect\n    vm_failed: true\n", trapping);
  assert.deepEqual(ok.failures, []);
  assert.deepEqual(
    ok.transcript.final.local_responses.map((l) => [l.status, l.details]),
    [[503, "wasm_fail_stream"]],
  );
});

test("a plugin that fails to start is a failure at line 1 with start.ok false", () => {
  const r = runOnDriver("steps: []\n", { proxy_on_configure: () => 0 });
  assert.equal(r.ok, false);
  assert.match(r.failures[0].message, /^scenario\.yaml:1: the plugin failed to start: .*configure/);
  assert.equal(r.transcript.start.ok, false);
});
