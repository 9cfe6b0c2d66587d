// Hostcall semantics checked against the recorded real-host facts in
// shared/conformance/facts/*.facts.json: the driver plugin performs the same sequence of
// operations as the probe plugin; expected results below are copied from those facts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodePairs, WasmResult as R } from "../../sdk-host-mock/dist/index.js";
import { Driver } from "./wat.mjs";

const HDRS = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "example.com"],
];
const hostcalls = (p) =>
  p.trace.filter((t) => t.kind === "hostcall").map((t) => [t.fn, t.contextId, t.result]);

test("§3.4 header maps match headers.facts.json", () => {
  const seen = {};
  const d = new Driver({
    plugin: { trace: true },
    handlers: {
      proxy_on_request_headers(ctx, n, eos) {
        seen.args = [ctx, n, eos];
        seen.missing = this.getHeader(0, "x-missing");
        seen.size = this.headerSize(0);
        this.addHeader(0, "x-dup", "third");
        seen.dup = this.getHeader(0, "x-dup");
        this.addHeader(0, "X-Upper", "v");
        this.replaceHeader(0, "x-dup", "only");
        this.replaceHeader(0, "x-new", "created");
        seen.removeMissing = this.removeHeader(0, "x-not-there");
        this.addHeader(0, ":custom-pseudo", "p");
        seen.responseMap = this.getHeader(2, ":status");
        seen.type8 = this.getHeader(8, "x");
        seen.pairs = this.headerPairs(0);
        return 0;
      },
    },
  });
  d.plugin.clearLogs();
  const s = d.plugin.newHttpStream();
  const status = s.sendRequestHeaders([...HDRS, ["x-dup", "first"], ["x-dup", "second"]], {
    endOfStream: true,
  });
  assert.equal(status, "Continue");
  assert.deepEqual(seen.args, [2, 5, 1]);
  assert.deepEqual(seen.missing, { result: R.NotFound, value: null });
  assert.deepEqual(seen.size, { result: R.Ok, size: 58 });
  assert.deepEqual(seen.dup, { result: R.Ok, value: "first" });
  assert.equal(seen.removeMissing, R.Ok);
  assert.equal(seen.responseMap.result, R.BadArgument);
  assert.equal(seen.type8.result, R.BadArgument);
  const final = [
    [":method", "GET"],
    [":path", "/"],
    [":authority", "example.com"],
    [":custom-pseudo", "p"],
    ["x-upper", "v"],
    ["x-dup", "only"],
    ["x-new", "created"],
  ];
  assert.deepEqual(seen.pairs.data, encodePairs(final));
  assert.deepEqual(s.requestHeaders, final);
  assert.deepEqual(
    hostcalls(d.plugin).map(([fn, ctx, r]) => `${fn}@${ctx}=${r}`),
    [
      "proxy_get_header_map_value@2=NotFound",
      "proxy_get_header_map_size@2=Ok",
      "proxy_add_header_map_value@2=Ok",
      "proxy_get_header_map_value@2=Ok",
      "proxy_add_header_map_value@2=Ok",
      "proxy_replace_header_map_value@2=Ok",
      "proxy_replace_header_map_value@2=Ok",
      "proxy_remove_header_map_value@2=Ok",
      "proxy_add_header_map_value@2=Ok",
      "proxy_get_header_map_value@2=BadArgument",
      "proxy_get_header_map_value@2=BadArgument",
      "proxy_get_header_map_pairs@2=Ok",
    ],
  );
});

