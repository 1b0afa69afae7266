/**
 * Raft's rules as handler functions: (state, input) -> (state, outputs). No I/O, no time, no
 * randomness: messages to send, disk writes and timer resets are outputs the node host performs.
 * Rules cite Figure 2 and sections 5.1-5.4 and 8 of the Raft paper (Ongaro and Ousterhout, 2014).
 *
 * One deliberate exception to immutability: the log array is appended to and truncated in place, by
 * `editLog` only, because copying a long log on every message would make a one-hour run quadratic.
 * Every such edit is also emitted as a `persist` output, so the disk sees exactly the same change.
 *
 * Bug flags (`config.bugs`) each break one rule on purpose, so tests can show the invariant that
 * protects it failing.
 */
import { copyMap, copySet, peersOf, SessionApplier } from '../common';
import { PeerIndexes } from './peer-indexes';
export { execute } from '../common';
import type { ClientId, ClientMessage, ClientRequest, NodeId } from '../../sim/types';
import type {
  AppendEntries, AppendEntriesResponse, Command, LogEdit, LogEntry, PendingReply, RaftConfig, RaftInput, RaftOutput,
  RaftPersistent, RaftSnapshot, RaftState, RaftVolatile, RaftWrite, RequestVote, RequestVoteResponse, SessionResult, StepResult,
} from './types';

// ---- reading the log ---------------------------------------------------------------------------

export function lastLogIndex(s: RaftState): number {
  return s.persistent.log.length;
}

/** Term of entry `index` (0 for index 0, the empty prefix; undefined past the end). */
export function termAt(s: RaftState, index: number): number | undefined {
  if (index === 0) return 0;
  return s.persistent.log[index - 1]?.term;
}

export function lastLogTerm(s: RaftState): number {
  return termAt(s, lastLogIndex(s)) ?? 0;
}

export function quorumSize(s: RaftState): number {
  return Math.floor(s.members.length / 2) + 1;
}

/** The other members, in membership order. */
function peers(s: RaftState): readonly NodeId[] {
  return peersOf(s.members, s.id);
}

// ---- state construction ------------------------------------------------------------------------

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** Empties the candidate's and leader's bookkeeping: what a follower holds of it. */
function clearBookkeeping(v: Writable<RaftVolatile>): void {
  v.votesGranted = new Set();
  v.votesResponded = new Set();
  v.nextIndex = PeerIndexes.EMPTY;
  v.matchIndex = PeerIndexes.EMPTY;
  v.sentSinceHeartbeat = new Set();
  v.pendingReplies = new Map();
}

function freshVolatile(durableIndex: number): Writable<RaftVolatile> {
  return {
    role: 'follower',
    leaderId: null,
    commitIndex: 0,
    lastApplied: 0,
    durableIndex,
    votesGranted: new Set(),
    votesResponded: new Set(),
    nextIndex: PeerIndexes.EMPTY,
    matchIndex: PeerIndexes.EMPTY,
    sentSinceHeartbeat: new Set(),
    pendingReplies: new Map(),
    kv: new Map(),
    sessions: new Map(),
  };
}

/**
 * A node starting (or restarting) from what its disk holds. Volatile state starts empty, except that
 * the state machine resumes from the snapshot on disk (section 7): it holds committed entries only, so
 * commitIndex and lastApplied start at its last included index rather than 0.
 */
export function initialState(
  id: NodeId, members: readonly NodeId[], durable: RaftPersistent, config: RaftConfig,
  /** The caller hands over `durable.log` (it is already a private copy, as the kernel's cloneDurable makes): no second copy. */
  adoptLog = false,
): RaftState {
  if (!members.includes(id)) throw new Error(`raft: ${id} is not a member`);
  // Bug forget-vote-on-restart: votedFor is treated as volatile, so a restarted node may vote twice
  // in one term (breaks ElectionSafety; Figure 2 lists votedFor as persistent state).
  const votedFor = config.bugs.has('forget-vote-on-restart') ? null : durable.votedFor;
  const snapshot = usableSnapshot(durable);
  const volatile = freshVolatile(durable.log.length);
  if (snapshot !== null) {
    volatile.commitIndex = snapshot.lastIncludedIndex;
    volatile.lastApplied = snapshot.lastIncludedIndex;
    volatile.kv = snapshot.kv;
    volatile.sessions = snapshot.sessions;
  }
  // The handlers append to the log in place (editLog), so it must never be the caller's array unless handed over.
  const log = adoptLog ? durable.log : durable.log.slice();
  return { id, members, persistent: { currentTerm: durable.currentTerm, votedFor, log, snapshot }, volatile };
}

