// `npm start` shows this: a valid HS256 token, an expired one, one signed with another key, and
// a request without a token (tokens signed here with node:crypto; the host clock is fixed).
import { createHmac } from "node:crypto";
import { Host } from "proxy-wasm-as/host-mock";
import { exchange, request, showLogs } from "../demo-kit.mjs";

const now = 1_800_000_000; // seconds
const b64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
function sign(payload, key) {
  const input = `${b64url({ alg: "HS256", typ: "JWT" })}.${b64url(payload)}`;
  return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
}

/** @param {import("../demo-kit.mjs").DemoContext} ctx */
export default function demo({ wasm, show }) {
  const configuration = {
    secret: "orders-api-signing-secret-0123456789",
    audience: "orders-api",
    claimHeaders: { sub: "x-user-id" },
  };
  show(`config ${JSON.stringify(configuration)}`);
  const plugin = new Host({ now: now * 1000 }).loadPlugin({
    wasm,
    name: "jwt-auth",
    rootId: "jwt-auth",
    configuration: JSON.stringify(configuration),
  });
  showLogs(show, plugin);
  const claims = { sub: "user-42", aud: "orders-api", exp: now + 600 };
  const bearer = (token) => request("/orders", [["authorization", `Bearer ${token}`]]);
  exchange(show, plugin, "valid token for user-42", {
    requestHeaders: bearer(sign(claims, configuration.secret)),
  });
  exchange(show, plugin, "token expired a minute ago", {
    requestHeaders: bearer(sign({ ...claims, exp: now - 60 }, configuration.secret)),
  });
  exchange(show, plugin, "token signed with another key", {
    requestHeaders: bearer(sign(claims, "not-the-orders-api-secret-0123456789")),
  });
  exchange(show, plugin, "no token", { requestHeaders: request("/orders") });
}
