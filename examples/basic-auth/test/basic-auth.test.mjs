// Host-mock tests of the basic-auth example: valid credentials pass (Authorization stripped,
// user named upstream); every way to fail gets a 401 challenge with its own details; bad
// configurations are rejected with a log naming the user entry.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";

const wasm = fileURLToPath(new URL("../build/basic-auth.wasm", import.meta.url));
const rootId = "basic-auth";
const digest = (password) => createHash("sha256").update(password).digest("hex");
const configuration = JSON.stringify({
  realm: "internal",
  users: { alice: `sha256:${digest("wonderland")}`, bob: "plain:build:er" },
});

const basic = (credentials) => `Basic ${Buffer.from(credentials).toString("base64")}`;

function send(authorization, config = configuration) {
  const plugin = new Host().loadPlugin({ wasm, rootId, configuration: config });
  const stream = plugin.newHttpStream();
  const headers = [
    [":method", "GET"],
    [":path", "/admin"],
    [":authority", "intranet.example.com"],
  ];
  if (authorization !== null) headers.push(["authorization", authorization]);
  const status = stream.sendRequestHeaders(headers, { endOfStream: true });
  return { plugin, stream, status };
}

test("valid credentials pass: Authorization removed, user named upstream", () => {
  const { stream, status } = send(basic("alice:wonderland"));
  assert.equal(status, "Continue");
  assert.equal(stream.localResponse, null);
  assert.equal(stream.requestHeader("authorization"), null);
  assert.equal(stream.requestHeader("x-authenticated-user"), "alice");
});

test("a plain: password may contain colons; the scheme is case-insensitive", () => {
  const { stream } = send(`bASIC ${Buffer.from("bob:build:er").toString("base64")}`);
  assert.equal(stream.localResponse, null);
  assert.equal(stream.requestHeader("x-authenticated-user"), "bob");
});

test("a forged x-authenticated-user is overwritten", () => {
  const plugin = new Host().loadPlugin({ wasm, rootId, configuration });
  const stream = plugin.newHttpStream();
  stream.sendRequestHeaders(
    [
      [":method", "GET"],
      [":path", "/"],
      [":authority", "x"],
      ["x-authenticated-user", "root"],
      ["authorization", basic("bob:build:er")],
    ],
    { endOfStream: true },
  );
  assert.deepEqual(
    stream.requestHeaders.filter(([n]) => n === "x-authenticated-user"),
    [["x-authenticated-user", "bob"]],
  );
});

for (const [title, authorization, details] of [
  ["no Authorization header", null, "basic_auth_missing"],
  ["a Bearer token", "Bearer abc", "basic_auth_not_basic"],
  ["a scheme without credentials", "Basic", "basic_auth_not_basic"],
  ["credentials that are not base64", "Basic !!!", "basic_auth_malformed"],
  ["credentials without a colon", basic("alice"), "basic_auth_malformed"],
  ["an empty user name", basic(":wonderland"), "basic_auth_malformed"],
  ["an unknown user", basic("mallory:wonderland"), "basic_auth_unknown_user"],
  ["a wrong password", basic("alice:looking-glass"), "basic_auth_wrong_password"],
  ["another user's password", basic("bob:wonderland"), "basic_auth_wrong_password"],
]) {
  test(`401 with a Basic challenge for ${title} (${details})`, () => {
    const { stream, status } = send(authorization);
    assert.equal(status, "StopAllIterationAndWatermark");
    const reply = stream.localResponse;
    assert.ok(reply, "a local reply was sent");
    assert.equal(reply.status, 401);
    assert.equal(reply.details, details);
    assert.equal(reply.bodyText, "unauthorized\n");
    assert.deepEqual(
      reply.headers.filter(([n]) => n === "www-authenticate"),
      [["www-authenticate", 'Basic realm="internal", charset="UTF-8"']],
    );
    // The request never reaches the upstream.
    assert.equal(
      stream.sendResponseHeaders([[":status", "200"]], { endOfStream: true }),
      "Skipped",
    );
  });
}

test("the realm defaults to proxy", () => {
  const { stream } = send(null, JSON.stringify({ users: { a: "plain:b" } }));
  assert.equal(
    stream.localResponse.headers.find(([n]) => n === "www-authenticate")[1],
    'Basic realm="proxy", charset="UTF-8"',
  );
});

test("bad configurations are rejected, naming the entry", () => {
  for (const [config, message] of [
    ["not json", /configuration is not JSON/],
    ["{}", /users must be a non-empty object/],
    [JSON.stringify({ users: {} }), /users must be a non-empty object/],
    [JSON.stringify({ users: { a: "secret" } }), /users\.a must be/],
    [JSON.stringify({ users: { a: "sha256:abc" } }), /users\.a must be/],
    [JSON.stringify({ users: { a: `sha256:${"g".repeat(64)}` } }), /users\.a must be/],
    [JSON.stringify({ users: { "a:b": "plain:c" } }), /users\.a:b must be/],
    [JSON.stringify({ users: { a: 1 } }), /users\.a must be/],
    [JSON.stringify({ realm: 'a"b', users: { a: "plain:b" } }), /realm must be a string/],
  ]) {
    assert.throws(
      () => new Host().loadPlugin({ wasm, rootId, configuration: config }),
      (error) =>
        error instanceof PluginLoadError && error.logs.some((l) => message.test(l.message)),
      config,
    );
  }
});
