import {
  decodeBool,
  decodeFloat64,
  decodeInt64,
  decodeString,
  decodeUint64,
  encodePropertyPath,
  splitPropertyPath,
} from "../../assembly/util/property-path";

function bytesOf(buffer: ArrayBuffer): u8[] {
  const out = new Array<u8>();
  const view = Uint8Array.wrap(buffer);
  for (let i = 0; i < view.length; i++) out.push(view[i]);
  return out;
}

function bufferOf(bytes: u8[]): ArrayBuffer {
  const out = new ArrayBuffer(bytes.length);
  for (let i = 0; i < bytes.length; i++) store<u8>(changetype<usize>(out) + i, bytes[i]);
  return out;
}

describe("property paths (reference §5.2)", () => {
  it("joins segments with a single NUL byte", () => {
    expect(bytesOf(encodePropertyPath(["request", "path"]))).toStrictEqual([
      0x72, 0x65, 0x71, 0x75, 0x65, 0x73, 0x74, 0, 0x70, 0x61, 0x74, 0x68,
    ]);
  });

  it("encodes one segment without separators and no segments as empty", () => {
    expect(bytesOf(encodePropertyPath(["plugin_name"])).length).toBe(11);
    expect(encodePropertyPath([]).byteLength).toBe(0);
  });

  it("keeps empty segments and UTF-8", () => {
    expect(bytesOf(encodePropertyPath(["a", "", "é"]))).toStrictEqual([0x61, 0, 0, 0xc3, 0xa9]);
  });

  it("splits dotted shorthand", () => {
    expect(splitPropertyPath("request.headers.x-id")).toStrictEqual(["request", "headers", "x-id"]);
    expect(splitPropertyPath("").length).toBe(0);
  });
});

describe("property value decoders (reference §5.3)", () => {
  it("decodes int64 little-endian (response.code 200)", () => {
    expect(decodeInt64(bufferOf([0xc8, 0, 0, 0, 0, 0, 0, 0]))).toBe(200);
    expect(decodeInt64(bufferOf([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toBe(-1);
  });

  it("falls back on wrong lengths and null", () => {
    expect(decodeInt64(bufferOf([1, 2, 3]), 42)).toBe(42);
    expect(decodeInt64(null, 7)).toBe(7);
    expect(decodeBool(bufferOf([1, 0]), true)).toBe(true);
  });

  it("decodes uint64, double and bool", () => {
    expect(decodeUint64(bufferOf([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toBe(
      u64.MAX_VALUE,
    );
    const d = new ArrayBuffer(8);
    store<f64>(changetype<usize>(d), 2.5);
    expect(decodeFloat64(d)).toBe(2.5);
    expect(decodeBool(bufferOf([1]))).toBe(true);
    expect(decodeBool(bufferOf([0]))).toBe(false);
  });

  it("decodes strings as UTF-8 and keeps null", () => {
    expect(decodeString(bufferOf([0x68, 0xc3, 0xa9]))).toBe("hé");
    expect(decodeString(null)).toBeNull();
  });
});
