/**
 * The analytic latency budget of a committed write under geo-replication (issue 6), hop by hop, with
 * the physics floor of each hop beside it. Pure: a function of the scenario's regions, RTT table,
 * jitter, fsync time and quorum, and of where the leader is.
 *
 * The path of a write, as the simulator runs it (and Raft section 5.3 / Multi-Paxos phase 2 describe):
 *   1. client -> leader                     one way, RTT(client, leader) / 2
 *   2. service at the leader                overload.serviceMs (0 without an overload section)
 *   3. leader fsync                         fsyncMs: the kernel holds the AppendEntries (Accept) until
 *                                           the leader's own write is durable (persist before send)
 *   4. leader -> fastest quorum -> leader   the (q-1)-th smallest RTT(leader, follower) + a follower's
 *                                           fsync (each follower persists before it acknowledges)
 *   5. leader -> client                     one way
 * Reads take the same path: both protocols here serve reads through the log (no leases, no ReadIndex),
 * so a read's budget is the write's.
 *
 * Each hop's expected figure is its median under the scenario's jitter (normal: the mean; pareto: the
 * mean one-way plus the Lomax median extra), so the total predicts the simulated median of a
 * fault-free run at low load; queueing (disk, service), elections and retries come on top.
 * The floor of a hop is what light in fibre needs for the great-circle distance (about 200 km per ms);
 * a fsync or a service time has no floor here (0).
 */
import { floorOneWayMs, RttTable } from '../sim/regions';
import { nodeIds, paxosQuorums, type JitterSpec, type Scenario } from '../sim/scenario';
import type { NodeId } from '../sim/types';

export interface BudgetModel {
  /** Region of each node, n1 first. */
  readonly nodeRegions: readonly string[];
  readonly table: RttTable;
  readonly jitter: JitterSpec;
  readonly fsyncMs: number;
  readonly serviceMs: number;
  /** Replicas a commit needs, the leader included (Raft: a majority; Multi-Paxos: |Q2|). */
  readonly quorum: number;
}

export interface Hop {
  hop: 'client-to-leader' | 'service' | 'leader-fsync' | 'quorum-round-trip' | 'follower-fsync' | 'leader-to-client';
  from: string;
  to: string;
  expectedMs: number;
  floorMs: number;
}

export interface LatencyBudget {
  clientRegion: string;
  leader: NodeId;
  leaderRegion: string;
  /** The follower whose acknowledgement completes the quorum (null for a one-node quorum). */
  quorumFollower: NodeId | null;
  hops: Hop[];
  expectedMs: number;
  floorMs: number;
  /** The read path in use and its budget (the log: the same as a write's). */
  read: { path: 'log'; expectedMs: number; floorMs: number };
}

/** The budget model of a scenario: null without regions, and for single-decree Paxos (no stable leader). */
export function budgetModel(scenario: Scenario): BudgetModel | null {
  const r = scenario.regions;
  if (r === undefined) return null;
  if (scenario.protocol === 'paxos' && scenario.paxos.mode === 'single') return null;
  const majority = Math.floor(scenario.cluster.nodes / 2) + 1;
  return {
    nodeRegions: r.nodes,
    table: new RttTable(r.rttMs),
    jitter: r.jitter,
    fsyncMs: scenario.timing.fsyncMs,
    serviceMs: scenario.overload?.serviceMs ?? 0,
    quorum: scenario.protocol === 'raft' ? majority : paxosQuorums(scenario).phase2,
  };
}

/** The median one-way latency of a link with mean one-way latency `baseMs` under the jitter. */
export function medianOneWayMs(baseMs: number, jitter: JitterSpec): number {
  switch (jitter.kind) {
    case 'none':
    case 'normal':
      return baseMs;
    case 'pareto':
      return baseMs + jitter.fraction * baseMs * (2 ** (1 / jitter.alpha) - 1);
    default: {
      const never: never = jitter;
      throw new Error(`latency budget: unknown jitter ${JSON.stringify(never)}`);
    }
  }
}

