import { describe, expect, it } from 'vitest';
import { bitCount } from '../common';
import {
  columnMask, formatGrid, gridFits, gridRows, isPhase1Quorum, isPhase2Quorum, parseGrid, phase1CoveredTo, quorumsIntersect, rowMask,
  type GridShape, type QuorumSystem,
} from './quorums';

const GRIDS: GridShape[] = [
  { rows: 1, columns: 1 }, { rows: 2, columns: 2 }, { rows: 2, columns: 3 }, { rows: 3, columns: 2 }, { rows: 3, columns: 3 }, { rows: 1, columns: 4 }, { rows: 4, columns: 1 },
];
const members = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${i + 1}`);
const grid = (g: GridShape): QuorumSystem => ({ phase1Quorum: g.rows, phase2Quorum: g.columns, grid: g });

describe('Paxos quorum systems', () => {
  it('a grid fills row by row: rows and columns as member lists and masks', () => {
    const g = { rows: 3, columns: 3 };
    expect(gridRows(g, members(9))).toEqual([['n1', 'n2', 'n3'], ['n4', 'n5', 'n6'], ['n7', 'n8', 'n9']]);
    expect(rowMask(g, 1)).toBe(0b000111000);
    expect(columnMask(g, 2)).toBe(0b100100100);
    expect(gridFits(g, 9)).toBe(true);
    expect(gridFits(g, 8)).toBe(false);
    expect(gridFits({ rows: 0, columns: 5 }, 0)).toBe(false);
    expect(formatGrid(g)).toBe('3x3');
    expect(parseGrid('2x3')).toEqual({ rows: 2, columns: 3 });
    for (const bad of ['3', '3x', 'x3', '0x3', '3x3x3', '10x1', 'axb']) expect(parseGrid(bad)).toBeNull();
  });

  it('in every grid, phase 2 is a whole row, phase 1 a whole column, and every phase-1 set meets every phase-2 set (brute force)', () => {
    for (const g of GRIDS) {
      const n = g.rows * g.columns;
      const q = grid(g);
      expect(quorumsIntersect(q, n)).toBe(true);
      const phase1: number[] = [];
      const phase2: number[] = [];
      for (let mask = 0; mask < 1 << n; mask++) {
        const holdsRow = Array.from({ length: g.rows }, (_, r) => rowMask(g, r)).some((row) => (mask & row) === row);
        const holdsColumn = Array.from({ length: g.columns }, (_, c) => columnMask(g, c)).some((col) => (mask & col) === col);
        expect(isPhase2Quorum(q, mask)).toBe(holdsRow);
        expect(isPhase1Quorum(q, mask)).toBe(holdsColumn);
        if (holdsColumn) phase1.push(mask);
        if (holdsRow) phase2.push(mask);
      }
      for (const a of phase1) for (const b of phase2) expect(a & b).not.toBe(0);
      // The smallest phase-2 quorum is one row: `columns` acceptors.
      expect(Math.min(...phase2.map(bitCount))).toBe(g.columns);
    }
  });

  it('threshold quorums meet exactly when |Q1| + |Q2| > N (brute force)', () => {
    for (let n = 1; n <= 6; n++) {
      for (let q1 = 1; q1 <= n; q1++) {
        for (let q2 = 1; q2 <= n; q2++) {
          const q: QuorumSystem = { phase1Quorum: q1, phase2Quorum: q2, grid: null };
          let meet = true;
          for (let a = 0; a < 1 << n; a++) {
            if (!isPhase1Quorum(q, a)) continue;
            for (let b = 0; b < 1 << n; b++) if (isPhase2Quorum(q, b) && (a & b) === 0) meet = false;
          }
          expect(quorumsIntersect(q, n)).toBe(meet);
        }
      }
    }
  });

  it('phase 1 is covered up to the best phase-1 quorum of promisers: against every subset, threshold and grid', () => {
    let seed = 11;
    const next = (k: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % k;
    };
    const systems: QuorumSystem[] = [
      ...GRIDS.map(grid),
      { phase1Quorum: 3, phase2Quorum: 3, grid: null },
      { phase1Quorum: 2, phase2Quorum: 4, grid: null },
      { phase1Quorum: 1, phase2Quorum: 5, grid: null },
    ];
    for (const q of systems) {
      const n = q.grid === null ? 5 : q.grid.rows * q.grid.columns;
      const ids = members(n);
      for (let trial = 0; trial < 200; trial++) {
        const promises = new Map<string, number>();
        for (const id of ids) if (next(3) > 0) promises.set(id, next(5) === 0 ? Infinity : 10 + next(20));
        let expected: number | null = null;
        for (let mask = 1; mask < 1 << n; mask++) {
          const chosen = ids.filter((_, i) => (mask & (1 << i)) !== 0);
          if (!chosen.every((id) => promises.has(id)) || !isPhase1Quorum(q, mask)) continue;
          const low = Math.min(...chosen.map((id) => promises.get(id)!));
          if (expected === null || low > expected) expected = low;
        }
        expect(phase1CoveredTo(q, ids, promises)).toBe(expected);
      }
    }
  });
});
