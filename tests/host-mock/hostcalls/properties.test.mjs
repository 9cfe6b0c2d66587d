// One test per row of reference §3.2 (properties), with the encodings of §5.3, driven by the WAT
// driver plugin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { WasmResult as R } from "../../../sdk-host-mock/dist/index.js";
import { Driver } from "../wat.mjs";

const GET = [
  [":method", "GET"],
  [":path", "/a/b?x=1"],
  [":authority", "example.com"],
  ["user-agent", "ua"],
];
const path = (...segs) => segs.join("\0");
const i64 = (n) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt(n), true);
  return b;
};

test("§3.2 proxy_get_property: NUL-split paths, typed values derived from the request (§5.3), overridable by the test, NotFound for unknown names and stream attributes in the root", () => {
  const got = {};
  const d = new Driver({
    plugin: { name: "p1", rootId: "r1", vmId: "vm1", properties: { "xds.cluster_name": "c1" } },
    handlers: {
      proxy_on_configure() {
        got.rootName = this.getProperty(path("plugin_name"));
        got.rootPath = this.getProperty(path("request", "path"));
      },
      proxy_on_request_headers() {
        got.path = this.getProperty(path("request", "path"));
        got.dotted = this.getProperty("request.path");
        got.urlPath = this.getProperty(path("request", "url_path"));
        got.query = this.getProperty(path("request", "query"));
        got.ua = this.getProperty(path("request", "useragent"));
        got.time = this.getProperty(path("request", "time"));
        got.connId = this.getProperty(path("connection_id"));
        got.cluster = this.getProperty(path("xds", "cluster_name"));
        got.overridden = this.getProperty(path("request", "method"));
        got.port = this.getProperty(path("source", "port"));
        got.vm = this.getProperty(path("plugin_vm_id"));
        got.trailingNul = this.getProperty(path("plugin_root_id") + "\0");
        got.unknown = this.getProperty(path("no_such_attribute"));
        got.legacy = this.getProperty(path("node", "id"));
      },
      proxy_on_response_headers() {
        got.code = this.getProperty(path("response", "code"));
        got.afterContinue = this.getProperty(path("request", "path"));
      },
    },
  });
  const s = d.plugin.newHttpStream({
    properties: { "request.method": "PATCH", "source.port": 5000 },
  });
  s.sendRequestHeaders(GET, { endOfStream: true });
  s.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
  assert.equal(got.rootName.text, "p1");
  assert.equal(got.rootPath.result, R.NotFound);
  assert.equal(got.path.text, "/a/b?x=1");
  assert.equal(got.dotted.result, R.NotFound);
  assert.equal(got.urlPath.text, "/a/b");
  assert.equal(got.query.text, "x=1");
  assert.equal(got.ua.text, "ua");
  assert.deepEqual(got.time.data, i64(BigInt(d.host.now) * 1_000_000n));
  assert.equal(got.connId.len, 8);
  assert.equal(got.cluster.text, "c1");
  assert.equal(got.overridden.text, "PATCH");
  assert.deepEqual(got.port.data, i64(5000));
  assert.equal(got.vm.text, "vm1");
  assert.equal(got.trailingNul.text, "r1");
  assert.equal(got.unknown.result, R.NotFound);
  assert.equal(got.legacy.result, R.NotFound);
  assert.deepEqual(got.code.data, i64(200));
  // request headers were released when on_request_headers returned Continue (§5.3).
  assert.equal(got.afterContinue.result, R.NotFound);
});

test("§3.2 proxy_set_property: stream filter state under wasm.<path>, round-trips for one segment, NotFound in the root context", () => {
  const got = {};
  const d = new Driver({
    handlers: {
      proxy_on_configure() {
        got.root = this.setProperty("k", "v");
      },
      proxy_on_request_headers() {
        got.set = this.setProperty("k", "v1");
        got.get = this.getProperty(path("k"));
        got.viaPrefix = this.getProperty(path("wasm.k"));
        got.setTwo = this.setProperty(path("a", "b"), "x");
        got.getTwo = this.getProperty(path("a", "b"));
        got.empty = this.setProperty("e", "");
        got.getEmpty = this.getProperty(path("e"));
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  assert.equal(got.root, R.NotFound);
  assert.equal(got.set, R.Ok);
  assert.equal(got.get.text, "v1");
  assert.equal(got.viaPrefix.result, R.NotFound);
  assert.equal(got.setTwo, R.Ok);
  assert.equal(got.getTwo.result, R.NotFound);
  assert.equal(got.empty, R.Ok);
  assert.deepEqual([got.getEmpty.result, got.getEmpty.ptr, got.getEmpty.len], [R.Ok, 0, 0]);
});
