import { describe, expect, it } from 'vitest';
import type { UsedQuorums } from '../../worker/lab-protocol';
import { choose, majority, quorumSizes, quorumsAlwaysMeet, quorumVerdict, USED_PAIR_LIMIT, usedQuorumReport } from './quorum-explorer';

/** Brute force: every |Q1|-subset against every |Q2|-subset of 1..n. */
function bruteIntersecting(n: number, q1: number, q2: number): boolean {
  const subsets = (k: number): number[] => {
    const out: number[] = [];
    for (let mask = 0; mask < 1 << n; mask++) {
      let bits = 0;
      for (let m = mask; m > 0; m >>= 1) bits += m & 1;
      if (bits === k) out.push(mask);
    }
    return out;
  };
  const a = subsets(q1);
  const b = subsets(q2);
  return a.every((x) => b.every((y) => (x & y) !== 0));
}

describe('quorum explorer', () => {
  it('threshold quorums intersect exactly when |Q1| + |Q2| > N (checked against every pair for N up to 7)', () => {
    for (let n = 1; n <= 7; n++) {
      for (let q1 = 1; q1 <= n; q1++) {
        for (let q2 = 1; q2 <= n; q2++) {
          const v = quorumVerdict({ kind: 'threshold', nodes: n, phase1: q1, phase2: q2 });
          expect(v.intersecting, `n=${n} q1=${q1} q2=${q2}`).toBe(bruteIntersecting(n, q1, q2));
          expect(v.example.shared.length).toBe(Math.max(0, q1 + q2 - n));
          expect(v.phase1Count).toBe(choose(n, q1));
        }
      }
    }
  });

  it('gives a disjoint pair when unsafe, named by node number', () => {
    expect(quorumVerdict({ kind: 'threshold', nodes: 5, phase1: 2, phase2: 2 }).example).toEqual({ phase1: [1, 2], phase2: [4, 5], shared: [] });
    expect(quorumVerdict({ kind: 'threshold', nodes: 5, phase1: 4, phase2: 2 }).example).toEqual({ phase1: [1, 2, 3, 4], phase2: [4, 5], shared: [4] });
  });

  it('a grid: a column (phase 1) and a row (phase 2) always share one node', () => {
    const v = quorumVerdict({ kind: 'grid', rows: 3, columns: 3 });
    expect(v).toMatchObject({ nodes: 9, intersecting: true, phase1Size: 3, phase2Size: 3, phase1Count: 3, phase2Count: 3 });
    expect(v.example).toEqual({ phase1: [1, 4, 7], phase2: [1, 2, 3], shared: [1] });
  });

  it('refuses sizes it cannot draw', () => {
    expect(() => quorumVerdict({ kind: 'threshold', nodes: 5, phase1: 6, phase2: 3 })).toThrow(/a quorum of 6 is not 1-5/);
    expect(() => quorumVerdict({ kind: 'threshold', nodes: 0, phase1: 1, phase2: 1 })).toThrow(RangeError);
    expect(() => quorumVerdict({ kind: 'grid', rows: 5, columns: 5 })).toThrow(/5 x 5/);
  });
});

describe('the run\'s quorum sizes', () => {
  it('null means a majority, as an absent --q1 / --q2 does', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(majority)).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(quorumSizes(5, null, null)).toEqual({ phase1: 3, phase2: 3 });
    expect(quorumSizes(5, 4, null)).toEqual({ phase1: 4, phase2: 3 });
    expect(quorumSizes(7, 2, 6)).toEqual({ phase1: 2, phase2: 6 });
  });

  it('warns exactly when |Q1| + |Q2| <= N, in agreement with the explorer', () => {
    expect(quorumsAlwaysMeet(5, 3, 3)).toBe(true);
    expect(quorumsAlwaysMeet(5, 4, 2)).toBe(true);
    expect(quorumsAlwaysMeet(5, 2, 3)).toBe(false);
    expect(quorumsAlwaysMeet(5, 2, 2)).toBe(false);
    expect(quorumsAlwaysMeet(4, 2, 2)).toBe(false);
    for (let n = 1; n <= 9; n++) {
      expect(quorumsAlwaysMeet(n, majority(n), majority(n)), `majorities of ${n}`).toBe(true);
      for (let q1 = 1; q1 <= n; q1++) {
        for (let q2 = 1; q2 <= n; q2++) {
          expect(quorumsAlwaysMeet(n, q1, q2)).toBe(quorumVerdict({ kind: 'threshold', nodes: n, phase1: q1, phase2: q2 }).intersecting);
        }
      }
    }
  });
});

