// What the examples' bench.mjs hooks share. `npm run bench` (bench/run.mjs) imports every
// examples/<name>/bench.mjs and measures each case it exports: ns per full request, host calls
// per request (next to the job's minimum), release size, and linear memory after many requests.
//
// A hook's default export is an array of cases:
//
//   export default [{
//     name: "valid key",             // shown as "<example> (valid key)"
//     minimumHostcalls: 3,           // what a hand-written plugin doing the same job must call
//     minimumWhy: "get x-api-key, remove it, set x-consumer",
//     setup(wasm) {                  // a fresh host + plugin; called once per measurement
//       const plugin = new Host().loadPlugin({ wasm, configuration: "…" });
//       return { plugin, run: () => httpRequest(plugin, { requestHeaders: request("/") }) };
//     },
//   }];
//
// `run` performs one representative request from context creation to deletion (answering any
// callout the plugin makes, as the upstream would); it is called hundreds of thousands of times,
// so it must not accumulate state the plugin keeps (memory is checked for growth).

/**
 * One measured scenario of an example.
 * @typedef {{
 *   name: string,
 *   minimumHostcalls: number,
 *   minimumWhy: string,
 *   setup: (wasm: Uint8Array) => {
 *     plugin: import("proxy-wasm-as/host-mock").Plugin,
 *     run: () => void,
 *   },
 * }} BenchCase
 */

/** Request headers for `path` on a fixed authority, plus `extra` pairs. */
export function request(path, extra = [], method = "GET") {
  return [[":method", method], [":path", path], [":authority", "shop.example.com"], ...extra];
}

/**
 * One full HTTP exchange: context create, request headers (+ body), response headers (+ body
 * chunks) unless the plugin answered locally, then log, done, delete. Returns the stream.
 * @param {import("proxy-wasm-as/host-mock").Plugin} plugin
 * @param {{ requestHeaders: [string, string][], requestBody?: string,
 *   responseHeaders?: [string, string][], responseBody?: string | string[],
 *   beforeResponse?: (stream: import("proxy-wasm-as/host-mock").HttpStream) => void }} exchange
 */
export function httpRequest(plugin, exchange) {
  const { requestHeaders, requestBody, responseHeaders, responseBody, beforeResponse } = exchange;
  const stream = plugin.newHttpStream();
  stream.sendRequestHeaders(requestHeaders, { endOfStream: requestBody === undefined });
  if (requestBody !== undefined && stream.localResponse === null)
    stream.sendRequestBody(requestBody, { endOfStream: true });
  if (beforeResponse) beforeResponse(stream);
  if (stream.localResponse === null) {
    const chunks =
      responseBody === undefined ? [] : Array.isArray(responseBody) ? responseBody : [responseBody];
    stream.sendResponseHeaders(responseHeaders ?? [[":status", "200"]], {
      endOfStream: chunks.length === 0,
    });
    chunks.forEach((chunk, i) =>
      stream.sendResponseBody(chunk, { endOfStream: i === chunks.length - 1 }),
    );
  }
  stream.complete();
  return stream;
}
