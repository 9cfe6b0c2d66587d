// `npm start` shows this: a denied client refused at connect, an allowed one whose bytes are
// counted, and the metrics afterwards.
import { Host } from "proxy-wasm-as/host-mock";
import { showLogs } from "../demo-kit.mjs";

/** @param {import("../demo-kit.mjs").DemoContext} ctx */
export default function demo({ wasm, show }) {
  const configuration = JSON.stringify({ deny: ["203.0.113.0/24"], maxConnections: 100 });
  show(`config ${configuration}`);
  const host = new Host();
  const plugin = host.loadPlugin({ wasm, rootId: "tcp-guard", configuration });
  let seen = showLogs(show, plugin);
  for (const address of ["203.0.113.9:40000", "198.51.100.4:40001"]) {
    show(`▸ connection from ${address}`);
    const c = plugin.newTcpStream({ properties: { "source.address": address } });
    show(`  new connection → ${c.sendNewConnection()}`);
    if (!c.closed && c.closeDetails === null) {
      c.sendDownstreamData("PING\r\n");
      c.sendUpstreamData("+PONG\r\n");
      show(`  forwarded ${JSON.stringify(c.downstreamText)} / ${JSON.stringify(c.upstreamText)}`);
      c.closeDownstream();
    } else {
      show(`  closed: ${c.closeDetails}`);
    }
    seen = showLogs(show, plugin, seen);
  }
  show(
    `metrics ${JSON.stringify(Object.fromEntries(Object.entries(host.metrics).map(([k, v]) => [k, v.value])))}`,
  );
}
