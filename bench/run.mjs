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
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as prettier from "prettier";
import { Host } from "../sdk-host-mock/dist/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 5 : 15;
const REQUESTS = quick ? 3_000 : 15_000;
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

/** bench/b1-strings.ts: B1 with strings and the SDK's compiler preset, without the SDK. */
async function compileStringsB1() {
  const out = join(work, "b1-strings.wasm");
  mkdirSync(work, { recursive: true });
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const { error } = await asc.main(
      [
        "bench/b1-strings.ts",
        "--config",
        "tests/plugins/asconfig.json",
        "--target",
        "release",
        "-o",
        out,
      ],
      { stdout: process.stdout, stderr: process.stderr },
    );
    if (error) throw error;
  } finally {
    process.chdir(cwd);
  }
  return readFileSync(out);
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

/** One full B1 request: create, request headers, response headers, log, done, delete. */
function b1Exchange(plugin) {
  const s = plugin.newHttpStream();
  s.sendRequestHeaders(b1Request, { endOfStream: true });
  s.sendResponseHeaders(b1Response, { endOfStream: true });
  s.complete();
}

/**
 * B1 without the host mock: the module is instantiated with stub imports (every import returns
 * 0; `get_header_map_value` hands over a fixed user-agent through the module's allocator) and the
 * exports a host calls per request are called directly. What remains is the module's own work
 * plus the bare JS↔wasm calls, so the SDK's cost shows without the host mock's ~4 µs around it.
 */
function stubHostB1(wasm) {
  const module = new WebAssembly.Module(wasm);
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    imports[imp.module] ??= {};
    if (imp.kind === "function") imports[imp.module][imp.name] = () => 0;
  }
  let exports;
  const userAgent = new TextEncoder().encode("Mozilla/5.0 (bench)");
  imports.env.proxy_get_header_map_value = (_map, _kp, _ks, outPtr, outSize) => {
    const allocate = exports.malloc ?? exports.proxy_on_memory_allocate;
    const ptr = allocate(userAgent.length);
    new Uint8Array(exports.memory.buffer, ptr, userAgent.length).set(userAgent);
    const view = new DataView(exports.memory.buffer);
    view.setUint32(outPtr, ptr, true);
    view.setUint32(outSize, userAgent.length, true);
    return 0;
  };
  imports.env.proxy_get_log_level = (out) => {
    new DataView(exports.memory.buffer).setUint32(out, 2, true);
    return 0;
  };
  exports = new WebAssembly.Instance(module, imports).exports;
  exports._start?.();
  exports.proxy_on_context_create?.(1, 0);
  exports.proxy_on_vm_start?.(1, 0);
  exports.proxy_on_configure?.(1, 0);
  const none = () => 0;
  const create = exports.proxy_on_context_create ?? none;
  const requestHeaders = exports.proxy_on_request_headers;
  const responseHeaders = exports.proxy_on_response_headers;
  const onLog = exports.proxy_on_log ?? none;
  const onDone = exports.proxy_on_done ?? none;
  const onDelete = exports.proxy_on_delete ?? none;
  let id = 2;
  return () => {
    const context = id++;
    create(context, 1);
    requestHeaders(context, 5, 1);
    responseHeaders(context, 2, 1);
    onLog(context);
    onDone(context);
    onDelete(context);
  };
}

/** Median ns per request of each B1 module with the stub host (interleaved rounds). */
function measureStub(entries) {
  const runs = entries.map((entry) => stubHostB1(entry.wasm));
  const n = quick ? 20_000 : 100_000;
  runs.forEach((run) => timeRequests(run, n));
  const samples = entries.map(() => []);
  for (let round = 0; round < (quick ? 5 : 15); round++) {
    runs.forEach((run, i) => samples[i].push(timeRequests(run, n)));
  }
  return samples.map(median);
}

