/**
 * Running a scenario: the simulator, the protocol the scenario names, and its invariants checked
 * after every step. This is what the CLI, the worker, the tests and the benchmarks call.
 */
import { PROTOCOL_FACTORIES } from '../protocols';
import type { RaftView } from '../protocols/raft/node';
import type { OperatorAction, Scenario } from '../sim/scenario';
import { Simulator } from '../sim/simulator';
import type { NodeId } from '../sim/types';
import { nodeIds, paxosQuorums } from '../sim/scenario';
import type { StepObserver } from '../sim/simulator';
import { REGIONS_ABOUT } from '../sim/regions';
import { budgetModel, commitBudget, leaderPlacement, type LatencyBudget, type PlacementRow } from './latency-budget';
import { percentilesOf, RunMetrics, type MetricsSeries, type Percentiles } from './metrics';
import { PaxosInvariantChecker } from './paxos-invariants';
import { RaftInvariantChecker, type Violation } from './raft-invariants';

/** What a run needs of a protocol's invariant checker: it observes every step and keeps what it found. */
export interface InvariantChecker extends StepObserver {
  readonly violations: Violation[];
}

/** The checker of the scenario's protocol. */
function checkerFor(scenario: Scenario, onViolation: (v: Violation) => void): InvariantChecker {
  switch (scenario.protocol) {
    case 'raft':
      return new RaftInvariantChecker(onViolation);
    case 'paxos': {
      const q = paxosQuorums(scenario);
      return new PaxosInvariantChecker(q.phase2, onViolation, q.grid === null ? null : { shape: q.grid, members: nodeIds(scenario.cluster.nodes) });
    }
    default: {
      const never: never = scenario.protocol;
      throw new Error(`run: no invariant checker for ${String(never)}`);
    }
  }
}

/**
 * A node's commit point for summaries: Raft's commit index, or the highest slot a Paxos node has
 * applied in order (both volatile: null while the node is down).
 */
function commitPointOf(protocol: Scenario['protocol'], view: unknown): number | null {
  if (view === null) return null;
  if (protocol === 'raft') return (view as RaftView).state.volatile.commitIndex;
  return (view as { appliedUpTo: number }).appliedUpTo;
}

export interface RunOptions {
  /** Keep every event for later decoding (default true; the benchmark measures both). */
  keepTrace?: boolean;
  /** Compute the trace hash (default true; campaigns turn it off, see SimulatorOptions.hashTrace). */
  hashTrace?: boolean;
  /** Stop at the first violation (the lab pauses there); default false. */
  stopOnViolation?: boolean;
  /** Keep metrics as time series in buckets of this many ms of virtual time (`run --metrics`). */
  metricsBucketMs?: number;
}

/** Geo-replication figures of a run (the summary's `geo`, present when the scenario has regions). */
export interface GeoSummary {
  note: string;
  nodeRegions: Record<NodeId, string>;
  clientRegions: string[];
  /** Invoke-to-ok latency of the clients of each region (ms). */
  clientLatencyMs: Record<string, Percentiles>;
  /** Leader append (propose) to commit (chosen), at the leader (ms). */
  quorumAckMs: Percentiles;
  /** The analytic budget per client region, for the last leader (null: no leader, or single-decree Paxos). */
  budget: LatencyBudget[] | null;
  /** For each region as the leader's: the expected commit latency per client region. */
  leaderPlacement: PlacementRow[];
}

export interface LeaderChange {
  atMs: number;
  node: NodeId;
  term: number;
}

export interface RunSummary {
  name: string;
  protocol: string;
  nodes: number;
  seed: number;
  bugs: string[];
  traceHash: string;
  events: number;
  simulatedMs: number;
  steps: number;
  violations: Violation[];
  leaderChanges: number;
  leaders: LeaderChange[];
  commitIndexes: Record<NodeId, number | null>;
  clientOps: { invoked: number; ok: number; fail: number; info: number };
  messages: { sent: number; delivered: number; dropped: number };
  /** Set when the run stopped early: a violation (with stopOnViolation) or a protocol assertion. */
  stoppedEarly: string | null;
  /** With a regions section only. */
  geo?: GeoSummary;
  /**
   * With an overload section or a retry policy only: admission rejections and queue drops
   * (`rejected:overloaded`, `rejected:queue-full`), client `timeout`s, `retry`s, `retry-budget-exhausted`.
   */
  overload?: Record<string, number>;
}

