// Typed Envoy attributes (tests/plugins/sdk-attributes.ts) in the host mock: each getter
// decodes Envoy's encoding (reference §5.3) and is null / the fallback where the attribute does
// not exist (§5.2: root contexts, request-header attributes after the headers are released).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host, double } from "proxy-wasm-as/host-mock";
import { plugin } from "./plugins.mjs";

const wasm = plugin("sdk-attributes");

function exchange() {
  const p = new Host().loadPlugin({
    wasm,
    name: "attrs",
    rootId: "r",
    vmId: "vm1",
    trace: true,
    properties: {
      "xds.node.id": "sidecar~1",
      "xds.cluster_name": "backend",
      "xds.route_name": "default",
      "source.address": "10.0.0.7:5555",
      "source.port": 5555,
      "destination.address": "10.0.0.1:8080",
      "destination.port": 8080,
      "connection.mtls": true,
      "connection.requested_server_name": "api.example.com",
      "upstream.address": "10.1.0.2:80",
      "upstream.port": 80,
      "metadata.filter_metadata.ns.user": "alice",
      "xds.route_metadata.filter_metadata.ns.weight": double(0.5),
      "xds.route_metadata.filter_metadata.ns.canary": true,
    },
  });
  const s = p.newHttpStream();
  s.sendRequestHeaders(
    [
      [":method", "POST"],
      [":path", "/a/b?x=1"],
      [":authority", "ex.com"],
      [":scheme", "https"],
      ["x-request-id", "rid"],
      ["x-custom", "c1"],
      ["x-custom", "c2"],
      ["content-length", "5"],
    ],
    { endOfStream: false },
  );
  s.sendRequestBody("hello", { endOfStream: true });
  s.sendResponseHeaders(
    [
      [":status", "201"],
      ["content-type", "text/plain"],
    ],
    { endOfStream: true },
  );
  s.complete();
  const seen = {};
  for (const { message } of p.logs) {
    const at = message.indexOf("=");
    seen[message.slice(0, at)] = message.slice(at + 1);
  }
  return { p, seen };
}

test("request attributes while the request headers are held (§5.3)", () => {
  const { seen } = exchange();
  assert.deepEqual(
    {
      path: seen["request.path"],
      urlPath: seen["request.url_path"],
      query: seen["request.query"],
      method: seen["request.method"],
      host: seen["request.host"],
      scheme: seen["request.scheme"],
      id: seen["request.id"],
      protocol: seen["request.protocol"],
      header: seen["request.header"],
      headers: seen["request.headers.count"],
      time: seen["request.time.positive"],
      size: seen["request.size"],
    },
    {
      path: "/a/b?x=1",
      urlPath: "/a/b",
      query: "x=1",
      method: "POST",
      host: "ex.com",
      scheme: "https",
      id: "rid",
      protocol: "HTTP/1.1",
      header: "c1,c2",
      headers: "7",
      time: "true",
      size: "5",
    },
  );
});

test("connection, peer, upstream, plugin, xDS and metadata attributes with their types", () => {
  const { seen } = exchange();
  assert.equal(seen["source.address"], "10.0.0.7:5555");
  assert.equal(seen["source.port"], "5555");
  assert.equal(seen["destination.address"], "10.0.0.1:8080");
  assert.equal(seen["destination.port"], "8080");
  assert.equal(seen["connection.id.nonzero"], "true", "uint64");
  assert.equal(seen["connection.mtls"], "true", "1-byte bool");
  assert.equal(seen["connection.requested_server_name"], "api.example.com");
  assert.equal(seen["upstream.address"], "10.1.0.2:80");
  assert.equal(seen["upstream.port"], "80");
  assert.equal(seen["plugin.name"], "attrs");
  assert.equal(seen["plugin.root_id"], "r");
  assert.equal(seen["plugin.vm_id"], "vm1");
  assert.equal(seen["xds.node.id"], "sidecar~1");
  assert.equal(seen["xds.cluster_name"], "backend");
  assert.equal(seen["xds.route_name"], "default");
  assert.equal(seen["metadata.dynamic"], "alice");
  assert.equal(seen["metadata.route.weight"], "0.5", "struct number → double");
  assert.equal(seen["metadata.route.canary"], "true");
  assert.equal(seen["metadata.missing"], "null(1)", "absent → null, NotFound");
});

test("response attributes, and onLog values (§5.3)", () => {
  const { seen } = exchange();
  assert.equal(seen["response.code"], "201");
  assert.equal(seen["response.header"], "text/plain");
  assert.equal(seen["log.request.path"], "/a/b?x=1", "access-log request headers");
  assert.equal(seen["log.response.code"], "201");
  assert.equal(seen["log.response.code_details"], "via_upstream");
  assert.equal(seen["log.response.flags"], "0");
  assert.equal(seen["log.request.duration.nonneg"], "true");
  assert.equal(seen["log.request.total_size.positive"], "true");
  assert.equal(seen["log.response.size"], "0", "no response body");
  assert.equal(seen["log.response.grpc_status"], "-1", "not gRPC: the fallback");
  assert.equal(seen["log.connection.tls_version"], "null(1)");
});

test("absent where Envoy has none: root context and released request headers → null, NotFound (§5.2)", () => {
  const { seen } = exchange();
  assert.equal(seen["root.plugin.name"], "attrs");
  assert.equal(seen["root.xds.node.id"], "sidecar~1");
  assert.equal(seen["root.request.path"], "null(1)");
  assert.equal(seen["late.request.path"], "null(1)");
});

test("one get_property per getter call, nothing else (cost)", () => {
  const { p } = exchange();
  const counts = p.hostcallCounts;
  // 3 in onConfigure, 31 in onRequestHeaders, 3 in onResponseHeaders, 9 in onLog
  assert.equal(counts.proxy_get_property, 46);
  assert.equal(counts.proxy_get_header_map_value ?? 0, 0);
  assert.equal(counts.proxy_get_header_map_pairs ?? 0, 0);
});
