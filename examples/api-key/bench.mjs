// `npm run bench` measures this (see ../bench-kit.mjs): a request with a known key, and one
// without a key (answered 401 by the plugin).
import { Host } from "proxy-wasm-as/host-mock";
import { httpRequest, request } from "../bench-kit.mjs";

const configuration = JSON.stringify({ keys: { "k-123": "mobile-app" } });

/** @type {import("../bench-kit.mjs").BenchCase[]} */
export default [
  {
    name: "valid key",
    minimumHostcalls: 3,
    minimumWhy: "get x-api-key, remove it (not forwarded upstream), set the consumer header",
    setup(wasm) {
      const plugin = new Host().loadPlugin({ wasm, rootId: "api-key", configuration });
      const exchange = { requestHeaders: request("/orders", [["x-api-key", "k-123"]]) };
      return { plugin, run: () => httpRequest(plugin, exchange) };
    },
  },
  {
    name: "no key → 401",
    minimumHostcalls: 2,
    minimumWhy: "get x-api-key, send_local_response",
    setup(wasm) {
      const plugin = new Host().loadPlugin({ wasm, rootId: "api-key", configuration });
      const exchange = { requestHeaders: request("/orders") };
      return { plugin, run: () => httpRequest(plugin, exchange) };
    },
  },
];
