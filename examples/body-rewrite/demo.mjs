// `npm start` shows this: a text response rewritten across two body chunks.
import { Host } from "proxy-wasm-as/host-mock";
import { exchange, request, showLogs } from "../demo-kit.mjs";

/** @param {import("../demo-kit.mjs").DemoContext} ctx */
export default function demo({ wasm, show }) {
  const configuration = { replace: { "internal.example.com": "api.example.com" } };
  show(`config ${JSON.stringify(configuration)}`);
  const plugin = new Host().loadPlugin({
    wasm,
    name: "body-rewrite",
    rootId: "body-rewrite",
    configuration: JSON.stringify(configuration),
  });
  showLogs(show, plugin);
  exchange(show, plugin, "text response in two chunks", {
    requestHeaders: request("/doc"),
    responseHeaders: [
      [":status", "200"],
      ["content-type", "text/plain"],
      ["content-length", "37"],
    ],
    responseBody: ["see https://internal.exa", "mple.com/docs"],
  });
}
