/**
 * A lab session: one run, its record, and a cursor (the moment shown). Everything the lab worker
 * does goes through here, and none of it touches wall time or the DOM, so tests drive it in Node.
 *
 * - The live Run sits at the frontier: the furthest moment computed. Moments before it are shown
 *   from the record (LabRecorder), so scrubbing never re-runs anything.
 * - The cursor is (step, atMs): the cluster after `step` steps, at virtual time `atMs` (fractional
 *   while animating; the state is the one at floor(atMs)). `seek(t)` lands on the last step at or
 *   before t, which is what `faultline run --until t` computes, so the hashes agree.
 * - An operator action is input: it is stamped at the next millisecond and scheduled ahead of every
 *   other timer then (VirtualClock.scheduleFirst), so the same scenario with that action in its list
 *   replays identically. An action at a moment before the frontier forks: the run is rebuilt from
 *   its inputs up to the cursor plus the new action, and the old future is discarded.
 */
import { Run } from '../check/run';
import {
  buildScenarioFrom, CLOCK_RATE_MAX, CLOCK_RATE_MIN, defaultScenario, nodeIds, parseScenario, parseScenarioText, paxosQuorums, SLOW_FACTOR_MAX,
  type BuildOptions, type OperatorAction, type Scenario,
} from '../sim/scenario';
import type { History } from '../check/history';
import { historyFromTrace } from '../check/run-history';
import type { TraceEvent } from '../sim/trace';
import type { GoalSpec } from '../lessons/goals';
import { LabRecorder } from './lab-recorder';
import { LabGeo } from './lab-geo';
import { isRegion, REGION_IDS } from '../sim/regions';
import { EventCache, goalStatuses } from './lesson-driver';
import { formatScenarioJson, parseScenarioFile, scenarioUpTo } from '../export/scenario-file';
import { TRACE_EXPORT_EVENTS_MAX, TRACE_FORMAT, TRACE_FORMAT_VERSION, traceJsonlChunks, type TraceHeader } from '../export/trace-jsonl';
import type { ClusterSnapshot, FaultPeriod, LabAction, LabConfig, LabTimedAction, PanelSnapshot, ProtocolName, RunInfo, TimelineMarker } from './lab-protocol';
import { TELEMETRY_BUCKET_MS } from './lab-protocol';
import { formatGrid } from '../protocols/paxos/quorums';

/** The lab's runs keep a metrics time series (the telemetry panel, lab-telemetry.ts); it never enters the trace. */
const LAB_RUN_OPTIONS = { keepTrace: true, metricsBucketMs: TELEMETRY_BUCKET_MS } as const;

/** How long a lab run may go on when the scenario does not say (one hour of virtual time). */
export const LAB_DEFAULT_END_MS = 3_600_000;
/** Bound on goals checked at once (a lesson step has a few). */
const GOALS_MAX = 20;
/** Bound on operator actions in one session (the URL carries them). */
export const LAB_ACTIONS_MAX = 500;

export class LabInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabInputError';
  }
}

export function defaultLabConfig(): LabConfig {
  return { scenario: null, protocol: null, nodes: null, seed: null, bugs: null, loadOpsPerSec: null, nemesis: null, q1: null, q2: null, actions: [] };
}

function inRange(value: unknown, what: string, min: number, max: number): string | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? null : `${what} must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`;
}

