/**
 * Lessons on a lab session: what a step's directives do to the run (play to a time, play until a
 * goal holds, pause with a question), how its goals are checked against the run as shown, and what
 * "show me" does (the step's solution, applied from where the run stands, then played until the
 * goals hold). The worker calls these for the page; the lesson tests call them headless, so a
 * lesson that passes its test plays out the same way in the browser.
 */
import { evaluateGoal, leaderAtEnd, type GoalContext, type GoalSpec, type GoalStatus } from '../lessons/goals';
import type { Lesson, SolutionAction } from '../lessons/lesson';
import type { TraceEvent } from '../sim/trace';
import type { LabAction } from './lab-protocol';
import type { LabSession } from './lab-session';

/** How far "play until" and "show me" move per check of the goals (virtual ms). */
const GOAL_POLL_MS = 10;

/**
 * The session's trace events decoded once, in order: goals are evaluated over a prefix of them many
 * times a second, and decoding the trace each time would be the cost.
 */
export class EventCache {
  private events: TraceEvent[] = [];
  /** The run the cache holds events of: an action in the past forks a new run, and the cache starts over. */
  private run: LabSession['run'] | null = null;
  constructor(private readonly session: LabSession) {}

  /** The events up to the moment shown (the cursor). */
  upToCursor(): readonly TraceEvent[] {
    if (this.run !== this.session.run) {
      this.run = this.session.run;
      this.events = [];
    }
    const trace = this.session.run.sim.trace;
    for (let i = this.events.length; i < trace.length; i++) this.events.push(trace.at(i));
    const end = this.session.recorder.eventsAfterStep(this.session.cursor.step);
    return end === this.events.length ? this.events : this.events.slice(0, end);
  }
}

export function goalContext(session: LabSession, cache: EventCache): GoalContext {
  return { events: cache.upToCursor(), members: session.members, nowMs: Math.floor(session.cursor.atMs) };
}

export function goalStatuses(goals: readonly GoalSpec[], session: LabSession, cache: EventCache): GoalStatus[] {
  const ctx = goalContext(session, cache);
  return goals.map((g) => evaluateGoal(g, ctx));
}

/**
 * Plays forward until the goal holds or `withinMs` of virtual time have passed (or the run ended).
 * Returns whether it holds.
 */
export function playUntil(session: LabSession, cache: EventCache, goals: readonly GoalSpec[], withinMs: number): boolean {
  const limit = Math.min(session.endMs, session.cursor.atMs + withinMs);
  const holds = (): boolean => goalStatuses(goals, session, cache).every((s) => s.met);
  // Bound: at most withinMs / GOAL_POLL_MS + 1 polls.
  while (!holds()) {
    if (session.cursor.atMs >= limit || session.atEnd()) return false;
    session.advanceTo(Math.min(limit, Math.floor(session.cursor.atMs) + GOAL_POLL_MS));
  }
  return true;
}

/** The node a solution names, resolved against the run as it stands ("leader": the node leading now). */
function resolve(ref: string, events: readonly TraceEvent[]): string | null {
  if (ref !== 'leader') return ref;
  return leaderAtEnd(events);
}

/**
 * The lab actions a solution action stands for, resolved now (null when it names a leader and there
 * is none: the caller plays on until there is one).
 */
export function labActionsFor(action: Exclude<SolutionAction, { type: 'wait' }>, events: readonly TraceEvent[], members: readonly string[]): LabAction[] | null {
  switch (action.type) {
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
    case 'power-loss': {
      const node = resolve(action.node, events);
      return node === null ? null : [{ type: action.type, node }];
    }
    case 'slow-node': {
      const node = resolve(action.node, events);
      return node === null ? null : [{ type: 'slow-node', node, factor: action.factor }];
    }
    case 'clock-skew': {
      const node = resolve(action.node, events);
      return node === null ? null : [{ type: 'clock-skew', node, rate: action.rate }];
    }
    case 'isolate': {
      const node = resolve(action.node, events);
      if (node === null) return null;
      return [{ type: 'partition', groups: [[node], members.filter((m) => m !== node)] }];
    }
    case 'partition': {
      const groups: string[][] = [];
      for (const g of action.groups) {
        const resolved = g.map((r) => resolve(r, events));
        if (resolved.some((r) => r === null)) return null;
        groups.push(resolved as string[]);
      }
      return [{ type: 'partition', groups }];
    }
    case 'heal':
      return [{ type: 'heal' }];
    case 'client-request': {
      const node = action.node === undefined ? undefined : resolve(action.node, events);
      if (node === null) return null;
      return [{
        type: 'client-request', op: action.op, key: action.key, ...(action.value !== undefined ? { value: action.value } : {}),
        ...(action.expected !== undefined ? { expected: action.expected } : {}), ...(node !== undefined ? { node } : {}),
      }];
    }
    default: {
      const never: never = action;
      throw new Error(`lesson: unknown solution action ${JSON.stringify(never)}`);
    }
  }
}

