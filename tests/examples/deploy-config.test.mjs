// Every example is deployable as it is: for each examples/<name>/envoy.yaml (and istio.yaml),
// the Wasm plugin configurations it contains are checked against the built module by loading
// that module in the host mock exactly as the file configures it:
//   - the module path is build/<name>.wasm (relative to the example folder) and exists;
//   - root_id is one the plugin registers: the host mock runs Envoy's start sequence with that
//     plugin_root_id, which fails when the SDK has no root for it (and a wrong id must fail,
//     so the check cannot pass by accident);
//   - the configuration (a google.protobuf.StringValue) is accepted by the plugin's onConfigure;
//   - every cluster named in the file (routes, gRPC services, cluster fields of the plugin's
//     configuration) is defined, the plugin is loaded knowing only those clusters, and the
//     callouts one probe request (or connection) and a minute of ticks make go to them.
// The istio.yaml WasmPlugin gets the same treatment through pluginName and pluginConfig.
// New examples are covered by iterating over the folder.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { Host, PluginLoadError } from "proxy-wasm-as/host-mock";

const examplesDir = fileURLToPath(new URL("../../examples/", import.meta.url));
const examples = readdirSync(examplesDir, { withFileTypes: true })
  .filter(
    (entry) => entry.isDirectory() && existsSync(join(examplesDir, entry.name, "asconfig.json")),
  )
  .map((entry) => entry.name)
  .sort();

const WASM_FILTERS = {
  "envoy.filters.http.wasm": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
  "envoy.filters.network.wasm": "type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm",
  "envoy.bootstrap.wasm": "type.googleapis.com/envoy.extensions.wasm.v3.WasmService",
};
const STRING_VALUE = "type.googleapis.com/google.protobuf.StringValue";

/** Parses every YAML document of `file`; a syntax error fails with its position. */
function readYaml(file) {
  const documents = parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of documents) {
    assert.deepEqual(doc.errors, [], `${file}: YAML errors`);
  }
  return documents.map((doc) => doc.toJS()).filter((doc) => doc !== null);
}

/** Calls `visit(value, key, path)` for every value below `node` (key: name or index). */
function walk(node, visit, path = "") {
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      visit(item, i, `${path}[${i}]`);
      walk(item, visit, `${path}[${i}]`);
    });
  } else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      const here = path ? `${path}.${key}` : key;
      visit(value, key, here);
      walk(value, visit, here);
    }
  }
}

/** The Wasm filters / services of an Envoy config: `{ name, path, typedConfig }`. */
function wasmExtensions(config) {
  const found = [];
  walk(config, (value, key, path) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return;
    if (typeof value.name === "string" && value.name in WASM_FILTERS) {
      found.push({ name: value.name, path, typedConfig: value.typed_config });
    }
  });
  return found;
}

/** Every cluster defined (static_resources.clusters) and every cluster name referenced. */
function clusters(config, pluginConfigs) {
  const defined = new Set((config.static_resources?.clusters ?? []).map((c) => c.name));
  const referenced = [];
  walk(config, (value, key, path) => {
    if (typeof value !== "string") return;
    // route.cluster, envoy_grpc.cluster_name, http_service.server_uri.cluster, …
    if (key === "cluster" || (key === "cluster_name" && !path.includes("load_assignment"))) {
      referenced.push({ path, name: value });
    }
  });
  // The plugin's own configuration names the clusters its callouts go to.
  for (const [where, text] of pluginConfigs) {
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue; // not JSON: the plugin's start decides whether that is fine
    }
    walk(parsed, (value, key, path) => {
      if (typeof value === "string" && /cluster$/i.test(key)) {
        referenced.push({ path: `${where} configuration ${path}`, name: value });
      }
    });
  }
  return { defined, referenced };
}

/** Loads the example's module as a host would with these settings; returns the plugin. */
function load(name, { rootId, configuration, vmConfiguration, clusters: known, failOpen }) {
  const wasm = join(examplesDir, name, "build", `${name}.wasm`);
  return new Host().loadPlugin({
    wasm,
    name,
    rootId,
    configuration,
    vmConfiguration,
    clusters: known,
    failOpen,
  });
}

