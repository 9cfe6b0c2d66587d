// `npm run bench` measures this (see ../bench-kit.mjs): a request on a guarded route while the
// breaker is closed (upstream answers 200).
import { Host } from "proxy-wasm-as/host-mock";
import { httpRequest, request } from "../bench-kit.mjs";

const configuration = JSON.stringify({
  tickMs: 100,
  routes: [{ name: "pay", prefix: "/pay", errorRatio: 0.5, minRequests: 2, openMs: 1000 }],
});

/** @type {import("../bench-kit.mjs").BenchCase[]} */
export default [
  {
    name: "closed, 200",
    minimumHostcalls: 5,
    minimumWhy:
      "get :path, clock at admission, count the decision (metric), response code and clock at the end",
    setup(wasm) {
      const plugin = new Host().loadPlugin({ wasm, rootId: "circuit-breaker", configuration });
      const exchange = { requestHeaders: request("/pay") };
      return { plugin, run: () => httpRequest(plugin, exchange) };
    },
  },
];
