import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GeoLatency, meanLatencyMs, Network, sampleLatencyMs, type NetworkConfig } from './network';
import { RttTable } from './regions';
import { Rng } from './rng';
import type { LatencySpec } from './scenario';

const config = (over: Partial<NetworkConfig> = {}): NetworkConfig => ({
  latency: { kind: 'constant', ms: 10 },
  lossProbability: 0,
  duplicateProbability: 0,
  reorderProbability: 0,
  links: [],
  ...over,
});

const samples = (spec: LatencySpec, n: number, seed = 1): number[] => {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => sampleLatencyMs(spec, rng));
};

describe('sampleLatencyMs', () => {
  it('constant is exact (rounded to whole ms) and draws nothing', () => {
    expect(new Set(samples({ kind: 'constant', ms: 12 }, 100))).toEqual(new Set([12]));
    expect(samples({ kind: 'constant', ms: 7.6 }, 1)).toEqual([8]);
    expect(samples({ kind: 'constant', ms: 0 }, 1)).toEqual([0]);
    const rng = new Rng(4);
    sampleLatencyMs({ kind: 'constant', ms: 3 }, rng);
    expect(rng.nextU32()).toBe(new Rng(4).nextU32());
  });

  it('uniform stays within [minMs, maxMs], is integral and reaches both ends', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 10 }), fc.nat(), (minMs, span, seed) => {
        const maxMs = minMs + span;
        const xs = samples({ kind: 'uniform', minMs, maxMs }, 500, seed);
        expect(xs.filter((x) => !Number.isInteger(x) || x < minMs || x > maxMs)).toEqual([]);
        expect(xs).toContain(minMs);
        expect(xs).toContain(maxMs);
      }),
      { numRuns: 50 },
    );
  });

  it('uniform has about the right mean', () => {
    const xs = samples({ kind: 'uniform', minMs: 10, maxMs: 50 }, 20_000, 9);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean - 30)).toBeLessThan(0.5);
  });

  it('normal is never negative, even when the jitter dwarfs the mean', () => {
    const xs = samples({ kind: 'normal', meanMs: 1, jitterMs: 50 }, 5_000, 2);
    expect(xs.filter((x) => x < 0 || !Number.isInteger(x))).toEqual([]);
    expect(xs.filter((x) => x === 0).length).toBeGreaterThan(1_000); // truncated at zero, not reflected
    expect(Math.max(...xs)).toBeGreaterThan(50);
  });

  it('normal centres on meanMs with spread about jitterMs', () => {
    const xs = samples({ kind: 'normal', meanMs: 100, jitterMs: 10 }, 20_000, 5);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean - 100)).toBeLessThan(0.5);
    expect(Math.abs(sd - 10)).toBeLessThan(0.5);
  });

  it('normal with zero jitter is exactly the mean', () => {
    expect(new Set(samples({ kind: 'normal', meanMs: 5, jitterMs: 0 }, 200))).toEqual(new Set([5]));
  });

  it('is deterministic for a given stream', () => {
    const spec: LatencySpec = { kind: 'normal', meanMs: 5, jitterMs: 2 };
    expect(samples(spec, 50, 77)).toEqual(samples(spec, 50, 77));
    expect(samples(spec, 50, 77)).not.toEqual(samples(spec, 50, 78));
  });
});

describe('meanLatencyMs', () => {
  it('is the mean of each kind', () => {
    expect(meanLatencyMs({ kind: 'constant', ms: 12 })).toBe(12);
    expect(meanLatencyMs({ kind: 'uniform', minMs: 10, maxMs: 30 })).toBe(20);
    expect(meanLatencyMs({ kind: 'normal', meanMs: 7, jitterMs: 3 })).toBe(7);
  });
});