/** Entries applied between two snapshots: bounds what a restarted node re-applies. */
export const SNAPSHOT_INTERVAL_ENTRIES = 1024;

/**
 * The disk's snapshot if the disk's log still holds its last included entry (correct Raft always
 * does: a snapshot holds committed entries, which are never truncated, and is written after them);
 * a bug variant that truncated committed entries leaves a snapshot that no longer matches, and then
 * the node re-applies its log from the start as it would without one.
 */
function usableSnapshot(durable: RaftPersistent): RaftSnapshot | null {
  const snapshot = durable.snapshot ?? null;
  if (snapshot === null) return null;
  const entry = durable.log[snapshot.lastIncludedIndex - 1];
  return entry !== undefined && entry.term === snapshot.lastIncludedTerm ? snapshot : null;
}

/*
 * State is immutable: a handler that changes something makes a copy of the record it changes, sets
 * fields on the copy, and puts it in a copy of the state. The copies are literals of one fixed shape
 * (no spread, no partial objects): spreading was several times slower for V8, and reading a partial
 * object's possibly missing fields, in a different shape at every call site, was a megamorphic load
 * per field (about 8% of a run's instructions).
 */

/** A copy of `s`'s persistent state for the caller to change, then pass to withPersistent. */
function persistentCopy(s: RaftState): Writable<RaftPersistent> {
  const o = s.persistent;
  return { currentTerm: o.currentTerm, votedFor: o.votedFor, log: o.log, snapshot: o.snapshot };
}

function withPersistent(s: RaftState, persistent: RaftPersistent): RaftState {
  return { id: s.id, members: s.members, persistent, volatile: s.volatile };
}

/** A copy of `s`'s volatile state for the caller to change, then pass to withVolatile. */
function volatileCopy(s: RaftState): Writable<RaftVolatile> {
  const o = s.volatile;
  return {
    role: o.role,
    leaderId: o.leaderId,
    commitIndex: o.commitIndex,
    lastApplied: o.lastApplied,
    durableIndex: o.durableIndex,
    votesGranted: o.votesGranted,
    votesResponded: o.votesResponded,
    nextIndex: o.nextIndex,
    matchIndex: o.matchIndex,
    sentSinceHeartbeat: o.sentSinceHeartbeat,
    pendingReplies: o.pendingReplies,
    kv: o.kv,
    sessions: o.sessions,
  };
}

function withVolatile(s: RaftState, volatile: RaftVolatile): RaftState {
  return { id: s.id, members: s.members, persistent: s.persistent, volatile };
}

/** `s` with a new commit index (the one volatile change made on nearly every AppendEntries). */
function withCommitIndex(s: RaftState, commitIndex: number): RaftState {
  const v = volatileCopy(s);
  v.commitIndex = commitIndex;
  return withVolatile(s, v);
}

/** `s` with a new term, and no vote cast in it yet (Figure 2: votedFor is per term). */
function withNewTerm(s: RaftState, term: number, votedFor: NodeId | null): RaftState {
  const p = persistentCopy(s);
  p.currentTerm = term;
  p.votedFor = votedFor;
  return withPersistent(s, p);
}

function persistOutput(s: RaftState, logEdit: LogEdit | null): RaftOutput {
  // Every write carries the latest snapshot (a reference; its maps are immutable): a snapshot taken
  // while applying reaches the disk with the node's next write, so taking one costs no disk write of
  // its own and changes no message's timing.
  const write: RaftWrite = { currentTerm: s.persistent.currentTerm, votedFor: s.persistent.votedFor, logEdit, snapshot: s.persistent.snapshot };
  return { type: 'persist', write };
}