/** Asserts the plugin starts with these settings and logged no error while starting. */
function assertStarts(name, where, settings) {
  let plugin;
  try {
    plugin = load(name, settings);
  } catch (error) {
    const logs = error instanceof PluginLoadError ? error.logs.map((l) => l.message) : [];
    assert.fail(`${where}: plugin does not start: ${error.message}\n${logs.join("\n")}`);
  }
  assert.deepEqual(plugin.logMessages("error"), [], `${where}: errors logged during start`);
  assert.deepEqual(plugin.logMessages("critical"), [], `${where}: critical logs during start`);
  return plugin;
}

/**
 * Loads every Wasm plugin of the file into one host (so plugins sharing a vm_id share queues and
 * shared data, as in Envoy), drives one request through each HTTP filter and one connection
 * through each network filter, lets a minute of ticks pass, and asserts every HTTP/gRPC callout
 * went to a cluster the Envoy config defines (catches cluster names hard-coded in a plugin, which
 * no configuration check sees).
 */
function assertCalloutsReachDefinedClusters(name, settingsList, defined) {
  const host = new Host();
  const wasm = join(examplesDir, name, "build", `${name}.wasm`);
  const loaded = settingsList.map(([where, filter, settings]) => ({
    where,
    filter,
    plugin: host.loadPlugin({ wasm, name: settings.rootId, ...settings }),
  }));
  for (const { filter, plugin } of loaded) {
    if (filter === "envoy.filters.http.wasm") {
      const stream = plugin.newHttpStream();
      stream.sendRequestHeaders(
        [
          [":method", "GET"],
          [":path", "/"],
          [":authority", "example.com"],
        ],
        { endOfStream: true },
      );
      if (!stream.localResponse && !stream.requestPaused) {
        stream.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
      }
      stream.complete();
    } else if (filter === "envoy.filters.network.wasm") {
      const connection = plugin.newTcpStream();
      connection.sendNewConnection();
      connection.closeDownstream("remote");
    }
  }
  host.advanceTime(60_000);
  for (const { where, plugin } of loaded) {
    for (const call of [...plugin.httpCalls, ...plugin.grpcCalls]) {
      assert.ok(
        defined.has(call.cluster),
        `${where}: a callout goes to undefined cluster "${call.cluster}"`,
      );
    }
  }
}

/** Asserts the module refuses a root id it does not register (proves the root id check bites). */
function assertRejectsRootId(name, settings) {
  assert.throws(
    () => load(name, { ...settings, rootId: `not-${settings.rootId}` }),
    PluginLoadError,
    `${name}: the module starts with any root id; register the root with registerRootContext(factory, "${name}")`,
  );
}