describe('Network.connected', () => {
  const net = (): Network => new Network(config(), new Rng(1));

  it('everything is connected initially', () => {
    const n = net();
    for (const a of ['n1', 'n2', 'n3', 'c1']) for (const b of ['n1', 'n2', 'n3', 'c1']) expect(n.connected(a, b)).toBe('ok');
    expect(n.partitionGroups()).toEqual([]);
    expect(n.cutLinks()).toEqual([]);
  });

  it('a partition blocks across groups (both ways) and allows within a group', () => {
    const n = net();
    n.partition([['n1', 'n2'], ['n3', 'n4', 'n5']]);
    expect(n.connected('n1', 'n2')).toBe('ok');
    expect(n.connected('n3', 'n5')).toBe('ok');
    expect(n.connected('n1', 'n3')).toBe('partition');
    expect(n.connected('n5', 'n2')).toBe('partition');
    expect(n.partitionGroups()).toEqual([['n1', 'n2'], ['n3', 'n4', 'n5']]);
  });

  it('nodes not named in a partition are with everyone', () => {
    const n = net();
    n.partition([['n1'], ['n2']]);
    expect(n.connected('n1', 'n2')).toBe('partition');
    expect(n.connected('n1', 'n3')).toBe('ok');
    expect(n.connected('n3', 'n2')).toBe('ok');
  });

  it('a new partition replaces the old one', () => {
    const n = net();
    n.partition([['n1'], ['n2', 'n3']]);
    n.partition([['n1', 'n2'], ['n3']]);
    expect(n.connected('n1', 'n2')).toBe('ok');
    expect(n.connected('n2', 'n3')).toBe('partition');
  });

  it('clients (ids starting with c) are not affected by node partitions', () => {
    const n = net();
    n.partition([['n1'], ['n2', 'n3']]);
    for (const node of ['n1', 'n2', 'n3']) {
      expect(n.connected('c1', node)).toBe('ok');
      expect(n.connected(node, 'c1')).toBe('ok');
      expect(n.connected('c0', node)).toBe('ok');
    }
  });

  it('a one-way cut blocks only that direction', () => {
    const n = net();
    n.cutLink('n1', 'n2', true);
    expect(n.connected('n1', 'n2')).toBe('link-cut');
    expect(n.connected('n2', 'n1')).toBe('ok');
    expect(n.connected('n1', 'n3')).toBe('ok');
    expect(n.cutLinks()).toEqual([['n1', 'n2']]);
  });

  it('a two-way cut blocks both directions', () => {
    const n = net();
    n.cutLink('n1', 'n2', false);
    expect(n.connected('n1', 'n2')).toBe('link-cut');
    expect(n.connected('n2', 'n1')).toBe('link-cut');
  });

  it('a cut link wins over a partition that would allow it', () => {
    const n = net();
    n.partition([['n1', 'n2'], ['n3']]);
    n.cutLink('n1', 'n2', true);
    expect(n.connected('n1', 'n2')).toBe('link-cut');
  });

  it('healLink restores a link (one direction or both)', () => {
    const n = net();
    n.cutLink('n1', 'n2', false);
    n.healLink('n1', 'n2', true);
    expect(n.connected('n1', 'n2')).toBe('ok');
    expect(n.connected('n2', 'n1')).toBe('link-cut');
    n.healLink('n2', 'n1', false);
    expect(n.connected('n2', 'n1')).toBe('ok');
    expect(n.cutLinks()).toEqual([]);
  });

  it('healAll restores the partition and every cut link', () => {
    const n = net();
    n.partition([['n1'], ['n2', 'n3']]);
    n.cutLink('n2', 'n3', false);
    n.healAll();
    for (const [a, b] of [['n1', 'n2'], ['n2', 'n3'], ['n3', 'n2'], ['n3', 'n1']] as const) expect(n.connected(a, b)).toBe('ok');
    expect(n.partitionGroups()).toEqual([]);
    expect(n.cutLinks()).toEqual([]);
  });
});

describe('Network loss, latency overrides, duplication and reordering', () => {
  it('loss probability 0 never loses, 1 always loses', () => {
    const never = new Network(config({ lossProbability: 0 }), new Rng(1));
    const always = new Network(config({ lossProbability: 1 }), new Rng(1));
    let lostNever = 0;
    let keptAlways = 0;
    for (let i = 0; i < 2_000; i++) {
      if (never.lost('n1', 'n2')) lostNever++;
      if (!always.lost('n1', 'n2')) keptAlways++;
    }
    expect(lostNever).toBe(0);
    expect(keptAlways).toBe(0);
  });

  it('loss in between is about the configured probability', () => {
    const n = new Network(config({ lossProbability: 0.25 }), new Rng(12));
    let lost = 0;
    for (let i = 0; i < 10_000; i++) if (n.lost('n1', 'n2')) lost++;
    expect(lost / 10_000).toBeGreaterThan(0.23);
    expect(lost / 10_000).toBeLessThan(0.27);
  });

  it('a link override sets loss and latency for that direction only', () => {
    const n = new Network(
      config({ links: [{ from: 'n1', to: 'n2', lossProbability: 1, latency: { kind: 'constant', ms: 90 } }] }),
      new Rng(1),
    );
    expect(n.lost('n1', 'n2')).toBe(true);
    expect(n.lost('n2', 'n1')).toBe(false);
    expect(n.latencyFor('n1', 'n2')).toBe(90);
    expect(n.latencyFor('n2', 'n1')).toBe(10);
  });

  it('an override without lossProbability falls back to the global one', () => {
    const n = new Network(config({ lossProbability: 1, links: [{ from: 'n1', to: 'n2', latency: { kind: 'constant', ms: 3 } }] }), new Rng(1));
    expect(n.lost('n1', 'n2')).toBe(true);
  });

  it('duplicated() follows duplicateProbability', () => {
    const none = new Network(config({ duplicateProbability: 0 }), new Rng(1));
    const all = new Network(config({ duplicateProbability: 1 }), new Rng(1));
    for (let i = 0; i < 100; i++) {
      expect(none.duplicated()).toBe(false);
      expect(all.duplicated()).toBe(true);
    }
  });

  it('reordering holds a message back by 1 .. 1 + 2 * mean extra ms', () => {
    const n = new Network(config({ reorderProbability: 1 }), new Rng(3));
    const xs = Array.from({ length: 2_000 }, () => n.latencyFor('n1', 'n2'));
    expect(Math.min(...xs)).toBe(11);
    expect(Math.max(...xs)).toBe(31);
    const plain = new Network(config({ reorderProbability: 0 }), new Rng(3));
    expect(new Set(Array.from({ length: 100 }, () => plain.latencyFor('n1', 'n2')))).toEqual(new Set([10]));
  });

  it('allocateId hands out 1, 2, 3, ...', () => {
    const n = new Network(config(), new Rng(1));
    expect([n.allocateId(), n.allocateId(), n.allocateId()]).toEqual([1, 2, 3]);
  });
});

