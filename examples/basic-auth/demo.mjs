// `npm start` shows this: a request with valid Basic credentials, one with a wrong password and
// one without credentials.
import { Host } from "proxy-wasm-as/host-mock";
import { exchange, request, showLogs } from "../demo-kit.mjs";

const basic = (credentials) => `Basic ${Buffer.from(credentials).toString("base64")}`;

/** @param {import("../demo-kit.mjs").DemoContext} ctx */
export default function demo({ wasm, show }) {
  const configuration = { realm: "internal", users: { alice: "plain:wonderland" } };
  show(`config ${JSON.stringify(configuration)}`);
  const plugin = new Host().loadPlugin({
    wasm,
    name: "basic-auth",
    rootId: "basic-auth",
    configuration: JSON.stringify(configuration),
  });
  showLogs(show, plugin);
  exchange(show, plugin, "alice:wonderland", {
    requestHeaders: request("/admin", [["authorization", basic("alice:wonderland")]]),
  });
  exchange(show, plugin, "alice:wrong", {
    requestHeaders: request("/admin", [["authorization", basic("alice:wrong")]]),
  });
  exchange(show, plugin, "no credentials", { requestHeaders: request("/admin") });
}