/** The one place the log changes: truncate from `truncateFrom` (if set), append `entries`, persist. */
function editLog(s: RaftState, truncateFrom: number | null, entries: readonly LogEntry[], out: RaftOutput[], config: RaftConfig): void {
  const log = s.persistent.log as LogEntry[];
  if (truncateFrom !== null) {
    if (!(truncateFrom >= 1 && truncateFrom <= log.length)) throw new Error(`raft: bad truncation at ${truncateFrom}`);
    // Correct Raft never removes a committed entry (Leader Completeness). A bug variant may, and then
    // it is the StateMachineSafety invariant's job to report it, not this assertion's.
    if (truncateFrom <= s.volatile.commitIndex && config.bugs.size === 0) {
      throw new Error(`raft: ${s.id} would truncate committed entry ${truncateFrom} (commitIndex ${s.volatile.commitIndex})`);
    }
    log.length = truncateFrom - 1;
  }
  const startIndex = log.length + 1;
  for (const e of entries) log.push(e);
  out.push(persistOutput(s, { truncateFrom, startIndex, entries }));
}

/** Applies a completed disk write to durable state (the disk's copy, not the node's). */
export function applyWrite(
  durable: { currentTerm: number; votedFor: NodeId | null; log: LogEntry[]; snapshot: RaftSnapshot | null }, write: RaftWrite,
): void {
  durable.currentTerm = write.currentTerm;
  durable.votedFor = write.votedFor;
  durable.snapshot = write.snapshot;
  const edit = write.logEdit;
  if (edit === null) return;
  if (edit.truncateFrom !== null) durable.log.length = Math.min(durable.log.length, edit.truncateFrom - 1);
  if (edit.startIndex !== durable.log.length + 1) {
    throw new Error(`raft: disk write starts at ${edit.startIndex} but the durable log has ${durable.log.length} entries`);
  }
  for (const e of edit.entries) durable.log.push(e);
}

// ---- role changes, all in one place (etcd's becomeFollower / becomeCandidate / becomeLeader) ----

/** Steps down to follower, adopting `term` if it is newer (Figure 2, "Rules for Servers", all servers). */
export function becomeFollower(s: RaftState, term: number, leaderId: NodeId | null, out: RaftOutput[]): RaftState {
  let next = s;
  if (term > s.persistent.currentTerm) {
    next = withNewTerm(next, term, null);
    out.push(persistOutput(next, null));
  }
  // Clients waiting on this (former) leader get no answer: their entries may still commit under the
  // next leader, so the outcome is unknown and they will time out (recorded as info).
  const v = volatileCopy(next);
  v.role = 'follower';
  v.leaderId = leaderId;
  clearBookkeeping(v);
  return withVolatile(next, v);
}

/** Election timeout: start an election in a new term, voting for ourselves (section 5.2). */
export function startElection(s: RaftState, config: RaftConfig): StepResult {
  const out: RaftOutput[] = [];
  const term = s.persistent.currentTerm + 1;
  let next = withNewTerm(s, term, s.id);
  const v = volatileCopy(next);
  v.role = 'candidate';
  v.leaderId = null;
  v.votesGranted = new Set([s.id]);
  v.votesResponded = new Set([s.id]);
  v.pendingReplies = new Map();
  next = withVolatile(next, v);
  out.push(persistOutput(next, null));
  const request = voteRequest(next);
  for (const p of peers(next)) out.push({ type: 'send', to: p, message: request });
  out.push({ type: 'resetElectionTimer' });
  if (next.volatile.votesGranted.size >= quorumSize(next)) next = becomeLeader(next, config, out);
  return { state: next, outputs: out };
}

function voteRequest(s: RaftState): RequestVote {
  return { type: 'RequestVote', term: s.persistent.currentTerm, candidateId: s.id, lastLogIndex: lastLogIndex(s), lastLogTerm: lastLogTerm(s) };
}

/**
 * "Servers retry RPCs if they do not receive a response in a timely manner" (section 5.1). A candidate
 * asks again every peer that has not granted its vote: a refusal can change only if the peer moved to
 * a newer term (then it refuses for good) or, in the forget-vote-on-restart bug, forgot its vote.
 */
export function resendVoteRequests(s: RaftState): StepResult {
  if (s.volatile.role !== 'candidate') return { state: s, outputs: [] };
  const request = voteRequest(s);
  const out: RaftOutput[] = [];
  for (const p of peers(s)) if (!s.volatile.votesGranted.has(p)) out.push({ type: 'send', to: p, message: request });
  return { state: s, outputs: out };
}

