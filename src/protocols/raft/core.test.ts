/**
 * Unit tests of Raft's pure handlers (core.ts) on hand-built states, rule by rule from Figure 2 of
 * the Raft paper (Ongaro and Ousterhout, 2014) and sections 5.2-5.4 and 8. No simulator, no clock:
 * every test builds a RaftState for node n1 of a five-node cluster, feeds one input, and checks the
 * state and the outputs (sends, persists, timer resets) the node host would perform.
 */
import { describe, expect, it } from 'vitest';
import type { ClientId, ClientMessage, ClientRequest, NodeId } from '../../sim/types';
import {
  applyWrite, candidateLogUpToDate, execute, handle, handleDurable, heartbeat, initialState, resendVoteRequests, SNAPSHOT_INTERVAL_ENTRIES, startElection,
} from './core';
import { PeerIndexes } from './peer-indexes';
import type {
  AppendEntries, AppendEntriesResponse, Command, LogEntry, RaftConfig, RaftMessage, RaftOutput, RaftSnapshot, RaftState, RaftWrite,
  RequestVote, RequestVoteResponse, Role, SessionResult, StepResult,
} from './types';

// ---- building states ---------------------------------------------------------------------------

const MEMBERS: readonly NodeId[] = ['n1', 'n2', 'n3', 'n4', 'n5'];
const PEERS: readonly NodeId[] = ['n2', 'n3', 'n4', 'n5'];

function config(...bugs: string[]): RaftConfig {
  return { bugs: new Set(bugs), maxEntriesPerMessage: 64 };
}
const CORRECT = config();

const noop = (term: number): LogEntry => ({ term, command: { kind: 'noop' } });

function clientCommand(client: ClientId, opId: number, op: 'read' | 'write' | 'cas', key: string, value: string | null = null, expected: string | null = null): Extract<Command, { kind: 'client' }> {
  return { kind: 'client', client, opId, op, key, value, expected };
}

const entry = (term: number, command: Command): LogEntry => ({ term, command });

/** A log given as entry terms (no-op entries), or as entries. Always a fresh array: editLog mutates it. */
function makeLog(log: ReadonlyArray<number | LogEntry>): LogEntry[] {
  return log.map((e) => (typeof e === 'number' ? noop(e) : e));
}

interface StateSpec {
  term?: number;
  votedFor?: NodeId | null;
  log?: ReadonlyArray<number | LogEntry>;
  role?: Role;
  leaderId?: NodeId | null;
  commitIndex?: number;
  /** Defaults to commitIndex (what a node that applied everything committed looks like). */
  lastApplied?: number;
  kv?: Record<string, string>;
  sessions?: Record<ClientId, SessionResult>;
  votesGranted?: NodeId[];
  matchIndex?: Partial<Record<NodeId, number>>;
}

/**
 * A state for n1 of n1..n5. A leader gets nextIndex = last index + 1 and matchIndex 0 for every peer
 * (Figure 2, reinitialised after election) unless matchIndex says otherwise; a candidate has voted for
 * itself.
 */
function makeState(spec: StateSpec = {}): RaftState {
  const role = spec.role ?? 'follower';
  const term = spec.term ?? 1;
  const log = makeLog(spec.log ?? []);
  const commitIndex = spec.commitIndex ?? 0;
  const leading = role === 'leader';
  const matchIndex = leading ? PeerIndexes.of(PEERS, (p) => spec.matchIndex?.[p] ?? 0) : PeerIndexes.EMPTY;
  const nextIndex = leading ? PeerIndexes.of(PEERS, (p) => Math.max((spec.matchIndex?.[p] ?? 0) + 1, log.length + 1)) : PeerIndexes.EMPTY;
  const votesGranted = new Set<NodeId>(spec.votesGranted ?? (role === 'candidate' ? ['n1'] : []));
  return {
    id: 'n1',
    members: MEMBERS,
    persistent: {
      currentTerm: term,
      votedFor: spec.votedFor !== undefined ? spec.votedFor : role === 'follower' ? null : 'n1',
      log,
      snapshot: null,
    },
    volatile: {
      role,
      leaderId: spec.leaderId !== undefined ? spec.leaderId : role === 'leader' ? 'n1' : null,
      commitIndex,
      lastApplied: spec.lastApplied ?? commitIndex,
      // Hand-built states have everything on disk already.
      durableIndex: log.length,
      votesGranted,
      votesResponded: new Set(votesGranted),
      nextIndex,
      matchIndex,
      sentSinceHeartbeat: new Set(),
      pendingReplies: new Map(),
      kv: new Map(Object.entries(spec.kv ?? {})),
      sessions: new Map(Object.entries(spec.sessions ?? {})),
    },
  };
}

// ---- inputs and outputs ------------------------------------------------------------------------

const msg = (s: RaftState, from: NodeId, message: RaftMessage, cfg: RaftConfig = CORRECT): StepResult =>
  handle(s, { type: 'message', from, message }, cfg);

const request = (from: ClientId, opId: number, op: 'read' | 'write' | 'cas', key: string, value: string | null = null, expected: string | null = null): ClientRequest =>
  ({ type: 'ClientRequest', term: 0, opId, op, key, value, expected });

/** A client request, then the node's own fsync of whatever it appended (outputs of both, in order). */
const client = (s: RaftState, from: ClientId, req: ClientRequest, cfg: RaftConfig = CORRECT): StepResult => {
  const handled = handle(s, { type: 'client', from, request: req }, cfg);
  const durable = handleDurable(handled.state, handled.state.persistent.log.length, cfg);
  return { state: durable.state, outputs: [...handled.outputs, ...durable.outputs] };
};

const rv = (term: number, candidateId: NodeId, lastLogIndex: number, lastLogTerm: number): RequestVote =>
  ({ type: 'RequestVote', term, candidateId, lastLogIndex, lastLogTerm });

const rvr = (term: number, voteGranted: boolean): RequestVoteResponse => ({ type: 'RequestVoteResponse', term, voteGranted });

const ae = (term: number, prevLogIndex: number, prevLogTerm: number, entries: LogEntry[], leaderCommit: number, leaderId: NodeId = 'n2'): AppendEntries =>
  ({ type: 'AppendEntries', term, leaderId, prevLogIndex, prevLogTerm, entries, leaderCommit });

const aer = (term: number, success: boolean, matchIndex: number): AppendEntriesResponse =>
  ({ type: 'AppendEntriesResponse', term, success, matchIndex });

type Send = Extract<RaftOutput, { type: 'send' }>;
type Persist = Extract<RaftOutput, { type: 'persist' }>;

