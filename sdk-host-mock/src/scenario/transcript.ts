/**
 * The transcript of a scenario run in the conformance facts format `pw-facts/1`
 * (shared/conformance/README.md): `{format, start, facts, final}`. Facts are appended as the run
 * goes: lifecycle markers, steps, stream creation, host→plugin calls with their raw return,
 * plugin→host hostcalls with decoded arguments, results and outputs, log records, traps.
 */
import { defineOwn } from "../properties.js";
import type { TraceEntry } from "../vm.js";

/** One fact (`k` says which kind). */
export type Fact = { k: string } & Record<string, unknown>;

/** The whole transcript. */
export interface Transcript {
  format: "pw-facts/1";
  start: { ok: boolean; abi?: string; error?: string };
  facts: Fact[];
  final: Record<string, unknown>;
}

/** Collects facts; turns the host mock's trace into call / hostcall / log / trap facts. */
export class TranscriptBuilder {
  readonly transcript: Transcript = {
    format: "pw-facts/1",
    start: { ok: false },
    facts: [],
    final: {},
  };

  /** Appends a fact and returns it (step facts are completed after the step ran). */
  add(fact: Fact): Fact {
    this.transcript.facts.push(fact);
    return fact;
  }

  /** Appends the facts for trace entries (in order), then a trap fact per trapped call. */
  addTrace(entries: readonly TraceEntry[]): void {
    const traps: Fact[] = [];
    for (const e of entries) {
      if (e.kind === "call") {
        const f: Fact = { k: "call", fn: e.fn, args: e.args.map(jsonNumber) };
        if (e.ret !== null) f.ret = e.ret;
        if (e.trap !== undefined) {
          f.trap = e.trap;
          traps.push({ k: "trap", fn: e.fn, message: e.trap });
        }
        this.add(f);
        continue;
      }
      // proxy_log is shown as its log record; a rejected proxy_log stays a hostcall.
      const isLog = e.fn === "proxy_log" && e.result === "Ok";
      if (!isLog) {
        const f: Fact = {
          k: "hostcall",
          fn: e.fn,
          ctx: e.contextId,
          args: e.decodedArgs ?? {},
        };
        if (typeof e.result === "number") f.result = { errno: e.result };
        else if (e.result !== null) f.result = e.result;
        if (e.decodedOut !== undefined) f.out = e.decodedOut;
        this.add(f);
      }
      for (const l of e.logs ?? []) {
        const f: Fact = { k: "log", level: l.level, message: l.message };
        if (l.via) f.via = l.via;
        this.add(f);
      }
    }
    for (const t of traps) this.add(t);
  }
}

function jsonNumber(v: number | bigint): number | string {
  return typeof v === "bigint" ? v.toString() : v;
}

/** JSON text with object keys sorted (the facts files' layout), indented by one space. */
export function stringifyTranscript(value: unknown, indent = 1): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort())
      defineOwn(out, k, sortKeys((value as Record<string, unknown>)[k]));
    return out;
  }
  return value;
}