/** Bound on leader changes listed in a summary (the count is exact). */
const LEADER_LIST_LIMIT = 1000;

export class Run {
  readonly sim: Simulator;
  readonly checker: InvariantChecker;
  readonly leaders: LeaderChange[] = [];
  /** Latencies and counters by region and over time (null unless regions, overload or metricsBucketMs). */
  readonly metrics: RunMetrics | null;
  private leaderChangeCount = 0;
  private stopped: string | null = null;

  constructor(
    readonly scenario: Scenario,
    private readonly options: RunOptions = {},
  ) {
    const factory = PROTOCOL_FACTORIES[scenario.protocol];
    this.sim = new Simulator(scenario, factory, { keepTrace: options.keepTrace ?? true, hashTrace: options.hashTrace ?? true });
    this.checker = checkerFor(scenario, (v) => {
      this.sim.record({ kind: 'violation', atMs: v.atMs, invariant: v.invariant, nodes: v.nodes.join(','), message: v.message, eventIndex: v.eventIndex });
      if (this.options.stopOnViolation) this.stopped = `violation of ${v.invariant}`;
    });
    this.sim.addObserver(this.checker);
    this.sim.addObserver({
      afterStep: (_sim, events) => {
        for (const e of events) {
          if (e.kind === 'role' && e.role === 'leader') {
            this.leaderChangeCount++;
            if (this.leaders.length < LEADER_LIST_LIMIT) this.leaders.push({ atMs: e.atMs, node: e.node, term: e.term });
          }
        }
      },
    });
    const wantMetrics = scenario.regions !== undefined || scenario.overload !== undefined || scenario.workload.retry !== undefined;
    this.metrics = wantMetrics || options.metricsBucketMs !== undefined ? new RunMetrics(this.sim, options.metricsBucketMs ?? null) : null;
    if (this.metrics !== null) this.sim.addObserver(this.metrics);
    this.guard(() => this.sim.start());
  }

  /** The metrics time series up to now (null unless the run was made with metricsBucketMs). */
  metricsSeries(): MetricsSeries | null {
    return this.metrics?.series(this.sim.nowMs) ?? null;
  }

  private geoSummary(): GeoSummary | undefined {
    const s = this.scenario;
    const r = s.regions;
    if (r === undefined || this.metrics === null) return undefined;
    const nodeRegions: Record<NodeId, string> = {};
    this.sim.members.forEach((id, i) => (nodeRegions[id] = r.nodes[i]!));
    const clientRegions = [...new Set(Array.from({ length: s.workload.clients }, (_, i) => this.sim.regionOf(`c${i + 1}`)!))];
    const model = budgetModel(s);
    const last = this.leaders[this.leaders.length - 1];
    const leaderIndex = last === undefined ? -1 : this.sim.members.indexOf(last.node);
    return {
      note: REGIONS_ABOUT,
      nodeRegions,
      clientRegions,
      clientLatencyMs: this.metrics.clientLatencyByRegion(),
      quorumAckMs: percentilesOf(this.metrics.quorumAck),
      budget: model === null || leaderIndex < 0 ? null : clientRegions.map((c) => commitBudget(model, leaderIndex, c)),
      leaderPlacement: model === null ? [] : leaderPlacement(model, clientRegions),
    };
  }

  get nowMs(): number {
    return this.sim.nowMs;
  }