const sends = (r: StepResult): Send[] => r.outputs.filter((o): o is Send => o.type === 'send');
const persists = (r: StepResult): RaftWrite[] => r.outputs.filter((o): o is Persist => o.type === 'persist').map((o) => o.write);

/** The one message sent to `to` (fails if there is not exactly one). */
function sentTo<T = RaftMessage | ClientMessage>(r: StepResult, to: string): T {
  const found = sends(r).filter((o) => o.to === to);
  expect(found, `messages to ${to}`).toHaveLength(1);
  return found[0]!.message as T;
}

const logTerms = (s: RaftState): number[] => s.persistent.log.map((e) => e.term);

// ---- RequestVote (Figure 2, RequestVote RPC, receiver implementation) ---------------------------

describe('RequestVote', () => {
  it('is refused for a term lower than ours, and the reply carries our term', () => {
    const s = makeState({ term: 3 });
    const r = msg(s, 'n2', rv(2, 'n2', 0, 0));
    expect(sentTo<RequestVoteResponse>(r, 'n2')).toEqual(rvr(3, false));
    expect(r.state.persistent).toEqual({ currentTerm: 3, votedFor: null, log: [], snapshot: null });
    expect(persists(r)).toEqual([]);
    expect(r.outputs.some((o) => o.type === 'resetElectionTimer')).toBe(false);
  });

  it('is granted once per term: a second candidate in the same term is refused', () => {
    const s = makeState({ term: 1, log: [1] });
    const first = msg(s, 'n2', rv(2, 'n2', 1, 1));
    expect(sentTo<RequestVoteResponse>(first, 'n2')).toEqual(rvr(2, true));
    expect(first.state.persistent.currentTerm).toBe(2);
    expect(first.state.persistent.votedFor).toBe('n2');
    // The vote is made durable before the reply (Figure 2: persistent state updated before responding).
    const writes = persists(first);
    expect(writes.at(-1)).toEqual({ currentTerm: 2, votedFor: 'n2', logEdit: null, snapshot: null });
    const persistAt = first.outputs.findIndex((o) => o.type === 'persist' && o.write.votedFor === 'n2');
    const replyAt = first.outputs.findIndex((o) => o.type === 'send');
    expect(persistAt).toBeGreaterThanOrEqual(0);
    expect(persistAt).toBeLessThan(replyAt);
    expect(first.outputs.some((o) => o.type === 'resetElectionTimer')).toBe(true);

    const second = msg(first.state, 'n3', rv(2, 'n3', 1, 1));
    expect(sentTo<RequestVoteResponse>(second, 'n3')).toEqual(rvr(2, false));
    expect(second.state.persistent.votedFor).toBe('n2');
    expect(persists(second)).toEqual([]);

    // The same candidate asking again (a retransmission) gets the same answer, with nothing to persist.
    const again = msg(first.state, 'n2', rv(2, 'n2', 1, 1));
    expect(sentTo<RequestVoteResponse>(again, 'n2')).toEqual(rvr(2, true));
    expect(persists(again)).toEqual([]);
  });

  it('is refused when the candidate\'s last log term is lower, however long its log (section 5.4.1)', () => {
    const s = makeState({ term: 3, log: [1, 2] });
    const r = msg(s, 'n2', rv(4, 'n2', 9, 1));
    expect(sentTo<RequestVoteResponse>(r, 'n2')).toEqual(rvr(4, false));
    // It still adopts the newer term, without a vote.
    expect(r.state.persistent.currentTerm).toBe(4);
    expect(r.state.persistent.votedFor).toBeNull();
    expect(persists(r)).toEqual([{ currentTerm: 4, votedFor: null, logEdit: null, snapshot: null }]);
  });

  it('is refused when the candidate\'s last log term is equal but its log is shorter', () => {
    const s = makeState({ term: 3, log: [1, 2, 2] });
    expect(sentTo<RequestVoteResponse>(msg(s, 'n2', rv(4, 'n2', 2, 2)), 'n2')).toEqual(rvr(4, false));
    // Same last term and the same length is up to date; so is a higher last term with a shorter log.
    expect(sentTo<RequestVoteResponse>(msg(makeState({ term: 3, log: [1, 2, 2] }), 'n2', rv(4, 'n2', 3, 2)), 'n2')).toEqual(rvr(4, true));
    expect(sentTo<RequestVoteResponse>(msg(makeState({ term: 3, log: [1, 2, 2] }), 'n2', rv(4, 'n2', 1, 3)), 'n2')).toEqual(rvr(4, true));
  });

  it('candidateLogUpToDate compares last term first, then length', () => {
    const s = makeState({ log: [1, 2] });
    expect(candidateLogUpToDate(s, rv(5, 'n2', 2, 2))).toBe(true);
    expect(candidateLogUpToDate(s, rv(5, 'n2', 1, 2))).toBe(false);
    expect(candidateLogUpToDate(s, rv(5, 'n2', 1, 3))).toBe(true);
    expect(candidateLogUpToDate(s, rv(5, 'n2', 7, 1))).toBe(false);
    expect(candidateLogUpToDate(makeState(), rv(5, 'n2', 0, 0))).toBe(true);
  });

  it('is granted to a less up-to-date candidate with the vote-without-log-check bug', () => {
    const bug = config('vote-without-log-check');
    expect(sentTo<RequestVoteResponse>(msg(makeState({ term: 3, log: [1, 2] }), 'n2', rv(4, 'n2', 9, 1), bug), 'n2')).toEqual(rvr(4, true));
    expect(sentTo<RequestVoteResponse>(msg(makeState({ term: 3, log: [1, 2, 2] }), 'n2', rv(4, 'n2', 2, 2), bug), 'n2')).toEqual(rvr(4, true));
    // The bug skips only the log check: one vote per term still holds.
    const voted = makeState({ term: 4, votedFor: 'n3', log: [1, 2] });
    expect(sentTo<RequestVoteResponse>(msg(voted, 'n2', rv(4, 'n2', 9, 1), bug), 'n2')).toEqual(rvr(4, false));
  });
});

// ---- terms: any RPC with a newer term (Figure 2, rules for all servers) -------------------------