/** Validates an action from the page against the cluster; returns why it is refused, or null. */
export function checkAction(action: LabAction, members: readonly string[]): string | null {
  const member = (id: unknown, what: string): string | null =>
    typeof id === 'string' && members.includes(id) ? null : `${what} must be one of ${members.join(', ')}, got ${JSON.stringify(id)}`;
  switch (action.type) {
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
    case 'power-loss':
      return member(action.node, 'node');
    case 'slow-node':
      return member(action.node, 'node') ?? inRange(action.factor, 'factor', 1, SLOW_FACTOR_MAX);
    case 'clock-skew':
      return member(action.node, 'node') ?? inRange(action.rate, 'rate', CLOCK_RATE_MIN, CLOCK_RATE_MAX);
    case 'network-storm':
      return inRange(action.duplicateProbability, 'duplicateProbability', 0, 1) ?? inRange(action.reorderProbability, 'reorderProbability', 0, 1);
    case 'partition': {
      if (!Array.isArray(action.groups) || action.groups.length < 2) return 'a partition needs at least two groups';
      const seen = new Set<string>();
      for (const g of action.groups) {
        if (!Array.isArray(g) || g.length === 0) return 'every partition group needs at least one node';
        for (const id of g) {
          const bad = member(id, 'partition node');
          if (bad !== null) return bad;
          if (seen.has(id)) return `${id} is in two partition groups`;
          seen.add(id);
        }
      }
      return null;
    }
    case 'heal':
      return null;
    case 'cut-link':
    case 'heal-link':
      if (action.from === action.to) return 'a link joins two different nodes';
      return member(action.from, 'link from') ?? member(action.to, 'link to') ?? (typeof action.oneWay === 'boolean' ? null : 'oneWay must be true or false');
    case 'drop-message':
    case 'duplicate-message':
      return Number.isSafeInteger(action.messageId) && action.messageId > 0 ? null : 'messageId must be a positive whole number';
    case 'client-request': {
      if (action.op !== 'read' && action.op !== 'write' && action.op !== 'cas') return 'op must be read, write or cas';
      if (typeof action.key !== 'string' || !/^[A-Za-z0-9_-]{1,16}$/.test(action.key)) return 'key must be 1-16 letters, digits, _ or -';
      if (action.op !== 'read' && (typeof action.value !== 'string' || action.value.length === 0 || action.value.length > 32)) {
        return `a ${action.op} needs a value of 1-32 characters`;
      }
      // A shrunk fuzz scenario scripts the workload's cas operations as client requests too.
      if (action.op === 'cas' && (typeof action.expected !== 'string' || action.expected.length > 32)) {
        return 'a cas needs the value it expects, of at most 32 characters';
      }
      if (action.node !== undefined) return member(action.node, 'target node');
      return null;
    }
    default: {
      const never: never = action;
      return `unknown action ${JSON.stringify(never)}`;
    }
  }
}