describe('geo-replication latency', () => {
  const config: NetworkConfig = { latency: { kind: 'constant', ms: 5 }, lossProbability: 0, duplicateProbability: 0, reorderProbability: 0, links: [] };
  const regionOf = new Map([['n1', 'us-east'], ['n2', 'eu-west'], ['n3', 'us-east'], ['c1', 'eu-west']]);
  const geo = (jitter: import('./scenario').JitterSpec, seed = 1) => new GeoLatency(regionOf, new RttTable(), jitter, new Rng(seed));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  it('a cross-region link takes RTT/2 on average (random rounding keeps the mean), intra-region under 1 ms', () => {
    const net = new Network(config, new Rng(1), geo({ kind: 'none' }));
    const cross = Array.from({ length: 4_000 }, () => net.latencyFor('n1', 'n2'));
    expect(new Set(cross)).toEqual(new Set([40, 41]));
    expect(mean(cross)).toBeCloseTo(40.25, 0);
    const intra = Array.from({ length: 4_000 }, () => net.latencyFor('n1', 'n3'));
    expect(new Set(intra)).toEqual(new Set([0, 1]));
    expect(mean(intra)).toBeGreaterThan(0.45);
    expect(mean(intra)).toBeLessThan(0.55);
    // Addresses without a region (none here but the flat spec) and link overrides use the flat model.
    expect(net.latencyFor('n1', 'x9')).toBe(5);
    const overridden = new Network({ ...config, links: [{ from: 'n1', to: 'n2', latency: { kind: 'constant', ms: 3 } }] }, new Rng(1), geo({ kind: 'none' }));
    expect(overridden.latencyFor('n1', 'n2')).toBe(3);
  });

  it('pareto jitter has a heavier tail than normal jitter of the same fraction', () => {
    const p99 = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(0.99 * xs.length)]!;
    const normal = geo({ kind: 'normal', fraction: 0.1 });
    const pareto = geo({ kind: 'pareto', fraction: 0.1, alpha: 1.5 });
    const n = Array.from({ length: 5_000 }, () => normal.sampleMs(40));
    const p = Array.from({ length: 5_000 }, () => pareto.sampleMs(40));
    expect(Math.abs(mean(n) - 40)).toBeLessThan(0.5);
    expect(p99(p)).toBeGreaterThan(p99(n) + 10);
    expect(Math.min(...p)).toBeGreaterThanOrEqual(40);
  });

  it('a region partition cuts clients off with their region; heal joins everyone again', () => {
    const net = new Network(config, new Rng(1), geo({ kind: 'none' }));
    net.partition([['n1', 'n3'], ['n2']], [[], ['c1']]);
    expect(net.connected('c1', 'n1')).toBe('partition');
    expect(net.connected('c1', 'n2')).toBe('ok');
    expect(net.partitionGroups()).toEqual([['n1', 'n3'], ['n2']]);
    net.partition([['n1'], ['n2', 'n3']]);
    expect(net.connected('c1', 'n1')).toBe('ok'); // a node partition leaves clients outside
    net.partition([['n1', 'n3'], ['n2']], [[], ['c1']]);
    net.healAll();
    expect(net.connected('c1', 'n1')).toBe('ok');
  });
});
