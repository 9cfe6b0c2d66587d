// `npm run bench` measures this (see ../bench-kit.mjs): an allowed request (the bucket is large
// enough that the benchmark never empties it).
import { Host } from "proxy-wasm-as/host-mock";
import { httpRequest, request } from "../bench-kit.mjs";

const configuration = JSON.stringify({ rps: 1, burst: 1e9, key: "header:x-api-key" });

/** @type {import("../bench-kit.mjs").BenchCase[]} */
export default [
  {
    name: "allowed",
    minimumHostcalls: 5,
    minimumWhy:
      "get x-api-key, clock, get the bucket, compare-and-set it, count the decision (metric)",
    setup(wasm) {
      const plugin = new Host().loadPlugin({
        wasm,
        rootId: "rate-limit",
        vmId: "edge",
        configuration,
      });
      const exchange = { requestHeaders: request("/orders", [["x-api-key", "k-1"]]) };
      return { plugin, run: () => httpRequest(plugin, exchange) };
    },
  },
];