/** The scenario a config describes: the bundled file (or the defaults) with the config's fields laid over it. */
export function scenarioForConfig(config: LabConfig, bundled: ReadonlyMap<string, string>): Scenario {
  let base: Scenario;
  const file = config.scenarioFile ?? null;
  if (file !== null && config.scenario !== null) throw new LabInputError('A run comes from a bundled scenario or from a file, not both.');
  if (file !== null) {
    const parsed = parseScenarioFile(file.name, file.text);
    if (!parsed.ok) throw new LabInputError(parsed.message);
    // The file's end is where it was exported (or where its author stopped): the lab shows that moment
    // and lets the run go on past it. Nothing in a run depends on its end but where it stops, so every
    // moment up to the file's end is the file's run (`faultline run --scenario FILE --until t`).
    base = { ...parsed.scenario, untilMs: Math.max(parsed.scenario.untilMs, LAB_DEFAULT_END_MS) };
  } else if (config.scenario !== null) {
    const text = bundled.get(config.scenario);
    if (text === undefined) {
      throw new LabInputError(`There is no scenario named "${config.scenario}". Known scenarios: ${[...bundled.keys()].join(', ') || 'none'}.`);
    }
    const parsed = parseScenarioText(text);
    if (!parsed.ok) {
      throw new LabInputError(`Scenario "${config.scenario}" is invalid: ${parsed.errors.map((e) => `${e.path || '(top level)'}: ${e.message}`).join('; ')}`);
    }
    base = parsed.scenario;
  } else {
    base = { ...defaultScenario(), untilMs: LAB_DEFAULT_END_MS };
  }
  if (config.actions.length > LAB_ACTIONS_MAX) throw new LabInputError(`At most ${LAB_ACTIONS_MAX} operator actions, got ${config.actions.length}.`);
  const overrides: BuildOptions = {};
  // The CLI's protocol names: `paxos` is single-decree Paxos, `multipaxos` Multi-Paxos (both the
  // scenario protocol "paxos", told apart by paxos.mode), as `faultline run --protocol` reads them.
  if (config.protocol !== null) {
    if (config.protocol === 'paxos' || config.protocol === 'multipaxos') {
      overrides.protocol = 'paxos';
      overrides.paxosMode = config.protocol === 'paxos' ? 'single' : 'multi';
    } else {
      overrides.protocol = config.protocol;
    }
  }
  if (config.q1 !== null) overrides.phase1Quorum = config.q1;
  if (config.q2 !== null) overrides.phase2Quorum = config.q2;
  const grid = config.grid ?? null;
  if (grid !== null) overrides.grid = grid; // and the cluster is rows x columns nodes unless `nodes` is given
  if (config.nodes !== null) overrides.nodes = config.nodes;
  if (config.seed !== null) overrides.seed = config.seed;
  if (config.bugs !== null) overrides.bugs = [...config.bugs];
  if (config.loadOpsPerSec !== null) overrides.loadOpsPerSec = config.loadOpsPerSec;
  if (config.nemesis !== null) overrides.nemesis = [...config.nemesis];
  const members = nodeIds(config.nodes ?? (grid !== null ? grid.rows * grid.columns : base.cluster.nodes));
  config.actions.forEach((a, i) => {
    const bad = checkAction(a, members);
    if (bad !== null) throw new LabInputError(`Action ${i + 1} (${String(a.type)}): ${bad}.`);
    if (!Number.isSafeInteger(a.atMs) || a.atMs < 1 || a.atMs > base.untilMs) {
      throw new LabInputError(`Action ${i + 1} (${a.type}): time must be a whole number of ms from 1 to ${base.untilMs}, got ${JSON.stringify(a.atMs)}.`);
    }
    if (i > 0 && a.atMs < config.actions[i - 1]!.atMs) throw new LabInputError(`Action ${i + 1}: actions must be in time order.`);
  });
  // Regions (CLI --regions) replace the file's placement but keep its RTT overrides and jitter, as the CLI does.
  const placing = config.regions !== undefined && config.regions !== null;
  const baseRegions = base.regions;
  if (placing && baseRegions !== undefined) base = { ...base, regions: undefined } as Scenario;
  try {
    let scenario = buildScenarioFrom(base, overrides);
    if (placing || (config.rtt !== undefined && config.rtt.length > 0)) scenario = placeInRegions(scenario, config, baseRegions);
    if (scenario.protocol === 'raft' && (config.q1 !== null || config.q2 !== null || grid !== null)) {
      throw new LabInputError('Quorum sizes (q1, q2) and grids are for Paxos: Raft always uses majorities. Pick paxos or multipaxos, or leave q1, q2 and grid out.');
    }
    return { ...scenario, actions: [...scenario.actions, ...config.actions.map((a) => ({ ...a }) as OperatorAction)] };
  } catch (err) {
    throw new LabInputError((err as Error).message.replace(/\n/g, '; '));
  }
}

/**
 * The lab's `regions` and `rtt` laid over a built scenario: node i in regions[i mod len], client i
 * likewise (`faultline run --regions`), then the RTT overrides (the file's first, the lab's after).
 */
function placeInRegions(scenario: Scenario, config: LabConfig, baseRegions: Scenario['regions']): Scenario {
  const list = config.regions ?? null;
  if (list !== null) {
    if (list.length === 0) throw new LabInputError('regions: expected a list of regions such as us-east,us-west,eu-west.');
    const unknown = list.filter((r) => !isRegion(r));
    if (unknown.length > 0) {
      throw new LabInputError(`regions: unknown region${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `"${r}"`).join(', ')} (known: ${REGION_IDS.join(', ')}).`);
    }
  }
  const current = list === null ? scenario.regions : undefined;
  if (list === null && current === undefined) throw new LabInputError('rtt: RTT overrides need regions (add regions=..., or pick a scenario with regions).');
  const roundRobin = (n: number): string[] => Array.from({ length: n }, (_, i) => list![i % list!.length]!);
  const rttMs = [...(current ?? baseRegions)?.rttMs ?? [], ...(config.rtt ?? []).map((o) => ({ between: [o.between[0], o.between[1]], ms: o.ms }))];
  const raw = {
    ...scenario,
    regions: {
      nodes: list === null ? current!.nodes : roundRobin(scenario.cluster.nodes),
      clients: list === null ? current!.clients : roundRobin(scenario.workload.clients),
      ...(rttMs.length > 0 ? { rttMs } : {}),
      ...((current ?? baseRegions) !== undefined ? { jitter: (current ?? baseRegions)!.jitter } : {}),
    },
  };
  const parsed = parseScenario(raw);
  if (!parsed.ok) throw new LabInputError(parsed.errors.map((e) => `${e.path || '(top level)'}: ${e.message}`).join('; '));
  return parsed.scenario;
}

