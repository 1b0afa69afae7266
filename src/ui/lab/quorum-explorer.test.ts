import { describe, expect, it } from 'vitest';
import { choose, quorumVerdict } from './quorum-explorer';

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