describe('a newer term', () => {
  it('makes a leader step down to follower, clearing its vote, and persist the new term', () => {
    const s = makeState({ term: 2, role: 'leader', log: [1, 2], commitIndex: 2 });
    const r = msg(s, 'n3', aer(5, false, 0));
    expect(r.state.volatile.role).toBe('follower');
    expect(r.state.volatile.leaderId).toBeNull();
    expect(r.state.persistent.currentTerm).toBe(5);
    expect(r.state.persistent.votedFor).toBeNull();
    expect(persists(r)).toEqual([{ currentTerm: 5, votedFor: null, logEdit: null, snapshot: null }]);
    // Leader-only state is gone; commitIndex is not forgotten.
    expect(r.state.volatile.nextIndex.size).toBe(0);
    expect(r.state.volatile.matchIndex.size).toBe(0);
    expect(r.state.volatile.commitIndex).toBe(2);
  });

  it('in a RequestVote makes a leader step down and then consider the vote as a follower', () => {
    const s = makeState({ term: 2, role: 'leader', log: [1, 2] });
    const r = msg(s, 'n3', rv(3, 'n3', 2, 2));
    expect(r.state.volatile.role).toBe('follower');
    expect(sentTo<RequestVoteResponse>(r, 'n3')).toEqual(rvr(3, true));
    expect(r.state.persistent.votedFor).toBe('n3');
  });

  it('makes a candidate step down too', () => {
    const s = makeState({ term: 2, role: 'candidate' });
    const r = msg(s, 'n4', rvr(3, false));
    expect(r.state.volatile.role).toBe('follower');
    expect(r.state.persistent).toMatchObject({ currentTerm: 3, votedFor: null });
  });

  it('with no-step-down, a leader adopts the new term but stays leader', () => {
    const bug = config('no-step-down');
    const s = makeState({ term: 2, role: 'leader', log: [1, 2] });
    const r = msg(s, 'n3', aer(5, false, 0), bug);
    expect(r.state.volatile.role).toBe('leader');
    expect(r.state.persistent.currentTerm).toBe(5);
    expect(r.state.persistent.votedFor).toBeNull();
    expect(persists(r)).toEqual([{ currentTerm: 5, votedFor: null, logEdit: null, snapshot: null }]);
    // Only followers vote: the buggy leader (vote cleared by the new term) still refuses.
    const vote = msg(r.state, 'n4', rv(5, 'n4', 9, 9), bug);
    expect(sentTo<RequestVoteResponse>(vote, 'n4')).toEqual(rvr(5, false));
    expect(vote.state.persistent.votedFor).toBeNull();
  });
});

// ---- AppendEntries (Figure 2, AppendEntries RPC, receiver implementation) ------------------------

describe('AppendEntries', () => {
  it('1. replies false with our term when the leader\'s term is lower', () => {
    const s = makeState({ term: 3, log: [1, 3] });
    const r = msg(s, 'n2', ae(2, 2, 3, [noop(2)], 2));
    expect(sentTo<AppendEntriesResponse>(r, 'n2')).toMatchObject({ term: 3, success: false });
    expect(logTerms(r.state)).toEqual([1, 3]);
    expect(r.state.volatile.commitIndex).toBe(0);
    expect(r.state.volatile.leaderId).toBeNull();
    // A stale leader does not hold off our election.
    expect(r.outputs.some((o) => o.type === 'resetElectionTimer')).toBe(false);
  });

  it('a valid AppendEntries records the leader and resets the election timer', () => {
    const r = msg(makeState({ term: 2 }), 'n2', ae(2, 0, 0, [], 0));
    expect(r.state.volatile.leaderId).toBe('n2');
    expect(r.outputs.some((o) => o.type === 'resetElectionTimer')).toBe(true);
    expect(sentTo<AppendEntriesResponse>(r, 'n2')).toEqual(aer(2, true, 0));
  });

  it('a candidate that hears from a leader of its own term steps down (section 5.2)', () => {
    const s = makeState({ term: 3, role: 'candidate', log: [1] });
    const r = msg(s, 'n2', ae(3, 1, 1, [noop(3)], 0));
    expect(r.state.volatile.role).toBe('follower');
    expect(r.state.volatile.leaderId).toBe('n2');
    expect(r.state.persistent.currentTerm).toBe(3);
    expect(r.state.persistent.votedFor).toBe('n1'); // its vote for itself in term 3 stands
    expect(logTerms(r.state)).toEqual([1, 3]);
  });

  it('2. replies false when the log has no entry at prevLogIndex', () => {
    const s = makeState({ term: 2, log: [1] });
    const r = msg(s, 'n2', ae(2, 3, 2, [noop(2)], 0));
    const reply = sentTo<AppendEntriesResponse>(r, 'n2');
    expect(reply).toEqual(aer(2, false, 1)); // hint: our last index
    expect(logTerms(r.state)).toEqual([1]);
    expect(persists(r)).toEqual([]);
  });

  it('2. replies false when the entry at prevLogIndex has another term', () => {
    const s = makeState({ term: 3, log: [1, 1] });
    const r = msg(s, 'n2', ae(3, 2, 2, [noop(3)], 0));
    expect(sentTo<AppendEntriesResponse>(r, 'n2')).toEqual(aer(3, false, 1));
    expect(logTerms(r.state)).toEqual([1, 1]);
    expect(persists(r)).toEqual([]);
  });

  it('2. with skip-prev-log-check, accepts despite the prevLogTerm mismatch', () => {
    const s = makeState({ term: 3, log: [1, 1] });
    const r = msg(s, 'n2', ae(3, 2, 2, [noop(3)], 0), config('skip-prev-log-check'));
    expect(sentTo<AppendEntriesResponse>(r, 'n2')).toEqual(aer(3, true, 3));
    expect(logTerms(r.state)).toEqual([1, 1, 3]);
    // Even the bug needs the index to exist.
    const missing = msg(makeState({ term: 3, log: [1] }), 'n2', ae(3, 2, 2, [noop(3)], 0), config('skip-prev-log-check'));
    expect(sentTo<AppendEntriesResponse>(missing, 'n2')).toMatchObject({ success: false });
  });

  it('3. deletes a conflicting entry and all that follow it, then appends', () => {
    const s = makeState({ term: 2, log: [1, 1, 2, 2, 2], commitIndex: 2 });
    const r = msg(s, 'n2', ae(3, 2, 1, [noop(3), noop(3)], 2));
    expect(logTerms(r.state)).toEqual([1, 1, 3, 3]);
    const edits = persists(r).map((w) => w.logEdit).filter((e) => e !== null);
    expect(edits).toEqual([{ truncateFrom: 3, startIndex: 3, entries: [noop(3), noop(3)] }]);
    expect(sentTo<AppendEntriesResponse>(r, 'n2')).toEqual(aer(3, true, 4));
  });

  it('3. a conflict in the middle of the message keeps the matching prefix and truncates from the conflict', () => {
    const s = makeState({ term: 3, log: [1, 2, 2] });
    const r = msg(s, 'n2', ae(3, 1, 1, [noop(2), noop(3), noop(3)], 0));
    expect(logTerms(r.state)).toEqual([1, 2, 3, 3]);
    expect(persists(r).map((w) => w.logEdit)).toEqual([{ truncateFrom: 3, startIndex: 3, entries: [noop(3), noop(3)] }]);
  });

  it('4. entries already present are not appended again, and later entries are NOT truncated (stale or duplicate message)', () => {
    const s = makeState({ term: 2, log: [1, 2, 2, 2], leaderId: 'n2' });
    const r = msg(s, 'n2', ae(2, 1, 1, [noop(2)], 0));
    expect(logTerms(r.state)).toEqual([1, 2, 2, 2]);
    expect(persists(r)).toEqual([]);
    // Success, matching only up to what this message covers.
    expect(sentTo<AppendEntriesResponse>(r, 'n2')).toEqual(aer(2, true, 2));
  });

  it('4. appends only the entries past the end of the log', () => {
    const s = makeState({ term: 2, log: [1, 2], leaderId: 'n2' });
    const r = msg(s, 'n2', ae(2, 1, 1, [noop(2), noop(2), noop(2)], 0));
    expect(logTerms(r.state)).toEqual([1, 2, 2, 2]);
    expect(persists(r).map((w) => w.logEdit)).toEqual([{ truncateFrom: null, startIndex: 3, entries: [noop(2), noop(2)] }]);
  });

  it('5. sets commitIndex = min(leaderCommit, index of last new entry) and applies the entries to the kv', () => {
    const entries = [entry(2, clientCommand('c1', 1, 'write', 'x', '1')), entry(2, clientCommand('c1', 2, 'write', 'y', '2'))];
    // leaderCommit beyond what this message carries: commit only up to the last new entry.
    const far = msg(makeState({ term: 2 }), 'n2', ae(2, 0, 0, entries, 5));
    expect(far.state.volatile.commitIndex).toBe(2);
    expect(far.state.volatile.lastApplied).toBe(2);
    expect(Object.fromEntries(far.state.volatile.kv)).toEqual({ x: '1', y: '2' });
    expect(far.outputs).toContainEqual({ type: 'applied', index: 2 });

    // leaderCommit below: commit up to leaderCommit only.
    const near = msg(makeState({ term: 2 }), 'n2', ae(2, 0, 0, entries, 1));
    expect(near.state.volatile.commitIndex).toBe(1);
    expect(Object.fromEntries(near.state.volatile.kv)).toEqual({ x: '1' });
    expect(near.state.volatile.sessions.get('c1')).toEqual({ opId: 1, ok: true, value: '1' });
  });

  it('5. a heartbeat does not commit entries past prevLogIndex that it did not check', () => {
    // Entry 3 (term 2) may be a stale leader's: leaderCommit 3 must not commit it off a heartbeat at 2.
    const s = makeState({ term: 3, log: [1, 1, 2], leaderId: 'n2' });
    const r = msg(s, 'n2', ae(3, 2, 1, [], 3));
    expect(r.state.volatile.commitIndex).toBe(2);
  });

  it('5. never moves commitIndex backwards', () => {
    const s = makeState({ term: 2, log: [1, 2, 2], commitIndex: 3, leaderId: 'n2' });
    expect(msg(s, 'n2', ae(2, 1, 1, [], 1)).state.volatile.commitIndex).toBe(3);
    // leaderCommit is ahead, but this (delayed) message only vouches for index 1.
    const late = msg(makeState({ term: 2, log: [1, 2, 2], commitIndex: 3, leaderId: 'n2' }), 'n2', ae(2, 1, 1, [], 4));
    expect(late.state.volatile.commitIndex).toBe(3);
    expect(late.outputs.some((o) => o.type === 'applied')).toBe(false);
  });
});

