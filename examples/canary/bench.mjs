// `npm run bench` measures this (see ../bench-kit.mjs): a user routed by the hash of its id.
import { Host } from "proxy-wasm-as/host-mock";
import { httpRequest, request } from "../bench-kit.mjs";

const configuration = JSON.stringify({ header: "x-canary", percent: 25, hashHeader: "x-user-id" });

/** @type {import("../bench-kit.mjs").BenchCase[]} */
export default [
  {
    name: "hashed user",
    minimumHostcalls: 4,
    minimumWhy: "get x-canary, get x-user-id, set x-route-target, clear the route cache",
    setup(wasm) {
      const plugin = new Host().loadPlugin({ wasm, rootId: "canary", configuration });
      const exchange = { requestHeaders: request("/", [["x-user-id", "user-3"]]) };
      return { plugin, run: () => httpRequest(plugin, exchange) };
    },
  },
];