test("§3.4 header maps: host ≡ :authority, inline comma-append, windows, empty pairs = (0,0), bad pairs empty the map", () => {
  const seen = {};
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        seen.host = this.getHeader(0, "Host");
        this.replaceHeader(0, "host", "b.example");
        this.addHeader(0, "x-forwarded-for", "1.1.1.1");
        this.addHeader(0, "x-forwarded-for", "2.2.2.2");
        seen.trailersInHeaders = this.headerPairs(1);
        return 0;
      },
      proxy_on_request_body(ctx, size, eos) {
        seen.headersAfterContinue = this.getHeader(0, ":path").result;
        seen.sizeAfterContinue = this.headerSize(0).result;
        seen.pairsAfterContinue = this.headerPairs(0);
        if (eos) {
          // trailers can be created from the last body callback
          seen.addTrailer = this.addHeader(1, "x-trailer", "t");
        }
        return 0;
      },
      proxy_on_response_headers() {
        seen.badPairs = this.setHeaderPairs(2, new Uint8Array([1, 0, 0, 0, 9]));
        seen.afterBad = this.headerPairs(2);
        return 0;
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders([...HDRS.slice(0, 2), ["host", "a.example"]]);
  assert.deepEqual(seen.host, { result: R.Ok, value: "a.example" });
  assert.deepEqual(s.requestHeaders, [
    [":method", "GET"],
    [":path", "/"],
    [":authority", "b.example"],
    ["x-forwarded-for", "1.1.1.1,2.2.2.2"],
  ]);
  assert.deepEqual(
    {
      result: seen.trailersInHeaders.result,
      ptr: seen.trailersInHeaders.ptr,
      len: seen.trailersInHeaders.len,
    },
    { result: R.Ok, ptr: 0, len: 0 },
  );
  s.sendRequestBody("abc", { endOfStream: true });
  assert.equal(seen.headersAfterContinue, R.BadArgument);
  assert.equal(seen.sizeAfterContinue, R.BadArgument);
  assert.equal(seen.pairsAfterContinue.len, 0);
  assert.equal(seen.addTrailer, R.Ok);
  assert.deepEqual(s.requestTrailers, [["x-trailer", "t"]]);
  s.sendResponseHeaders([[":status", "200"]]);
  assert.equal(seen.badPairs, R.Ok);
  assert.equal(seen.afterBad.len, 0);
  assert.deepEqual(s.responseHeaders, []);
});

test("§3.3 buffers match buffers.facts.json", () => {
  const logs = [];
  const d = new Driver({
    plugin: { configuration: "buffers" },
    handlers: {
      proxy_on_request_body(ctx, size, eos) {
        const g = (t, a, b) => this.getBuffer(t, a, b);
        logs.push(["get(0,5)", g(0, 0, 5).text]);
        logs.push(["get(6,100)", g(0, 6, 100).text]);
        const atEnd = g(0, size, 5);
        logs.push(["get(size,5)", atEnd.result, atEnd.ptr, atEnd.len]);
        const past = g(0, size + 9, 5);
        logs.push(["get(size+9,5)", past.result, past.ptr, past.len]);
        const zero = g(0, 0, 0);
        logs.push(["get(0,0)", zero.result, zero.ptr, zero.len]);
        logs.push(["type 99", g(99, 0, 5).result]);
        logs.push(["plugin config", g(7, 0, 100).result]);
        logs.push(["status", this.bufferStatus(0)]);
        logs.push(["prepend", this.setBuffer(0, 0, 0, "<"), g(0, 0, -1).text]);
        logs.push(["append", this.setBuffer(0, size + 1, 0, ">"), g(0, 0, -1).text]);
        logs.push(["middle", this.setBuffer(0, 3, 2, "X"), g(0, 0, -1).text]);
        logs.push(["prefix", this.setBuffer(0, 0, 2, "Z"), g(0, 0, -1).text]);
        logs.push(["all", this.setBuffer(0, 0, -1, "replaced"), g(0, 0, -1).text]);
        logs.push(["cfg", this.setBuffer(7, 0, 0, "cfg")]);
        return 0;
      },
    },
  });
  const s = d.plugin.newHttpStream();
  assert.equal(s.sendRequestHeaders(HDRS), "Continue");
  assert.equal(s.sendRequestBody("hello world", { endOfStream: true }), "Continue");
  assert.deepEqual(logs, [
    ["get(0,5)", "hello"],
    ["get(6,100)", "world"],
    ["get(size,5)", R.Ok, 0, 0],
    ["get(size+9,5)", R.Ok, 0, 0],
    ["get(0,0)", R.Ok, 0, 0],
    ["type 99", R.BadArgument],
    ["plugin config", R.NotFound],
    ["status", { result: R.Ok, size: 11, flags: 0 }],
    ["prepend", R.Ok, "<hello world"],
    ["append", R.Ok, "<hello world>"],
    ["middle", R.BadArgument, "<hello world>"],
    ["prefix", R.Ok, "Zello world>"],
    ["all", R.Ok, "replaced"],
    ["cfg", R.NotFound],
  ]);
  assert.equal(s.requestBodyText, "replaced");
});

