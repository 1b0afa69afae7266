/**
 * Raft's safety properties (Raft paper, Figure 3), checked after every step of a run.
 *
 * Each invariant is a named check with a one-line explanation a student can read. They are
 * incremental so they can run after every event of a one-hour run: the checker keeps a shadow of
 * every node's log as prefix hashes (h[i] = mix(h[i-1], term_i, digest of entry i)), so "these two
 * logs agree up to index i" is one comparison, and it only looks at what the step changed.
 */
import type { Simulator, StepObserver } from '../sim/simulator';
import type { TraceEvent } from '../sim/trace';
import type { NodeId } from '../sim/types';
import type { RaftView } from '../protocols/raft/node';
import type { LogEntry } from '../protocols/raft/types';

export const RAFT_INVARIANTS = {
  ElectionSafety: 'At most one leader can be elected in a given term.',
  LeaderAppendOnly: 'A leader never overwrites or deletes entries in its log; it only appends.',
  LogMatching: 'If two logs contain an entry with the same index and term, the logs are identical up to that index.',
  LeaderCompleteness: 'If an entry is committed in a term, it is in the log of every leader of every later term.',
  StateMachineSafety: 'If a server has applied an entry at an index, no server ever applies a different entry at that index.',
  CommitIndexMonotonic: "A server's commit index never goes backwards (until it crashes and forgets it).",
} as const;

export type RaftInvariantName = keyof typeof RAFT_INVARIANTS;

export interface Violation {
  invariant: string;
  atMs: number;
  /** Index of the trace event after which the property no longer held. */
  eventIndex: number;
  nodes: NodeId[];
  message: string;
  /** The log index the violation is about (null for ElectionSafety and CommitIndexMonotonic). */
  logIndex: number | null;
}

/** Violations recorded per run; past this the run has said all it usefully can. */
export const VIOLATION_LIMIT = 100;

// ---- entry digests and prefix hashes -------------------------------------------------------------

const digestCache = new WeakMap<LogEntry, number>();

const FNV_PRIME = 0x01000193;

/** FNV-1a over `text`'s characters, then a separator, continuing from `h`. */
function fnv1a(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return Math.imul(h ^ 0x7c, FNV_PRIME);
}

/**
 * A 32-bit digest of what an entry says (its command), independent of where it sits. Computed from
 * the command's fields one after another (no text built for it: this runs for every appended entry).
 */
export function entryDigest(entry: LogEntry): number {
  let d = digestCache.get(entry);
  if (d === undefined) {
    const c = entry.command;
    if (c.kind === 'noop') {
      d = fnv1a(0x811c9dc5, 'noop') >>> 0;
    } else {
      let h = fnv1a(0x811c9dc5, c.client);
      h = Math.imul(h ^ c.opId, FNV_PRIME);
      h = fnv1a(h, c.op);
      h = fnv1a(h, c.key);
      h = fnv1a(h, c.value ?? '');
      d = fnv1a(h, c.expected ?? '') >>> 0;
    }
    digestCache.set(entry, d);
  }
  return d;
}

function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * Shadow of one node's log: terms and two independent 32-bit prefix-hash lanes (index 0 = empty
 * prefix), and the entry objects they were computed from (so a restarted node's shadow is rebuilt
 * only from where its log stops being the same entries, see onRestart). Terms and hashes live in
 * typed arrays: a shadow grows by one entry per append on every node for the whole run, and plain
 * arrays of numbers were copied by the garbage collector as they grew; typed arrays' bytes are not.
 */
class ShadowLog {
  /** Entries 0..size-1 are valid (0 is the empty prefix); past that the arrays are spare capacity. */
  private size = 1;
  terms = new Float64Array(1024);
  hashA = new Uint32Array(1024);
  hashB = new Uint32Array(1024);
  entries: (LogEntry | null)[] = [null];

  constructor() {
    this.hashA[0] = 0x12345678;
    this.hashB[0] = 0x9abcdef0;
  }

  get length(): number {
    return this.size - 1;
  }

  truncateTo(length: number): void {
    if (length === this.length) return; // nearly every append only extends the log
    if (!(length >= 0 && length < this.size)) throw new Error(`invariants: cannot truncate a shadow of ${this.length} entries to ${length}`);
    this.size = length + 1;
    this.entries.length = length + 1;
  }

  /**
   * How many leading entries of `log` are the very entry objects this shadow hashed at the same
   * indexes: for those its hashes hold as they are (the same object has the same term and command).
   */
  sameEntriesPrefix(log: readonly LogEntry[]): number {
    const n = Math.min(this.length, log.length);
    let k = 0;
    while (k < n && this.entries[k + 1] === log[k]) k++;
    return k;
  }

