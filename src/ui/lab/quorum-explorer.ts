/**
 * The quorum-intersection explorer's logic (Flexible Paxos, Howard, Malkhi and Spiegelman 2016): Paxos
 * is safe when every phase-1 quorum meets every phase-2 quorum, whatever their sizes. For threshold
 * quorums (any |Q1| nodes, any |Q2| nodes) that is exactly |Q1| + |Q2| > N; for a grid, phase 1 takes
 * a whole column and phase 2 a whole row, and a row and a column always share one node.
 */

export type QuorumSystem = { kind: 'threshold'; nodes: number; phase1: number; phase2: number } | { kind: 'grid'; rows: number; columns: number };

export interface QuorumVerdict {
  nodes: number;
  /** Does every phase-1 quorum intersect every phase-2 quorum? */
  intersecting: boolean;
  /** How many distinct quorums each phase has. */
  phase1Count: number;
  phase2Count: number;
  /** Smallest quorum sizes. */
  phase1Size: number;
  phase2Size: number;
  /** An example pair of quorums (node numbers from 1): disjoint when not intersecting, else one sharing the fewest nodes. */
  example: { phase1: number[]; phase2: number[]; shared: number[] };
}

/** Bound on the cluster the explorer draws (LIMITS.nodesMax for runs is 9; a grid may go a little past it). */
export const EXPLORER_NODES_MAX = 16;

/** n choose k, exact for the small numbers here. */
export function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

export function quorumVerdict(system: QuorumSystem): QuorumVerdict {
  if (system.kind === 'grid') {
    const { rows, columns } = system;
    if (!(Number.isInteger(rows) && Number.isInteger(columns) && rows >= 1 && columns >= 1 && rows * columns <= EXPLORER_NODES_MAX)) {
      throw new RangeError(`quorum explorer: a grid of ${rows} x ${columns} is not 1-${EXPLORER_NODES_MAX} nodes`);
    }
    // Node (r, c) is number r * columns + c + 1. Phase 1: column 0; phase 2: row 0; they share node 1.
    const column = range(0, rows - 1).map((r) => r * columns + 1);
    const row = range(1, columns);
    return {
      nodes: rows * columns, intersecting: true, phase1Count: columns, phase2Count: rows, phase1Size: rows, phase2Size: columns,
      example: { phase1: column, phase2: row, shared: [1] },
    };
  }
  const { nodes, phase1, phase2 } = system;
  if (!(Number.isInteger(nodes) && nodes >= 1 && nodes <= EXPLORER_NODES_MAX)) throw new RangeError(`quorum explorer: ${nodes} nodes is not 1-${EXPLORER_NODES_MAX}`);
  for (const q of [phase1, phase2]) {
    if (!(Number.isInteger(q) && q >= 1 && q <= nodes)) throw new RangeError(`quorum explorer: a quorum of ${q} is not 1-${nodes}`);
  }
  // The first |Q1| nodes and the last |Q2| share as few nodes as any pair can: max(0, |Q1| + |Q2| - N).
  const q1 = range(1, phase1);
  const q2 = range(nodes - phase2 + 1, nodes);
  const shared = q1.filter((n) => q2.includes(n));
  return {
    nodes, intersecting: phase1 + phase2 > nodes, phase1Count: choose(nodes, phase1), phase2Count: choose(nodes, phase2),
    phase1Size: phase1, phase2Size: phase2, example: { phase1: q1, phase2: q2, shared },
  };
}
