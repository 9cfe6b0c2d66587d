// The README's walk-through, taken literally: pack this package, install it into a fresh
// project, write the README's plugin, asconfig.json and test into it, compile with asc and run
// the test with node --test. Proves a plugin written by following the README alone works, and
// that the published file list carries everything the walk-through needs.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

function readmeBlocks() {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const blocks = {};
  for (const [, lang, body] of readme.matchAll(/```(\w+)\n([\s\S]*?)```/g)) {
    blocks[lang] ??= body;
  }
  return blocks;
}

test("the README plugin compiles from the packed package and its test passes", () => {
  const { ts, json, js } = readmeBlocks();
  assert.ok(ts && json && js, "README has the plugin (ts), asconfig (json) and test (js) blocks");
  const project = mkdtempSync(join(tmpdir(), "proxy-wasm-as-readme-"));
  try {
    // The npm that runs this test (npm_execpath), not an older npm a dependency may have put
    // on PATH in node_modules/.bin.
    const npm = process.env.npm_execpath;
    const [command, prefix] = npm ? [process.execPath, [npm]] : ["npm", []];
    const tarball = execFileSync(
      command,
      [...prefix, "pack", "--silent", "--pack-destination", project],
      { cwd: root, encoding: "utf8" },
    )
      .trim()
      .split("\n")
      .pop();
    const installed = join(project, "node_modules", "proxy-wasm-as");
    mkdirSync(installed, { recursive: true });
    execFileSync("tar", ["xzf", join(project, tarball), "-C", installed, "--strip-components=1"]);
    // The compiler, the WASI shim and the runtime dependency (yaml) as npm would install them
    // next to the package.
    mkdirSync(join(project, "node_modules", "@assemblyscript"), { recursive: true });
    symlinkSync(
      join(root, "node_modules/assemblyscript"),
      join(project, "node_modules/assemblyscript"),
    );
    symlinkSync(
      join(root, "node_modules/@assemblyscript/wasi-shim"),
      join(project, "node_modules/@assemblyscript/wasi-shim"),
    );
    symlinkSync(join(root, "node_modules/yaml"), join(project, "node_modules/yaml"));
    mkdirSync(join(project, "assembly"));
    mkdirSync(join(project, "test"));
    writeFileSync(join(project, "package.json"), '{ "name": "hello", "type": "module" }\n');
    writeFileSync(join(project, "assembly/index.ts"), ts);
    writeFileSync(join(project, "asconfig.json"), json);
    writeFileSync(join(project, "test/hello.test.mjs"), js);
    const asc = join(root, "node_modules/assemblyscript/bin/asc.js");
    execFileSync(process.execPath, [asc, "assembly/index.ts", "--target", "release"], {
      cwd: project,
      stdio: "pipe",
    });
    // A nested `node --test` must not think it runs inside this test runner.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const output = execFileSync(process.execPath, ["--test", "test/"], {
      cwd: project,
      encoding: "utf8",
      env,
    });
    assert.match(output, /# pass 1\n# fail 0/);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});
