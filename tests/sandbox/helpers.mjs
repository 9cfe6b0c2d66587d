// Shared helpers of the sandbox tests (docs/sandbox.md).
import { plugin } from "../sdk/plugins.mjs";

export const MISBEHAVE = plugin("sandbox-misbehave", { debug: true });
export const ROOTS = plugin("sandbox-roots");

/** Request headers of a GET with an `x-action`. */
export function req(action, extra = []) {
  return [
    [":method", "GET"],
    [":path", "/"],
    [":authority", "example.com"],
    ...(action ? [["x-action", action]] : []),
    ...extra,
  ];
}

/** Runs one request through a plugin; returns the stream (trap errors swallowed and returned). */
export function run(p, action, extra = [], options = {}) {
  const s = p.newHttpStream(options);
  let error = null;
  try {
    s.sendRequestHeaders(req(action, extra), { endOfStream: true });
  } catch (e) {
    error = e;
  }
  try {
    s.complete();
  } catch (e) {
    error ??= e;
  }
  s.error = error;
  return s;
}
