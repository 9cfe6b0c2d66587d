// Host-mock tests of the body-rewrite example: matching bodies are buffered and rewritten whole,
// content-length is dropped; other content types and header-only responses pass untouched.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";

const wasm = fileURLToPath(new URL("../build/body-rewrite.wasm", import.meta.url));
const rootId = "body-rewrite";
const configuration = JSON.stringify({
  replace: { "internal.example.com": "api.example.com", secret: "******" },
  contentTypes: ["text/", "application/json"],
});

function start() {
  const plugin = new Host().loadPlugin({ wasm, rootId, configuration });
  const stream = plugin.newHttpStream();
  stream.sendRequestHeaders(
    [
      [":method", "GET"],
      [":path", "/"],
      [":authority", "x"],
    ],
    { endOfStream: true },
  );
  return stream;
}

test("rewrites a chunked JSON body once it is complete", () => {
  const stream = start();
  stream.sendResponseHeaders(
    [
      [":status", "200"],
      ["content-type", "application/json"],
      ["content-length", "60"],
    ],
    { endOfStream: false },
  );
  assert.equal(stream.responseHeader("content-length"), null);
  assert.equal(
    stream.sendResponseBody('{"url":"https://internal.exa', { endOfStream: false }),
    "StopIterationAndBuffer",
  );
  assert.equal(stream.responseBodyText, "", "nothing is forwarded while buffering");
  assert.equal(
    stream.sendResponseBody('mple.com/x","token":"secret"}', { endOfStream: true }),
    "Continue",
  );
  assert.equal(stream.responseBodyText, '{"url":"https://api.example.com/x","token":"******"}');
  stream.complete();
});

test("leaves other content types alone", () => {
  const stream = start();
  stream.sendResponseHeaders(
    [
      [":status", "200"],
      ["content-type", "image/png"],
      ["content-length", "6"],
    ],
    { endOfStream: false },
  );
  assert.equal(stream.responseHeader("content-length"), "6");
  assert.equal(stream.sendResponseBody("secret", { endOfStream: true }), "Continue");
  assert.equal(stream.responseBodyText, "secret");
});

test("rejects a configuration without replacements", () => {
  assert.throws(
    () => new Host().loadPlugin({ wasm, rootId, configuration: "{}" }),
    PluginLoadError,
  );
  assert.throws(
    () => new Host().loadPlugin({ wasm, rootId, configuration: '{"replace":{"a":1}}' }),
    PluginLoadError,
  );
});

test("a header-only response is left alone (nothing to buffer)", () => {
  const stream = start();
  stream.sendResponseHeaders(
    [
      [":status", "204"],
      ["content-type", "text/plain"],
      ["content-length", "0"],
    ],
    { endOfStream: true },
  );
  assert.equal(stream.responseHeader("content-length"), "0");
  stream.complete();
});

test("a body without a match is forwarded unchanged", () => {
  const stream = start();
  stream.sendResponseHeaders(
    [
      [":status", "200"],
      ["content-type", "text/html"],
    ],
    { endOfStream: false },
  );
  assert.equal(stream.sendResponseBody("<p>hello</p>", { endOfStream: true }), "Continue");
  assert.equal(stream.responseBodyText, "<p>hello</p>");
});

test("rejects configurations that are not JSON or have a bad contentTypes", () => {
  for (const bad of [
    "not json",
    '{"replace":{"a":"b"},"contentTypes":"text/"}',
    '{"replace":{"a":"b"},"contentTypes":[1]}',
  ]) {
    assert.throws(
      () => new Host().loadPlugin({ wasm, rootId, configuration: bad }),
      (error) =>
        error instanceof PluginLoadError && error.logs.some((l) => /body-rewrite:/.test(l.message)),
      bad,
    );
  }
});
