/**
 * Lesson goals: predicates over a run, written in a lesson as `::: goal NAME key=value ... | text`
 * and checked against the trace up to the moment shown. Pure functions of the trace events (the one
 * stream that feeds the UI, lessons and checkers, DESIGN.md): the worker evaluates them live and the
 * lesson tests headless, with the same result.
 */
import type { TraceEvent } from '../sim/trace';

export type NodeRef = 'leader' | string;

export type GoalSpec =
  /** Some node became leader. */
  | { readonly kind: 'leader-elected' }
  /** After an operator crashed (or power-cut) the node that was leading, another node became leader. */
  | { readonly kind: 'new-leader-after-crash' }
  /** After an operator partition put the node that was leading in a minority group, another node became leader. */
  | { readonly kind: 'new-leader-after-partition' }
  /** At least this many client operations ended this way (info: the outcome is unknown, e.g. a timeout). */
  | { readonly kind: 'client-outcome'; readonly outcome: 'ok' | 'fail' | 'info'; readonly atLeast: number }
  /** Some node reached this term (Raft). Paxos role events carry the raw ballot number (round * 16 + proposer), so compare with that. */
  | { readonly kind: 'term-at-least'; readonly term: number }
  /** An election failed: two or more candidates in one term, and no leader in it. */
  | { readonly kind: 'split-vote' }
  /** Entry `index` is committed (Raft commit events, Paxos chosen slots) on this many nodes. */
  | { readonly kind: 'committed'; readonly index: number; readonly on: 'majority' | 'all' | number }
  /** A safety violation (of this invariant, or any). */
  | { readonly kind: 'violation'; readonly invariant: string | null }
  /** No safety violation so far (useful with time-at-least). */
  | { readonly kind: 'no-violation' }
  /** The operator (the student) did this action; node=leader: to the node leading at that moment. */
  | { readonly kind: 'action'; readonly type: string; readonly node: NodeRef | null }
  /** At least this many client operations completed ok. */
  | { readonly kind: 'ops-ok'; readonly atLeast: number }
  /** Client latency p99 (invoke to ok) below this, over at least minOps operations. */
  | { readonly kind: 'p99-below'; readonly ms: number; readonly minOps: number }
  /** Paxos: some learner learned a value chosen for this slot. */
  | { readonly kind: 'chosen'; readonly slot: number }
  /** The run has reached this virtual time. */
  | { readonly kind: 'time-at-least'; readonly ms: number };

export type GoalKind = GoalSpec['kind'];

export const GOAL_KINDS: readonly GoalKind[] = [
  'leader-elected', 'new-leader-after-crash', 'new-leader-after-partition', 'client-outcome', 'term-at-least', 'split-vote', 'committed', 'violation', 'no-violation', 'action',
  'ops-ok', 'p99-below', 'chosen', 'time-at-least',
];

/** The operator actions a goal or a "show me" may name (the simulator's OperatorAction types). */
export const ACTION_TYPES = [
  'crash', 'restart', 'pause', 'resume', 'partition', 'heal', 'cut-link', 'heal-link', 'drop-message', 'duplicate-message',
  'client-request', 'power-loss', 'slow-node', 'clock-skew', 'network-storm',
] as const;

/** Node-level faults after which a node no longer leads. */
const NODE_DOWN = new Set(['crash', 'power-loss', 'kill', 'pause']);

/**
 * The nodes an operator action is about: its node, or for a partition the nodes cut into a minority
 * group (those that can no longer reach a majority), from the action's trace detail.
 */
export function actionNodes(action: string, detail: string, members: readonly string[]): string[] {
  if (action === 'partition') {
    const groups = detail.split('|').map((g) => g.trim().split(',').filter((x) => x !== ''));
    const listed = new Set(groups.flat());
    // Nodes in no group are with everyone else not listed: together one more group.
    const rest = members.filter((m) => !listed.has(m));
    if (rest.length > 0) groups.push(rest);
    const majority = Math.floor(members.length / 2) + 1;
    return groups.filter((g) => g.length < majority).flat();
  }
  return [detail.split(' ')[0]!];
}

/** Parses "2s", "1500ms", "1.5s", "250" (ms). Null when it is not a duration. */
export function parseDurationMs(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (m === null) return null;
  const n = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  return Number.isFinite(n) && n <= 24 * 3600 * 1000 ? Math.round(n) : null;
}

