/**
 * Paxos quorum systems (Flexible Paxos, Howard, Malkhi and Spiegelman 2016): which sets of acceptors
 * are phase-1 and phase-2 quorums. Paxos is safe when every phase-1 quorum meets every phase-2 quorum;
 * nothing else about them matters.
 *
 * - Threshold quorums (the default, majorities): any |Q1| acceptors, any |Q2|. They always meet
 *   exactly when |Q1| + |Q2| > N.
 * - A grid: the members fill `rows` x `columns` row by row (n1 n2 n3 / n4 n5 n6 / n7 n8 n9). A phase-1
 *   quorum is a whole column, a phase-2 quorum a whole row; a row and a column always share one node,
 *   so the quorums always meet, and phase 2 (the path of every command) needs `columns` acceptors
 *   however large the cluster: 3 of 9 in a 3 x 3 grid, where a majority is 5.
 *
 * Sets of acceptors are bitmasks over member indexes (bit i: members[i]), as the leader keeps them.
 */
import type { NodeId } from '../../sim/types';
import { bitCount } from '../common';

export interface GridShape {
  readonly rows: number;
  readonly columns: number;
}

/** A quorum system: threshold sizes, or a grid (then the sizes are a column's and a row's). */
export interface QuorumSystem {
  readonly phase1Quorum: number;
  readonly phase2Quorum: number;
  readonly grid: GridShape | null;
}

/** Members a bitmask can hold (bit 30 is the last below the sign bit). */
export const QUORUM_MEMBERS_MAX = 31;

/** The members among `nodes` as a bitmask over member indexes (others are ignored). */
export function memberMask(members: readonly NodeId[], nodes: Iterable<NodeId>): number {
  let mask = 0;
  for (const n of nodes) {
    const i = members.indexOf(n);
    if (i >= 0 && i < QUORUM_MEMBERS_MAX) mask |= 1 << i;
  }
  return mask;
}

/** A grid as a quorum system (its sizes: a column's, then a row's). */
export function gridSystem(grid: GridShape): QuorumSystem {
  return { phase1Quorum: grid.rows, phase2Quorum: grid.columns, grid };
}

/** Is `grid` a grid of exactly `nodes` members? */
export function gridFits(grid: GridShape, nodes: number): boolean {
  return Number.isInteger(grid.rows) && Number.isInteger(grid.columns) && grid.rows >= 1 && grid.columns >= 1 && grid.rows * grid.columns === nodes;
}

/** The members of row `row` (0-based) as a bitmask. */
export function rowMask(grid: GridShape, row: number): number {
  let mask = 0;
  for (let c = 0; c < grid.columns; c++) mask |= 1 << (row * grid.columns + c);
  return mask;
}

/** The members of column `column` (0-based) as a bitmask. */
export function columnMask(grid: GridShape, column: number): number {
  let mask = 0;
  for (let r = 0; r < grid.rows; r++) mask |= 1 << (r * grid.columns + column);
  return mask;
}

/** The first row of the grid `mask` holds whole (0-based), or -1. */
export function fullRow(grid: GridShape, mask: number): number {
  for (let r = 0; r < grid.rows; r++) {
    const row = rowMask(grid, r);
    if ((mask & row) === row) return r;
  }
  return -1;
}

/** Does `mask` hold a whole row of the grid? */
function holdsRow(grid: GridShape, mask: number): boolean {
  return fullRow(grid, mask) >= 0;
}

/** Does `mask` hold a whole column of the grid? */
function holdsColumn(grid: GridShape, mask: number): boolean {
  for (let c = 0; c < grid.columns; c++) {
    const column = columnMask(grid, c);
    if ((mask & column) === column) return true;
  }
  return false;
}

/** Do these acceptors (a bitmask over members) include a phase-2 quorum? */
export function isPhase2Quorum(q: QuorumSystem, mask: number): boolean {
  return q.grid === null ? bitCount(mask) >= q.phase2Quorum : holdsRow(q.grid, mask);
}

/** Do these acceptors (a bitmask over members) include a phase-1 quorum? */
export function isPhase1Quorum(q: QuorumSystem, mask: number): boolean {
  return q.grid === null ? bitCount(mask) >= q.phase1Quorum : holdsColumn(q.grid, mask);
}

/** Does every phase-1 quorum meet every phase-2 quorum, in a cluster of `nodes`? */
export function quorumsIntersect(q: QuorumSystem, nodes: number): boolean {
  return q.grid !== null || q.phase1Quorum + q.phase2Quorum > nodes;
}

/** The k-th largest of some numbers (k >= 1), -Infinity when there are fewer. */
function kthLargest(values: Iterable<number>, k: number): number {
  const sorted = [...values].sort((a, b) => b - a);
  return sorted[k - 1] ?? -Infinity;
}

/**
 * Phase 1 in windows (see handlePromise): each promiser has reported in full up to some slot
 * (`promises`: promiser -> that slot, Infinity for "everything"). Returns the highest slot up to which
 * every member of some phase-1 quorum of promisers has reported, or null while the promisers hold no
 * phase-1 quorum. Threshold: the |Q1|-th largest; grid: the best whole column's lowest.
 */
export function phase1CoveredTo(q: QuorumSystem, members: readonly NodeId[], promises: ReadonlyMap<NodeId, number>): number | null {
  if (q.grid === null) return promises.size < q.phase1Quorum ? null : kthLargest(promises.values(), q.phase1Quorum);
  let best: number | null = null;
  for (let c = 0; c < q.grid.columns; c++) {
    let lowest = Infinity;
    for (let r = 0; r < q.grid.rows && lowest !== -Infinity; r++) {
      const reported = promises.get(members[r * q.grid.columns + c]!);
      lowest = reported === undefined ? -Infinity : Math.min(lowest, reported);
    }
    if (lowest !== -Infinity && (best === null || lowest > best)) best = lowest;
  }
  return best;
}

/** The grid's rows as member lists (n1 n2 n3 / n4 n5 n6 / ...), for views and messages. */
export function gridRows(grid: GridShape, members: readonly NodeId[]): NodeId[][] {
  return Array.from({ length: grid.rows }, (_, r) => members.slice(r * grid.columns, (r + 1) * grid.columns));
}

/** "3x3": a grid as the CLI and the lab's URL write it. */
export function formatGrid(grid: GridShape): string {
  return `${grid.rows}x${grid.columns}`;
}

/** Reads "RxC" (e.g. "3x3"); null when the text is not of that form. */
export function parseGrid(text: string): GridShape | null {
  const m = /^([1-9])x([1-9])$/.exec(text.trim());
  return m === null ? null : { rows: Number(m[1]), columns: Number(m[2]) };
}
