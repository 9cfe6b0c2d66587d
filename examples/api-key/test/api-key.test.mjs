// Host-mock tests of the api-key example: known keys pass (key stripped, client named), missing
// or unknown keys get a 401 local reply, bad configurations are rejected.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";

const wasm = fileURLToPath(new URL("../build/api-key.wasm", import.meta.url));
const rootId = "api-key";
const configuration = JSON.stringify({ keys: { "k-123": "mobile-app", "k-456": "partner" } });

function request(extra = []) {
  return [[":method", "GET"], [":path", "/orders"], [":authority", "api.example.com"], ...extra];
}

test("a known key passes; the key is replaced by the client name", () => {
  const plugin = new Host().loadPlugin({ wasm, rootId, configuration });
  const stream = plugin.newHttpStream();
  assert.equal(
    stream.sendRequestHeaders(request([["x-api-key", "k-456"]]), { endOfStream: true }),
    "Continue",
  );
  assert.equal(stream.localResponse, null);
  assert.equal(stream.requestHeader("x-api-key"), null);
  assert.equal(stream.requestHeader("x-client"), "partner");
  stream.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
  stream.complete();
});

test("a missing key gets 401 with a JSON body and details", () => {
  const plugin = new Host().loadPlugin({ wasm, rootId, configuration });
  const stream = plugin.newHttpStream();
  const status = stream.sendRequestHeaders(request(), { endOfStream: true });
  assert.equal(status, "StopAllIterationAndWatermark");
  const reply = stream.localResponse;
  assert.ok(reply, "a local reply was sent");
  assert.equal(reply.status, 401);
  assert.equal(reply.bodyText, '{"error":"unauthorized"}');
  assert.equal(reply.details, "api_key_missing");
  assert.deepEqual(
    reply.headers.filter(([name]) => name === "content-type" || name === "www-authenticate"),
    [
      ["content-type", "application/json"],
      ["www-authenticate", 'ApiKey header="x-api-key"'],
    ],
  );
});

test("an unknown key gets 401 with details api_key_unknown", () => {
  const plugin = new Host().loadPlugin({ wasm, rootId, configuration });
  const stream = plugin.newHttpStream();
  stream.sendRequestHeaders(request([["x-api-key", "nope"]]), { endOfStream: true });
  assert.equal(stream.localResponse?.status, 401);
  assert.equal(stream.localResponse?.details, "api_key_unknown");
});

test("a custom header name is honoured, case-insensitively", () => {
  const plugin = new Host().loadPlugin({
    wasm,
    rootId,
    configuration: JSON.stringify({ header: "Authorization-Key", keys: { s3cret: "ops" } }),
  });
  const stream = plugin.newHttpStream();
  stream.sendRequestHeaders(request([["authorization-key", "s3cret"]]), { endOfStream: true });
  assert.equal(stream.localResponse, null);
  assert.equal(stream.requestHeader("x-client"), "ops");
});

test("configurations without keys are rejected", () => {
  for (const bad of ["", "[]", JSON.stringify({ keys: {} }), JSON.stringify({ keys: { a: 1 } })]) {
    assert.throws(
      () => new Host().loadPlugin({ wasm, rootId, configuration: bad }),
      PluginLoadError,
      bad,
    );
  }
});

test("a client cannot forge x-client: the plugin overwrites it", () => {
  const plugin = new Host().loadPlugin({ wasm, rootId, configuration });
  const stream = plugin.newHttpStream();
  stream.sendRequestHeaders(
    request([
      ["x-client", "admin"],
      ["x-api-key", "k-123"],
    ]),
    { endOfStream: true },
  );
  assert.deepEqual(
    stream.requestHeaders.filter(([name]) => name === "x-client"),
    [["x-client", "mobile-app"]],
  );
});

test("a rejected request never reaches the upstream: its response callbacks see the local reply", () => {
  const plugin = new Host().loadPlugin({ wasm, rootId, configuration });
  const stream = plugin.newHttpStream();
  stream.sendRequestHeaders(request([["x-api-key", "wrong"]]), { endOfStream: true });
  assert.equal(stream.sendResponseHeaders([[":status", "200"]], { endOfStream: true }), "Skipped");
  assert.equal(stream.responseHeader(":status"), "401");
  stream.complete();
});
