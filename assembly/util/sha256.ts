// SHA-256 (FIPS 180-4 §6.2) over byte buffers. Pure code, no hostcalls; one digest per call,
// no state kept between calls.

// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first
// 64 primes.
const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/** The SHA-256 digest (32 bytes) of `data`. */
export function sha256(data: ArrayBuffer): ArrayBuffer {
  const input = Uint8Array.wrap(data);
  const length = input.length;
  // Message + 0x80 + zero padding + 64-bit big-endian bit length, a multiple of 64 bytes.
  const padded = ((length + 9 + 63) >> 6) << 6;
  const message = new Uint8Array(padded);
  message.set(input);
  message[length] = 0x80;
  const bitLength = (<u64>length) << 3;
  for (let i = 0; i < 8; i++) message[padded - 1 - i] = <u8>(bitLength >> (<u64>(i << 3)));

  // FIPS 180-4 §5.3.3: initial hash value.
  let h0: u32 = 0x6a09e667;
  let h1: u32 = 0xbb67ae85;
  let h2: u32 = 0x3c6ef372;
  let h3: u32 = 0xa54ff53a;
  let h4: u32 = 0x510e527f;
  let h5: u32 = 0x9b05688c;
  let h6: u32 = 0x1f83d9ab;
  let h7: u32 = 0x5be0cd19;
  const w = new StaticArray<u32>(64);
  for (let block = 0; block < padded; block += 64) {
    for (let t = 0; t < 16; t++) {
      const at = block + (t << 2);
      w[t] =
        ((<u32>message[at]) << 24) |
        ((<u32>message[at + 1]) << 16) |
        ((<u32>message[at + 2]) << 8) |
        (<u32>message[at + 3]);
    }
    for (let t = 16; t < 64; t++) {
      const w15 = w[t - 15];
      const w2 = w[t - 2];
      const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
      const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let h = h7;
    for (let t = 0; t < 64; t++) {
      const sum1 = rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25);
      const choice = (e & f) ^ (~e & g);
      const t1 = h + sum1 + choice + K[t] + w[t];
      const sum0 = rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22);
      const majority = (a & b) ^ (a & c) ^ (b & c);
      const t2 = sum0 + majority;
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h0 += a;
    h1 += b;
    h2 += c;
    h3 += d;
    h4 += e;
    h5 += f;
    h6 += g;
    h7 += h;
  }
  const digest = new Uint8Array(32);
  const words: u32[] = [h0, h1, h2, h3, h4, h5, h6, h7];
  for (let i = 0; i < 8; i++) {
    const word = words[i];
    digest[i << 2] = <u8>(word >>> 24);
    digest[(i << 2) + 1] = <u8>(word >>> 16);
    digest[(i << 2) + 2] = <u8>(word >>> 8);
    digest[(i << 2) + 3] = <u8>word;
  }
  return digest.buffer;
}
