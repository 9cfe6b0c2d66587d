// One fuzz input each: a hostcall-fuzzer run with a seed, or a malformed / mutated module.
// Each returns an outcome name; a thrown error is a host bug (an unexpected exception, or a
// corrupted neighbour VM).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  Host,
  PluginLoadError,
  PluginTrapError,
  instrumentFuel,
} from "../../sdk-host-mock/dist/index.js";
import { plugin } from "../sdk/plugins.mjs";
import { FUZZED_ABIS, hostcallFuzzer } from "./hostcall-fuzzer.mjs";
import { prng } from "./prng.mjs";

// The neighbour registers no queue and arms no timer: nothing the fuzzed plugin may legitimately
// do (e.g. enqueue on a process-wide queue token) reaches it, so its memory must not change.
const SENTINEL = plugin("sandbox-roots");
const MUTATED = plugin("sandbox-misbehave");
const GET = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "example.com"],
];

/** Expected failures of a misbehaving plugin; anything else is rethrown as a host bug. */
function expected(e) {
  if (e instanceof PluginTrapError || e instanceof PluginLoadError) return e.name;
  throw e;
}

/** Runs `fn`; returns "ok" or the name of an expected failure. */
function attempt(fn) {
  try {
    fn();
    return "ok";
  } catch (e) {
    return expected(e);
  }
}

const digest = (p) =>
  createHash("sha256").update(new Uint8Array(p.instanceExports.memory.buffer)).digest("hex");

/** A well-behaved neighbour in the same Host (same vm_id): it must be untouched by the input. */
function sentinel(host) {
  const p = host.loadPlugin({ wasm: SENTINEL, vmId: "fuzz", name: "sentinel", rootId: "alpha" });
  const s = p.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  s.complete();
  return { p, memory: digest(p) };
}

function checkSentinel(host, { p, memory }) {
  if (p.failed) throw new Error("the neighbour VM failed");
  if (digest(p) !== memory) throw new Error("the neighbour VM's memory changed while it was idle");
  const s = p.newHttpStream();
  s.sendRequestHeaders(GET, { endOfStream: true });
  s.complete();
  if (p.failed || s.requestHeader("x-vm-streams") !== "2")
    throw new Error("the neighbour VM misbehaves after the input");
}

/** Context shared by the inputs of one run (compiled modules). */
export function fuzzContext() {
  return {
    hostcallFuzzers: FUZZED_ABIS.map((abi) => hostcallFuzzer(abi)),
    base: instrumentFuel(new Uint8Array(readFileSync(MUTATED))),
  };
}

/**
 * One hostcall-fuzzer input: the fuzzer plugin of ABI version `seed % 3`, loaded with `seed`,
 * driven through every kind of event; then the neighbour is checked.
 */
export function hostcallInput(ctx, seed) {
  const host = new Host({ now: 0 });
  const guard = sentinel(host);
  let p;
  const load = attempt(() => {
    p = host.loadPlugin({
      wasm: ctx.hostcallFuzzers[seed % ctx.hostcallFuzzers.length],
      vmId: "fuzz",
      clusters: ["c"],
      onInstance: (exports) => (exports.seed.value = seed | 1),
    });
  });
  const outcomes = [load];
  if (p) {
    const steps = [
      () => {
        const s = p.newHttpStream();
        s.sendRequestHeaders(GET);
        s.sendRequestBody("hello", { endOfStream: true });
        s.sendResponseHeaders([[":status", "200"]]);
        s.sendResponseBody("world");
        s.sendResponseTrailers([["t", "1"]]);
        s.complete();
      },
      () => host.advanceTime(25),
      () => {
        for (const c of p.httpCalls.filter((c) => !c.answered))
          p.respondToHttpCall(c, { body: "x" });
      },
      () => {
        for (const g of p.grpcCalls.filter((g) => !g.done && g.kind === "call"))
          p.respondToGrpcCall(g.token, { message: "m" });
      },
      () => p.callForeignFunction(1, "args"),
      () => {
        const t = p.newTcpStream();
        t.sendNewConnection();
        t.sendDownstreamData("ping");
        t.sendUpstreamData("pong", { endOfStream: true });
        t.closeDownstream();
      },
      () => p.tick(),
      () => host.advanceTime(25),
      () => p.shutdown(),
    ];
    for (const step of steps) outcomes.push(attempt(step));
  }
  checkSentinel(host, guard);
  return outcomes.includes("PluginTrapError") ? "trap" : load === "ok" ? "ok" : "load-error";
}

/** Offset of the code section (id 10) of a well-formed module, or its length. */
function codeSectionStart(bytes) {
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    let size = 0;
    let shift = 0;
    let i = at + 1;
    for (;;) {
      const b = bytes[i++];
      size |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    if (id === 10) return at;
    at = i + size;
  }
  return bytes.length;
}

/** One malformed-module input: random bytes, or a mutation of a real (fuel-instrumented) plugin. */
export function moduleInput(ctx, seed) {
  const r = prng(seed);
  let bytes;
  const kind = r.int(4);
  if (kind === 0) {
    bytes = new Uint8Array(r.int(256));
    for (let i = 0; i < bytes.length; i++) bytes[i] = r.int(256);
    if (r.int(2)) bytes.set([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0].slice(0, bytes.length));
  } else {
    bytes = ctx.base.slice();
    // kind 1: anywhere; kinds 2–3: in the sections before the code (types, imports, functions,
    // memory, globals, exports), where the host's own checks run.
    const span = kind === 1 ? bytes.length : codeSectionStart(bytes);
    const edits = 1 + r.int(4);
    for (let e = 0; e < edits; e++) {
      const at = r.int(Math.min(span, bytes.length));
      switch (r.int(4)) {
        case 0:
          bytes[at] ^= 1 << r.int(8);
          break;
        case 1:
          bytes[at] = r.int(256);
          break;
        case 2:
          bytes = bytes.slice(0, at);
          break;
        default:
          bytes = new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + r.int(16))]);
      }
      if (bytes.length === 0) break;
    }
  }
  const host = new Host({ now: 0 });
  const guard = sentinel(host);
  let p;
  const load = attempt(() => {
    // fuel: a mutation may turn a loop infinite; the host must still return.
    p = host.loadPlugin({ wasm: bytes, vmId: "fuzz", fuel: 5_000_000, maxMemoryBytes: 16 << 20 });
  });
  let run = "ok";
  if (p) {
    run = attempt(() => {
      const s = p.newHttpStream();
      s.sendRequestHeaders([...GET, ["x-action", "count"]], { endOfStream: true });
      s.complete();
    });
  }
  checkSentinel(host, guard);
  return load !== "ok" ? "load-error" : run === "ok" ? "ok" : "trap";
}