// ---- elections (section 5.2) -------------------------------------------------------------------

describe('startElection', () => {
  it('increments the term, votes for itself, persists, then asks all 4 peers', () => {
    const s = makeState({ term: 4, log: [1, 4] });
    const r = startElection(s, CORRECT);
    expect(r.state.volatile.role).toBe('candidate');
    expect(r.state.persistent.currentTerm).toBe(5);
    expect(r.state.persistent.votedFor).toBe('n1');
    expect([...r.state.volatile.votesGranted]).toEqual(['n1']);
    expect(persists(r)).toEqual([{ currentTerm: 5, votedFor: 'n1', logEdit: null, snapshot: null }]);
    const out = sends(r);
    expect(out.map((o) => o.to).sort()).toEqual([...PEERS]);
    for (const o of out) expect(o.message).toEqual(rv(5, 'n1', 2, 4));
    // Persist before send: the term and vote are durable before anyone hears of the election.
    const persistAt = r.outputs.findIndex((o) => o.type === 'persist');
    const firstSendAt = r.outputs.findIndex((o) => o.type === 'send');
    expect(persistAt).toBeLessThan(firstSendAt);
    expect(r.outputs.some((o) => o.type === 'resetElectionTimer')).toBe(true);
  });

  it('a single-node cluster wins at once', () => {
    const alone: RaftState = { ...makeState({ term: 1 }), members: ['n1'] };
    const r = startElection(alone, CORRECT);
    expect(r.state.volatile.role).toBe('leader');
    expect(sends(r)).toEqual([]);
  });
});