/**
 * Won the election: initialise nextIndex/matchIndex (Figure 2, volatile state on leaders) and append
 * a blank no-op entry of the new term, so entries of earlier terms can commit with it (section 8).
 */
export function becomeLeader(s: RaftState, config: RaftConfig, out: RaftOutput[]): RaftState {
  if (s.volatile.role !== 'candidate') throw new Error(`raft: ${s.id} became leader from ${s.volatile.role}`);
  const nextIndex = PeerIndexes.of(peers(s), () => lastLogIndex(s) + 1);
  const matchIndex = PeerIndexes.of(peers(s), () => 0);
  const v = volatileCopy(s);
  v.role = 'leader';
  v.leaderId = s.id;
  v.nextIndex = nextIndex;
  v.matchIndex = matchIndex;
  v.pendingReplies = new Map();
  v.sentSinceHeartbeat = new Set(peers(s));
  const next = withVolatile(s, v);
  // Bug commit-old-term is Figure 8's leader, which also has no no-op to commit old entries with
  // (the no-op would mask the unsafe commit rule almost every time).
  if (!config.bugs.has('commit-old-term')) {
    editLog(next, null, [{ term: next.persistent.currentTerm, command: { kind: 'noop' } }], out, config);
  }
  for (const p of peers(next)) out.push({ type: 'send', to: p, message: appendEntriesFor(next, p, config) });
  return maybeAdvanceCommit(next, config, out);
}

// ---- messages ----------------------------------------------------------------------------------

/**
 * Any RPC with a newer term makes us adopt it and step down (Figure 2, all servers).
 * Bug no-step-down: a leader adopts the newer term but stays leader, so two leaders share a term.
 */
function observeTerm(s: RaftState, term: number, config: RaftConfig, out: RaftOutput[]): RaftState {
  if (term <= s.persistent.currentTerm) return s;
  if (s.volatile.role === 'leader' && config.bugs.has('no-step-down')) {
    const next = withNewTerm(s, term, null);
    out.push(persistOutput(next, null));
    return next;
  }
  return becomeFollower(s, term, null, out);
}

export function handle(s: RaftState, input: RaftInput, config: RaftConfig): StepResult {
  const out: RaftOutput[] = [];
  let next: RaftState;
  if (input.type === 'client') {
    next = handleClientRequest(s, input.from, input.request, config, out);
  } else {
    const m = input.message;
    next = observeTerm(s, m.term, config, out);
    switch (m.type) {
      case 'RequestVote':
        next = handleRequestVote(next, input.from, m, config, out);
        break;
      case 'RequestVoteResponse':
        next = handleRequestVoteResponse(next, input.from, m, config, out);
        break;
      case 'AppendEntries':
        next = handleAppendEntries(next, input.from, m, config, out);
        break;
      case 'AppendEntriesResponse':
        next = handleAppendEntriesResponse(next, input.from, m, config, out);
        break;
      default: {
        const never: never = m;
        throw new Error(`raft: unknown message ${JSON.stringify(never)}`);
      }
    }
  }
  return { state: next, outputs: out };
}

/** Section 5.4.1: the candidate's log is at least as up-to-date as ours. */
export function candidateLogUpToDate(s: RaftState, m: RequestVote): boolean {
  const myTerm = lastLogTerm(s);
  return m.lastLogTerm > myTerm || (m.lastLogTerm === myTerm && m.lastLogIndex >= lastLogIndex(s));
}

/** RequestVote RPC, receiver implementation (Figure 2). */
function handleRequestVote(s: RaftState, from: NodeId, m: RequestVote, config: RaftConfig, out: RaftOutput[]): RaftState {
  const term = s.persistent.currentTerm;
  let granted = false;
  let next = s;
  if (m.term >= term) {
    const free = s.persistent.votedFor === null || s.persistent.votedFor === m.candidateId;
    // Bug vote-without-log-check: skip the election restriction of section 5.4.1.
    const upToDate = config.bugs.has('vote-without-log-check') || candidateLogUpToDate(s, m);
    if (free && upToDate && s.volatile.role === 'follower') {
      granted = true;
      if (s.persistent.votedFor !== m.candidateId) {
        next = withNewTerm(s, s.persistent.currentTerm, m.candidateId);
        out.push(persistOutput(next, null));
      }
      // Granting a vote resets the election timer (Figure 2, followers).
      out.push({ type: 'resetElectionTimer' });
    }
  }
  const reply: RequestVoteResponse = { type: 'RequestVoteResponse', term: next.persistent.currentTerm, voteGranted: granted };
  out.push({ type: 'send', to: from, message: reply });
  return next;
}

