/**
 * The telemetry panel's maths (TelemetryPanel.svelte), kept out of the component so it can be tested:
 * the shared time window, which series each small chart draws (read from the worker's buckets, never
 * derived from protocol state), their step paths and y scales, and the one-line text summaries.
 *
 * Paths are built in "time space": x is virtual milliseconds, y is pixels. The component maps time to
 * pixels with one transform per frame, so while only the cursor and the window move (every frame at
 * 10x) no path is rebuilt; paths change only when new buckets arrive.
 */
import { curveStepAfter, line, scaleLinear } from 'd3';
import type { FaultPeriod, TelemetryBucket, TelemetryFrame } from '../../worker/lab-protocol';
import { TICK_STEPS_MS } from './timeline-scale';

/** The shortest span the charts show, so the first seconds of a run are not stretched across the card. */
export const TELEMETRY_MIN_SPAN_MS = 10_000;

/**
 * The charts' x domain: the whole run while it fits the window (as the timeline shows it), else the
 * last `windowMs` up to the frontier; when the cursor is scrubbed further back than that, the window
 * follows it, ending a quarter window after it.
 */
export function telemetryDomain(cursorMs: number, frontierMs: number, windowMs: number): [number, number] {
  if (!(windowMs > 0)) throw new RangeError(`windowMs must be > 0, got ${windowMs}`);
  const last = Math.max(frontierMs, cursorMs, TELEMETRY_MIN_SPAN_MS);
  const end = Math.min(last, Math.max(cursorMs + windowMs / 4, TELEMETRY_MIN_SPAN_MS, windowMs));
  return [Math.max(0, end - windowMs), end];
}

/** The transform that maps time space (x in ms) onto [leftPx, leftPx + widthPx] for the domain. */
export function timeTransform(domain: readonly [number, number], leftPx: number, widthPx: number): { k: number; tx: number } {
  const span = Math.max(1, domain[1] - domain[0]);
  const k = widthPx / span;
  return { k, tx: leftPx - domain[0] * k };
}

export interface ChartLine {
  readonly key: string;
  readonly label: string;
  /** One value per bucket (null: nothing measured in that bucket, a gap). */
  readonly values: readonly (number | null)[];
  /** Index into the panel's palette. */
  readonly color: number;
  readonly dashed: boolean;
}

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly lines: readonly ChartLine[];
}

export interface TelemetryInput {
  readonly buckets: readonly TelemetryBucket[];
  readonly nodes: readonly string[];
  readonly clientRegions: readonly string[];
  readonly rejectReasons: readonly string[];
}

/** The small multiples, top to bottom (the leader and term row is drawn on its own). */
export function telemetryCharts(t: TelemetryInput): ChartSpec[] {
  const b = t.buckets;
  const pick = (f: (x: TelemetryBucket) => number | null): (number | null)[] => b.map(f);
  const lat = (p: { count: number; p50: number; p99: number } | undefined, which: 'p50' | 'p99'): number | null =>
    p === undefined || p.count === 0 ? null : p[which];
  return [
    { id: 'term', title: 'Term', unit: '', lines: [{ key: 'term', label: 'term', values: pick((x) => x.term), color: 0, dashed: false }] },
    {
      id: 'leader-changes', title: 'Leader changes per minute', unit: '/min',
      lines: [{ key: 'per-min', label: 'leader changes/min', values: pick((x) => x.leaderChangesPerMin), color: 0, dashed: false }],
    },
    {
      id: 'commit-index', title: 'Commit index per node', unit: '',
      lines: t.nodes.map((n, i) => ({ key: n, label: n, values: pick((x) => x.commitIndex[n] ?? 0), color: i, dashed: false })),
    },
    {
      id: 'quorum-ack', title: 'Quorum-ack latency at the leader', unit: 'ms',
      lines: [
        { key: 'p50', label: 'p50', values: pick((x) => lat(x.quorumAckMs, 'p50')), color: 0, dashed: false },
        { key: 'p99', label: 'p99', values: pick((x) => lat(x.quorumAckMs, 'p99')), color: 0, dashed: true },
      ],
    },
    {
      id: 'client-latency', title: t.clientRegions.length > 1 || t.clientRegions[0] !== 'all' ? 'Client latency by region (p50; p99 dashed)' : 'Client latency (p50; p99 dashed)', unit: 'ms',
      lines: t.clientRegions.flatMap((r, i) => [
        { key: `${r}-p50`, label: `${r} p50`, values: pick((x) => lat(x.clientLatencyMs[r], 'p50')), color: i, dashed: false },
        { key: `${r}-p99`, label: `${r} p99`, values: pick((x) => lat(x.clientLatencyMs[r], 'p99')), color: i, dashed: true },
      ]),
    },
    {
      id: 'rejected', title: 'Rejected by admission control', unit: '',
      lines: t.rejectReasons.map((r, i) => ({ key: r, label: r, values: pick((x) => x.rejected[r] ?? 0), color: i, dashed: false })),
    },
    {
      id: 'retries', title: 'Retries and timeouts', unit: '',
      lines: [
        { key: 'retries', label: 'retries', values: pick((x) => x.retries), color: 0, dashed: false },
        { key: 'timeouts', label: 'timeouts', values: pick((x) => x.timeouts), color: 1, dashed: true },
      ],
    },
    { id: 'in-flight', title: 'Messages in flight (most at once)', unit: '', lines: [{ key: 'in-flight', label: 'in flight', values: pick((x) => x.inFlightMax), color: 0, dashed: false }] },
  ];
}

