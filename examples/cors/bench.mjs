// `npm run bench` measures this (see ../bench-kit.mjs): a cross-origin GET from an allowed
// origin, and a preflight answered at the proxy.
import { Host } from "proxy-wasm-as/host-mock";
import { httpRequest, request } from "../bench-kit.mjs";

const configuration = JSON.stringify({
  allowedOrigins: ["https://app.example.com"],
  allowedMethods: ["GET", "POST"],
  allowedHeaders: ["content-type"],
  maxAgeSeconds: 600,
});
const origin = ["origin", "https://app.example.com"];

/** @type {import("../bench-kit.mjs").BenchCase[]} */
export default [
  {
    name: "GET from an allowed origin",
    minimumHostcalls: 8,
    minimumWhy:
      "get origin and :method; on the response: set the 4 security headers and access-control-allow-origin, add vary",
    setup(wasm) {
      const plugin = new Host().loadPlugin({ wasm, rootId: "cors", configuration });
      const exchange = { requestHeaders: request("/orders", [origin]) };
      return { plugin, run: () => httpRequest(plugin, exchange) };
    },
  },
  {
    name: "preflight",
    minimumHostcalls: 11,
    minimumWhy:
      "get origin, :method, access-control-request-method and -headers, send_local_response; on the local reply: 4 security headers, allow-origin, vary",
    setup(wasm) {
      const plugin = new Host().loadPlugin({ wasm, rootId: "cors", configuration });
      const exchange = {
        requestHeaders: request(
          "/orders",
          [origin, ["access-control-request-method", "POST"]],
          "OPTIONS",
        ),
      };
      return { plugin, run: () => httpRequest(plugin, exchange) };
    },
  },
];
