// Base64 (RFC 4648 §4) and base64url (§5) decoding and encoding of byte buffers. Pure code, no
// hostcalls. Used for `Authorization: Basic` credentials and JWT segments (RFC 7515 §2: base64url
// without padding).

const STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The 6-bit value of an alphabet character, or -1. */
function sextet(code: i32, urlSafe: bool): i32 {
  if (code >= 65 && code <= 90) return code - 65; // A-Z
  if (code >= 97 && code <= 122) return code - 71; // a-z
  if (code >= 48 && code <= 57) return code + 4; // 0-9
  if (urlSafe) {
    if (code == 45) return 62; // -
    if (code == 95) return 63; // _
  } else {
    if (code == 43) return 62; // +
    if (code == 47) return 63; // /
  }
  return -1;
}

function decode(text: string, urlSafe: bool, padding: bool): ArrayBuffer | null {
  let length = text.length;
  if (padding) {
    if (length % 4 != 0) return null;
    let pad = 0;
    while (pad < 2 && length > 0 && text.charCodeAt(length - 1) == 61) {
      length--;
      pad++;
    }
  }
  if (length % 4 == 1) return null; // a lone sextet cannot end a byte
  const out = new Uint8Array((length * 3) >> 2);
  let bits: u32 = 0;
  let count = 0;
  let at = 0;
  for (let i = 0; i < length; i++) {
    const value = sextet(text.charCodeAt(i), urlSafe);
    if (value < 0) return null;
    bits = (bits << 6) | (<u32>value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[at++] = <u8>(bits >> count);
    }
  }
  // Canonical encodings leave the unused low bits zero (RFC 4648 §3.5).
  if ((bits & ((1 << count) - 1)) != 0) return null;
  return out.buffer;
}

function encode(bytes: ArrayBuffer, alphabet: string, padding: bool): string {
  const view = Uint8Array.wrap(bytes);
  const parts = new Array<string>();
  let i = 0;
  for (; i + 2 < view.length; i += 3) {
    const n = ((<u32>view[i]) << 16) | ((<u32>view[i + 1]) << 8) | view[i + 2];
    parts.push(
      alphabet.charAt(n >> 18) +
        alphabet.charAt((n >> 12) & 63) +
        alphabet.charAt((n >> 6) & 63) +
        alphabet.charAt(n & 63),
    );
  }
  const rest = view.length - i;
  if (rest == 1) {
    const n = (<u32>view[i]) << 16;
    parts.push(alphabet.charAt(n >> 18) + alphabet.charAt((n >> 12) & 63) + (padding ? "==" : ""));
  } else if (rest == 2) {
    const n = ((<u32>view[i]) << 16) | ((<u32>view[i + 1]) << 8);
    parts.push(
      alphabet.charAt(n >> 18) +
        alphabet.charAt((n >> 12) & 63) +
        alphabet.charAt((n >> 6) & 63) +
        (padding ? "=" : ""),
    );
  }
  return parts.join("");
}

/** Decodes padded standard base64; null when `text` is not canonical base64. */
export function base64Decode(text: string): ArrayBuffer | null {
  return decode(text, false, true);
}

/** Encodes bytes as padded standard base64. */
export function base64Encode(bytes: ArrayBuffer): string {
  return encode(bytes, STANDARD, true);
}

/** Decodes unpadded base64url (RFC 7515 §2); null when `text` is not canonical base64url. */
export function base64UrlDecode(text: string): ArrayBuffer | null {
  return decode(text, true, false);
}

/** Encodes bytes as unpadded base64url (RFC 7515 §2). */
export function base64UrlEncode(bytes: ArrayBuffer): string {
  return encode(bytes, URL_SAFE, false);
}
