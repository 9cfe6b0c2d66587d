// Host-mock tests of the jwt-auth example: the RFC 7515 A.1 token verifies with its published
// key; tokens signed by us with node:crypto pass or fail on signature, alg, exp/nbf (host clock,
// leeway), iss and aud, each failure with its own details and an RFC 6750 challenge; claims go
// upstream as headers and forged claim headers are dropped; bad configurations are rejected.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";

const wasm = fileURLToPath(new URL("../build/jwt-auth.wasm", import.meta.url));
const rootId = "jwt-auth";
const secret = "orders-api-signing-secret-0123456789";
const NOW = 1_800_000_000; // seconds; the host clock in these tests
const config = {
  secret,
  issuer: "https://auth.example.com",
  audience: "orders-api",
  leewaySeconds: 30,
  claimHeaders: { sub: "x-user-id", admin: "x-admin", level: "x-level" },
};

const b64url = (value) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/** A compact JWS signed with HMAC-SHA-256 over `header.payload`. */
function sign(payload, { key = secret, header = { alg: "HS256", typ: "JWT" } } = {}) {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
}

const valid = {
  iss: "https://auth.example.com",
  aud: "orders-api",
  sub: "user-42",
  admin: true,
  level: 3,
  exp: NOW + 600,
  nbf: NOW - 10,
};

function send(authorization, { configuration = config, now = NOW, extra = [] } = {}) {
  const host = new Host({ now: now * 1000 });
  const plugin = host.loadPlugin({ wasm, rootId, configuration: JSON.stringify(configuration) });
  const stream = plugin.newHttpStream();
  const headers = [
    [":method", "GET"],
    [":path", "/orders"],
    [":authority", "api.example.com"],
    ...extra,
  ];
  if (authorization !== null) headers.push(["authorization", authorization]);
  const status = stream.sendRequestHeaders(headers, { endOfStream: true });
  return { stream, status, plugin };
}

test("RFC 7515 appendix A.1: the published HS256 token verifies with the published key", () => {
  const token =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9" +
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const configuration = {
    secretBase64Url:
      "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
    issuer: "joe",
    claimHeaders: { iss: "x-issuer", "http://example.com/is_root": "x-root" },
  };
  // exp is 1300819380 (2011-03-22T18:43:00Z): valid a minute before, expired a minute after.
  const before = send(`Bearer ${token}`, { configuration, now: 1300819320 });
  assert.equal(before.stream.localResponse, null);
  assert.equal(before.stream.requestHeader("x-issuer"), "joe");
  assert.equal(before.stream.requestHeader("x-root"), "true");
  const after = send(`Bearer ${token}`, { configuration, now: 1300819440 });
  assert.equal(after.stream.localResponse?.details, "jwt_expired");
  // A changed signature character fails.
  const tampered = token.replace(".dBjftJeZ4CVP", ".dBjftJeZ4CVQ");
  const bad = send(`Bearer ${tampered}`, { configuration, now: 1300819320 });
  assert.equal(bad.stream.localResponse?.details, "jwt_bad_signature");
});

test("a valid token passes; claims become headers; the token goes on upstream", () => {
  const token = sign(valid);
  const { stream, status } = send(`Bearer ${token}`);
  assert.equal(status, "Continue");
  assert.equal(stream.localResponse, null);
  assert.equal(stream.requestHeader("x-user-id"), "user-42");
  assert.equal(stream.requestHeader("x-admin"), "true");
  assert.equal(stream.requestHeader("x-level"), "3");
  assert.equal(stream.requestHeader("authorization"), `Bearer ${token}`);
});

test("claim headers sent by the client are dropped, even when the token lacks the claim", () => {
  const { sub, ...noSub } = valid;
  void sub;
  const { stream } = send(`Bearer ${sign(noSub)}`, {
    extra: [
      ["x-user-id", "admin"],
      ["x-admin", "true"],
    ],
  });
  assert.equal(stream.localResponse, null);
  assert.equal(stream.requestHeader("x-user-id"), null);
  assert.equal(stream.requestHeader("x-admin"), "true"); // from the token, not the client
  assert.deepEqual(
    stream.requestHeaders.filter(([n]) => n === "x-admin"),
    [["x-admin", "true"]],
  );
});

test("aud may be an array containing the audience; the bearer scheme is case-insensitive", () => {
  const { stream } = send(`bearer ${sign({ ...valid, aud: ["billing", "orders-api"] })}`);
  assert.equal(stream.localResponse, null);
});

test("exp and nbf honour the leeway", () => {
  assert.equal(send(`Bearer ${sign({ ...valid, exp: NOW - 29 })}`).stream.localResponse, null);
  assert.equal(send(`Bearer ${sign({ ...valid, nbf: NOW + 29 })}`).stream.localResponse, null);
});