describe('becoming leader', () => {
  /** n1 campaigning in term 3 from a log [1, 2]. */
  const campaign = (cfg: RaftConfig = CORRECT): RaftState => startElection(makeState({ term: 2, log: [1, 2], commitIndex: 1 }), cfg).state;

  it('happens on votes from a quorum (3 of 5), and appends a no-op entry of the new term (section 8)', () => {
    let s = campaign();
    let r = msg(s, 'n2', rvr(3, true));
    expect(r.state.volatile.role).toBe('candidate');
    s = r.state;
    r = msg(s, 'n3', rvr(3, true));
    expect(r.state.volatile.role).toBe('leader');
    expect(r.state.volatile.leaderId).toBe('n1');
    expect(logTerms(r.state)).toEqual([1, 2, 3]);
    expect(r.state.persistent.log[2]!.command).toEqual({ kind: 'noop' });
    expect(persists(r).map((w) => w.logEdit)).toEqual([{ truncateFrom: null, startIndex: 3, entries: [noop(3)] }]);
    // Figure 2: nextIndex = last log index + 1 (before the no-op), matchIndex = 0.
    for (const p of PEERS) {
      expect(r.state.volatile.matchIndex.get(p)).toBe(0);
      expect(r.state.volatile.nextIndex.get(p)).toBe(3);
    }
    // It announces itself with an AppendEntries carrying the no-op to every peer.
    for (const p of PEERS) expect(sentTo<AppendEntries>(r, p)).toEqual(ae(3, 2, 2, [noop(3)], 1, 'n1'));
    // Nothing commits on its own vote count.
    expect(r.state.volatile.commitIndex).toBe(1);
  });

  it('refusals and votes of another term do not count', () => {
    let s = campaign();
    s = msg(s, 'n2', rvr(3, false)).state;
    s = msg(s, 'n3', rvr(2, true)).state; // stale: a vote from an election we already left
    s = msg(s, 'n4', rvr(3, true)).state;
    expect(s.volatile.role).toBe('candidate');
    expect([...s.volatile.votesGranted].sort()).toEqual(['n1', 'n4']);
    expect([...s.volatile.votesResponded].sort()).toEqual(['n1', 'n2', 'n4']);
    s = msg(s, 'n4', rvr(3, true)).state; // a duplicated grant is the same vote
    expect(s.volatile.role).toBe('candidate');
    expect(msg(s, 'n5', rvr(3, true)).state.volatile.role).toBe('leader');
  });

  it('with commit-old-term, the new leader appends no no-op', () => {
    const bug = config('commit-old-term');
    let s = campaign(bug);
    s = msg(s, 'n2', rvr(3, true), bug).state;
    const r = msg(s, 'n3', rvr(3, true), bug);
    expect(r.state.volatile.role).toBe('leader');
    expect(logTerms(r.state)).toEqual([1, 2]);
    expect(persists(r)).toEqual([]);
  });
});

describe('resendVoteRequests', () => {
  it('asks again only the peers that have not granted their vote', () => {
    const s = makeState({ term: 3, role: 'candidate', log: [2], votesGranted: ['n1', 'n3'] });
    const r = resendVoteRequests(s);
    expect(sends(r).map((o) => o.to).sort()).toEqual(['n2', 'n4', 'n5']);
    for (const o of sends(r)) expect(o.message).toEqual(rv(3, 'n1', 1, 2));
    expect(r.state).toBe(s);
    expect(persists(r)).toEqual([]);
  });

  it('asks again a peer that refused (a refusal in this term is not final)', () => {
    const s = { ...makeState({ term: 3, role: 'candidate', votesGranted: ['n1', 'n3'] }) };
    const withRefusal: RaftState = { ...s, volatile: { ...s.volatile, votesResponded: new Set(['n1', 'n3', 'n4']) } };
    expect(sends(resendVoteRequests(withRefusal)).map((o) => o.to).sort()).toEqual(['n2', 'n4', 'n5']);
  });

  it('does nothing unless candidate', () => {
    expect(resendVoteRequests(makeState({ role: 'follower' })).outputs).toEqual([]);
    expect(resendVoteRequests(makeState({ role: 'leader' })).outputs).toEqual([]);
  });
});

// ---- the leader's commit rule (Figure 2, leaders; section 5.4.2, Figure 8) ------------------------

describe('leader commit rule', () => {
  /** A leader of term 4 whose log holds an entry of term 2 at index 2, and its own entry at 3. */
  const figure8Leader = (log: number[] = [1, 2]): RaftState => makeState({ term: 4, role: 'leader', log, commitIndex: 1 });

  it('does not commit an entry of an earlier term by counting replicas (Figure 8)', () => {
    let s = figure8Leader();
    s = msg(s, 'n2', aer(4, true, 2)).state;
    const r = msg(s, 'n3', aer(4, true, 2));
    // Index 2 is on n1, n2, n3 (a majority), but its term is 2, not 4.
    expect(r.state.volatile.matchIndex.get('n3')).toBe(2);
    expect(r.state.volatile.commitIndex).toBe(1);
    expect(r.outputs.some((o) => o.type === 'applied')).toBe(false);
  });

  it('commits the earlier entry indirectly once an entry of its own term is on a majority', () => {
    let s = figure8Leader([1, 2, 4]);
    s = msg(s, 'n2', aer(4, true, 2)).state;
    s = msg(s, 'n3', aer(4, true, 2)).state;
    expect(s.volatile.commitIndex).toBe(1);
    s = msg(s, 'n2', aer(4, true, 3)).state;
    expect(s.volatile.commitIndex).toBe(1); // term-4 entry on n1, n2 only
    const r = msg(s, 'n3', aer(4, true, 3));
    expect(r.state.volatile.commitIndex).toBe(3);
    expect(r.state.volatile.lastApplied).toBe(3);
  });

  it('with commit-old-term, commits the term-2 entry on replica count alone', () => {
    const bug = config('commit-old-term');
    let s = figure8Leader();
    s = msg(s, 'n2', aer(4, true, 2), bug).state;
    expect(s.volatile.commitIndex).toBe(1);
    const r = msg(s, 'n3', aer(4, true, 2), bug);
    expect(r.state.volatile.commitIndex).toBe(2);
  });

  it('ignores responses of another term, and never moves matchIndex backwards', () => {
    let s = figure8Leader([1, 4, 4]);
    s = msg(s, 'n2', aer(3, true, 3)).state;
    expect(s.volatile.matchIndex.get('n2')).toBe(0);
    s = msg(s, 'n2', aer(4, true, 3)).state;
    s = msg(s, 'n2', aer(4, true, 1)).state; // a late response to an older AppendEntries
    expect(s.volatile.matchIndex.get('n2')).toBe(3);
    expect(s.volatile.nextIndex.get('n2')).toBe(4);
  });

  it('on a rejection, backs nextIndex up (to the follower\'s hint) and retries at once', () => {
    const s = makeState({ term: 4, role: 'leader', log: [1, 1, 2, 4] });
    expect(s.volatile.nextIndex.get('n2')).toBe(5);
    const r = msg(s, 'n2', aer(4, false, 1));
    expect(r.state.volatile.nextIndex.get('n2')).toBe(2);
    expect(sentTo<AppendEntries>(r, 'n2')).toEqual(ae(4, 1, 1, [noop(1), noop(2), noop(4)], 0, 'n1'));
  });
});

// ---- clients (section 8) -----------------------------------------------------------------------