export interface SolveResult {
  readonly met: boolean;
  /** The lab actions applied, in order (the page puts them in the URL like any other action). */
  readonly applied: readonly LabAction[];
}

/**
 * "Show me": applies the step's solution from where the run stands (waiting up to `withinMs` for a
 * leader when an action names one and none leads yet), then plays until every goal holds or
 * `withinMs` has passed.
 */
export function solve(session: LabSession, cache: EventCache, solution: readonly SolutionAction[], goals: readonly GoalSpec[], withinMs: number): SolveResult {
  const applied: LabAction[] = [];
  // The run must stand at its frontier for actions to extend it rather than fork the past.
  session.advanceTo(session.frontierMs);
  for (const action of solution) {
    if (action.type === 'wait') {
      session.advanceTo(session.cursor.atMs + action.ms);
      continue;
    }
    let actions = labActionsFor(action, cache.upToCursor(), session.members);
    if (actions === null) {
      playUntil(session, cache, [{ kind: 'leader-elected' }], withinMs);
      // Bounded: one wait for a leader, then give up on this action.
      const deadline = session.cursor.atMs + withinMs;
      while ((actions = labActionsFor(action, cache.upToCursor(), session.members)) === null && session.cursor.atMs < deadline && !session.atEnd()) {
        session.advanceTo(Math.floor(session.cursor.atMs) + GOAL_POLL_MS);
      }
      if (actions === null) return { met: false, applied };
    }
    for (const a of actions) {
      session.act(a);
      applied.push(a);
    }
  }
  return { met: playUntil(session, cache, goals, withinMs), applied };
}

/** The name a lesson's scenario file is bundled under (the lab loads scenarios by name). */
export function lessonScenarioName(lessonId: string, file: string): string {
  return `lesson-${lessonId}-${file.replace(/\.json$/, '')}`;
}

export interface PauseRecord {
  readonly step: number;
  readonly question: string;
  readonly atMs: number;
  readonly traceHash: string;
}

export interface HeadlessResult {
  readonly pauses: readonly PauseRecord[];
  /** Per step: whether its goals held after its directives alone, and after "show me". */
  readonly steps: ReadonlyArray<{ readonly title: string; readonly metBeforeSolution: boolean; readonly metAfterSolution: boolean; readonly atMs: number; readonly traceHash: string }>;
}

/**
 * Plays a lesson from start to end as "show me" would for a student who never acts: each step's
 * directives, then its solution where its goals do not hold yet. Deterministic: the lesson tests
 * check every goal is reached and the trace hash at every pause.
 */
export function playLessonHeadless(
  lesson: Lesson,
  makeSession: (scenario: string, seed: number | null) => LabSession,
): HeadlessResult {
  let session = makeSession(lessonScenarioName(lesson.id, lesson.scenario), null);
  let cache = new EventCache(session);
  const pauses: PauseRecord[] = [];
  const steps: Array<HeadlessResult['steps'][number]> = [];
  lesson.steps.forEach((step, index) => {
    for (const d of step.directives) {
      switch (d.kind) {
        case 'load':
          session = makeSession(lessonScenarioName(lesson.id, d.file), d.seed);
          cache = new EventCache(session);
          break;
        case 'reset':
          session = makeSession(session.config.scenario ?? lessonScenarioName(lesson.id, lesson.scenario), session.config.seed);
          cache = new EventCache(session);
          break;
        case 'play-to':
          if (d.ms >= session.cursor.atMs) session.advanceTo(d.ms);
          else session.seek(d.ms);
          break;
        case 'play-until':
          if (!playUntil(session, cache, [d.goal], d.withinMs)) {
            throw new Error(`lessons/${lesson.id}: step ${index + 1} line ${d.line}: "play until" did not reach its goal within ${d.withinMs} ms`);
          }
          break;
        case 'pause':
          pauses.push({ step: index + 1, question: d.question, atMs: Math.floor(session.cursor.atMs), traceHash: session.panels().traceHash });
          break;
        case 'highlight':
          break;
        default: {
          const never: never = d;
          throw new Error(`lesson: unknown directive ${JSON.stringify(never)}`);
        }
      }
    }
    const specs = step.goals.map((g) => g.spec);
    const metBefore = goalStatuses(specs, session, cache).every((s) => s.met);
    let metAfter = metBefore;
    if (!metBefore) metAfter = solve(session, cache, step.solution, specs, step.solutionWithinMs).met;
    steps.push({ title: step.title, metBeforeSolution: metBefore, metAfterSolution: metAfter, atMs: Math.floor(session.cursor.atMs), traceHash: session.panels().traceHash });
  });
  return { pauses, steps };
}
