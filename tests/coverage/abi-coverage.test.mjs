// Coverage criterion of issue 3: every row of reference §3 (hostcall tables, buffer availability,
// result codes) and every item of the §8 conformance checklist is covered by a test that names
// it. COVERAGE maps each item id to the test files holding such a test. The test below reads the
// reference, extracts the items, and fails when an item has no entry, when an entry names an
// item the reference no longer has, when a listed file is missing, or when a listed file has no
// test whose title names the item (its § section plus the hostcall / buffer / result name).
// Test titles are read by running the listed files with a name pattern that matches nothing and
// a reporter printing each test's file and title (titles-reporter.mjs), so titles built at run
// time (loops, template strings) count too and no test body runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { extractItems, readReference, titleNames } from "./reference-items.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const H = "tests/host-mock/hostcalls/";
/** Reference item id → test files (relative to the repository root) with a test naming it. */
export const COVERAGE = {
  "§3.1 proxy_log": [H + "logging-time.test.mjs"],
  "§3.1 proxy_get_log_level": [H + "logging-time.test.mjs"],
  "§3.1 proxy_get_current_time_nanoseconds": [H + "logging-time.test.mjs"],
  "§3.1 proxy_set_tick_period_milliseconds": [H + "logging-time.test.mjs"],
  "§3.1 proxy_get_status": [H + "logging-time.test.mjs"],
  "§3.1 proxy_get_configuration": [H + "logging-time.test.mjs"],
  "§3.2 proxy_get_property": [H + "properties.test.mjs"],
  "§3.2 proxy_set_property": [H + "properties.test.mjs"],
  "§3.3 proxy_get_buffer_bytes": [H + "buffers.test.mjs"],
  "§3.3 proxy_get_buffer_status": [H + "buffers.test.mjs"],
  "§3.3 proxy_set_buffer_bytes": [H + "buffers.test.mjs"],
  "§3.3 buffer 0 HttpRequestBody": [H + "buffers.test.mjs"],
  "§3.3 buffer 1 HttpResponseBody": [H + "buffers.test.mjs"],
  "§3.3 buffer 2 DownstreamData": [H + "buffers.test.mjs"],
  "§3.3 buffer 3 UpstreamData": [H + "buffers.test.mjs"],
  "§3.3 buffer 4 HttpCallResponseBody": [H + "buffers.test.mjs"],
  "§3.3 buffer 5 GrpcReceiveBuffer": [H + "buffers.test.mjs"],
  "§3.3 buffer 6 VmConfiguration": [H + "buffers.test.mjs"],
  "§3.3 buffer 7 PluginConfiguration": [H + "buffers.test.mjs"],
  "§3.3 buffer 8 CallData": [H + "buffers.test.mjs"],
  "§3.4 proxy_get_header_map_pairs": [H + "header-maps.test.mjs"],
  "§3.4 proxy_get_header_map_value": [H + "header-maps.test.mjs", "tests/host-mock/flows.test.mjs"],
  "§3.4 proxy_add_header_map_value": [H + "header-maps.test.mjs"],
  "§3.4 proxy_replace_header_map_value": [H + "header-maps.test.mjs"],
  "§3.4 proxy_remove_header_map_value": [H + "header-maps.test.mjs"],
  "§3.4 proxy_set_header_map_pairs": [H + "header-maps.test.mjs"],
  "§3.4 proxy_get_header_map_size": [H + "header-maps.test.mjs"],
  "§3.5 proxy_continue_stream": [H + "stream-control.test.mjs", "tests/host-mock/flows.test.mjs"],
  "§3.5 proxy_close_stream": [H + "stream-control.test.mjs"],
  "§3.5 proxy_continue_request / proxy_continue_response": [H + "stream-control.test.mjs"],
  "§3.5 proxy_send_local_response": [H + "stream-control.test.mjs"],
  "§3.5 proxy_clear_route_cache": [H + "stream-control.test.mjs"],
  "§3.6 proxy_http_call": [H + "callouts.test.mjs", "tests/host-mock/conformance.test.mjs"],
  "§3.7 proxy_grpc_call": [H + "callouts.test.mjs"],
  "§3.7 proxy_grpc_stream": [H + "callouts.test.mjs"],
  "§3.7 proxy_grpc_send": [H + "callouts.test.mjs"],
  "§3.7 proxy_grpc_close": [H + "callouts.test.mjs"],
  "§3.7 proxy_grpc_cancel": [H + "callouts.test.mjs"],
  "§3.8 proxy_get_shared_data": [H + "shared-data.test.mjs"],
  "§3.8 proxy_set_shared_data": [H + "shared-data.test.mjs"],
  "§3.8 proxy_register_shared_queue": [H + "shared-data.test.mjs"],
  "§3.8 proxy_resolve_shared_queue": [H + "shared-data.test.mjs"],
  "§3.8 proxy_enqueue_shared_queue": [H + "shared-data.test.mjs"],
  "§3.8 proxy_dequeue_shared_queue": [H + "shared-data.test.mjs"],
  "§3.9 proxy_define_metric": [H + "metrics-context.test.mjs"],
  "§3.9 proxy_increment_metric": [H + "metrics-context.test.mjs"],
  "§3.9 proxy_record_metric": [H + "metrics-context.test.mjs"],
  "§3.9 proxy_get_metric": [H + "metrics-context.test.mjs"],
  "§3.10 proxy_set_effective_context": [H + "metrics-context.test.mjs"],
  "§3.10 proxy_done": [H + "metrics-context.test.mjs"],
  "§3.10 proxy_call_foreign_function": [
    H + "metrics-context.test.mjs",
    "tests/host-mock/lookups.test.mjs",
  ],
  "§3.11 envoy_resolve_dns": ["tests/host-mock/envoy-dns.test.mjs"],
  "§3.12 0 Ok": [H + "results.test.mjs"],
  "§3.12 1 NotFound": [H + "results.test.mjs"],
  "§3.12 2 BadArgument": [H + "results.test.mjs"],
  "§3.12 3 SerializationFailure": [H + "results.test.mjs"],
  "§3.12 4 ParseFailure": [H + "results.test.mjs"],
  "§3.12 5 BadExpression": [H + "results.test.mjs"],
  "§3.12 6 InvalidMemoryAccess": [H + "results.test.mjs"],
  "§3.12 7 Empty": [H + "results.test.mjs"],
  "§3.12 8 CasMismatch": [H + "results.test.mjs"],
  "§3.12 9 ResultMismatch": [H + "results.test.mjs"],
  "§3.12 10 InternalFailure": [H + "results.test.mjs"],
  "§3.12 11 BrokenConnection": [H + "results.test.mjs"],
  "§3.12 12 Unimplemented": [H + "results.test.mjs"],
  "§8.1": ["tests/host-mock/checklist.test.mjs"],
  "§8.2": ["tests/host-mock/checklist.test.mjs"],
  "§8.3": ["tests/host-mock/checklist.test.mjs"],
  "§8.4": ["tests/host-mock/checklist.test.mjs"],
  "§8.5": ["tests/host-mock/checklist.test.mjs"],
  "§8.6": ["tests/host-mock/checklist.test.mjs"],
  "§8.7": ["tests/host-mock/checklist.test.mjs"],
  "§8.8": ["tests/host-mock/checklist.test.mjs"],
  "§8.9": ["tests/host-mock/checklist.test.mjs"],
  "§8.10": ["tests/host-mock/checklist.test.mjs"],
  "§8.11": ["tests/host-mock/checklist.test.mjs"],
  "§8.12": ["tests/host-mock/checklist.test.mjs"],
  "§8.13": ["tests/host-mock/checklist.test.mjs"],
};