describe('client requests', () => {
  it('a follower redirects to the leader it knows, and executes nothing', () => {
    const s = makeState({ term: 2, leaderId: 'n3' });
    const r = client(s, 'c1', request('c1', 7, 'write', 'x', '1'));
    expect(sentTo(r, 'c1')).toEqual({ type: 'ClientRedirect', term: 0, opId: 7, leaderHint: 'n3' });
    expect(r.state.persistent.log).toHaveLength(0);
    expect(persists(r)).toEqual([]);
  });

  it('a node that knows no leader (or a candidate) redirects with no hint', () => {
    expect(sentTo(client(makeState({ term: 2 }), 'c1', request('c1', 1, 'read', 'x')), 'c1')).toMatchObject({ type: 'ClientRedirect', leaderHint: null });
    expect(sentTo(client(makeState({ term: 2, role: 'candidate' }), 'c1', request('c1', 1, 'read', 'x')), 'c1')).toMatchObject({ type: 'ClientRedirect', leaderHint: null });
  });

  /** A leader of term 2 whose no-op (index 1) is committed. */
  const leader = (): RaftState => makeState({ term: 2, role: 'leader', log: [2], commitIndex: 1 });

  it('the leader appends, replicates, and replies only once the entry is committed', () => {
    let r = client(leader(), 'c1', request('c1', 1, 'write', 'x', '1'));
    expect(r.state.persistent.log).toHaveLength(2);
    expect(r.state.persistent.log[1]).toEqual(entry(2, clientCommand('c1', 1, 'write', 'x', '1')));
    expect(persists(r).map((w) => w.logEdit?.startIndex)).toEqual([2]);
    for (const p of PEERS) expect(sentTo<AppendEntries>(r, p)).toMatchObject({ prevLogIndex: 1, entries: [r.state.persistent.log[1]] });
    expect(sends(r).some((o) => o.to === 'c1')).toBe(false);
    expect(r.state.volatile.kv.size).toBe(0);

    r = msg(r.state, 'n2', aer(2, true, 2));
    expect(sends(r).some((o) => o.to === 'c1')).toBe(false);
    expect(r.state.volatile.commitIndex).toBe(1);

    r = msg(r.state, 'n4', aer(2, true, 2));
    expect(r.state.volatile.commitIndex).toBe(2);
    expect(sentTo(r, 'c1')).toEqual({ type: 'ClientReply', term: 0, opId: 1, ok: true, value: '1' });
    expect(r.state.volatile.kv.get('x')).toBe('1');
    expect(r.state.volatile.pendingReplies.size).toBe(0);
  });

  it('a duplicated request with the same opId is not appended twice, and after commit is answered from the session', () => {
    const first = client(leader(), 'c1', request('c1', 1, 'cas', 'x', 'b', 'a'));
    const dup = client(first.state, 'c1', request('c1', 1, 'cas', 'x', 'b', 'a'));
    expect(dup.state.persistent.log).toHaveLength(2);
    expect(dup.outputs).toEqual([]);

    let s = msg(dup.state, 'n2', aer(2, true, 2)).state;
    const committed = msg(s, 'n3', aer(2, true, 2));
    // cas on a missing key fails: nil is not "a".
    expect(sentTo(committed, 'c1')).toEqual({ type: 'ClientReply', term: 0, opId: 1, ok: false, value: 'nil' });
    s = committed.state;

    const late = client(s, 'c1', request('c1', 1, 'cas', 'x', 'b', 'a'));
    expect(late.state.persistent.log).toHaveLength(2);
    expect(persists(late)).toEqual([]);
    expect(sentTo(late, 'c1')).toEqual({ type: 'ClientReply', term: 0, opId: 1, ok: false, value: 'nil' });
  });

  it('an operation appended twice (a retry under a new leader) executes once (sessions)', () => {
    // c1's cas a->b is in the log twice, with c2's write of "a" between them. Executed twice, the
    // second cas would succeed and leave "b"; executed once, x stays "a".
    const cas = clientCommand('c1', 5, 'cas', 'x', 'b', 'a');
    const entries = [entry(2, cas), entry(2, clientCommand('c2', 6, 'write', 'x', 'a')), entry(3, cas)];
    const r = msg(makeState({ term: 3 }), 'n2', ae(3, 0, 0, entries, 3));
    expect(r.state.volatile.commitIndex).toBe(3);
    expect(r.state.volatile.kv.get('x')).toBe('a');
    expect(r.state.volatile.sessions.get('c1')).toEqual({ opId: 5, ok: false, value: 'nil' });

    // The same with two writes: c1 writes 1, c2 writes 2, c1's write 1 again (a duplicate) must not undo c2's.
    const w1 = clientCommand('c1', 1, 'write', 'y', '1');
    const w = msg(makeState({ term: 3 }), 'n2', ae(3, 0, 0, [entry(2, w1), entry(2, clientCommand('c2', 2, 'write', 'y', '2')), entry(3, w1)], 3));
    expect(w.state.volatile.kv.get('y')).toBe('2');
  });

  it('a new leader answers a retried request from the session once the first copy is applied', () => {
    // The first copy (index 2, term 1) was appended by the old leader; this leader has no pending reply for it.
    const w = clientCommand('c1', 3, 'write', 'x', '9');
    let s = makeState({ term: 2, role: 'leader', log: [entry(1, noop(1).command), entry(1, w), noop(2)], commitIndex: 0 });
    const retry = client(s, 'c1', request('c1', 3, 'write', 'x', '9'));
    expect(retry.state.persistent.log).toHaveLength(4); // appended again: it cannot know yet
    s = msg(retry.state, 'n2', aer(2, true, 4)).state;
    const r = msg(s, 'n3', aer(2, true, 4));
    expect(r.state.volatile.commitIndex).toBe(4);
    expect(r.state.volatile.kv.get('x')).toBe('9');
    const replies = sends(r).filter((o) => o.to === 'c1');
    expect(replies.map((o) => o.message)).toEqual([{ type: 'ClientReply', term: 0, opId: 3, ok: true, value: '9' }]);
  });
});

describe('replies', () => {
  it('a very late copy of an operation the client has moved past is applied as a no-op and answered by nobody', () => {
    // c1 already executed op 5; an old copy of its op 3 arrives at the leader and gets appended.
    const s = makeState({ term: 2, role: 'leader', log: [2], commitIndex: 1, sessions: { c1: { opId: 5, ok: true, value: '7' } }, kv: { x: '7' } });
    let r = client(s, 'c1', request('c1', 3, 'write', 'x', '1'));
    expect(r.state.persistent.log).toHaveLength(2);
    r = msg(r.state, 'n2', aer(2, true, 2));
    r = msg(r.state, 'n3', aer(2, true, 2));
    expect(r.state.volatile.commitIndex).toBe(2);
    expect(r.state.volatile.kv.get('x')).toBe('7');
    expect(sends(r).filter((o) => o.to === 'c1')).toEqual([]);
    expect(r.state.volatile.pendingReplies.size).toBe(0);
  });
});

