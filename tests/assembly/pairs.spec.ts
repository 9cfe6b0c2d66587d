import { decodePairs, decodePairsBuffer, encodePairs, HeaderPair } from "../../assembly/util/pairs";

function bytesOf(buffer: ArrayBuffer): u8[] {
  const out = new Array<u8>();
  const view = Uint8Array.wrap(buffer);
  for (let i = 0; i < view.length; i++) out.push(view[i]);
  return out;
}

describe("pairs encoding (reference §5.1)", () => {
  it("encodes the reference example {a:1, b:22} byte for byte", () => {
    const encoded = encodePairs([new HeaderPair("a", "1"), new HeaderPair("b", "22")]);
    expect(bytesOf(encoded)).toStrictEqual([
      2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0x61, 0, 0x31, 0, 0x62, 0, 0x32,
      0x32, 0,
    ]);
  });

  it("encodes an empty list as a zero count", () => {
    expect(bytesOf(encodePairs([]))).toStrictEqual([0, 0, 0, 0]);
  });

  it("round-trips UTF-8 names and values, duplicates and empty values", () => {
    const pairs = [
      new HeaderPair(":path", "/é"),
      new HeaderPair("x-dup", "1"),
      new HeaderPair("x-dup", ""),
      new HeaderPair("emoji", "😀"),
    ];
    const decoded = decodePairsBuffer(encodePairs(pairs));
    expect(decoded.length).toBe(4);
    expect(decoded[0].name).toBe(":path");
    expect(decoded[0].value).toBe("/é");
    expect(decoded[2].name).toBe("x-dup");
    expect(decoded[2].value).toBe("");
    expect(decoded[3].value).toBe("😀");
  });

  it("decodes buffers shorter than the count as empty", () => {
    expect(decodePairs(0, 0).length).toBe(0);
    expect(decodePairsBuffer(new ArrayBuffer(3)).length).toBe(0);
  });

  it("rejects a count larger than the buffer can hold", () => {
    const buffer = new ArrayBuffer(12);
    store<u32>(changetype<usize>(buffer), 1000);
    expect(decodePairsBuffer(buffer).length).toBe(0);
  });

  it("rejects sizes that run past the end", () => {
    const encoded = encodePairs([new HeaderPair("a", "1")]);
    store<u32>(changetype<usize>(encoded) + 8, 50); // value length 50
    expect(decodePairsBuffer(encoded).length).toBe(0);
  });

  it("rejects a missing NUL terminator", () => {
    const encoded = encodePairs([new HeaderPair("ab", "c")]);
    store<u8>(changetype<usize>(encoded) + 12 + 2, 0x41); // overwrite the NUL after "ab"
    expect(decodePairsBuffer(encoded).length).toBe(0);
  });
});
