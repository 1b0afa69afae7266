/**
 * The operator's telemetry for the lab (issue 6, "Telemetry panel"): the run's metrics time series
 * (src/check/metrics.ts, RunMetrics, the same observer `faultline run --metrics` uses) up to the moment
 * shown, sent to the page as bounded appends, plus a check that no node's commit index goes down.
 *
 * - The lab's Run is built with `metricsBucketMs: TELEMETRY_BUCKET_MS` (lab-session.ts), so its
 *   RunMetrics buckets the run live at the frontier. Bucket i covers [i * b, (i + 1) * b) and is closed
 *   once the run passes its end; its figures depend only on the events before that end, so the closed
 *   buckets up to a moment t are exactly those of a fresh run stopped at t. The series at the moment
 *   shown is therefore the prefix of floor(t / b) closed buckets: whole buckets only (the bucket still
 *   filling at the moment shown is left out, so scrubbing back never shows figures from its future).
 * - Frames carry only what the page lacks: new buckets since the last frame, or after a scrub back, a
 *   fork or a gap, a reset with the last TELEMETRY_WINDOW_BUCKETS (LabReply `frame`, `telemetry`).
 * - Commit index monotonic, as an operator sees it: a node's commit index never goes down while it
 *   stays up. Raft's commitIndex is volatile (Raft Figure 2: "initialized to 0, increases
 *   monotonically"), so a crash or power loss starts the node over: the first commit after its restart
 *   is not compared with the one before the crash. Read from the trace's `commit` events, one by one
 *   (finer than buckets). Paxos: a node's commit point is the highest slot it learned chosen, a maximum,
 *   so it cannot go down; the check sees no Raft `commit` events there and stays empty.
 * - Config version: the lab has no membership change yet, so it is always 1.
 */
import { metricsCsv, type MetricsBucket, type MetricsSeries, type RunMetrics } from '../check/metrics';
import type { Run } from '../check/run';
import type { TraceEvent } from '../sim/trace';
import {
  TELEMETRY_BUCKET_MS, TELEMETRY_WINDOW_BUCKETS,
  type CommitDecrease, type FaultPeriod, type TelemetryBucket, type TelemetryFrame,
} from './lab-protocol';
import { faultPeriods, type LabSession } from './lab-session';

/** The cluster configuration's version: constant until the lab has membership changes. */
export const CONFIG_VERSION = 1;
/** Bound on decreases kept (a broken variant could lower a commit index on every heartbeat). */
const DECREASES_MAX = 10_000;
/** Decreases listed in a frame (the count is exact). */
const DECREASES_SENT = 20;
/** Fault periods sent with a frame: the latest ones reaching into the window. */
const FAULTS_SENT = 50;
/** Bound on fault events kept per run (a nemesis every second for an hour is 3,600). */
const FAULT_EVENTS_MAX = 100_000;

/**
 * The commit-index check: fed trace events in order, it records every `commit` that lowers a node's
 * commit index below the node's previous commit since it last came up. Crash and power loss forget it.
 */
export class CommitMonotonicity {
  readonly decreases: CommitDecrease[] = [];
  count = 0;
  private readonly last = new Map<string, number>();

  see(e: TraceEvent): void {
    if (e.kind === 'commit') {
      const before = this.last.get(e.node);
      if (before !== undefined && e.commitIndex < before) {
        this.count++;
        if (this.decreases.length < DECREASES_MAX) this.decreases.push({ node: e.node, atMs: e.atMs, from: before, to: e.commitIndex });
      }
      this.last.set(e.node, e.commitIndex);
    } else if (e.kind === 'fault' && (e.fault === 'crash' || e.fault === 'power-loss')) {
      this.last.delete(e.detail);
    }
  }
}

/** The whole buckets up to `atMs` of a run's RunMetrics: floor(atMs / bucketMs), as far as closed. */
export function bucketsUpTo(closed: number, atMs: number, bucketMs: number): number {
  return Math.max(0, Math.min(closed, Math.floor(atMs / bucketMs)));
}

/** A RunMetrics bucket as the panel gets it, with the decreases that happened inside it. */
export function telemetryBucket(index: number, b: MetricsBucket, decreased: readonly string[]): TelemetryBucket {
  return {
    index,
    startMs: b.startMs,
    leader: b.leader,
    term: b.term,
    leaderChanges: b.leaderChanges,
    leaderChangesPerMin: b.leaderChangesPerMin,
    commitIndex: b.commitIndex,
    quorumAckMs: b.quorumAckMs,
    clientLatencyMs: b.clientLatencyMs,
    rejected: b.rejected,
    retries: b.retries,
    timeouts: b.timeouts,
    inFlightMax: b.inFlightMax,
    commitDecreased: decreased,
  };
}

/** Per run: the trace read so far (faults and the commit check) and the buckets converted so far. */
interface RunState {
  readonly run: Run;
  readonly metrics: RunMetrics;
  scanned: number;
  readonly faultEvents: TraceEvent[];
  /** Trace index of each fault event, for "up to the cursor". */
  readonly faultEventIndex: number[];
  readonly check: CommitMonotonicity;
  readonly converted: TelemetryBucket[];
  readonly clientRegions: readonly string[];
}

export class LabTelemetry {
  private state: RunState | null = null;
  /** What the page holds: the run and how many buckets (from the start) it was sent. Null: nothing. */
  private sent: { run: Run; count: number } | null = null;

  constructor(private readonly session: Pick<LabSession, 'run' | 'cursor' | 'recorder' | 'members'>) {}

  /** The page dropped what it held (the panel closed, or a new load): the next frame resets. */
  forget(): void {
    this.sent = null;
  }