describe('execute', () => {
  it('reads nil for a missing key, and the value once written', () => {
    const kv = new Map<string, string>();
    expect(execute(kv, clientCommand('c1', 1, 'read', 'x'))).toEqual({ opId: 1, ok: true, value: 'nil' });
    expect(execute(kv, clientCommand('c1', 2, 'write', 'x', '4'))).toEqual({ opId: 2, ok: true, value: '4' });
    expect(kv.get('x')).toBe('4');
    expect(execute(kv, clientCommand('c1', 3, 'read', 'x'))).toEqual({ opId: 3, ok: true, value: '4' });
  });

  it('cas swaps when the current value matches, and otherwise fails with the current value', () => {
    const kv = new Map<string, string>([['x', '1']]);
    expect(execute(kv, clientCommand('c1', 1, 'cas', 'x', '2', '0'))).toEqual({ opId: 1, ok: false, value: '1' });
    expect(kv.get('x')).toBe('1');
    expect(execute(kv, clientCommand('c1', 2, 'cas', 'x', '2', '1'))).toEqual({ opId: 2, ok: true, value: '2' });
    expect(kv.get('x')).toBe('2');
    expect(execute(kv, clientCommand('c1', 3, 'cas', 'y', '2', '1'))).toEqual({ opId: 3, ok: false, value: 'nil' });
    expect(kv.has('y')).toBe(false);
  });
});

// ---- durable state -----------------------------------------------------------------------------

describe('applyWrite (the disk\'s copy)', () => {
  const durable = () => ({ currentTerm: 1, votedFor: null as NodeId | null, log: makeLog([1, 1, 1]), snapshot: null as RaftSnapshot | null });

  it('sets term and vote; a write without a log edit leaves the log alone', () => {
    const d = durable();
    applyWrite(d, { currentTerm: 3, votedFor: 'n2', snapshot: null, logEdit: null });
    expect(d).toEqual({ currentTerm: 3, votedFor: 'n2', log: makeLog([1, 1, 1]), snapshot: null });
  });

  it('truncates and appends', () => {
    const d = durable();
    applyWrite(d, { currentTerm: 2, votedFor: null, snapshot: null, logEdit: { truncateFrom: 2, startIndex: 2, entries: [noop(2), noop(2)] } });
    expect(d.log.map((e) => e.term)).toEqual([1, 2, 2]);
    applyWrite(d, { currentTerm: 2, votedFor: null, snapshot: null, logEdit: { truncateFrom: null, startIndex: 4, entries: [noop(2)] } });
    expect(d.log.map((e) => e.term)).toEqual([1, 2, 2, 2]);
  });

  it('throws if a write starts at the wrong index', () => {
    expect(() => applyWrite(durable(), { currentTerm: 1, votedFor: null, snapshot: null, logEdit: { truncateFrom: null, startIndex: 6, entries: [noop(1)] } })).toThrow(/starts at 6/);
    expect(() => applyWrite(durable(), { currentTerm: 1, votedFor: null, snapshot: null, logEdit: { truncateFrom: null, startIndex: 3, entries: [noop(1)] } })).toThrow(/durable log has 3/);
  });
});

describe('snapshots (section 7): a restart resumes the state machine instead of re-applying the log', () => {
  const N = SNAPSHOT_INTERVAL_ENTRIES;
  // N + 2 writes by c1: x takes the values 1..N+2.
  const writes = Array.from({ length: N + 2 }, (_, i) => entry(2, clientCommand('c1', i + 1, 'write', 'x', String(i + 1))));

  it('takes one every SNAPSHOT_INTERVAL_ENTRIES applied entries, of the applied state, and the next write carries it', () => {
    const before = msg(makeState({ term: 2 }), 'n2', ae(2, 0, 0, writes.slice(0, N - 1), N - 1));
    expect(before.state.persistent.snapshot).toBeNull();
    const at = msg(before.state, 'n2', ae(2, N - 1, 2, writes.slice(N - 1, N), N));
    const snap = at.state.persistent.snapshot!;
    expect(snap).toMatchObject({ lastIncludedIndex: N, lastIncludedTerm: 2 });
    expect(snap.kv).toBe(at.state.volatile.kv); // the applied maps themselves: immutable, shared
    expect(snap.kv.get('x')).toBe(String(N));
    expect(snap.sessions.get('c1')).toEqual({ opId: N, ok: true, value: String(N) });
    // The write of the step that took it was already out; the next one carries it.
    expect(persists(at).every((w) => w.snapshot === null)).toBe(true);
    const next = msg(at.state, 'n2', ae(2, N, 2, writes.slice(N, N + 1), N));
    expect(persists(next).map((w) => w.snapshot)).toEqual([snap]);
    expect(next.state.persistent.snapshot).toBe(snap); // not retaken before another interval
  });

  it('a restart from a disk with a snapshot starts committed and applied at it, with its state machine', () => {
    const first = msg(makeState({ term: 2 }), 'n2', ae(2, 0, 0, writes.slice(0, N), N));
    const snap = first.state.persistent.snapshot!;
    const disk = { currentTerm: 2, votedFor: null, log: writes.slice(0, N + 2), snapshot: snap };
    const s = initialState('n1', MEMBERS, disk, CORRECT);
    expect(s.volatile).toMatchObject({ commitIndex: N, lastApplied: N });
    expect(s.volatile.kv.get('x')).toBe(String(N));
    expect(s.persistent.snapshot).toBe(snap);
    // Learning that two more entries are committed applies just those two.
    const r = msg(s, 'n2', ae(2, N + 2, 2, [], N + 2));
    expect(r.state.volatile.kv.get('x')).toBe(String(N + 2));
    expect(r.state.volatile.sessions.get('c1')).toEqual({ opId: N + 2, ok: true, value: String(N + 2) });
  });

  it('ignores a snapshot whose last entry the log no longer holds (a bug variant truncated it), and re-applies', () => {
    const snap = { lastIncludedIndex: 2, lastIncludedTerm: 2, kv: new Map([['x', 'stale']]), sessions: new Map() };
    const shorter = initialState('n1', MEMBERS, { currentTerm: 3, votedFor: null, log: writes.slice(0, 1), snapshot: snap }, CORRECT);
    expect(shorter.volatile).toMatchObject({ commitIndex: 0, lastApplied: 0 });
    expect(shorter.persistent.snapshot).toBeNull();
    const otherTerm = initialState('n1', MEMBERS, { currentTerm: 3, votedFor: null, log: [writes[0]!, entry(3, clientCommand('c2', 1, 'write', 'y', '1'))], snapshot: snap }, CORRECT);
    expect(otherTerm.volatile.kv.size).toBe(0);
  });

  it('the disk keeps the snapshot of the last write', () => {
    const d = { currentTerm: 1, votedFor: null as NodeId | null, log: makeLog([1]), snapshot: null as RaftSnapshot | null };
    const snap: RaftSnapshot = { lastIncludedIndex: 1, lastIncludedTerm: 1, kv: new Map(), sessions: new Map() };
    applyWrite(d, { currentTerm: 1, votedFor: null, logEdit: null, snapshot: snap });
    expect(d.snapshot).toBe(snap);
  });
});

