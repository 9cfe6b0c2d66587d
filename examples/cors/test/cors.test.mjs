// Host-mock tests of the cors example: allowed preflights are answered locally with 204 and the
// allowed methods/headers; refused preflights get 403 with distinct details and no CORS headers;
// simple requests go upstream and their responses get Allow-Origin for allowed origins only;
// every response (local replies included) gets the security headers; bad configurations fail.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";

const wasm = fileURLToPath(new URL("../build/cors.wasm", import.meta.url));
const rootId = "cors";
const config = {
  allowedOrigins: ["https://app.example.com", "https://*.example.org"],
  allowedMethods: ["GET", "POST", "PUT"],
  allowedHeaders: ["Content-Type", "authorization"],
  exposeHeaders: ["x-request-id"],
  allowCredentials: true,
  maxAgeSeconds: 600,
  securityHeaders: { "x-frame-options": "SAMEORIGIN", "referrer-policy": null },
};

function load(configuration = config) {
  return new Host().loadPlugin({ wasm, rootId, configuration: JSON.stringify(configuration) });
}

function preflight(plugin, origin, method, headers) {
  const stream = plugin.newHttpStream();
  const list = [
    [":method", "OPTIONS"],
    [":path", "/orders"],
    [":authority", "api.example.com"],
    ["origin", origin],
    ["access-control-request-method", method],
  ];
  if (headers) list.push(["access-control-request-headers", headers]);
  const status = stream.sendRequestHeaders(list, { endOfStream: true });
  return { stream, status };
}

function simple(plugin, origin, responseHeaders = [[":status", "200"]]) {
  const stream = plugin.newHttpStream();
  const list = [
    [":method", "GET"],
    [":path", "/orders"],
    [":authority", "api.example.com"],
  ];
  if (origin) list.push(["origin", origin]);
  assert.equal(stream.sendRequestHeaders(list, { endOfStream: true }), "Continue");
  assert.equal(stream.localResponse, null);
  stream.sendResponseHeaders(responseHeaders, { endOfStream: true });
  return stream;
}

const pick = (headers, prefix) =>
  Object.fromEntries(headers.filter(([n]) => n.startsWith(prefix) || n === "vary"));

test("an allowed preflight is answered locally with 204 and the CORS grant", () => {
  const plugin = load();
  const { stream, status } = preflight(
    plugin,
    "https://app.example.com",
    "PUT",
    "content-type, Authorization",
  );
  assert.equal(status, "StopAllIterationAndWatermark");
  assert.equal(stream.localResponse?.status, 204);
  assert.equal(stream.localResponse?.details, "cors_preflight");
  // The local reply went through the plugin's response callback: Allow-Origin, credentials,
  // Vary and the security headers are on what the client receives.
  assert.deepEqual(pick(stream.responseHeaders, "access-control-"), {
    "access-control-allow-methods": "GET, POST, PUT",
    "access-control-allow-headers": "content-type, authorization",
    "access-control-max-age": "600",
    "access-control-allow-origin": "https://app.example.com",
    "access-control-allow-credentials": "true",
    "access-control-expose-headers": "x-request-id",
    vary: "Origin",
  });
  assert.equal(stream.responseHeader("x-frame-options"), "SAMEORIGIN");
});

test("a subdomain wildcard origin matches subdomains only", () => {
  const plugin = load();
  assert.equal(
    preflight(plugin, "https://shop.eu.example.org", "GET").stream.localResponse?.status,
    204,
  );
  for (const origin of [
    "https://example.org",
    "https://evilexample.org",
    "http://shop.example.org",
    "https://shop.example.org.evil.com",
  ]) {
    assert.equal(preflight(plugin, origin, "GET").stream.localResponse?.status, 403, origin);
  }
});