/**
 * Titles of the tests in `files`, by file: `Map<file, string[]>`. One `node --test` run with a
 * name pattern that matches nothing (so no test body runs) and a reporter that prints each
 * test's file and name.
 */
async function testTitles(files) {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // report as a top-level run, not to our parent runner
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      "--test",
      `--test-reporter=${fileURLToPath(new URL("titles-reporter.mjs", import.meta.url))}`,
      "--test-name-pattern=^(?!)",
      ...files,
    ],
    { cwd: ROOT, env, maxBuffer: 16 << 20 },
  ).catch((e) => e);
  const titles = new Map(files.map((f) => [f, []]));
  for (const line of String(stdout).split("\n")) {
    if (!line.startsWith("{")) continue;
    const { file, name } = JSON.parse(line);
    const rel = file?.startsWith(ROOT) ? file.slice(ROOT.length) : file;
    titles.get(rel)?.push(name);
  }
  return titles;
}

test("every §3 row and §8 item of the reference is covered by a test that names it", async (t) => {
  const ref = readReference();
  if (!ref) {
    t.skip("the ABI reference is not on this machine (set PROXY_WASM_ABI_REFERENCE)");
    return;
  }
  const items = extractItems(ref.text);
  // Guards against the extractor silently finding nothing after a reference re-layout.
  assert.ok(items.filter((i) => i.section.startsWith("3.")).length >= 60, "§3 rows extracted");
  assert.equal(items.filter((i) => i.section.startsWith("8.")).length, 13, "§8 items extracted");

  const ids = new Set(items.map((i) => i.id));
  const problems = [];
  for (const item of items)
    if (!COVERAGE[item.id]?.length) problems.push(`${item.id}: no test listed`);
  for (const id of Object.keys(COVERAGE))
    if (!ids.has(id)) problems.push(`${id}: listed but not in the reference (renamed or removed?)`);

  const files = [...new Set(Object.values(COVERAGE).flat())];
  const existing = files.filter((f) => existsSync(ROOT + f));
  const titles = await testTitles(existing);
  for (const item of items) {
    for (const file of COVERAGE[item.id] ?? []) {
      const list = titles.get(file);
      if (list === undefined) problems.push(`${item.id}: ${file} does not exist`);
      else if (!list.some((title) => titleNames(title, item)))
        problems.push(
          `${item.id}: no test in ${file} names it (§${item.section} + ${item.names.join(", ")})`,
        );
    }
  }
  assert.deepEqual(
    problems,
    [],
    `uncovered reference items (${ref.path}):\n` + problems.join("\n"),
  );
});

test("the coverage checker rejects titles that do not name the item", async () => {
  const { extractItems: extract, titleNames: names } = await import("./reference-items.mjs");
  const items = extract(
    "### 3.1 Logging\n| H | S |\n|---|---|\n| `proxy_log` | x |\n| `proxy_get_status` | y |\n\n## 8. Checklist\n1. a\n10. b\n",
  );
  assert.deepEqual(
    items.map((i) => i.id),
    ["§3.1 proxy_log", "§3.1 proxy_get_status", "§8.1", "§8.10"],
  );
  const [log, status, c1, c10] = items;
  assert.equal(names("§3.1 proxy_log: levels", log), true);
  assert.equal(names("§3.10 proxy_log", log), false); // §3.1 is not §3.10
  assert.equal(names("§3.1 log levels", log), false); // "log" alone does not name proxy_log
  assert.equal(names("§3.1 get_status after a failure", status), true);
  assert.equal(names("§8.10 callouts", c1), false);
  assert.equal(names("§8.10 callouts", c10), true);
});
