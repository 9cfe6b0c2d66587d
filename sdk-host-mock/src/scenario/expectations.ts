/**
 * Checks of `expect` steps against the state of a scenario run. Each check returns the failures
 * as messages naming the field; the runner prefixes them with the file line of that field.
 */
import { utf8 } from "../memory.js";
import type { Host } from "../host.js";
import type { Plugin } from "../plugin.js";
import type { HeaderList } from "../header-map.js";
import type { StreamEntry } from "./state.js";

/** A header expectation as validated: the whole list, or a subset by name. */
type HeaderMatch = { exact: HeaderList } | { subset: Record<string, string | null> };

/** What the checks can look at. */
export interface ExpectContext {
  host: Host;
  plugin: Plugin;
  streams: Map<string, StreamEntry>;
}

/** One failed check: the field it came from and why. */
export interface CheckFailure {
  field: string;
  message: string;
}

const show = (v: unknown): string => JSON.stringify(v);

function matchHeaders(what: string, actual: HeaderList, want: HeaderMatch): string | null {
  if ("exact" in want) {
    return show(actual) === show(want.exact)
      ? null
      : `${what}: expected ${show(want.exact)}, got ${show(actual)}`;
  }
  const problems: string[] = [];
  for (const [name, value] of Object.entries(want.subset)) {
    const found = actual.find(([k]) => k === name.toLowerCase());
    if (value === null && found) problems.push(`"${name}" should be absent, is ${show(found[1])}`);
    if (value !== null && !found) problems.push(`"${name}" is missing (expected ${show(value)})`);
    if (value !== null && found && found[1] !== value)
      problems.push(`"${name}" is ${show(found[1])}, expected ${show(value)}`);
  }
  return problems.length === 0 ? null : `${what}: ${problems.join("; ")} (all: ${show(actual)})`;
}

function subsetOf(
  what: string,
  actual: Record<string, unknown>,
  want: Record<string, unknown>,
): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(want)) {
    const a = actual[k];
    if (v !== null && typeof v === "object" && ("exact" in v || "subset" in v)) {
      const m = matchHeaders(`${what}.${k}`, a as HeaderList, v as HeaderMatch);
      if (m) out.push(m);
    } else if (show(a) !== show(v)) {
      out.push(`${what}.${k}: expected ${show(v)}, got ${show(a)}`);
    }
  }
  return out;
}

