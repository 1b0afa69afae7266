/**
 * Run metrics (issue 6): client latency by the client's region, quorum-ack latency at the leader, the
 * simulator's counters (admission rejections, queue drops, timeouts, retries), and optionally all of it
 * as time series per bucket of virtual time (`faultline run --metrics FILE`).
 *
 * Read from the trace events each step produced and the simulator's counters only, never from protocol
 * state, so Raft and Paxos are measured alike:
 * - client latency: invoke to ok of the same operation (retries included: the history's latency);
 * - quorum-ack latency: at the node that is leader, from appending an entry (Raft `append`; Paxos
 *   `propose` of a slot) to its commit (Raft `commit` covering the index; Paxos `chosen` of the slot),
 *   which holds the leader's fsync, the round trip to the fastest quorum and the followers' fsyncs.
 * Cheap enough to run with every geo scenario: a few map operations per client or log event.
 */
import type { Simulator, StepObserver } from '../sim/simulator';
import type { NodeId, TraceEvent } from '../sim/trace';
import { percentile } from './latency';

export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
}

export function percentilesOf(samples: number[]): Percentiles {
  const sorted = samples.slice().sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/** One bucket of the time series. Latencies are of what completed within the bucket. */
export interface MetricsBucket {
  startMs: number;
  /** The leader at the end of the bucket (the last `role leader` not since stepped down or crashed). */
  leader: NodeId | null;
  /** The highest term (Paxos: ballot) seen so far. */
  term: number;
  leaderChanges: number;
  leaderChangesPerMin: number;
  /** Each node's commit point at the end of the bucket (Raft commit index; Paxos highest chosen slot learned). */
  commitIndex: Record<NodeId, number>;
  quorumAckMs: Percentiles;
  clientLatencyMs: Record<string, Percentiles>;
  /** Requests refused or dropped by admission control and request queues, by reason. */
  rejected: Record<string, number>;
  retries: number;
  timeouts: number;
  /** Most messages in flight at once during the bucket. */
  inFlightMax: number;
}

export interface MetricsSeries {
  bucketMs: number;
  nodes: NodeId[];
  regions: string[];
  buckets: MetricsBucket[];
}

/** Bound on buckets kept (a 24-hour run at 1 s buckets is 86,400). */
const BUCKETS_MAX = 100_000;
/** Bound on outstanding appends tracked per leader (entries appended and not yet committed). */
const PENDING_APPENDS_MAX = 1_000_000;

interface Open {
  startMs: number;
  leaderChanges: number;
  quorumAck: number[];
  client: Map<string, number[]>;
  rejected: Map<string, number>;
  retries: number;
  timeouts: number;
  inFlightMax: number;
}

export class RunMetrics implements StepObserver {
  /** Invoke-to-ok latencies by the client's region ("all" without regions). */
  readonly clientLatency = new Map<string, number[]>();
  readonly quorumAck: number[] = [];
  private readonly invokes = new Map<number, { atMs: number; region: string }>();
  /** Per current leader: index (or slot) -> when it appended it. */
  private readonly appends = new Map<NodeId, Map<number, number>>();
  private readonly commit = new Map<NodeId, number>();
  private leader: NodeId | null = null;
  private term = 0;
  private readonly buckets: MetricsBucket[] = [];
  private open: Open | null = null;

  /** `bucketMs` null: summary figures only, no time series. */
  constructor(
    private readonly sim: Simulator,
    private readonly bucketMs: number | null,
  ) {
    if (bucketMs !== null && !(Number.isInteger(bucketMs) && bucketMs >= 1)) throw new Error(`metrics: bad bucket ${bucketMs} ms`);
    for (const id of sim.members) this.commit.set(id, 0);
    if (bucketMs !== null) {
      this.open = this.fresh(0);
      const previous = sim.onCount;
      sim.onCount = (name, atMs) => {
        previous?.(name, atMs);
        this.counted(name, atMs);
      };
    }
  }

  private fresh(startMs: number): Open {
    return { startMs, leaderChanges: 0, quorumAck: [], client: new Map(), rejected: new Map(), retries: 0, timeouts: 0, inFlightMax: 0 };
  }

  /** Closes every bucket that ends at or before `atMs`. */
  private roll(atMs: number): void {
    const o = this.open;
    if (o === null || this.bucketMs === null) return;
    while (atMs >= o.startMs + this.bucketMs) {
      if (this.buckets.length < BUCKETS_MAX) this.buckets.push(this.close(o));
      const next = this.fresh(o.startMs + this.bucketMs);
      Object.assign(o, next);
    }
  }

  private close(o: Open): MetricsBucket {
    const client: Record<string, Percentiles> = {};
    for (const [region, samples] of [...o.client].sort(([a], [b]) => a.localeCompare(b))) client[region] = percentilesOf(samples);
    return {
      startMs: o.startMs,
      leader: this.leader,
      term: this.term,
      leaderChanges: o.leaderChanges,
      leaderChangesPerMin: (o.leaderChanges * 60_000) / this.bucketMs!,
      commitIndex: Object.fromEntries(this.commit),
      quorumAckMs: percentilesOf(o.quorumAck),
      clientLatencyMs: client,
      rejected: Object.fromEntries(o.rejected),
      retries: o.retries,
      timeouts: o.timeouts,
      inFlightMax: o.inFlightMax,
    };
  }

  private counted(name: string, atMs: number): void {
    this.roll(atMs);
    const o = this.open!;
    if (name === 'retry') o.retries++;
    else if (name === 'timeout') o.timeouts++;
    else if (name.startsWith('rejected:')) {
      const reason = name.slice('rejected:'.length);
      o.rejected.set(reason, (o.rejected.get(reason) ?? 0) + 1);
    }
  }

  afterStep(sim: Simulator, events: readonly TraceEvent[]): void {
    if (this.open !== null) {
      this.roll(sim.nowMs);
      this.open.inFlightMax = Math.max(this.open.inFlightMax, sim.network.inFlight.size);
    }
    for (const e of events) this.see(e);
  }

  private see(e: TraceEvent): void {
    switch (e.kind) {
      case 'invoke':
        this.invokes.set(e.opId, { atMs: e.atMs, region: this.sim.regionOf(e.client) ?? 'all' });
        return;
      case 'ok': {
        const at = this.invokes.get(e.opId);
        if (at === undefined) return;
        this.invokes.delete(e.opId);
        const ms = e.atMs - at.atMs;
        push(this.clientLatency, at.region, ms);
        if (this.open !== null) push(this.open.client, at.region, ms);
        return;
      }
      case 'fail':
      case 'info':
        this.invokes.delete(e.opId);
        return;
      case 'role':
        if (e.term > this.term) this.term = e.term;
        if (e.role === 'leader') {
          this.appends.set(e.node, new Map());
          this.leader = e.node;
          if (this.open !== null) this.open.leaderChanges++;
        } else {
          this.appends.delete(e.node);
          if (this.leader === e.node) this.leader = null;
        }
        return;
      case 'term':
        if (e.term > this.term) this.term = e.term;
        return;
      case 'fault':
        // A crashed leader leads no more (its restart records a follower role).
        if ((e.fault === 'crash' || e.fault === 'power-loss') && this.appends.has(e.detail)) {
          this.appends.delete(e.detail);
          if (this.leader === e.detail) this.leader = null;
        }
        return;
      case 'append': {
        const m = this.appends.get(e.node);
        if (m === undefined || m.size + e.count > PENDING_APPENDS_MAX) return;
        for (let i = e.index; i < e.index + e.count; i++) m.set(i, e.atMs);
        return;
      }
      case 'propose': {
        const m = this.appends.get(e.node);
        if (m !== undefined && m.size < PENDING_APPENDS_MAX) m.set(e.slot, e.atMs);
        return;
      }
      case 'commit': {
        this.commit.set(e.node, e.commitIndex);
        const m = this.appends.get(e.node);
        if (m === undefined) return;
        // A leader appends in index order and never truncates its own log: the map is in index order.
        for (const [index, atMs] of m) {
          if (index > e.commitIndex) break;
          this.ack(e.atMs - atMs);
          m.delete(index);
        }
        return;
      }
      case 'chosen': {
        if (e.slot > (this.commit.get(e.node) ?? 0)) this.commit.set(e.node, e.slot);
        const m = this.appends.get(e.node);
        const atMs = m?.get(e.slot);
        if (atMs === undefined) return;
        this.ack(e.atMs - atMs);
        m!.delete(e.slot);
        return;
      }
      default:
        return;
    }
  }

  private ack(ms: number): void {
    this.quorumAck.push(ms);
    this.open?.quorumAck.push(ms);
  }

  /** Client latency percentiles by region, regions in name order. */
  clientLatencyByRegion(): Record<string, Percentiles> {
    const out: Record<string, Percentiles> = {};
    for (const [region, samples] of [...this.clientLatency].sort(([a], [b]) => a.localeCompare(b))) out[region] = percentilesOf(samples);
    return out;
  }

  /**
   * The buckets closed so far, in time order (bucket i starts at i * bucketMs), without rolling or
   * copying: the lab reads the prefix up to the moment it shows many times a second (src/worker/lab-telemetry.ts).
   */
  closedBuckets(): readonly MetricsBucket[] {
    return this.buckets;
  }

  /**
   * Closes the buckets that end at or before the simulator's now, as its next step would: what is
   * still to happen at that millisecond belongs to the next bucket either way, so the series is the same.
   */
  closeElapsed(): void {
    this.roll(this.sim.nowMs);
  }

  /** The time series up to `endMs` (the last bucket may be partial). Null when built without buckets. */
  series(endMs: number): MetricsSeries | null {
    if (this.open === null || this.bucketMs === null) return null;
    this.roll(endMs);
    const buckets = this.buckets.slice();
    // The partial last bucket, closed without ending it, so the run can go on.
    if (this.open.startMs < endMs && buckets.length < BUCKETS_MAX) buckets.push(this.close(this.open));
    const regions = [...new Set(this.sim.members.map((id) => this.sim.regionOf(id)).filter((r): r is string => r !== null))];
    return { bucketMs: this.bucketMs, nodes: [...this.sim.members], regions, buckets };
  }
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Reasons that get their own CSV column even when zero. */
const CSV_REASONS = ['overloaded', 'queue-full'];

/** The series as CSV: one row per bucket, one column per figure (per node, per client region, per reason). */
export function metricsCsv(series: MetricsSeries): string {
  const clientRegions = [...new Set(series.buckets.flatMap((b) => Object.keys(b.clientLatencyMs)))].sort();
  const reasons = [...new Set([...CSV_REASONS, ...series.buckets.flatMap((b) => Object.keys(b.rejected))])];
  const header = [
    'start_s', 'leader', 'term', 'leader_changes_per_min',
    ...series.nodes.map((n) => `commit_index_${n}`),
    'quorum_ack_count', 'quorum_ack_p50_ms', 'quorum_ack_p99_ms',
    ...clientRegions.flatMap((r) => [`client_${r}_count`, `client_${r}_p50_ms`, `client_${r}_p99_ms`]),
    ...reasons.map((r) => `rejected_${r}`),
    'retries', 'timeouts', 'in_flight_max',
  ];
  const rows = series.buckets.map((b) => [
    b.startMs / 1000, b.leader ?? '', b.term, b.leaderChangesPerMin,
    ...series.nodes.map((n) => b.commitIndex[n] ?? 0),
    b.quorumAckMs.count, b.quorumAckMs.p50, b.quorumAckMs.p99,
    ...clientRegions.flatMap((r) => {
      const p = b.clientLatencyMs[r];
      return p === undefined ? [0, '', ''] : [p.count, p.p50, p.p99];
    }),
    ...reasons.map((r) => b.rejected[r] ?? 0),
    b.retries, b.timeouts, b.inFlightMax,
  ]);
  return [header, ...rows].map((row) => row.join(',')).join('\n') + '\n';
}
