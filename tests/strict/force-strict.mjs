// Audit helper (not a test): preload with `node --import ./tests/strict/force-strict.mjs --test …`
// to run any test files with strict mode on ("collect") for every plugin they load. At exit it
// prints each violation once per test file, so existing suites can be checked for pitfalls.
import { Host } from "../../sdk-host-mock/dist/index.js";
import { writeSync } from "node:fs";

const plugins = [];
const load = Host.prototype.loadPlugin;
Host.prototype.loadPlugin = function (options) {
  const plugin = load.call(this, { strict: { report: "collect" }, ...options });
  plugins.push(plugin);
  return plugin;
};
process.on("exit", () => {
  const seen = new Set();
  const lines = [];
  for (const p of plugins) {
    for (const v of p.violations) {
      const key = `${v.pitfall} ${v.message.replace(/\d+/g, "#")}`;
      if (seen.has(key) || lines.length >= 500) continue;
      seen.add(key);
      lines.push(`STRICT-AUDIT ${process.argv[1]} [${p.name}] ${v.message}\n`);
    }
  }
  for (const line of lines) {
    try {
      writeSync(2, line);
    } catch {
      return; // a full pipe (EAGAIN) at exit: the audit is best effort, the run's result is not
    }
  }
});
