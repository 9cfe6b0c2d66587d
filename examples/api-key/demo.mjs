// `npm start` shows this: requests with a valid, a missing and an unknown API key.
import { Host } from "proxy-wasm-as/host-mock";
import { exchange, request, showLogs } from "../demo-kit.mjs";

/** @param {import("../demo-kit.mjs").DemoContext} ctx */
export default function demo({ wasm, show }) {
  const configuration = { keys: { "k-123": "mobile-app" } };
  show(`config ${JSON.stringify(configuration)}`);
  const plugin = new Host().loadPlugin({
    wasm,
    name: "api-key",
    rootId: "api-key",
    configuration: JSON.stringify(configuration),
  });
  showLogs(show, plugin);
  exchange(show, plugin, "request with a valid key", {
    requestHeaders: request("/orders", [["x-api-key", "k-123"]]),
  });
  exchange(show, plugin, "request without a key", { requestHeaders: request("/orders") });
  exchange(show, plugin, "request with an unknown key", {
    requestHeaders: request("/orders", [["x-api-key", "nope"]]),
  });
}
