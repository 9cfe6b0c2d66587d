// `npm start` shows this: a preflight answered at the proxy, one refused, and a cross-origin GET
// whose response gets the CORS grant and the security headers.
import { Host } from "proxy-wasm-as/host-mock";
import { exchange, request, showLogs } from "../demo-kit.mjs";

/** @param {import("../demo-kit.mjs").DemoContext} ctx */
export default function demo({ wasm, show }) {
  const configuration = {
    allowedOrigins: ["https://app.example.com"],
    allowedMethods: ["GET", "POST"],
    allowedHeaders: ["content-type"],
    maxAgeSeconds: 600,
  };
  show(`config ${JSON.stringify(configuration)}`);
  const plugin = new Host().loadPlugin({
    wasm,
    name: "cors",
    rootId: "cors",
    configuration: JSON.stringify(configuration),
  });
  showLogs(show, plugin);
  const origin = (value) => ["origin", value];
  const preflight = (from, method) =>
    request("/orders", [origin(from), ["access-control-request-method", method]], "OPTIONS");
  const showReply = (title, headers) => {
    const stream = plugin.newHttpStream();
    stream.sendRequestHeaders(headers, { endOfStream: true });
    const reply = stream.localResponse;
    show(`▸ ${title}`);
    show(`  local reply ${reply?.status} (${reply?.details})`);
    for (const [name, value] of stream.responseHeaders) show(`  response: ${name}: ${value}`);
    stream.complete();
  };
  showReply(
    "preflight POST from https://app.example.com",
    preflight("https://app.example.com", "POST"),
  );
  showReply(
    "preflight DELETE from https://app.example.com",
    preflight("https://app.example.com", "DELETE"),
  );
  exchange(show, plugin, "GET from https://app.example.com", {
    requestHeaders: request("/orders", [origin("https://app.example.com")]),
  });
}
