// Shared data API (tests/plugins/sdk-shared-data.ts) in the host mock: typed get/set, CAS,
// read-modify-write retries on CasMismatch (reference §3.8, §6.10; pitfall D2).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Host } from "proxy-wasm-as/host-mock";
import { get, plugin } from "./plugins.mjs";

const wasm = plugin("sdk-shared-data");

function run(p, op, key = "k", value = "") {
  const s = p.newHttpStream();
  s.sendRequestHeaders(
    get("/", [
      ["x-op", op],
      ["x-key", key],
      ["x-value", value],
    ]),
    { endOfStream: true },
  );
  assert.equal(s.localResponse?.status, 200, `op ${op} answered`);
  return s.localResponse.bodyText;
}

test("strings round-trip; an absent key is null with NotFound (§3.8)", () => {
  const p = new Host().loadPlugin({ wasm });
  assert.equal(run(p, "get-string", "nothing"), "null 1");
  assert.equal(run(p, "set-string", "greeting", "héllo"), "0");
  assert.equal(run(p, "get-string", "greeting"), "héllo");
  assert.equal(p.sharedData.greeting.value, "héllo");
  assert.equal(run(p, "get", "greeting"), "héllo cas>0 true");
});

test("bytes and u64 keep their exact encoding", () => {
  const p = new Host().loadPlugin({ wasm });
  assert.equal(run(p, "bytes", "b"), "3:0,255,7");
  assert.equal(run(p, "u64", "n"), `${0xffffffffff} 42`);
});

test("a write with a stale CAS is CasMismatch and keeps the other writer's value (§3.8)", () => {
  const p = new Host().loadPlugin({ wasm });
  run(p, "set-string", "k", "v1");
  assert.equal(run(p, "stale-cas", "k", "mine"), "8 other worker");
  assert.equal(run(p, "fresh-cas", "k", "mine"), "0");
  assert.equal(p.sharedData.k.value, "mine");
});

test("data is shared by VMs with the same vm_id, not across vm_ids (§6.10)", () => {
  const host = new Host();
  const a = host.loadPlugin({ wasm, vmId: "one" });
  const b = host.loadPlugin({ wasm, vmId: "one" });
  const c = host.loadPlugin({ wasm, vmId: "two" });
  run(a, "set-string", "shared", "x");
  assert.equal(run(b, "get-string", "shared"), "x");
  assert.equal(run(c, "get-string", "shared"), "null 1");
});

test("addU64 counts across VMs of one vm_id", () => {
  const host = new Host();
  const a = host.loadPlugin({ wasm });
  const b = host.loadPlugin({ wasm });
  assert.equal(run(a, "add", "hits", "2"), "2");
  assert.equal(run(b, "add", "hits", "3"), "5");
  assert.equal(run(a, "add", "hits", "1"), "6");
});

test("update retries after another worker's write and keeps both (pitfall D2)", () => {
  const p = new Host().loadPlugin({ wasm });
  // existing key: the competing write lands between get and set, once or twice
  assert.equal(run(p, "update", "c", "0"), "0 attempts 1 value 1");
  assert.equal(run(p, "update", "c", "1"), "0 attempts 2 value 102");
  assert.equal(run(p, "update", "c", "2"), "0 attempts 3 value 103");
});

test("update does not overwrite a key another worker created meanwhile (CAS_CREATE)", () => {
  const p = new Host().loadPlugin({ wasm });
  // the key is absent at the first read; the competing write creates it (101); a blind create
  // (cas 0) would overwrite it with 1
  assert.equal(run(p, "update", "fresh", "1"), "0 attempts 2 value 102");
});

test("update gives up with CasMismatch after maxAttempts", () => {
  const p = new Host().loadPlugin({ wasm });
  assert.equal(run(p, "update-exhausted", "busy"), "8 attempts 3");
});

test("update with a step that returns null writes nothing", () => {
  const p = new Host().loadPlugin({ wasm, trace: true });
  run(p, "set-string", "d", "kept");
  const before = p.hostcallCounts.proxy_set_shared_data ?? 0;
  assert.equal(run(p, "update-decline", "d"), "0 kept");
  assert.equal(p.hostcallCounts.proxy_set_shared_data ?? 0, before);
  assert.equal(p.sharedData.d.value, "kept");
});

test("updateWith takes a top-level function as the step", () => {
  const p = new Host().loadPlugin({ wasm });
  assert.equal(run(p, "update-with", "s"), "0 !");
  assert.equal(run(p, "update-with", "s"), "0 !!");
});
