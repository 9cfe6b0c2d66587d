// `npm run bench` measures this (see ../bench-kit.mjs): a 1 KiB text response rewritten in one
// chunk.
import { Host } from "proxy-wasm-as/host-mock";
import { httpRequest, request } from "../bench-kit.mjs";

const configuration = JSON.stringify({ replace: { foo: "bar" } });

/** @type {import("../bench-kit.mjs").BenchCase[]} */
export default [
  {
    name: "1 KiB text",
    minimumHostcalls: 4,
    minimumWhy:
      "get content-type, remove content-length (the length changes), read the body, write it",
    setup(wasm) {
      const plugin = new Host().loadPlugin({ wasm, rootId: "body-rewrite", configuration });
      const exchange = {
        requestHeaders: request("/doc"),
        responseHeaders: [
          [":status", "200"],
          ["content-type", "text/plain"],
          ["content-length", "1024"],
        ],
        responseBody: "foo ".repeat(256),
      };
      return { plugin, run: () => httpRequest(plugin, exchange) };
    },
  },
];
