// `npm run bench` measures this (see ../bench-kit.mjs): one request and response through the
// configured rules.
import { Host } from "proxy-wasm-as/host-mock";
import { httpRequest, request } from "../bench-kit.mjs";

const configuration = JSON.stringify({
  request: { add: { "x-tenant": "blue" }, remove: ["x-debug"] },
  response: { set: { server: "edge" } },
});

/** @type {import("../bench-kit.mjs").BenchCase[]} */
export default [
  {
    name: "add, remove, set",
    minimumHostcalls: 3,
    minimumWhy: "one hostcall per configured rule: add x-tenant, remove x-debug, set server",
    setup(wasm) {
      const plugin = new Host().loadPlugin({ wasm, rootId: "header-rules", configuration });
      const exchange = {
        requestHeaders: request("/", [["x-debug", "1"]]),
        responseHeaders: [
          [":status", "200"],
          ["server", "envoy"],
        ],
      };
      return { plugin, run: () => httpRequest(plugin, exchange) };
    },
  },
];
