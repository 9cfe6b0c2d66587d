// Typed plugin configuration (tests/plugins/sdk-config.ts): JSON into typed fields with
// defaults; a bad configuration makes onConfigure return false with a log line naming the field.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";
import { get, plugin } from "./plugins.mjs";

const wasm = plugin("sdk-config");

function values(configuration) {
  const p = new Host().loadPlugin({ wasm, configuration });
  const s = p.newHttpStream();
  s.sendRequestHeaders(get(), { endOfStream: true });
  return s.localResponse.bodyText;
}

function rejection(configuration) {
  try {
    new Host().loadPlugin({ wasm, configuration });
  } catch (e) {
    assert.ok(e instanceof PluginLoadError, String(e));
    assert.match(e.message, /proxy_on_configure returned false/);
    return e.logs.filter((l) => l.level === "error").map((l) => l.message);
  }
  assert.fail(`configuration accepted: ${configuration}`);
}

test("fields are read into their types; absent ones take defaults", () => {
  assert.equal(
    values(
      JSON.stringify({
        name: "edge",
        limits: { rps: 250, burst: 10 },
        ratio: 0.25,
        enabled: false,
        mode: "observe",
        paths: ["/a", "/b"],
        rules: [{ id: "r1" }, { id: "r2" }],
      }),
    ),
    "edge 250 10 0.25 false observe /a|/b r1|r2",
  );
  assert.equal(values('{"name":"min"}'), "min 100 0 0.5 true enforce  ");
});

test("a bad field is rejected with a log line naming its dotted path", () => {
  assert.deepEqual(rejection('{"name":"x","limits":{"rps":-3}}'), [
    'config: "limits.rps" must be a positive integer',
  ]);
  assert.deepEqual(rejection('{"name":"x","limits":{"rps":1.5}}'), [
    'config: "limits.rps" must be a positive integer',
  ]);
  assert.deepEqual(rejection('{"name":"x","limits":{"burst":5000}}'), [
    'config: "limits.burst" must be between 0 and 1000',
  ]);
  assert.deepEqual(rejection('{"name":"x","rules":[{"id":"a"},{}]}'), [
    'config: "rules[1].id" is required',
  ]);
});

test("every error is logged, one line each", () => {
  assert.deepEqual(
    rejection('{"limits":"fast","ratio":2,"enabled":"yes","mode":"loud","paths":["/a",3]}'),
    [
      'config: "name" is required',
      'config: "limits" must be an object, got string',
      'config: "ratio" must be between 0 and 1',
      'config: "enabled" must be true or false, got string',
      'config: "mode" must be one of enforce, observe, got loud',
      'config: "paths[1]" must be a string, got number',
    ],
  );
});

test("invalid JSON and a non-object top level are rejected with the position / kind", () => {
  const [line] = rejection('{"name": "x",}');
  assert.match(line, /^config: invalid JSON at offset \d+: /);
  assert.deepEqual(rejection("[1,2]"), ["config: must be a JSON object, got array"]);
});

test("an empty configuration is an empty object: required fields are reported", () => {
  assert.deepEqual(rejection(""), ['config: "name" is required']);
});
