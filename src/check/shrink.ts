/**
 * Shrinking a violating run into the smallest scenario that still shows the same violation, so a
 * person can watch it happen in the lab: a handful of faults in a second or two of virtual time
 * instead of hundreds of nemesis faults over a minute.
 *
 * 1. The nemesis's faults become explicit operator actions, read from the trace's fault events (the
 *    nemesis is turned off). An action runs ahead of other timers due in the same millisecond, where
 *    the nemesis's tick ran in sequence order, so the converted run can differ: it is checked, and if
 *    it no longer violates, the nemesis is kept and only run length and load are shrunk.
 * 2. Run length: the earliest moment the violation is present (the first violation of the target
 *    invariant, or the shortest non-linearizable prefix of the client history), plus a margin.
 * 3. The actions, by delta debugging (ddmin, Zeller and Hildebrandt, "Simplifying and Isolating
 *    Failure-Inducing Input", 2002).
 * 4. Client load: lower operations per second.
 *
 * The predicate is "still violates the same thing" (the first violated invariant, or linearizability
 * when no invariant broke). Everything is deterministic: a run is a pure function of its scenario, so
 * the same input always shrinks to the same output. Every predicate run counts against a budget.
 */
import type { OperatorAction, Scenario } from '../sim/scenario';
import { LIMITS } from '../sim/scenario';
import type { NodeId, TraceEvent } from '../sim/trace';
import type { Verdict } from './history';
import { checkLinearizability } from './linearizability';
import { Run } from './run';
import { historyFromTrace, RUN_HISTORY_LIMIT } from './run-history';

/** The violation kind of a client history that is not linearizable (invariants go by their names). */
export const NOT_LINEARIZABLE = 'not linearizable';

/** Default linearizability search budget per key: past it the verdict is 'unknown', never a guess. */
export const LIN_MAX_STEPS = 1_000_000;
export const LIN_MAX_CACHE_ENTRIES = 500_000;

// ---- ddmin -------------------------------------------------------------------------------------

export interface DdminResult<T> {
  /** The smallest failure-inducing subset found, in the input's order. */
  items: T[];
  /** Predicate calls made (repeated subsets are answered from a cache and not counted). */
  tests: number;
  /** True when maxTests stopped the search: `items` still satisfies the predicate, but may not be 1-minimal. */
  exhausted: boolean;
}

/** Splits `items` into `n` contiguous chunks of near-equal size (n <= items.length). */
function chunksOf<T>(items: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < n; i++) out.push(items.slice(Math.floor((i * items.length) / n), Math.floor(((i + 1) * items.length) / n)));
  return out;
}

/**
 * Delta debugging: a subset of `items` for which `test` holds, and (unless the budget ran out)
 * 1-minimal: removing any single item makes `test` fail. `test(items)` is assumed to hold. Tests the
 * empty set first, which the paper assumes fails: a violation that needs no input at all shrinks to
 * nothing.
 */
