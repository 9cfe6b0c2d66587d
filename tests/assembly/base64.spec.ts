import {
  base64Decode,
  base64Encode,
  base64UrlDecode,
  base64UrlEncode,
} from "../../assembly/util/base64";

function text(s: string): ArrayBuffer {
  return String.UTF8.encode(s);
}

function decoded(buffer: ArrayBuffer | null): string {
  return buffer === null ? "<null>" : String.UTF8.decode(buffer);
}

describe("base64 (RFC 4648 §10 test vectors)", () => {
  it("encodes the RFC vectors", () => {
    const plain = ["", "f", "fo", "foo", "foob", "fooba", "foobar"];
    const encoded = ["", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"];
    for (let i = 0; i < plain.length; i++) expect(base64Encode(text(plain[i]))).toBe(encoded[i]);
  });

  it("decodes the RFC vectors", () => {
    const plain = ["", "f", "fo", "foo", "foob", "fooba", "foobar"];
    const encoded = ["", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"];
    for (let i = 0; i < plain.length; i++) expect(decoded(base64Decode(encoded[i]))).toBe(plain[i]);
  });

  it("decodes Basic credentials", () => {
    expect(decoded(base64Decode("QWxhZGRpbjpvcGVuIHNlc2FtZQ=="))).toBe("Aladdin:open sesame");
  });

  it("rejects bad length, bad characters, misplaced padding, non-canonical bits", () => {
    const bad = ["Zg", "Zg=", "Z===", "Zm9v!", "Zm-v", "Z=g=", "Zh==", "Zm9=", " Zm9v"];
    for (let i = 0; i < bad.length; i++) expect(base64Decode(bad[i])).toBeNull(bad[i]);
  });
});

describe("base64url (RFC 7515 §2 / appendix C)", () => {
  it("encodes without padding, with - and _", () => {
    const bytes = new Uint8Array(4);
    bytes[0] = 3;
    bytes[1] = 236;
    bytes[2] = 255;
    bytes[3] = 224;
    expect(base64UrlEncode(bytes.buffer)).toBe("A-z_4A"); // RFC 7515 appendix C
    expect(base64UrlEncode(text("f"))).toBe("Zg");
  });

  it("decodes the RFC 7515 A.1 header", () => {
    expect(decoded(base64UrlDecode("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"))).toBe(
      '{"typ":"JWT",\r\n "alg":"HS256"}',
    );
  });

  it("round-trips every byte value", () => {
    const all = new Uint8Array(256);
    for (let i = 0; i < 256; i++) all[i] = <u8>i;
    const back = base64UrlDecode(base64UrlEncode(all.buffer));
    expect(back).not.toBeNull();
    const view = Uint8Array.wrap(back!);
    expect(view.length).toBe(256);
    for (let i = 0; i < 256; i++) expect(view[i]).toBe(<u8>i);
  });

  it("rejects padding, the standard alphabet's + and /, and a lone trailing character", () => {
    const bad = ["Zg==", "A+z/4A", "Zm9vY", "Zh"];
    for (let i = 0; i < bad.length; i++) expect(base64UrlDecode(bad[i])).toBeNull(bad[i]);
  });
});
