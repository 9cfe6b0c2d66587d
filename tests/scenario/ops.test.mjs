// The scenario engine's ops beyond the conformance set (gRPC answers, callout timeout, queues,
// shared data, foreign functions, TCP connections, the access-log phase) and what they put in
// the pw-facts/1 transcript, on the WAT driver plugin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodePairs } from "../../sdk-host-mock/dist/index.js";
import { facts, runOnDriver } from "./harness.mjs";

const GET = '{":method": GET, ":path": /, ":authority": x}';

const calloutHandlers = {
  proxy_on_request_headers() {
    const tok = this.alloc(4);
    this.x.h_proxy_register_shared_queue(...this.put("jobs"), tok);
    const md = encodePairs([["x-md", "1"]]);
    this.x.h_proxy_grpc_call(
      ...this.put("grpc_cluster"),
      ...this.put("svc"),
      ...this.put("M"),
      ...this.put(md),
      ...this.put("ping"),
      1000,
      tok,
    );
    const headers = encodePairs([
      [":method", "GET"],
      [":path", "/check"],
      [":authority", "auth"],
    ]);
    this.httpCall("auth", headers, "", encodePairs([]), 500);
    const f = this.callForeign("ff", "arg");
    this.log(2, `foreign ${new TextDecoder().decode(f.data)}`);
    this.setShared("k", "v", 0);
    return 0;
  },
  proxy_on_grpc_receive(root, token, size) {
    const out = this.outPair();
    this.x.h_proxy_get_buffer_bytes(5, 0, size, out, out + 4);
    this.log(2, `grpc ${token} got ${this.text(out)}`);
  },
  proxy_on_http_call_response(root, token, nh, bs) {
    const status = this.getHeader(6, ":status");
    this.log(2, `http ${token} ${status.value} ${bs}`);
  },
  proxy_on_queue_ready(root, token) {
    const out = this.outPair();
    this.x.h_proxy_dequeue_shared_queue(token, out, out + 4);
    this.log(2, `queue ${this.text(out)}`);
  },
  proxy_on_foreign_function(root, id, size) {
    const out = this.outPair();
    this.x.h_proxy_get_buffer_bytes(8, 0, size, out, out + 4);
    this.log(2, `foreign fn ${id} ${this.text(out)}`);
  },
};

test("gRPC answer, callout timeout, queue, foreign function and shared-data ops", () => {
  const r = runOnDriver(
    `
clusters: [auth, grpc_cluster]
foreign_functions:
  ff: { data: pong }
steps:
  - op: request_headers
    headers: ${GET}
    end_of_stream: true
  - op: expect
    http_calls: [{ cluster: auth, timeout_ms: 500, headers: { ":path": /check } }]
    grpc_calls: [{ cluster: grpc_cluster, service_name: svc, method: M, message: ping, kind: call }]
    shared_data: { k: v, missing: null }
    queues: { jobs: [] }
    logs_contain: foreign pong
  - op: grpc_response
    call: 0
    message: hello
  - op: http_call_timeout
    call: 0
  - op: queue_enqueue
    queue: jobs
    data: job-1
  - op: foreign_function
    function_id: 7
    data: payload
  - op: shared_data_set
    key: k
    value: from-host
  - op: expect
    logs_contain: ["grpc 5 got hello", "http 4 504 24", "queue job-1", "foreign fn 7 payload"]
    shared_data: { k: from-host }
    queues: { jobs: [] }
  - op: destroy
`,
    calloutHandlers,
  );
  assert.deepEqual(r.failures, []);
  assert.equal(r.ok, true);
  const steps = facts(r, "step");
  assert.deepEqual(
    steps.map((s) => [s.op, s.token ?? null]),
    [
      ["request_headers", null],
      ["grpc_response", 5],
      ["http_call_timeout", 4],
      ["queue_enqueue", 1],
      ["foreign_function", null],
      ["shared_data_set", null],
      ["destroy", null],
    ],
  );
  assert.equal(steps[5].result, "Ok");
  const grpc = facts(r, "hostcall", "proxy_grpc_call")[0];
  assert.deepEqual(grpc.args, {
    service: "grpc_cluster",
    service_name: "svc",
    method: "M",
    initial_metadata: [["x-md", "1"]],
    message: "ping",
    timeout_ms: 1000,
  });
  assert.deepEqual(grpc.out, { token: 5 });
  assert.deepEqual(facts(r, "call", "proxy_on_grpc_receive")[0].args, [1, 5, 5]);
  assert.deepEqual(facts(r, "call", "proxy_on_http_call_response")[0].args, [1, 4, 3, 24, 0]);
  assert.deepEqual(facts(r, "call", "proxy_on_queue_ready")[0].args, [1, 1]);
  const ff = facts(r, "hostcall", "proxy_call_foreign_function")[0];
  assert.deepEqual(
    [ff.args, ff.out, ff.result],
    [{ name: "ff", argument: "arg" }, { result: "pong" }, "Ok"],
  );
  assert.deepEqual(facts(r, "hostcall", "proxy_dequeue_shared_queue")[0].out, { data: "job-1" });
  assert.deepEqual(r.transcript.final.shared_data, { k: { value: "from-host", cas: 2 } });
  assert.deepEqual(r.transcript.final.http_calls, [
    { token: 4, root_context_id: 1, answered: true },
  ]);
  assert.deepEqual(r.transcript.final.grpc_calls, [
    { token: 5, kind: "call", cluster: "grpc_cluster", done: true },
  ]);
});

