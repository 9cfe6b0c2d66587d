// `npm run bench` measures this (see ../bench-kit.mjs): Authorizer/Check allows the request and
// names the subject; the request continues upstream with x-subject.
import { Host } from "proxy-wasm-as/host-mock";
import { httpRequest, request } from "../bench-kit.mjs";

const configuration = JSON.stringify({ cluster: "authz-grpc", timeoutMs: 300 });
// CheckResponse { allowed: true, subject: "user-42" }
const allowed = new Uint8Array([0x08, 1, 0x1a, 7, ...new TextEncoder().encode("user-42")]);

/** @type {import("../bench-kit.mjs").BenchCase[]} */
export default [
  {
    name: "allowed",
    minimumHostcalls: 10,
    minimumWhy:
      "remove a client-sent x-subject, get :method, :path, authorization and x-request-id, grpc_call; on the answer: read the message, make the stream current, set x-subject, continue",
    setup(wasm) {
      const plugin = new Host().loadPlugin({
        wasm,
        rootId: "grpc-authz",
        clusters: ["authz-grpc"],
        configuration,
      });
      const exchange = {
        requestHeaders: request("/orders/7", [["authorization", "Bearer t0k"]], "DELETE"),
        beforeResponse() {
          plugin.respondToGrpcCall(plugin.grpcCalls[plugin.grpcCalls.length - 1].token, {
            message: allowed,
          });
          plugin.grpcCalls.length = 0; // answered: keep the mock's record list from growing
        },
      };
      return { plugin, run: () => httpRequest(plugin, exchange) };
    },
  },
];
