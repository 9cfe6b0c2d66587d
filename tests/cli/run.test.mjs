// `proxy-wasm-as run <plugin.wasm> <scenario>` as a child process, on the api-key example:
// passing YAML and JSON scenarios (exit 0), a failing expectation (exit 1, message names the
// line), an invalid scenario (exit 2, message names the line), usage errors and --out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = join(root, "bin", "proxy-wasm-as.js");
const plugin = join(root, "examples", "api-key", "build", "api-key.wasm");
const fixture = (name) => join(root, "tests", "cli", "fixtures", name);

function run(...args) {
  const r = spawnSync(process.execPath, [bin, "run", ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("the api-key example is built", () => {
  assert.ok(existsSync(plugin), `${plugin} missing: run node scripts/build-plugins.mjs api-key`);
});

test("run: a passing YAML scenario exits 0", () => {
  const r = run(plugin, fixture("api-key.yaml"));
  assert.equal(r.stderr, "");
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^ok: .*api-key\.yaml: 4 steps, 2 expect steps passed/);
});

test("run: a passing JSON scenario exits 0", () => {
  const r = run(plugin, fixture("api-key.json"), "--quiet");
  assert.equal(r.stderr, "");
  assert.equal(r.stdout, "");
  assert.equal(r.code, 0);
});

test("run: a failed expectation exits 1 and names the scenario line", () => {
  const r = run(plugin, fixture("api-key-failing.yaml"));
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    `${fixture("api-key-failing.yaml")}:7: step 2 (expect): local_reply.status: expected 403, got 401\n`,
  );
  assert.match(r.stdout, /^FAILED: .*1 failure/);
});

test("run: an invalid scenario exits 2 and names the lines", () => {
  const r = run(plugin, fixture("api-key-invalid.yaml"));
  assert.equal(r.code, 2);
  const file = fixture("api-key-invalid.yaml");
  assert.equal(
    r.stderr,
    `${file}:6: step 2 (request_headers): missing field "headers"\n` +
      `${file}:7: step 2 (request_headers): unknown field "header"\n`,
  );
});

test("run: a YAML syntax error exits 2 with its line", () => {
  const dir = mkdtempSync(join(tmpdir(), "pwas-cli-"));
  const bad = join(dir, "bad.yaml");
  // Line 3 opens a flow sequence that never closes.
  const text = "steps:\n  - op: tick\n  - op: [unclosed\n";
  spawnSync(process.execPath, [
    "-e",
    `require("fs").writeFileSync(${JSON.stringify(bad)}, ${JSON.stringify(text)})`,
  ]);
  const r = run(plugin, bad);
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+: `));
});

test("run: usage errors exit 2", () => {
  assert.equal(run().code, 2);
  assert.equal(run(plugin).code, 2);
  assert.equal(run(plugin, fixture("api-key.yaml"), "--bogus").code, 2);
  const missing = run(join(root, "no-such.wasm"), fixture("api-key.yaml"));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such plugin file/);
});

test("run --out writes the pw-facts/1 transcript", () => {
  const dir = mkdtempSync(join(tmpdir(), "pwas-cli-"));
  const out = join(dir, "t.json");
  const r = run(plugin, fixture("api-key.yaml"), "--out", out);
  assert.equal(r.code, 0);
  const t = JSON.parse(readFileSync(out, "utf8"));
  assert.equal(t.format, "pw-facts/1");
  assert.deepEqual(t.start, { abi: "0.2.1", ok: true });
  const reply = t.facts.find((f) => f.fn === "proxy_send_local_response");
  assert.deepEqual(reply.args.status, 401);
  assert.equal(reply.ctx, 3);
  assert.deepEqual(
    t.final.local_responses.map((l) => [l.context_id, l.status, l.details]),
    [[3, 401, "api_key_missing"]],
  );
  assert.deepEqual(t.final.streams.ok.request_headers.at(-1), ["x-client", "mobile-app"]);
  // `--out -` prints only the transcript on stdout.
  const piped = run(plugin, fixture("api-key.yaml"), "--out", "-");
  assert.equal(JSON.parse(piped.stdout).format, "pw-facts/1");
});
