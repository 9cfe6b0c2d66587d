// AssemblyScript compiler transform (enabled by asconfig.preset.json): exports only the
// Proxy-Wasm callbacks a plugin can use. Hosts skip callbacks a module does not export (Envoy
// uses a default), so a plugin that never overrides `onLog` should not pay a VM call per request
// for the SDK's empty one, nor carry its code.
//
// After parsing, every class method name in the program (other than the SDK's own default
// implementations) is collected; a callback is kept when a method it dispatches to is declared
// by some class, or when the module imports the hostcall that makes the callback meaningful
// (e.g. `proxy_http_call` keeps `proxy_on_http_call_response`). Everything else that the SDK
// exports is removed before optimization, and the optimizer drops the code behind it. Matching
// by name over-approximates (an unrelated class with an `onTick` method keeps `proxy_on_tick`),
// which only ever keeps an export. Set PROXY_WASM_AS_EXPORT_ALL=1 to keep every callback.
import { NodeKind } from "assemblyscript";
import { Transform } from "assemblyscript/transform";

/** Callbacks the SDK always needs: allocation, context bookkeeping, the ABI marker, start. */
const ALWAYS = new Set([
  "proxy_abi_version_0_2_1",
  "malloc",
  "proxy_on_memory_allocate",
  "proxy_on_context_create",
  "proxy_on_vm_start",
  "proxy_on_delete",
]);

/** Optional callback → the SDK methods it dispatches to, and hostcalls that imply it. */
const OPTIONAL = {
  // the SDK defines declared metrics right after onConfigure (a root callback, pitfall M5)
  proxy_on_configure: { methods: ["onConfigure"], imports: ["proxy_define_metric"] },
  proxy_on_tick: { methods: ["onTick"], imports: ["proxy_set_tick_period_milliseconds"] },
  proxy_on_queue_ready: { methods: ["onQueueReady"], imports: ["proxy_register_shared_queue"] },
  proxy_on_foreign_function: { methods: ["onForeignFunction"] },
  proxy_on_done: { methods: ["onDone"] },
  proxy_on_log: { methods: ["onLog"] },
  proxy_on_request_headers: { methods: ["onRequestHeaders"] },
  proxy_on_request_body: { methods: ["onRequestBody"] },
  proxy_on_request_trailers: { methods: ["onRequestTrailers"] },
  proxy_on_request_metadata: { methods: [] },
  proxy_on_response_headers: { methods: ["onResponseHeaders"] },
  proxy_on_response_body: { methods: ["onResponseBody"] },
  proxy_on_response_trailers: { methods: ["onResponseTrailers"] },
  proxy_on_response_metadata: { methods: [] },
  proxy_on_new_connection: { methods: ["onNewConnection"] },
  proxy_on_downstream_data: { methods: ["onDownstreamData"] },
  proxy_on_upstream_data: { methods: ["onUpstreamData"] },
  proxy_on_downstream_connection_close: { methods: ["onDownstreamClose"] },
  proxy_on_upstream_connection_close: { methods: ["onUpstreamClose"] },
  proxy_on_http_call_response: { methods: ["onHttpCallResponse"], imports: ["proxy_http_call"] },
  proxy_on_grpc_receive_initial_metadata: { methods: [], imports: ["proxy_grpc_stream"] },
  proxy_on_grpc_receive: { methods: [], imports: ["proxy_grpc_call", "proxy_grpc_stream"] },
  proxy_on_grpc_receive_trailing_metadata: { methods: [], imports: ["proxy_grpc_stream"] },
  proxy_on_grpc_close: { methods: [], imports: ["proxy_grpc_call", "proxy_grpc_stream"] },
};

/** Internal names of the SDK's callback dispatchers (the only exports this transform removes). */
const SDK_DISPATCHERS = /^~lib\/proxy-wasm-as\/assembly\/dispatcher\//;

/**
 * The SDK's own files: their methods are the defaults of the context classes, or helpers that
 * merely share a callback's name (`PeriodicTasks.onTick`), and do not count.
 */
const SDK_CLASSES = /^~lib\/proxy-wasm-as\/assembly\//;

function collectMethodNames(statements, sourcePath, into) {
  for (const statement of statements ?? []) {
    if (statement.kind === NodeKind.ClassDeclaration) {
      if (SDK_CLASSES.test(sourcePath)) continue;
      for (const member of statement.members) {
        if (member.kind === NodeKind.MethodDeclaration) into.add(member.name.text);
      }
    } else if (statement.kind === NodeKind.NamespaceDeclaration) {
      collectMethodNames(statement.members, sourcePath, into);
    } else if (statement.kind === NodeKind.ExportDefault) {
      // `export default class …` wraps its declaration.
      collectMethodNames([statement.declaration], sourcePath, into);
    }
  }
}

export default class UsedCallbacks extends Transform {
  afterParse(parser) {
    this.methods = new Set();
    for (const source of parser.sources) {
      collectMethodNames(
        source.statements,
        source.normalizedPath.replace(/\.ts$/, ""),
        this.methods,
      );
    }
  }

  afterCompile(module) {
    if (process.env.PROXY_WASM_AS_EXPORT_ALL) return;
    const exported = new Set();
    for (let i = 0; i < module.getNumExports(); i++) {
      exported.add(this.binaryen.getExportInfo(module.getExportByIndex(i)).name);
    }
    // Only act on modules built with the SDK (they export its context-creation callback).
    if (!exported.has("proxy_on_context_create") || !exported.has("proxy_on_delete")) return;
    const imported = new Set();
    for (let i = 0; i < module.getNumFunctions(); i++) {
      const info = this.binaryen.getFunctionInfo(module.getFunctionByIndex(i));
      if (info.module === "env") imported.add(info.base);
    }
    for (const [name, { methods, imports = [] }] of Object.entries(OPTIONAL)) {
      if (!exported.has(name) || ALWAYS.has(name)) continue;
      // Only the SDK's dispatchers: a plugin's own `proxy_on_*` function always stays.
      if (!SDK_DISPATCHERS.test(this.binaryen.getExportInfo(module.getExport(name)).value))
        continue;
      const used = methods.some((m) => this.methods.has(m)) || imports.some((i) => imported.has(i));
      if (!used) module.removeExport(name);
    }
  }
}
