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

// ---- The run's quorum sizes --------------------------------------------------------------------

/** A majority of `nodes`: what a quorum size of null (no --q1 / --q2) means, as the simulator reads it. */
export function majority(nodes: number): number {
  return Math.floor(nodes / 2) + 1;
}

/** The sizes in force for a cluster and the CLI's --q1 / --q2 (null = majority). */
export function quorumSizes(nodes: number, q1: number | null, q2: number | null): { phase1: number; phase2: number } {
  return { phase1: q1 ?? majority(nodes), phase2: q2 ?? majority(nodes) };
}

/**
 * Whether threshold quorums of these sizes always meet (|Q1| + |Q2| > N). When they need not, two
 * values can be chosen for one slot; the lab warns but runs it anyway, so it can be watched.
 */
export function quorumsAlwaysMeet(nodes: number, phase1: number, phase2: number): boolean {
  return phase1 + phase2 > nodes;
}

// ---- The quorums a run used ----------------------------------------------------------------------

/** A distinct acceptor set a run used in one phase (PanelSnapshot.usedQuorums, lab-protocol.ts). */
export interface UsedQuorumSet {
  readonly nodes: readonly string[];
  readonly count: number;
  readonly lastBallotLabel: string;
}

/** One (phase-1 quorum, phase-2 quorum) pair the run used, and the acceptors they share. */
export interface UsedQuorumPair {
  readonly phase1: UsedQuorumSet;
  readonly phase2: UsedQuorumSet;
  /** Acceptors in both, in the phase-1 set's order; empty when the pair does not meet. */
  readonly shared: readonly string[];
  readonly meets: boolean;
}

export interface UsedQuorumReport {
  /** `none-yet` until the run has used at least one quorum of each phase. */
  readonly verdict: 'none-yet' | 'all-meet' | 'some-miss';
  /** How many pairs there are, and how many of them do not meet. */
  readonly pairCount: number;
  readonly missCount: number;
  /** The pairs, those that do not meet first (they are how two values get chosen), then by fewest shared; at most `limit`. */
  readonly pairs: readonly UsedQuorumPair[];
}

/** Pairs listed at most (9 acceptors have 126 sets of a size: the full cross product could be 15876 rows). */
export const USED_PAIR_LIMIT = 100;

/**
 * Every phase-1 quorum the run used against every phase-2 quorum it used (Flexible Paxos: safety
 * needs each such pair to share an acceptor, which then reports the value phase 2 chose to phase 1 of
 * any later ballot). Sorted so that pairs that do not meet come first, then the pairs that share the
 * fewest acceptors; ties keep the order the sets came in (phase 1, then phase 2).
 */
export function usedQuorumReport(
  used: { readonly phase1: readonly UsedQuorumSet[]; readonly phase2: readonly UsedQuorumSet[] },
  limit = USED_PAIR_LIMIT,
): UsedQuorumReport {
  if (!(Number.isInteger(limit) && limit >= 0)) throw new RangeError(`used quorums: bad pair limit ${limit}`);
  const all: UsedQuorumPair[] = [];
  let missCount = 0;
  for (const phase1 of used.phase1) {
    const inPhase2 = new Set<string>();
    for (const phase2 of used.phase2) {
      inPhase2.clear();
      for (const n of phase2.nodes) inPhase2.add(n);
      const shared = phase1.nodes.filter((n) => inPhase2.has(n));
      const meets = shared.length > 0;
      if (!meets) missCount++;
      all.push({ phase1, phase2, shared, meets });
    }
  }
  // Array.prototype.sort is stable, so equal pairs keep the (phase 1, phase 2) order.
  all.sort((a, b) => a.shared.length - b.shared.length);
  const verdict = all.length === 0 ? 'none-yet' : missCount > 0 ? 'some-miss' : 'all-meet';
  return { verdict, pairCount: all.length, missCount, pairs: all.slice(0, limit) };
}
