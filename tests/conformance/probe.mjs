// Builds the conformance probe plugin (/work/shared/conformance/probe, read-only) into the
// gitignored tests/conformance/build/ with this repository's AssemblyScript compiler and the
// probe's own asconfig settings (wasi-shim asconfig, optimizeLevel 2, shrinkLevel 0,
// noAssert false, runtime incremental). Nothing of /work/shared is committed.
import asc from "assemblyscript/asc";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

/** Where the shared conformance suite lives (override with PROXY_WASM_CONFORMANCE). */
export const CONFORMANCE_DIR = process.env.PROXY_WASM_CONFORMANCE ?? "/work/shared/conformance";

/** Compiles the probe if its source changed; resolves to the path of probe.wasm. */
export async function buildProbe() {
  const source = join(CONFORMANCE_DIR, "probe", "assembly", "index.ts");
  const dir = join(here, "build", "probe");
  const entry = join(dir, "assembly", "index.ts");
  const outFile = join(dir, "probe.wasm");
  const fresh =
    existsSync(outFile) &&
    existsSync(entry) &&
    readFileSync(entry, "utf8") === readFileSync(source, "utf8") &&
    statSync(outFile).mtimeMs >= statSync(entry).mtimeMs;
  if (fresh) return outFile;
  // Copied file by file (not cpSync): the source is read-only and its modes would be kept.
  mkdirSync(join(dir, "assembly"), { recursive: true });
  for (const f of readdirSync(join(CONFORMANCE_DIR, "probe", "assembly"))) {
    writeFileSync(
      join(dir, "assembly", f),
      readFileSync(join(CONFORMANCE_DIR, "probe", "assembly", f)),
    );
  }
  const shim = join(root, "node_modules", "@assemblyscript", "wasi-shim", "asconfig.json");
  // The probe's asconfig.json, with `extends` pointing at our node_modules.
  const probeConfig = JSON.parse(
    readFileSync(join(CONFORMANCE_DIR, "probe", "asconfig.json"), "utf8"),
  );
  probeConfig.extends = relative(dir, shim);
  probeConfig.targets.release.outFile = "probe.wasm";
  delete probeConfig.targets.release.textFile;
  writeFileSync(join(dir, "asconfig.json"), JSON.stringify(probeConfig, null, 2));
  const { error } = await asc.main(
    [
      relative(root, entry),
      "--config",
      relative(root, join(dir, "asconfig.json")),
      "--target",
      "release",
      "--outFile",
      relative(root, outFile),
    ],
    { stdout: process.stdout, stderr: process.stderr },
  );
  if (error) throw new Error(`building the conformance probe failed: ${error.message}`);
  return outFile;
}
