// `npm start` shows this: flow control on /orders, and the breaker on /pay opening after
// failures, refusing, probing after the open period and closing again.
import { Host } from "proxy-wasm-as/host-mock";
import { request, showLogs } from "../demo-kit.mjs";

/** @param {import("../demo-kit.mjs").DemoContext} ctx */
export default function demo({ wasm, show }) {
  const configuration = JSON.stringify({
    tickMs: 100,
    routes: [
      { name: "orders", prefix: "/orders", qps: 2 },
      { name: "pay", prefix: "/pay", errorRatio: 0.5, minRequests: 2, openMs: 1000 },
    ],
  });
  show(`config ${configuration}`);
  const host = new Host();
  const plugin = host.loadPlugin({ wasm, rootId: "circuit-breaker", configuration });
  let seen = showLogs(show, plugin);
  const send = (path, upstreamStatus = 200) => {
    const s = plugin.newHttpStream();
    s.sendRequestHeaders(request(path), { endOfStream: true });
    const reply = s.localResponse;
    if (!reply) s.sendResponseHeaders([[":status", String(upstreamStatus)]], { endOfStream: true });
    s.complete();
    show(
      `▸ ${path} → ${reply ? `local reply ${reply.status} (${reply.details})` : `upstream ${upstreamStatus}`}`,
    );
    seen = showLogs(show, plugin, seen);
  };
  for (let i = 0; i < 3; i++) send("/orders");
  send("/pay", 500);
  send("/pay", 502);
  send("/pay");
  show("  … 1 s later");
  host.advanceTime(1000);
  send("/pay");
  send("/pay");
}
