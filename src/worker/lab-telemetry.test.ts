import { describe, expect, it } from 'vitest';
import { Run } from '../check/run';
import type { TraceEvent } from '../sim/trace';
import { TELEMETRY_BUCKET_MS, TELEMETRY_WINDOW_BUCKETS, type LabConfig, type TelemetryBucket } from './lab-protocol';
import { defaultLabConfig, LabSession } from './lab-session';
import { bucketsUpTo, CommitMonotonicity, LabTelemetry } from './lab-telemetry';

function session(config: Partial<LabConfig> = {}): LabSession {
  return new LabSession({ ...defaultLabConfig(), ...config }, new Map());
}

/** The figures of a telemetry bucket that come from RunMetrics (without the lab's index and check). */
function figures(b: TelemetryBucket): unknown {
  const { index: _index, commitDecreased: _decreased, ...rest } = b;
  return rest;
}

/** RunMetrics' series of a fresh run of the same scenario stopped at `atMs`: its whole buckets. */
function freshSeries(s: LabSession, atMs: number): unknown[] {
  const run = new Run(s.scenario, { keepTrace: false, metricsBucketMs: TELEMETRY_BUCKET_MS });
  run.runUntil(atMs);
  return run.metricsSeries()!.buckets.filter((b) => b.startMs + TELEMETRY_BUCKET_MS <= atMs);
}

describe('LabTelemetry', () => {
  const config: Partial<LabConfig> = { loadOpsPerSec: 20, nemesis: ['partition', 'crash'] };

  it('the series up to a moment equals RunMetrics of the same run stopped there (after scrubbing back too)', () => {
    const s = session(config);
    const t = new LabTelemetry(s);
    s.seek(20_000);
    const ahead = t.frame();
    expect(ahead.reset).toBe(true);
    expect(ahead.bucketCount).toBe(40);
    expect(ahead.buckets.map(figures)).toEqual(freshSeries(s, 20_000));
    s.seek(8_300);
    const back = t.frame();
    expect(back.reset).toBe(true);
    expect(back.bucketCount).toBe(16);
    expect(back.buckets.map(figures)).toEqual(freshSeries(s, 8_300));
    expect(back.buckets.some((b) => b.quorumAckMs.count > 0)).toBe(true);
    expect(back.clientRegions).toEqual(['all']);
    expect(back.configVersion).toBe(1);
    // The nemesis crashed or partitioned something by then, and the faults end at the moment shown.
    expect(back.faults.length).toBeGreaterThan(0);
    expect(Math.max(...back.faults.map((f) => f.toMs))).toBeLessThanOrEqual(8_300);
  });

  it('sends appends, then a reset after a scrub back; keeps a bounded window', () => {
    const s = session(config);
    const t = new LabTelemetry(s);
    s.seek(5_000);
    expect(t.frame()).toMatchObject({ reset: true, bucketCount: 10 });
    s.seek(6_200);
    const next = t.frame();
    expect(next.reset).toBe(false);
    expect(next.buckets.map((b) => b.index)).toEqual([10, 11]);
    expect(t.frame().buckets).toEqual([]);
    s.seek(3_000);
    expect(t.frame()).toMatchObject({ reset: true, bucketCount: 6 });
    t.forget();
    expect(t.frame().reset).toBe(true);
    s.seek(130_000);
    const long = t.frame();
    expect(long.reset).toBe(true);
    expect(long.buckets).toHaveLength(TELEMETRY_WINDOW_BUCKETS);
    expect(long.fromIndex).toBe(260 - TELEMETRY_WINDOW_BUCKETS);
  });

  it('starts over on a fork (a new run)', () => {
    const s = session(config);
    const t = new LabTelemetry(s);
    s.seek(4_000);
    t.frame();
    s.seek(2_000);
    s.act({ type: 'crash', node: 'n1' });
    const f = t.frame();
    expect(f.reset).toBe(true);
    expect(f.bucketCount).toBe(4);
  });

  it('works for Paxos and for runs with regions (one client latency series per region)', () => {
    const p = session({ protocol: 'multipaxos', loadOpsPerSec: 20 });
    const tp = new LabTelemetry(p);
    p.seek(6_000);
    const fp = tp.frame();
    expect(fp.buckets.map(figures)).toEqual(freshSeries(p, 6_000));
    expect(Math.max(...fp.buckets.map((b) => Math.max(...Object.values(b.commitIndex))))).toBeGreaterThan(0);
    const g = session({ loadOpsPerSec: 20, regions: ['us-east', 'eu-west', 'ap-tokyo'] });
    const tg = new LabTelemetry(g);
    g.seek(6_000);
    const fg = tg.frame();
    expect(fg.clientRegions).toEqual(['ap-tokyo', 'eu-west', 'us-east']);
    expect(fg.buckets.map(figures)).toEqual(freshSeries(g, 6_000));
  });

  it('exports CSV and JSON of the series up to the moment shown', () => {
    const s = session(config);
    const t = new LabTelemetry(s);
    s.seek(3_700);
    const out = t.export();
    expect(out.upToMs).toBe(3_500);
    expect(out.buckets).toBe(7);
    const [header, ...rows] = out.csv.trim().split('\n');
    expect(header).toBe(
      'start_s,leader,term,leader_changes_per_min,commit_index_n1,commit_index_n2,commit_index_n3,commit_index_n4,commit_index_n5,' +
        'quorum_ack_count,quorum_ack_p50_ms,quorum_ack_p99_ms,client_all_count,client_all_p50_ms,client_all_p99_ms,rejected_overloaded,rejected_queue-full,retries,timeouts,in_flight_max',
    );
    expect(rows).toHaveLength(7);
    const json = JSON.parse(out.json) as { bucketMs: number; buckets: unknown[]; configVersion: number; commitDecreases: unknown[] };
    expect(json).toMatchObject({ bucketMs: 500, configVersion: 1, commitDecreases: [] });
    expect(json.buckets).toHaveLength(7);
  });

  it('bucketsUpTo counts whole buckets only, as far as closed', () => {
    expect(bucketsUpTo(100, 8_300, 500)).toBe(16);
    expect(bucketsUpTo(100, 8_000, 500)).toBe(16);
    expect(bucketsUpTo(3, 8_300, 500)).toBe(3);
    expect(bucketsUpTo(3, 0, 500)).toBe(0);
  });
});

