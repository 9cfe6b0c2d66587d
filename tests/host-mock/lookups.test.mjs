// Names chosen by the plugin (foreign functions, property paths, header names, shared-data keys,
// metric names, import/export names) must never resolve to Object.prototype members.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Host,
  PluginLoadError,
  FailState,
  decodePairs,
  WasmResult as R,
} from "../../sdk-host-mock/dist/index.js";
import { Driver, compileWat } from "./wat.mjs";

const HDRS = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "example.com"],
];
const INHERITED = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];

test("§3.10 proxy_call_foreign_function: inherited names (__proto__, toString, …) are NotFound and nothing escapes plugin.tick()", () => {
  const seen = [];
  const d = new Driver({
    plugin: { foreignFunctions: { echo: (args) => args } },
    handlers: {
      proxy_on_tick() {
        for (const name of [...INHERITED, "echo"]) {
          const r = this.callForeign(name, "x");
          seen.push([name, r.result]);
        }
      },
    },
  });
  d.plugin.tick();
  assert.deepEqual(seen, [...INHERITED.map((n) => [n, R.NotFound]), ["echo", R.Ok]]);
  assert.equal(d.plugin.failed, false);
});

test("§3.10 a throwing or malformed test foreign function: the module gets InternalFailure, the error is thrown after the event, the VM is not failed", () => {
  const seen = [];
  let throwOnce = true;
  const d = new Driver({
    plugin: {
      foreignFunctions: {
        boom: () => {
          if (!throwOnce) return new Uint8Array([1]);
          throwOnce = false;
          throw new Error("boom from the test hook");
        },
        bad: () => undefined,
      },
    },
    handlers: {
      proxy_on_tick() {
        seen.push(this.callForeign("boom", "").result);
        seen.push(this.callForeign("bad", "").result);
        seen.push(this.callForeign("compress", "abc").result);
      },
    },
  });
  assert.throws(() => d.plugin.tick(), /boom from the test hook/);
  assert.deepEqual(seen, [R.InternalFailure, R.InternalFailure, R.Ok]);
  assert.equal(d.plugin.failed, false);
  d.plugin.tick(); // the error was thrown once, for the event that caused it
  assert.deepEqual(seen.slice(3), [R.Ok, R.InternalFailure, R.Ok]);
});

test("§5.2 get_property: constructor / __proto__ / toString are NotFound (stream and root), also inside test-supplied maps; defined odd names resolve", () => {
  const props = {
    metadata: { a: "1" },
    "xds.node.id": "node-1",
    "odd.__proto__": "p",
    "odd.constructor": "c",
  };
  const seen = {};
  const paths = [
    ...INHERITED.map((n) => [n]),
    ["metadata", "constructor"],
    ["metadata", "__proto__"],
    ["xds", "node", "constructor"],
    ["xds", "__proto__"],
  ];
  const probe = (d) => paths.map((p) => [p.join("."), d.getProperty(p.join("\0")).result]);
  const d = new Driver({
    plugin: { properties: props },
    handlers: {
      proxy_on_request_headers() {
        seen.stream = probe(this);
        seen.defined = ["metadata\0a", "odd\0__proto__", "odd\0constructor"].map(
          (p) => this.getProperty(p).text,
        );
        return 0;
      },
      proxy_on_tick() {
        seen.root = probe(this);
        seen.rootNode = this.getProperty("xds\0node\0id").text;
      },
    },
  });
  d.plugin.newHttpStream().sendRequestHeaders(HDRS);
  d.plugin.tick();
  const notFound = paths.map((p) => [p.join("."), R.NotFound]);
  assert.deepEqual(seen.stream, notFound);
  assert.deepEqual(seen.root, notFound);
  assert.deepEqual(seen.defined, ["1", "p", "c"]);
  assert.equal(seen.rootNode, "node-1");
  // the test's own map was not modified by the tree
  assert.deepEqual(props.metadata, { a: "1" });
});

test("§5.3 request.headers map: header names like constructor / __proto__ are ordinary keys", () => {
  const seen = {};
  const d = new Driver({
    handlers: {
      proxy_on_request_headers() {
        const r = this.getProperty("request\0headers");
        seen.result = r.result;
        seen.pairs = decodePairs(r.data);
        seen.one = this.getProperty("request\0headers\0constructor").text;
        return 0;
      },
    },
  });
  d.plugin
    .newHttpStream()
    .sendRequestHeaders([
      ...HDRS,
      ["constructor", "c1"],
      ["__proto__", "p1"],
      ["constructor", "c2"],
      ["toString", "t"],
    ]);
  assert.equal(seen.result, R.Ok);
  assert.deepEqual(seen.pairs, [
    ...HDRS,
    ["constructor", "c1,c2"],
    ["__proto__", "p1"],
    ["tostring", "t"],
  ]);
  assert.equal(seen.one, "c1,c2");
});

test("§3.8/§3.9 shared-data keys and metric names such as __proto__ / constructor are own keys of plugin.sharedData / host.metrics", () => {
  const d = new Driver({
    handlers: {
      proxy_on_tick() {
        this.setShared("__proto__", "p", 0);
        this.setShared("constructor", "c", 0);
        this.defineMetric(0, "__proto__");
      },
    },
  });
  d.plugin.tick();
  const shared = d.plugin.sharedData;
  assert.deepEqual(Object.keys(shared), ["__proto__", "constructor"]);
  assert.deepEqual(shared["__proto__"], { value: "p", cas: 1 });
  assert.deepEqual(shared.constructor, { value: "c", cas: 2 });
  assert.ok(Object.hasOwn(d.host.metrics, "__proto__"));
  assert.equal(d.host.metrics["__proto__"].type, "counter");
});

test("§1.1/§1.2/§1.5 export and import names are own-name lookups: exports named constructor/toString load; imports of Object members are missing imports", () => {
  const mod = (fields) =>
    compileWat(`(module ${fields}
      (memory (export "memory") 1)
      (func (export "malloc") (param i32) (result i32) (i32.const 1024)))`);
  const p = new Host().loadPlugin({
    wasm: mod(`
      (func (export "constructor") (param i32))
      (func (export "toString") (param i32 i32 i32))
      (func (export "__proto__"))
      (func (export "proxy_abi_version_0_2_1"))`),
  });
  assert.equal(p.abiVersion, "0.2.1");
  // the same import twice is legal wasm and still links
  const twice = new Host().loadPlugin({
    wasm: mod(`(import "env" "proxy_log" (func (param i32 i32 i32) (result i32)))
      (import "env" "proxy_log" (func (param i32 i32 i32) (result i32)))
      (import "t" "f" (func))
      (import "t" "f" (func))
      (func (export "proxy_abi_version_0_2_1"))`),
    imports: { t: { f: () => {} } },
  });
  assert.equal(twice.abiVersion, "0.2.1");
  for (const [module, name] of [
    ["constructor", "assign"],
    ["__proto__", "toString"],
    ["t", "toString"],
    ["t", "constructor"],
  ]) {
    let err = null;
    try {
      new Host().loadPlugin({
        wasm: mod(`(import "${module}" "${name}" (func (param i32)))
          (func (export "proxy_abi_version_0_2_1"))`),
        imports: { t: { ok: () => 0 } },
      });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof PluginLoadError, `${module}.${name} must not link`);
    assert.equal(err.failState, FailState.UnableToInitializeCode);
    assert.equal(
      err.message,
      `Failed to load Wasm module due to a missing import: ${module}.${name}`,
    );
  }
  assert.equal(typeof Object.assign, "function");
});