function handleRequestVoteResponse(s: RaftState, from: NodeId, m: RequestVoteResponse, config: RaftConfig, out: RaftOutput[]): RaftState {
  if (s.volatile.role !== 'candidate' || m.term !== s.persistent.currentTerm) return s;
  const responded = copySet(s.volatile.votesResponded);
  responded.add(from);
  const v = volatileCopy(s);
  v.votesResponded = responded;
  if (!m.voteGranted) return withVolatile(s, v);
  const votes = copySet(s.volatile.votesGranted);
  votes.add(from);
  v.votesGranted = votes;
  const next = withVolatile(s, v);
  // Section 5.2: votes from a majority of the servers make a candidate leader.
  return votes.size >= quorumSize(next) ? becomeLeader(next, config, out) : next;
}

/** AppendEntries RPC, receiver implementation (Figure 2, steps 1-5). */
function handleAppendEntries(s: RaftState, from: NodeId, m: AppendEntries, config: RaftConfig, out: RaftOutput[]): RaftState {
  const term = s.persistent.currentTerm;
  // 1. Reply false if term < currentTerm.
  if (m.term < term) {
    out.push({ type: 'send', to: from, message: aeResponse(term, false, lastLogIndex(s)) });
    return s;
  }
  let next = s;
  if (s.volatile.role === 'leader') {
    // Only reachable with no-step-down (two leaders in one term): the buggy leader ignores it.
    out.push({ type: 'send', to: from, message: aeResponse(term, false, lastLogIndex(s)) });
    return s;
  }
  // A current-term AppendEntries comes from the legitimate leader: a candidate steps down (5.2).
  if (s.volatile.role === 'candidate' || s.volatile.leaderId !== m.leaderId) next = becomeFollower(next, m.term, m.leaderId, out);
  out.push({ type: 'resetElectionTimer' });

  // 2. Reply false if the log does not contain an entry at prevLogIndex whose term matches prevLogTerm.
  // Bug skip-prev-log-check: accept whenever the index exists, whatever its term (breaks LogMatching).
  const prevTerm = termAt(next, m.prevLogIndex);
  const prevOk = prevTerm !== undefined && (prevTerm === m.prevLogTerm || config.bugs.has('skip-prev-log-check'));
  if (!prevOk) {
    out.push({ type: 'send', to: from, message: aeResponse(term, false, Math.min(lastLogIndex(next), m.prevLogIndex - 1)) });
    return next;
  }
  // 3-4. Delete a conflicting entry and all that follow it; append entries not already in the log.
  let i = 0;
  while (i < m.entries.length) {
    const index = m.prevLogIndex + 1 + i;
    const existing = termAt(next, index);
    if (existing === undefined) break;
    if (existing !== m.entries[i]!.term) break;
    i++;
  }
  if (i < m.entries.length) {
    const index = m.prevLogIndex + 1 + i;
    const conflict = index <= lastLogIndex(next) ? index : null;
    editLog(next, conflict, m.entries.slice(i), out, config);
  }
  const lastNewIndex = m.prevLogIndex + m.entries.length;
  // 5. If leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new entry).
  if (m.leaderCommit > next.volatile.commitIndex) {
    const commitIndex = Math.min(m.leaderCommit, lastNewIndex);
    if (commitIndex > next.volatile.commitIndex) next = applyCommitted(withCommitIndex(next, commitIndex), out);
  }
  out.push({ type: 'send', to: from, message: aeResponse(term, true, lastNewIndex) });
  return next;
}

function aeResponse(term: number, success: boolean, matchIndex: number): AppendEntriesResponse {
  return { type: 'AppendEntriesResponse', term, success, matchIndex: Math.max(0, matchIndex) };
}