/** The top of a chart's y scale: a nice number at or above every value shown (at least 1). */
export function yMax(lines: readonly ChartLine[]): number {
  let max = 0;
  for (const l of lines) for (const v of l.values) if (v !== null && v > max) max = v;
  const [, top] = scaleLinear().domain([0, Math.max(1, max)]).nice(4).domain() as [number, number];
  return top;
}

/**
 * A step path in time space: each bucket's value held over the bucket ([startMs, startMs + bucketMs)),
 * y in pixels (0 at the top, heightPx at zero). Gaps (null) break the line. '' when nothing to draw.
 */
export function stepPath(buckets: readonly TelemetryBucket[], values: readonly (number | null)[], bucketMs: number, top: number, heightPx: number): string {
  if (buckets.length !== values.length) throw new RangeError('stepPath: one value per bucket');
  const y = scaleLinear().domain([0, top]).range([heightPx, 0]);
  const points: Array<[number, number | null]> = [];
  for (let i = 0; i < buckets.length; i++) {
    const v = values[i]!;
    points.push([buckets[i]!.startMs, v]);
    // Close the step at the bucket's end when the next one is missing (a gap, or the last bucket).
    const next = i + 1 < buckets.length ? values[i + 1] : null;
    if (v !== null && next === null) points.push([buckets[i]!.startMs + bucketMs, v], [buckets[i]!.startMs + bucketMs, null]);
  }
  const path = line<[number, number | null]>()
    .defined((p) => p[1] !== null)
    .x((p) => p[0])
    .y((p) => y(p[1] ?? 0))
    .curve(curveStepAfter)(points);
  return path ?? '';
}

/** Runs of buckets with the same leader, for the leader row. */
export interface LeaderSegment {
  readonly fromMs: number;
  readonly toMs: number;
  readonly leader: string | null;
}

export function leaderSegments(buckets: readonly TelemetryBucket[], bucketMs: number): LeaderSegment[] {
  const out: LeaderSegment[] = [];
  for (const b of buckets) {
    const last = out[out.length - 1];
    if (last !== undefined && last.leader === b.leader && last.toMs === b.startMs) out[out.length - 1] = { ...last, toMs: b.startMs + bucketMs };
    else out.push({ fromMs: b.startMs, toMs: b.startMs + bucketMs, leader: b.leader });
  }
  return out;
}

/** Where the leader changed: the start of every bucket with a leader change in it. */
export function leaderChangeTimes(buckets: readonly TelemetryBucket[]): number[] {
  return buckets.filter((b) => b.leaderChanges > 0).map((b) => b.startMs);
}

/** Fault periods clipped to the domain (dropping those outside it). */
export function faultBands(faults: readonly FaultPeriod[], domain: readonly [number, number]): FaultPeriod[] {
  return faults
    .filter((f) => f.toMs >= domain[0] && f.fromMs <= domain[1])
    .map((f) => ({ ...f, fromMs: Math.max(f.fromMs, domain[0]), toMs: Math.min(f.toMs, domain[1]) }));
}

function fmt(v: number | null, unit: string): string {
  if (v === null) return 'none';
  const n = Number.isInteger(v) ? String(v) : v.toFixed(1);
  return unit === '' || unit === '/min' ? `${n}${unit}` : `${n} ${unit}`;
}

/** A chart's text summary: its latest bucket's values ("n1 14, n2 14, n3 12"). */
export function chartSummary(chart: ChartSpec, bucketCount: number): string {
  if (bucketCount === 0 || chart.lines.length === 0) return 'no data yet';
  return chart.lines.map((l) => `${l.label} ${fmt(l.values[bucketCount - 1] ?? null, chart.unit)}`).join(', ');
}

/** Tick times inside the domain: multiples of the smallest TICK_STEPS_MS step leaving `minSpacingPx` between ticks. */
export function windowTicks(domain: readonly [number, number], plotPx: number, minSpacingPx = 90): number[] {
  const span = domain[1] - domain[0];
  if (!(span > 0) || !(plotPx > 0)) return [];
  const maxTicks = Math.max(1, Math.floor(plotPx / minSpacingPx));
  const step = TICK_STEPS_MS.find((s) => span / s <= maxTicks) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1]!;
  const out: number[] = [];
  for (let t = Math.ceil(domain[0] / step) * step; t <= domain[1] && out.length <= 100; t += step) out.push(t);
  return out;
}

/** Seconds for labels: "12 s", "1:05" past a minute. */
export function secondsLabel(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The telemetry panel's data in the page: the latest frame's facts and the buckets held (the window's). */
export interface TelemetryView {
  readonly frame: TelemetryFrame;
  readonly buckets: readonly TelemetryBucket[];
}

/**
 * The buckets held after a telemetry frame: a reset replaces them, else the new ones are appended and
 * those before the window (index < fromIndex) dropped. Unchanged buckets keep the same array, so the
 * panel rebuilds no path for a frame that only moved the cursor.
 */
export function mergeTelemetry(held: TelemetryView | null, t: TelemetryFrame): TelemetryView {
  if (t.reset || held === null) return { frame: t, buckets: t.buckets };
  let buckets = held.buckets;
  if (t.buckets.length > 0 || (buckets.length > 0 && buckets[0]!.index < t.fromIndex)) {
    buckets = [...buckets.filter((b) => b.index >= t.fromIndex), ...t.buckets];
  }
  return { frame: t, buckets };
}

