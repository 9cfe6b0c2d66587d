// The two protobuf messages of the authorization service, encoded and decoded by hand (proto3
// wire format: varint keys, length-delimited strings). For larger schemas generate code with an
// AssemblyScript protobuf library instead (docs/callouts.md shows how with as-proto).
//
//   package authz.v1;
//   service Authorizer { rpc Check(CheckRequest) returns (CheckResponse); }
//   message CheckRequest  { string method = 1; string path = 2; string token = 3; }
//   message CheckResponse { bool allowed = 1; string reason = 2; string subject = 3; }

/** `authz.v1.CheckRequest`. */
export class CheckRequest {
  method: string = "";
  path: string = "";
  token: string = "";

  /** The message in protobuf wire format (empty strings are omitted, as proto3 does). */
  encode(): ArrayBuffer {
    const out = new Array<u8>();
    writeString(out, 1, this.method);
    writeString(out, 2, this.path);
    writeString(out, 3, this.token);
    const bytes = new Uint8Array(out.length);
    for (let i = 0; i < out.length; i++) bytes[i] = out[i];
    return bytes.buffer;
  }
}

/** `authz.v1.CheckResponse`. */
export class CheckResponse {
  allowed: bool = false;
  reason: string = "";
  subject: string = "";

  /** Parses the wire format; null when it is malformed (unknown fields are skipped). */
  static decode(buffer: ArrayBuffer): CheckResponse | null {
    const bytes = Uint8Array.wrap(buffer);
    const message = new CheckResponse();
    const reader = new Reader(bytes);
    while (reader.more()) {
      const key = reader.varint();
      if (reader.failed) return null;
      const field = <u32>(key >> 3);
      const wireType = <u32>(key & 7);
      if (field == 1 && wireType == 0) message.allowed = reader.varint() != 0;
      else if (field == 2 && wireType == 2) message.reason = reader.string();
      else if (field == 3 && wireType == 2) message.subject = reader.string();
      else reader.skip(wireType);
      if (reader.failed) return null;
    }
    return message;
  }
}

function writeVarint(out: u8[], value: u64): void {
  while (value >= 0x80) {
    out.push(<u8>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push(<u8>value);
}

function writeString(out: u8[], field: u32, text: string): void {
  if (text.length == 0) return;
  const bytes = Uint8Array.wrap(String.UTF8.encode(text));
  writeVarint(out, ((<u64>field) << 3) | 2);
  writeVarint(out, bytes.length);
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]);
}

/** A bounds-checked cursor over wire-format bytes; `failed` is set instead of trapping. */
class Reader {
  position: i32 = 0;
  failed: bool = false;

  constructor(private readonly bytes: Uint8Array) {}

  more(): bool {
    return !this.failed && this.position < this.bytes.length;
  }

  varint(): u64 {
    let value: u64 = 0;
    for (let shift: u64 = 0; shift < 64; shift += 7) {
      if (this.position >= this.bytes.length) break;
      const byte = <u64>this.bytes[this.position++];
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
    this.failed = true;
    return 0;
  }

  string(): string {
    const length = this.varint();
    if (this.failed || length > <u64>(this.bytes.length - this.position)) {
      this.failed = true;
      return "";
    }
    const start = this.position;
    this.position += <i32>length;
    return String.UTF8.decode(this.bytes.buffer.slice(start, this.position));
  }

  skip(wireType: u32): void {
    if (wireType == 0) this.varint();
    else if (wireType == 2) this.string();
    else if (wireType == 1 && this.position + 8 <= this.bytes.length) this.position += 8;
    else if (wireType == 5 && this.position + 4 <= this.bytes.length) this.position += 4;
    else this.failed = true;
  }
}