function handleAppendEntriesResponse(s: RaftState, from: NodeId, m: AppendEntriesResponse, config: RaftConfig, out: RaftOutput[]): RaftState {
  if (s.volatile.role !== 'leader' || m.term !== s.persistent.currentTerm) return s; // stale
  if (m.success) {
    // Responses may arrive out of order: never move matchIndex backwards.
    // Clamped to our log: only a buggy second leader of this term could report more.
    const oldMatch = s.volatile.matchIndex.get(from) ?? 0;
    const oldNext = s.volatile.nextIndex.get(from) ?? 1;
    const match = Math.min(lastLogIndex(s), Math.max(oldMatch, m.matchIndex));
    const nextFor = Math.max(oldNext, match + 1);
    let next = s;
    // Copy the maps only when this response moves them (duplicates and stale successes do not).
    if (match !== oldMatch || nextFor !== oldNext) {
      const v = volatileCopy(s);
      v.matchIndex = s.volatile.matchIndex.with(from, match);
      v.nextIndex = s.volatile.nextIndex.with(from, nextFor);
      next = withVolatile(s, v);
    }
    const after = maybeAdvanceCommit(next, config, out);
    // Keep a lagging follower moving without waiting for the next heartbeat, but only on a response
    // that moved it: a duplicated or stale success must not send again, or with duplication on the
    // network every round trip multiplies the AppendEntries in flight (flow control, as etcd's
    // Progress only sends on an acknowledgement that advances Match).
    if (match !== oldMatch && (after.volatile.nextIndex.get(from) ?? 1) <= lastLogIndex(after)) return sendAppendEntries(after, [from], config, out);
    return after;
  }
  // Figure 2: on a log inconsistency, decrement nextIndex and retry; the follower's hint (its log ends
  // before the probed index) skips ahead. Idempotent, so a duplicated rejection changes nothing, and
  // never below matchIndex + 1 (a rejection older than an acknowledgement is stale).
  const current = s.volatile.nextIndex.get(from) ?? 1;
  if (m.matchIndex < (s.volatile.matchIndex.get(from) ?? 0)) return s; // older than what it acknowledged
  const lowered = Math.max(1, Math.min(current, m.matchIndex + 1));
  if (lowered === current) return s;
  const v = volatileCopy(s);
  v.nextIndex = s.volatile.nextIndex.with(from, lowered);
  return sendAppendEntries(withVolatile(s, v), [from], config, out);
}

/** Sends each of `to` its AppendEntries, and notes that the next heartbeat can skip them. */
function sendAppendEntries(s: RaftState, to: readonly NodeId[], config: RaftConfig, out: RaftOutput[]): RaftState {
  const sent = s.volatile.sentSinceHeartbeat;
  let added: Set<NodeId> | null = null;
  for (let i = 0; i < to.length; i++) {
    const p = to[i]!;
    out.push({ type: 'send', to: p, message: appendEntriesFor(s, p, config) });
    if (!sent.has(p)) (added ??= copySet(sent)).add(p);
  }
  if (added === null) return s;
  const v = volatileCopy(s);
  v.sentSinceHeartbeat = added;
  return withVolatile(s, v);
}

/** The AppendEntries a leader sends `peer`: entries from nextIndex on, at most maxEntriesPerMessage. */
export function appendEntriesFor(s: RaftState, peer: NodeId, config: RaftConfig): AppendEntries {
  const nextIndex = Math.min(s.volatile.nextIndex.get(peer) ?? lastLogIndex(s) + 1, lastLogIndex(s) + 1);
  const prevLogIndex = nextIndex - 1;
  const prevLogTerm = termAt(s, prevLogIndex);
  if (prevLogTerm === undefined) throw new Error(`raft: nextIndex ${nextIndex} for ${peer} is past the end of ${s.id}'s log`);
  const end = Math.min(lastLogIndex(s), prevLogIndex + config.maxEntriesPerMessage);
  return {
    type: 'AppendEntries',
    term: s.persistent.currentTerm,
    leaderId: s.id,
    prevLogIndex,
    prevLogTerm,
    entries: s.persistent.log.slice(prevLogIndex, end),
    leaderCommit: s.volatile.commitIndex,
  };
}

