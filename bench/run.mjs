#!/usr/bin/env node
// `npm run bench [-- --quick]`: measures the SDK's per-request cost in the host mock against the
// hand-written raw-ABI floor of ../shared/bench/b1 (same job, same process, interleaved runs),
// the examples, host calls per request, module sizes, linear memory after 1k and 100k requests,
// host-mock throughput and VM start time, and the test suite's wall time. Prints a table and
// rewrites BENCHMARKS.md. Medians of several runs; ratios from one run count more than absolute
// times on a noisy machine.
import asc from "assemblyscript/asc";
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import { Host } from "../sdk-host-mock/dist/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 3 : 7;
const REQUESTS = quick ? 5_000 : 30_000;
const WARMUP = quick ? 2_000 : 10_000;
const shared = join(root, "..", "shared", "bench", "b1");
const work = join(root, ".bench");

// ---------------------------------------------------------------------------------- modules
async function compileRawAs() {
  const dir = join(work, "raw-as");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(shared, "raw-as", "assembly"), join(dir, "assembly"), { recursive: true });
  cpSync(join(shared, "raw-as", "asconfig.json"), join(dir, "asconfig.json"));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    for (const [entry, out] of [
      ["assembly/index.ts", "b1.wasm"],
      ["assembly/min.ts", "b1-min.wasm"],
    ]) {
      const { error } = await asc.main([entry, "--target", "release", "-o", out], {
        stdout: process.stdout,
        stderr: process.stderr,
      });
      if (error) throw error;
    }
  } finally {
    process.chdir(cwd);
  }
  return { full: readFileSync(join(dir, "b1.wasm")), min: readFileSync(join(dir, "b1-min.wasm")) };
}

async function compileRawWat() {
  const wabt = await (await import("wabt")).default();
  const compile = (file) =>
    Buffer.from(
      wabt.parseWat(file, readFileSync(join(shared, "raw-wat", file), "utf8")).toBinary({}).buffer,
    );
  return { full: compile("b1.wat"), min: compile("b1-min.wat") };
}

const b1Request = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "bench.example.com"],
  ["user-agent", "Mozilla/5.0 (bench)"],
  ["accept", "*/*"],
];
const b1Response = [
  [":status", "200"],
  ["content-type", "text/plain"],
];

/** One full request: create, request headers, response headers (+ bodies), log, done, delete. */
function b1Exchange(plugin) {
  const s = plugin.newHttpStream();
  s.sendRequestHeaders(b1Request, { endOfStream: true });
  s.sendResponseHeaders(b1Response, { endOfStream: true });
  s.complete();
}

function exampleExchange(request, response, body) {
  return (plugin) => {
    const s = plugin.newHttpStream();
    s.sendRequestHeaders(request, { endOfStream: true });
    if (s.localResponse === null) {
      s.sendResponseHeaders(response, { endOfStream: body === undefined });
      if (body !== undefined) s.sendResponseBody(body, { endOfStream: true });
    }
    s.complete();
  };
}

function examples() {
  const wasm = (name) => readFileSync(join(root, "examples", name, "build", `${name}.wasm`));
  const get = (extra = []) => [[":method", "GET"], [":path", "/"], [":authority", "x"], ...extra];
  return [
    {
      name: "header-rules",
      wasm: wasm("header-rules"),
      rootId: "header-rules", // examples register their root under their name
      configuration: JSON.stringify({
        request: { add: { "x-tenant": "blue" }, remove: ["x-debug"] },
        response: { set: { server: "edge" } },
      }),
      exchange: exampleExchange(get([["x-debug", "1"]]), [[":status", "200"]]),
      minimum: 3,
    },
    {
      name: "api-key (allowed)",
      wasm: wasm("api-key"),
      rootId: "api-key", // examples register their root under their name
      configuration: JSON.stringify({ keys: { "k-1": "app" } }),
      exchange: exampleExchange(get([["x-api-key", "k-1"]]), [[":status", "200"]]),
      minimum: 3,
    },
    {
      name: "api-key (401)",
      wasm: wasm("api-key"),
      rootId: "api-key", // examples register their root under their name
      configuration: JSON.stringify({ keys: { "k-1": "app" } }),
      exchange: exampleExchange(get(), [[":status", "200"]]),
      minimum: 2,
    },
    {
      name: "body-rewrite (1 KiB)",
      wasm: wasm("body-rewrite"),
      rootId: "body-rewrite", // examples register their root under their name
      configuration: JSON.stringify({ replace: { foo: "bar" } }),
      exchange: exampleExchange(
        get(),
        [
          [":status", "200"],
          ["content-type", "text/plain"],
        ],
        "foo ".repeat(256),
      ),
      minimum: 4,
    },
  ];
}