function wholeArg(args: ReadonlyMap<string, string>, key: string, min: number): number | string {
  const text = args.get(key);
  if (text === undefined) return `needs ${key}=N`;
  if (!/^\d+$/.test(text) || Number(text) < min) return `${key} must be a whole number of at least ${min}, got "${text}"`;
  return Number(text);
}

function durationArg(args: ReadonlyMap<string, string>, key: string): number | string {
  const text = args.get(key);
  if (text === undefined) return `needs ${key}=TIME (e.g. 200ms or 2s)`;
  const ms = parseDurationMs(text);
  return ms === null ? `${key} must be a time like 200ms or 2s, got "${text}"` : ms;
}

/** Builds a goal from its name and key=value arguments; a string is the reason it is invalid. */
export function parseGoal(name: string, args: ReadonlyMap<string, string>): GoalSpec | string {
  const allow = (...keys: string[]): string | null => {
    const bad = [...args.keys()].find((k) => !keys.includes(k));
    return bad === undefined ? null : `goal ${name} takes ${keys.length === 0 ? 'no arguments' : keys.map((k) => `${k}=`).join(', ')}, not ${bad}=`;
  };
  const num = (v: number | string): v is number => typeof v === 'number';
  switch (name) {
    case 'leader-elected':
    case 'new-leader-after-crash':
    case 'new-leader-after-partition':
    case 'split-vote':
    case 'no-violation':
      return allow() ?? { kind: name };
    case 'term-at-least': {
      const term = wholeArg(args, 'term', 1);
      return allow('term') ?? (num(term) ? { kind: name, term } : term);
    }
    case 'committed': {
      const index = wholeArg(args, 'index', 1);
      if (!num(index)) return index;
      const onText = args.get('on') ?? 'majority';
      const on = onText === 'majority' || onText === 'all' ? onText : /^\d+$/.test(onText) && Number(onText) >= 1 ? Number(onText) : null;
      if (on === null) return `on must be majority, all or a number of nodes, got "${onText}"`;
      return allow('index', 'on') ?? { kind: name, index, on };
    }
    case 'violation':
      return allow('invariant') ?? { kind: name, invariant: args.get('invariant') ?? null };
    case 'action': {
      const type = args.get('type');
      if (type === undefined) return 'needs type=ACTION';
      if (!(ACTION_TYPES as readonly string[]).includes(type)) return `type must be one of ${ACTION_TYPES.join(', ')}, got "${type}"`;
      return allow('type', 'node') ?? { kind: name, type, node: args.get('node') ?? null };
    }
    case 'ops-ok': {
      const atLeast = wholeArg(args, 'at-least', 1);
      return allow('at-least') ?? (num(atLeast) ? { kind: name, atLeast } : atLeast);
    }
    case 'client-outcome': {
      const outcome = args.get('outcome');
      if (outcome !== 'ok' && outcome !== 'fail' && outcome !== 'info') return `needs outcome=ok, fail or info, got "${outcome ?? ''}"`;
      const atLeast = args.has('at-least') ? wholeArg(args, 'at-least', 1) : 1;
      return allow('outcome', 'at-least') ?? (num(atLeast) ? { kind: name, outcome, atLeast } : atLeast);
    }
    case 'p99-below': {
      const ms = durationArg(args, 'ms');
      const minOps = args.has('min-ops') ? wholeArg(args, 'min-ops', 1) : 20;
      if (!num(ms)) return ms;
      if (!num(minOps)) return minOps;
      return allow('ms', 'min-ops') ?? { kind: name, ms, minOps };
    }
    case 'chosen': {
      const slot = args.has('slot') ? wholeArg(args, 'slot', 1) : 1;
      return allow('slot') ?? (num(slot) ? { kind: name, slot } : slot);
    }
    case 'time-at-least': {
      const ms = durationArg(args, 'ms');
      return allow('ms') ?? (num(ms) ? { kind: name, ms } : ms);
    }
    default:
      return `unknown goal "${name}" (known: ${GOAL_KINDS.join(', ')})`;
  }
}

export interface GoalContext {
  /** The run's trace events up to the moment shown, in order. */
  readonly events: readonly TraceEvent[];
  readonly members: readonly string[];
  readonly nowMs: number;
}

export interface GoalStatus {
  readonly met: boolean;
  /** Where the run stands on it, in a few words ("2 of 5 nodes have committed entry 3"). */
  readonly progress: string;
}

