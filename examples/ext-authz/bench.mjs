// `npm run bench` measures this (see ../bench-kit.mjs): the authorization service allows the
// request and names the user; the request continues upstream with x-user-id.
import { Host } from "proxy-wasm-as/host-mock";
import { httpRequest, request } from "../bench-kit.mjs";

const configuration = JSON.stringify({
  cluster: "authz",
  authority: "authz.internal",
  timeoutMs: 500,
  forwardHeaders: ["authorization"],
  upstreamHeaders: ["x-user-id"],
});

/** @type {import("../bench-kit.mjs").BenchCase[]} */
export default [
  {
    name: "allowed",
    minimumHostcalls: 9,
    minimumWhy:
      "get :method, :path and authorization, http_call; on the answer: read :status and x-user-id, make the stream current, set x-user-id, continue",
    setup(wasm) {
      const plugin = new Host().loadPlugin({
        wasm,
        rootId: "ext-authz",
        clusters: ["authz"],
        configuration,
      });
      const answer = { status: 200, headers: [["x-user-id", "u-42"]] };
      const exchange = {
        requestHeaders: request("/orders", [["authorization", "Bearer t0k"]]),
        beforeResponse() {
          plugin.respondToHttpCall(plugin.httpCalls[plugin.httpCalls.length - 1], answer);
          plugin.httpCalls.length = 0; // answered: keep the mock's record list from growing
        },
      };
      return { plugin, run: () => httpRequest(plugin, exchange) };
    },
  },
];
