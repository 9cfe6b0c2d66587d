// circuit-breaker: flow control and circuit breaking per route, in the style of Sentinel.
// Each route (longest path prefix) has a QPS threshold over a one-second sliding window and an
// error-ratio breaker: when the share of failed responses (5xx, resets) in the window reaches
// `errorRatio` (with at least `minRequests`), the breaker opens and requests get 503 for
// `openMs`; then it lets `probes` requests through (half-open) and closes when they all succeed.
// The window slides on ticks (`tickMs`). State is per worker VM, like Sentinel's per-process
// state. Example configuration:
//
//   { "tickMs": 100, "routes": [ { "name": "orders", "prefix": "/orders", "qps": 50,
//       "errorRatio": 0.5, "minRequests": 10, "openMs": 5000, "probes": 1 } ] }
import {
  configAccepted,
  CounterFamily,
  FilterHeadersStatus,
  GaugeFamily,
  getCurrentTimeNanoseconds,
  HeaderPair,
  HttpContext,
  logInfo,
  readPluginConfig,
  registerRootContext,
  Request,
  Response,
  RootContext,
} from "proxy-wasm-as/assembly";
import { Admission, BreakerState, RouteRule, RouteState } from "./route-state";
export * from "proxy-wasm-as/assembly/exports";

const requests = new CounterFamily("circuit_breaker_requests_total", ["route", "decision"]);
const states = new GaugeFamily("circuit_breaker_state", ["route"]);

function nowMs(): u64 {
  return getCurrentTimeNanoseconds() / 1_000_000;
}

function stateName(state: BreakerState): string {
  return state == BreakerState.Open
    ? "open"
    : state == BreakerState.HalfOpen
      ? "half-open"
      : "closed";
}

class BreakerRoot extends RootContext {
  routes: RouteState[] = [];

  onConfigure(size: u32): bool {
    const cfg = readPluginConfig();
    const tickMs = cfg.integer("tickMs", 100, 10, 1000);
    if (cfg.ok && 1000 % tickMs != 0) cfg.fail("tickMs", "must divide 1000");
    const entries = cfg.objectArray("routes");
    if (entries.length == 0 && cfg.ok) cfg.fail("routes", "must list at least one route");
    const rules = new Array<RouteRule>();
    for (let i = 0; i < entries.length; i++) {
      const r = entries[i];
      const prefix = r.requiredString("prefix");
      if (prefix.length > 0 && !prefix.startsWith("/")) r.fail("prefix", 'must start with "/"');
      rules.push(
        new RouteRule(
          r.string("name", prefix),
          prefix,
          <u32>r.integer("qps", 0, 0, 1_000_000),
          r.numberInRange("errorRatio", 0, 0, 1),
          <u32>r.integer("minRequests", 5, 1, 1_000_000),
          <u32>r.integer("openMs", 5000, 1, 3_600_000),
          <u32>r.integer("probes", 1, 1, 1000),
        ),
      );
    }
    if (!configAccepted(cfg)) return false;
    const buckets = <i32>(1000 / tickMs);
    const routes = new Array<RouteState>();
    for (let i = 0; i < rules.length; i++) {
      routes.push(new RouteState(rules[i], buckets));
      // every series is known now: created here, defined in this root callback (M5)
      const name = rules[i].name;
      requests.with([name, "passed"]);
      requests.with([name, "flow_limited"]);
      requests.with([name, "circuit_open"]);
      states.with([name]);
    }
    this.routes = routes;
    this.setTickPeriod(<u32>tickMs);
    logInfo(
      "circuit-breaker: " +
        routes.length.toString() +
        " routes, window " +
        buckets.toString() +
        " x " +
        tickMs.toString() +
        " ms",
    );
    return true;
  }

  onTick(): void {
    for (let i = 0; i < this.routes.length; i++) {
      const route = this.routes[i];
      route.rotate();
      states.with([route.rule.name]).set(<i64>route.state);
    }
  }

  /** Index of the route with the longest prefix of `path`, or -1. */
  match(path: string): i32 {
    let best = -1;
    let bestLength = -1;
    for (let i = 0; i < this.routes.length; i++) {
      const prefix = this.routes[i].rule.prefix;
      if (prefix.length > bestLength && path.startsWith(prefix)) {
        best = i;
        bestLength = prefix.length;
      }
    }
    return best;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new BreakerStream(contextId, this);
  }
}

class BreakerStream extends HttpContext {
  private route: RouteState | null = null;

  constructor(
    id: u32,
    private readonly config: BreakerRoot,
  ) {
    super(id, config);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const path = Request.urlPath();
    const index = path === null ? -1 : this.config.match(path);
    if (index < 0) return FilterHeadersStatus.Continue;
    const route = this.config.routes[index];
    const before = route.state;
    const decision = route.admit(nowMs());
    if (route.state != before) this.changed(route, before);
    const name = route.rule.name;
    if (decision == Admission.Pass) {
      this.route = route;
      requests.with([name, "passed"]).increment();
      return FilterHeadersStatus.Continue;
    }
    if (decision == Admission.FlowLimited) {
      requests.with([name, "flow_limited"]).increment();
      this.sendLocalResponse(
        429,
        "Blocked by flow control",
        [new HeaderPair("retry-after", "1")],
        "flow_limited",
      );
    } else {
      requests.with([name, "circuit_open"]).increment();
      this.sendLocalResponse(
        503,
        "Circuit open",
        [new HeaderPair("x-circuit-breaker", stateName(route.state))],
        "circuit_open",
      );
    }
    return FilterHeadersStatus.StopIteration;
  }

  onLog(): void {
    const route = this.route;
    if (route === null) return;
    // No response code (reset, upstream failure before headers) counts as a failure.
    const code = Response.code();
    const before = route.state;
    route.complete(code < 0 || code >= 500, nowMs());
    if (route.state != before) this.changed(route, before);
  }

  private changed(route: RouteState, before: BreakerState): void {
    logInfo(
      "circuit-breaker: " +
        route.rule.name +
        " " +
        stateName(before) +
        " -> " +
        stateName(route.state),
    );
    states.with([route.rule.name]).set(<i64>route.state);
  }
}

registerRootContext((id: u32) => new BreakerRoot(id), "circuit-breaker");