/**
 * Our own disk finished a write that left `durableLength` entries on it. Writes complete in order, and
 * a node only becomes leader after every write of its follower days is durable (its RequestVotes wait
 * for them), so while leader this is exactly the durable prefix of its log.
 */
export function handleDurable(s: RaftState, durableLength: number, config: RaftConfig): StepResult {
  const out: RaftOutput[] = [];
  const v = volatileCopy(s);
  v.durableIndex = durableLength;
  const next = withVolatile(s, v);
  return { state: maybeAdvanceCommit(next, config, out), outputs: out };
}

/**
 * Heartbeat: an AppendEntries, carrying whatever it is missing, to every follower that has not had one
 * since the last heartbeat (section 5.2: heartbeats exist to prevent election timeouts in idle
 * periods; under load the replication traffic already does that, so a gap is at most two intervals).
 */
export function heartbeat(s: RaftState, config: RaftConfig): StepResult {
  if (s.volatile.role !== 'leader') return { state: s, outputs: [] };
  const out: RaftOutput[] = [];
  const others = peers(s);
  for (let i = 0; i < others.length; i++) {
    const p = others[i]!;
    if (!s.volatile.sentSinceHeartbeat.has(p)) out.push({ type: 'send', to: p, message: appendEntriesFor(s, p, config) });
  }
  if (s.volatile.sentSinceHeartbeat.size === 0) return { state: s, outputs: out };
  const v = volatileCopy(s);
  v.sentSinceHeartbeat = new Set();
  return { state: withVolatile(s, v), outputs: out };
}

/**
 * Leader commit rule (Figure 2, leaders; section 5.4.2): commitIndex = the highest N replicated on a
 * majority with log[N].term == currentTerm. Entries of earlier terms commit only indirectly.
 * Bug commit-old-term: count replicas for entries of any term (Figure 8's unsafe commit).
 */
/**
 * The highest index held by a quorum (the leader counting its own durable prefix): the quorum-th
 * largest match. Runs on every AppendEntries response, so it sorts a reused buffer in place, after
 * the cheap check that more than the commit index is held by a quorum at all (usually it is not).
 */
const matchBuffer: number[] = [];
function quorumMatch(s: RaftState): number {
  const q = quorumSize(s);
  const own = Math.min(s.volatile.durableIndex, lastLogIndex(s));
  const commit = s.volatile.commitIndex;
  let above = own > commit ? 1 : 0;
  const others = peers(s);
  const matchIndex = s.volatile.matchIndex;
  for (let i = 0; i < others.length; i++) if ((matchIndex.get(others[i]!) ?? 0) > commit) above++;
  if (above < q) return commit;
  matchBuffer.length = 0;
  matchBuffer.push(own);
  for (let i = 0; i < others.length; i++) matchBuffer.push(matchIndex.get(others[i]!) ?? 0);
  // Insertion sort, descending: a handful of members.
  for (let i = 1; i < matchBuffer.length; i++) {
    const v = matchBuffer[i]!;
    let j = i - 1;
    while (j >= 0 && matchBuffer[j]! < v) {
      matchBuffer[j + 1] = matchBuffer[j]!;
      j--;
    }
    matchBuffer[j + 1] = v;
  }
  return matchBuffer[q - 1]!;
}

function maybeAdvanceCommit(s: RaftState, config: RaftConfig, out: RaftOutput[]): RaftState {
  if (s.volatile.role !== 'leader') return s;
  // The leader counts itself only for what is on its own disk: a one-node cluster must not commit an
  // entry a crash could still erase. (With peers, followers cannot acknowledge an entry before the
  // leader's write is durable anyway: the kernel holds the AppendEntries until then.)
  const replicatedOnQuorum = quorumMatch(s);
  if (replicatedOnQuorum <= s.volatile.commitIndex) return s;
  const anyTerm = config.bugs.has('commit-old-term');
  let n = replicatedOnQuorum;
  while (n > s.volatile.commitIndex) {
    if (anyTerm || termAt(s, n) === s.persistent.currentTerm) break;
    n--;
  }
  if (n <= s.volatile.commitIndex) return s;
  return applyCommitted(withCommitIndex(s, n), out);
}

// ---- clients and the state machine -------------------------------------------------------------

