// Helpers the examples' demo.mjs files share to show what a plugin did to a request in the host
// mock. `npm start` (scripts/demo.mjs) runs every examples/<name>/demo.mjs with them.

/**
 * What a demo receives: the path of the example's release `.wasm` and `show(line)`, which prints
 * one indented line of the demo's output.
 * @typedef {{ wasm: string, show: (line: string) => void }} DemoContext
 */

/** Builds request headers for `path` on a fixed authority, plus `extra` pairs. */
export function request(path, extra = [], method = "GET") {
  return [[":method", method], [":path", path], [":authority", "shop.example.com"], ...extra];
}

/** Shows the difference between two header lists (`+`/`-` lines), or "unchanged". */
export function diff(show, label, before, after) {
  const key = ([n, v]) => `${n}: ${v}`;
  const was = new Set(before.map(key));
  const now = new Set(after.map(key));
  const removed = before.filter((h) => !now.has(key(h)));
  const added = after.filter((h) => !was.has(key(h)));
  if (removed.length + added.length === 0) return show(`  ${label}: unchanged`);
  for (const h of removed) show(`  ${label}: - ${key(h)}`);
  for (const h of added) show(`  ${label}: + ${key(h)}`);
}

/** Shows the plugin's log records from index `from` on; returns the new count. */
export function showLogs(show, plugin, from = 0) {
  for (const record of plugin.logs.slice(from)) show(`  log[${record.level}] ${record.message}`);
  return plugin.logs.length;
}

/**
 * Runs one HTTP exchange through `plugin` and shows what the plugin changed: request headers,
 * a local reply, or the response headers and body; then its logs.
 * @param {(line: string) => void} show
 * @param {import("proxy-wasm-as/host-mock").Plugin} plugin
 * @param {string} title
 * @param {{ requestHeaders: [string, string][], requestBody?: string,
 *   responseHeaders?: [string, string][], responseBody?: string | string[] }} run
 */
export function exchange(show, plugin, title, run) {
  const { requestHeaders, requestBody, responseHeaders, responseBody } = run;
  show(`▸ ${title}`);
  const seen = plugin.logs.length;
  const stream = plugin.newHttpStream();
  const status = stream.sendRequestHeaders(requestHeaders, {
    endOfStream: requestBody === undefined,
  });
  diff(show, "request headers", requestHeaders, stream.requestHeaders);
  if (requestBody !== undefined) stream.sendRequestBody(requestBody, { endOfStream: true });
  const reply = stream.localResponse;
  if (reply) {
    show(`  local reply ${reply.status} (${reply.details}) ${JSON.stringify(reply.bodyText)}`);
  } else {
    if (status !== "Continue") show(`  request headers → ${status}`);
    const resp = responseHeaders ?? [[":status", "200"]];
    stream.sendResponseHeaders(resp, { endOfStream: responseBody === undefined });
    diff(show, "response headers", resp, stream.responseHeaders);
    if (responseBody !== undefined) {
      const chunks = Array.isArray(responseBody) ? responseBody : [responseBody];
      chunks.forEach((chunk, i) =>
        stream.sendResponseBody(chunk, { endOfStream: i === chunks.length - 1 }),
      );
      show(`  response body in:  ${JSON.stringify(chunks.join(""))}`);
      show(`  response body out: ${JSON.stringify(stream.responseBodyText)}`);
    }
  }
  stream.complete();
  showLogs(show, plugin, seen);
}