// ------------------------------------------------------------------------------- measuring
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function load(entry) {
  return new Host().loadPlugin({
    wasm: entry.wasm,
    rootId: entry.rootId ?? "",
    configuration: entry.configuration ?? "",
  });
}

function timeRequests(plugin, exchange, n) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) exchange(plugin);
  return Number(process.hrtime.bigint() - start) / n;
}

function hostcallsPerRequest(entry) {
  const plugin = load(entry);
  entry.exchange(plugin);
  const before = { ...plugin.hostcallCounts };
  const n = 100;
  for (let i = 0; i < n; i++) entry.exchange(plugin);
  const perCall = {};
  let total = 0;
  for (const [name, count] of Object.entries(plugin.hostcallCounts)) {
    const delta = (count - (before[name] ?? 0)) / n;
    if (delta > 0) perCall[name.replace(/^proxy_/, "")] = delta;
    total += delta;
  }
  return { total, perCall };
}

function memoryAfter(entry) {
  const plugin = load(entry);
  const pages = () => plugin.instanceExports.memory.buffer.byteLength;
  for (let i = 0; i < 1_000; i++) entry.exchange(plugin);
  const after1k = pages();
  for (let i = 1_000; i < (quick ? 20_000 : 100_000); i++) entry.exchange(plugin);
  return { after1k, afterMany: pages() };
}

function startTime(entry) {
  const samples = [];
  for (let i = 0; i < (quick ? 5 : 15); i++) {
    const t = process.hrtime.bigint();
    load(entry);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(samples);
}

/** Measures every entry in interleaved rounds; returns the median ns/request per entry. */
function measure(entries) {
  const plugins = entries.map(load);
  entries.forEach((entry, i) => timeRequests(plugins[i], entry.exchange, WARMUP));
  const samples = entries.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    entries.forEach((entry, i) =>
      samples[i].push(timeRequests(plugins[i], entry.exchange, REQUESTS)),
    );
  }
  return samples.map(median);
}

function testSuiteSeconds() {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const t = Date.now();
  execFileSync(process.execPath, ["--test", "tests/", "examples/"], {
    cwd: root,
    stdio: "ignore",
    env,
  });
  return (Date.now() - t) / 1000;
}

// ---------------------------------------------------------------------------------- report
const started = Date.now();
const sdkB1 = {
  name: "B1 proxy-wasm-as",
  wasm: readFileSync(join(root, "tests/plugins/build/bench-b1.wasm")),
  exchange: b1Exchange,
  minimum: 3,
};
const b1 = [sdkB1];
let rawAsFull = null;
if (existsSync(shared)) {
  const wat = await compileRawWat();
  const rawAs = await compileRawAs();
  rawAsFull = { name: "B1 raw AS (full)", wasm: rawAs.full, exchange: b1Exchange, minimum: 3 };
  b1.push(
    rawAsFull,
    { name: "B1 raw AS (min)", wasm: rawAs.min, exchange: b1Exchange, minimum: 3 },
    { name: "B1 raw WAT (full)", wasm: wat.full, exchange: b1Exchange, minimum: 3 },
    { name: "B1 raw WAT (min)", wasm: wat.min, exchange: b1Exchange, minimum: 3 },
  );
} else {
  console.warn(`(${shared} not found: raw baselines skipped)`);
}
const all = [...b1, ...examples()];
const nsPerRequest = measure(all);
const rows = all.map((entry, i) => {
  const calls = hostcallsPerRequest(entry);
  const memory = memoryAfter(entry);
  return {
    name: entry.name,
    ns: nsPerRequest[i],
    calls,
    minimum: entry.minimum,
    size: entry.wasm.length,
    memory,
  };
});
const sdkNs = rows[0].ns;
const rawNs = rawAsFull ? rows[1].ns : null;
const vmStartMs = startTime(sdkB1);
const suiteSeconds = quick ? null : testSuiteSeconds();

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const fmtNs = (ns) => `${Math.round(ns).toLocaleString("en-US")}`;
const lines = [];
lines.push(
  `| module | ns/request | vs raw AS (full) | host calls/request (min) | release .wasm | memory after 1k → ${quick ? "20k" : "100k"} |`,
);
lines.push("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const row of rows) {
  const ratio =
    rawNs && row.name.startsWith("B1")
      ? `${(row.ns / rawNs).toFixed(2)}× (${row.ns >= rawNs ? "+" : ""}${fmtNs(row.ns - rawNs)} ns)`
      : "";
  lines.push(
    `| ${row.name} | ${fmtNs(row.ns)} | ${ratio} | ${row.calls.total} (${row.minimum}) | ${kb(row.size)} | ${kb(row.memory.after1k)} → ${kb(row.memory.afterMany)} |`,
  );
}
const callDetail = rows
  .map(
    (row) =>
      `- ${row.name}: ${
        Object.entries(row.calls.perCall)
          .map(([n, c]) => `${n} ×${c}`)
          .join(", ") || "none"
      }`,
  )
  .join("\n");

