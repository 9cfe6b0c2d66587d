// Helpers of the strict-mode tests: a strict Driver (tests/fixtures/wat/driver.wat, callbacks in
// JS making real wasm→host calls) and assertions on StrictModeError / plugin.violations.
import assert from "node:assert/strict";
import { StrictModeError, encodePairs } from "../../sdk-host-mock/dist/index.js";
import { Driver } from "../host-mock/wat.mjs";

export const GET = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "example.com"],
];
export const POST = (extra = []) => [
  [":method", "POST"],
  [":path", "/upload"],
  [":authority", "example.com"],
  ...extra,
];
export const CALL_HEADERS = encodePairs([
  [":method", "GET"],
  [":path", "/check"],
  [":authority", "auth"],
]);

/** A Driver with strict mode on (`strict` defaults to true). */
export function strictDriver(handlers, plugin = {}) {
  return new Driver({ handlers, plugin: { strict: true, ...plugin } });
}

/** Asserts `fn` throws a StrictModeError for `id` whose message names it and matches `re`. */
export function throwsStrict(fn, id, re = /./) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof StrictModeError, `expected StrictModeError, got ${e?.stack ?? e}`);
    assert.equal(e.pitfall, id, e.message);
    assert.match(e.message, new RegExp(`^(.*\\n)?strict ${id}: `));
    assert.match(e.message, re);
    return true;
  });
}

/** Pitfall ids recorded on a plugin, in order. */
export const ids = (plugin) => plugin.violations.map((v) => v.pitfall);
