#!/usr/bin/env node
// The main job: runs every example plugin (built by `npm run build`) in the host mock through its
// examples/<name>/demo.mjs and prints what the plugin did: header changes, local replies, body
// rewrites, callouts, metrics, logs.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const examples = fileURLToPath(new URL("../examples/", import.meta.url));
const show = (line) => console.log(`    ${line}`);
let failed = 0;
for (const name of readdirSync(examples).sort()) {
  const demoFile = join(examples, name, "demo.mjs");
  if (!existsSync(demoFile)) continue;
  const wasm = join(examples, name, "build", `${name}.wasm`);
  console.log(`\n■ ${name}  (${statSync(wasm).size} bytes)`);
  try {
    const { default: demo } = await import(pathToFileURL(demoFile).href);
    await demo({ wasm, show });
  } catch (error) {
    failed++;
    console.log(`    ✗ demo failed: ${error instanceof Error ? error.message : error}`);
  }
}
console.log(failed === 0 ? "\nAll examples ran in the host mock." : `\n${failed} demo(s) failed.`);
process.exitCode = failed === 0 ? 0 : 1;