const round1 = (ms: number): number => Math.round(ms * 10) / 10;

/** The budget of a write (and a read) from `clientRegion` with node `leaderIndex` (0-based) as leader. */
export function commitBudget(model: BudgetModel, leaderIndex: number, clientRegion: string): LatencyBudget {
  const ids = nodeIds(model.nodeRegions.length);
  const leader = ids[leaderIndex];
  if (leader === undefined) throw new Error(`latency budget: no node ${leaderIndex + 1}`);
  if (model.quorum < 1 || model.quorum > ids.length) throw new Error(`latency budget: quorum ${model.quorum} of ${ids.length} nodes`);
  const L = model.nodeRegions[leaderIndex]!;
  const oneWay = (a: string, b: string): number => medianOneWayMs(model.table.oneWayMs(a, b), model.jitter);
  const hops: Hop[] = [];
  hops.push({ hop: 'client-to-leader', from: clientRegion, to: L, expectedMs: oneWay(clientRegion, L), floorMs: floorOneWayMs(clientRegion, L) });
  if (model.serviceMs > 0) hops.push({ hop: 'service', from: L, to: L, expectedMs: model.serviceMs, floorMs: 0 });
  hops.push({ hop: 'leader-fsync', from: L, to: L, expectedMs: model.fsyncMs, floorMs: 0 });
  let quorumFollower: NodeId | null = null;
  if (model.quorum > 1) {
    // The leader counts itself; the quorum completes with the (q-1)-th fastest follower to answer.
    const followers = ids
      .map((id, i) => ({ id, region: model.nodeRegions[i]!, rttMs: oneWay(L, model.nodeRegions[i]!) + oneWay(model.nodeRegions[i]!, L) }))
      .filter((f) => f.id !== leader)
      .sort((a, b) => a.rttMs - b.rttMs || a.id.localeCompare(b.id));
    const kth = followers[model.quorum - 2]!;
    quorumFollower = kth.id;
    hops.push({ hop: 'quorum-round-trip', from: L, to: kth.region, expectedMs: kth.rttMs, floorMs: 2 * floorOneWayMs(L, kth.region) });
    hops.push({ hop: 'follower-fsync', from: kth.region, to: kth.region, expectedMs: model.fsyncMs, floorMs: 0 });
  }
  hops.push({ hop: 'leader-to-client', from: L, to: clientRegion, expectedMs: oneWay(L, clientRegion), floorMs: floorOneWayMs(L, clientRegion) });
  for (const h of hops) {
    h.expectedMs = round1(h.expectedMs);
    h.floorMs = round1(h.floorMs);
  }
  const expectedMs = round1(hops.reduce((sum, h) => sum + h.expectedMs, 0));
  const floorMs = round1(hops.reduce((sum, h) => sum + h.floorMs, 0));
  return { clientRegion, leader, leaderRegion: L, quorumFollower, hops, expectedMs, floorMs, read: { path: 'log', expectedMs, floorMs } };
}

export interface PlacementRow {
  leaderRegion: string;
  /** The node that would lead (the first node in that region). */
  leader: NodeId;
  /** Expected commit latency (ms) for a client in each region. */
  expectedMs: Record<string, number>;
  /** The worst of them: what a placement optimizing for the slowest client region would minimize. */
  worstMs: number;
}

/** For each region that holds a node, as the leader's region: the expected commit latency per client region. */
export function leaderPlacement(model: BudgetModel, clientRegions: readonly string[]): PlacementRow[] {
  const rows: PlacementRow[] = [];
  const seen = new Set<string>();
  model.nodeRegions.forEach((region, i) => {
    if (seen.has(region)) return;
    seen.add(region);
    const expectedMs: Record<string, number> = {};
    for (const c of clientRegions) expectedMs[c] = commitBudget(model, i, c).expectedMs;
    rows.push({ leaderRegion: region, leader: nodeIds(model.nodeRegions.length)[i]!, expectedMs, worstMs: Math.max(0, ...Object.values(expectedMs)) });
  });
  return rows;
}
