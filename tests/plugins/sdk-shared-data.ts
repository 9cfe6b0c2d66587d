// Test plugin: shared data API (SharedData, SharedUpdate). Each request names an operation in
// `x-op` (key in `x-key`, value in `x-value`) and gets the outcome as a 200 local reply body.
import {
  FilterHeadersStatus,
  HttpContext,
  lastResult,
  registerRootContext,
  RootContext,
  SharedData,
  SharedUpdate,
  SharedValue,
  u64Bytes,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

/** Adds 1; on the first `interfereTimes` attempts another "worker" writes the key first. */
class ContendedIncrement extends SharedUpdate {
  attempts: i32 = 0;
  constructor(
    public key: string,
    public interfereTimes: i32,
    public interfereValue: u64,
  ) {
    super();
  }
  apply(current: SharedValue | null): ArrayBuffer | null {
    this.attempts++;
    if (this.attempts <= this.interfereTimes) {
      SharedData.setU64(this.key, this.interfereValue + <u64>this.attempts);
    }
    return u64Bytes((current === null ? 0 : current.toU64()) + 1);
  }
}

/** Never writes. */
class Decline extends SharedUpdate {
  seen: string = "";
  apply(current: SharedValue | null): ArrayBuffer | null {
    this.seen = current === null ? "absent" : current.toText();
    return null;
  }
}

/** A stateless step for `updateWith`: appends "!" (creates "!" when absent). */
function shout(current: SharedValue | null): ArrayBuffer | null {
  return String.UTF8.encode((current === null ? "" : current.toText()) + "!");
}

class SharedDataStream extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const op = this.requestHeaders.get("x-op");
    const key = this.requestHeaders.get("x-key");
    const value = this.requestHeaders.get("x-value");
    const k = key === null ? "k" : key;
    const v = value === null ? "" : value;
    let out = "";
    if (op == "set-string") {
      out = SharedData.setString(k, v).toString();
    } else if (op == "get-string") {
      const text = SharedData.getString(k);
      out = text === null ? "null " + lastResult().toString() : text;
    } else if (op == "get") {
      const got = SharedData.get(k);
      out = got === null ? "null" : got.toText() + " cas>0 " + (got.cas > 0).toString();
    } else if (op == "stale-cas") {
      const first = SharedData.get(k);
      const cas = first === null ? 0 : first.cas;
      SharedData.setString(k, "other worker");
      out = SharedData.setString(k, v, cas).toString() + " " + SharedData.getString(k)!;
    } else if (op == "fresh-cas") {
      const first = SharedData.get(k);
      out = SharedData.setString(k, v, first === null ? 0 : first.cas).toString();
    } else if (op == "bytes") {
      const bytes = new Uint8Array(3);
      bytes[0] = 0;
      bytes[1] = 255;
      bytes[2] = 7;
      SharedData.set(k, bytes.buffer);
      const back = Uint8Array.wrap(SharedData.getBytes(k)!);
      out =
        back.length.toString() +
        ":" +
        back[0].toString() +
        "," +
        back[1].toString() +
        "," +
        back[2].toString();
    } else if (op == "u64") {
      SharedData.setU64(k, 0xffffffffff);
      out = SharedData.getU64(k).toString() + " " + SharedData.getU64("missing", 42).toString();
    } else if (op == "add") {
      out = SharedData.addU64(k, U64.parseInt(v)).toString();
    } else if (op == "update") {
      const step = new ContendedIncrement(k, I32.parseInt(v), 100);
      const result = SharedData.update(k, step);
      out =
        result.toString() +
        " attempts " +
        step.attempts.toString() +
        " value " +
        SharedData.getU64(k).toString();
    } else if (op == "update-exhausted") {
      const step = new ContendedIncrement(k, 1000, 100);
      const result = SharedData.update(k, step, 3);
      out = result.toString() + " attempts " + step.attempts.toString();
    } else if (op == "update-with") {
      out = SharedData.updateWith(k, shout).toString() + " " + SharedData.getString(k)!;
    } else if (op == "update-decline") {
      const step = new Decline();
      out = SharedData.update(k, step).toString() + " " + step.seen;
    }
    this.sendLocalResponse(200, out);
    return FilterHeadersStatus.StopIteration;
  }
}

class SharedDataRoot extends RootContext {
  createHttpContext(contextId: u32): HttpContext | null {
    return new SharedDataStream(contextId, this);
  }
}

registerRootContext((id: u32) => new SharedDataRoot(id));
