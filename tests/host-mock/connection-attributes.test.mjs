// The downstream connection and upstream of a stream (reference §5.3 "Connection"/"Upstream",
// §5.2 root contexts): defaults every stream has, overrides per plugin / stream / property, and
// the phase in which each attribute exists — read through the WAT driver and an SDK plugin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Host, WasmResult as R } from "../../sdk-host-mock/dist/index.js";
import { Driver } from "./wat.mjs";
import { plugin, get } from "../sdk/plugins.mjs";

const path = (...segs) => segs.join("\0");
const i64 = (n) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt(n), true);
  return b;
};
const NAMES = [
  "source.address",
  "source.port",
  "destination.address",
  "destination.port",
  "connection.id",
  "connection.mtls",
  "connection.requested_server_name",
  "connection.tls_version",
  "upstream.address",
  "upstream.port",
  "upstream.local_address",
  "upstream.request_attempt_count",
  "response.code",
];

/** Reads every NAMES attribute in the current callback: name → {result, text, data}. */
function snapshot(d) {
  const out = {};
  for (const name of NAMES) out[name] = d.getProperty(path(...name.split(".")));
  return out;
}

/** A driver that snapshots the attributes in each named callback. */
function recorder(pluginOptions = {}, phases = []) {
  const seen = {};
  const handlers = {};
  for (const phase of phases)
    handlers[phase] = function () {
      seen[phase] = snapshot(this);
    };
  const d = new Driver({ plugin: pluginOptions, handlers });
  return { d, seen };
}

test("§5.3 every HTTP stream has a downstream connection: source/destination ip:port + int64 port, mtls false (1 byte), requested_server_name empty, no TLS fields", () => {
  const { d, seen } = recorder({}, ["proxy_on_request_headers"]);
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(get(), { endOfStream: true });
  const a = seen.proxy_on_request_headers;
  const id = new DataView(a["connection.id"].data.buffer).getBigUint64(0, true);
  assert.equal(a["source.address"].text, `10.0.0.1:${50000 + Number(id)}`);
  assert.deepEqual(a["source.port"].data, i64(50000 + Number(id)));
  assert.equal(a["destination.address"].text, "10.0.0.2:8080");
  assert.deepEqual(a["destination.port"].data, i64(8080));
  assert.deepEqual(a["connection.mtls"].data, new Uint8Array([0]));
  assert.equal(a["connection.requested_server_name"].result, R.Ok);
  assert.equal(a["connection.requested_server_name"].len, 0, "empty string: Ok with (0,0)");
  assert.equal(a["connection.tls_version"].result, R.NotFound, "plaintext: no TLS fields");
});

test("§5.3 phases: upstream.* NotFound until response headers arrive from upstream, attempt count 0 until the request headers reach the router, response.code only from response headers, all still there in on_log", () => {
  const phases = [
    "proxy_on_request_headers",
    "proxy_on_request_body",
    "proxy_on_response_headers",
    "proxy_on_log",
  ];
  const { d, seen } = recorder({}, phases);
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(get(), { endOfStream: false });
  s.sendRequestBody("x", { endOfStream: true });
  s.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
  s.complete();
  const req = seen.proxy_on_request_headers;
  for (const n of ["upstream.address", "upstream.port", "upstream.local_address", "response.code"])
    assert.equal(req[n].result, R.NotFound, `${n} before the upstream`);
  assert.deepEqual(req["upstream.request_attempt_count"].data, i64(0));
  const body = seen.proxy_on_request_body;
  assert.deepEqual(body["upstream.request_attempt_count"].data, i64(1), "headers passed on");
  assert.equal(body["upstream.address"].result, R.NotFound, "no host picked yet");
  for (const phase of ["proxy_on_response_headers", "proxy_on_log"]) {
    const a = seen[phase];
    assert.equal(a["upstream.address"].text, "10.0.0.3:80", phase);
    assert.deepEqual(a["upstream.port"].data, i64(80), phase);
    assert.match(a["upstream.local_address"].text, /^10\.0\.0\.2:4\d{4}$/, phase);
    assert.deepEqual(a["upstream.request_attempt_count"].data, i64(1), phase);
    assert.deepEqual(a["response.code"].data, i64(200), phase);
    assert.equal(a["source.address"].text, req["source.address"].text, phase);
  }
});

