// Metrics API (tests/plugins/sdk-metrics.ts) in the host mock: handles defined once on first
// use and cached (pitfall M5), tags composed into stat names for Envoy/Istio tag extractors
// (reference §3.9, §6.13).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host } from "proxy-wasm-as/host-mock";
import { get, plugin } from "./plugins.mjs";

const wasm = plugin("sdk-metrics");

function run(p, op, arg = null, method = "GET") {
  const s = p.newHttpStream();
  const headers = get("/", [["x-op", op], ...(arg === null ? [] : [["x-arg", arg]])]);
  headers[0] = [":method", method];
  s.sendRequestHeaders(headers, { endOfStream: true });
  return s.localResponse?.bodyText;
}

/** The define_metric hostcalls of the trace, with the context each ran in. */
function defines(p) {
  return p.trace.filter((e) => e.kind === "hostcall" && e.fn === "proxy_define_metric");
}

test("handles are defined once, after onConfigure, in the root context (pitfall M5)", () => {
  // sdk-metrics declares no onConfigure: the transform keeps proxy_on_configure because the
  // module defines metrics, and the SDK defines its four module-level handles there.
  const p = new Host().loadPlugin({ wasm, trace: true });
  assert.deepEqual(
    defines(p).map((e) => e.contextId),
    [1, 1, 1, 1],
  );
  assert.equal(run(p, "unused-name"), "sdk_never_used");
  assert.equal(run(p, "count"), "0 3");
  assert.equal(run(p, "count"), "0 6");
  assert.equal(run(p, "count"), "0 9");
  assert.equal(p.metric("sdk_requests_total"), 9);
  assert.equal(defines(p).length, 4, "no definition per request");
});

test("a zero increment is Ok without a hostcall (Envoy would answer BadArgument)", () => {
  const p = new Host().loadPlugin({ wasm, trace: true });
  assert.equal(run(p, "zero"), "0");
  assert.equal(p.hostcallCounts.proxy_increment_metric ?? 0, 0);
});

test("gauge set/add and histogram record; ids carry the type in their low bits (§3.9)", () => {
  const p = new Host().loadPlugin({ wasm });
  assert.equal(run(p, "gauge"), "7");
  assert.equal(p.metric("sdk_in_flight"), 7);
  assert.equal(run(p, "histogram"), "0");
  assert.equal(p.metric("sdk_request_size"), 2, "two samples");
  assert.equal(run(p, "ids"), "true 0 1 2");
});

test("tags in Istio's layout: extractable by (tag=\\.=(.*?);\\.;), leaving the name", () => {
  const p = new Host().loadPlugin({ wasm });
  run(p, "route", "api", "GET");
  run(p, "route", "api", "GET");
  run(p, "route", "a;.;b", "POST");
  const name = "route=.=api;.;method=.=GET;.;sdk_route_requests";
  assert.equal(p.metric(name), 2);
  assert.equal(p.metric("route=.=a_._b;.;method=.=POST;.;sdk_route_requests"), 1, "';' sanitized");
  // Envoy's regex tag extraction as Istio configures it
  let rest = name;
  const tags = {};
  for (const tag of ["route", "method"]) {
    const m = new RegExp(`(${tag}=\\.=(.*?);\\.;)`).exec(rest);
    tags[tag] = m[2];
    rest = rest.replace(m[1], "");
  }
  assert.deepEqual(
    { rest, tags },
    { rest: "sdk_route_requests", tags: { route: "api", method: "GET" } },
  );
});

test("a family caps its series: further combinations share the 'other' series (pitfall M5)", () => {
  const p = new Host().loadPlugin({ wasm, trace: true });
  for (const route of ["r1", "r2", "r3", "r4", "r5", "r1"]) run(p, "route", route);
  assert.equal(p.metric("route=.=other;.;method=.=other;.;sdk_route_requests"), 2);
  assert.equal(p.metric("route=.=r1;.;method=.=GET;.;sdk_route_requests"), 2);
  assert.equal(
    defines(p).filter((e) => e.contextId !== 1).length,
    4,
    "series first seen in a request are defined there: three and the overflow one",
  );
});

test("dotted layout and histogram families", () => {
  const p = new Host().loadPlugin({ wasm });
  assert.equal(run(p, "dotted", "eu.west"), "0");
  assert.equal(p.metric("sdk_dotted.zone.eu_west"), 4, "'.' in a value sanitized");
  assert.equal(run(p, "latency", "api"), "0");
  assert.equal(p.metric("route=.=api;.;sdk_latency_ms"), 1);
});
