// `npm start` shows this: a burst of 3 at 1 rps from two workers sharing one bucket, the 429
// with retry-after, and the refill after a second.
import { Host } from "proxy-wasm-as/host-mock";
import { exchange, request, showLogs } from "../demo-kit.mjs";

/** @param {import("../demo-kit.mjs").DemoContext} ctx */
export default function demo({ wasm, show }) {
  const configuration = JSON.stringify({ rps: 1, burst: 3, key: "header:x-api-key" });
  show(`config ${configuration} on two workers (same vm_id)`);
  const host = new Host();
  const workers = [1, 2].map(() =>
    host.loadPlugin({ wasm, rootId: "rate-limit", vmId: "edge", configuration }),
  );
  showLogs(show, workers[0]);
  const headers = request("/orders", [["x-api-key", "k-1"]]);
  for (let i = 0; i < 4; i++) {
    exchange(show, workers[i % 2], `request ${i + 1} on worker ${(i % 2) + 1}`, {
      requestHeaders: headers,
    });
  }
  host.advanceTime(1000);
  exchange(show, workers[0], "one second later", { requestHeaders: headers });
  show(`metrics ${JSON.stringify(host.metrics)}`);
}
