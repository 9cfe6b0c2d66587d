// `npm run bench` measures this (see ../bench-kit.mjs): a request with a valid HS256 token (the
// host clock is fixed, so the token stays valid).
import { createHmac } from "node:crypto";
import { Host } from "proxy-wasm-as/host-mock";
import { httpRequest, request } from "../bench-kit.mjs";

const now = 1_800_000_000; // seconds
const secret = "orders-api-signing-secret-0123456789";
const configuration = JSON.stringify({
  secret,
  audience: "orders-api",
  claimHeaders: { sub: "x-user-id" },
});
const b64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const input = `${b64url({ alg: "HS256", typ: "JWT" })}.${b64url({ sub: "user-42", aud: "orders-api", exp: now + 600 })}`;
const token = `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;

/** @type {import("../bench-kit.mjs").BenchCase[]} */
export default [
  {
    name: "valid token",
    minimumHostcalls: 4,
    minimumWhy:
      "remove a client-sent x-user-id, get authorization, clock (expiry), set x-user-id from the claim",
    setup(wasm) {
      const plugin = new Host({ now: now * 1000 }).loadPlugin({
        wasm,
        rootId: "jwt-auth",
        configuration,
      });
      const exchange = {
        requestHeaders: request("/orders", [["authorization", `Bearer ${token}`]]),
      };
      return { plugin, run: () => httpRequest(plugin, exchange) };
    },
  },
];
