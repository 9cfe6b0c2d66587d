// Host-mock tests of the canary example: opt in/out by header, the percentage split by a stable
// user hash, the route header overwriting a client copy, clear_route_cache called once per
// request (and a host without it: one warning, traffic unaffected), bad configurations.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";

const wasm = new URL("../build/canary.wasm", import.meta.url).pathname;

function load(config = {}, options = {}) {
  return new Host().loadPlugin({
    wasm,
    rootId: "canary",
    configuration: JSON.stringify({ header: "x-canary", percent: 10, ...config }),
    ...options,
  });
}

function send(plugin, extra = []) {
  const stream = plugin.newHttpStream();
  const status = stream.sendRequestHeaders(
    [[":method", "GET"], [":path", "/"], [":authority", "shop"], ...extra],
    { endOfStream: true },
  );
  assert.equal(status, "Continue");
  return stream;
}

test("opt in and out by header; the route cache is cleared after setting the route header", () => {
  const plugin = load();
  for (const [value, track] of [
    ["always", "canary"],
    ["TRUE", "canary"],
    ["1", "canary"],
    ["never", "stable"],
    ["0", "stable"],
  ]) {
    const stream = send(plugin, [
      ["x-canary", value],
      ["x-user-id", "u-1"],
    ]);
    assert.equal(stream.requestHeader("x-route-target"), track, value);
    assert.equal(stream.routeCacheClears, 1);
  }
});

test("percent 0 keeps everyone stable; 100 sends everyone to canary", () => {
  const none = load({ percent: 0 });
  const all = load({ percent: 100 });
  for (let i = 0; i < 20; i++) {
    const user = [["x-user-id", `user-${i}`]];
    assert.equal(send(none, user).requestHeader("x-route-target"), "stable");
    assert.equal(send(all, user).requestHeader("x-route-target"), "canary");
  }
});

test("the split is sticky per user and close to the configured share", () => {
  const plugin = load({ percent: 20 });
  let canary = 0;
  for (let i = 0; i < 1000; i++) {
    const user = [["x-user-id", `user-${i}`]];
    const first = send(plugin, user).requestHeader("x-route-target");
    assert.equal(
      send(plugin, user).requestHeader("x-route-target"),
      first,
      "same user, same track",
    );
    if (first === "canary") canary++;
  }
  assert.ok(canary > 150 && canary < 250, `${canary} of 1000 users on canary`);
});

test("without the hash header a request is stable; a client-sent route header is overwritten", () => {
  const plugin = load({ percent: 100 });
  const stream = send(plugin, [["x-route-target", "canary"]]);
  assert.equal(stream.requestHeader("x-route-target"), "stable");
});

test("custom header names", () => {
  const plugin = load({
    header: "X-Beta",
    hashHeader: "cookie-id",
    routeHeader: "x-track",
    percent: 0,
  });
  assert.equal(send(plugin, [["x-beta", "always"]]).requestHeader("x-track"), "canary");
});

test("a host without clear_route_cache: one warning, requests still routed by header", () => {
  const plugin = load({}, { foreignFunctions: { clear_route_cache: () => ({ result: 1 }) } });
  send(plugin, [["x-canary", "always"]]);
  const stream = send(plugin, [["x-canary", "always"]]);
  assert.equal(stream.requestHeader("x-route-target"), "canary");
  assert.deepEqual(plugin.logMessages("warn"), [
    "canary: clear_route_cache failed (1); routes may ignore x-route-target",
  ]);
});

test("bad configurations are rejected with the field named", () => {
  for (const [config, message] of [
    [{ percent: 101 }, "canary: bad configuration: percent must be an integer from 0 to 100"],
    [{ percent: "10" }, "canary: bad configuration: percent must be an integer from 0 to 100"],
    [{ routeHeader: "" }, "canary: bad configuration: routeHeader must be a header name"],
  ]) {
    assert.throws(
      () => load(config),
      (error) => error instanceof PluginLoadError && error.logs.some((l) => l.message === message),
      message,
    );
  }
});
