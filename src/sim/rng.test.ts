import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, RngStreams } from './rng';

const draw = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.nextU32());

describe('Rng golden values', () => {
  // These pin cross-engine determinism: every saved trace hash, shared link and fuzz seed depends on
  // these exact numbers. Changing the generator (or its seeding) must be a conscious decision that
  // also updates every recorded hash, never an accident. (Checked once against an independent
  // sfc32 + splitmix32 implementation.)
  it('Rng(42) yields the pinned first five nextU32 values', () => {
    expect(draw(new Rng(42), 5)).toEqual([1028872839, 2516511472, 400437680, 853279530, 1920286840]);
  });

  it("RngStreams(42).stream('network') yields pinned values (pins the stream-name derivation)", () => {
    expect(draw(new RngStreams(42).stream('network'), 3)).toEqual([3672224775, 4182823409, 3366400069]);
  });
});

describe('Rng', () => {
  it('the same seed gives the same sequence', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        expect(draw(new Rng(seed), 20)).toEqual(draw(new Rng(seed), 20));
      }),
      { numRuns: 50 },
    );
  });

  it('different seeds give different sequences', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (a, b) => {
        fc.pre(a !== b);
        expect(draw(new Rng(a), 4)).not.toEqual(draw(new Rng(b), 4));
      }),
      { numRuns: 200 },
    );
    // Neighbouring seeds too (the splitmix32 seeding must spread them).
    const firsts = new Set(Array.from({ length: 1000 }, (_, seed) => new Rng(seed).nextU32()));
    expect(firsts.size).toBe(1000);
  });

  it('nextU32 is an unsigned 32-bit integer', () => {
    const rng = new Rng(7);
    const bad = draw(rng, 10_000).filter((x) => !(Number.isInteger(x) && x >= 0 && x <= 0xffffffff));
    expect(bad).toEqual([]);
  });

  it('refuses a seed that is not an integer', () => {
    for (const seed of [1.5, Number.NaN, Number.POSITIVE_INFINITY, -0.1]) {
      expect(() => new Rng(seed)).toThrow(/seed/);
    }
  });

  it('float is in [0, 1)', () => {
    const rng = new Rng(3);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = rng.float();
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(min).toBeLessThan(0.001);
    expect(max).toBeGreaterThan(0.999);
  });

  it('int(min, max) stays in range and hits both ends', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 20 }), fc.nat(), (min, span, seed) => {
        const rng = new Rng(seed);
        const max = min + span;
        const seen = new Set<number>();
        const outOfRange: number[] = [];
        for (let i = 0; i < 2_000; i++) {
          const x = rng.int(min, max);
          if (!Number.isInteger(x) || x < min || x > max) outOfRange.push(x);
          seen.add(x);
        }
        expect(outOfRange).toEqual([]);
        expect(seen.has(min)).toBe(true);
        expect(seen.has(max)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('int(n, n) is always n', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 100; i++) expect(rng.int(-4, -4)).toBe(-4);
  });

  it('int is roughly uniform (chi-square over 10 buckets, generous bound)', () => {
    const rng = new Rng(20240601);
    const buckets = 10;
    const draws = 100_000;
    const counts = new Array<number>(buckets).fill(0);
    for (let i = 0; i < draws; i++) counts[rng.int(0, buckets - 1)]!++;
    const expected = draws / buckets;
    const chiSquare = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: p = 0.001 at 27.9. 40 leaves room while still catching a skew of a few %.
    expect(chiSquare).toBeLessThan(40);
    for (const c of counts) expect(Math.abs(c - expected) / expected).toBeLessThan(0.05);
  });

  it('refuses bad integer ranges', () => {
    const rng = new Rng(1);
    expect(() => rng.int(2, 1)).toThrow(/range/);
    expect(() => rng.int(0.5, 2)).toThrow(/range/);
    expect(() => rng.int(0, 2.5)).toThrow(/range/);
    expect(() => rng.int(0, Number.NaN)).toThrow(/range/);
    expect(() => rng.int(Number.NEGATIVE_INFINITY, 0)).toThrow(/range/);
  });

  it('chance(p) is never true at 0, always at 1, and about p in between', () => {
    const rng = new Rng(11);
    let hits = 0;
    let wrong = 0;
    for (let i = 0; i < 10_000; i++) {
      if (rng.chance(0) || rng.chance(-1) || !rng.chance(1) || !rng.chance(2)) wrong++;
      if (rng.chance(0.3)) hits++;
    }
    expect(wrong).toBe(0);
    expect(hits / 10_000).toBeGreaterThan(0.27);
    expect(hits / 10_000).toBeLessThan(0.33);
  });

  it('chance(0) and chance(1) draw nothing from the stream', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    a.chance(0);
    a.chance(1);
    expect(a.nextU32()).toBe(b.nextU32());
  });

  it('normal has mean about 0 and standard deviation about 1', () => {
    const rng = new Rng(99);
    const n = 20_000;
    const xs = Array.from({ length: n }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
    expect(xs.every(Number.isFinite)).toBe(true);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(sd - 1)).toBeLessThan(0.05);
  });

  it('exponential is non-negative with about the given mean', () => {
    const rng = new Rng(123);
    const n = 20_000;
    const xs = Array.from({ length: n }, () => rng.exponential(50));
    expect(xs.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    expect(Math.abs(mean - 50)).toBeLessThan(2.5);
  });

  it('pick returns an element and refuses an empty list', () => {
    const rng = new Rng(8);
    const items = ['a', 'b', 'c'] as const;
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) seen.add(rng.pick(items));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
    expect(() => rng.pick([])).toThrow(/empty/);
  });

  it('shuffled returns a permutation and leaves the input alone', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 50 }), fc.nat(), (items, seed) => {
        const copy = items.slice();
        const out = new Rng(seed).shuffled(items);
        expect(items).toEqual(copy);
        expect(out).not.toBe(items);
        expect(out.slice().sort((a, b) => a - b)).toEqual(copy.sort((a, b) => a - b));
      }),
    );
  });

  it('shuffled reaches every permutation of three items, roughly evenly', () => {
    const rng = new Rng(31);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6_000; i++) {
      const key = rng.shuffled([1, 2, 3]).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const c of counts.values()) expect(c).toBeGreaterThan(850);
  });
});