/** Bytes of code per function name, from a module with a name section. */
function functionSizes(wasm) {
  let at = 8;
  const leb = () => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = wasm[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  let imported = 0;
  const bodies = [];
  const names = new Map();
  while (at < wasm.length) {
    const id = wasm[at++];
    const size = leb();
    const end = at + size;
    if (id === 2) {
      for (let i = leb(); i > 0; i--) {
        for (let part = 0; part < 2; part++) {
          const length = leb(); // module name, then field name
          at += length;
        }
        const kind = wasm[at++];
        if (kind === 0) {
          leb();
          imported++;
        } else if (kind === 1) {
          at++;
          const flags = leb();
          leb();
          if (flags & 1) leb();
        } else if (kind === 2) {
          const flags = leb();
          leb();
          if (flags & 1) leb();
        } else {
          at += 2;
        }
      }
    } else if (id === 10) {
      for (let i = leb(); i > 0; i--) {
        const bodySize = leb();
        bodies.push(bodySize);
        at += bodySize;
      }
    } else if (id === 0) {
      const nameLength = leb();
      const name = Buffer.from(wasm.subarray(at, at + nameLength)).toString();
      at += nameLength;
      if (name === "name") {
        while (at < end) {
          const sub = wasm[at++];
          const subSize = leb();
          const subEnd = at + subSize;
          if (sub === 1) {
            for (let i = leb(); i > 0; i--) {
              const index = leb();
              const length = leb();
              names.set(index, Buffer.from(wasm.subarray(at, at + length)).toString());
              at += length;
            }
          }
          at = subEnd;
        }
      }
    }
    at = end;
  }
  return bodies.map((size, i) => [names.get(imported + i) ?? `func ${imported + i}`, size]);
}

/** Groups B1's code by where it comes from (the components the size budget is spent on). */
const SIZE_COMPONENTS = [
  [
    "GC runtime (TLSF allocator + incremental collector, shadow stack)",
    /^~lib\/rt\/|^~stack_check|^~lib\/memory|^~lib\/rt$/,
  ],
  ["SDK dispatcher (roots, context table, callbacks)", /proxy-wasm-as\/assembly\/dispatcher\//],
  ["SDK hostcall wrappers and API classes", /proxy-wasm-as\/assembly\/(hostcalls|api|util)\//],
  ["abort reporting (message + location to the host log)", /proxy_wasm_abort/],
  [
    "strings, arrays and numbers (std library)",
    /^~lib\/(string|util|array|staticarray|arraybuffer|number)/,
  ],
  ["the plugin's own code (tests/plugins/bench-b1.ts)", /bench-b1/],
  ["module start (globals, registration)", /^~start|^start:/],
];

/** B1's release code, compiled once more with function names, grouped by component. */
async function sizeBreakdown() {
  const out = join(work, "bench-b1.names.wasm");
  mkdirSync(work, { recursive: true });
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const { error } = await asc.main(
      [
        "tests/plugins/bench-b1.ts",
        "--config",
        "tests/plugins/asconfig.json",
        "--target",
        "release",
        "--debug",
        "-o",
        out,
      ],
      { stdout: process.stdout, stderr: process.stderr },
    );
    if (error) throw error;
  } finally {
    process.chdir(cwd);
  }
  const groups = new Map(SIZE_COMPONENTS.map(([label]) => [label, 0]));
  groups.set("other", 0);
  const largest = [];
  for (const [name, size] of functionSizes(readFileSync(out))) {
    const component = SIZE_COMPONENTS.find(([, pattern]) => pattern.test(name));
    const label = component ? component[0] : "other";
    groups.set(label, groups.get(label) + size);
    largest.push([name, size]);
  }
  largest.sort((a, b) => b[1] - a[1]);
  return { groups, largest: largest.slice(0, 8) };
}

/** A B1 module as a bench case: a fresh host and plugin, one full request per run. */
function b1Case(name, wasm) {
  return {
    name,
    wasm,
    minimumHostcalls: 3,
    setup(bytes) {
      const plugin = new Host().loadPlugin({ wasm: bytes });
      return { plugin, run: () => b1Exchange(plugin) };
    },
  };
}

/**
 * The cases of every example: each examples/<name>/ with an asconfig.json is listed; its
 * bench.mjs hook (see examples/bench-kit.mjs) says what to measure. A missing hook, a missing
 * build or a failing hook becomes a visible line of the report instead of a crash.
 */
async function examples() {
  const dir = join(root, "examples");
  const cases = [];
  const problems = [];
  for (const name of readdirSync(dir).sort()) {
    if (!existsSync(join(dir, name, "asconfig.json"))) continue;
    const hook = join(dir, name, "bench.mjs");
    const wasmFile = join(dir, name, "build", `${name}.wasm`);
    if (!existsSync(hook)) {
      problems.push(
        `${name}: no bench hook (add examples/${name}/bench.mjs, see examples/bench-kit.mjs)`,
      );
      continue;
    }
    if (!existsSync(wasmFile)) {
      problems.push(`${name}: not built (${wasmFile} missing; run node scripts/build-plugins.mjs)`);
      continue;
    }
    try {
      const { default: list } = await import(pathToFileURL(hook).href);
      const wasm = readFileSync(wasmFile);
      for (const c of list) {
        const entry = { ...c, name: `${name} (${c.name})`, wasm };
        // Try the case once so that a broken hook is reported here, not mid-measurement.
        entry.setup(wasm).run();
        cases.push(entry);
      }
    } catch (error) {
      problems.push(
        `${name}: bench hook failed: ${error instanceof Error ? error.message : error}`,
      );
    }
  }
  return { cases, problems };
}

// ------------------------------------------------------------------------------- measuring
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timeRequests(run, n) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) run();
  return Number(process.hrtime.bigint() - start) / n;
}