test("§3.3 buffers: zero-length results never call the allocator; VM config always readable; plugin config only in configure", () => {
  let mallocs = 0;
  const seen = {};
  const d = new Driver({
    plugin: { configuration: "", vmConfiguration: "vm-cfg" },
    handlers: {
      proxy_on_vm_start() {
        seen.cfgInVmStart = this.getBuffer(7, 0, 10).result;
      },
      proxy_on_configure(root, size) {
        const r = this.getBuffer(7, 0, 10);
        seen.cfgEmpty = [r.result, r.ptr, r.len];
      },
      proxy_on_request_headers() {
        this.mallocHook = () => {
          mallocs++;
          return -1;
        };
        seen.vm = this.getBuffer(6, 0, 100).text;
        seen.bodyOutside = this.getBuffer(0, 0, 100);
        seen.grpcBuffer = this.getBuffer(5, 0, 10).result;
        seen.callResp = this.getBuffer(4, 0, 10).result;
        this.mallocHook = null;
        return 0;
      },
    },
  });
  assert.equal(seen.cfgInVmStart, R.NotFound);
  assert.deepEqual(seen.cfgEmpty, [R.Ok, 0, 0]);
  d.plugin.newHttpStream().sendRequestHeaders(HDRS);
  assert.equal(seen.vm, "vm-cfg");
  assert.equal(mallocs, 1); // only the VM configuration needed memory
  assert.deepEqual([seen.bodyOutside.result, seen.bodyOutside.len], [R.Ok, 0]);
  // Envoy: buffer 5 is never NotFound (the recorded facts differ; reference §3.3 says follow Envoy)
  assert.equal(seen.grpcBuffer, R.Ok);
  assert.equal(seen.callResp, R.NotFound);
});

test("§6.6 local reply forced stop and pass-through match local_reply_continue.facts.json", () => {
  const responseCalls = [];
  const d = new Driver({
    plugin: { trace: true },
    handlers: {
      proxy_on_request_headers(ctx) {
        if (this.getHeader(0, ":path").value === "/headers") {
          this.localReply(418, "teapot", "probe local reply", encodePairs([["X-Probe", "1"]]));
        }
        return 0;
      },
      proxy_on_request_body() {
        this.localReply(413, "too big", "probe_body_reply", encodePairs([["X-Probe", "1"]]));
        return 0;
      },
      proxy_on_response_headers(ctx, n, eos) {
        responseCalls.push([
          "headers",
          ctx,
          this.headerPairs(2).data.length > 0,
          eos,
          this.getHeader(2, ":status").value,
        ]);
        this.addHeader(2, "x-seen-by-plugin", "yes");
        return 0;
      },
      proxy_on_response_body(ctx, size, eos) {
        responseCalls.push(["body", ctx, this.getBuffer(1, 0, size).text, eos]);
        return 0;
      },
    },
  });
  const s1 = d.plugin.newHttpStream();
  assert.equal(
    s1.sendRequestHeaders(
      [
        [":method", "GET"],
        [":path", "/headers"],
        [":authority", "example.com"],
      ],
      { endOfStream: true },
    ),
    "StopAllIterationAndWatermark",
  );
  assert.deepEqual(s1.localResponse, {
    status: 418,
    body: new TextEncoder().encode("teapot"),
    bodyText: "teapot",
    headers: [["x-probe", "1"]],
    details: "probe_local_reply",
    grpcStatus: null,
  });
  // the reply passed through the plugin's response callbacks
  assert.deepEqual(responseCalls, [
    ["headers", 2, true, 0, "418"],
    ["body", 2, "teapot", 1],
  ]);
  assert.deepEqual(s1.responseHeaders, [
    [":status", "418"],
    ["x-probe", "1"],
    ["content-length", "6"],
    ["content-type", "text/plain"],
    ["x-seen-by-plugin", "yes"],
  ]);
  assert.equal(s1.responseBodyText, "teapot");
  assert.equal(s1.sendResponseHeaders([[":status", "200"]]), "Skipped");

  const s2 = d.plugin.newHttpStream();
  assert.equal(
    s2.sendRequestHeaders([
      [":method", "POST"],
      [":path", "/body"],
      [":authority", "example.com"],
    ]),
    "Continue",
  );
  assert.equal(s2.sendRequestBody("payload", { endOfStream: true }), "StopIterationNoBuffer");
  assert.equal(s2.localResponse.status, 413);
  assert.equal(s2.requestBodyText, "");
  assert.equal(s2.contextId, 3);
});

