// `npm run bench` measures this (see ../bench-kit.mjs): a request with valid Basic credentials.
import { Host } from "proxy-wasm-as/host-mock";
import { httpRequest, request } from "../bench-kit.mjs";

const configuration = JSON.stringify({
  realm: "internal",
  users: { alice: "plain:wonderland" },
});
const authorization = `Basic ${Buffer.from("alice:wonderland").toString("base64")}`;

/** @type {import("../bench-kit.mjs").BenchCase[]} */
export default [
  {
    name: "valid credentials",
    minimumHostcalls: 3,
    minimumWhy: "get authorization, remove it (not forwarded upstream), set x-authenticated-user",
    setup(wasm) {
      const plugin = new Host().loadPlugin({ wasm, rootId: "basic-auth", configuration });
      const exchange = { requestHeaders: request("/admin", [["authorization", authorization]]) };
      return { plugin, run: () => httpRequest(plugin, exchange) };
    },
  },
];
