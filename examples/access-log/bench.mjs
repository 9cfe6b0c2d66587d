// `npm run bench` measures this (see ../bench-kit.mjs): requests through the filter, whose lines
// the shipper (same VM) posts in batches of 100; every batch is answered 204. The per-request
// figure includes the shipper's share.
import { Host } from "proxy-wasm-as/host-mock";
import { httpRequest, request } from "../bench-kit.mjs";

const configuration = JSON.stringify({
  queue: "access-log",
  cluster: "log-sink",
  authority: "logs.internal",
  path: "/ingest",
  flushIntervalMs: 1000,
  maxBatch: 100,
  statsIntervalMs: 2000,
});

/** @type {import("../bench-kit.mjs").BenchCase[]} */
export default [
  {
    name: "request + 1/100 batch",
    minimumHostcalls: 5,
    minimumWhy:
      "get :method, :path, :authority, :status, enqueue the line (counted in the filter's VM; the shipper's batch work is in the time)",
    setup(wasm) {
      const host = new Host();
      const common = { wasm, vmId: "access-log", clusters: ["log-sink"], configuration };
      const shipper = host.loadPlugin({ ...common, name: "shipper", rootId: "access-log-shipper" });
      const plugin = host.loadPlugin({ ...common, name: "filter", rootId: "access-log" });
      const exchange = {
        requestHeaders: request("/orders"),
        responseHeaders: [[":status", "200"]],
      };
      const run = () => {
        httpRequest(plugin, exchange);
        if (shipper.httpCalls.length > 0) {
          for (const call of shipper.httpCalls) shipper.respondToHttpCall(call, { status: 204 });
          shipper.httpCalls.length = 0; // answered: keep the mock's record list from growing
        }
      };
      return { plugin, run };
    },
  },
];