  private sync(): RunState {
    const run = this.session.run;
    if (this.state === null || this.state.run !== run) {
      if (run.metrics === null) throw new Error('lab telemetry: the run was built without metrics (metricsBucketMs)');
      const sim = run.sim;
      const clients = run.scenario.workload.clients;
      const regions = [...new Set(Array.from({ length: clients }, (_, i) => sim.regionOf(`c${i + 1}`)).filter((r): r is string => r !== null))];
      this.state = {
        run, metrics: run.metrics, scanned: 0, faultEvents: [], faultEventIndex: [], check: new CommitMonotonicity(), converted: [],
        clientRegions: regions.length > 0 ? regions.sort() : ['all'],
      };
    }
    const s = this.state;
    const trace = run.sim.trace;
    for (; s.scanned < trace.length; s.scanned++) {
      const e = trace.at(s.scanned);
      if (e.kind === 'fault') {
        if (s.faultEvents.length < FAULT_EVENTS_MAX) {
          s.faultEvents.push(e);
          s.faultEventIndex.push(s.scanned);
        }
        s.check.see(e);
      } else if (e.kind === 'commit') {
        s.check.see(e);
      }
    }
    s.metrics.closeElapsed();
    const closed = s.metrics.closedBuckets();
    if (s.converted.length < closed.length) {
      // Decreases are in time order: walk them alongside the buckets.
      const d = s.check.decreases;
      let k = lowerBoundBy(d, s.converted.length * TELEMETRY_BUCKET_MS, (x) => x.atMs);
      for (let i = s.converted.length; i < closed.length; i++) {
        const endMs = (i + 1) * TELEMETRY_BUCKET_MS;
        const nodes: string[] = [];
        for (; k < d.length && d[k]!.atMs < endMs; k++) if (!nodes.includes(d[k]!.node)) nodes.push(d[k]!.node);
        s.converted.push(telemetryBucket(i, closed[i]!, nodes));
      }
    }
    return s;
  }

  /** Whole buckets up to the moment shown. */
  private countAtCursor(s: RunState): number {
    return bucketsUpTo(s.converted.length, this.session.cursor.atMs, TELEMETRY_BUCKET_MS);
  }

  /** The telemetry for the next frame: what the page lacks up to the moment shown. */
  frame(): TelemetryFrame {
    const s = this.sync();
    const run = s.run;
    const cursorMs = this.session.cursor.atMs;
    const count = this.countAtCursor(s);
    const fromIndex = Math.max(0, count - TELEMETRY_WINDOW_BUCKETS);
    const sent = this.sent;
    const reset = sent === null || sent.run !== run || count < sent.count || sent.count < fromIndex;
    const buckets = s.converted.slice(reset ? fromIndex : sent.count, count);
    this.sent = { run, count };
    const eventEnd = this.session.recorder.eventsAfterStep(this.session.cursor.step);
    const faultEnd = lowerBoundBy(s.faultEventIndex, eventEnd, (x) => x);
    const windowStartMs = fromIndex * TELEMETRY_BUCKET_MS;
    const faults: FaultPeriod[] = faultPeriods(s.faultEvents.slice(0, faultEnd), cursorMs).filter((f) => f.toMs >= windowStartMs).slice(-FAULTS_SENT);
    const upToMs = count * TELEMETRY_BUCKET_MS;
    const decreasesEnd = lowerBoundBy(s.check.decreases, upToMs, (x) => x.atMs);
    const reasons = new Set(['overloaded', 'queue-full']);
    for (let i = fromIndex; i < count; i++) for (const r of Object.keys(s.converted[i]!.rejected)) reasons.add(r);
    return {
      reset,
      bucketMs: TELEMETRY_BUCKET_MS,
      fromIndex,
      buckets,
      bucketCount: count,
      faults,
      nodes: this.session.members,
      clientRegions: s.clientRegions,
      rejectReasons: [...reasons],
      configVersion: CONFIG_VERSION,
      commitDecreases: s.check.decreases.slice(0, Math.min(decreasesEnd, DECREASES_SENT)),
      // Exact while at most DECREASES_MAX were kept (a correct run has none).
      commitDecreaseCount: decreasesEnd,
    };
  }

  /** The series up to the moment shown (whole buckets), shaped as RunMetrics.series gives it. */
  seriesNow(): { series: MetricsSeries; upToMs: number; decreases: CommitDecrease[] } {
    const s = this.sync();
    const count = this.countAtCursor(s);
    const sim = s.run.sim;
    const regions = [...new Set(sim.members.map((id) => sim.regionOf(id)).filter((r): r is string => r !== null))];
    const upToMs = count * TELEMETRY_BUCKET_MS;
    const decreases = s.check.decreases.slice(0, lowerBoundBy(s.check.decreases, upToMs, (x) => x.atMs));
    return { series: { bucketMs: TELEMETRY_BUCKET_MS, nodes: [...sim.members], regions, buckets: s.metrics.closedBuckets().slice(0, count) }, upToMs, decreases };
  }

  /** The `metrics` reply: CSV (metricsCsv, as `faultline run --metrics x.csv`) and JSON (the series plus the lab's check). */
  export(): { upToMs: number; buckets: number; csv: string; json: string } {
    const { series, upToMs, decreases } = this.seriesNow();
    const json = JSON.stringify({ ...series, upToMs, configVersion: CONFIG_VERSION, commitDecreases: decreases }, null, 2) + '\n';
    return { upToMs, buckets: series.buckets.length, csv: metricsCsv(series), json };
  }
}

/** The first position whose key is >= value (keys ascending). */
function lowerBoundBy<T>(list: readonly T[], value: number, key: (item: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(list[mid]!) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
