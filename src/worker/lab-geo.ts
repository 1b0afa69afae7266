/**
 * Geo-replication figures for the lab (issue 6): where the nodes and clients are (RunInfo.geo), and at
 * the moment shown (PanelSnapshot.geo) the client latency per region and the quorum-ack latency up to
 * that moment, with the analytic budget for the leader of that moment and the leader-placement table.
 *
 * Measured as `faultline run` measures them: a RunMetrics (src/check/metrics.ts) of our own is fed the
 * trace events once, in order, and every sample it produces is stamped with the index of the event that
 * produced it. The figures up to the cursor are then the samples stamped before the cursor's event
 * count: a binary search, then a sort of that prefix, cached per region while the prefix only grows
 * (playing forward adds a few samples between panels, inserted in place). Scrubbing back re-sorts once.
 * The budget is latency-budget.ts's, never re-derived here.
 */
import { budgetModel, commitBudget, leaderPlacement, type BudgetModel, type PlacementRow } from '../check/latency-budget';
import { percentile } from '../check/latency';
import { RunMetrics } from '../check/metrics';
import type { Run } from '../check/run';
import { floorOneWayMs, region, REGIONS_ABOUT, RttTable } from '../sim/regions';
import { paxosQuorums, type Scenario } from '../sim/scenario';
import type { GeoPairRtt, GeoPercentiles, NodeSnapshot, PanelGeo, RunGeo } from './lab-protocol';

/** Bound on samples kept per series (a one-hour run at 1,000 ops/s would be 3.6 million). */
const SAMPLES_MAX = 2_000_000;

/** A series of samples in trace order, each with the index of the event that produced it. */
class Series {
  readonly values: number[] = [];
  readonly eventIndex: number[] = [];
  /** The sorted prefix last asked for, and its length. */
  private sorted: number[] = [];
  private sortedCount = 0;

  push(value: number, atEvent: number): void {
    if (this.values.length >= SAMPLES_MAX) return;
    this.values.push(value);
    this.eventIndex.push(atEvent);
  }

  /** Percentiles of the samples produced by events before `eventEnd`. */
  upTo(eventEnd: number): GeoPercentiles {
    const count = lowerBound(this.eventIndex, eventEnd);
    if (count < this.sortedCount || count - this.sortedCount > 4096) {
      this.sorted = this.values.slice(0, count).sort((a, b) => a - b);
    } else {
      for (let i = this.sortedCount; i < count; i++) insertSorted(this.sorted, this.values[i]!);
    }
    this.sortedCount = count;
    return { count, p50: percentile(this.sorted, 50), p99: percentile(this.sorted, 99) };
  }
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(sorted: number[], value: number): void {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  sorted.splice(lo, 0, value);
}

/** The static geo facts of a run: null without a regions section. */
export function runGeoOf(run: Run): RunGeo | null {
  const s = run.scenario;
  const r = s.regions;
  if (r === undefined) return null;
  const nodeRegions: Record<string, string> = {};
  run.sim.members.forEach((id, i) => (nodeRegions[id] = r.nodes[i]!));
  const clientRegions: Record<string, string> = {};
  for (let i = 0; i < s.workload.clients; i++) {
    const c = `c${i + 1}`;
    const at = run.sim.regionOf(c);
    if (at !== null) clientRegions[c] = at;
  }
  const used = [...new Set([...Object.values(nodeRegions), ...Object.values(clientRegions)])];
  const table = new RttTable(r.rttMs);
  const overridden = new Set(r.rttMs.map((o) => [...o.between].sort().join('|')));
  const rttMs: GeoPairRtt[] = [];
  for (let i = 0; i < used.length; i++) {
    for (let j = i + 1; j < used.length; j++) {
      const a = used[i]!;
      const b = used[j]!;
      rttMs.push({ between: [a, b], ms: table.rttMs(a, b), overridden: overridden.has([a, b].sort().join('|')), floorMs: Math.round(20 * floorOneWayMs(a, b)) / 10 });
    }
  }
  return {
    regions: used.map((id) => {
      const g = region(id);
      return { id: g.id, name: g.name, lat: g.lat, lon: g.lon };
    }),
    nodeRegions,
    clientRegions,
    about: REGIONS_ABOUT,
    rttMs,
  };
}

/**
 * The leader of a moment: an up node in the leader role, the highest term if two think they lead
 * (a deposed leader that has not heard yet). Null when none.
 */
export function leaderOf(nodes: readonly NodeSnapshot[]): NodeSnapshot | null {
  let best: NodeSnapshot | null = null;
  for (const n of nodes) if (n.status === 'up' && n.role === 'leader' && (best === null || n.term > best.term)) best = n;
  return best;
}

/** One run's geo figures, fed lazily from its trace. A fork makes a new Run, and a new LabGeo with it. */
export class LabGeo {
  readonly info: RunGeo | null;
  private readonly model: BudgetModel | null;
  private readonly metrics: RunMetrics | null;
  private readonly clients = new Map<string, Series>();
  private readonly quorumAck = new Series();
  private fed = 0;
  private readonly clientRegionList: string[];
  private readonly placementRows: PlacementRow[];
  private readonly quorum: number;

