/**
 * Incremental SHA-256 (FIPS 180-4) in plain TypeScript.
 *
 * Why not WebCrypto or node:crypto: the trace hash is computed incrementally, event by event, in the
 * same code in Node and in a browser worker; `crypto.subtle.digest` is one-shot and asynchronous.
 * Tested against node:crypto in sha256.test.ts.
 */
// Int32Array, not Uint32Array: a uint32 above 2^31 read into arithmetic leaves V8's int32 fast path
// (it becomes a double), which made compress about half as fast.
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

export class Sha256 {
  private readonly h = new Int32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  private readonly block = new Uint8Array(64);
  private blockUsed = 0;
  private totalBytes = 0;
  private readonly w = new Int32Array(64);
  private readonly varintScratch = new Uint8Array(10);
  private finished = false;

  update(data: Uint8Array): this {
    if (this.finished) throw new Error('sha256: update after digest');
    this.totalBytes += data.length;
    let i = 0;
    // Top up a partly filled block first; then whole blocks straight from `data`, without a copy.
    if (this.blockUsed > 0) {
      const take = Math.min(64 - this.blockUsed, data.length);
      this.block.set(data.subarray(0, take), this.blockUsed);
      this.blockUsed += take;
      i = take;
      if (this.blockUsed < 64) return this;
      this.compress(this.block, 0);
      this.blockUsed = 0;
    }
    for (; i + 64 <= data.length; i += 64) this.compress(data, i);
    if (i < data.length) {
      this.block.set(data.subarray(i), 0);
      this.blockUsed = data.length - i;
    }
    return this;
  }

  /** An independent copy of the running state: hash a prefix now and keep feeding the original. */
  clone(): Sha256 {
    if (this.finished) throw new Error('sha256: clone after digest');
    const copy = new Sha256();
    copy.h.set(this.h);
    copy.block.set(this.block);
    copy.blockUsed = this.blockUsed;
    copy.totalBytes = this.totalBytes;
    return copy;
  }

  /** Feeds a LEB128 varint (used to length-prefix trace records). */
  updateVarint(n: number): this {
    let len = 0;
    while (n >= 0x80) {
      this.varintScratch[len++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.varintScratch[len++] = n;
    return this.update(this.varintScratch.subarray(0, len));
  }

  /** One 64-byte block of `b` from `offset`. */
  private compress(b: Uint8Array, offset: number): void {
    const w = this.w;
    for (let t = 0; t < 16; t++) {
      const j = offset + t * 4;
      w[t] = (b[j]! << 24) | (b[j + 1]! << 16) | (b[j + 2]! << 8) | b[j + 3]!;
    }
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15]!;
      const y = w[t - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
    }
    const h = this.h;
    let a = h[0]!, bb = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K[t]! + w[t]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & bb) ^ (a & c) ^ (bb & c);
      const t2 = (S0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = bb;
      bb = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (h[0]! + a) | 0;
    h[1] = (h[1]! + bb) | 0;
    h[2] = (h[2]! + c) | 0;
    h[3] = (h[3]! + d) | 0;
    h[4] = (h[4]! + e) | 0;
    h[5] = (h[5]! + f) | 0;
    h[6] = (h[6]! + g) | 0;
    h[7] = (h[7]! + hh) | 0;
  }

  /** Finishes the hash and returns it as 64 lowercase hex digits. */
  hexDigest(): string {
    if (this.finished) throw new Error('sha256: digest called twice');
    const bitLength = this.totalBytes * 8;
    const pad = new Uint8Array(((this.blockUsed < 56 ? 56 : 120) - this.blockUsed) + 8);
    pad[0] = 0x80;
    const hi = Math.floor(bitLength / 0x100000000);
    const lo = bitLength >>> 0;
    const n = pad.length;
    pad[n - 8] = hi >>> 24;
    pad[n - 7] = (hi >>> 16) & 0xff;
    pad[n - 6] = (hi >>> 8) & 0xff;
    pad[n - 5] = hi & 0xff;
    pad[n - 4] = lo >>> 24;
    pad[n - 3] = (lo >>> 16) & 0xff;
    pad[n - 2] = (lo >>> 8) & 0xff;
    pad[n - 1] = lo & 0xff;
    const savedTotal = this.totalBytes;
    this.update(pad);
    this.totalBytes = savedTotal;
    if (this.blockUsed !== 0) throw new Error('sha256: padding did not end on a block boundary');
    this.finished = true;
    let hex = '';
    for (const word of this.h) hex += (word >>> 0).toString(16).padStart(8, '0');
    return hex;
  }
}

/** One-shot convenience. */
export function sha256Hex(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return new Sha256().update(bytes).hexDigest();
}