describe('RngStreams', () => {
  it('returns the same stream object for the same name', () => {
    const streams = new RngStreams(1);
    expect(streams.stream('network')).toBe(streams.stream('network'));
  });

  it('named streams are independent: drawing from one never changes another', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.nat({ max: 200 }), (seed, drawsFromA) => {
        const left = new RngStreams(seed);
        const right = new RngStreams(seed);
        const a = left.stream('a');
        for (let i = 0; i < drawsFromA; i++) a.nextU32();
        left.stream('c').float();
        expect(draw(left.stream('b'), 5)).toEqual(draw(right.stream('b'), 5));
      }),
      { numRuns: 50 },
    );
  });

  it('different names and different seeds give different streams', () => {
    const s = new RngStreams(1);
    const names = ['network', 'timers', 'clients', 'nemesis', 'node:n1', 'node:n2', 'a', 'b', 'ab', 'ba'];
    const firsts = names.map((n) => draw(s.stream(n), 2).join(','));
    expect(new Set(firsts).size).toBe(names.length);
    expect(draw(new RngStreams(1).stream('network'), 3)).not.toEqual(draw(new RngStreams(2).stream('network'), 3));
  });

  it('a stream depends only on (seed, name), not on which streams were created first', () => {
    const first = new RngStreams(77);
    first.stream('x');
    first.stream('y');
    const second = new RngStreams(77);
    expect(draw(first.stream('z'), 4)).toEqual(draw(second.stream('z'), 4));
  });

  it('accepts every unsigned 32-bit seed and refuses anything else', () => {
    expect(new RngStreams(0).seed).toBe(0);
    expect(new RngStreams(0xffffffff).seed).toBe(0xffffffff);
    for (const seed of [-1, 2 ** 32, 1.5, Number.NaN]) {
      expect(() => new RngStreams(seed)).toThrow(/seed/);
    }
  });
});