  push(entry: LogEntry): void {
    const i = this.size - 1;
    if (this.size === this.terms.length) this.grow();
    const d = entryDigest(entry);
    this.terms[i + 1] = entry.term;
    this.hashA[i + 1] = mix(mix(this.hashA[i]!, entry.term), d);
    this.hashB[i + 1] = mix(mix(this.hashB[i]! ^ 0x5bd1e995, d), entry.term + 0x27d4eb2f);
    this.entries.push(entry);
    this.size++;
  }

  private grow(): void {
    const capacity = this.terms.length * 2;
    const terms = new Float64Array(capacity);
    terms.set(this.terms);
    this.terms = terms;
    const hashA = new Uint32Array(capacity);
    hashA.set(this.hashA);
    this.hashA = hashA;
    const hashB = new Uint32Array(capacity);
    hashB.set(this.hashB);
    this.hashB = hashB;
  }

  samePrefix(index: number, a: number, b: number): boolean {
    return index < this.size && this.hashA[index] === a && this.hashB[index] === b;
  }
}

/**
 * For each event of a step (by position), if it is an append: the highest index it wrote that no later
 * append of the same node in the step replaces (Infinity when none does).
 */
function appendsKeptUpTo(events: readonly TraceEvent[], kept: number[]): number[] {
  kept.length = 0;
  for (let i = 0; i < events.length; i++) kept.push(Number.POSITIVE_INFINITY);
  // Nearly every step has one append: nothing later in the step can replace it.
  let appends = 0;
  for (let i = 0; i < events.length; i++) if (events[i]!.kind === 'append') appends++;
  if (appends === 1) return kept;
  const earliestLaterStart = new Map<NodeId, number>();
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.kind !== 'append') continue;
    const later = earliestLaterStart.get(e.node);
    kept[i] = later === undefined ? Number.POSITIVE_INFINITY : later - 1;
    earliestLaterStart.set(e.node, Math.min(later ?? Number.POSITIVE_INFINITY, e.index));
  }
  return kept;
}

// ---- the checker -------------------------------------------------------------------------------

export class RaftInvariantChecker implements StepObserver {
  readonly violations: Violation[] = [];
  private readonly reported = new Set<string>();
  private readonly shadows = new Map<NodeId, ShadowLog>();
  private readonly shadowIds: NodeId[] = [];
  private readonly shadowLogs: ShadowLog[] = [];
  private readonly roles = new Map<NodeId, string>();
  private readonly leaderOfTerm = new Map<number, NodeId>();
  private readonly lastCommit = new Map<NodeId, number>();
  /** Within the current step: each node's real log length after its latest append event. */
  private readonly logLengthInStep = new Map<NodeId, number>();
  /** The longest committed prefix seen on any node: its length and per-index hashes. */
  private committed = new ShadowLog();
  /**
   * For committed index i, the term it was committed in (the committing server's term), as a running
   * maximum over 1..i so it never decreases and can be binary-searched. Index 0 is a sentinel.
   */
  private readonly committedInTerm: number[] = [0];
  private sim: Simulator | null = null;
  /** appendsKeptUpTo's result, reused from step to step. */
  private readonly keptBuffer: number[] = [];

  constructor(private readonly onViolation: (v: Violation) => void = () => {}) {}