export function ddmin<T>(items: readonly T[], test: (subset: readonly T[]) => boolean, maxTests: number): DdminResult<T> {
  let tests = 0;
  let exhausted = false;
  const cache = new Map<string, boolean>();
  /** true / false, or null when the budget is spent. */
  const holds = (subset: readonly number[]): boolean | null => {
    const key = subset.join(',');
    const known = cache.get(key);
    if (known !== undefined) return known;
    if (tests >= maxTests) {
      exhausted = true;
      return null;
    }
    tests++;
    const r = test(subset.map((i) => items[i]!));
    cache.set(key, r);
    return r;
  };
  const result = (indexes: readonly number[]): DdminResult<T> => ({ items: indexes.map((i) => items[i]!), tests, exhausted });

  let current = items.map((_, i) => i);
  if (current.length === 0) return result(current);
  const empty = holds([]);
  if (empty === null) return result(current);
  if (empty) return result([]);
  let n = 2;
  // Each round either shrinks `current` or doubles n (up to current.length), so the loop ends; the
  // budget ends it sooner. The bound below is a backstop, far above what either allows.
  for (let round = 0; round < 1_000_000 && current.length >= 2; round++) {
    const chunks = chunksOf(current, Math.min(n, current.length));
    let reduced = false;
    for (const chunk of chunks) {
      const r = holds(chunk);
      if (r === null) return result(current);
      if (r) {
        current = chunk;
        n = 2;
        reduced = true;
        break;
      }
    }
    // With two chunks, each complement is the other chunk: already tested.
    if (!reduced && chunks.length > 2) {
      for (let i = 0; i < chunks.length; i++) {
        const complement = chunks.flatMap((c, j) => (j === i ? [] : c));
        const r = holds(complement);
        if (r === null) return result(current);
        if (r) {
          current = complement;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (!reduced) {
      if (chunks.length >= current.length) break; // every single item was removed in turn: 1-minimal
      n = Math.min(current.length, 2 * n);
    }
  }
  return result(current);
}

// ---- fault events to operator actions ----------------------------------------------------------

/** "n1,n2 | n3,n4,n5" (Simulator.partition's detail) -> [["n1","n2"],["n3","n4","n5"]]. */
export function parsePartitionDetail(detail: string): NodeId[][] {
  return detail.split('|').map((g) => g.split(',').map((s) => s.trim()).filter((s) => s !== ''));
}

/** "n1<->n2" or "n1->n2" (describeAction of cut-link / heal-link) -> the link. */
function parseLinkDetail(detail: string): { from: NodeId; to: NodeId; oneWay: boolean } | null {
  const m = /^(\S+?)(<->|->)(\S+)$/.exec(detail.trim());
  return m === null ? null : { from: m[1]!, to: m[3]!, oneWay: m[2] === '->' };
}

/** The operator action with the same effect as a fault event, or an error message. */
export function actionForFault(e: Extract<TraceEvent, { kind: 'fault' }>): OperatorAction | string {
  const atMs = e.atMs;
  switch (e.fault) {
    case 'partition':
      return { atMs, type: 'partition', groups: parsePartitionDetail(e.detail) };
    case 'heal':
      return { atMs, type: 'heal' };
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
    case 'power-loss':
      return { atMs, type: e.fault, node: e.detail };
    case 'slow-node':
    case 'clock-skew': {
      const m = /^(\S+) x(\d+(?:\.\d+)?)$/.exec(e.detail);
      if (m === null) return `unreadable ${e.fault} detail "${e.detail}" at ${atMs} ms`;
      const amount = Number(m[2]);
      return e.fault === 'slow-node' ? { atMs, type: 'slow-node', node: m[1]!, factor: amount } : { atMs, type: 'clock-skew', node: m[1]!, rate: amount };
    }
    case 'network-storm': {
      const m = /^dup=(\d+(?:\.\d+)?) reorder=(\d+(?:\.\d+)?)$/.exec(e.detail);
      if (m === null) return `unreadable ${e.fault} detail "${e.detail}" at ${atMs} ms`;
      return { atMs, type: 'network-storm', duplicateProbability: Number(m[1]), reorderProbability: Number(m[2]) };
    }
    case 'cut-link':
    case 'heal-link': {
      const link = parseLinkDetail(e.detail);
      return link === null ? `unreadable ${e.fault} detail "${e.detail}" at ${atMs} ms` : { atMs, type: e.fault, ...link };
    }
    default:
      return `unknown fault "${e.fault}" at ${atMs} ms`;
  }
}

/**
 * Reads, event by event, the faults that did not come from an operator action (the nemesis's): an
 * action's own effect is recorded right after its `action` event, in the same step (Simulator.act).
 * Feed it every event of a trace, in order.
 */
export class FaultRecorder {
  readonly actions: OperatorAction[] = [];
  /** Faults not caused by an operator action (all of them, even past the list's limit). */
  count = 0;
  /** Why the faults cannot all be turned into actions, if they cannot. */
  problem: string | null = null;
  /** Trace index of the last operator action: its effect, if it had one, is the very next event. */
  private actionIndex = -2;

  constructor(private readonly limit: number = LIMITS.actionsMax) {}

  /** `index`: the event's position in the trace (observers may not see every event, so adjacency is by index). */
  push(e: TraceEvent, index: number): void {
    if (e.kind === 'action') this.actionIndex = index;
    if (e.kind === 'fault' && index !== this.actionIndex + 1) {
      this.count++;
      if (this.problem === null) {
        const action = actionForFault(e);
        if (typeof action === 'string') this.problem = action;
        else if (this.actions.length >= this.limit) this.problem = `more than ${this.limit} faults (a scenario holds at most ${LIMITS.actionsMax} actions)`;
        else this.actions.push(action);
      }
    }
  }
}

/** The nemesis's faults of a trace as operator actions (events in trace order). */
export function faultActionsFromTrace(events: Iterable<TraceEvent>, limit: number = LIMITS.actionsMax): { actions: OperatorAction[]; problem: string | null } {
  const recorder = new FaultRecorder(limit);
  let index = 0;
  for (const e of events) recorder.push(e, index++);
  return { actions: recorder.actions, problem: recorder.problem };
}

// ---- evaluating a scenario ---------------------------------------------------------------------

export interface EvaluateOptions {
  /**
   * The violation that matters: an invariant name (the run stops as soon as it shows, and
   * linearizability is not checked), or NOT_LINEARIZABLE (the run goes to its end and only the
   * history is checked). Default: run to the end and check both.
   */
  target?: string;
  linMaxSteps?: number;
  linMaxCacheEntries?: number;
  /** Keep the client events and the nemesis's faults as actions (for shrinking). Default false. */
  collect?: boolean;
}

export interface Evaluation {
  /** Violated invariants, each once, in order of first violation. */
  invariants: string[];
  /** When each of `invariants` was first violated. */
  firstAtMs: number[];
  /** null when not checked. */
  linearizable: Verdict | null;
  /** Keys whose history is not linearizable, and keys the search gave up on. */
  nonLinearizableKeys: string[];
  unknownKeys: string[];
  /** Faults the nemesis injected (fault events not caused by an operator action). */
  nemesisFaults: number;
  /** With `collect`: the nemesis's faults as actions, and why they could not all be converted. */
  faultActions: OperatorAction[];
  conversionProblem: string | null;
  /** With `collect`: the client events (invoke / ok / fail / info), in trace order. */
  clientEvents: TraceEvent[];
  /** Virtual time reached. */
  endMs: number;
}

const CLIENT_KINDS: ReadonlySet<TraceEvent['kind']> = new Set(['invoke', 'ok', 'fail', 'info']);
/** Bound on client events kept from one run (four per operation at most). */
const CLIENT_EVENTS_LIMIT = 4 * RUN_HISTORY_LIMIT;

function linearizabilityOf(events: readonly TraceEvent[], options: EvaluateOptions): Pick<Evaluation, 'linearizable' | 'nonLinearizableKeys' | 'unknownKeys'> {
  const result = checkLinearizability(historyFromTrace(events), {
    maxSteps: options.linMaxSteps ?? LIN_MAX_STEPS,
    maxCacheEntries: options.linMaxCacheEntries ?? LIN_MAX_CACHE_ENTRIES,
  });
  return {
    linearizable: result.verdict,
    nonLinearizableKeys: result.partitions.filter((p) => p.verdict === false).map((p) => String(p.key)),
    // After a key that is not linearizable the checker leaves the rest unchecked (steps 0): not "unknown".
    unknownKeys: result.verdict === false ? [] : result.partitions.filter((p) => p.verdict === 'unknown').map((p) => String(p.key)),
  };
}

/** Runs a scenario, checking its invariants and (unless an invariant is the target) its client history. */
export function evaluateScenario(scenario: Scenario, options: EvaluateOptions = {}): Evaluation {
  const collect = options.collect === true;
  const target = options.target;
  const stopEarly = target !== undefined && target !== NOT_LINEARIZABLE;
  const needHistory = target === undefined || target === NOT_LINEARIZABLE;
  // Not hashed: a verdict is all a campaign or a shrink keeps of a run.
  const run = new Run(scenario, { keepTrace: false, hashTrace: false });
  const faults = new FaultRecorder();
  const clientEvents: TraceEvent[] = [];
  // Nothing a shrinker needs happens in start() (faults, actions and requests all come from timers),
  // so an observer added now sees every client and fault event.
  run.sim.addObserver({
    messageEvents: collect, // a collected run keeps where each client request was sent
    afterStep: (_sim, events, indexes) => {
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!;
        faults.push(e, indexes[i]!);
        // Collected runs also keep where each client request went (to script the clients: step 5).
        if (((needHistory || collect) && CLIENT_KINDS.has(e.kind)) || (collect && e.kind === 'sent' && e.type === 'ClientRequest')) {
          if (clientEvents.length >= CLIENT_EVENTS_LIMIT) throw new Error(`shrink: more than ${CLIENT_EVENTS_LIMIT} client events`);
          clientEvents.push(e);
        }
      }
    },
  });
  const seen = (): boolean => run.checker.violations.some((v) => v.invariant === target);
  if (stopEarly) {
    // Step by step, so the run ends at the target's first violation (a shorter run, and the same answer).
    while (!seen() && run.step()) {
      /* bounded by the simulator's step limit */
    }
  } else {
    run.runUntil();
  }
  const invariants: string[] = [];
  const firstAtMs: number[] = [];
  for (const v of run.checker.violations) {
    if (invariants.includes(v.invariant)) continue;
    invariants.push(v.invariant);
    firstAtMs.push(v.atMs);
  }
  const lin = needHistory ? linearizabilityOf(clientEvents, options) : { linearizable: null, nonLinearizableKeys: [], unknownKeys: [] };
  return {
    invariants,
    firstAtMs,
    ...lin,
    nemesisFaults: faults.count,
    faultActions: collect ? faults.actions : [],
    conversionProblem: collect ? faults.problem : null,
    clientEvents: collect ? clientEvents : [],
    endMs: run.nowMs,
  };
}

/** The violation kinds of an evaluation: invariant names, then NOT_LINEARIZABLE if the history is not. */
export function violationKinds(e: Evaluation): string[] {
  return e.linearizable === false ? [...e.invariants, NOT_LINEARIZABLE] : [...e.invariants];
}

/**
 * The earliest virtual time at which a history is already not linearizable: the time of the last
 * event of its shortest non-linearizable prefix (linearizability is prefix-closed, Herlihy and Wing
 * 1990, so the prefixes flip from yes to no once: a binary search). null if the whole is not false.
 */
/**
 * The workload clients' invocations (c1, c2, ...) as operator client requests at the same times (from 1 ms:
 * an action at 0 would run before the cluster booted). A cas is recorded as "expected->value".
 */
export function clientRequestsOf(clientEvents: readonly TraceEvent[], untilMs: number): OperatorAction[] {
  const out: Array<Extract<OperatorAction, { type: 'client-request' }>> = [];
  /** Per client, its operation in progress: a client is sequential, so its requests are for that one. */
  const current = new Map<string, Extract<OperatorAction, { type: 'client-request' }>>();
  for (const e of clientEvents) {
    if (e.kind === 'sent') {
      // The node the operation was last sent to (after any redirects) is where it ran, if it ran.
      const action = current.get(e.from);
      if (action !== undefined) action.node = e.to;
      continue;
    }
    if (e.kind === 'ok' || e.kind === 'fail' || e.kind === 'info') {
      current.delete(e.client);
      continue;
    }
    // Operator clients (o1, o2, ...) already are client requests among the scenario's actions.
    if (e.kind !== 'invoke' || e.atMs > untilMs || !e.client.startsWith('c')) continue;
    const atMs = Math.max(1, e.atMs);
    switch (e.op) {
      case 'read':
        out.push({ atMs, type: 'client-request', op: 'read', key: e.key });
        break;
      case 'write':
        out.push({ atMs, type: 'client-request', op: 'write', key: e.key, value: e.value });
        break;
      case 'cas': {
        const arrow = e.value.indexOf('->');
        if (arrow < 0) throw new Error(`shrink: cas invoke without "expected->value": ${e.value}`);
        out.push({ atMs, type: 'client-request', op: 'cas', key: e.key, expected: e.value.slice(0, arrow), value: e.value.slice(arrow + 2) });
        break;
      }
      default:
        throw new Error(`shrink: unknown client operation ${e.op}`);
    }
    current.set(e.client, out[out.length - 1]!);
  }
  return out;
}

export function earliestNonLinearizableMs(clientEvents: readonly TraceEvent[], options: EvaluateOptions = {}): number | null {
  const falseAt = (count: number): boolean => linearizabilityOf(clientEvents.slice(0, count), options).linearizable === false;
  if (!falseAt(clientEvents.length)) return null;
  let lo = 0; // prefix of lo events: not false
  let hi = clientEvents.length; // prefix of hi events: false
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (falseAt(mid)) hi = mid;
    else lo = mid;
  }
  return clientEvents[hi - 1]!.atMs;
}

// ---- shrinking ---------------------------------------------------------------------------------

export interface ShrinkOptions {
  /** Bound on predicate runs (each is one simulation of a candidate scenario). Default 300. */
  maxRuns?: number;
  /** Virtual time kept after the violation first shows. Default 100 ms. */
  marginMs?: number;
  linMaxSteps?: number;
  linMaxCacheEntries?: number;
  /** The violation to keep, if the scenario shows it (default: the first invariant, else NOT_LINEARIZABLE). */
  target?: string;
}

export interface ScenarioSize {
  /** Faults the nemesis injected in the run. */
  faults: number;
  /** Operator actions in the scenario. */
  actions: number;
  untilMs: number;
  opsPerSec: number;
}

export interface ShrinkResult {
  scenario: Scenario;
  /** The violation kept: the first violated invariant, or NOT_LINEARIZABLE. */
  target: string;
  /** True when the nemesis's faults became operator actions (false: the nemesis was kept). */
  converted: boolean;
  original: ScenarioSize;
  shrunk: ScenarioSize;
  /** Simulations spent, the original run included. */
  runs: number;
  /** True when maxRuns stopped the shrinking early (the result still violates; it may shrink further). */
  budgetExhausted: boolean;
  /** What happened, for people: fallbacks, and where the budget ran out. */
  notes: string[];
}

const DEFAULT_MAX_RUNS = 300;
const DEFAULT_MARGIN_MS = 100;
/** Loads tried, lowest first; only those below the current load. */
const LOAD_STEPS_OPS_PER_SEC = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] as const;

