import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sha256, sha256Hex } from './sha256';

const nodeSha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const bytesOf = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff);

/** Unsigned LEB128, computed independently with BigInt. */
function leb128(n: number): Uint8Array {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

describe('Sha256 against node:crypto', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('matches for the empty input and "abc"', () => {
    expect(new Sha256().hexDigest()).toBe(nodeSha256(new Uint8Array(0)));
    expect(new Sha256().update(new TextEncoder().encode('abc')).hexDigest()).toBe(nodeSha256(new TextEncoder().encode('abc')));
  });

  // Lengths around the padding boundaries: 55 fits the length in the last block, 56 does not; 64 is
  // exactly one block; 119/120 are the same boundary one block later.
  for (const n of [1, 55, 56, 57, 63, 64, 65, 111, 112, 119, 120, 127, 128, 129, 1000]) {
    it(`matches for a ${n}-byte input`, () => {
      const data = bytesOf(n, n);
      expect(new Sha256().update(data).hexDigest()).toBe(nodeSha256(data));
      expect(sha256Hex(data)).toBe(nodeSha256(data));
    });
  }

  it('matches for a 1 MiB input fed at once and byte by byte in odd chunks', () => {
    const data = bytesOf(1 << 20, 3);
    expect(new Sha256().update(data).hexDigest()).toBe(nodeSha256(data));
    const h = new Sha256();
    for (let i = 0; i < data.length; i += 4099) h.update(data.subarray(i, i + 4099));
    expect(h.hexDigest()).toBe(nodeSha256(data));
  });

  it('matches for UTF-8 strings', () => {
    for (const s of ['héllo', '日本語', '🙂 emoji', 'a'.repeat(200)]) {
      expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
    }
  });

  it('matches for random inputs fed in random chunk sizes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 700 }),
        fc.array(fc.integer({ min: 0, max: 130 }), { minLength: 1, maxLength: 40 }),
        (data, chunkSizes) => {
          const h = new Sha256();
          let i = 0;
          let k = 0;
          while (i < data.length) {
            const size = chunkSizes[k++ % chunkSizes.length]!;
            h.update(data.subarray(i, i + size)); // size 0 feeds an empty chunk, which must be harmless
            i += size;
            if (size === 0 && chunkSizes.every((s) => s === 0)) break;
          }
          if (i < data.length) h.update(data.subarray(i));
          expect(h.hexDigest()).toBe(nodeSha256(data));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('update returns the hasher (chainable) and does not keep a reference to the caller buffer', () => {
    const data = bytesOf(70);
    const expected = nodeSha256(data);
    const buffer = data.slice();
    const h = new Sha256();
    expect(h.update(buffer.subarray(0, 10))).toBe(h);
    buffer.fill(0, 0, 10); // mutating already-fed bytes must not change the result
    h.update(data.subarray(10));
    expect(h.hexDigest()).toBe(expected);
  });
});

describe('Sha256.updateVarint', () => {
  it('LEB128 reference encoder is right (sanity check of the test helper)', () => {
    expect([...leb128(0)]).toEqual([0]);
    expect([...leb128(127)]).toEqual([0x7f]);
    expect([...leb128(128)]).toEqual([0x80, 0x01]);
    expect([...leb128(300)]).toEqual([0xac, 0x02]);
  });

  it('equals feeding the LEB128 bytes', () => {
    const edge = [0, 1, 127, 128, 255, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 49, Number.MAX_SAFE_INTEGER];
    for (const n of edge) {
      const viaVarint = new Sha256().update(Uint8Array.of(9)).updateVarint(n).update(Uint8Array.of(9)).hexDigest();
      const viaBytes = nodeSha256(Uint8Array.from([9, ...leb128(n), 9]));
      expect(viaVarint, `n = ${n}`).toBe(viaBytes);
    }
    fc.assert(
      fc.property(fc.array(fc.maxSafeNat(), { maxLength: 30 }), (ns) => {
        const h = new Sha256();
        const bytes: number[] = [];
        for (const n of ns) {
          h.updateVarint(n);
          bytes.push(...leb128(n));
        }
        expect(h.hexDigest()).toBe(nodeSha256(Uint8Array.from(bytes)));
      }),
    );
  });
});

describe('Sha256 lifecycle', () => {
  it('digest twice throws', () => {
    const h = new Sha256();
    h.hexDigest();
    expect(() => h.hexDigest()).toThrow(/twice/);
  });

  it('update after digest throws', () => {
    const h = new Sha256().update(bytesOf(3));
    h.hexDigest();
    expect(() => h.update(bytesOf(1))).toThrow(/after digest/);
    expect(() => h.updateVarint(1)).toThrow(/after digest/);
  });

  it('returns 64 lowercase hex digits', () => {
    expect(new Sha256().update(bytesOf(10)).hexDigest()).toMatch(/^[0-9a-f]{64}$/);
  });
});
