import { describe, expect, it } from 'vitest';
import { parseScenario } from '../sim/scenario';
import { metricsCsv, percentilesOf } from './metrics';
import { Run } from './run';

describe('run metrics', () => {
  it('the buckets add up to the run totals (rejections, retries, timeouts, leader changes, ok operations)', () => {
    const p = parseScenario({
      seed: 8, untilMs: 6_500, cluster: { nodes: 3 },
      workload: { clients: 20, opsPerSec: 150, timeoutMs: 100, retry: { policy: 'immediate', maxRetries: 2 } },
      overload: { serviceMs: 5, admitLimit: 6 },
      nemesis: { faults: ['crash'], intervalMs: 1_000 },
    });
    if (!p.ok) throw new Error(JSON.stringify(p.errors));
    const run = new Run(p.scenario, { metricsBucketMs: 1_000 });
    run.runUntil();
    const series = run.metricsSeries()!;
    const summary = run.summary();
    expect(series.buckets.map((b) => b.startMs)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000]);
    const sum = (f: (b: (typeof series.buckets)[0]) => number) => series.buckets.reduce((n, b) => n + f(b), 0);
    expect(sum((b) => b.rejected['overloaded'] ?? 0)).toBe(summary.overload!['rejected:overloaded']);
    expect(summary.overload!['rejected:overloaded']).toBeGreaterThan(0);
    expect(sum((b) => b.retries)).toBe(summary.overload!['retry']);
    expect(sum((b) => b.timeouts)).toBe(summary.overload!['timeout']);
    expect(sum((b) => b.leaderChanges)).toBe(summary.leaderChanges);
    expect(sum((b) => (b.leaderChangesPerMin * 1_000) / 60_000)).toBeCloseTo(summary.leaderChanges, 9);
    expect(sum((b) => b.clientLatencyMs['all']?.count ?? 0)).toBe(summary.clientOps.ok);
    expect(Math.max(...series.buckets.map((b) => b.term))).toBe(Math.max(...summary.leaders.map((l) => l.term)));
    expect(series.buckets.every((b) => b.inFlightMax >= 0)).toBe(true);
    const csv = metricsCsv(series).trimEnd().split('\n');
    expect(csv).toHaveLength(8);
    expect(csv.every((line) => line.split(',').length === csv[0]!.split(',').length)).toBe(true);
  });

  it('percentilesOf: nearest rank, 0 for none', () => {
    expect(percentilesOf([])).toEqual({ count: 0, p50: 0, p99: 0 });
    expect(percentilesOf([5, 1, 3, 2, 4])).toEqual({ count: 5, p50: 3, p99: 5 });
  });
});