test("§6.6 local reply from on_response_headers goes directly to the codec (no response callbacks)", () => {
  let bodyCalls = 0;
  const d = new Driver({
    handlers: {
      proxy_on_response_headers() {
        this.localReply(502, "bad", "denied", encodePairs([]), 14);
        return 0;
      },
      proxy_on_response_body() {
        bodyCalls++;
        return 0;
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(HDRS, { endOfStream: true });
  assert.equal(
    s.sendResponseHeaders([
      [":status", "200"],
      ["x-up", "1"],
    ]),
    "StopAllIterationAndWatermark",
  );
  assert.equal(s.localResponse.grpcStatus, 14);
  assert.deepEqual(s.responseHeaders, [
    [":status", "502"],
    ["content-length", "3"],
    ["content-type", "text/plain"],
  ]);
  assert.equal(s.sendResponseBody("upstream", { endOfStream: true }), "Skipped");
  assert.equal(bodyCalls, 0);
  assert.equal(s.responseBodyText, "bad");
});

test("§3.2/§5.3 properties match properties.facts.json, plus typed encodings", () => {
  const seen = {};
  const d = new Driver({
    plugin: {
      name: "probe_plugin",
      rootId: "probe_root",
      vmId: "probe_vm",
      properties: {
        "node.id": "node-1",
        "source.port": 1234,
        "connection.mtls": true,
        "x.ratio": 0.5,
      },
    },
    handlers: {
      proxy_on_configure() {
        seen.rootSet = this.setProperty("probe.root", "v");
        seen.rootName = this.getProperty("plugin_name").text;
        seen.rootStreamAttr = this.getProperty("source\0port").result;
      },
      proxy_on_request_headers() {
        for (const k of ["plugin_root_id", "plugin_name", "plugin_vm_id"])
          seen[k] = this.getProperty(k).text;
        seen.node = this.getProperty("node\0id").text;
        seen.missing = this.getProperty("no.such.property").result;
        seen.dotted = this.getProperty("request.path").result;
        seen.streamSet = this.setProperty("probe.stream", "sv");
        seen.afterSet = this.getProperty("probe.stream").text;
        seen.port = this.getProperty("source\0port").data;
        seen.mtls = this.getProperty("connection\0mtls").data;
        seen.ratio = this.getProperty("x\0ratio").data;
        seen.path = this.getProperty("request\0path\0").text;
        seen.urlPath = this.getProperty("request\0url_path").text;
        seen.query = this.getProperty("request\0query").text;
        seen.method = this.getProperty("request\0method").text;
        seen.connId = this.getProperty("connection_id").data;
        return 0;
      },
      proxy_on_response_headers() {
        seen.pathLater = this.getProperty("request\0path").result;
        seen.code = this.getProperty("response\0code").data;
      },
      proxy_on_log() {
        seen.pathInLog = this.getProperty("request\0path").text;
        seen.headersInLog = this.getProperty("request\0headers\0x-m").text;
      },
    },
  });
  assert.equal(seen.rootSet, R.NotFound);
  assert.equal(seen.rootName, "probe_plugin");
  assert.equal(seen.rootStreamAttr, R.NotFound);
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(
    [
      [":method", "GET"],
      [":path", "/a/b?x=1"],
      [":authority", "h"],
      ["x-m", "1"],
      ["x-m", "2"],
    ],
    { endOfStream: true },
  );
  assert.equal(seen.plugin_root_id, "probe_root");
  assert.equal(seen.plugin_name, "probe_plugin");
  assert.equal(seen.plugin_vm_id, "probe_vm");
  assert.equal(seen.node, "node-1");
  assert.equal(seen.missing, R.NotFound);
  assert.equal(seen.dotted, R.NotFound);
  assert.equal(seen.streamSet, R.Ok);
  assert.equal(seen.afterSet, "sv");
  assert.deepEqual([...seen.port], [0xd2, 0x04, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...seen.mtls], [1]);
  assert.equal(new DataView(seen.ratio.buffer).getFloat64(0, true), 0.5);
  assert.equal(seen.path, "/a/b?x=1");
  assert.equal(seen.urlPath, "/a/b");
  assert.equal(seen.query, "x=1");
  assert.equal(seen.method, "GET");
  assert.equal(seen.connId.length, 8);
  s.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
  assert.equal(seen.pathLater, R.NotFound); // request headers no longer held (§5.3)
  assert.deepEqual([...seen.code], [0xc8, 0, 0, 0, 0, 0, 0, 0]);
  s.complete();
  assert.equal(seen.pathInLog, "/a/b?x=1");
  assert.equal(seen.headersInLog, "1,2");
});

test("§3.9 metrics match metrics.facts.json", () => {
  const seen = {};
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        const x = this.x;
        const c = this.defineMetric(0, "probe.counter").id;
        const g = this.defineMetric(1, "probe.gauge").id;
        const h = this.defineMetric(2, "probe.histogram").id;
        const c2 = this.defineMetric(0, "probe.counter2").id;
        const cAgain = this.defineMetric(0, "probe.counter").id;
        seen.ids = [c, g, h, c2, cAgain];
        seen.bad = this.defineMetric(3, "probe.bad_type").result;
        seen.ops = [
          x.h_proxy_increment_metric(c, 0n),
          x.h_proxy_increment_metric(c, 5n),
          x.h_proxy_increment_metric(c, -1n),
          x.h_proxy_increment_metric(cAgain, 2n),
          x.h_proxy_record_metric(c2, 3n),
          x.h_proxy_increment_metric(g, -3n),
          x.h_proxy_record_metric(g, 10n),
          x.h_proxy_increment_metric(g, 2n),
          x.h_proxy_record_metric(h, 7n),
          x.h_proxy_increment_metric(h, 1n),
        ];
        seen.gets = [c, c2, g, h, 1000].map((id) => this.getMetric(id));
        seen.incUnknown = x.h_proxy_increment_metric(1000, 1n);
        return 0;
      },
    },
  });
  d.plugin.newHttpStream().sendRequestHeaders(HDRS, { endOfStream: true });
  assert.deepEqual(seen.ids, [4, 5, 6, 8, 12]);
  assert.equal(seen.bad, R.BadArgument);
  const { Ok, BadArgument: Bad, NotFound } = R;
  assert.deepEqual(seen.ops, [Bad, Ok, Bad, Ok, Ok, Ok, Ok, Ok, Ok, Bad]);
  assert.deepEqual(seen.gets, [
    { result: Ok, value: 7n },
    { result: Ok, value: 3n },
    { result: Ok, value: 12n },
    { result: Bad, value: null },
    { result: NotFound, value: null },
  ]);
  assert.equal(seen.incUnknown, NotFound);
  assert.deepEqual(d.host.metrics, {
    "probe.counter": { type: "counter", value: 7, samples: [] },
    "probe.gauge": { type: "gauge", value: 12, samples: [] },
    "probe.histogram": { type: "histogram", value: 0, samples: [7] },
    "probe.counter2": { type: "counter", value: 3, samples: [] },
  });
  assert.equal(d.plugin.metric("probe.counter"), 7);
});