function hostcallsPerRequest(entry) {
  const { plugin, run } = entry.setup(entry.wasm);
  for (let i = 0; i < 10; i++) run();
  const before = { ...plugin.hostcallCounts };
  const n = 1000;
  for (let i = 0; i < n; i++) run();
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
  const { plugin, run } = entry.setup(entry.wasm);
  const pages = () => plugin.memoryBytes;
  for (let i = 0; i < 1_000; i++) run();
  const after1k = pages();
  for (let i = 1_000; i < (quick ? 20_000 : 100_000); i++) run();
  return { after1k, afterMany: pages() };
}

function startTime(entry) {
  const samples = [];
  for (let i = 0; i < (quick ? 5 : 15); i++) {
    const t = process.hrtime.bigint();
    entry.setup(entry.wasm);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(samples);
}

/** Measures every entry in interleaved rounds; returns the median ns/request per entry. */
function measure(entries) {
  const runs = entries.map((entry) => entry.setup(entry.wasm).run);
  runs.forEach((run) => timeRequests(run, WARMUP));
  const samples = entries.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    runs.forEach((run, i) => {
      // The other modules ran in between: warm this one's caches before timing it.
      timeRequests(run, REQUESTS / 10);
      samples[i].push(timeRequests(run, REQUESTS));
    });
  }
  return samples;
}

/**
 * Median over rounds of `a`'s time divided by `b`'s in the same round: the two ran back to back,
 * so this ratio shrugs off load that changes between rounds better than a ratio of medians.
 */
