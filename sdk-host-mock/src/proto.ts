/** Protobuf wire-format reading for the few messages the host mock decodes (foreign-function
 * arguments, gRPC service). */

/** Minimal proto3 reader: field number → last value (varint as number, LEN as bytes). */
export function readProto(bytes: Uint8Array): Map<number, number | Uint8Array> | null {
  const out = new Map<number, number | Uint8Array>();
  let pos = 0;
  const varint = (): number | null => {
    let v = 0;
    let shift = 0;
    while (pos < bytes.length) {
      const b = bytes[pos++];
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
      shift += 7;
    }
    return null;
  };
  while (pos < bytes.length) {
    const tag = varint();
    if (tag === null) return null;
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) {
      const v = varint();
      if (v === null) return null;
      out.set(field, v);
    } else if (wire === 2) {
      const len = varint();
      if (len === null || pos + len > bytes.length) return null;
      out.set(field, bytes.slice(pos, pos + len));
      pos += len;
    } else return null;
  }
  return out;
}
