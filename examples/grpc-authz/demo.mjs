// `npm start` shows this: Authorizer/Check allows one request, denies another, and is
// unavailable for a third; the CheckResponse messages are encoded here by hand.
import { Host } from "proxy-wasm-as/host-mock";
import { request, showLogs } from "../demo-kit.mjs";

const encoder = new TextEncoder();
/** CheckResponse { bool allowed = 1; string reason = 2; string subject = 3; } (short strings). */
function checkResponse(allowed, text) {
  const bytes = encoder.encode(text);
  return new Uint8Array([...(allowed ? [0x08, 1, 0x1a] : [0x12]), bytes.length, ...bytes]);
}

/** @param {import("../demo-kit.mjs").DemoContext} ctx */
export default function demo({ wasm, show }) {
  const configuration = { cluster: "authz-grpc", timeoutMs: 300 };
  show(`config ${JSON.stringify(configuration)}`);
  const plugin = new Host().loadPlugin({
    wasm,
    name: "grpc-authz",
    rootId: "grpc-authz",
    clusters: ["authz-grpc"],
    configuration: JSON.stringify(configuration),
  });
  let seen = showLogs(show, plugin);
  const answers = [
    ["allowed, subject user-42", { message: checkResponse(true, "user-42") }],
    ["denied, reason read-only", { message: checkResponse(false, "orders are read-only") }],
    ["service unavailable (gRPC 14)", { status: 14, statusMessage: "no healthy upstream" }],
  ];
  for (const [title, answer] of answers) {
    show(`▸ ${title}`);
    const stream = plugin.newHttpStream();
    const status = stream.sendRequestHeaders(
      request("/orders/7", [["authorization", "Bearer t0k"]], "DELETE"),
      { endOfStream: true },
    );
    const call = plugin.grpcCalls.at(-1);
    show(
      `  request headers → ${status}; ${call.serviceName}/${call.method} on ${call.cluster}, ` +
        `CheckRequest ${call.messages[0].length} bytes`,
    );
    plugin.respondToGrpcCall(call.token, answer);
    const reply = stream.localResponse;
    if (reply)
      show(`  local reply ${reply.status} (${reply.details}) ${JSON.stringify(reply.bodyText)}`);
    else show(`  continued upstream with x-subject: ${stream.requestHeader("x-subject")}`);
    stream.complete();
    seen = showLogs(show, plugin, seen);
  }
}
