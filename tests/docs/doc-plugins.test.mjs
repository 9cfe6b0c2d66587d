// The complete plugins shown in the docs compile and do what the text around them says: every
// ```ts block of docs/*.md that registers a root context is compiled with the build preset and
// loaded in the host mock with the root id it registers. Keeps copy-paste code in the guides
// working as the SDK changes.
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";
import { Host } from "proxy-wasm-as/host-mock";

const root = fileURLToPath(new URL("../..", import.meta.url));
const work = join(root, "tests/docs/build"); // inside the checkout: resolves proxy-wasm-as
process.chdir(root);
const docsDir = join(root, "docs");

/** What documented plugins must do once loaded, by root id (others: start and take a request). */
const behaviour = {
  "my-plugin": (plugin) => {
    const ok = plugin.newHttpStream();
    ok.sendRequestHeaders(request(), { endOfStream: true });
    assert.equal(ok.requestHeader("x-edge"), "my-plugin");
    const debug = plugin.newHttpStream();
    debug.sendRequestHeaders(request([["x-debug", "1"]]), { endOfStream: true });
    assert.equal(debug.localResponse?.status, 403);
  },
  add_header: (plugin) => {
    const stream = plugin.newHttpStream();
    stream.sendRequestHeaders(request(), { endOfStream: true });
    stream.sendResponseHeaders([[":status", "200"]], { endOfStream: true });
    assert.equal(stream.responseHeader("hello"), "configured");
  },
};

function request(extra = []) {
  return [[":method", "GET"], [":path", "/"], [":authority", "example.com"], ...extra];
}

function docPlugins() {
  const found = [];
  for (const file of readdirSync(docsDir).filter((f) => f.endsWith(".md"))) {
    const text = readFileSync(join(docsDir, file), "utf8");
    for (const [, code] of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
      // A complete plugin re-exports the callbacks and registers a named root.
      if (!code.includes('export * from "proxy-wasm-as/assembly/exports"')) continue;
      const registration = code.match(/registerRootContext\([\s\S]*?,\s*"([^"]+)"\);/);
      if (registration) found.push({ file, code, rootId: registration[1] });
    }
  }
  return found;
}

after(() => rmSync(work, { recursive: true, force: true }));

const plugins = docPlugins();

test("the docs show complete plugins", () => {
  assert.ok(plugins.length >= 2, `found: ${plugins.map((p) => p.file).join(", ")}`);
});

for (const { file, code, rootId } of plugins) {
  test(`${file}: the "${rootId}" plugin compiles and behaves as described`, async () => {
    const dir = join(work, rootId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "index.ts"), code);
    writeFileSync(
      join(dir, "asconfig.json"),
      // As a plugin project extends it: through node_modules (the preset finds the WASI shim
      // next to the package).
      JSON.stringify({
        extends: relative(dir, join(root, "node_modules/proxy-wasm-as/asconfig.preset.json")),
      }),
    );
    const outFile = join(dir, "plugin.wasm");
    let diagnostics = "";
    const { error } = await asc.main(
      // Paths relative to the checkout, as scripts/build-plugins.mjs passes them (asc resolves
      // the preset's library folders from there).
      [
        relative(root, join(dir, "index.ts")),
        "--config",
        relative(root, join(dir, "asconfig.json")),
        "--target",
        "release",
        "--outFile",
        relative(root, outFile),
      ],
      { stdout: { write() {} }, stderr: { write: (chunk) => (diagnostics += chunk) } },
    );
    assert.equal(error, null, `${file}: ${error?.message}\n${diagnostics}`);
    const plugin = new Host().loadPlugin({ wasm: outFile, rootId, configuration: "configured" });
    // Plugins without a specific check must at least start and take a request without trapping.
    const check = behaviour[rootId] ?? ((p) => p.newHttpStream().sendRequestHeaders(request()));
    check(plugin);
  });
}
