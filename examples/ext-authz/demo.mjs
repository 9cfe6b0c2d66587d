// `npm start` shows this: the authorization service allows one request, denies another, fails
// with a 500, and does not answer in time; each time the plugin waits for the verdict.
import { Host } from "proxy-wasm-as/host-mock";
import { request, showLogs } from "../demo-kit.mjs";

/** @param {import("../demo-kit.mjs").DemoContext} ctx */
export default function demo({ wasm, show }) {
  const configuration = {
    cluster: "authz",
    authority: "authz.internal",
    timeoutMs: 500,
    forwardHeaders: ["authorization"],
    upstreamHeaders: ["x-user-id"],
  };
  show(`config ${JSON.stringify(configuration)}`);
  const host = new Host();
  const plugin = host.loadPlugin({
    wasm,
    name: "ext-authz",
    rootId: "ext-authz",
    clusters: ["authz"],
    configuration: JSON.stringify(configuration),
  });
  let seen = showLogs(show, plugin);

  const verdicts = [
    [
      "service allows (200, x-user-id: u-42)",
      (call) => plugin.respondToHttpCall(call, { status: 200, headers: [["x-user-id", "u-42"]] }),
    ],
    [
      "service denies (403)",
      (call) => plugin.respondToHttpCall(call, { status: 403, body: "token revoked" }),
    ],
    ["service fails (500)", (call) => plugin.respondToHttpCall(call, { status: 500 })],
    ["service too slow (Envoy's 504 after 500 ms)", () => host.advanceTime(500)],
    ["connection reset", (call) => plugin.failHttpCall(call)],
  ];
  for (const [title, answer] of verdicts) {
    show(`▸ ${title}`);
    const stream = plugin.newHttpStream();
    const status = stream.sendRequestHeaders(
      request("/orders", [["authorization", "Bearer t0k"]]),
      {
        endOfStream: true,
      },
    );
    const call = plugin.httpCalls.at(-1);
    show(`  request headers → ${status}; callout to ${call.cluster} ${call.headers[1][1]}`);
    answer(call);
    const reply = stream.localResponse;
    if (reply)
      show(`  local reply ${reply.status} (${reply.details}) ${JSON.stringify(reply.bodyText)}`);
    else show(`  continued upstream with x-user-id: ${stream.requestHeader("x-user-id")}`);
    stream.complete();
    seen = showLogs(show, plugin, seen);
  }
}
