/**
 * Geo-replication and overload (issue 6), end to end through Run: determinism of region runs, the
 * analytic budget against the simulated median, region partitions, admission control under a retry
 * storm, and linearizable histories with retries.
 */
import { describe, expect, it } from 'vitest';
import { buildScenario, parseScenario, type Scenario } from '../sim/scenario';
import { checkLinearizability } from './linearizability';
import { budgetModel, commitBudget } from './latency-budget';
import { Run, runScenario } from './run';
import { historyFromTrace } from './run-history';

function scenario(input: Record<string, unknown>): Scenario {
  const p = parseScenario(input);
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  return p.scenario;
}

const THREE_REGIONS = {
  nodes: ['us-east', 'us-east', 'us-west', 'eu-west', 'eu-west'],
  clients: ['us-east', 'us-west', 'eu-west', 'us-east', 'us-west', 'eu-west'],
};

describe('geo-replication', () => {
  it('a run without regions or overload keeps its reference trace hash', () => {
    const s = buildScenario({ protocol: 'raft', nodes: 5, seed: 42, untilMs: 60_000, nemesis: ['partition', 'crash'], loadOpsPerSec: 20 });
    const summary = runScenario(s);
    expect(summary.traceHash).toBe('a9ad7a2514b42aa1ceb9f6a5cc12b92d4f33f6a7e0e8eda2963822ddb2b50a56');
    expect(summary).not.toHaveProperty('geo');
    expect(summary).not.toHaveProperty('overload');
  });

  it('is deterministic: the same region scenario twice gives the same trace hash, another seed another', () => {
    const s = scenario({
      seed: 11, untilMs: 8_000, workload: { clients: 6, opsPerSec: 30 },
      regions: { ...THREE_REGIONS, jitter: { kind: 'pareto', fraction: 0.1, alpha: 2 } },
      nemesis: { faults: ['region', 'crash'], intervalMs: 1_500 },
    });
    const a = runScenario(s);
    const b = runScenario(s);
    expect(a.traceHash).toBe(b.traceHash);
    expect(a.geo).toEqual(b.geo);
    expect(runScenario({ ...s, seed: 12 }).traceHash).not.toBe(a.traceHash);
  });

  it('the analytic budget matches the simulated median per client region within max(3 ms, 5%) (fault-free)', () => {
    const s = scenario({ seed: 7, untilMs: 30_000, workload: { clients: 6, opsPerSec: 20 }, regions: THREE_REGIONS });
    const summary = runScenario(s);
    const geo = summary.geo!;
    expect(summary.leaderChanges).toBe(1);
    expect(geo.budget).not.toBeNull();
    for (const budget of geo.budget!) {
      const measured = geo.clientLatencyMs[budget.clientRegion]!;
      expect(measured.count).toBeGreaterThan(50);
      const tolerance = Math.max(3, 0.05 * budget.expectedMs);
      expect(Math.abs(measured.p50 - budget.expectedMs), `${budget.clientRegion}: p50 ${measured.p50} vs ${budget.expectedMs}`).toBeLessThanOrEqual(tolerance);
      // Nothing beats light in fibre.
      expect(measured.p50).toBeGreaterThan(budget.floorMs);
    }
    // Quorum-ack: leader fsync + round trip to the nearest other region's quorum member + its fsync.
    const leaderBudget = geo.budget![0]!;
    const quorumMs = leaderBudget.hops.filter((h) => h.hop !== 'client-to-leader' && h.hop !== 'leader-to-client').reduce((n, h) => n + h.expectedMs, 0);
    expect(Math.abs(geo.quorumAckMs.p50 - quorumMs)).toBeLessThanOrEqual(Math.max(3, 0.05 * quorumMs));
    // The placement table's row for the actual leader's region is the budget itself.
    const row = geo.leaderPlacement.find((r) => r.leaderRegion === leaderBudget.leaderRegion)!;
    for (const b of geo.budget!) expect(row.expectedMs[b.clientRegion]).toBe(b.expectedMs);
    expect(commitBudget(budgetModel(s)!, summary.leaders[0]!.node === 'n1' ? 0 : 1, 'us-east').expectedMs).toBe(geo.budget![0]!.expectedMs);
  });

  it('a region partition keeps the majority side committing and the minority side (nodes and clients) not', () => {
    const s = scenario({
      seed: 3, untilMs: 15_000, workload: { clients: 6, opsPerSec: 30 }, regions: THREE_REGIONS,
      actions: [{ atMs: 5_000, type: 'partition-regions', groups: [['eu-west']] }],
    });
    const run = new Run(s, { metricsBucketMs: 1_000 });
    run.runUntil();
    const after = run.summary();
    expect(after.violations).toEqual([]);
    // Commit points at the end of the bucket before the cut.
    const before = run.metricsSeries()!.buckets.find((b) => b.startMs === 4_000)!.commitIndex;
    // n4 and n5 (eu-west) are the minority: they commit nothing new; n1-n3 (us-east, us-west) go on.
    for (const id of ['n4', 'n5']) expect(after.commitIndexes[id]!).toBeLessThanOrEqual(before[id]!);
    for (const id of ['n1', 'n2', 'n3']) expect(after.commitIndexes[id]!).toBeGreaterThan(before[id]! + 100);
    // eu-west clients are cut off with their region: no operation of theirs completes after the cut.
    const buckets = run.metricsSeries()!.buckets.filter((b) => b.startMs >= 6_000);
    expect(buckets.length).toBe(9);
    for (const b of buckets) {
      expect(b.clientLatencyMs['eu-west']).toBeUndefined();
      expect(b.clientLatencyMs['us-east']?.count ?? 0).toBeGreaterThan(0);
      expect(['n1', 'n2', 'n3']).toContain(b.leader);
    }
  });
});

