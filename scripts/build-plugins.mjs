#!/usr/bin/env node
// Compiles every AssemblyScript plugin of the repository with the AssemblyScript compiler's API
// (one process, so the compiler loads once):
//   - examples/<name>/ (its asconfig.json; release target, and debug target for stack traces),
//   - tests/plugins/<name>.ts (shared tests/plugins/asconfig.json; release and debug).
// A plugin is rebuilt only when a source it may depend on is newer than its output.
// Usage: node scripts/build-plugins.mjs [--force] [name-filter]
import asc from "assemblyscript/asc";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);
const args = process.argv.slice(2);
const force = args.includes("--force");
const filter = args.find((a) => !a.startsWith("--"));

/** Newest modification time of the files below `dir` (0 if missing). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  const info = statSync(dir);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(dir)) {
    if (entry === "build" || entry === "node_modules") continue;
    latest = Math.max(latest, newest(join(dir, entry)));
  }
  return latest;
}

const sdkTime = Math.max(
  newest(join(root, "assembly")),
  newest(join(root, "asconfig.preset.json")),
);

/** Every compile job: entry file, config, target, output, and what it depends on. */
function jobs() {
  const list = [];
  const examples = join(root, "examples");
  for (const name of readdirSync(examples).sort()) {
    const dir = join(examples, name);
    const config = join(dir, "asconfig.json");
    if (!existsSync(config)) continue;
    for (const target of ["release", "debug"]) {
      const suffix = target === "release" ? "" : ".debug";
      list.push({
        name: `examples/${name}${suffix}`,
        entry: join(dir, "assembly/index.ts"),
        config,
        target,
        outFile: join(dir, "build", `${name}${suffix}.wasm`),
        sources: [join(dir, "assembly"), config],
      });
    }
  }
  const plugins = join(root, "tests/plugins");
  if (existsSync(plugins)) {
    for (const file of readdirSync(plugins).sort()) {
      if (!file.endsWith(".ts")) continue;
      const name = file.slice(0, -3);
      for (const target of ["release", "debug"]) {
        const suffix = target === "release" ? "" : ".debug";
        list.push({
          name: `tests/plugins/${name}${suffix}`,
          entry: join(plugins, file),
          config: join(plugins, "asconfig.json"),
          target,
          outFile: join(plugins, "build", `${name}${suffix}.wasm`),
          sources: [join(plugins, file), join(plugins, "asconfig.json")],
        });
      }
    }
  }
  return list;
}

let built = 0;
let failed = 0;
for (const job of jobs()) {
  if (filter && !job.name.includes(filter)) continue;
  const inputsTime = Math.max(sdkTime, ...job.sources.map(newest));
  if (!force && existsSync(job.outFile) && statSync(job.outFile).mtimeMs >= inputsTime) continue;
  const started = Date.now();
  const { error, stderr } = await asc.main(
    [
      relative(root, job.entry),
      "--config",
      relative(root, job.config),
      "--target",
      job.target,
      "--outFile",
      relative(root, job.outFile),
    ],
    { stdout: process.stdout, stderr: process.stderr },
  );
  if (error) {
    failed++;
    console.error(`✗ ${job.name}: ${error.message}`);
    continue;
  }
  built++;
  const size = statSync(job.outFile).size;
  console.log(`✓ ${job.name}  ${size} bytes  (${Date.now() - started} ms)`);
  void stderr;
}
console.log(`build-plugins: ${built} built, ${failed} failed`);
if (failed > 0) process.exit(1);
