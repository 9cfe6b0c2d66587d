// Test plugin: metrics API. Handles are module-level constants (no hostcall until used);
// each request increments by `x-op`.
import {
  Counter,
  CounterFamily,
  FilterHeadersStatus,
  Gauge,
  GaugeFamily,
  Histogram,
  HistogramFamily,
  HttpContext,
  registerRootContext,
  RootContext,
  TagStyle,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

const requests = new Counter("sdk_requests_total");
const inFlight = new Gauge("sdk_in_flight");
const sizes = new Histogram("sdk_request_size");
const unused = new Counter("sdk_never_used");
const byRoute = new CounterFamily("sdk_route_requests", ["route", "method"], TagStyle.Istio, 3);
const dotted = new GaugeFamily("sdk_dotted", ["zone"], TagStyle.Dotted);
const latency = new HistogramFamily("sdk_latency_ms", ["route"]);

class MetricsStream extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const op = this.requestHeaders.get("x-op");
    const arg = this.requestHeaders.get("x-arg");
    let out = "";
    if (op == "count") {
      requests.increment();
      out = requests.increment(2).toString() + " " + requests.value().toString();
    } else if (op == "zero") {
      out = requests.increment(0).toString();
    } else if (op == "gauge") {
      inFlight.set(10);
      inFlight.add(-3);
      inFlight.add(0);
      out = inFlight.value().toString();
    } else if (op == "histogram") {
      sizes.record(5);
      out = sizes.record(7).toString();
    } else if (op == "route") {
      const method = this.requestHeaders.get(":method")!;
      byRoute.with([arg === null ? "" : arg, method]).increment();
      out = byRoute.size.toString();
    } else if (op == "dotted") {
      out = dotted.with([arg!]).set(4).toString();
    } else if (op == "latency") {
      out = latency.with([arg!]).record(12).toString();
    } else if (op == "ids") {
      out =
        (requests.id == requests.id).toString() +
        " " +
        (requests.id & 3).toString() +
        " " +
        (inFlight.id & 3).toString() +
        " " +
        (sizes.id & 3).toString();
    } else if (op == "unused-name") {
      out = unused.name;
    }
    this.sendLocalResponse(200, out);
    return FilterHeadersStatus.StopIteration;
  }
}

class MetricsRoot extends RootContext {
  createHttpContext(contextId: u32): HttpContext | null {
    return new MetricsStream(contextId, this);
  }
}

registerRootContext((id: u32) => new MetricsRoot(id));