function roundRatio(a, b) {
  return median(a.map((value, round) => value / b[round]));
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
/** Bytes per section of a wasm module (code, data, imports, exports, names…). */
function sectionSizes(wasm) {
  const names = ["custom", "type", "import", "function", "table", "memory", "global", "export"];
  names.push("start", "element", "code", "data", "data count");
  const sizes = {};
  let at = 8;
  const leb = () => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = wasm[at++];
      value |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  while (at < wasm.length) {
    const id = wasm[at++];
    const size = leb();
    const name = names[id] ?? `section ${id}`;
    sizes[name] = (sizes[name] ?? 0) + size;
    at += size;
  }
  return sizes;
}

const started = Date.now();
const loadBefore = os.loadavg();
const sdkB1 = b1Case(
  "B1 proxy-wasm-as",
  readFileSync(join(root, "tests/plugins/build/bench-b1.wasm")),
);
const b1 = [sdkB1];
let rawAsFull = null;
if (existsSync(shared)) {
  const wat = await compileRawWat();
  const rawAs = await compileRawAs();
  rawAsFull = b1Case("B1 raw AS (full)", rawAs.full);
  b1.push(
    rawAsFull,
    b1Case("B1 raw AS (min)", rawAs.min),
    b1Case("B1 raw WAT (full)", wat.full),
    b1Case("B1 raw WAT (min)", wat.min),
  );
} else {
  console.warn(`(${shared} not found: raw baselines skipped)`);
}
b1.push(b1Case("B1 AS strings, no SDK", await compileStringsB1()));
const { cases: exampleCases, problems } = await examples();
const all = [...b1, ...exampleCases];
// B1's modules first and alone: with two dozen other modules loaded and run in between, the
// garbage-collected ones measured ~0.5 µs slower per request (cache and JIT state shared
// with the other modules), which would blur the SDK-vs-raw comparison the budget is about.
const roundSamples = [...measure(b1), ...measure(exampleCases)];
const nsPerRequest = roundSamples.map(median);
const stubNs = measureStub(b1);
const sizes = await sizeBreakdown();
const rows = all.map((entry, i) => ({
  entry,
  ns: nsPerRequest[i],
  calls: hostcallsPerRequest(entry),
  size: entry.wasm.length,
  memory: memoryAfter(entry),
}));
const sdkNs = rows[0].ns;
const rawNs = rawAsFull ? rows[1].ns : null;
const ratioToRaw = (i) => roundRatio(roundSamples[i], roundSamples[1]);
const sdkRatio = rawAsFull ? ratioToRaw(0) : null;
const vmStartMs = startTime(sdkB1);
const loadAfterMeasuring = os.loadavg();
const suiteSeconds = quick ? null : testSuiteSeconds();

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const fmtNs = (ns) => `${Math.round(ns).toLocaleString("en-US")}`;
const fmtCalls = (n) => `${Math.round(n * 100) / 100}`;
const many = quick ? "20k" : "100k";
const lines = [
  `| module | ns/request | vs raw AS (full) | host calls/request (min) | release .wasm | memory after 1k → ${many} |`,
  "| --- | ---: | ---: | ---: | ---: | ---: |",
];
for (const row of rows) {
  const isB1 = b1.includes(row.entry);
  const ratio =
    rawNs && isB1
      ? `${ratioToRaw(rows.indexOf(row)).toFixed(2)}× (${row.ns >= rawNs ? "+" : ""}${fmtNs(row.ns - rawNs)} ns)`
      : "";
  const calls = `${fmtCalls(row.calls.total)} (${fmtCalls(row.entry.minimumHostcalls)})`;
  const flag = row.calls.total > row.entry.minimumHostcalls + 1e-9 ? " ⚠" : "";
  lines.push(
    `| ${row.entry.name} | ${fmtNs(row.ns)} | ${ratio} | ${calls}${flag} | ${kb(row.size)} | ${kb(row.memory.after1k)} → ${kb(row.memory.afterMany)} |`,
  );
}
for (const problem of problems) lines.push(`| ${problem} | — | | — | — | — |`);
const callDetail = rows
  .map((row) => {
    const calls =
      Object.entries(row.calls.perCall)
        .map(([n, c]) => `${n} ×${fmtCalls(c)}`)
        .join(", ") || "none";
    const why = row.entry.minimumWhy ? ` — minimum: ${row.entry.minimumWhy}` : "";
    return `- ${row.entry.name}: ${calls}${why}`;
  })
  .join("\n");
const stubRawNs = rawAsFull ? stubNs[1] : null;
const stubLines = [
  "| module | ns/request (stub host) | vs raw AS (full) |",
  "| --- | ---: | ---: |",
  ...b1.map(
    (entry, i) =>
      `| ${entry.name} | ${fmtNs(stubNs[i])} | ${
        stubRawNs
          ? `${(stubNs[i] / stubRawNs).toFixed(2)}× (${stubNs[i] >= stubRawNs ? "+" : ""}${fmtNs(stubNs[i] - stubRawNs)} ns)`
          : ""
      } |`,
  ),
];
const sizeLines = [
  "| component | bytes |",
  "| --- | ---: |",
  ...[...sizes.groups]
    .filter(([, bytes]) => bytes > 0)
    .map(([label, bytes]) => `| ${label} | ${bytes.toLocaleString("en-US")} |`),
];
const largest = sizes.largest
  .map(([name, size]) => `\`${name.replace(/^~lib\/proxy-wasm-as\/assembly\//, "")}\` ${size}`)
  .join(", ");
const sections = sectionSizes(sdkB1.wasm);
const sectionLine = Object.entries(sections)
  .sort((a, b) => b[1] - a[1])
  .map(([name, size]) => `${name} ${size.toLocaleString("en-US")}`)
  .join(", ");

const budgets = [
  [
    "B1 per request ≤ 1.2× raw AS (full)",
    sdkRatio === null ? null : sdkRatio <= 1.2,
    sdkRatio === null ? "n/a" : `${sdkRatio.toFixed(2)}×`,
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
const limitsFile = join(root, "bench", "limits.md");
const limits = existsSync(limitsFile) ? readFileSync(limitsFile, "utf8").trim() : "";

const cpus = os.cpus();
const machine = `${cpus[0]?.model ?? "unknown CPU"} × ${cpus.length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
const load = (l) => l.map((x) => x.toFixed(2)).join(" / ");
const report = `# Benchmarks

Generated by \`npm run bench${quick ? " -- --quick" : ""}\` on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; do not edit by hand.

Machine: ${machine}.
Load average (1 / 5 / 15 min) ${load(loadBefore)} before measuring, ${load(loadAfterMeasuring)} after
(${cpus.length} cores: a load average above ${cpus.length} means other processes competed for the CPU and
absolute times are inflated; ratios within one run stay comparable).
Method: each module runs the same full request (context create, request headers, response
headers, body where the case has one, log, done, delete) in the host mock, in one process;
${ROUNDS} interleaved rounds of ${REQUESTS.toLocaleString("en-US")} requests after ${WARMUP.toLocaleString("en-US")} warm-up requests; medians (the ratio to raw AS is the
median of the per-round ratios: the two modules run back to back in each round).
The per-request time includes the host mock's own work, which is the same for every module of a
job: the difference to the raw module is the SDK's cost. Each example's cases come from its
\`bench.mjs\` hook (see \`examples/bench-kit.mjs\`); ⚠ marks more host calls than the job's minimum.

${lines.join("\n")}

Host calls per request:
${callDetail}

B1 without the host mock (stub imports, exports called directly; the module's own work per
request plus bare JS↔wasm calls, ${quick ? 5 : 15} interleaved rounds, medians):

${stubLines.join("\n")}

B1 proxy-wasm-as release module by section (bytes): ${sectionLine}.
Its code by component (bytes of function bodies):

${sizeLines.join("\n")}

Largest functions (bytes): ${largest}.

Host mock: ${Math.round(1e9 / sdkNs).toLocaleString("en-US")} full B1 requests/s on one core; VM start (load, link, \`_start\`, root create, vm_start, configure) ${vmStartMs.toFixed(2)} ms (median).
${suiteSeconds === null ? "" : `Test suite (\`node --test tests/ examples/\`, plugins prebuilt): ${suiteSeconds.toFixed(1)} s wall.\n`}
## Budgets (issue "Benchmarks and performance budgets")

${budgetLines.join("\n")}

${limits}
`;
console.log(report);
if (quick && !process.argv.includes("--write")) {
  console.log("(--quick: BENCHMARKS.md left alone; add --write to rewrite it)");
} else {
  const target = join(root, "BENCHMARKS.md");
  const options = (await prettier.resolveConfig(target)) ?? {};
  writeFileSync(target, await prettier.format(report, { ...options, filepath: target }));
  console.log("BENCHMARKS.md rewritten");
}
console.log(`bench: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
