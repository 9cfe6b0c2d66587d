// Host-mock tests of the json-redact example: nested fields redacted in JSON responses (and
// requests when enabled), content-length removed when the body changes, non-JSON untouched,
// 413 / 502 / reset over the size cap, rejected configurations.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";

const wasm = new URL("../build/json-redact.wasm", import.meta.url).pathname;

function load(config) {
  return new Host().loadPlugin({
    wasm,
    rootId: "json-redact",
    configuration: JSON.stringify(config),
  });
}

const GET = [
  [":method", "GET"],
  [":path", "/users/1"],
  [":authority", "api.example.com"],
];

function respond(plugin, body, headers = [["content-type", "application/json"]], chunks = 2) {
  const s = plugin.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  s.sendResponseHeaders(
    [[":status", "200"], ["content-length", String(Buffer.byteLength(body))], ...headers],
    { endOfStream: false },
  );
  const step = Math.ceil(body.length / chunks);
  for (let i = 0; i < body.length; i += step) {
    s.sendResponseBody(body.slice(i, i + step), { endOfStream: i + step >= body.length });
  }
  return s;
}

test("sensitive fields are redacted at any depth; content-length is dropped (P2)", () => {
  const plugin = load({ fields: ["password", "ssn"] });
  const body = JSON.stringify({
    name: "Ann",
    password: "hunter2",
    profile: { ssn: "078-05-1120", tags: [{ password: 1 }, "x"] },
  });
  const s = respond(plugin, body, [["content-type", "application/json; charset=utf-8"]], 3);
  assert.equal(s.responseHeader("content-length"), null);
  assert.deepEqual(JSON.parse(s.responseBodyText), {
    name: "Ann",
    password: "[redacted]",
    profile: { ssn: "[redacted]", tags: [{ password: "[redacted]" }, "x"] },
  });
  assert.equal(plugin.metric("json_redact_fields_total"), 3);
});

test("non-JSON responses and JSON without sensitive fields pass byte for byte", () => {
  const plugin = load({ fields: ["password"], replacement: "***" });
  const html = respond(plugin, "<p>password</p>", [["content-type", "text/html"]]);
  assert.equal(html.responseBodyText, "<p>password</p>");
  assert.equal(html.responseHeader("content-length"), "15", "not buffered, not touched");
  const clean = respond(plugin, '{ "a" : 1 }');
  assert.equal(clean.responseBodyText, '{ "a" : 1 }');
  const broken = respond(plugin, '{"password": ');
  assert.equal(broken.responseBodyText, '{"password": ');
  assert.equal(plugin.metric("reason=.=invalid_json;.;json_redact_skipped_total"), 1);
});

test("a response announcing more than maxBodyBytes is answered 502", () => {
  const plugin = load({ fields: ["password"], maxBodyBytes: 32 });
  const s = respond(plugin, JSON.stringify({ password: "x".repeat(40) }));
  assert.equal(s.localResponse?.status, 502);
  assert.equal(s.localResponse?.details, "json_redact_too_large");
  assert.ok(!s.responseBodyText.includes("xxxx"));
});

test("a chunked response growing past maxBodyBytes is reset, never forwarded unredacted", () => {
  const plugin = load({ fields: ["password"], maxBodyBytes: 32 });
  const s = plugin.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  s.sendResponseHeaders(
    [
      [":status", "200"],
      ["content-type", "application/json"],
    ],
    { endOfStream: false },
  );
  s.sendResponseBody('{"password":"' + "x".repeat(20), { endOfStream: false });
  s.sendResponseBody("x".repeat(20) + '"}', { endOfStream: true });
  assert.equal(s.resetReason, "wasm_close_stream");
  assert.equal(s.responseBodyText, "");
  assert.equal(plugin.metric("reason=.=too_large;.;json_redact_skipped_total"), 1);
});

test("request bodies are redacted when enabled; over the cap they get 413 (Q7)", () => {
  const plugin = load({ fields: ["card"], requests: true, maxBodyBytes: 64 });
  const post = [
    [":method", "POST"],
    [":path", "/pay"],
    [":authority", "api.example.com"],
    ["content-type", "application/json"],
  ];
  const s = plugin.newHttpStream();
  s.sendRequestHeaders([...post, ["content-length", "34"]], { endOfStream: false });
  s.sendRequestBody('{"card":"4111111111111111","n":1}', { endOfStream: true });
  assert.deepEqual(JSON.parse(s.requestBodyText), { card: "[redacted]", n: 1 });
  const big = plugin.newHttpStream();
  big.sendRequestHeaders([...post, ["content-length", "65"]], { endOfStream: false });
  assert.equal(big.localResponse?.status, 413);
});

test("bad configurations are rejected with a line naming the field", () => {
  for (const [config, line] of [
    [{}, 'config: "fields" must list at least one field name'],
    [{ fields: ["a", 2] }, 'config: "fields[1]" must be a string, got number'],
    [{ fields: ["a"], maxBodyBytes: 0 }, 'config: "maxBodyBytes" must be between 1 and 67108864'],
  ]) {
    assert.throws(
      () => load(config),
      (e) =>
        e instanceof PluginLoadError &&
        e.logs.some((l) => l.level === "error" && l.message === line),
      JSON.stringify(config),
    );
  }
});
