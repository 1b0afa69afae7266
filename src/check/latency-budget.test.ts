import { describe, expect, it } from 'vitest';
import { RttTable } from '../sim/regions';
import { parseScenario } from '../sim/scenario';
import { budgetModel, commitBudget, leaderPlacement, medianOneWayMs, type BudgetModel } from './latency-budget';

const model: BudgetModel = {
  nodeRegions: ['us-east', 'us-east', 'us-west', 'eu-west', 'eu-west'],
  table: new RttTable(),
  jitter: { kind: 'none' },
  fsyncMs: 1,
  serviceMs: 0,
  quorum: 3,
};

describe('latency budget', () => {
  it('adds up the hops: client to leader, leader fsync, the fastest quorum round trip, follower fsync, back', () => {
    const b = commitBudget(model, 0, 'eu-west');
    expect(b.hops.map((h) => h.hop)).toEqual(['client-to-leader', 'leader-fsync', 'quorum-round-trip', 'follower-fsync', 'leader-to-client']);
    // Leader n1 in us-east: n2 answers in 1 ms RTT, the third replica is eu-west's n4 at 80.5 ms RTT.
    expect(b.quorumFollower).toBe('n4');
    expect(b.hops[2]!.expectedMs).toBe(80.5);
    expect(b.hops[0]!.expectedMs).toBe(40.3);
    expect(b.expectedMs).toBeCloseTo(40.25 + 1 + 80.5 + 1 + 40.25, 0);
    expect(b.read).toEqual({ path: 'log', expectedMs: b.expectedMs, floorMs: b.floorMs });
    for (const h of b.hops) expect(h.floorMs).toBeLessThanOrEqual(h.expectedMs);
    expect(b.floorMs).toBeGreaterThan(50);
  });

  it('a client in the leader region pays only the quorum; a one-node quorum pays only the fsync', () => {
    expect(commitBudget(model, 0, 'us-east').expectedMs).toBe(83.5);
    const single = commitBudget({ ...model, nodeRegions: ['ap-tokyo'], quorum: 1 }, 0, 'ap-tokyo');
    expect(single.hops.map((h) => h.hop)).toEqual(['client-to-leader', 'leader-fsync', 'leader-to-client']);
    expect(single.quorumFollower).toBeNull();
    expect(single.expectedMs).toBe(2);
  });

  it('counts the service time at the leader and the pareto median extra', () => {
    expect(commitBudget({ ...model, serviceMs: 4 }, 0, 'us-east').expectedMs).toBe(87.5);
    expect(medianOneWayMs(40, { kind: 'pareto', fraction: 0.5, alpha: 1 })).toBe(60);
    expect(medianOneWayMs(40, { kind: 'normal', fraction: 0.5 })).toBe(40);
  });

  it('the leader-placement table has one row per node region; the middle region minimizes the worst client', () => {
    const rows = leaderPlacement(model, ['us-east', 'us-west', 'eu-west']);
    expect(rows.map((r) => [r.leaderRegion, r.leader])).toEqual([['us-east', 'n1'], ['us-west', 'n3'], ['eu-west', 'n4']]);
    const best = rows.reduce((a, b) => (b.worstMs < a.worstMs ? b : a));
    expect(best.leaderRegion).toBe('us-east');
    expect(rows[1]!.expectedMs['us-west']).toBeLessThan(rows[0]!.expectedMs['us-west']!);
  });

  it('budgetModel: null without regions or for single-decree Paxos; Multi-Paxos uses |Q2|', () => {
    const base = { regions: { nodes: ['us-east', 'us-west', 'eu-west'] }, cluster: { nodes: 3 } };
    const parse = (x: object) => {
      const p = parseScenario(x);
      if (!p.ok) throw new Error(JSON.stringify(p.errors));
      return p.scenario;
    };
    expect(budgetModel(parse({}))).toBeNull();
    expect(budgetModel(parse({ ...base, protocol: 'paxos', paxos: { mode: 'single' } }))).toBeNull();
    expect(budgetModel(parse({ ...base, protocol: 'paxos', paxos: { mode: 'multi', phase2Quorum: 3 } }))!.quorum).toBe(3);
    expect(budgetModel(parse(base))!.quorum).toBe(2);
  });
});
