import { constantTimeEqual, hmacSha256 } from "../../assembly/util/hmac";
import { sha256 } from "../../assembly/util/sha256";

function hex(buffer: ArrayBuffer): string {
  const view = Uint8Array.wrap(buffer);
  let out = "";
  for (let i = 0; i < view.length; i++) {
    const byte = view[i];
    out += (byte < 16 ? "0" : "") + byte.toString(16);
  }
  return out;
}

function text(s: string): ArrayBuffer {
  return String.UTF8.encode(s);
}

function repeated(byte: u8, count: i32): ArrayBuffer {
  const out = new Uint8Array(count);
  out.fill(byte);
  return out.buffer;
}

describe("SHA-256 (FIPS 180-4 / NIST example vectors)", () => {
  it('hashes "abc" (one block)', () => {
    expect(hex(sha256(text("abc")))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("hashes the empty message", () => {
    expect(hex(sha256(new ArrayBuffer(0)))).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });

  it("hashes the 448-bit message (padding spills into a second block)", () => {
    expect(hex(sha256(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  it("hashes one million 'a' (many blocks)", () => {
    expect(hex(sha256(repeated(0x61, 1000000)))).toBe(
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    );
  });

  it("pads correctly at every length around a block boundary (55, 56, 63, 64 bytes)", () => {
    // Distinct digests for distinct lengths, each 32 bytes: a wrong length field or padding
    // boundary would collide or throw.
    const seen = new Set<string>();
    const lengths: i32[] = [55, 56, 63, 64, 65];
    for (let i = 0; i < lengths.length; i++) {
      const digest = sha256(repeated(0x61, lengths[i]));
      expect(digest.byteLength).toBe(32);
      seen.add(hex(digest));
    }
    expect(seen.size).toBe(5);
    expect(hex(sha256(repeated(0x61, 64)))).toBe(
      "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
    );
  });
});

describe("HMAC-SHA-256 (RFC 4231 test cases)", () => {
  it("test case 1: 20-byte key", () => {
    expect(hex(hmacSha256(repeated(0x0b, 20), text("Hi There")))).toBe(
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
    );
  });

  it("test case 2: short key", () => {
    expect(hex(hmacSha256(text("Jefe"), text("what do ya want for nothing?")))).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("test case 3: 50 bytes of 0xdd", () => {
    expect(hex(hmacSha256(repeated(0xaa, 20), repeated(0xdd, 50)))).toBe(
      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
    );
  });

  it("test case 6: a key longer than the block is hashed first", () => {
    expect(
      hex(
        hmacSha256(
          repeated(0xaa, 131),
          text("Test Using Larger Than Block-Size Key - Hash Key First"),
        ),
      ),
    ).toBe("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  });
});

describe("constantTimeEqual", () => {
  it("tells equal from different bytes and lengths", () => {
    expect(constantTimeEqual(text("abc"), text("abc"))).toBe(true);
    expect(constantTimeEqual(text("abc"), text("abd"))).toBe(false);
    expect(constantTimeEqual(text("abc"), text("ab"))).toBe(false);
    expect(constantTimeEqual(new ArrayBuffer(0), new ArrayBuffer(0))).toBe(true);
  });
});