/**
 * The nodes leading after each event: a node leads from its leader role event until it changes role,
 * crashes, is paused or power-cut. Calls `visit(i, leaders)` after every event.
 */
function trackLeaders(events: readonly TraceEvent[], visit: (i: number, leaders: ReadonlySet<string>) => void): void {
  const leaders = new Set<string>();
  events.forEach((e, i) => {
    if (e.kind === 'role') {
      if (e.role === 'leader') leaders.add(e.node);
      else leaders.delete(e.node);
    } else if ((e.kind === 'fault' || e.kind === 'action') && NODE_DOWN.has(e.kind === 'fault' ? e.fault : e.action)) {
      leaders.delete(e.detail.split(' ')[0]!);
    }
    visit(i, leaders);
  });
}

/** The node leading at the end of these events (the highest term wins if two think they lead), or null. */
export function leaderAtEnd(events: readonly TraceEvent[]): string | null {
  const terms = new Map<string, number>();
  for (const e of events) if (e.kind === 'role' && e.role === 'leader') terms.set(e.node, e.term);
  let best: string | null = null;
  trackLeaders(events, (i, leaders) => {
    if (i !== events.length - 1) return;
    for (const n of leaders) if (best === null || (terms.get(n) ?? 0) > (terms.get(best) ?? 0)) best = n;
  });
  return best;
}

function quorumCount(on: 'majority' | 'all' | number, members: readonly string[]): number {
  if (on === 'all') return members.length;
  if (on === 'majority') return Math.floor(members.length / 2) + 1;
  return on;
}

