// `npm start` shows this: opt-in and opt-out headers, users split by the configured share, and a
// client trying to pick the route header itself; each request clears the route cache.
import { Host } from "proxy-wasm-as/host-mock";
import { request, showLogs } from "../demo-kit.mjs";

/** @param {import("../demo-kit.mjs").DemoContext} ctx */
export default function demo({ wasm, show }) {
  const configuration = { header: "x-canary", percent: 25, hashHeader: "x-user-id" };
  show(`config ${JSON.stringify(configuration)}`);
  const plugin = new Host().loadPlugin({
    wasm,
    name: "canary",
    rootId: "canary",
    configuration: JSON.stringify(configuration),
  });
  showLogs(show, plugin);
  const cases = [
    ["opt in (x-canary: always)", [["x-canary", "always"]]],
    [
      "opt out (x-canary: never)",
      [
        ["x-canary", "never"],
        ["x-user-id", "user-3"],
      ],
    ],
    ...["user-1", "user-2", "user-3", "user-4"].map((u) => [`user ${u}`, [["x-user-id", u]]]),
    ["client sends x-route-target: canary", [["x-route-target", "canary"]]],
  ];
  for (const [title, extra] of cases) {
    const stream = plugin.newHttpStream();
    stream.sendRequestHeaders(request("/", extra), { endOfStream: true });
    show(
      `▸ ${title} → x-route-target: ${stream.requestHeader("x-route-target")} ` +
        `(route cache cleared ${stream.routeCacheClears}×)`,
    );
    stream.complete();
  }
}
