// `npm run bench` measures this (see ../bench-kit.mjs): a small JSON response redacted in one
// chunk.
import { Host } from "proxy-wasm-as/host-mock";
import { httpRequest, request } from "../bench-kit.mjs";

const configuration = JSON.stringify({ fields: ["password", "ssn"], maxBodyBytes: 4096 });
const user = JSON.stringify({ name: "Ann", password: "hunter2", profile: { ssn: "078-05-1120" } });

/** @type {import("../bench-kit.mjs").BenchCase[]} */
export default [
  {
    name: "JSON response",
    minimumHostcalls: 6,
    minimumWhy:
      "get content-type and content-length (size check), remove content-length, read the body, write it, count the redactions (metric)",
    setup(wasm) {
      const plugin = new Host().loadPlugin({ wasm, rootId: "json-redact", configuration });
      const exchange = {
        requestHeaders: request("/users/1"),
        responseHeaders: [
          [":status", "200"],
          ["content-type", "application/json"],
          ["content-length", String(user.length)],
        ],
        responseBody: user,
      };
      return { plugin, run: () => httpRequest(plugin, exchange) };
    },
  },
];