test("§5.3 a local reply from request headers never reaches an upstream: upstream.* stay NotFound in on_log; selectUpstream() makes them exist", () => {
  const seen = {};
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        this.x.h_proxy_send_local_response(403, 0, 0, 0, 0, 0, 0, -1);
        return 1;
      },
      proxy_on_log() {
        seen.log = snapshot(this);
      },
    },
  });
  const s = d.plugin.newHttpStream();
  s.sendRequestHeaders(get(), { endOfStream: true });
  s.complete();
  assert.equal(s.localResponse?.status, 403);
  assert.equal(seen.log["upstream.address"].result, R.NotFound);
  assert.deepEqual(seen.log["response.code"].data, i64(403));

  const s2 = d.plugin.newHttpStream();
  s2.selectUpstream();
  s2.sendRequestHeaders(get(), { endOfStream: true });
  s2.complete();
  assert.equal(seen.log["upstream.address"].text, "10.0.0.3:80");
});

test("§5.2 no connection in a root context: source/destination/connection/upstream NotFound in on_configure", () => {
  const { d, seen } = recorder({}, ["proxy_on_configure"]);
  d.plugin.newHttpStream().sendRequestHeaders(get(), { endOfStream: true });
  for (const n of NAMES) assert.equal(seen.proxy_on_configure[n].result, R.NotFound, n);
});

test("§5.3 defaults are deterministic: source port = 50000 + connection id, increasing per connection, the same in every Host", () => {
  const ports = [];
  for (let run = 0; run < 2; run++) {
    const { d, seen } = recorder({}, ["proxy_on_request_headers"]);
    const row = [];
    for (let i = 0; i < 3; i++) {
      d.plugin.newHttpStream().sendRequestHeaders(get(), { endOfStream: true });
      row.push(seen.proxy_on_request_headers["source.address"].text);
    }
    ports.push(row);
  }
  assert.deepEqual(ports[0], ["10.0.0.1:50001", "10.0.0.1:50002", "10.0.0.1:50003"]);
  assert.deepEqual(ports[1], ports[0]);
});

test("§5.3 overrides: plugin `connection` under stream `connection` field by field; ports follow the addresses; `properties` win over both (null → NotFound)", () => {
  const { d, seen } = recorder(
    {
      connection: { destination: "192.168.1.1:443", tlsVersion: "TLSv1.3", upstream: "[::1]:9000" },
      properties: { "connection.requested_server_name": "from-plugin-props" },
    },
    ["proxy_on_request_headers", "proxy_on_response_headers"],
  );
  const s = d.plugin.newHttpStream({
    connection: { source: "203.0.113.9:1234", mtls: true, requestedServerName: "api.example.com" },
    properties: { "destination.port": null },
  });
  s.sendRequestHeaders(get(), { endOfStream: true });
  s.sendResponseHeaders([[":status", "204"]], { endOfStream: true });
  const a = seen.proxy_on_request_headers;
  assert.equal(a["source.address"].text, "203.0.113.9:1234");
  assert.deepEqual(a["source.port"].data, i64(1234));
  assert.equal(a["destination.address"].text, "192.168.1.1:443", "plugin default kept");
  assert.equal(a["destination.port"].result, R.NotFound, "removed by a null property");
  assert.deepEqual(a["connection.mtls"].data, new Uint8Array([1]));
  assert.equal(a["connection.tls_version"].text, "TLSv1.3");
  assert.equal(a["connection.requested_server_name"].text, "from-plugin-props");
  const r = seen.proxy_on_response_headers;
  assert.equal(r["upstream.address"].text, "[::1]:9000");
  assert.deepEqual(r["upstream.port"].data, i64(9000));

  // Another stream of the same plugin: only the plugin's defaults.
  const s2 = d.plugin.newHttpStream();
  s2.sendRequestHeaders(get(), { endOfStream: true });
  assert.match(seen.proxy_on_request_headers["source.address"].text, /^10\.0\.0\.1:5\d{4}$/);
  assert.deepEqual(seen.proxy_on_request_headers["connection.mtls"].data, new Uint8Array([0]));
});

