// `npm start` shows this: three requests through the filter become queued JSON lines; the
// singleton shipper posts them as one batch on its next tick, and the sink's answer is counted.
import { Host } from "proxy-wasm-as/host-mock";
import { request, showLogs } from "../demo-kit.mjs";

/** @param {import("../demo-kit.mjs").DemoContext} ctx */
export default function demo({ wasm, show }) {
  const configuration = {
    queue: "access-log",
    cluster: "log-sink",
    authority: "logs.internal",
    path: "/ingest",
    flushIntervalMs: 1000,
    maxBatch: 100,
    statsIntervalMs: 2000,
  };
  show(`config ${JSON.stringify(configuration)}`);
  const host = new Host();
  const common = {
    wasm,
    vmId: "access-log",
    clusters: ["log-sink"],
    configuration: JSON.stringify(configuration),
  };
  const shipper = host.loadPlugin({ ...common, name: "shipper", rootId: "access-log-shipper" });
  const filter = host.loadPlugin({ ...common, name: "filter", rootId: "access-log" });
  let shipperSeen = showLogs(show, shipper);
  for (const [path, status] of [
    ["/orders", "200"],
    ["/orders/7", "404"],
    ["/cart", "201"],
  ]) {
    const stream = filter.newHttpStream();
    stream.sendRequestHeaders(request(path), { endOfStream: true });
    stream.sendResponseHeaders([[":status", status]], { endOfStream: true });
    stream.complete();
  }
  show(`▸ 3 requests served; callouts so far: ${shipper.httpCalls.length}`);
  host.advanceTime(1000);
  const [batch] = shipper.httpCalls;
  show(`▸ tick after 1 s: POST ${batch.cluster} ${batch.headers[1][1]}`);
  for (const line of batch.bodyText.trimEnd().split("\n")) show(`  ${line}`);
  shipper.respondToHttpCall(batch, { status: 204 });
  host.advanceTime(1000);
  show("▸ stats period");
  shipperSeen = showLogs(show, shipper, shipperSeen);
}