const header = (alg) => ({ alg, typ: "JWT" });
for (const [title, authorization, details, description] of [
  ["no Authorization header", null, "jwt_missing", null],
  ["a Basic credential", "Basic YTpi", "jwt_missing", null],
  ["two segments", "Bearer abc.def", "jwt_malformed", "token is not three segments"],
  ["a segment that is not base64url", "Bearer a*b.c.d", "jwt_malformed", "segment is not"],
  [
    "a payload that is not JSON",
    `Bearer ${b64url(header("HS256"))}.${b64url("x")}.AA`,
    "jwt_malformed",
    "segment is not",
  ],
  [
    "alg none, empty signature",
    `Bearer ${sign(valid, { header: header("none") }).replace(/[^.]*$/, "")}`,
    "jwt_unsupported_alg",
    "only HS256",
  ],
  [
    "alg none with a signature",
    `Bearer ${sign(valid, { header: header("none") })}`,
    "jwt_unsupported_alg",
    "only HS256",
  ],
  [
    "alg HS512",
    `Bearer ${sign(valid, { header: header("HS512") })}`,
    "jwt_unsupported_alg",
    "only HS256",
  ],
  [
    "another key",
    `Bearer ${sign(valid, { key: "some-other-secret-of-32-bytes-or-more" })}`,
    "jwt_bad_signature",
    "signature does not match",
  ],
  [
    "a payload swapped after signing",
    `Bearer ${sign(valid).replace(/\.[^.]*\./, `.${b64url({ ...valid, sub: "root" })}.`)}`,
    "jwt_bad_signature",
    "signature does not match",
  ],
  [
    "an expired token",
    `Bearer ${sign({ ...valid, exp: NOW - 31 })}`,
    "jwt_expired",
    "token expired",
  ],
  [
    "a token not valid yet",
    `Bearer ${sign({ ...valid, nbf: NOW + 31 })}`,
    "jwt_not_yet_valid",
    "token not valid yet",
  ],
  [
    "exp that is not a number",
    `Bearer ${sign({ ...valid, exp: "tomorrow" })}`,
    "jwt_malformed",
    "exp is not a number",
  ],
  [
    "another issuer",
    `Bearer ${sign({ ...valid, iss: "https://evil.example.com" })}`,
    "jwt_bad_issuer",
    "issuer not accepted",
  ],
  [
    "no issuer",
    `Bearer ${sign({ ...valid, iss: undefined })}`,
    "jwt_bad_issuer",
    "issuer not accepted",
  ],
  [
    "another audience",
    `Bearer ${sign({ ...valid, aud: ["billing"] })}`,
    "jwt_bad_audience",
    "audience not accepted",
  ],
]) {
  test(`401 for ${title} (${details})`, () => {
    const { stream, status } = send(authorization);
    assert.equal(status, "StopAllIterationAndWatermark");
    const reply = stream.localResponse;
    assert.ok(reply, "a local reply was sent");
    assert.equal(reply.status, 401);
    assert.equal(reply.details, details);
    assert.equal(reply.bodyText, '{"error":"unauthorized"}');
    const challenge = reply.headers.find(([n]) => n === "www-authenticate")?.[1];
    if (description === null) {
      assert.equal(challenge, 'Bearer realm="jwt-auth"'); // RFC 6750 §3.1: no error code
    } else {
      assert.match(
        challenge,
        /^Bearer realm="jwt-auth", error="invalid_token", error_description="/,
      );
      assert.ok(challenge.includes(description), challenge);
    }
    assert.equal(
      stream.sendResponseHeaders([[":status", "200"]], { endOfStream: true }),
      "Skipped",
    );
  });
}

test("bad configurations are rejected with the reason", () => {
  for (const [configuration, message] of [
    [{}, /exactly one of secret/],
    [{ secret, secretBase64Url: "AAAA" }, /exactly one of secret/],
    [{ secret: "short" }, /at least 32 bytes/],
    [{ secretBase64Url: "AyM1" }, /at least 32 bytes/],
    [{ secretBase64Url: "not base64url!" }, /secretBase64Url a base64url string/],
    [{ secret: 42 }, /secret must be a string/],
    [{ secret, issuer: 1 }, /issuer and audience must be strings/],
    [{ secret, leewaySeconds: -1 }, /leewaySeconds/],
    [{ secret, claimHeaders: { sub: 1 } }, /claimHeaders\.sub must be a header name/],
  ]) {
    assert.throws(
      () => new Host().loadPlugin({ wasm, rootId, configuration: JSON.stringify(configuration) }),
      (error) =>
        error instanceof PluginLoadError && error.logs.some((l) => message.test(l.message)),
      JSON.stringify(configuration),
    );
  }
});