for (const [title, origin, method, headers, details] of [
  ["an unknown origin", "https://evil.example.com", "GET", null, "cors_origin_not_allowed"],
  ["a method not allowed", "https://app.example.com", "DELETE", null, "cors_method_not_allowed"],
  [
    "a header not allowed",
    "https://app.example.com",
    "POST",
    "content-type, x-debug",
    "cors_header_not_allowed",
  ],
]) {
  test(`a preflight with ${title} gets 403 (${details}) without a CORS grant`, () => {
    const { stream } = preflight(load(), origin, method, headers);
    assert.equal(stream.localResponse?.status, 403);
    assert.equal(stream.localResponse?.details, details);
    assert.equal(stream.responseHeader("access-control-allow-origin"), null);
    assert.equal(stream.responseHeader("access-control-allow-methods"), null);
    assert.equal(stream.responseHeader("x-content-type-options"), "nosniff");
  });
}

test("a request from an allowed origin goes upstream; its response carries the grant", () => {
  const stream = simple(load(), "https://app.example.com", [
    [":status", "200"],
    ["x-frame-options", "ALLOWALL"],
    ["vary", "Accept-Encoding"],
  ]);
  assert.equal(stream.responseHeader("access-control-allow-origin"), "https://app.example.com");
  assert.equal(stream.responseHeader("access-control-allow-credentials"), "true");
  assert.deepEqual(
    stream.responseHeaders.filter(([n]) => n === "vary"),
    [
      ["vary", "Accept-Encoding"],
      ["vary", "Origin"],
    ],
  );
  // Security headers: defaults, the override replacing the upstream's value, one turned off.
  assert.equal(stream.responseHeader("x-frame-options"), "SAMEORIGIN");
  assert.equal(
    stream.responseHeader("strict-transport-security"),
    "max-age=31536000; includeSubDomains",
  );
  assert.equal(stream.responseHeader("x-content-type-options"), "nosniff");
  assert.equal(stream.responseHeader("referrer-policy"), null);
});

test("a request from another origin, or without one, goes upstream with no grant", () => {
  for (const origin of ["https://evil.example.com", null]) {
    const stream = simple(load(), origin);
    assert.equal(stream.responseHeader("access-control-allow-origin"), null, String(origin));
    assert.equal(stream.responseHeader("x-content-type-options"), "nosniff");
  }
});

test("an OPTIONS request without Access-Control-Request-Method is not a preflight", () => {
  const plugin = load();
  const stream = plugin.newHttpStream();
  stream.sendRequestHeaders(
    [
      [":method", "OPTIONS"],
      [":path", "/"],
      [":authority", "x"],
      ["origin", "https://app.example.com"],
    ],
    { endOfStream: true },
  );
  assert.equal(stream.localResponse, null);
});

test('"*" answers "*" when credentials are off; defaults apply', () => {
  const plugin = load({ allowedOrigins: ["*"] });
  const { stream } = preflight(plugin, "https://anyone.example", "POST");
  assert.equal(stream.localResponse?.status, 204);
  assert.equal(stream.responseHeader("access-control-allow-origin"), "*");
  assert.equal(stream.responseHeader("access-control-allow-methods"), "GET, HEAD, POST");
  assert.equal(stream.responseHeader("access-control-allow-credentials"), null);
  assert.equal(stream.responseHeader("access-control-max-age"), null);
  assert.equal(stream.responseHeader("x-frame-options"), "DENY");
});

test("bad configurations are rejected with the reason", () => {
  for (const [configuration, message] of [
    [{}, /allowedOrigins must be a non-empty array/],
    [{ allowedOrigins: "https://a.example" }, /allowedOrigins must be/],
    [{ allowedOrigins: ["*"], allowCredentials: true }, /cannot be combined with the "\*" origin/],
    [{ allowedOrigins: ["*"], allowedMethods: [1] }, /allowedMethods must be/],
    [{ allowedOrigins: ["*"], allowCredentials: "yes" }, /allowCredentials must be/],
    [{ allowedOrigins: ["*"], maxAgeSeconds: -5 }, /maxAgeSeconds/],
    [{ allowedOrigins: ["*"], securityHeaders: { "x-a": 1 } }, /securityHeaders\.x-a must be/],
  ]) {
    assert.throws(
      () => load(configuration),
      (error) =>
        error instanceof PluginLoadError && error.logs.some((l) => message.test(l.message)),
      JSON.stringify(configuration),
    );
  }
  assert.throws(
    () => new Host().loadPlugin({ wasm, rootId, configuration: "nope" }),
    PluginLoadError,
  );
});