/** The protocol as the CLI and the lab name it. */
export function protocolNameOf(scenario: Pick<Scenario, 'protocol' | 'paxos'>): ProtocolName {
  if (scenario.protocol === 'raft') return 'raft';
  return scenario.paxos.mode === 'single' ? 'paxos' : 'multipaxos';
}

/**
 * Flexible Paxos (Howard, Malkhi, Spiegelman 2016): phase-1 and phase-2 quorums must intersect, which
 * thresholds guarantee exactly when |Q1| + |Q2| > N. Null when they do (and for Raft).
 */
export function quorumWarningOf(scenario: Scenario): string | null {
  if (scenario.protocol !== 'paxos') return null;
  const { phase1, phase2, grid } = paxosQuorums(scenario);
  if (grid !== null) return null; // every row meets every column
  const n = scenario.cluster.nodes;
  if (phase1 + phase2 > n) return null;
  return `|Q1| + |Q2| = ${phase1} + ${phase2} <= ${n} nodes: some phase-1 quorum misses some phase-2 quorum, so a new leader ` +
    'can miss a chosen value and two different values can be chosen for one slot. The run goes ahead so you can watch it.';
}

/** The CLI command that computes the same run (without live actions, which only a scenario file can carry). */
export function cliCommandFor(config: LabConfig, scenario: Scenario): string {
  const parts = ['npm run -s faultline -- run'];
  const file = config.scenarioFile ?? null;
  if (config.scenario !== null) parts.push(`--scenario scenarios/${config.scenario}.json`);
  if (file !== null) parts.push(`--scenario ${shellWord(file.name)}`);
  const fromFile = config.scenario !== null || file !== null;
  if (config.protocol !== null || !fromFile) parts.push(`--protocol ${protocolNameOf(scenario)}`);
  if (config.nodes !== null || !fromFile) parts.push(`--nodes ${scenario.cluster.nodes}`);
  if (config.seed !== null || !fromFile) parts.push(`--seed ${scenario.seed}`);
  if (config.loadOpsPerSec !== null) parts.push(`--load ${config.loadOpsPerSec}`);
  if (config.nemesis !== null && config.nemesis.length > 0) parts.push(`--nemesis ${config.nemesis.join(',')}`);
  if (config.bugs !== null) for (const b of config.bugs) parts.push(`--bug ${b}`);
  if (config.q1 !== null) parts.push(`--q1 ${config.q1}`);
  if (config.q2 !== null) parts.push(`--q2 ${config.q2}`);
  if (config.grid !== undefined && config.grid !== null) parts.push(`--grid ${formatGrid(config.grid)}`);
  if (config.regions !== undefined && config.regions !== null) parts.push(`--regions ${config.regions.join(',')}`);
  parts.push('--until <t>ms --json');
  return parts.join(' ');
}