/** Whether the goal holds for the run so far, and how far along it is. */
export function evaluateGoal(goal: GoalSpec, ctx: GoalContext): GoalStatus {
  const { events } = ctx;
  switch (goal.kind) {
    case 'leader-elected': {
      const e = events.find((x) => x.kind === 'role' && x.role === 'leader');
      return { met: e !== undefined, progress: e === undefined ? 'no leader yet' : `${(e as { node: string }).node} was elected` };
    }
    case 'new-leader-after-crash': {
      let crashed: string | null = null;
      let winner: string | null = null;
      // Who leads, as of each event: a crash action counts when its node was leading just before it.
      const before = new Set<string>();
      for (const e of events) {
        if (e.kind === 'action' && (e.action === 'crash' || e.action === 'power-loss') && before.has(e.detail)) crashed = e.detail;
        if (e.kind === 'role') {
          if (e.role === 'leader') {
            if (crashed !== null && e.node !== crashed && winner === null) winner = e.node;
            before.add(e.node);
          } else before.delete(e.node);
        } else if ((e.kind === 'fault' || e.kind === 'action') && NODE_DOWN.has(e.kind === 'fault' ? e.fault : e.action)) {
          before.delete(e.detail.split(' ')[0]!);
        }
      }
      if (winner !== null) return { met: true, progress: `${crashed} was crashed and ${winner} was elected` };
      return { met: false, progress: crashed === null ? 'the leader has not been crashed yet' : `${crashed} was crashed; no new leader yet` };
    }
    case 'new-leader-after-partition': {
      let cut: string | null = null;
      const leading = new Set<string>();
      for (const e of events) {
        if (e.kind === 'action' && e.action === 'partition') {
          const minority = actionNodes('partition', e.detail, ctx.members).find((n) => leading.has(n));
          if (minority !== undefined) cut = minority;
        }
        if (e.kind === 'role') {
          if (e.role === 'leader') {
            if (cut !== null && e.node !== cut) return { met: true, progress: `${cut} was cut off and ${e.node} was elected` };
            leading.add(e.node);
          } else leading.delete(e.node);
        } else if ((e.kind === 'fault' || e.kind === 'action') && NODE_DOWN.has(e.kind === 'fault' ? e.fault : e.action)) {
          leading.delete(e.detail.split(' ')[0]!);
        }
      }
      return { met: false, progress: cut === null ? 'the leader has not been cut off in a minority yet' : `${cut} was cut off; no new leader yet` };
    }
    case 'client-outcome': {
      const n = events.reduce((k, e) => k + (e.kind === goal.outcome ? 1 : 0), 0);
      return { met: n >= goal.atLeast, progress: `${n} operation${n === 1 ? '' : 's'} ended ${goal.outcome} (need ${goal.atLeast})` };
    }
    case 'term-at-least': {
      let max = 0;
      for (const e of events) if ((e.kind === 'role' || e.kind === 'term') && e.term > max) max = e.term;
      return { met: max >= goal.term, progress: `highest term ${max}` };
    }
    case 'split-vote': {
      const candidates = new Map<number, Set<string>>();
      const won = new Set<number>();
      let latestTerm = 0;
      for (const e of events) {
        if (e.kind !== 'role') continue;
        latestTerm = Math.max(latestTerm, e.term);
        if (e.role === 'candidate') {
          if (!candidates.has(e.term)) candidates.set(e.term, new Set());
          candidates.get(e.term)!.add(e.node);
        } else if (e.role === 'leader') won.add(e.term);
      }
      // A term with two or more candidates and no winner, settled: a later term has begun.
      const split = [...candidates].find(([term, set]) => set.size >= 2 && !won.has(term) && term < latestTerm);
      return { met: split !== undefined, progress: split === undefined ? 'no split vote yet' : `term ${split[0]}: ${[...split[1]].sort().join(' and ')} split the vote` };
    }
    case 'committed': {
      const need = quorumCount(goal.on, ctx.members);
      const have = new Set<string>();
      for (const e of events) {
        if (e.kind === 'commit' && e.commitIndex >= goal.index) have.add(e.node);
        else if (e.kind === 'chosen' && e.slot === goal.index) have.add(e.node);
      }
      return { met: have.size >= need, progress: `${have.size} of ${ctx.members.length} nodes have committed entry ${goal.index} (need ${need})` };
    }
    case 'violation': {
      const v = events.find((e) => e.kind === 'violation' && (goal.invariant === null || e.invariant === goal.invariant));
      return { met: v !== undefined, progress: v === undefined ? 'no violation yet' : `${(v as { invariant: string }).invariant} was violated` };
    }
    case 'no-violation': {
      const v = events.find((e) => e.kind === 'violation');
      return { met: v === undefined, progress: v === undefined ? 'no violation' : `${(v as { invariant: string }).invariant} was violated` };
    }
    case 'action': {
      const leaders = new Set<string>();
      for (const e of events) {
        if (e.kind === 'action' && e.action === goal.type) {
          const nodes = actionNodes(e.action, e.detail, ctx.members);
          const ok = goal.node === null || nodes.some((node) => (goal.node === 'leader' ? leaders.has(node) : node === goal.node));
          if (ok) return { met: true, progress: `you did: ${e.action} ${e.detail}`.trim() };
        }
        if (e.kind === 'role') {
          if (e.role === 'leader') leaders.add(e.node);
          else leaders.delete(e.node);
        } else if ((e.kind === 'fault' || e.kind === 'action') && NODE_DOWN.has(e.kind === 'fault' ? e.fault : e.action)) {
          leaders.delete(e.detail.split(' ')[0]!);
        }
      }
      return { met: false, progress: 'not yet done' };
    }
    case 'ops-ok': {
      const n = events.reduce((k, e) => k + (e.kind === 'ok' ? 1 : 0), 0);
      return { met: n >= goal.atLeast, progress: `${n} operations ok (need ${goal.atLeast})` };
    }
    case 'p99-below': {
      const invoked = new Map<number, number>();
      const latencies: number[] = [];
      for (const e of events) {
        if (e.kind === 'invoke') invoked.set(e.opId, e.atMs);
        else if (e.kind === 'ok' && invoked.has(e.opId)) latencies.push(e.atMs - invoked.get(e.opId)!);
      }
      if (latencies.length < goal.minOps) return { met: false, progress: `${latencies.length} operations ok, need ${goal.minOps} to measure` };
      latencies.sort((a, b) => a - b);
      const p99 = latencies[Math.min(latencies.length, Math.ceil(0.99 * latencies.length)) - 1]!;
      return { met: p99 < goal.ms, progress: `p99 ${p99} ms over ${latencies.length} operations (goal: below ${goal.ms} ms)` };
    }
    case 'chosen': {
      const e = events.find((x) => x.kind === 'chosen' && x.slot === goal.slot);
      return { met: e !== undefined, progress: e === undefined ? `slot ${goal.slot} not chosen yet` : `slot ${goal.slot}: ${(e as { value: string }).value}` };
    }
    case 'time-at-least':
      return { met: ctx.nowMs >= goal.ms, progress: `t = ${ctx.nowMs} ms` };
    default: {
      const never: never = goal;
      throw new Error(`lessons: unknown goal ${JSON.stringify(never)}`);
    }
  }
}