test("§5.3 bad connection options are a clear TypeError (not ip:port, mtls without TLS), at load for the plugin's", () => {
  assert.throws(
    () => new Driver({ plugin: { connection: { source: "10.0.0.1" } } }),
    /connection\.source must be "ip:port"/,
  );
  const d = new Driver();
  assert.throws(
    () => d.plugin.newHttpStream({ connection: { destination: "host:80" } }),
    /connection\.destination must be "ip:port"/,
  );
  assert.throws(
    () => d.plugin.newTcpStream({ connection: { mtls: true } }),
    /mtls needs a TLS connection/,
  );
});

test("§5.3 TCP connections have the same downstream connection; upstream.* only once upstream data arrives or selectUpstream()", () => {
  const seen = {};
  const d = new Driver({
    handlers: {
      proxy_on_new_connection() {
        seen.connect = snapshot(this);
      },
      proxy_on_downstream_data() {
        seen.down = snapshot(this);
      },
      proxy_on_upstream_data() {
        seen.up = snapshot(this);
      },
    },
  });
  const c = d.plugin.newTcpStream({ connection: { destination: "10.0.0.2:5432" } });
  c.sendNewConnection();
  c.sendDownstreamData("q");
  c.sendUpstreamData("r");
  assert.match(seen.connect["source.address"].text, /^10\.0\.0\.1:5\d{4}$/);
  assert.deepEqual(seen.connect["destination.port"].data, i64(5432));
  assert.deepEqual(seen.connect["connection.mtls"].data, new Uint8Array([0]));
  assert.equal(seen.down["upstream.address"].result, R.NotFound);
  assert.equal(seen.up["upstream.address"].text, "10.0.0.3:80");
  assert.equal(seen.up["response.code"].result, R.NotFound, "no HTTP response on TCP");

  const c2 = d.plugin.newTcpStream();
  c2.selectUpstream();
  c2.sendNewConnection();
  assert.equal(seen.connect["upstream.address"].text, "10.0.0.3:80");
});

test("§5.3 the SDK's typed getters (Source, Destination, Connection) read the defaults and a stream override", () => {
  const run = (options) => {
    const p = new Host().loadPlugin({ wasm: plugin("sdk-attributes") });
    const s = p.newHttpStream(options);
    s.sendRequestHeaders(get(), { endOfStream: true });
    const seen = {};
    for (const m of p.logMessages("info"))
      seen[m.slice(0, m.indexOf("="))] = m.slice(m.indexOf("=") + 1);
    return seen;
  };
  const a = run();
  assert.equal(a["source.address"], "10.0.0.1:50001");
  assert.equal(a["source.port"], "50001");
  assert.equal(a["destination.address"], "10.0.0.2:8080");
  assert.equal(a["destination.port"], "8080");
  assert.equal(a["connection.mtls"], "false");
  assert.equal(a["connection.requested_server_name"], "");
  assert.equal(a["upstream.address"], "null(1)", "no upstream in request headers: NotFound");
  const b = run({
    connection: { source: "198.51.100.7:61000", tlsVersion: "TLSv1.2", mtls: true },
  });
  assert.equal(b["source.address"], "198.51.100.7:61000");
  assert.equal(b["source.port"], "61000");
  assert.equal(b["connection.mtls"], "true");
});