  afterStep(sim: Simulator, events: readonly TraceEvent[], indexes: readonly number[]): void {
    this.sim = sim;
    if (this.logLengthInStep.size > 0) this.logLengthInStep.clear();
    // Computed on the first append of the step only: most steps have none.
    let keptUpTo: number[] | null = null;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const index = indexes[i]!;
      switch (e.kind) {
        case 'role':
          this.roles.set(e.node, e.role);
          if (e.role === 'leader') this.onLeader(e.node, e.term, e.atMs, index);
          break;
        case 'term':
          // A leader that adopts a new term without stepping down leads in that term too.
          if (this.roles.get(e.node) === 'leader') this.onLeader(e.node, e.term, e.atMs, index);
          break;
        case 'append':
          keptUpTo ??= appendsKeptUpTo(events, this.keptBuffer);
          this.onAppend(e.node, e.index, e.count, keptUpTo[i]!, e.atMs, index);
          break;
        case 'commit':
          this.onCommit(e.node, e.commitIndex, e.atMs, index);
          break;
        case 'fault':
          if (e.fault === 'crash' || e.fault === 'power-loss') this.onCrash(e.detail);
          if (e.fault === 'restart') this.onRestart(e.detail);
          break;
        default:
          break;
      }
    }
  }

  private view(node: NodeId): RaftView | null {
    return this.sim!.view(node) as RaftView | null;
  }

  private shadow(node: NodeId): ShadowLog {
    let s = this.shadows.get(node);
    if (s === undefined) {
      s = new ShadowLog();
      this.setShadow(node, s);
    }
    return s;
  }

  /** Sets a node's shadow, keeping the map and its parallel arrays (for checkLogMatching's loop) in step. */
  private setShadow(node: NodeId, shadow: ShadowLog): void {
    const k = this.shadowIds.indexOf(node);
    if (k < 0) {
      this.shadowIds.push(node);
      this.shadowLogs.push(shadow);
    } else {
      this.shadowLogs[k] = shadow;
    }
    this.shadows.set(node, shadow);
  }

  private violate(
    invariant: RaftInvariantName, key: string, atMs: number, eventIndex: number, nodes: NodeId[], message: string, logIndex: number | null,
  ): void {
    // One report per invariant and situation: a broken property tends to stay broken.
    const id = `${invariant}:${key}`;
    if (this.reported.has(id) || this.violations.length >= VIOLATION_LIMIT) return;
    this.reported.add(id);
    const v: Violation = { invariant, atMs, eventIndex, nodes: [...nodes].sort(), message, logIndex };
    this.violations.push(v);
    this.onViolation(v);
  }

  /** ElectionSafety, and LeaderCompleteness at election time. */
  private onLeader(node: NodeId, term: number, atMs: number, eventIndex: number): void {
    const other = this.leaderOfTerm.get(term);
    if (other !== undefined && other !== node) {
      this.violate('ElectionSafety', `t${term}`, atMs, eventIndex, [other, node], `${other} and ${node} are both leader in term ${term}.`, null);
    } else {
      this.leaderOfTerm.set(term, node);
    }
    this.checkContainsCommitted(node, term, atMs, eventIndex, `became leader of term ${term}`);
  }

  /** How many entries (a prefix) were committed in terms before `term`. */
  private committedBefore(term: number): number {
    let lo = 0; // committedInTerm[lo] < term holds (sentinel 0)
    let hi = this.committed.length + 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.committedInTerm[mid]! < term) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /**
   * LeaderCompleteness for a leader of `leaderTerm`: it must hold every entry committed in an earlier
   * term. Entries committed in its own or later terms need not be there: a candidate paused after
   * winning its votes may take office after a later leader has committed more.
   */
  private checkContainsCommitted(node: NodeId, leaderTerm: number, atMs: number, eventIndex: number, why: string): void {
    const c = this.committedBefore(leaderTerm);
    if (c === 0) return;
    const log = this.shadow(node);
    const has = log.length >= c && log.samePrefix(c, this.committed.hashA[c]!, this.committed.hashB[c]!);
    if (!has) {
      const missing = this.firstDifference(log, this.committed, c);
      this.violate('LeaderCompleteness', `${node}:${missing}`, atMs, eventIndex, [node],
        `${node} ${why} without committed entry ${missing} (entries 1..${c} are committed).`, missing);
    }
  }

  /** First index at which two shadows differ, searching 1..upTo (binary search on prefix hashes). */
  private firstDifference(a: ShadowLog, b: ShadowLog, upTo: number): number {
    let lo = 0; // prefixes agree at lo
    let hi = Math.min(upTo, a.length, b.length); // search space
    if (a.samePrefix(hi, b.hashA[hi]!, b.hashB[hi]!)) return hi + 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (a.samePrefix(mid, b.hashA[mid]!, b.hashB[mid]!)) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  /** LeaderAppendOnly, LogMatching, and StateMachineSafety for overwritten committed entries. */
  /**
   * `keptUpTo`: the highest index of this append that no later append of the same node in the same
   * step replaces. The checker reads entries from the node's log as it is at the end of the step, so
   * only those indexes hold what this append wrote. (One step can carry several edits: a resumed node
   * handles everything it missed while paused in one step.)
   */
  private onAppend(node: NodeId, startIndex: number, count: number, keptUpTo: number, atMs: number, eventIndex: number): void {
    const shadow = this.shadow(node);
    const view = this.view(node);
    if (view === null) return;
    const log = view.state.persistent.log;
    // The node's real log length before this edit (the shadow may lag within a step, see above).
    const lengthBefore = this.logLengthInStep.get(node) ?? shadow.length;
    this.logLengthInStep.set(node, startIndex + count - 1);
    if (startIndex <= lengthBefore) {
      if (this.roles.get(node) === 'leader') {
        this.violate('LeaderAppendOnly', `${node}:${startIndex}`, atMs, eventIndex, [node],
          `Leader ${node} replaced its entries from index ${startIndex} on.`, startIndex);
      }
      // The commit index before this step: commit events follow appends within a step.
      const commitIndex = this.lastCommit.get(node) ?? 0;
      if (startIndex <= commitIndex) {
        this.violate('StateMachineSafety', `${node}:overwrite:${startIndex}`, atMs, eventIndex, [node],
          `${node} overwrote entry ${startIndex}, which it had already committed (commit index ${commitIndex}).`, startIndex);
      }
    }
    shadow.truncateTo(Math.min(shadow.length, startIndex - 1));
    const end = Math.min(startIndex + count - 1, keptUpTo, log.length);
    for (let i = shadow.length + 1; i <= end; i++) shadow.push(log[i - 1]!);
    for (let i = startIndex; i <= shadow.length && i <= end; i++) this.checkLogMatching(node, shadow, i, atMs, eventIndex);
  }

  private checkLogMatching(node: NodeId, shadow: ShadowLog, index: number, atMs: number, eventIndex: number): void {
    const term = shadow.terms[index]!;
    // Indexed over parallel arrays rather than `for...of` the map: this runs for every appended index
    // against every other node, and the map's entry pairs were a visible share of a run's garbage.
    const ids = this.shadowIds;
    const logs = this.shadowLogs;
    for (let k = 0; k < ids.length; k++) {
      const other = ids[k]!;
      const theirs = logs[k]!;
      if (other === node || theirs.length < index || theirs.terms[index] !== term) continue;
      if (!shadow.samePrefix(index, theirs.hashA[index]!, theirs.hashB[index]!)) {
        const differs = this.firstDifference(shadow, theirs, index);
        this.violate('LogMatching', `${[node, other].sort().join(',')}:${index}`, atMs, eventIndex, [node, other],
          `${node} and ${other} both have an entry of term ${term} at index ${index}, but their logs differ at index ${differs}.`, differs);
      }
    }
  }

  /** CommitIndexMonotonic, StateMachineSafety, and LeaderCompleteness for leaders of later terms. */
  private onCommit(node: NodeId, commitIndex: number, atMs: number, eventIndex: number): void {
    const last = this.lastCommit.get(node) ?? 0;
    if (commitIndex < last) {
      this.violate('CommitIndexMonotonic', `${node}:${commitIndex}`, atMs, eventIndex, [node],
        `${node}'s commit index went back from ${last} to ${commitIndex}.`, null);
    }
    this.lastCommit.set(node, Math.max(last, commitIndex));
    const shadow = this.shadow(node);
    const upTo = Math.min(commitIndex, shadow.length);
    const c = this.committed.length;
    const overlap = Math.min(upTo, c);
    if (overlap > 0 && !shadow.samePrefix(overlap, this.committed.hashA[overlap]!, this.committed.hashB[overlap]!)) {
      const differs = this.firstDifference(shadow, this.committed, overlap);
      this.violate('StateMachineSafety', `${node}:${differs}`, atMs, eventIndex, [node],
        `${node} committed a different entry at index ${differs} than another server had committed there.`, differs);
      return;
    }
    if (upTo > c) {
      const view = this.view(node);
      if (view === null) return;
      const log = view.state.persistent.log;
      const committerTerm = view.state.persistent.currentTerm;
      const runningMax = Math.max(this.committedInTerm[c]!, committerTerm);
      for (let i = c + 1; i <= upTo; i++) {
        this.committed.push(log[i - 1]!);
        this.committedInTerm.push(runningMax);
      }
      for (const [other, role] of this.roles) {
        if (role !== 'leader' || other === node) continue;
        const otherView = this.view(other);
        if (otherView !== null && otherView.state.persistent.currentTerm > committerTerm) {
          const otherTerm = otherView.state.persistent.currentTerm;
          this.checkContainsCommitted(other, otherTerm, atMs, eventIndex, `is leader of a later term (${otherTerm})`);
        }
      }
    }
  }

  private onCrash(node: NodeId): void {
    this.roles.set(node, 'crashed');
    this.lastCommit.set(node, 0); // commitIndex is volatile: a restarted server starts from 0
  }

  /**
   * A restarted node's log is whatever its disk kept: rebuild its shadow from it. The disk usually
   * kept the log the node had (a crash) or a prefix of it (a power loss), so the shadow it had is cut
   * where the entries stop being the same objects and extended from there: rehashing the whole log on
   * every restart made an hour-long run quadratic (a restart at minute 60 rehashed 180,000 entries).
   */
  private onRestart(node: NodeId): void {
    this.roles.set(node, 'follower');
    const view = this.view(node);
    const log = view === null ? [] : view.state.persistent.log;
    const shadow = this.shadows.get(node) ?? new ShadowLog();
    shadow.truncateTo(shadow.sameEntriesPrefix(log));
    for (let i = shadow.length; i < log.length; i++) shadow.push(log[i]!);
    this.setShadow(node, shadow);
  }
}