/** Runs every check of one `expect` step. */
export function checkExpect(args: Record<string, unknown>, ctx: ExpectContext): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const fail = (field: string, message: string): void => {
    failures.push({ field, message });
  };
  const name = args.stream as string;
  const entry = ctx.streams.get(name);
  const needStream = (field: string, kind: "http" | "tcp") => {
    if (!entry) {
      fail(field, `no stream "${name}" in this scenario (so far)`);
      return null;
    }
    if (entry.kind !== kind) {
      fail(field, `"${name}" is ${entry.kind === "http" ? "an HTTP stream" : "a TCP connection"}`);
      return null;
    }
    return entry;
  };
  for (const [field, want] of Object.entries(args)) {
    switch (field) {
      case "stream":
        break;
      case "status": {
        if (!entry) fail(field, `no stream "${name}"`);
        else if (entry.lastStatus !== want)
          fail(
            field,
            `last status of "${name}" is ${show(entry.lastStatus)}, expected ${show(want)}`,
          );
        break;
      }
      case "request_headers":
      case "response_headers":
      case "request_trailers":
      case "response_trailers": {
        const e = needStream(field, "http");
        if (e?.kind !== "http") break;
        const s = e.stream;
        const actual =
          field === "request_headers"
            ? s.requestHeaders
            : field === "response_headers"
              ? s.responseHeaders
              : field === "request_trailers"
                ? s.requestTrailers
                : s.responseTrailers;
        const m = matchHeaders(`${field} of "${name}"`, actual, want as HeaderMatch);
        if (m) fail(field, m);
        break;
      }
      case "request_body":
      case "response_body": {
        const e = needStream(field, "http");
        if (e?.kind !== "http") break;
        const actual =
          field === "request_body" ? e.stream.requestBodyText : e.stream.responseBodyText;
        if (actual !== want)
          fail(field, `${field} forwarded by "${name}" is ${show(actual)}, expected ${show(want)}`);
        break;
      }
      case "local_reply": {
        const e = needStream(field, "http");
        if (e?.kind !== "http") break;
        const r = e.stream.localResponse;
        if (want === null) {
          if (r !== null)
            fail(
              field,
              `"${name}" got a local reply ${r.status} (${show(r.bodyText)}), expected none`,
            );
          break;
        }
        if (r === null) {
          fail(field, `"${name}" got no local reply`);
          break;
        }
        const actual = {
          status: r.status,
          body: r.bodyText,
          details: r.details,
          grpc_status: r.grpcStatus,
          headers: r.headers,
        };
        for (const m of subsetOf("local_reply", actual, want as Record<string, unknown>))
          fail(field, m);
        break;
      }
      case "downstream_data":
      case "upstream_data": {
        const e = needStream(field, "tcp");
        if (e?.kind !== "tcp") break;
        const actual =
          field === "downstream_data" ? e.stream.downstreamText : e.stream.upstreamText;
        if (actual !== want)
          fail(field, `${field} forwarded by "${name}" is ${show(actual)}, expected ${show(want)}`);
        break;
      }
      case "closed": {
        const e = needStream(field, "tcp");
        if (e?.kind === "tcp" && e.stream.closed !== want)
          fail(field, `"${name}" closed is ${e.stream.closed}, expected ${show(want)}`);
        break;
      }
      case "logs_contain":
      case "logs_not_contain": {
        const texts = Array.isArray(want) ? (want as string[]) : [want as string];
        const messages = ctx.plugin.logs.map((l) => l.message);
        for (const t of texts) {
          const found = messages.some((m) => m.includes(t));
          if (field === "logs_contain" && !found)
            fail(field, `no log record contains ${show(t)} (logs: ${show(messages.slice(-10))})`);
          if (field === "logs_not_contain" && found)
            fail(
              field,
              `a log record contains ${show(t)}: ${show(messages.find((m) => m.includes(t)))}`,
            );
        }
        break;
      }
      case "metrics": {
        const metrics = ctx.host.metrics;
        for (const [metric, v] of Object.entries(want as Record<string, unknown>)) {
          const m = Object.hasOwn(metrics, metric) ? metrics[metric] : undefined;
          if (v === null) {
            if (m) fail(field, `metric "${metric}" is defined (${m.type}), expected undefined`);
          } else if (!m) {
            fail(field, `metric "${metric}" is not defined`);
          } else if (Array.isArray(v)) {
            if (show(m.samples) !== show(v))
              fail(
                field,
                `histogram "${metric}" has samples ${show(m.samples)}, expected ${show(v)}`,
              );
          } else if (m.type === "histogram") {
            fail(field, `"${metric}" is a histogram: expect a list of samples`);
          } else if (m.value !== v) {
            fail(field, `${m.type} "${metric}" is ${m.value}, expected ${v}`);
          }
        }
        break;
      }
      case "shared_data": {
        const data = ctx.plugin.sharedData;
        for (const [key, v] of Object.entries(want as Record<string, string | null>)) {
          const actual = Object.hasOwn(data, key) ? data[key].value : null;
          if (actual !== v)
            fail(field, `shared data "${key}" is ${show(actual)}, expected ${show(v)}`);
        }
        break;
      }
      case "queues": {
        const queues = ctx.host.sharedQueues;
        for (const [queue, items] of Object.entries(want as Record<string, string[]>)) {
          const token = queues.resolve(ctx.plugin.vmId, queue);
          const q = token === null ? null : queues.get(token);
          if (!q) {
            fail(field, `queue "${queue}" is not registered`);
            continue;
          }
          const actual = q.items.map(utf8);
          if (show(actual) !== show(items))
            fail(field, `queue "${queue}" holds ${show(actual)}, expected ${show(items)}`);
        }
        break;
      }
      case "http_calls": {
        const calls = ctx.plugin.httpCalls;
        if (typeof want === "number") {
          if (calls.length !== want)
            fail(field, `${calls.length} HTTP calls dispatched, expected ${want}`);
          break;
        }
        const list = want as Record<string, unknown>[];
        if (calls.length !== list.length)
          fail(field, `${calls.length} HTTP calls dispatched, expected ${list.length}`);
        list.forEach((m, i) => {
          const c = calls[i];
          if (!c) return;
          const actual = {
            cluster: c.cluster,
            headers: c.headers,
            body: c.bodyText,
            trailers: c.trailers,
            timeout_ms: c.timeoutMs,
          };
          for (const msg of subsetOf(`http_calls[${i}]`, actual, m)) fail(field, msg);
        });
        break;
      }
      case "grpc_calls": {
        const calls = ctx.plugin.grpcCalls;
        if (typeof want === "number") {
          if (calls.length !== want)
            fail(field, `${calls.length} gRPC calls opened, expected ${want}`);
          break;
        }
        const list = want as Record<string, unknown>[];
        if (calls.length !== list.length)
          fail(field, `${calls.length} gRPC calls opened, expected ${list.length}`);
        list.forEach((m, i) => {
          const c = calls[i];
          if (!c) return;
          const actual = {
            cluster: c.cluster,
            service_name: c.serviceName,
            method: c.method,
            message: c.messages.length > 0 ? utf8(c.messages[0]) : undefined,
            initial_metadata: c.initialMetadata,
            kind: c.kind,
          };
          for (const msg of subsetOf(`grpc_calls[${i}]`, actual, m)) fail(field, msg);
        });
        break;
      }
      case "vm_failed":
        if (ctx.plugin.failed !== want)
          fail(
            field,
            ctx.plugin.failed
              ? `the VM failed: ${ctx.plugin.failure?.message ?? ""}`
              : "the VM did not fail",
          );
        break;
      case "tick_period_ms":
        if (ctx.plugin.tickPeriodMs !== want)
          fail(field, `tick period is ${ctx.plugin.tickPeriodMs} ms, expected ${show(want)}`);
        break;
      default:
        fail(field, `unknown check "${field}"`);
    }
  }
  return failures;
}
