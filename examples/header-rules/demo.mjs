// `npm start` shows this: header rules from JSON configuration applied to a request and response.
import { Host } from "proxy-wasm-as/host-mock";
import { exchange, request, showLogs } from "../demo-kit.mjs";

/** @param {import("../demo-kit.mjs").DemoContext} ctx */
export default function demo({ wasm, show }) {
  const configuration = {
    request: { add: { "x-tenant": "blue" }, remove: ["x-debug"] },
    response: { set: { server: "edge" }, remove: ["x-powered-by"] },
  };
  show(`config ${JSON.stringify(configuration)}`);
  const plugin = new Host().loadPlugin({
    wasm,
    name: "header-rules",
    rootId: "header-rules",
    configuration: JSON.stringify(configuration),
  });
  showLogs(show, plugin);
  exchange(show, plugin, "request with a debug header", {
    requestHeaders: request("/", [["x-debug", "1"]]),
    responseHeaders: [
      [":status", "200"],
      ["server", "envoy"],
      ["x-powered-by", "php"],
    ],
  });
}
