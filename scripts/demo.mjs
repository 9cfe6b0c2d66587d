#!/usr/bin/env node
// The main job: runs each example plugin (built by `npm run build`) in the host mock and prints
// what the plugin did to a few requests: header changes, local replies, body rewrites, logs.
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Host } from "../sdk-host-mock/dist/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const wasmOf = (name) => `${root}examples/${name}/build/${name}.wasm`;

const request = (path, extra = []) => [
  [":method", "GET"],
  [":path", path],
  [":authority", "shop.example.com"],
  ...extra,
];

/** Prints the difference between two header lists. */
function diff(label, before, after) {
  const key = ([n, v]) => `${n}: ${v}`;
  const was = new Set(before.map(key));
  const now = new Set(after.map(key));
  const removed = before.filter((h) => !now.has(key(h)));
  const added = after.filter((h) => !was.has(key(h)));
  if (removed.length + added.length === 0) return console.log(`    ${label}: unchanged`);
  for (const h of removed) console.log(`    ${label}: - ${key(h)}`);
  for (const h of added) console.log(`    ${label}: + ${key(h)}`);
}

function logs(plugin, from) {
  for (const record of plugin.logs.slice(from))
    console.log(`    log[${record.level}] ${record.message}`);
  return plugin.logs.length;
}

function exchange(plugin, title, { requestHeaders, requestBody, responseHeaders, responseBody }) {
  console.log(`  ▸ ${title}`);
  const seen = plugin.logs.length;
  const stream = plugin.newHttpStream();
  const status = stream.sendRequestHeaders(requestHeaders, {
    endOfStream: requestBody === undefined,
  });
  diff("request headers", requestHeaders, stream.requestHeaders);
  if (requestBody !== undefined) stream.sendRequestBody(requestBody, { endOfStream: true });
  const reply = stream.localResponse;
  if (reply) {
    console.log(
      `    local reply ${reply.status} (${reply.details}) ${JSON.stringify(reply.bodyText)}`,
    );
  } else {
    if (status !== "Continue") console.log(`    request headers → ${status}`);
    const resp = responseHeaders ?? [[":status", "200"]];
    stream.sendResponseHeaders(resp, { endOfStream: responseBody === undefined });
    diff("response headers", resp, stream.responseHeaders);
    if (responseBody !== undefined) {
      const chunks = Array.isArray(responseBody) ? responseBody : [responseBody];
      chunks.forEach((chunk, i) =>
        stream.sendResponseBody(chunk, { endOfStream: i === chunks.length - 1 }),
      );
      console.log(`    response body in:  ${JSON.stringify(chunks.join(""))}`);
      console.log(`    response body out: ${JSON.stringify(stream.responseBodyText)}`);
    }
  }
  stream.complete();
  logs(plugin, seen);
}

const examples = [
  {
    name: "header-rules",
    configuration: {
      request: { add: { "x-tenant": "blue" }, remove: ["x-debug"] },
      response: { set: { server: "edge" }, remove: ["x-powered-by"] },
    },
    runs: [
      [
        "request with a debug header",
        {
          requestHeaders: request("/", [["x-debug", "1"]]),
          responseHeaders: [
            [":status", "200"],
            ["server", "envoy"],
            ["x-powered-by", "php"],
          ],
        },
      ],
    ],
  },
  {
    name: "api-key",
    configuration: { keys: { "k-123": "mobile-app" } },
    runs: [
      [
        "request with a valid key",
        { requestHeaders: request("/orders", [["x-api-key", "k-123"]]) },
      ],
      ["request without a key", { requestHeaders: request("/orders") }],
      [
        "request with an unknown key",
        { requestHeaders: request("/orders", [["x-api-key", "nope"]]) },
      ],
    ],
  },
  {
    name: "body-rewrite",
    configuration: { replace: { "internal.example.com": "api.example.com" } },
    runs: [
      [
        "text response in two chunks",
        {
          requestHeaders: request("/doc"),
          responseHeaders: [
            [":status", "200"],
            ["content-type", "text/plain"],
            ["content-length", "37"],
          ],
          responseBody: ["see https://internal.exa", "mple.com/docs"],
        },
      ],
    ],
  },
];

for (const example of examples) {
  const wasm = wasmOf(example.name);
  console.log(
    `\n■ ${example.name}  (${statSync(wasm).size} bytes)  config ${JSON.stringify(example.configuration)}`,
  );
  const plugin = new Host().loadPlugin({
    wasm,
    name: example.name,
    configuration: JSON.stringify(example.configuration),
  });
  logs(plugin, 0);
  for (const [title, run] of example.runs) exchange(plugin, title, run);
}
console.log("\nAll examples ran in the host mock.");