test("queue_dequeue takes an item the plugin enqueued; the step shows it", () => {
  const r = runOnDriver(
    `
steps:
  - op: request_headers
    headers: ${GET}
  - op: expect
    queues: { out: [a, b] }
  - op: queue_dequeue
    queue: out
  - op: expect
    queues: { out: [b] }
`,
    {
      proxy_on_request_headers() {
        const tok = this.alloc(4);
        this.x.h_proxy_register_shared_queue(...this.put("out"), tok);
        const t = this.u32(tok);
        this.x.h_proxy_enqueue_shared_queue(t, ...this.put("a"));
        this.x.h_proxy_enqueue_shared_queue(t, ...this.put("b"));
        return 0;
      },
      proxy_on_queue_ready(root, token) {
        // The plugin is the consumer too: it is told, but leaves the items.
        this.log(2, `ready ${token}`);
      },
    },
  );
  assert.deepEqual(r.failures, []);
  const deq = facts(r, "step").find((s) => s.op === "queue_dequeue");
  assert.deepEqual([deq.token, deq.data], [1, "a"]);
});

test("TCP steps: new connection, data both ways, closes; final connection state", () => {
  const seen = [];
  const r = runOnDriver(
    `
steps:
  - op: new_connection
    stream: c1
  - op: downstream_data
    stream: c1
    data: hello
  - op: upstream_data
    stream: c1
    data: world
  - op: expect
    stream: c1
    downstream_data: hello
    upstream_data: world
    closed: false
    status: Continue
  - op: downstream_close
    stream: c1
  - op: upstream_close
    stream: c1
  - op: expect
    stream: c1
    closed: true
`,
    {
      proxy_on_new_connection(ctx) {
        seen.push(["new", ctx]);
        return 0;
      },
      proxy_on_downstream_data(ctx, size, eos) {
        const out = this.outPair();
        this.x.h_proxy_get_buffer_bytes(2, 0, size, out, out + 4);
        seen.push(["down", this.text(out), eos]);
        return 0;
      },
      proxy_on_upstream_data(ctx, size, eos) {
        seen.push(["up", size, eos]);
        return 0;
      },
    },
  );
  assert.deepEqual(r.failures, []);
  assert.deepEqual(seen, [
    ["new", 2],
    ["down", "hello", 0],
    ["up", 5, 0],
  ]);
  assert.deepEqual(facts(r, "stream_created"), [
    { k: "stream_created", stream: "c1", context_id: 2, kind: "tcp" },
  ]);
  assert.equal(r.transcript.final.streams.c1.kind, "tcp");
  assert.equal(r.transcript.final.streams.c1.closed, true);
  assert.equal(r.transcript.final.streams.c1.downstream_data, "hello");
});

test("the log op runs proxy_on_log alone; destroy then runs done and delete (§6.1 order)", () => {
  const r = runOnDriver(
    `
steps:
  - op: request_headers
    headers: ${GET}
    end_of_stream: true
  - op: log
  - op: destroy
`,
  );
  assert.deepEqual(r.failures, []);
  const afterSteps = [];
  for (const f of r.transcript.facts) {
    if (f.k === "lifecycle" && f.phase === "shutdown") break;
    if (f.k === "step") afterSteps.push([f.op]);
    else if (f.k === "call" && afterSteps.length > 0) afterSteps.at(-1).push(f.fn);
  }
  assert.deepEqual(afterSteps, [
    ["request_headers", "proxy_on_context_create", "proxy_on_request_headers"],
    ["log", "proxy_on_log"],
    ["destroy", "proxy_on_done", "proxy_on_delete"],
  ]);
});

test("body steps record body_after, forwarded and the final body (conformance step fields)", () => {
  const r = runOnDriver(
    `
steps:
  - op: request_headers
    headers: ${GET}
  - op: request_body
    body: abc
  - op: request_body
    body: def
    end_of_stream: true
  - op: expect
    request_body: "[abcdef]"
`,
    {
      proxy_on_request_body(ctx, size, eos) {
        if (!eos) return 1; // StopIterationAndBuffer
        this.setBuffer(0, 0, 0, "[");
        this.setBuffer(0, 0xffffffff, 0, "]");
        return 0;
      },
    },
  );
  assert.deepEqual(r.failures, []);
  const [first, second] = facts(r, "step").filter((s) => s.op === "request_body");
  assert.deepEqual(
    [first.status, first.body_after, first.forwarded],
    ["StopIterationAndBuffer", "abc", undefined],
  );
  assert.deepEqual(
    [second.status, second.body_after, second.forwarded],
    ["Continue", "[abcdef]", "[abcdef]"],
  );
  assert.equal(r.transcript.final.streams.s1.request_body, "[abcdef]");
  const set = facts(r, "hostcall", "proxy_set_buffer_bytes");
  assert.deepEqual(
    set.map((f) => f.out.buffer_after),
    ["[abcdef", "[abcdef]"],
  );
});

test("names from the scenario are plain keys: a stream called __proto__, shared data key constructor", () => {
  const r = runOnDriver(
    `
steps:
  - op: request_headers
    stream: __proto__
    headers: ${GET}
  - op: shared_data_set
    key: constructor
    value: x
  - op: expect
    stream: __proto__
    status: Continue
    shared_data: { constructor: x }
`,
  );
  assert.deepEqual(r.failures, []);
  const streams = r.transcript.final.streams;
  assert.ok(Object.hasOwn(streams, "__proto__"));
  assert.equal(streams["__proto__"].context_id, 2);
  assert.deepEqual(JSON.parse(JSON.stringify(r.transcript.final.shared_data)), {
    constructor: { value: "x", cas: 1 },
  });
});
