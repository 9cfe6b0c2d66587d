// Test plugin: calls every raw hostcall wrapper of assembly/hostcalls once, so the module imports
// every hostcall of ABI 0.2.1 (the host mock checks each import's wasm type at link time) and
// logs each result for tests/sdk/raw-hostcalls.test.mjs.
import { MetricType, registerRootContext, RootContext } from "proxy-wasm-as/assembly";
import * as callouts from "proxy-wasm-as/assembly/hostcalls/callouts";
import * as context from "proxy-wasm-as/assembly/hostcalls/context";
import * as foreign from "proxy-wasm-as/assembly/hostcalls/foreign";
import * as memory from "proxy-wasm-as/assembly/hostcalls/memory";
import * as metrics from "proxy-wasm-as/assembly/hostcalls/metrics";
import * as shared from "proxy-wasm-as/assembly/hostcalls/shared-data";
import * as streamControl from "proxy-wasm-as/assembly/hostcalls/stream-control";
import * as headerMaps from "proxy-wasm-as/assembly/hostcalls/header-maps";
import * as buffers from "proxy-wasm-as/assembly/hostcalls/buffers";
import * as properties from "proxy-wasm-as/assembly/hostcalls/properties";
import * as time from "proxy-wasm-as/assembly/hostcalls/time";
import * as logging from "proxy-wasm-as/assembly/hostcalls/logging";
import { HeaderPair } from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

const results = new Array<string>();

function note(what: string, result: i32): void {
  results.push(what + "=" + result.toString());
}

class RawRoot extends RootContext {
  onConfigure(pluginConfigurationSize: u32): bool {
    note("set_shared_data", shared.setSharedData("k", String.UTF8.encode("v1"), 0));
    note("get_shared_data", shared.getSharedData("k"));
    results.push("shared value=" + String.UTF8.decode(memory.takeOutBytes()));
    results.push("shared cas=" + memory.outU32().toString());
    note("get_shared_data missing", shared.getSharedData("nope"));
    note("register_shared_queue", shared.registerSharedQueue("q"));
    const token = memory.outU32();
    note("resolve_shared_queue", shared.resolveSharedQueue("", "q"));
    results.push("same token=" + (memory.outU32() == token ? "yes" : "no"));
    note("enqueue_shared_queue", shared.enqueueSharedQueue(token, String.UTF8.encode("item")));
    note("dequeue_shared_queue", shared.dequeueSharedQueue(token));
    results.push("dequeued=" + String.UTF8.decode(memory.takeOutBytes()));
    note("dequeue_shared_queue empty", shared.dequeueSharedQueue(token));
    note("define_metric counter", metrics.defineMetric(MetricType.Counter, "raw_counter"));
    const counter = memory.outU32();
    results.push("counter id=" + counter.toString());
    note("increment_metric", metrics.incrementMetric(counter, 5));
    note("increment_metric zero", metrics.incrementMetric(counter, 0));
    note("record_metric", metrics.recordMetric(counter, 2));
    note("get_metric", metrics.getMetric(counter));
    results.push("counter value=" + memory.outU64().toString());
    note(
      "http_call unknown cluster",
      callouts.httpCall(
        "nowhere",
        [
          new HeaderPair(":method", "GET"),
          new HeaderPair(":path", "/"),
          new HeaderPair(":authority", "a"),
        ],
        null,
        null,
        1000,
      ),
    );
    note(
      "grpc_call unknown cluster",
      // Built at run time (not literals): exercises the scratch-slot path of the encoder.
      callouts.grpcCall(
        "nowhere",
        String.fromCharCode(0x73) + "vc",
        ["Met", "hod"].join(""),
        null,
        null,
        1000,
      ),
    );
    note("grpc_stream unknown cluster", callouts.grpcStream("nowhere", "svc", "Method", null));
    note("grpc_send unknown", callouts.grpcSend(6, null, false));
    note("grpc_close unknown", callouts.grpcClose(5));
    note("grpc_cancel unknown", callouts.grpcCancel(5));
    // A serialized GrpcService{envoy_grpc{cluster_name: "authz"}} instead of a cluster name.
    note(
      "grpc_call GrpcService",
      callouts.grpcCall("\n\x07\n\x05authz", "svc", "Check", null, null, 0),
    );
    note("call_foreign_function unknown", foreign.callForeignFunction("no_such_function", null));
    note("set_effective_context self", context.setEffectiveContext(this.id));
    note("set_effective_context unknown", context.setEffectiveContext(999));
    note("done without deferral", context.done());
    results.push("status=" + context.getStatus().toString());
    note("set_tick_period", time.setTickPeriodMilliseconds(0));
    results.push("time>0=" + (time.getCurrentTimeNanoseconds() > 0 ? "yes" : "no"));
    note("set_property in root", properties.setProperty(["x"], String.UTF8.encode("y")));
    results.push(
      "plugin config=" + (buffers.getBufferString(7, 0, 0xffffffff) || "(null)").toString(),
    );
    note("get_header_map_size outside stream", <i32>headerMaps.getHeaderMapSize(0));
    results.push(
      "get_header_map_value outside stream=" + (headerMaps.getHeaderMapValue(0, "a") || "(null)")!,
    );
    note("add_header_map_value outside stream", headerMaps.addHeaderMapValue(0, "a", "b"));
    note("replace_header_map_value outside stream", headerMaps.replaceHeaderMapValue(0, "a", "b"));
    note("remove_header_map_value outside stream", headerMaps.removeHeaderMapValue(0, "a"));
    note("get_header_map_pairs outside stream", headerMaps.getHeaderMapPairs(0).length);
    note("set_header_map_pairs outside stream", headerMaps.setHeaderMapPairs(0, []));
    note("get_buffer_status vm config", <i32>buffers.getBufferSize(6));
    note("set_buffer_bytes vm config", buffers.setBufferBytes(6, 0, 0, 0, 0));
    note("get_property plugin_vm_id", properties.getProperty(["plugin_vm_id"]) === null ? 1 : 0);
    note("send_local_response in root", streamControl.sendLocalResponse(500, "", null, null, -1));
    note("continue_stream upstream", streamControl.continueStream(3));
    note("close_stream bad type", streamControl.closeStream(9));
    note("get_log_level", <i32>logging.getLogLevel());
    for (let i = 0; i < results.length; i++) logging.log(2, results[i]);
    return true;
  }
}

registerRootContext((id: u32): RootContext => new RawRoot(id));
