// The raw ABI layer (assembly/hostcalls): tests/plugins/sdk-raw.ts imports every hostcall of
// ABI 0.2.1 through the SDK's declarations — the host mock rejects any import whose wasm type
// differs from the host's — and logs what each wrapper returned.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { Host } from "proxy-wasm-as/host-mock";
import { plugin } from "./plugins.mjs";

const wasm = plugin("sdk-raw");

test("the module imports all 39 hostcalls of ABI 0.2.1 and links against the host", () => {
  const module = new WebAssembly.Module(readFileSync(wasm));
  const env = WebAssembly.Module.imports(module).filter((i) => i.module === "env");
  assert.equal(env.length, 39);
  assert.doesNotThrow(() => new Host().loadPlugin({ wasm }));
});

test("each raw wrapper passes its arguments and reads its outputs correctly", () => {
  const p = new Host().loadPlugin({
    wasm,
    configuration: "cfg",
    vmConfiguration: "vmc",
    clusters: ["authz"],
  });
  const results = new Map(
    p
      .logMessages("info")
      .map((line) => line.split("="))
      .map(([key, ...rest]) => [key, rest.join("=")]),
  );
  const expected = {
    set_shared_data: "0",
    get_shared_data: "0",
    "shared value": "v1",
    "shared cas": "1",
    "get_shared_data missing": "1",
    register_shared_queue: "0",
    resolve_shared_queue: "0",
    "same token": "yes",
    enqueue_shared_queue: "0",
    dequeue_shared_queue: "0",
    dequeued: "item",
    "dequeue_shared_queue empty": "7",
    "define_metric counter": "0",
    "counter id": "4",
    increment_metric: "0",
    "increment_metric zero": "2",
    record_metric: "0",
    get_metric: "0",
    "counter value": "7",
    "http_call unknown cluster": "2",
    "grpc_call unknown cluster": "4",
    "grpc_stream unknown cluster": "4",
    "grpc_send unknown": "1",
    "grpc_close unknown": "1",
    "grpc_cancel unknown": "1",
    "grpc_call GrpcService": "0",
    "call_foreign_function unknown": "1",
    "set_effective_context self": "0",
    "set_effective_context unknown": "2",
    "done without deferral": "1",
    status: "0",
    set_tick_period: "0",
    "time>0": "yes",
    "set_property in root": "1",
    "plugin config": "cfg",
    "get_header_map_size outside stream": "0",
    "get_header_map_value outside stream": "(null)",
    "add_header_map_value outside stream": "2",
    "replace_header_map_value outside stream": "2",
    "remove_header_map_value outside stream": "2",
    "get_header_map_pairs outside stream": "0",
    "set_header_map_pairs outside stream": "2",
    "get_buffer_status vm config": "3",
    "set_buffer_bytes vm config": "2",
    "get_property plugin_vm_id": "0",
    "send_local_response in root": "0",
    "continue_stream upstream": "12",
    "close_stream bad type": "2",
    get_log_level: "2",
  };
  assert.deepEqual(Object.fromEntries(results), expected);
});

test("gRPC call and stream wrappers open calls the host records (no cluster list: any cluster)", () => {
  const p = new Host().loadPlugin({ wasm });
  const results = Object.fromEntries(p.logMessages("info").map((line) => line.split("=")));
  assert.equal(results["grpc_call unknown cluster"], "0");
  assert.equal(results["grpc_stream unknown cluster"], "0");
  assert.equal(results["grpc_send unknown"], "0", "token 6 is the stream just opened");
  assert.equal(results["grpc_close unknown"], "0", "token 5 is the call just made");
  assert.equal(results["grpc_cancel unknown"], "1", "closed calls are forgotten");
  const calls = p.grpcCalls.map((c) => [c.token, c.kind, c.cluster, c.serviceName, c.method]);
  assert.deepEqual(calls, [
    [5, "call", "nowhere", "svc", "Method"],
    [6, "stream", "nowhere", "svc", "Method"],
    [9, "call", "authz", "svc", "Check"],
  ]);
  assert.equal(p.grpcCalls[0].timeoutMs, 1000);
  assert.equal(p.grpcCalls[1].timeoutMs, null);
});