  constructor(readonly run: Run) {
    const s: Scenario = run.scenario;
    this.info = runGeoOf(run);
    this.model = this.info === null ? null : budgetModel(s);
    this.metrics = this.info === null ? null : new RunMetrics(run.sim, null);
    this.clientRegionList = this.info === null ? [] : [...new Set(Object.values(this.info.clientRegions))];
    this.placementRows = this.model === null ? [] : leaderPlacement(this.model, this.clientRegionList);
    const majority = Math.floor(s.cluster.nodes / 2) + 1;
    this.quorum = s.protocol === 'raft' ? majority : paxosQuorums(s).phase2;
  }

  /** Feeds the trace events not yet seen (up to the frontier) to the metrics, stamping new samples. */
  private feed(): void {
    const m = this.metrics;
    if (m === null) return;
    const trace = this.run.sim.trace;
    const one = [null as unknown as ReturnType<typeof trace.at>];
    for (let i = this.fed; i < trace.length; i++) {
      const e = trace.at(i);
      if (e.kind !== 'invoke' && e.kind !== 'ok' && e.kind !== 'fail' && e.kind !== 'info' && e.kind !== 'role' && e.kind !== 'term' &&
        e.kind !== 'fault' && e.kind !== 'append' && e.kind !== 'propose' && e.kind !== 'commit' && e.kind !== 'chosen') continue;
      const ackBefore = m.quorumAck.length;
      one[0] = e;
      m.afterStep(this.run.sim, one);
      for (let k = ackBefore; k < m.quorumAck.length; k++) this.quorumAck.push(m.quorumAck[k]!, i);
      if (e.kind === 'ok') {
        for (const [r, samples] of m.clientLatency) {
          let series = this.clients.get(r);
          if (series === undefined) {
            series = new Series();
            this.clients.set(r, series);
          }
          for (let k = series.values.length; k < samples.length; k++) series.push(samples[k]!, i);
        }
      }
    }
    this.fed = trace.length;
  }

  /** The figures at a moment: `eventEnd` trace events have happened; `nodes` are the nodes then. */
  panel(eventEnd: number, nodes: readonly NodeSnapshot[]): PanelGeo | null {
    if (this.info === null) return null;
    this.feed();
    const clientLatencyMs: Record<string, GeoPercentiles> = {};
    for (const r of [...this.clients.keys()].sort()) clientLatencyMs[r] = this.clients.get(r)!.upTo(eventEnd);
    const leader = leaderOf(nodes);
    const index = leader === null ? -1 : this.run.sim.members.indexOf(leader.id);
    const model = this.model;
    return {
      clientLatencyMs,
      quorumAckMs: this.quorumAck.upTo(eventEnd),
      leader: leader?.id ?? null,
      leaderRegion: leader === null ? null : (this.info.nodeRegions[leader.id] ?? null),
      quorum: this.quorum,
      budget: model === null || index < 0 ? [] : this.clientRegionList.map((c) => commitBudget(model, index, c)),
      placement: this.placementRows,
      note: model === null ? 'Single-decree Paxos has no stable leader, so there is no commit path to budget.' : null,
    };
  }
}
