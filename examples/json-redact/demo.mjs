// `npm start` shows this: a JSON response redacted across chunks, a non-JSON response left
// alone, and a response too large to redact.
import { Host } from "proxy-wasm-as/host-mock";
import { exchange, request, showLogs } from "../demo-kit.mjs";

/** @param {import("../demo-kit.mjs").DemoContext} ctx */
export default function demo({ wasm, show }) {
  const configuration = JSON.stringify({ fields: ["password", "ssn"], maxBodyBytes: 128 });
  show(`config ${configuration}`);
  const plugin = new Host().loadPlugin({ wasm, rootId: "json-redact", configuration });
  showLogs(show, plugin);
  const user = JSON.stringify({
    name: "Ann",
    password: "hunter2",
    profile: { ssn: "078-05-1120" },
  });
  exchange(show, plugin, "JSON response in two chunks", {
    requestHeaders: request("/users/1"),
    responseHeaders: [
      [":status", "200"],
      ["content-type", "application/json"],
      ["content-length", String(user.length)],
    ],
    responseBody: [user.slice(0, 25), user.slice(25)],
  });
  exchange(show, plugin, "HTML response (not touched)", {
    requestHeaders: request("/"),
    responseHeaders: [
      [":status", "200"],
      ["content-type", "text/html"],
    ],
    responseBody: "<p>password: hunter2</p>",
  });
  show("▸ JSON response announcing 4096 bytes");
  const big = plugin.newHttpStream();
  big.sendRequestHeaders(request("/export"), { endOfStream: true });
  big.sendResponseHeaders(
    [
      [":status", "200"],
      ["content-type", "application/json"],
      ["content-length", "4096"],
    ],
    { endOfStream: false },
  );
  const reply = big.localResponse;
  show(`  local reply ${reply?.status} (${reply?.details}) ${JSON.stringify(reply?.bodyText)}`);
  big.complete();
}