describe('initialState', () => {
  const disk = { currentTerm: 4, votedFor: 'n3', log: makeLog([1, 4]), snapshot: null };

  it('keeps term, vote and log from disk, and starts every volatile field empty', () => {
    const s = initialState('n1', MEMBERS, disk, CORRECT);
    expect(s.persistent).toEqual(disk);
    expect(s.persistent.log).not.toBe(disk.log); // never aliases the disk
    expect(initialState('n1', MEMBERS, disk, CORRECT, true).persistent.log).toBe(disk.log); // unless handed over
    expect(s.volatile).toMatchObject({ role: 'follower', leaderId: null, commitIndex: 0, lastApplied: 0 });
    expect(s.volatile.kv.size).toBe(0);
  });

  it('with forget-vote-on-restart, forgets the vote', () => {
    expect(initialState('n1', MEMBERS, disk, config('forget-vote-on-restart')).persistent.votedFor).toBeNull();
  });

  it('refuses a node that is not a member', () => {
    expect(() => initialState('n9', MEMBERS, disk, CORRECT)).toThrow(/not a member/);
  });
});

describe('the leader counts its own replica only once it is on disk', () => {
  const single = (): RaftState => ({ ...makeState({ term: 1, role: 'leader', log: [1], commitIndex: 1 }), members: ['n1'] });

  it('a one-node leader commits an appended entry at its fsync, not before', () => {
    const appended = handle(single(), { type: 'client', from: 'c1', request: request('c1', 1, 'write', 'x', '1') }, CORRECT);
    expect(appended.state.persistent.log).toHaveLength(2);
    expect(appended.state.volatile.commitIndex).toBe(1);
    expect(sends(appended).some((o) => o.to === 'c1')).toBe(false);
    const durable = handleDurable(appended.state, 2, CORRECT);
    expect(durable.state.volatile.commitIndex).toBe(2);
    expect(sentTo(durable, 'c1')).toEqual({ type: 'ClientReply', term: 0, opId: 1, ok: true, value: '1' });
  });

  it('a five-node leader with two acknowledgements still waits for its own disk', () => {
    const leader = makeState({ term: 2, role: 'leader', log: [2], commitIndex: 1 });
    let s = handle(leader, { type: 'client', from: 'c1', request: request('c1', 1, 'write', 'x', '1') }, CORRECT).state;
    s = msg(s, 'n2', aer(2, true, 2)).state;
    s = msg(s, 'n3', aer(2, true, 2)).state;
    // Only n2 and n3 have entry 2 on disk: two of five is not a majority.
    expect(s.volatile.commitIndex).toBe(1);
    expect(handleDurable(s, 2, CORRECT).state.volatile.commitIndex).toBe(2);
  });
});

describe('heartbeats skip followers that just had an AppendEntries', () => {
  it('a heartbeat right after a client append goes to nobody; the next one goes to everyone', () => {
    const leader = makeState({ term: 2, role: 'leader', log: [2], commitIndex: 1 });
    expect(sends(heartbeat(leader, CORRECT)).map((o) => o.to)).toEqual([...PEERS]);
    const appended = handle(leader, { type: 'client', from: 'c1', request: request('c1', 1, 'write', 'x', '1') }, CORRECT);
    expect(sends(appended).filter((o) => o.to !== 'c1').map((o) => o.to)).toEqual([...PEERS]);
    const first = heartbeat(appended.state, CORRECT);
    expect(sends(first)).toEqual([]);
    const second = heartbeat(first.state, CORRECT);
    expect(sends(second).map((o) => o.to)).toEqual([...PEERS]);
  });

  it('a retry to one follower only spares that follower', () => {
    const leader = makeState({ term: 2, role: 'leader', log: [2, 2], commitIndex: 1, matchIndex: { n2: 1 } });
    const retried = msg(leader, 'n3', aer(2, false, 0));
    expect(sends(retried).map((o) => o.to)).toEqual(['n3']);
    expect(sends(heartbeat(retried.state, CORRECT)).map((o) => o.to)).toEqual(['n2', 'n4', 'n5']);
  });
});

describe('flow control: a duplicated or stale response sends nothing more', () => {
  const oneEntryPerMessage: RaftConfig = { bugs: new Set(), maxEntriesPerMessage: 1 };

  it('a success that moves matchIndex sends the next entries to a lagging follower; its duplicate sends nothing', () => {
    const leader = makeState({ term: 2, role: 'leader', log: [2, 2, 2] });
    const probed = msg(leader, 'n2', aer(2, false, 0), oneEntryPerMessage);
    expect(sentTo<AppendEntries>(probed, 'n2')).toMatchObject({ prevLogIndex: 0, entries: [{ term: 2 }] });
    const acked = msg(probed.state, 'n2', aer(2, true, 1), oneEntryPerMessage);
    expect(sentTo<AppendEntries>(acked, 'n2')).toMatchObject({ prevLogIndex: 1 });
    const duplicate = msg(acked.state, 'n2', aer(2, true, 1), oneEntryPerMessage);
    expect(sends(duplicate)).toEqual([]);
    expect(duplicate.state.volatile.nextIndex.get('n2')).toBe(acked.state.volatile.nextIndex.get('n2'));
  });

  it('a duplicated rejection lowers nextIndex once, and a rejection older than an acknowledgement is ignored', () => {
    const leader = makeState({ term: 2, role: 'leader', log: [2, 2, 2, 2] });
    const rejected = msg(leader, 'n2', aer(2, false, 2));
    expect(rejected.state.volatile.nextIndex.get('n2')).toBe(3);
    expect(sends(rejected).map((o) => o.to)).toEqual(['n2']);
    const duplicate = msg(rejected.state, 'n2', aer(2, false, 2));
    expect(duplicate.state.volatile.nextIndex.get('n2')).toBe(3);
    expect(sends(duplicate)).toEqual([]);
    const acknowledged = makeState({ term: 2, role: 'leader', log: [2, 2, 2, 2], matchIndex: { n2: 3 } });
    const stale = msg(acknowledged, 'n2', aer(2, false, 0));
    expect(stale.state).toBe(acknowledged);
    expect(sends(stale)).toEqual([]);
  });
});