function sizeOf(s: Scenario, e: Evaluation): ScenarioSize {
  return { faults: e.nemesisFaults, actions: s.actions.length, untilMs: s.untilMs, opsPerSec: s.workload.opsPerSec };
}

/** The scenario cut short at `untilMs` (actions after the end would never fire, and do not validate). */
function truncated(s: Scenario, untilMs: number): Scenario {
  return { ...s, untilMs, actions: s.actions.filter((a) => a.atMs <= untilMs) };
}

/** Shrinks a scenario that violates something (throws if it does not). Deterministic. */
export function shrinkScenario(input: Scenario, options: ShrinkOptions = {}): ShrinkResult {
  const maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS;
  const marginMs = options.marginMs ?? DEFAULT_MARGIN_MS;
  const lin = { linMaxSteps: options.linMaxSteps, linMaxCacheEntries: options.linMaxCacheEntries };
  const notes: string[] = [];
  let runs = 0;
  let budgetExhausted = false;

  runs++;
  const first = evaluateScenario(input, { ...lin, collect: true });
  const kinds = violationKinds(first);
  if (kinds.length === 0) throw new Error('shrink: the scenario violates nothing');
  if (options.target !== undefined && !kinds.includes(options.target)) {
    throw new Error(`shrink: the scenario does not show ${options.target} (it shows: ${kinds.join(', ')})`);
  }
  // The earliest invariant is the likeliest root cause, and an invariant run can stop as soon as it shows.
  const target = options.target ?? kinds[0]!;
  const original = sizeOf(input, first);

  /** The best scenario so far, with the evaluation that proved it violates the target. */
  let best: { scenario: Scenario; evaluation: Evaluation } = { scenario: input, evaluation: first };
  /** Runs a candidate; true (and `best` updated) if it still violates the target. */
  const tryCandidate = (candidate: Scenario, collect = false): boolean => {
    if (runs >= maxRuns) {
      budgetExhausted = true;
      return false;
    }
    runs++;
    const e = evaluateScenario(candidate, { ...lin, target, collect });
    const holds = target === NOT_LINEARIZABLE ? e.linearizable === false : e.invariants.includes(target);
    if (holds) best = { scenario: candidate, evaluation: e };
    return holds;
  };

  // 1. The nemesis's faults as explicit actions.
  let converted = false;
  if (input.nemesis.faults.length === 0) {
    converted = true; // nothing to convert: the scenario's own actions are all there is
  } else if (first.conversionProblem !== null) {
    notes.push(`kept the nemesis: its faults cannot be written as actions (${first.conversionProblem})`);
  } else {
    // Stable sort: at equal times the scenario's own actions first, as they run before the nemesis's tick.
    const actions = [...input.actions, ...first.faultActions].sort((a, b) => a.atMs - b.atMs);
    const candidate: Scenario = { ...input, nemesis: { ...input.nemesis, faults: [] }, actions };
    converted = tryCandidate(candidate, true);
    if (!converted) {
      notes.push(
        budgetExhausted
          ? 'kept the nemesis: no runs left to check the faults written as actions'
          : 'kept the nemesis: with its faults written as actions the run no longer violates (an action runs before other events of its millisecond, the nemesis in turn), so only run length and load were shrunk',
      );
    }
  }

  /** The client events of the best run (running it once more if its evaluation kept none), or null when out of runs. */
  const bestClientEvents = (): TraceEvent[] | null => {
    if (best.evaluation.clientEvents.length > 0) return best.evaluation.clientEvents;
    // Evaluations without `collect` keep no events: run once more to get them.
    if (runs >= maxRuns) {
      budgetExhausted = true;
      return null;
    }
    runs++;
    return evaluateScenario(best.scenario, { ...lin, collect: true }).clientEvents;
  };

  // 2. Run length: up to the violation, plus a margin.
  const trimLength = (): void => {
    const s = best.scenario;
    let atMs: number | null;
    if (target === NOT_LINEARIZABLE) {
      // The proving evaluation ran to the end; its history's shortest non-linearizable prefix says when.
      const events = bestClientEvents();
      if (events === null) return;
      atMs = earliestNonLinearizableMs(events, lin);
    } else {
      const i = best.evaluation.invariants.indexOf(target);
      atMs = i < 0 ? null : best.evaluation.firstAtMs[i]!;
    }
    if (atMs === null) return;
    const untilMs = Math.max(1, Math.min(s.untilMs, atMs + marginMs));
    if (untilMs < s.untilMs) tryCandidate(truncated(s, untilMs), target === NOT_LINEARIZABLE);
  };
  trimLength();

  // 3. The actions, by delta debugging.
  const minimizeActions = (): void => {
    if (!converted || best.scenario.actions.length === 0) return;
    const base = best.scenario;
    const r = ddmin(base.actions, (subset) => tryCandidate({ ...base, actions: [...subset] }), Math.max(0, maxRuns - runs));
    if (r.exhausted) budgetExhausted = true;
    // Every subset ddmin moves to passed tryCandidate just before, which made it `best`.
    if (r.items.length !== best.scenario.actions.length || r.items.some((a, i) => a !== best.scenario.actions[i])) {
      throw new Error('shrink: ddmin ended on a subset that is not the last one proven to violate');
    }
  };
  minimizeActions();

  // 4. Client load: the lowest that still shows the violation (none at all, for an invariant).
  const loadBefore = best.scenario.workload.opsPerSec;
  const shrinkLoad = (): void => {
    const s = best.scenario;
    for (const opsPerSec of LOAD_STEPS_OPS_PER_SEC) {
      if (opsPerSec >= s.workload.opsPerSec) break;
      if (opsPerSec === 0 && target === NOT_LINEARIZABLE) continue; // no clients, no history
      if (tryCandidate({ ...s, workload: { ...s.workload, opsPerSec } }, target === NOT_LINEARIZABLE)) return;
      if (budgetExhausted) return;
    }
  };
  shrinkLoad();
  // Another load changes every client draw, so the faults may now be needed differently: once more.
  if (best.scenario.workload.opsPerSec !== loadBefore) minimizeActions();
  trimLength();

  // 5. Client operations, one by one: the workload's invocations as explicit client requests (load 0),
  // so delta debugging can drop each operation the violation does not need. Operator requests run on
  // their own clients (o1, o2, ...) and find the leader their own way, so the run may change: the
  // scripted scenario is kept only if it still violates. (An invariant usually needs no clients at
  // all, and step 4 already took the load to 0; this is for histories that are not linearizable.)
  const scriptClients = (): void => {
    const s = best.scenario;
    if (!converted || s.workload.opsPerSec === 0 || budgetExhausted) return;
    const events = bestClientEvents();
    if (events === null) return;
    const requests = clientRequestsOf(events, s.untilMs);
    if (requests.length === 0) return;
    if (requests.length + s.actions.length > LIMITS.actionsMax) {
      notes.push(`kept the client load: its ${requests.length} operations do not fit in a scenario's ${LIMITS.actionsMax} actions`);
      return;
    }
    const actions = [...s.actions, ...requests].sort((a, b) => a.atMs - b.atMs);
    const scripted: Scenario = { ...s, workload: { ...s.workload, opsPerSec: 0 }, actions };
    if (!tryCandidate(scripted, target === NOT_LINEARIZABLE)) {
      if (!budgetExhausted) notes.push('kept the client load: with its operations sent as client requests the run no longer violates');
      return;
    }
    notes.push(`client operations written as ${requests.length} client requests, then shrunk one by one`);
    minimizeActions();
    trimLength();
  };
  scriptClients();

  if (budgetExhausted) notes.push(`stopped at the budget of ${maxRuns} runs: the scenario still violates ${target}, but may shrink further`);
  return {
    scenario: best.scenario,
    target,
    converted,
    original,
    shrunk: sizeOf(best.scenario, best.evaluation),
    runs,
    budgetExhausted,
    notes,
  };
}