test("§3.8 shared data CAS matches shared_data_cas.facts.json", () => {
  const seen = {};
  const d = new Driver({
    plugin: { vmId: "probe_vm" },
    handlers: {
      proxy_on_request_headers() {
        seen.missing = this.getShared("probe.k").result;
        seen.newWithCas = this.setShared("probe.new", "n", 7);
        seen.cas0 = this.setShared("probe.k", "v1", 0);
        const cas1 = this.getShared("probe.k");
        seen.cas1 = cas1;
        seen.current = this.setShared("probe.k", "v2", cas1.cas);
        seen.stale = this.setShared("probe.k", "v3", cas1.cas);
        seen.again = this.setShared("probe.k", "v4", 0);
        seen.k = this.getShared("probe.k");
        seen.n = this.getShared("probe.new");
        return 0;
      },
    },
  });
  d.plugin.newHttpStream().sendRequestHeaders(HDRS, { endOfStream: true });
  assert.equal(seen.missing, R.NotFound);
  assert.equal(seen.newWithCas, R.Ok);
  assert.equal(seen.cas0, R.Ok);
  assert.deepEqual(seen.cas1, { result: R.Ok, value: "v1", cas: 2 });
  assert.equal(seen.current, R.Ok);
  assert.equal(seen.stale, R.CasMismatch);
  assert.equal(seen.again, R.Ok);
  assert.deepEqual(seen.k, { result: R.Ok, value: "v4", cas: 4 });
  assert.deepEqual(seen.n, { result: R.Ok, value: "n", cas: 1 });
  assert.deepEqual(d.plugin.sharedData, {
    "probe.new": { value: "n", cas: 1 },
    "probe.k": { value: "v4", cas: 4 },
  });
});

