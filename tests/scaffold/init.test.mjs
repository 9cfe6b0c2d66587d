// `proxy-wasm-as init` end to end, as a user would run it: this checkout is packed with npm, the
// packed CLI scaffolds a project, the packed package is installed into the project (offline:
// extracted from the tarball, with the compiler and our dependencies linked from this checkout
// the way npm lays them out), and the project's own `npm run build` and `npm test` pass. Proves
// the templates ship in the tarball and a fresh project builds against the published files.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const ownPackage = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

// The npm that runs this test (npm_execpath), not an older npm a dependency may have put on
// PATH in node_modules/.bin.
const npmPath = process.env.npm_execpath;
const [npmCommand, npmPrefix] = npmPath ? [process.execPath, [npmPath]] : ["npm", []];

// A nested `node --test` must not think it runs inside this test runner.
const env = { ...process.env };
delete env.NODE_TEST_CONTEXT;

let work;
let tarball;

/** Extracts the packed package into `<dir>/node_modules/proxy-wasm-as` and links `deps`. */
function install(dir, deps) {
  const modules = join(dir, "node_modules");
  const installed = join(modules, "proxy-wasm-as");
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["xzf", tarball, "-C", installed, "--strip-components=1"]);
  for (const dep of deps) {
    mkdirSync(dirname(join(modules, dep)), { recursive: true });
    symlinkSync(join(root, "node_modules", dep), join(modules, dep));
  }
  return installed;
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8" });
  return { code: result.status, out: `${result.stdout}\n${result.stderr}` };
}

before(() => {
  work = mkdtempSync(join(tmpdir(), "proxy-wasm-as-init-"));
  const name = execFileSync(
    npmCommand,
    [...npmPrefix, "pack", "--silent", "--pack-destination", work],
    { cwd: root, encoding: "utf8" },
  )
    .trim()
    .split("\n")
    .pop();
  tarball = join(work, name);
});

after(() => rmSync(work, { recursive: true, force: true }));

/** The CLI as `npx proxy-wasm-as` runs it: the packed package with its dependencies. */
function cli(args, cwd = work) {
  const tool = join(work, "tool");
  if (!existsSync(tool)) install(tool, Object.keys(ownPackage.dependencies ?? {}));
  const bin = join(tool, "node_modules/proxy-wasm-as", ownPackage.bin["proxy-wasm-as"]);
  return run(process.execPath, [bin, ...args], cwd);
}

test("init scaffolds a project that installs from the tarball, builds and passes its tests", () => {
  const project = join(work, "My Plugin");
  const created = cli(["init", project]);
  assert.equal(created.code, 0, created.out);
  assert.match(created.out, /npm install && npm run build/);

  const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
  assert.equal(pkg.name, "my-plugin");
  assert.equal(pkg.dependencies["proxy-wasm-as"], `^${ownPackage.version}`);
  assert.equal(pkg.devDependencies.assemblyscript, ownPackage.peerDependencies.assemblyscript);
  const asconfig = JSON.parse(readFileSync(join(project, "asconfig.json"), "utf8"));
  assert.equal(asconfig.extends, "./node_modules/proxy-wasm-as/asconfig.preset.json");
  assert.equal(asconfig.targets.release.outFile, "build/my-plugin.wasm");
  assert.match(readFileSync(join(project, ".gitignore"), "utf8"), /node_modules/);
  const source = readFileSync(join(project, "assembly/index.ts"), "utf8");
  assert.match(source, /registerRootContext\(.*"my-plugin"\)/);
  assert.doesNotMatch(source + JSON.stringify(pkg), /\{\{\w+\}\}/, "no placeholder left");
  const readme = readFileSync(join(project, "README.md"), "utf8");
  assert.match(readme, /npm install && npm run build/);
  assert.match(readme, /npm test/);

  // `npm install`, offline: the packed package, its dependencies and the compiler.
  install(project, [
    ...Object.keys(ownPackage.dependencies ?? {}),
    ...Object.keys(pkg.devDependencies),
  ]);
  mkdirSync(join(project, "node_modules/.bin"));
  symlinkSync("../assemblyscript/bin/asc.js", join(project, "node_modules/.bin/asc"));

  const build = run(npmCommand, [...npmPrefix, "run", "build"], project);
  assert.equal(build.code, 0, build.out);
  for (const file of ["build/my-plugin.wasm", "build/my-plugin.debug.wasm"]) {
    assert.ok(existsSync(join(project, file)), `${file} built`);
  }
  const tested = run(npmCommand, [...npmPrefix, "test"], project);
  assert.equal(tested.code, 0, tested.out);
  assert.match(tested.out, /# pass 3\n# fail 0/);
});

test("init refuses a non-empty directory and writes nothing", () => {
  const dir = join(work, "taken");
  mkdirSync(dir);
  writeFileSync(join(dir, "notes.txt"), "mine");
  const result = cli(["init", dir]);
  assert.equal(result.code, 1);
  assert.match(result.out, /is not empty/);
  assert.equal(readFileSync(join(dir, "notes.txt"), "utf8"), "mine");
  assert.ok(!existsSync(join(dir, "package.json")));
});

test("init without a directory prints its usage and exits 2", () => {
  const result = cli(["init"]);
  assert.equal(result.code, 2);
  assert.match(result.out, /usage: proxy-wasm-as init <dir>/);
});