const budgets = [
  [
    "B1 per request ≤ 1.2× raw AS (full)",
    rawNs ? sdkNs / rawNs <= 1.2 : null,
    rawNs ? `${(sdkNs / rawNs).toFixed(2)}×` : "n/a",
  ],
  ["B1 host calls per request = 3", rows[0].calls.total === 3, `${rows[0].calls.total}`],
  ["B1 release .wasm ≤ 8 KB", rows[0].size <= 8 * 1024, kb(rows[0].size)],
  [
    "no linear-memory growth after warm-up",
    rows.every((r) => r.memory.after1k === r.memory.afterMany),
    "see table",
  ],
  [
    "host mock ≥ 100,000 B1 requests/s",
    1e9 / sdkNs >= 100_000,
    `${Math.round(1e9 / sdkNs).toLocaleString("en-US")}/s`,
  ],
];
const budgetLines = ["| budget | met | measured |", "| --- | --- | --- |"].concat(
  budgets.map(
    ([what, ok, value]) =>
      `| ${what} | ${ok === null ? "n/a" : ok ? "yes" : "**no**"} | ${value} |`,
  ),
);

const machine = `${os.cpus()[0]?.model ?? "unknown CPU"} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
const report = `# Benchmarks

Generated by \`npm run bench${quick ? " -- --quick" : ""}\` on ${new Date().toISOString().slice(0, 10)}; do not edit by hand.

Machine: ${machine}.
Method: each module runs the same full request (context create, request headers, response
headers, body where the example has one, log, done, delete) in the host mock, in one process;
${ROUNDS} interleaved rounds of ${REQUESTS.toLocaleString("en-US")} requests after ${WARMUP.toLocaleString("en-US")} warm-up requests; medians.
The per-request time includes the host mock's own work, which is the same for every module of a
job: the difference to the raw module is the SDK's cost.

${lines.join("\n")}

Host calls per request:
${callDetail}

Host mock: ${Math.round(1e9 / sdkNs).toLocaleString("en-US")} full B1 requests/s on one core; VM start (load, link, \`_start\`, root create, vm_start, configure) ${vmStartMs.toFixed(2)} ms (median).
${suiteSeconds === null ? "" : `Test suite (\`node --test tests/ examples/\`, plugins prebuilt): ${suiteSeconds.toFixed(1)} s wall.\n`}
## Budgets (issue "Benchmarks and performance budgets")

${budgetLines.join("\n")}
`;
const target = join(root, "BENCHMARKS.md");
const options = (await prettier.resolveConfig(target)) ?? {};
writeFileSync(target, await prettier.format(report, { ...options, filepath: target }));
console.log(report);
console.log(
  `bench: done in ${((Date.now() - started) / 1000).toFixed(1)} s; BENCHMARKS.md rewritten`,
);