describe('overload and retries', () => {
  /** 40 clients on a 3-node cluster serving a request in 4 ms; every node 5 times slower for 2 s. */
  function storm(admitLimit: number | null): Scenario {
    const slow = (atMs: number, factor: number) => ['n1', 'n2', 'n3'].map((node) => ({ atMs, type: 'slow-node', node, factor }));
    return scenario({
      seed: 5, untilMs: 20_000, cluster: { nodes: 3 },
      workload: { clients: 40, opsPerSec: 200, timeoutMs: 150, retry: { policy: 'immediate', maxRetries: 5 } },
      overload: { serviceMs: 4, queueLimit: 10_000, admitLimit },
      actions: [...slow(5_000, 5), ...slow(7_000, 1)],
    });
  }

  it('admission control keeps p99 bounded under a retry storm where no admission control does not; both histories linearizable', () => {
    const results = [null, 8].map((admit) => {
      const run = new Run(storm(admit), { metricsBucketMs: 1_000 });
      run.runUntil();
      const summary = run.summary();
      expect(summary.violations).toEqual([]);
      expect(checkLinearizability(historyFromTrace(run.sim.trace.slice())).verdict).toBe(true);
      return { summary, series: run.metricsSeries()!, p99: run.metrics!.clientLatencyByRegion()['all']!.p99 };
    });
    const [open, admitted] = results as [(typeof results)[0], (typeof results)[0]];
    // Without admission control the queue holds every timed-out attempt and its retries: wasted work
    // that outlives the slowdown (metastable) and puts p99 past 600 ms.
    expect(open.p99).toBeGreaterThan(600);
    expect(open.summary.overload!['retry']).toBeGreaterThan(500);
    expect(open.summary.overload!['rejected:overloaded']).toBe(0);
    const afterFault = (r: typeof open) => r.series.buckets.find((b) => b.startMs === 8_000)!.clientLatencyMs['all']!.p50;
    expect(afterFault(open)).toBeGreaterThan(200);
    // With it, requests past 8 queued are refused at once ("retry later"): p99 stays under 400 ms and
    // the cluster is back to normal as soon as the slowdown ends.
    expect(admitted.p99).toBeLessThan(400);
    expect(admitted.summary.overload!['rejected:overloaded']).toBeGreaterThan(100);
    expect(admitted.summary.overload!['timeout']).toBeLessThan(open.summary.overload!['timeout']! / 2);
    expect(afterFault(admitted)).toBeLessThan(50);
  });

  it('operations refused on every attempt fail (never executed); after a timed-out attempt they end info', () => {
    const refuseAll = scenario({
      seed: 1, untilMs: 3_000, cluster: { nodes: 3 },
      workload: { clients: 3, opsPerSec: 20, retry: { policy: 'backoff', maxRetries: 2, baseMs: 10, maxMs: 40 } },
      overload: { serviceMs: 1, admitLimit: 0 },
    });
    const run = new Run(refuseAll);
    run.runUntil();
    const events = [...run.sim.trace.slice()];
    const fails = events.filter((e) => e.kind === 'fail');
    expect(fails.length).toBeGreaterThan(10);
    expect(fails.every((e) => e.kind === 'fail' && e.reason === 'overloaded')).toBe(true);
    expect(events.some((e) => e.kind === 'ok')).toBe(false);
    // Each failed operation was tried 3 times: 2 retries each (those still pending at the end aside).
    expect(run.sim.counters.get('retry')!).toBeGreaterThanOrEqual(2 * fails.length);
    expect(historyFromTrace(events).operations.filter((o) => o.outcome === 'fail')).toEqual([]);

    // A slow server: the first attempt times out in the queue, the retry is refused: unknown, not fail.
    const slow = scenario({
      seed: 1, untilMs: 5_000, cluster: { nodes: 1 },
      workload: { clients: 2, opsPerSec: 50, timeoutMs: 100, retry: { policy: 'immediate', maxRetries: 1 } },
      overload: { serviceMs: 150, admitLimit: 1 },
    });
    const r2 = new Run(slow);
    r2.runUntil();
    const ev2 = [...r2.sim.trace.slice()];
    expect(ev2.some((e) => e.kind === 'info' && e.reason === 'overloaded')).toBe(true);
    expect(checkLinearizability(historyFromTrace(ev2)).verdict).toBe(true);
  });

  it('a retry budget caps retries per client at budget x operations (+ the saved-up tokens)', () => {
    const s = scenario({
      seed: 2, untilMs: 5_000, cluster: { nodes: 3 },
      workload: { clients: 4, opsPerSec: 40, retry: { policy: 'immediate', maxRetries: 10, budget: 0.5 } },
      overload: { serviceMs: 1, admitLimit: 0 },
    });
    const run = new Run(s);
    run.runUntil();
    const invoked = run.summary().clientOps.invoked;
    expect(run.sim.counters.get('retry')!).toBeLessThanOrEqual(0.5 * invoked);
    expect(run.sim.counters.get('retry-budget-exhausted')!).toBeGreaterThan(0);
  });

  it('retries with backoff under partitions and crashes keep the history linearizable (Raft and Multi-Paxos)', () => {
    for (const protocol of ['raft', 'paxos'] as const) {
      const s = scenario({
        protocol, seed: 9, untilMs: 20_000, regions: { nodes: ['us-east', 'us-west', 'eu-west', 'us-east', 'eu-central'] },
        workload: { clients: 5, opsPerSec: 30, timeoutMs: 400, retry: { policy: 'backoff', maxRetries: 4, baseMs: 50, maxMs: 800 } },
        overload: { serviceMs: 1, admitLimit: 50 },
        nemesis: { faults: ['partition', 'crash', 'region'], intervalMs: 1_500 },
      });
      const run = new Run(s);
      run.runUntil();
      const summary = run.summary();
      expect(summary.violations, protocol).toEqual([]);
      expect(summary.overload!['retry'], protocol).toBeGreaterThan(0);
      expect(checkLinearizability(historyFromTrace(run.sim.trace.slice())).verdict, protocol).toBe(true);
    }
  });
});