for (const name of examples) {
  describe(`examples/${name}`, () => {
    const dir = join(examplesDir, name);
    const envoyFile = join(dir, "envoy.yaml");
    const istioFile = join(dir, "istio.yaml");

    test("has envoy.yaml", () => {
      assert.ok(existsSync(envoyFile), `${envoyFile} is missing (see EXAMPLES-CONVENTION)`);
    });

    test("has README.md and a test", () => {
      assert.ok(existsSync(join(dir, "README.md")), "README.md is missing");
      const tests = existsSync(join(dir, "test")) ? readdirSync(join(dir, "test")) : [];
      assert.ok(
        tests.some((f) => f.endsWith(".test.mjs")),
        `examples/${name}/test/*.test.mjs is missing`,
      );
    });

    if (existsSync(envoyFile)) {
      test("envoy.yaml loads the built module with the plugin's root id and configuration", () => {
        const [config] = readYaml(envoyFile);
        const extensions = wasmExtensions(config);
        assert.ok(extensions.length > 0, "no envoy.filters.http.wasm / network.wasm filter");
        const pluginConfigs = [];
        const rootIds = [];
        const settingsList = [];
        for (const { name: filter, path, typedConfig } of extensions) {
          const where = `envoy.yaml ${path}`;
          assert.equal(
            typedConfig?.["@type"],
            WASM_FILTERS[filter],
            `${where}: typed_config @type`,
          );
          const plugin = typedConfig.config;
          assert.ok(plugin && typeof plugin === "object", `${where}: typed_config.config missing`);
          const vm = plugin.vm_config;
          assert.equal(vm?.runtime, "envoy.wasm.runtime.v8", `${where}: vm_config.runtime`);
          const filename = vm?.code?.local?.filename;
          assert.equal(filename, `build/${name}.wasm`, `${where}: vm_config.code.local.filename`);
          assert.ok(existsSync(join(dir, filename)), `${filename} does not exist after the build`);
          assert.equal(typeof plugin.root_id, "string", `${where}: root_id must be set`);
          // Envoy rejects a config setting both (reference §6.15).
          assert.ok(
            plugin.fail_open === undefined || plugin.failure_policy === undefined,
            `${where}: only one of fail_open or failure_policy can be set`,
          );
          if (plugin.failure_policy !== undefined) {
            assert.ok(
              // value 3 is FAIL_OPEN in the v1.32-era API, FAIL_IGNORE in a later revision (reference §6.15)
              ["UNSPECIFIED", "FAIL_RELOAD", "FAIL_CLOSED", "FAIL_OPEN", "FAIL_IGNORE"].includes(
                plugin.failure_policy,
              ),
              `${where}: failure_policy ${plugin.failure_policy}`,
            );
          }
          let configuration = "";
          if (plugin.configuration !== undefined) {
            assert.equal(plugin.configuration["@type"], STRING_VALUE, `${where}: configuration`);
            configuration = plugin.configuration.value ?? "";
          }
          let vmConfiguration = "";
          if (vm.configuration !== undefined) {
            assert.equal(vm.configuration["@type"], STRING_VALUE, `${where}: vm configuration`);
            vmConfiguration = vm.configuration.value ?? "";
          }
          pluginConfigs.push([where, configuration]);
          rootIds.push(plugin.root_id);
          settingsList.push([
            where,
            filter,
            { rootId: plugin.root_id, vmId: vm.vm_id ?? "", configuration, vmConfiguration },
          ]);
        }
        assert.ok(rootIds.includes(name), `a Wasm plugin in envoy.yaml has root_id "${name}"`);
        const { defined, referenced } = clusters(config, pluginConfigs);
        for (const ref of referenced) {
          assert.ok(defined.has(ref.name), `${ref.path}: cluster "${ref.name}" is not defined`);
        }
        for (const [where, , settings] of settingsList) {
          assertStarts(name, where, { ...settings, clusters: [...defined] });
          assertRejectsRootId(name, settings);
        }
        assertCalloutsReachDefinedClusters(name, settingsList, defined);
      });
    }

    if (existsSync(istioFile)) {
      test("istio.yaml is a WasmPlugin whose pluginName and pluginConfig the module accepts", () => {
        const documents = readYaml(istioFile);
        const plugins = documents.filter((d) => d.kind === "WasmPlugin");
        assert.ok(plugins.length > 0, "istio.yaml has no WasmPlugin");
        for (const doc of plugins) {
          const where = `istio.yaml ${doc.metadata?.name}`;
          assert.equal(doc.apiVersion, "extensions.istio.io/v1alpha1", `${where}: apiVersion`);
          assert.ok(doc.metadata?.name, `${where}: metadata.name`);
          const spec = doc.spec;
          assert.match(spec?.url ?? "", /^(oci|file|https?):\/\//, `${where}: spec.url scheme`);
          if (spec.url.startsWith("file://")) {
            assert.match(spec.url, new RegExp(`/${name}\\.wasm$`), `${where}: spec.url file`);
          }
          assert.equal(typeof spec.pluginName, "string", `${where}: pluginName (Envoy root_id)`);
          for (const [field, allowed] of [
            ["phase", ["UNSPECIFIED_PHASE", "AUTHN", "AUTHZ", "STATS"]],
            ["failStrategy", ["FAIL_CLOSE", "FAIL_OPEN", "FAIL_RELOAD"]],
            ["type", ["UNSPECIFIED_PLUGIN_TYPE", "HTTP", "NETWORK"]],
            ["imagePullPolicy", ["UNSPECIFIED_POLICY", "IfNotPresent", "Always"]],
          ]) {
            if (spec[field] !== undefined) {
              assert.ok(allowed.includes(spec[field]), `${where}: ${field} ${spec[field]}`);
            }
          }
          // Istio hands pluginConfig to the plugin serialized as JSON.
          const configuration =
            spec.pluginConfig === undefined ? "" : JSON.stringify(spec.pluginConfig);
          const settings = { rootId: spec.pluginName, configuration, vmConfiguration: "" };
          assertStarts(name, where, settings);
          assertRejectsRootId(name, settings);
        }
      });
    }
  });
}

test("the checker found the examples", () => {
  assert.ok(examples.length >= 3, `examples found: ${examples.join(", ")}`);
});