  /**
   * An exception inside the protocol is an assertion failure: it ends the run and is reported like
   * a violation, rather than crashing the caller (a bug variant can drive Raft into states its
   * assertions rule out).
   */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.stopped = `assertion failed: ${message}`;
      this.sim.record({ kind: 'violation', atMs: this.sim.nowMs, invariant: 'Assertion', nodes: '', message, eventIndex: Math.max(0, this.sim.trace.length - 1) });
      this.checker.violations.push({ invariant: 'Assertion', atMs: this.sim.nowMs, eventIndex: Math.max(0, this.sim.trace.length - 1), nodes: [], message, logIndex: null });
    }
  }

  /** One step (one timer or delivery). Returns false at the end of the run or after a stop. */
  step(untilMs: number = this.scenario.untilMs): boolean {
    if (this.stopped !== null) return false;
    let progressed = false;
    this.guard(() => {
      progressed = this.sim.step(Math.min(untilMs, this.scenario.untilMs));
    });
    return progressed && this.stopped === null;
  }

  /** Runs up to `untilMs` of virtual time (default: the scenario's end). */
  runUntil(untilMs: number = this.scenario.untilMs): void {
    const limit = Math.min(untilMs, this.scenario.untilMs);
    // One guard around the loop rather than one per step (a closure per step showed in the profile).
    this.guard(() => {
      while (this.stopped === null && this.sim.step(limit)) {
        /* bounded by the simulator's step limit */
      }
    });
    if (this.stopped === null) this.sim.clock.advanceTo(limit);
  }

  /**
   * Schedules an operator action at its `atMs` (not before now), ahead of every other timer due
   * then: the lab's live input, which replays exactly when the same action is in the scenario.
   */
  scheduleAction(action: OperatorAction): void {
    this.guard(() => this.sim.scheduleAction(action));
  }

  /** Steps taken so far (each fires one timer). */
  get stepCount(): number {
    return this.sim.stepCount;
  }

  /** Why the run stopped early (a violation with stopOnViolation, or an assertion), or null. */
  get stoppedReason(): string | null {
    return this.stopped;
  }

  /** An operator action now (recorded in the trace as part of the run's input). */
  act(action: OperatorAction): void {
    this.guard(() => this.sim.act({ ...action, atMs: this.sim.nowMs } as OperatorAction));
  }

  summary(): RunSummary {
    const s = this.scenario;
    const commitIndexes: Record<NodeId, number | null> = {};
    for (const id of this.sim.members) {
      commitIndexes[id] = commitPointOf(s.protocol, this.sim.view(id));
    }
    const t = this.sim.trace;
    return {
      name: s.name,
      protocol: s.protocol,
      nodes: s.cluster.nodes,
      seed: s.seed,
      bugs: [...s.bugs],
      traceHash: t.finalHash(),
      events: t.length,
      simulatedMs: this.sim.nowMs,
      steps: this.sim.stepCount,
      violations: this.checker.violations.slice(),
      leaderChanges: this.leaderChangeCount,
      leaders: this.leaders.slice(),
      commitIndexes,
      clientOps: { invoked: t.countOf('invoke'), ok: t.countOf('ok'), fail: t.countOf('fail'), info: t.countOf('info') },
      messages: { sent: t.countOf('sent'), delivered: t.countOf('delivered'), dropped: t.countOf('dropped') },
      stoppedEarly: this.stopped,
      // Present only for scenarios that use them, so every other summary reads exactly as before.
      ...(s.regions !== undefined ? { geo: this.geoSummary() } : {}),
      ...(s.overload !== undefined || s.workload.retry !== undefined
        ? { overload: Object.fromEntries(['rejected:overloaded', 'rejected:queue-full', 'timeout', 'retry', 'retry-budget-exhausted'].map((k) => [k, this.sim.counters.get(k) ?? 0])) }
        : {}),
    };
  }
}

/** Runs a whole scenario and returns its summary. */
export function runScenario(scenario: Scenario, options: RunOptions = {}): RunSummary {
  const run = new Run(scenario, { keepTrace: false, ...options });
  run.runUntil();
  return run.summary();
}