function handleClientRequest(s: RaftState, from: ClientId, req: ClientRequest, config: RaftConfig, out: RaftOutput[]): RaftState {
  if (s.volatile.role !== 'leader') {
    const leaderHint = s.volatile.leaderId === s.id ? null : s.volatile.leaderId;
    const redirect: ClientMessage = { type: 'ClientRedirect', term: 0, opId: req.opId, leaderHint };
    out.push({ type: 'send', to: from, message: redirect });
    return s;
  }
  // A retransmitted request the state machine already executed: answer from the session (section 8).
  const session = s.volatile.sessions.get(from);
  if (session !== undefined && session.opId === req.opId) {
    out.push({ type: 'send', to: from, message: clientReply(session) });
    return s;
  }
  for (const pending of s.volatile.pendingReplies.values()) {
    if (pending.client === from && pending.opId === req.opId) return s; // already in the log
  }
  const command: Command = { kind: 'client', client: from, opId: req.opId, op: req.op, key: req.key, value: req.value, expected: req.expected };
  editLog(s, null, [{ term: s.persistent.currentTerm, command }], out, config);
  const index = lastLogIndex(s);
  const pendingReplies = copyMap(s.volatile.pendingReplies);
  pendingReplies.set(index, { client: from, opId: req.opId });
  const v = volatileCopy(s);
  v.pendingReplies = pendingReplies;
  const next = sendAppendEntries(withVolatile(s, v), peers(s), config, out);
  return maybeAdvanceCommit(next, config, out); // a single-node cluster commits at once
}

function clientReply(r: SessionResult): ClientMessage {
  return { type: 'ClientReply', term: 0, opId: r.opId, ok: r.ok, value: r.value };
}


/**
 * Applies entries lastApplied+1..commitIndex in order (Figure 2, all servers). A client's operation
 * runs once even if it was appended twice (a duplicated request): sessions remember each client's
 * latest result (section 8). The leader answers the clients waiting on applied entries.
 */
function applyCommitted(s: RaftState, out: RaftOutput[]): RaftState {
  const { lastApplied } = s.volatile;
  // Only a bug variant that truncated committed entries can leave commitIndex past the log's end.
  const commitIndex = Math.min(s.volatile.commitIndex, lastLogIndex(s));
  if (commitIndex <= lastApplied) return s;
  const machine = new SessionApplier(s.volatile.kv, s.volatile.sessions);
  let pendingReplies: Map<number, PendingReply> | null = null;
  for (let i = lastApplied + 1; i <= commitIndex; i++) {
    const command = s.persistent.log[i - 1]!.command;
    if (command.kind !== 'client') continue;
    const result = machine.run(command);
    const waiting = s.volatile.pendingReplies.get(i);
    if (waiting !== undefined) {
      pendingReplies ??= copyMap(s.volatile.pendingReplies);
      pendingReplies.delete(i);
      if (result.opId === waiting.opId) out.push({ type: 'send', to: waiting.client, message: clientReply(result) });
    }
  }
  out.push({ type: 'applied', index: commitIndex });
  const v = volatileCopy(s);
  v.lastApplied = commitIndex;
  v.kv = machine.kvNow();
  v.sessions = machine.sessionsNow();
  if (pendingReplies !== null) v.pendingReplies = pendingReplies;
  return maybeSnapshot(withVolatile(s, v));
}

/**
 * Section 7: each server snapshots its own state machine, of committed entries only. Here one is
 * taken every SNAPSHOT_INTERVAL_ENTRIES applied entries, so a restart re-applies at most about that
 * many: without snapshots, every restart re-applied the whole log and an hour-long run became
 * quadratic in its restarts.
 */
function maybeSnapshot(s: RaftState): RaftState {
  const { lastApplied, kv, sessions } = s.volatile;
  const last = s.persistent.snapshot?.lastIncludedIndex ?? 0;
  if (lastApplied - last < SNAPSHOT_INTERVAL_ENTRIES) return s;
  const lastIncludedTerm = termAt(s, lastApplied);
  if (lastIncludedTerm === undefined) throw new Error(`raft: ${s.id} applied ${lastApplied} entries but its log has ${lastLogIndex(s)}`);
  const p = persistentCopy(s);
  p.snapshot = { lastIncludedIndex: lastApplied, lastIncludedTerm, kv, sessions };
  return withPersistent(s, p);
}