describe('the quorums a run used', () => {
  const set = (nodes: string[], count = 1, lastBallotLabel = '1.n1') => ({ nodes, count, lastBallotLabel });

  it('nothing used yet: no pairs and no verdict either way', () => {
    expect(usedQuorumReport({ phase1: [], phase2: [] })).toEqual({ verdict: 'none-yet', pairCount: 0, missCount: 0, pairs: [] });
    // A leader elected, nothing chosen yet: still no pair to judge.
    expect(usedQuorumReport({ phase1: [set(['n1', 'n2', 'n3'])], phase2: [] }).verdict).toBe('none-yet');
  });

  it('majorities of 5 always meet: every pair shares an acceptor', () => {
    const used: UsedQuorums = {
      phase1: [set(['n1', 'n2', 'n3'], 1, '1.n1'), set(['n3', 'n4', 'n5'], 2, '2.n4')],
      phase2: [set(['n1', 'n2', 'n3'], 40, '1.n1'), set(['n1', 'n4', 'n5'], 7, '2.n4')],
    };
    const r = usedQuorumReport(used);
    expect(r.verdict).toBe('all-meet');
    expect(r.pairCount).toBe(4);
    expect(r.missCount).toBe(0);
    expect(r.pairs.map((p) => p.shared)).toEqual([['n1'], ['n3'], ['n4', 'n5'], ['n1', 'n2', 'n3']]);
    expect(r.pairs.every((p) => p.meets)).toBe(true);
  });

  it('|Q1| = |Q2| = 2 of 5: the pairs that share no acceptor come first, with their counts and ballots', () => {
    const used: UsedQuorums = {
      phase1: [set(['n1', 'n2'], 1, '1.n1'), set(['n3', 'n4'], 1, '2.n3')],
      phase2: [set(['n1', 'n2'], 30, '1.n1'), set(['n2', 'n3'], 3, '1.n1'), set(['n3', 'n4'], 12, '2.n3')],
    };
    const r = usedQuorumReport(used);
    expect(r.verdict).toBe('some-miss');
    expect(r.pairCount).toBe(6);
    expect(r.missCount).toBe(2);
    expect(r.pairs.slice(0, 2).map((p) => [p.phase1.nodes, p.phase2.nodes, p.meets])).toEqual([
      [['n1', 'n2'], ['n3', 'n4'], false],
      [['n3', 'n4'], ['n1', 'n2'], false],
    ]);
    expect(r.pairs[0]!.phase2).toEqual({ nodes: ['n3', 'n4'], count: 12, lastBallotLabel: '2.n3' });
    expect(r.pairs.slice(2).every((p) => p.meets && p.shared.length > 0)).toBe(true);
  });

  it('agrees with brute force on random used sets (a pair meets iff the sets share a node)', () => {
    // A small deterministic LCG: the test needs varied sets, not randomness.
    let x = 12345;
    const next = (): number => (x = (x * 1103515245 + 12345) % 2 ** 31);
    const randomSet = (): string[] => ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'].filter(() => next() % 3 === 0);
    for (let round = 0; round < 200; round++) {
      const used = { phase1: [set(randomSet()), set(randomSet())], phase2: [set(randomSet()), set(randomSet()), set(randomSet())] };
      const r = usedQuorumReport(used);
      const expected = used.phase1.flatMap((a) => used.phase2.map((b) => a.nodes.some((n) => b.nodes.includes(n))));
      expect(r.missCount, `round ${round}`).toBe(expected.filter((m) => !m).length);
      expect(r.pairCount).toBe(6);
      for (const p of r.pairs) expect(p.meets).toBe(p.phase1.nodes.some((n) => p.phase2.nodes.includes(n)));
      for (let i = 1; i < r.pairs.length; i++) expect(r.pairs[i - 1]!.shared.length).toBeLessThanOrEqual(r.pairs[i]!.shared.length);
    }
  });

  it('lists at most the limit, and still counts every pair', () => {
    const many = Array.from({ length: 20 }, (_, i) => set([`n${(i % 9) + 1}`, `n${((i + 1) % 9) + 1}`]));
    const r = usedQuorumReport({ phase1: many, phase2: many });
    expect(r.pairCount).toBe(400);
    expect(r.pairs).toHaveLength(USED_PAIR_LIMIT);
    expect(r.pairs[0]!.meets).toBe(false);
    expect(usedQuorumReport({ phase1: many, phase2: many }, 3).pairs).toHaveLength(3);
    expect(() => usedQuorumReport({ phase1: [], phase2: [] }, -1)).toThrow(RangeError);
  });
});