describe('CommitMonotonicity', () => {
  const commit = (node: string, atMs: number, commitIndex: number): TraceEvent => ({ kind: 'commit', atMs, node, commitIndex });
  const fault = (f: string, detail: string, atMs: number): TraceEvent => ({ kind: 'fault', atMs, fault: f, detail });

  it('flags a commit index that goes down while the node stays up', () => {
    const c = new CommitMonotonicity();
    for (const e of [commit('n1', 10, 3), commit('n2', 11, 3), commit('n1', 20, 5), commit('n1', 30, 4), commit('n2', 31, 3)]) c.see(e);
    expect(c.count).toBe(1);
    expect(c.decreases).toEqual([{ node: 'n1', atMs: 30, from: 5, to: 4 }]);
  });

  it('does not compare across a crash or power loss (commitIndex is volatile), and flags again after', () => {
    const c = new CommitMonotonicity();
    for (const e of [commit('n1', 10, 5), fault('crash', 'n1', 12), fault('restart', 'n1', 15), commit('n1', 20, 2), commit('n2', 21, 4), fault('power-loss', 'n2', 22), commit('n2', 30, 1)]) c.see(e);
    expect(c.count).toBe(0);
    c.see(commit('n1', 40, 1));
    expect(c.decreases).toEqual([{ node: 'n1', atMs: 40, from: 2, to: 1 }]);
  });

  it('a correct Raft run under crashes and partitions has none, and the flag lands in its bucket', () => {
    const s = session({ loadOpsPerSec: 20, nemesis: ['partition', 'crash'] });
    const t = new LabTelemetry(s);
    s.seek(30_000);
    const f = t.frame();
    expect(f.commitDecreaseCount).toBe(0);
    expect(f.buckets.every((b) => b.commitDecreased.length === 0)).toBe(true);
  });
});