test("§3.6 http_call validation and token numbering match http_call.facts.json", () => {
  const seen = {};
  const ok = encodePairs([
    [":method", "GET"],
    [":path", "/check"],
    [":authority", "auth.local"],
  ]);
  const empty = encodePairs([]);
  const d = new Driver({
    plugin: { clusters: ["auth_cluster"] },
    handlers: {
      proxy_on_request_headers() {
        seen.calls = [
          this.httpCall("auth_cluster", ok, "probe-body", empty, 1000),
          this.httpCall(
            "auth_cluster",
            encodePairs([
              [":method", "GET"],
              [":path", "/x"],
            ]),
            "probe-body",
            empty,
            1000,
          ),
          this.httpCall(
            "auth_cluster",
            encodePairs([
              [":method", "GET"],
              [":path", "/x"],
              ["host", "h"],
            ]),
            "probe-body",
            empty,
            1000,
          ),
          this.httpCall(
            "auth_cluster",
            encodePairs([
              [":method", "GET"],
              [":authority", "a"],
            ]),
            "probe-body",
            empty,
            1000,
          ),
          this.httpCall("nope", ok, "probe-body", empty, 1000),
          this.httpCall("auth_cluster", ok, "probe-body", empty, -1),
          this.httpCall("auth_cluster", ok, "probe-body", empty, 0),
        ];
        seen.eff = this.x.h_proxy_set_effective_context(999);
        return 1;
      },
      proxy_on_http_call_response(root, token, nh, bs, nt) {
        const b = this.getBuffer(4, 0, bs);
        const st = this.alloc(4);
        const out = this.outPair();
        this.x.h_proxy_get_status(st, out, out + 4);
        seen.responses.push([
          root,
          token,
          nh,
          bs,
          nt,
          b.result,
          b.text,
          this.u32(st),
          this.text(out),
        ]);
      },
    },
  });
  seen.responses = [];
  const s = d.plugin.newHttpStream();
  assert.equal(s.sendRequestHeaders(HDRS, { endOfStream: true }), "StopAllIterationAndWatermark");
  const { Ok, BadArgument: Bad } = R;
  assert.deepEqual(
    seen.calls.map((c) => [c.result, c.token]),
    [
      [Ok, 4],
      [Bad, 0],
      [Ok, 8],
      [Bad, 0],
      [Bad, 0],
      [Bad, 0],
      [Ok, 12],
    ],
  );
  assert.equal(seen.eff, Bad);
  assert.deepEqual(d.plugin.httpCalls[1].headers, [
    [":method", "GET"],
    [":path", "/x"],
    [":authority", "h"],
    ["content-length", "10"],
  ]);
  d.plugin.respondToHttpCall(12, { status: 200, body: "third", trailers: [["t", "1"]] });
  d.plugin.failHttpCall(4);
  d.plugin.respondToHttpCall(d.plugin.httpCalls[1], { headers: [[":status", "500"]], body: "" });
  assert.deepEqual(seen.responses, [
    [1, 12, 1, 5, 1, Ok, "third", 0, ""],
    [1, 4, 0, 0, 0, R.NotFound, null, 11, "reset"],
    [1, 8, 1, 0, 0, Ok, "", 11, ""],
  ]);
  assert.deepEqual(
    d.plugin.httpCalls.map((c) => c.answered),
    [true, true, true],
  );
});

test("§1.7 bad pointers → InvalidMemoryAccess returned to the plugin; the host keeps running", () => {
  const seen = {};
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        const x = this.x;
        const far = 0x7fff0000;
        seen.log = x.h_proxy_log(2, far, 10);
        seen.getKey = x.h_proxy_get_header_map_value(0, far, 4, 100, 104);
        const key = this.put(":path");
        seen.outPtr = x.h_proxy_get_header_map_value(0, ...key, far, far + 4);
        seen.prop = x.h_proxy_get_property(far, 3, 100, 104);
        seen.time = x.h_proxy_get_current_time_nanoseconds(far);
        seen.level = x.h_proxy_log(6, ...this.put("x"));
        this.mallocHook = () => 0; // allocator failure
        seen.allocFail = this.getHeader(0, ":path").result;
        this.mallocHook = () => 0x7ffffff0; // allocator returns a block outside memory
        seen.allocOutside = this.getHeader(0, ":path").result;
        this.mallocHook = null;
        seen.after = this.getHeader(0, ":path");
        return 0;
      },
    },
  });
  const s = d.plugin.newHttpStream();
  assert.equal(s.sendRequestHeaders(HDRS), "Continue");
  const IMA = R.InvalidMemoryAccess;
  assert.deepEqual(
    [seen.log, seen.getKey, seen.outPtr, seen.prop, seen.time, seen.allocFail, seen.allocOutside],
    [IMA, IMA, IMA, IMA, IMA, IMA, IMA],
  );
  assert.equal(seen.level, R.BadArgument);
  assert.deepEqual(seen.after, { result: R.Ok, value: "/" });
  assert.equal(d.plugin.failed, false);
});
