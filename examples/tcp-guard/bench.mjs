// `npm run bench` measures this (see ../bench-kit.mjs): an allowed TCP connection, one chunk each
// way, closed by the client.
import { Host } from "proxy-wasm-as/host-mock";

const configuration = JSON.stringify({ deny: ["203.0.113.0/24"], maxConnections: 100 });

/** @type {import("../bench-kit.mjs").BenchCase[]} */
export default [
  {
    name: "allowed connection",
    minimumHostcalls: 10,
    minimumWhy:
      "get source.address, open count +1 and −1 in shared data (get + compare-and-set each), metrics: accepted, open gauge +1 and −1, bytes in, bytes out",
    setup(wasm) {
      const plugin = new Host().loadPlugin({ wasm, rootId: "tcp-guard", configuration });
      const options = { properties: { "source.address": "198.51.100.4:40001" } };
      const run = () => {
        const c = plugin.newTcpStream(options);
        c.sendNewConnection();
        c.sendDownstreamData("PING\r\n");
        c.sendUpstreamData("+PONG\r\n");
        c.closeDownstream();
      };
      return { plugin, run };
    },
  },
];