/** A file name as one shell word (quoted when it holds anything but safe characters). */
function shellWord(name: string): string {
  return /^[A-Za-z0-9._/-]+$/.test(name) ? name : `'${name.replace(/'/g, `'\\''`)}'`;
}

/** The run as a scenario file (LabSession.exportScenario). */
export interface ScenarioExport {
  readonly scenario: Scenario;
  readonly text: string;
  /** The file's end: the moment shown, in whole ms. */
  readonly untilMs: number;
  /** Events of the file's run, and their trace hash (what `faultline run --scenario FILE --json` prints). */
  readonly events: number;
  readonly traceHash: string;
}

/** The trace up to the moment shown (LabSession.exportTrace). */
export interface TraceExport {
  readonly header: TraceHeader;
  /** The JSON Lines text in pieces of about 1 MB. */
  readonly chunks: Iterable<string>;
}

export interface Cursor {
  step: number;
  atMs: number;
}

export interface ActResult {
  forked: null | { atMs: number; discardedActions: number };
}

export class LabSession {
  run: Run;
  recorder: LabRecorder;
  scenario: Scenario;
  config: LabConfig;
  readonly bundled: ReadonlyMap<string, string>;
  private cursorStep = 0;
  private cursorMs = 0;
  private goals: GoalSpec[] = [];
  /** The trace decoded once, for goals (lesson-driver.ts). */
  readonly events: EventCache = new EventCache(this);

  constructor(config: LabConfig, bundled: ReadonlyMap<string, string>) {
    this.bundled = bundled;
    this.config = config;
    this.scenario = scenarioForConfig(config, bundled);
    this.run = new Run(this.scenario, LAB_RUN_OPTIONS);
    this.recorder = new LabRecorder(this.run);
    this.recorder.capture();
  }

  get members(): readonly string[] {
    return this.run.sim.members;
  }

  get endMs(): number {
    return this.scenario.untilMs;
  }

  get cursor(): Cursor {
    return { step: this.cursorStep, atMs: this.cursorMs };
  }

  /** The furthest moment computed. */
  get frontierMs(): number {
    return this.run.nowMs;
  }

  get frontierStep(): number {
    return this.recorder.steps - 1;
  }

  /** Set when the live run can go no further (an assertion stopped it). */
  get halted(): string | null {
    return this.run.stoppedReason;
  }

  info(): RunInfo {
    const s = this.scenario;
    return {
      config: this.config,
      protocol: protocolNameOf(s),
      nodes: s.cluster.nodes,
      seed: s.seed,
      bugs: [...s.bugs],
      loadOpsPerSec: s.workload.opsPerSec,
      nemesis: [...s.nemesis.faults],
      phase1Quorum: s.protocol === 'paxos' ? paxosQuorums(s).phase1 : null,
      phase2Quorum: s.protocol === 'paxos' ? paxosQuorums(s).phase2 : null,
      grid: s.protocol === 'paxos' ? paxosQuorums(s).grid : null,
      quorumWarning: quorumWarningOf(s),
      scenarios: [...this.bundled.keys()],
      members: this.members,
      heartbeatMs: s.timing.heartbeatMs,
      electionTimeoutMinMs: s.timing.electionTimeoutMinMs,
      electionTimeoutMaxMs: s.timing.electionTimeoutMaxMs,
      scenarioName: s.name,
      endMs: s.untilMs,
      cliCommand: cliCommandFor(this.config, s),
      geo: this.geoOf().info,
    };
  }

  /** Runs the live simulator one step and records it. False at the end of the run. */
  private liveStep(untilMs: number): boolean {
    const before = this.run.sim.trace.length;
    const progressed = this.run.step(untilMs);
    // A step that threw (an assertion) still recorded a violation event: capture it as a step.
    if (progressed || this.run.sim.trace.length > before) this.recorder.capture();
    return progressed;
  }

  /**
   * Computes the live run up to virtual time `targetMs` (every step at or before it), or until
   * `budget` says stop (checked every 64 steps; the worker passes a wall-clock budget). Returns true
   * when the frontier reached the target.
   */
  extendTo(targetMs: number, budget: () => boolean = () => true): boolean {
    const limit = Math.min(Math.floor(targetMs), this.endMs);
    let n = 0;
    while (this.liveStep(limit)) {
      if (++n % 64 === 0 && !budget()) return false;
    }
    if (this.run.stoppedReason === null && this.run.nowMs < limit) this.run.runUntil(limit);
    return true;
  }

  /** Shows the moment `atMs` (computing up to it first if it is past the frontier). */
  seek(atMs: number, budget?: () => boolean): void {
    const t = Math.max(0, Math.min(atMs, this.endMs));
    if (t > this.frontierMs) this.extendTo(t, budget);
    const shown = Math.min(t, Math.max(this.frontierMs, this.recorder.timeOfStep(this.frontierStep)));
    this.cursorStep = this.recorder.stepAt(Math.floor(shown));
    this.cursorMs = Math.max(shown, this.recorder.timeOfStep(this.cursorStep));
  }

  /** Shows the cluster right after step `step` (computing it if needed). */
  seekStep(step: number): void {
    if (!Number.isInteger(step) || step < 0) throw new LabInputError(`step must be a whole number >= 0, got ${step}`);
    while (this.frontierStep < step && this.liveStep(this.endMs)) {
      /* each live step is bounded by the simulator's step limit */
    }
    this.cursorStep = Math.min(step, this.frontierStep);
    this.cursorMs = this.recorder.timeOfStep(this.cursorStep);
  }

  /** One step forward or back. Returns false when there is none. */
  stepBy(direction: 1 | -1): boolean {
    if (direction === -1) {
      if (this.cursorStep === 0) return false;
      this.seekStep(this.cursorStep - 1);
      return true;
    }
    if (this.cursorStep < this.frontierStep) {
      this.seekStep(this.cursorStep + 1);
      return true;
    }
    if (!this.liveStep(this.endMs)) return false;
    this.seekStep(this.frontierStep);
    return true;
  }

  /** Moves the cursor forward to `atMs` for playback (extending the live run as needed). */
  advanceTo(atMs: number, budget?: () => boolean): void {
    const t = Math.min(atMs, this.endMs);
    if (Math.floor(t) > this.frontierMs) {
      const reached = this.extendTo(t, budget);
      if (!reached) {
        // Out of time this frame: show what has been computed, and catch up next frame.
        this.cursorStep = this.frontierStep;
        this.cursorMs = this.recorder.timeOfStep(this.cursorStep);
        return;
      }
    }
    this.cursorStep = this.recorder.stepAt(Math.floor(t));
    this.cursorMs = Math.max(t, this.recorder.timeOfStep(this.cursorStep));
  }

  atEnd(): boolean {
    return this.cursorMs >= this.endMs || (this.halted !== null && this.cursorStep === this.frontierStep);
  }

  snapshot(): ClusterSnapshot {
    return this.recorder.snapshot(this.cursorStep, this.cursorMs);
  }

  panels(): PanelSnapshot {
    let panels = this.recorder.panels(this.cursorStep, this.cursorMs);
    if (this.scenario.regions !== undefined) panels = { ...panels, geo: this.geoOf().panel(this.recorder.eventsAfterStep(this.cursorStep), panels.nodes) };
    return this.goals.length === 0 ? panels : { ...panels, goals: goalStatuses(this.goals, this, this.events) };
  }

  /** The geo figures of the current run (a fork builds a new Run, and a new LabGeo with it). */
  private geo: LabGeo | null = null;
  private geoOf(): LabGeo {
    if (this.geo === null || this.geo.run !== this.run) this.geo = new LabGeo(this.run);
    return this.geo;
  }

  /** A lesson step's goals, checked with every panels snapshot from now on (empty: none). */
  setGoals(goals: readonly GoalSpec[]): void {
    if (goals.length > GOALS_MAX) throw new LabInputError(`At most ${GOALS_MAX} goals at a time, got ${goals.length}.`);
    this.goals = [...goals];
  }

  /** Whether every goal set holds at the moment shown (true when none is set). */
  goalsMet(): boolean {
    return goalStatuses(this.goals, this, this.events).every((g) => g.met);
  }

  markers(): readonly TimelineMarker[] {
    return this.recorder.markers;
  }

  /**
   * Applies an operator action at the cursor. The action is stamped at the next whole millisecond
   * and the run is stepped until it has taken effect. Before the frontier, this forks.
   */
  act(action: LabAction): ActResult {
    const bad = checkAction(action, this.members);
    if (bad !== null) throw new LabInputError(`Refused ${action.type}: ${bad}.`);
    if (this.config.actions.length >= LAB_ACTIONS_MAX) throw new LabInputError(`At most ${LAB_ACTIONS_MAX} operator actions per run.`);
    const baseMs = Math.floor(this.cursorMs);
    const atMs = baseMs + 1;
    if (atMs > this.endMs) throw new LabInputError('The run has ended; reset or load another scenario to act again.');
    const timed = { ...action, atMs } as LabTimedAction;
    let forked: ActResult['forked'] = null;
    const atFrontier = this.cursorStep === this.frontierStep && baseMs >= this.frontierMs;
    if (atFrontier) {
      this.config = { ...this.config, actions: [...this.config.actions, timed] };
      this.scenario = { ...this.scenario, actions: [...this.scenario.actions, timed as OperatorAction] };
      this.run.scheduleAction(timed as OperatorAction);
    } else {
      const kept = this.config.actions.filter((a) => a.atMs <= baseMs);
      forked = { atMs, discardedActions: this.config.actions.length - kept.length };
      this.rebuild({ ...this.config, actions: [...kept, timed] }, this.cursorStep, baseMs);
    }
    // Finish the current millisecond, then take the step that fires the action (it runs first at atMs).
    this.extendTo(baseMs);
    this.liveStep(atMs);
    this.cursorStep = this.frontierStep;
    this.cursorMs = this.recorder.timeOfStep(this.cursorStep);
    return { forked };
  }

  /** Re-runs the inputs of `config` to exactly `step` steps (and time `atMs`): the fork point. */
  private rebuild(config: LabConfig, step: number, atMs: number): void {
    const scenario = scenarioForConfig(config, this.bundled);
    const run = new Run(scenario, LAB_RUN_OPTIONS);
    const recorder = new LabRecorder(run);
    recorder.capture();
    this.config = config;
    this.scenario = scenario;
    this.run = run;
    this.recorder = recorder;
    while (this.frontierStep < step && this.liveStep(atMs)) {
      /* replays the recorded past; bounded by `step` */
    }
    if (this.frontierStep !== step) throw new Error(`lab: the fork replayed to step ${this.frontierStep}, expected ${step}`);
    this.cursorStep = step;
    this.cursorMs = atMs;
  }

  /**
   * The run as a scenario file that reproduces it through the moment shown: its inputs (seed,
   * protocol, bugs, quorums, regions, the operator actions taken up to then) ending at that whole
   * millisecond. Its trace hash is the lab's at that millisecond (every event of it: a cursor moved
   * step by step may show fewer), computed here so the page can say what the CLI will print.
   */
  exportScenario(): ScenarioExport {
    const scenario = scenarioUpTo(this.scenario, Math.floor(this.cursorMs));
    const untilMs = scenario.untilMs;
    if (untilMs > this.frontierMs) this.extendTo(untilMs);
    const step = this.recorder.stepAt(untilMs);
    return { scenario, text: formatScenarioJson(scenario), untilMs, events: this.recorder.eventsAfterStep(step), traceHash: this.recorder.traceHashAt(step) };
  }

  /**
   * The trace up to the moment shown (exactly the events whose hash the page shows), as JSON Lines
   * after a header that records their count and hash and the scenario that replays them.
   */
  exportTrace(): TraceExport {
    const events = this.recorder.eventsAfterStep(this.cursorStep);
    if (events > TRACE_EXPORT_EVENTS_MAX) {
      throw new LabInputError(`The trace up to this moment has ${events} events; an export holds at most ${TRACE_EXPORT_EVENTS_MAX}. Export an earlier moment, or the scenario file (it replays the whole run).`);
    }
    const info = this.info();
    const atMs = Math.floor(this.cursorMs);
    const header: TraceHeader = {
      format: TRACE_FORMAT,
      version: TRACE_FORMAT_VERSION,
      name: this.scenario.name,
      protocol: info.protocol,
      nodes: info.nodes,
      seed: info.seed,
      atMs,
      events,
      traceHash: this.recorder.traceHashAt(this.cursorStep),
      scenario: scenarioUpTo(this.scenario, atMs),
    };
    return { header, chunks: traceJsonlChunks(header, this.run.sim.trace.slice(0, events)) };
  }

  /**
   * Shows the moment right after the run's first `count` events (computing up to them if needed): the
   * step after which the trace holds exactly that many. False (and the cursor unchanged) when no step
   * ends there, which means this run is not the one that produced them.
   */
  seekEvents(count: number): boolean {
    if (!Number.isSafeInteger(count) || count < 0) throw new LabInputError(`event count must be a whole number >= 0, got ${count}`);
    while (this.run.sim.trace.length < count && this.liveStep(this.endMs)) {
      /* each live step is bounded by the simulator's step limit */
    }
    let lo = 0;
    let hi = this.frontierStep;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.recorder.eventsAfterStep(mid) < count) lo = mid + 1;
      else hi = mid;
    }
    if (this.recorder.eventsAfterStep(lo) !== count) return false;
    this.seekStep(lo);
    return true;
  }

  /** The clients' history up to the moment shown, and the periods when faults were in force. */
  historyNow(): { history: History; faults: FaultPeriod[] } {
    const end = this.recorder.eventsAfterStep(this.cursorStep);
    const events = [...this.run.sim.trace.slice(0, end)];
    return { history: historyFromTrace(events), faults: faultPeriods(events, this.cursorMs) };
  }
}

/**
 * When faults were in force, from the trace's `fault` events: a partition or a cut link until the
 * next heal; a crash until its restart; a pause until its resume. Still open at `endMs`: up to there.
 */
export function faultPeriods(events: Iterable<TraceEvent>, endMs: number): FaultPeriod[] {
  const periods: FaultPeriod[] = [];
  const open = new Map<string, { fromMs: number; label: string }>();
  const close = (key: string, atMs: number): void => {
    const o = open.get(key);
    if (o === undefined) return;
    open.delete(key);
    periods.push({ fromMs: o.fromMs, toMs: atMs, label: o.label });
  };
  for (const e of events) {
    if (e.kind !== 'fault') continue;
    switch (e.fault) {
      case 'partition':
        close('net', e.atMs);
        open.set('net', { fromMs: e.atMs, label: `partition ${e.detail}` });
        break;
      case 'heal':
        close('net', e.atMs);
        for (const key of [...open.keys()]) if (key.startsWith('link:')) close(key, e.atMs);
        break;
      case 'cut-link':
        open.set(`link:${e.detail}`, { fromMs: e.atMs, label: `cut ${e.detail}` });
        break;
      case 'heal-link':
        close(`link:${e.detail}`, e.atMs);
        break;
      case 'crash':
        open.set(`node:${e.detail}`, { fromMs: e.atMs, label: `${e.detail} crashed` });
        break;
      case 'power-loss':
        open.set(`node:${e.detail}`, { fromMs: e.atMs, label: `${e.detail} lost power` });
        break;
      case 'slow-node':
      case 'clock-skew': {
        // Detail "n3 x10": the node and the factor (or rate); 1 ends the period.
        const [node = '', amount = ''] = e.detail.split(' x');
        const key = `${e.fault}:${node}`;
        close(key, e.atMs);
        if (Number(amount) !== 1) open.set(key, { fromMs: e.atMs, label: e.fault === 'slow-node' ? `${node} slow x${amount}` : `${node} clock x${amount}` });
        break;
      }
      case 'network-storm':
        close('storm', e.atMs);
        if (e.detail !== 'dup=0 reorder=0') open.set('storm', { fromMs: e.atMs, label: `network storm ${e.detail}` });
        break;
      case 'restart':
        close(`node:${e.detail}`, e.atMs);
        break;
      case 'pause':
        open.set(`node:${e.detail}`, { fromMs: e.atMs, label: `${e.detail} paused` });
        break;
      case 'resume':
        close(`node:${e.detail}`, e.atMs);
        break;
      default:
        break;
    }
  }
  for (const key of [...open.keys()]) close(key, endMs);
  return periods.sort((a, b) => a.fromMs - b.fromMs);
}
