import { describe, expect, it } from 'vitest';
import type { TelemetryBucket, TelemetryFrame } from '../../worker/lab-protocol';
import {
  chartSummary, faultBands, leaderChangeTimes, leaderSegments, mergeTelemetry, stepPath, telemetryCharts, telemetryDomain, timeTransform, windowTicks, yMax,
} from './telemetry-chart';

function bucket(index: number, over: Partial<TelemetryBucket> = {}): TelemetryBucket {
  return {
    index, startMs: index * 500, leader: 'n1', term: 1, leaderChanges: 0, leaderChangesPerMin: 0, commitIndex: { n1: index, n2: index },
    quorumAckMs: { count: 1, p50: 10, p99: 12 }, clientLatencyMs: {}, rejected: {}, retries: 0, timeouts: 0, inFlightMax: 3, commitDecreased: [],
    ...over,
  };
}

function frame(over: Partial<TelemetryFrame>): TelemetryFrame {
  return {
    reset: false, bucketMs: 500, fromIndex: 0, buckets: [], bucketCount: 0, faults: [], nodes: ['n1', 'n2'], clientRegions: ['all'],
    rejectReasons: ['overloaded', 'queue-full'], configVersion: 1, commitDecreases: [], commitDecreaseCount: 0, ...over,
  };
}

describe('telemetryDomain', () => {
  it('shows the whole run (at least 10 s) while it fits the window', () => {
    expect(telemetryDomain(4_000, 8_000, 120_000)).toEqual([0, 10_000]);
    expect(telemetryDomain(50_000, 90_000, 120_000)).toEqual([0, 90_000]);
  });
  it('past the window: the last window up to the frontier, or around a cursor scrubbed further back', () => {
    expect(telemetryDomain(190_000, 200_000, 120_000)).toEqual([80_000, 200_000]);
    expect(telemetryDomain(50_000, 200_000, 120_000)).toEqual([0, 120_000]);
    expect(telemetryDomain(150_000, 300_000, 120_000)).toEqual([60_000, 180_000]);
  });
  it('refuses an empty window', () => {
    expect(() => telemetryDomain(0, 0, 0)).toThrow(RangeError);
  });
  it('timeTransform maps the domain onto the plot', () => {
    const { k, tx } = timeTransform([10_000, 20_000], 0, 500);
    expect(10_000 * k + tx).toBeCloseTo(0);
    expect(20_000 * k + tx).toBeCloseTo(500);
  });
});

describe('step paths and scales', () => {
  it('holds each value over its bucket, breaks at gaps, and closes the last step', () => {
    const bs = [bucket(0), bucket(1), bucket(2), bucket(3)];
    const path = stepPath(bs, [0, 10, null, 5], 500, 10, 40);
    // Two pieces: buckets 0-1 and bucket 3, each ending at its bucket's end.
    expect(path.match(/M/g)).toHaveLength(2);
    expect(path).toContain('M0,40');
    expect(path).toContain('1000,0');
    expect(path.endsWith('2000,20')).toBe(true);
    expect(stepPath([], [], 500, 1, 40)).toBe('');
    expect(() => stepPath(bs, [1], 500, 1, 40)).toThrow(RangeError);
  });
  it('yMax is a nice number at or above every value, at least 1', () => {
    const charts = telemetryCharts({ buckets: [bucket(0, { inFlightMax: 37 })], nodes: ['n1'], clientRegions: ['all'], rejectReasons: [] });
    const inFlight = charts.find((c) => c.id === 'in-flight')!;
    expect(yMax(inFlight.lines)).toBe(40);
    expect(yMax([])).toBe(1);
  });
  it('one client latency series pair per region; gaps where nothing completed', () => {
    const bs = [bucket(0, { clientLatencyMs: { 'us-east': { count: 2, p50: 80, p99: 90 } } }), bucket(1)];
    const c = telemetryCharts({ buckets: bs, nodes: ['n1'], clientRegions: ['eu-west', 'us-east'], rejectReasons: [] }).find((x) => x.id === 'client-latency')!;
    expect(c.lines.map((l) => l.key)).toEqual(['eu-west-p50', 'eu-west-p99', 'us-east-p50', 'us-east-p99']);
    expect(c.lines[2]!.values).toEqual([80, null]);
    expect(c.title).toMatch(/by region/);
  });
});

describe('leader row, faults, summaries, ticks', () => {
  it('merges runs of the same leader and lists the buckets with a leader change', () => {
    const bs = [bucket(0, { leader: null }), bucket(1, { leader: 'n2', leaderChanges: 1 }), bucket(2, { leader: 'n2' }), bucket(3, { leader: 'n1', leaderChanges: 1 })];
    expect(leaderSegments(bs, 500)).toEqual([
      { fromMs: 0, toMs: 500, leader: null },
      { fromMs: 500, toMs: 1500, leader: 'n2' },
      { fromMs: 1500, toMs: 2000, leader: 'n1' },
    ]);
    expect(leaderChangeTimes(bs)).toEqual([500, 1500]);
  });
  it('clips fault periods to the domain', () => {
    const faults = [{ fromMs: 0, toMs: 5_000, label: 'a' }, { fromMs: 8_000, toMs: 30_000, label: 'b' }, { fromMs: 40_000, toMs: 41_000, label: 'c' }];
    expect(faultBands(faults, [6_000, 20_000])).toEqual([{ fromMs: 8_000, toMs: 20_000, label: 'b' }]);
  });
  it('summarises the latest bucket', () => {
    const bs = [bucket(0), bucket(1, { commitIndex: { n1: 14, n2: 12 } })];
    const charts = telemetryCharts({ buckets: bs, nodes: ['n1', 'n2'], clientRegions: ['all'], rejectReasons: ['overloaded'] });
    expect(chartSummary(charts.find((c) => c.id === 'commit-index')!, 2)).toBe('n1 14, n2 12');
    expect(chartSummary(charts.find((c) => c.id === 'quorum-ack')!, 2)).toBe('p50 10 ms, p99 12 ms');
    expect(chartSummary(charts.find((c) => c.id === 'client-latency')!, 2)).toBe('all p50 none, all p99 none');
    expect(chartSummary(charts[0]!, 0)).toBe('no data yet');
  });
  it('ticks are whole steps inside the domain', () => {
    expect(windowTicks([0, 10_000], 900)).toEqual([0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000, 10_000]);
    expect(windowTicks([81_000, 201_000], 600)).toEqual([90_000, 120_000, 150_000, 180_000]);
    expect(windowTicks([0, 0], 600)).toEqual([]);
  });
});

describe('mergeTelemetry', () => {
  it('appends, drops what left the window, resets, and keeps the same array when nothing changed', () => {
    const a = mergeTelemetry(null, frame({ reset: true, buckets: [bucket(0), bucket(1)] }));
    expect(a.buckets.map((b) => b.index)).toEqual([0, 1]);
    const b = mergeTelemetry(a, frame({ buckets: [bucket(2)], fromIndex: 1 }));
    expect(b.buckets.map((x) => x.index)).toEqual([1, 2]);
    const c = mergeTelemetry(b, frame({ fromIndex: 1 }));
    expect(c.buckets).toBe(b.buckets);
    const d = mergeTelemetry(c, frame({ reset: true, buckets: [bucket(0)] }));
    expect(d.buckets.map((x) => x.index)).toEqual([0]);
  });
});
