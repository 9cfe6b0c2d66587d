/**
 * `proxy-wasm-as init <dir>`: creates a plugin project in `<dir>` from the templates shipped
 * in this package (`templates/init/`): package.json depending on this version of proxy-wasm-as,
 * asconfig.json extending the preset, a plugin skeleton, a host-mock test, README, .gitignore.
 * Refuses a directory that exists and is not empty, so nothing is overwritten.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { commands } from "./main.js";

/** Files whose template name differs from the name they get (npm pack drops `.gitignore`). */
const RENAMES: Record<string, string> = { gitignore: ".gitignore" };

/** The package's root folder (this file is `sdk-host-mock/dist/cli/init.js` in it). */
function packageRoot(): string {
  return fileURLToPath(new URL("../../../", import.meta.url));
}

/** An npm package name made from a folder name: lower case, `a-z0-9-._` only. */
export function projectName(dir: string): string {
  const name = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+|[-]+$/g, "");
  return name.length > 0 ? name : "proxy-wasm-plugin";
}

/** Every file below `dir`, as paths relative to it. */
function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix)).sort()) {
    const path = join(prefix, entry);
    if (statSync(join(dir, path)).isDirectory()) out.push(...listFiles(dir, path));
    else out.push(path);
  }
  return out;
}

/**
 * Writes the project into `dir` (created when missing); returns the files written, relative to
 * `dir`. Throws when `dir` exists and is not an empty folder.
 */
export function scaffold(dir: string, name = projectName(dir)): string[] {
  const target = resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new Error(`${dir} exists and is not a directory`);
    if (readdirSync(target).length > 0) {
      throw new Error(`${dir} is not empty; give a new or empty directory`);
    }
  }
  const root = packageRoot();
  const templates = join(root, "templates", "init");
  const ownPackage = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const values: Record<string, string> = {
    name,
    version: ownPackage.version,
    assemblyscriptVersion: ownPackage.peerDependencies?.assemblyscript ?? "^0.27.2",
  };
  const written: string[] = [];
  for (const file of listFiles(templates)) {
    const parts = file.split(/[\\/]/);
    const last = parts.length - 1;
    parts[last] = RENAMES[parts[last]] ?? parts[last];
    const out = join(target, ...parts);
    mkdirSync(join(out, ".."), { recursive: true });
    const text = readFileSync(join(templates, file), "utf8").replace(
      /\{\{(\w+)\}\}/g,
      (whole, key: string) => values[key] ?? whole,
    );
    writeFileSync(out, text);
    written.push(relative(target, out));
  }
  return written;
}

commands.init = {
  usage: "<dir>   create a plugin project (AssemblyScript plugin, host-mock test, build config)",
  run(args: string[]): number {
    const [dir, ...rest] = args;
    if (dir === undefined || rest.length > 0 || dir.startsWith("-")) {
      process.stderr.write(`usage: proxy-wasm-as init ${commands.init.usage}\n`);
      return 2;
    }
    let files: string[];
    try {
      files = scaffold(dir);
    } catch (error) {
      process.stderr.write(`proxy-wasm-as init: ${(error as Error).message}\n`);
      return 1;
    }
    const lines = [
      `Created ${projectName(dir)} in ${dir}:`,
      ...files.map((f) => `  ${f}`),
      "",
      "Next:",
      `  cd ${dir}`,
      "  npm install && npm run build",
      "  npm test",
    ];
    process.stdout.write(lines.join("\n") + "\n");
    return 0;
  },
};
