/**
 * Paxos's rules as handler functions: (state, input) -> (state, outputs). No I/O, no time, no
 * randomness: messages to send, disk writes, timer resets and trace notes are outputs the node host
 * performs. Rules cite Lamport, "Paxos Made Simple" (2001): section 2.2 (the two phases), 2.3
 * (learning a chosen value, stable storage), 2.4 (progress: a distinguished proposer) and 3 (Multi-
 * Paxos: a leader runs phase 1 once for every slot from the first it has not learned chosen, then
 * phase 2 per slot, filling gaps with no-ops).
 *
 * Every node is acceptor and learner; in multi mode one of them is the distinguished proposer (the
 * leader), in single mode any node whose backoff timer fires proposes for the one slot, 1.
 *
 * A proposer's requests to its own acceptor are handled inline (the acceptor is in the same process);
 * the acceptor's reply to itself is an ordinary `send` to its own id, which the host delivers once the
 * writes issued before it are durable, exactly as the kernel holds replies to other nodes.
 *
 * Two deliberate exceptions to immutability, as in Raft's core (docs/ARCHITECTURE.md, "Departure 2"):
 * the acceptor's `accepted` map is changed in place by `acceptEntries` only (which also returns the
 * entries for the `persist` output, so the disk sees the same change), and the learner's `chosen` and
 * `chosenOps` maps by `learn` only. Copying maps of one entry per slot on every message would make a
 * one-hour run quadratic.
 *
 * Bug flags (`config.bugs`) each break one rule on purpose, where that rule is coded.
 */
import { copyMap, peersOf, SessionApplier } from '../common';
import type { ClientId, ClientMessage, ClientRequest, NodeId } from '../../sim/types';
import { ballotProposer, ballotRound, makeBallot, NO_BALLOT } from './ballot';
import { highestSlot, SlotArray } from './slots';
import { isPhase2Quorum, phase1CoveredTo, quorumsIntersect } from './quorums';
import type {
  Accept, Accepted, AcceptedEntry, ClientCommand, Heartbeat, HeartbeatAck, InFlight, Learn, Nack, PaxosConfig, PaxosInput,
  PaxosOutput, PaxosPersistent, PaxosSnapshot, PaxosState, PaxosVolatile, PaxosWrite, PendingReply, Phase1, Prepare,
  PromiseMessage, PromiseReport, Proposal, SessionResult, SlotProposal, SnapshotMessage, StepResult,
} from './types';

/** A leader proposes at most this many client slots not yet chosen; more client requests wait (they time out). */
export const MAX_IN_FLIGHT_SLOTS = 256;
/** Single mode: at most this many clients wait for slot 1 at one node. */
export const MAX_WAITING_CLIENTS = 64;
/** How far past its learned prefix a follower looks for values it accepted in the leader's ballot. */
export const LEARN_SCAN_SLOTS = 256;
/** Slots a learner applies between two snapshots: bounds what a restarted node re-learns and re-applies. */
export const SNAPSHOT_INTERVAL_SLOTS = 1024;
/**
 * A follower further behind than this many slots gets the leader's snapshot rather than the values
 * one heartbeat batch at a time (four batches of the default 64: a node back from a crash or a long
 * partition is caught up in one message instead of dozens).
 */
export const SNAPSHOT_CATCH_UP_SLOTS = 256;

export const NOOP: Proposal = Object.freeze({ value: 'noop', op: null });

/** A command's canonical text: what traces, views and invariants compare. */
export function commandText(c: ClientCommand): string {
  return `${c.client}#${c.opId} ${c.op} ${c.key}${c.value !== null ? ` ${c.value}` : ''}${c.expected !== null ? ` if ${c.expected}` : ''}`;
}

export function clientProposal(client: ClientId, req: ClientRequest): Proposal {
  const op: ClientCommand = { kind: 'client', client, opId: req.opId, op: req.op, key: req.key, value: req.value, expected: req.expected };
  return { value: commandText(op), op };
}

/** Single mode: a proposer's own value when no client gave it one, distinct per proposer. */
export function tokenProposal(id: NodeId): Proposal {
  return { value: `${id}:v`, op: null };
}

/** The other members, in membership order. */
/** `node`'s bit in an in-flight slot's acks (its place in the membership). */
function memberBit(s: PaxosState, node: NodeId): number {
  const i = s.members.indexOf(node);
  if (i < 0 || i > 30) throw new Error(`paxos: ${node} is not a member (${s.members.join(', ')})`);
  return 1 << i;
}

function peers(s: PaxosState): readonly NodeId[] {
  return peersOf(s.members, s.id);
}

/**
 * Whether this configuration guarantees agreement, so a node learning two values for one slot is a
 * bug in this code rather than the configured one: no bug flag, and every phase-1 quorum meets every
 * phase-2 quorum (|Q1| + |Q2| > N, or a grid; Flexible Paxos needs only that intersection).
 */
function safetyAssured(s: PaxosState, config: PaxosConfig): boolean {
  return config.bugs.size === 0 && quorumsIntersect(config, s.members.length);
}

// ---- state construction ------------------------------------------------------------------------

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** Empties the candidate's and leader's bookkeeping: what a follower holds of it. */
function clearBookkeeping(v: Writable<PaxosVolatile>): void {
  v.phase1 = null;
  v.wonWith = [];
  v.inFlight = new Map();
  v.beats = 0;
  v.peerLearned = new Map();
  v.catchUpThrough = new Map();
  v.pendingReplies = new Map();
  v.acceptBeat = -1;
  v.appliedAtBeat = 0;
}

/**
 * A node starting (or restarting) from what its disk holds. Proposer state starts empty; the learner
 * starts from its snapshot (every slot through it applied) or, without one, from nothing. With
 * `adoptAccepted` the node takes ownership of `durable.accepted` (the kernel's boot copy) instead of
 * copying it: a restart late in a long run would otherwise copy every slot ever accepted.
 */
export function initialState(
  id: NodeId, members: readonly NodeId[], durable: PaxosPersistent & { readonly maxAcceptedBallot?: number }, config: PaxosConfig, adoptAccepted = false,
): PaxosState {
  if (adoptAccepted && !(durable.accepted instanceof SlotArray)) throw new Error('paxos: only a SlotArray of accepted values can be adopted');
  if (!members.includes(id)) throw new Error(`paxos: ${id} is not a member`);
  // Bug acceptor-forgets-promise: the promise is kept in memory only (section 2.3 requires stable
  // storage), so a restarted acceptor may accept a proposal below a ballot it promised to refuse.
  // Its writes never carry the promise either (see `promiseWrite`); this only makes sure.
  const promised = config.bugs.has('acceptor-forgets-promise') ? NO_BALLOT : durable.promised;
  const snapshot = config.mode === 'multi' ? (durable.snapshot ?? null) : null;
  const known = durable.maxAcceptedBallot ?? MAX_BALLOT_UNKNOWN;
  const floor = Math.max(promised, durable.ballot);
  const maxBallotSeen = known !== MAX_BALLOT_UNKNOWN ? Math.max(floor, known) : highestAcceptedBallot(durable.accepted, floor);
  // Every field, in the order of volatileCopy (the one shape volatile state has; see below); the
  // proposer's bookkeeping is empty, as clearBookkeeping leaves it.
  const volatile: PaxosVolatile = {
    role: 'follower',
    leaderId: null,
    maxBallotSeen,
    phase1: null,
    wonWith: [],
    inFlight: new Map(),
    nextSlot: 1,
    beats: 0,
    peerLearned: new Map(),
    catchUpThrough: new Map(),
    pendingReplies: new Map(),
    chosen: SlotArray.empty(),
    chosenOps: SlotArray.empty(),
    appliedUpTo: snapshot?.throughSlot ?? 0,
    heldFrom: (snapshot?.throughSlot ?? 0) + 1,
    acceptBeat: -1,
    appliedAtBeat: 0,
    kv: snapshot?.kv ?? new Map(),
    sessions: snapshot?.sessions ?? new Map(),
    ownProposal: tokenProposal(id),
    waitingClients: new Map(),
  };
  const accepted = adoptAccepted ? durable.accepted : SlotArray.from(durable.accepted);
  return { id, members, persistent: { promised, ballot: durable.ballot, accepted, snapshot }, volatile };
}

function acceptedBallot(e: AcceptedEntry): number {
  return e.ballot;
}

/**
 * The highest ballot among accepted entries, or `floor` if higher. A restart late in an hour-long run
 * scans 180,000 entries: an indexed loop for a SlotArray (an iterator cost 14% of such a run).
 */
function highestAcceptedBallot(accepted: ReadonlyMap<number, AcceptedEntry>, floor: number): number {
  if (accepted instanceof SlotArray) return (accepted as SlotArray<AcceptedEntry>).maxOf(acceptedBallot, floor);
  let max = floor;
  for (const e of accepted.values()) if (e.ballot > max) max = e.ballot;
  return max;
}

/*
 * State is immutable: a handler that changes something makes a copy of the record it changes, sets
 * fields on the copy, and puts it in a copy of the state (as Raft's core does). The copies are
 * literals of one fixed shape (no spread, no partial objects): spreading was several times slower for
 * V8, and reading a partial object's possibly missing fields, in a different shape at every call
 * site, was a megamorphic load per field. This runs several times per message.
 */

/** A copy of `s`'s persistent state for the caller to change, then pass to withPersistent. */
function persistentCopy(s: PaxosState): Writable<PaxosPersistent> {
  const o = s.persistent;
  return { promised: o.promised, ballot: o.ballot, accepted: o.accepted, snapshot: o.snapshot };
}

function withPersistent(s: PaxosState, persistent: PaxosPersistent): PaxosState {
  return { id: s.id, members: s.members, persistent, volatile: s.volatile };
}

/** A copy of `s`'s volatile state for the caller to change, then pass to withVolatile. */
function volatileCopy(s: PaxosState): Writable<PaxosVolatile> {
  const o = s.volatile;
  return {
    role: o.role,
    leaderId: o.leaderId,
    maxBallotSeen: o.maxBallotSeen,
    phase1: o.phase1,
    wonWith: o.wonWith,
    inFlight: o.inFlight,
    nextSlot: o.nextSlot,
    beats: o.beats,
    peerLearned: o.peerLearned,
    catchUpThrough: o.catchUpThrough,
    pendingReplies: o.pendingReplies,
    chosen: o.chosen,
    chosenOps: o.chosenOps,
    appliedUpTo: o.appliedUpTo,
    heldFrom: o.heldFrom,
    acceptBeat: o.acceptBeat,
    appliedAtBeat: o.appliedAtBeat,
    kv: o.kv,
    sessions: o.sessions,
    ownProposal: o.ownProposal,
    waitingClients: o.waitingClients,
  };
}

function withVolatile(s: PaxosState, volatile: PaxosVolatile): PaxosState {
  return { id: s.id, members: s.members, persistent: s.persistent, volatile };
}

/** `s` with a raised promise (phase 1b and 2b). */
function withPromised(s: PaxosState, promised: number): PaxosState {
  const p = persistentCopy(s);
  p.promised = promised;
  return withPersistent(s, p);
}

/** `s` with a new learner snapshot (taken, or installed from the leader). */
function withSnapshot(s: PaxosState, snapshot: PaxosSnapshot): PaxosState {
  const p = persistentCopy(s);
  p.snapshot = snapshot;
  return withPersistent(s, p);
}

/** `s` following another leader (or none). */
function withLeaderId(s: PaxosState, leaderId: NodeId | null): PaxosState {
  const v = volatileCopy(s);
  v.leaderId = leaderId;
  return withVolatile(s, v);
}

/** `s` with the next window of its phase 1, or the promises gathered for this one. */
function withPhase1(s: PaxosState, phase1: Phase1): PaxosState {
  const v = volatileCopy(s);
  v.phase1 = phase1;
  return withVolatile(s, v);
}

/** Leader: `s` having heard how far `peer` has learned. */
function withPeerLearned(s: PaxosState, peer: NodeId, learnedThrough: number): PaxosState {
  const v = volatileCopy(s);
  v.peerLearned = copyMap(s.volatile.peerLearned).set(peer, learnedThrough);
  return withVolatile(s, v);
}

/** Leader: `s` with a new record of the catch-up batches in flight. */
function withCatchUpThrough(s: PaxosState, catchUpThrough: ReadonlyMap<NodeId, number>): PaxosState {
  const v = volatileCopy(s);
  v.catchUpThrough = catchUpThrough;
  return withVolatile(s, v);
}

/** The disk write of a raised promise (none under acceptor-forgets-promise: it is never persisted). */
function promiseWrite(promised: number, config: PaxosConfig): number | null {
  return config.bugs.has('acceptor-forgets-promise') ? null : promised;
}

/** What the in-place writers of slot maps need: a Map or a SlotArray (see the file comment on mutation). */
interface SlotWriter<V> {
  set(slot: number, value: V): unknown;
}

/** A disk write: the acceptor's changes, and the learner's latest snapshot, which every write carries. */
function persistOutput(s: PaxosState, promised: number | null, ballot: number | null, accepts: PaxosWrite['accepts']): PaxosOutput {
  return { type: 'persist', write: { promised, ballot, accepts, snapshot: s.persistent.snapshot } };
}

/**
 * The disk's record of a Paxos node, as applyWrite changes it. `maxAcceptedBallot`, where kept (the
 * simulated disk keeps it; tests may not), is the highest ballot among the accepted entries, or
 * MAX_BALLOT_UNKNOWN once an entry holding it was overwritten by a lower one (only a bug variant does
 * that). It spares a restart a scan of every accepted entry: 180,000 objects late in an hour-long run,
 * a cache miss each, 4% of such a run.
 */
export interface DurableRecord {
  promised: number;
  ballot: number;
  accepted: SlotWriter<AcceptedEntry> & { get(slot: number): AcceptedEntry | undefined };
  snapshot: PaxosSnapshot | null;
  maxAcceptedBallot?: number;
}

export const MAX_BALLOT_UNKNOWN = -1;

/** The highest accepted ballot after `previous` (the entry there, if any) is replaced by one at `ballot`. */
export function maxAfterAccept(max: number, previous: AcceptedEntry | undefined, ballot: number): number {
  if (max === MAX_BALLOT_UNKNOWN) return max;
  // The entry that held the maximum went down: another entry may hold it too, or none; only a scan knows.
  if (previous !== undefined && previous.ballot === max && ballot < max) return MAX_BALLOT_UNKNOWN;
  return ballot > max ? ballot : max;
}

/** Applies a completed disk write to durable state (the disk's copy, not the node's). */
export function applyWrite(durable: DurableRecord, write: PaxosWrite): void {
  if (write.promised !== null) durable.promised = write.promised;
  if (write.ballot !== null) durable.ballot = write.ballot;
  for (let i = 0; i < write.accepts.length; i++) {
    const a = write.accepts[i]!;
    if (durable.maxAcceptedBallot !== undefined) durable.maxAcceptedBallot = maxAfterAccept(durable.maxAcceptedBallot, durable.accepted.get(a.slot), a.ballot);
    durable.accepted.set(a.slot, { ballot: a.ballot, value: a.value, op: a.op });
  }
  // Writes complete in order, but a snapshot is only ever replaced by a later one.
  const snapshot = write.snapshot ?? null;
  if (snapshot !== null && snapshot.throughSlot > (durable.snapshot?.throughSlot ?? 0)) durable.snapshot = snapshot;
}

// ---- the learner ------------------------------------------------------------------------------------

/** The one place a node learns a chosen value (section 2.3). Changes `chosen` in place. */
function learn(s: PaxosState, slot: number, proposal: Proposal, config: PaxosConfig, out: PaxosOutput[]): void {
  const chosen = s.volatile.chosen as ReadonlyMap<number, string> & SlotWriter<string>;
  const known = chosen.get(slot);
  if (known !== undefined) {
    // Correct Paxos never chooses two values for a slot. A bug variant or non-intersecting quorums may,
    // and then it is the Agreement invariant's job to report it, not this assertion's.
    if (known !== proposal.value && safetyAssured(s, config)) {
      throw new Error(`paxos: ${s.id} learned ${proposal.value} for slot ${slot}, but ${known} is chosen there`);
    }
    return;
  }
  chosen.set(slot, proposal.value);
  (s.volatile.chosenOps as unknown as SlotWriter<ClientCommand | null>).set(slot, proposal.op);
  out.push({ type: 'chosen', slot, value: proposal.value });
}

/** Single mode: another command was chosen, so this one will never run (not a cas that failed). */
function failReply(opId: number): ClientMessage {
  return { type: 'ClientReply', term: 0, opId, ok: false, value: 'nil', rejected: true };
}

function clientReply(r: SessionResult): ClientMessage {
  return { type: 'ClientReply', term: 0, opId: r.opId, ok: r.ok, value: r.value };
}

/**
 * Applies chosen slots appliedUpTo+1, appliedUpTo+2, ... in order, as far as they are known (section
 * 3: "executes the commands in sequence"; a gap waits for its value). A client's operation runs once
 * even if it was chosen in two slots (a duplicated request): sessions remember each client's latest
 * result, as Raft's do (Raft section 8). The leader answers the clients waiting on applied slots; in
 * single mode every node answers the clients waiting on slot 1.
 */
function applyChosen(s: PaxosState, config: PaxosConfig, out: PaxosOutput[]): PaxosState {
  const { chosen, chosenOps } = s.volatile;
  let applied = s.volatile.appliedUpTo;
  if (!chosen.has(applied + 1)) return s;
  const machine = new SessionApplier(s.volatile.kv, s.volatile.sessions);
  let pendingReplies: Map<number, PendingReply> | null = null;
  while (chosen.has(applied + 1)) {
    const slot = ++applied;
    const op = chosenOps.get(slot) ?? null;
    const result = op === null ? null : machine.run(op);
    const waiting = s.volatile.pendingReplies.get(slot);
    if (waiting !== undefined) {
      (pendingReplies ??= copyMap(s.volatile.pendingReplies)).delete(slot);
      if (op !== null && result !== null && op.client === waiting.client && result.opId === waiting.opId) {
        out.push({ type: 'send', to: waiting.client, message: clientReply(result) });
      }
    }
  }
  const v = volatileCopy(s);
  v.appliedUpTo = applied;
  v.kv = machine.kvNow();
  v.sessions = machine.sessionsNow();
  if (pendingReplies !== null) v.pendingReplies = pendingReplies;
  if (config.mode === 'single' && v.waitingClients.size > 0) {
    // Only one command is ever chosen: it succeeded, every other waiting one definitely never will.
    for (const [client, opId] of v.waitingClients) {
      const session = v.sessions.get(client);
      out.push({ type: 'send', to: client, message: session !== undefined && session.opId === opId ? clientReply(session) : failReply(opId) });
    }
    v.waitingClients = new Map();
  }
  const next = withVolatile(s, v);
  return config.mode === 'multi' ? maybeSnapshot(next) : next;
}

/**
 * Every SNAPSHOT_INTERVAL_SLOTS applied slots the learner keeps its state machine as a snapshot: the
 * maps are immutable, so it is two references. It goes to disk with the node's next write (every
 * write carries the latest), so taking one moves no message; a restart resumes from it rather than
 * re-learning and re-applying every slot since the first (which made a long run quadratic in its
 * restarts). The acceptor's state is untouched: it is what safety rests on, and it is kept whole.
 */
function maybeSnapshot(s: PaxosState): PaxosState {
  const { appliedUpTo, kv, sessions } = s.volatile;
  if (appliedUpTo - (s.persistent.snapshot?.throughSlot ?? 0) < SNAPSHOT_INTERVAL_SLOTS) return s;
  return withSnapshot(s, { throughSlot: appliedUpTo, kv, sessions });
}

// ---- role changes, all in one place -------------------------------------------------------------

/** Gives up proposing (or stops): clients waiting on this proposer get no answer and time out (info). */
export function becomeFollower(s: PaxosState, leaderId: NodeId | null): PaxosState {
  const v = volatileCopy(s);
  v.role = 'follower';
  v.leaderId = leaderId;
  clearBookkeeping(v);
  return withVolatile(s, v);
}

/**
 * The election timer fired: become a candidate with a ballot above every one seen, and run phase 1
 * (section 2.2, phase 1(a): "selects a proposal number n and sends a prepare request with number n to
 * a majority of acceptors"; section 3: in multi mode for every slot from the first not learned chosen).
 */
export function startElection(s: PaxosState, config: PaxosConfig): StepResult {
  if (config.mode === 'single' && s.volatile.chosen.has(1)) return { state: s, outputs: [] }; // nothing left to decide
  const out: PaxosOutput[] = [];
  const highest = Math.max(s.volatile.maxBallotSeen, s.persistent.ballot, s.persistent.promised);
  const ballot = makeBallot(ballotRound(highest) + 1, s.id, s.members);
  // Section 2.3: the proposer remembers the highest ballot it tried in stable storage before using it
  // (the Prepares below wait for this write, as every message does for the writes issued before it).
  const p = persistentCopy(s);
  p.ballot = ballot;
  let next = withPersistent(s, p);
  out.push(persistOutput(next, null, ballot, []));
  const fromSlot = config.mode === 'single' ? 1 : s.volatile.appliedUpTo + 1;
  const phase1: Phase1 = { startSlot: fromSlot, fromSlot, promises: new Map(), reports: new Map(), maxSlot: fromSlot - 1 };
  const v = volatileCopy(next);
  v.role = 'candidate';
  v.leaderId = null;
  v.maxBallotSeen = ballot;
  clearBookkeeping(v);
  v.phase1 = phase1;
  next = withVolatile(next, v);
  // A fresh randomized timeout: if this ballot is preempted or its messages lost, the next try waits it out.
  out.push({ type: 'resetElectionTimer' });
  next = broadcastPrepare(next, fromSlot, config, out);
  return { state: next, outputs: out };
}

/** Prepare to every peer, and to our own acceptor inline. */
function broadcastPrepare(s: PaxosState, fromSlot: number, config: PaxosConfig, out: PaxosOutput[]): PaxosState {
  const ballot = s.persistent.ballot;
  const prepare: Prepare = { type: 'Prepare', term: ballot, ballot, fromSlot };
  for (const p of peers(s)) out.push({ type: 'send', to: p, message: prepare });
  return handlePrepare(s, s.id, prepare, config, out);
}

/** Candidate: ask again the acceptors that have not promised (their Prepare or Promise may be lost). */
export function resendPrepares(s: PaxosState): StepResult {
  const p1 = s.volatile.phase1;
  if (s.volatile.role !== 'candidate' || p1 === null) return { state: s, outputs: [] };
  const ballot = s.persistent.ballot;
  const prepare: Prepare = { type: 'Prepare', term: ballot, ballot, fromSlot: p1.fromSlot };
  const out: PaxosOutput[] = [];
  for (const p of peers(s)) if (!p1.promises.has(p)) out.push({ type: 'send', to: p, message: prepare });
  return { state: s, outputs: out };
}

/**
 * Phase 1 succeeded: become leader and start phase 2 for every slot phase 1 covered (section 2.2,
 * phase 2(a): "v is the value of the highest-numbered proposal among the responses, or is any value
 * if the responses reported no proposals"). Multi mode (section 3): every slot from the first not
 * learned to the highest reported gets the reported value or, in a gap, a no-op, and client commands
 * go after them. Single mode: slot 1 gets the reported value or the proposer's own.
 * Bug ignore-accepted-value: propose our own value (multi: a no-op) even where a value was reported.
 */
function becomeLeader(s: PaxosState, config: PaxosConfig, out: PaxosOutput[]): PaxosState {
  const p1 = s.volatile.phase1;
  if (s.volatile.role !== 'candidate' || p1 === null) throw new Error(`paxos: ${s.id} became leader from ${s.volatile.role}`);
  const ignoreReports = config.bugs.has('ignore-accepted-value');
  const chosen = s.volatile.chosen;
  const proposals: SlotProposal[] = [];
  let nextSlot = s.volatile.nextSlot;
  if (config.mode === 'single') {
    if (chosen.has(1)) return becomeFollower(s, null);
    const reported = p1.reports.get(1);
    const p = reported !== undefined && !ignoreReports ? reported : s.volatile.ownProposal;
    proposals.push({ slot: 1, value: p.value, op: p.op });
  } else {
    for (let slot = p1.startSlot; slot <= p1.maxSlot; slot++) {
      if (chosen.has(slot)) continue; // already learned: nothing to decide (the paper's commands 138-139)
      const reported = p1.reports.get(slot);
      const p = reported !== undefined && !ignoreReports ? reported : NOOP;
      proposals.push({ slot, value: p.value, op: p.op });
    }
    // New commands go past every slot anyone reported and every slot we know chosen.
    const highestChosen = Math.max(s.volatile.appliedUpTo, highestSlot(chosen));
    nextSlot = Math.max(p1.maxSlot, highestChosen) + 1;
  }
  const ballot = s.persistent.ballot;
  const inFlight = new Map<number, InFlight>();
  for (const p of proposals) {
    inFlight.set(p.slot, { value: p.value, op: p.op, acks: 0, sentAtBeat: 0 });
    out.push({ type: 'propose', slot: p.slot, ballot, value: p.value });
  }
  const v = volatileCopy(s);
  v.role = 'leader';
  v.leaderId = s.id;
  clearBookkeeping(v);
  v.inFlight = inFlight;
  v.nextSlot = nextSlot;
  v.wonWith = [...p1.promises.keys()].sort();
  const next = withVolatile(s, v);
  return broadcastAccept(next, proposals, config, out);
}

/** Phase 2a to every peer, and to our own acceptor inline, at most maxEntriesPerMessage per message. */
function broadcastAccept(s: PaxosState, entries: readonly SlotProposal[], config: PaxosConfig, out: PaxosOutput[]): PaxosState {
  let next = s;
  const ballot = s.persistent.ballot;
  for (let i = 0; i < entries.length; i += config.maxEntriesPerMessage) {
    const accept: Accept = {
      type: 'Accept', term: ballot, ballot, entries: entries.slice(i, i + config.maxEntriesPerMessage), chosenThrough: next.volatile.appliedUpTo,
    };
    const others = peers(next);
    for (let k = 0; k < others.length; k++) out.push({ type: 'send', to: others[k]!, message: accept });
    next = handleAccept(next, next.id, accept, config, out);
  }
  if (entries.length === 0 || next.volatile.acceptBeat === next.volatile.beats) return next;
  const v = volatileCopy(next);
  v.acceptBeat = v.beats;
  return withVolatile(next, v);
}

// ---- messages ----------------------------------------------------------------------------------

export function handle(s: PaxosState, input: PaxosInput, config: PaxosConfig): StepResult {
  const out: PaxosOutput[] = [];
  let next: PaxosState;
  if (input.type === 'client') {
    next = config.mode === 'multi' ? handleClientRequest(s, input.from, input.request, config, out) : handleClientRequestSingle(s, input.from, input.request, out);
    return { state: next, outputs: out };
  }
  const m = input.message;
  const seen = m.type === 'Nack' ? m.promised : m.ballot;
  next = s;
  if (seen > s.volatile.maxBallotSeen) {
    const v = volatileCopy(s);
    v.maxBallotSeen = seen;
    next = withVolatile(s, v);
  }
  switch (m.type) {
    case 'Prepare':
      next = handlePrepare(next, input.from, m, config, out);
      break;
    case 'Promise':
      next = handlePromise(next, input.from, m, config, out);
      break;
    case 'Nack':
      next = handleNack(next, m);
      break;
    case 'Accept':
      next = handleAccept(next, input.from, m, config, out);
      break;
    case 'Accepted':
      next = handleAccepted(next, input.from, m, config, out);
      break;
    case 'Heartbeat':
      next = handleHeartbeat(next, input.from, m, config, out);
      break;
    case 'HeartbeatAck':
      next = handleHeartbeatAck(next, input.from, m, config, out);
      break;
    case 'Snapshot':
      next = handleSnapshot(next, input.from, m, config, out);
      break;
    case 'Learn':
      next = handleLearn(next, m, config, out);
      break;
    default: {
      const never: never = m;
      throw new Error(`paxos: unknown message ${JSON.stringify(never)}`);
    }
  }
  return { state: next, outputs: out };
}

function nack(s: PaxosState, ballot: number): Nack {
  return { type: 'Nack', term: s.persistent.promised, ballot, promised: s.persistent.promised };
}

/**
 * Phase 1(b), acceptor (section 2.2): "If an acceptor receives a prepare request with number n greater
 * than that of any prepare request to which it has already responded, then it responds to the request
 * with a promise not to accept any more proposals numbered less than n and with the highest-numbered
 * proposal (if any) that it has accepted." A prepare equal to the promise is answered again: only its
 * own proposer uses a ballot, and it asks again for a later window of slots (see `handlePromise`) or
 * because a reply was lost. Below the promise: a Nack, so the proposer gives up at once (an
 * optimization the paper suggests in section 2.5 rather than silence).
 */
function handlePrepare(s: PaxosState, from: NodeId, m: Prepare, config: PaxosConfig, out: PaxosOutput[]): PaxosState {
  const promised = s.persistent.promised;
  if (m.ballot < promised) {
    out.push({ type: 'send', to: from, message: nack(s, m.ballot) });
    return s;
  }
  let next = s;
  if (m.ballot > promised) {
    // Section 2.3: the promise is on stable storage before the reply (the kernel holds the reply).
    next = withPromised(next, m.ballot);
    const write = promiseWrite(m.ballot, config);
    if (write !== null) out.push(persistOutput(next, write, null, []));
    if (from !== s.id) {
      // Our own ballot can no longer win: our acceptor just promised to refuse it.
      if (next.volatile.role !== 'follower' && m.ballot > next.persistent.ballot) next = becomeFollower(next, null);
      else if (next.volatile.leaderId !== null) next = withLeaderId(next, null);
      // Back off while that proposer runs its ballot (as Raft resets its timer on granting a vote).
      out.push({ type: 'resetElectionTimer' });
    }
  }
  out.push({ type: 'send', to: from, message: promiseFor(next, m, config) });
  return next;
}

/**
 * The Promise for a Prepare: in slot order from `fromSlot`, what this acceptor accepted and (multi
 * mode, as a learner) what it knows chosen, at most maxEntriesPerMessage reports. `complete` says
 * whether that was everything; if not, the candidate asks again from past the last report.
 */
export function promiseFor(s: PaxosState, m: Prepare, config: PaxosConfig): PromiseMessage {
  const multi = config.mode === 'multi';
  const { accepted } = s.persistent;
  const { chosen, chosenOps } = s.volatile;
  let last = highestSlot(accepted);
  if (multi) last = Math.max(last, highestSlot(chosen));
  const reports: PromiseReport[] = [];
  let complete = true;
  for (let slot = m.fromSlot; slot <= last; slot++) {
    const value = multi ? chosen.get(slot) : undefined;
    const a = accepted.get(slot);
    if (value === undefined && a === undefined) continue;
    if (reports.length === config.maxEntriesPerMessage) {
      complete = false;
      break;
    }
    if (value !== undefined) {
      reports.push({ slot, ballot: a?.ballot ?? NO_BALLOT, value, op: chosenOps.get(slot) ?? null, chosen: true });
    } else {
      reports.push({ slot, ballot: a!.ballot, value: a!.value, op: a!.op, chosen: false });
    }
  }
  return { type: 'Promise', term: m.ballot, ballot: m.ballot, fromSlot: m.fromSlot, reports, complete };
}

/**
 * Phase 1, proposer: gather promises for our ballot. Each reported accepted value is kept if its
 * ballot is the highest reported for its slot (reports from more acceptors than a quorum are safe to
 * merge: the highest among them is at least as high as the highest among any quorum's, so it is a
 * value no other can be chosen against). Values an acceptor knows chosen are learned.
 *
 * Promises are bounded (maxEntriesPerMessage reports each), so phase 1 runs in windows: with
 * a phase-1 quorum of promises for the current window, the slots every one of some phase-1 quorum reported
 * on in full are known; if that is not every slot, the candidate asks the next window, from past it,
 * with the same ballot. A lagging candidate catches up this way, one window per round trip.
 */
function handlePromise(s: PaxosState, from: NodeId, m: PromiseMessage, config: PaxosConfig, out: PaxosOutput[]): PaxosState {
  const p1 = s.volatile.phase1;
  // A promise for another ballot, another window, or one we have (a duplicate): nothing to do.
  if (s.volatile.role !== 'candidate' || p1 === null || m.ballot !== s.persistent.ballot || m.fromSlot !== p1.fromSlot || p1.promises.has(from)) {
    return s;
  }
  const reports = copyMap(p1.reports);
  let maxSlot = p1.maxSlot;
  let lastReported = m.fromSlot - 1;
  for (const r of m.reports) {
    lastReported = r.slot;
    if (r.slot > maxSlot) maxSlot = r.slot;
    if (r.chosen) {
      learn(s, r.slot, r, config, out);
      continue;
    }
    const have = reports.get(r.slot);
    if (have === undefined || r.ballot > have.ballot) reports.set(r.slot, { ballot: r.ballot, value: r.value, op: r.op });
  }
  const promises = copyMap(p1.promises).set(from, m.complete ? Infinity : lastReported);
  let next = applyChosen(s, config, out);
  next = withPhase1(next, { startSlot: p1.startSlot, fromSlot: p1.fromSlot, promises, reports, maxSlot });
  const coveredTo = phase1CoveredTo(config, next.members, promises);
  if (coveredTo === null) return next;
  if (coveredTo === Infinity) return becomeLeader(next, config, out);
  next = withPhase1(next, { startSlot: p1.startSlot, fromSlot: coveredTo + 1, promises: new Map(), reports, maxSlot });
  return broadcastPrepare(next, coveredTo + 1, config, out);
}

/** An acceptor refused our ballot: it promised a higher one, so ours cannot win. Give up (section 2.5) and back off. */
function handleNack(s: PaxosState, m: Nack): PaxosState {
  if (s.volatile.role === 'follower' || m.ballot !== s.persistent.ballot || m.promised <= s.persistent.ballot) return s;
  return becomeFollower(s, null);
}

/**
 * A valid message from the proposer of `ballot` (at or above our promise): a proposer with a lower
 * ballot steps down, and a follower follows it and restarts its election timeout (multi mode: the
 * leader's heartbeats keep followers from campaigning; single mode: back off while it works).
 */
function followLeader(s: PaxosState, ballot: number, config: PaxosConfig, out: PaxosOutput[]): PaxosState {
  let next = s;
  if (next.volatile.role !== 'follower' && ballot > next.persistent.ballot) next = becomeFollower(next, null);
  if (next.volatile.role !== 'follower') return next;
  if (config.mode === 'multi') {
    const leader = ballotProposer(ballot, next.members);
    if (leader !== next.volatile.leaderId) next = withLeaderId(next, leader);
  }
  out.push({ type: 'resetElectionTimer' });
  return next;
}

/**
 * Records accepted proposals in place (the one place `accepted` changes) and returns those that are
 * new, for the disk write. One ballot has one proposer, which proposes one value per slot, so an entry
 * already accepted in this ballot is the same and is not written again.
 */
function acceptEntries(s: PaxosState, ballot: number, entries: readonly SlotProposal[]): (SlotProposal & { ballot: number })[] {
  const accepted = s.persistent.accepted as ReadonlyMap<number, AcceptedEntry> & SlotWriter<AcceptedEntry>;
  const written: (SlotProposal & { ballot: number })[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (accepted.get(e.slot)?.ballot === ballot) continue;
    accepted.set(e.slot, { ballot, value: e.value, op: e.op });
    written.push({ slot: e.slot, ballot, value: e.value, op: e.op });
  }
  return written;
}

/**
 * Phase 2(b), acceptor (section 2.2): "If an acceptor receives an accept request for a proposal
 * numbered n, it accepts the proposal unless it has already responded to a prepare request having a
 * number greater than n." Accepting n also raises the promise to n (no lower proposal can be accepted
 * after a higher one). The accepted values are durable before the Accepted reply (section 2.3).
 * Bug accept-lower-ballot: accept even below the promise (and overwrite a higher-ballot value).
 */
function handleAccept(s: PaxosState, from: NodeId, m: Accept, config: PaxosConfig, out: PaxosOutput[]): PaxosState {
  const promised = s.persistent.promised;
  const lower = m.ballot < promised;
  if (lower && !config.bugs.has('accept-lower-ballot')) {
    out.push({ type: 'send', to: from, message: nack(s, m.ballot) });
    return s;
  }
  let next = s;
  if (!lower && from !== s.id) next = followLeader(next, m.ballot, config, out);
  const raised = m.ballot > promised;
  if (raised) next = withPromised(next, m.ballot);
  const accepts = acceptEntries(next, m.ballot, m.entries);
  const promiseToWrite = raised ? promiseWrite(m.ballot, config) : null;
  if (accepts.length > 0 || promiseToWrite !== null) out.push(persistOutput(next, promiseToWrite, null, accepts));
  if (config.mode === 'multi' && !lower && from !== s.id) next = learnFromLeader(next, m.ballot, m.chosenThrough, config, out);
  next = applyChosen(next, config, out);
  const reply: Accepted = {
    type: 'Accepted', term: m.ballot, ballot: m.ballot, slots: m.entries.map((e) => e.slot), learnedThrough: next.volatile.appliedUpTo,
  };
  out.push({ type: 'send', to: from, message: reply });
  return next;
}

/**
 * Multi mode: the leader of `ballot` has learned every slot up to `chosenThrough`. A slot we accepted
 * in that same ballot holds the one value the leader proposed there, and a slot the leader learned is
 * chosen with the value it proposed (any value proposed at or above the ballot a value was chosen in
 * is that value, section 2.2's P2c), so we learn it without the value being sent again.
 */
function learnFromLeader(s: PaxosState, ballot: number, chosenThrough: number, config: PaxosConfig, out: PaxosOutput[]): PaxosState {
  const { accepted } = s.persistent;
  const { chosen } = s.volatile;
  const last = Math.min(chosenThrough, s.volatile.appliedUpTo + LEARN_SCAN_SLOTS);
  for (let slot = s.volatile.appliedUpTo + 1; slot <= last; slot++) {
    if (chosen.has(slot)) continue;
    const a = accepted.get(slot);
    if (a !== undefined && a.ballot === ballot) learn(s, slot, a, config, out);
  }
  return s;
}

/**
 * Phase 2, proposer: a proposal accepted by a phase-2 quorum in our ballot is chosen (section 2.3: the
 * leader learns it from the acceptors' replies). Duplicated and late replies change nothing and never
 * cause a resend; lost ones are made up by the heartbeat's retry.
 */
function handleAccepted(s: PaxosState, from: NodeId, m: Accepted, config: PaxosConfig, out: PaxosOutput[]): PaxosState {
  if (s.volatile.role !== 'leader' || m.ballot !== s.persistent.ballot) return s;
  let next = s;
  if (config.mode === 'multi' && from !== s.id && s.volatile.peerLearned.get(from) !== m.learnedThrough) {
    next = withPeerLearned(next, from, m.learnedThrough);
  }
  let inFlight: Map<number, InFlight> | null = null;
  for (let i = 0; i < m.slots.length; i++) {
    const slot = m.slots[i]!;
    const e = (inFlight ?? next.volatile.inFlight).get(slot);
    const bit = memberBit(next, from);
    if (e === undefined || (e.acks & bit) !== 0) continue;
    inFlight ??= copyMap(next.volatile.inFlight);
    const acks = e.acks | bit;
    if (isPhase2Quorum(config, acks)) {
      inFlight.delete(slot);
      learn(next, slot, e, config, out);
    } else {
      inFlight.set(slot, { value: e.value, op: e.op, acks, sentAtBeat: e.sentAtBeat });
    }
  }
  if (inFlight === null) return next;
  const v = volatileCopy(next);
  v.inFlight = inFlight;
  next = applyChosen(withVolatile(next, v), config, out);
  if (config.mode === 'single' && next.volatile.chosen.has(1)) {
    // Section 2.3: the proposer that learned the value tells the other learners; its work is done.
    const ballot = next.persistent.ballot;
    const learned: Learn = { type: 'Learn', term: ballot, ballot, chosen: [{ slot: 1, value: next.volatile.chosen.get(1)!, op: next.volatile.chosenOps.get(1) ?? null }] };
    for (const p of peers(next)) out.push({ type: 'send', to: p, message: learned });
    next = becomeFollower(next, null);
  }
  return next;
}

/** Multi mode, follower: the leader's heartbeat, with chosen values we lack. */
function handleHeartbeat(s: PaxosState, from: NodeId, m: Heartbeat, config: PaxosConfig, out: PaxosOutput[]): PaxosState {
  if (m.ballot < s.persistent.promised) {
    // A deposed leader: tell it, so it steps down rather than keep followers from electing another.
    out.push({ type: 'send', to: from, message: nack(s, m.ballot) });
    return s;
  }
  let next = followLeader(s, m.ballot, config, out);
  for (let i = 0; i < m.chosen.length; i++) learn(next, m.chosen[i]!.slot, m.chosen[i]!, config, out);
  next = learnFromLeader(next, m.ballot, m.chosenThrough, config, out);
  next = applyChosen(next, config, out);
  const ack: HeartbeatAck = { type: 'HeartbeatAck', term: m.ballot, ballot: m.ballot, learnedThrough: next.volatile.appliedUpTo };
  out.push({ type: 'send', to: from, message: ack });
  return next;
}

/**
 * Multi mode, follower: the leader's state machine through some slot, because we are behind what it
 * still holds values for, or far behind. Every slot through it is chosen and applied there, in order,
 * so we take it as ours (and keep it as our snapshot, which our next write carries to disk), then
 * apply what we already know after it. A snapshot that is not ahead of us changes nothing; either way
 * it counts as the leader's heartbeat.
 */
function handleSnapshot(s: PaxosState, from: NodeId, m: SnapshotMessage, config: PaxosConfig, out: PaxosOutput[]): PaxosState {
  if (m.ballot < s.persistent.promised) {
    out.push({ type: 'send', to: from, message: nack(s, m.ballot) });
    return s;
  }
  let next = followLeader(s, m.ballot, config, out);
  const snapshot = m.snapshot;
  if (next.volatile.role === 'follower' && snapshot.throughSlot > next.volatile.appliedUpTo) {
    const v = volatileCopy(next);
    v.appliedUpTo = snapshot.throughSlot;
    v.heldFrom = snapshot.throughSlot + 1;
    v.kv = snapshot.kv;
    v.sessions = snapshot.sessions;
    next = withSnapshot(withVolatile(next, v), snapshot);
    next = applyChosen(next, config, out);
  }
  const ack: HeartbeatAck = { type: 'HeartbeatAck', term: m.ballot, ballot: m.ballot, learnedThrough: next.volatile.appliedUpTo };
  out.push({ type: 'send', to: from, message: ack });
  return next;
}

/**
 * Multi mode, leader: how far a follower has learned, which catch-up starts from. The latest report
 * wins (a restarted follower reports less than before). Flow control, as etcd's Progress: the next
 * catch-up batch goes out at once only on the ack that shows the previous batch learned, so one batch
 * per follower is in flight, and a duplicated or reordered ack (below the batch sent since) sends
 * nothing. Anything else waits for the heartbeat timer.
 */
function handleHeartbeatAck(s: PaxosState, from: NodeId, m: HeartbeatAck, config: PaxosConfig, out: PaxosOutput[]): PaxosState {
  if (s.volatile.role !== 'leader' || m.ballot !== s.persistent.ballot) return s;
  let next = s;
  if (s.volatile.peerLearned.get(from) !== m.learnedThrough) {
    next = withPeerLearned(s, from, m.learnedThrough);
  }
  const batchEnd = next.volatile.catchUpThrough.get(from);
  if (batchEnd === undefined || m.learnedThrough < batchEnd) return next;
  const catchUpThrough = copyMap(next.volatile.catchUpThrough);
  catchUpThrough.delete(from);
  next = withCatchUpThrough(next, catchUpThrough);
  return m.learnedThrough < next.volatile.appliedUpTo ? sendHeartbeat(next, from, config, out) : next;
}

/** Single mode: another proposer learned the chosen value. */
function handleLearn(s: PaxosState, m: Learn, config: PaxosConfig, out: PaxosOutput[]): PaxosState {
  for (const e of m.chosen) learn(s, e.slot, e, config, out);
  const next = applyChosen(s, config, out);
  if (config.mode === 'single' && next.volatile.chosen.has(1) && next.volatile.role !== 'follower') return becomeFollower(next, null);
  return next;
}

/**
 * Leader heartbeat (every heartbeatMs). Multi mode: a Heartbeat to every follower (it keeps them from
 * campaigning, section 2.4's distinguished proposer), carrying the chosen values it lacks from what it
 * last reported, at most maxEntriesPerMessage. Both modes: phase 2a again, to the acceptors that have
 * not accepted it, for every proposal at least a whole interval old and still not chosen (its Accept
 * or the reply may be lost). Retries are driven by this timer only, never by replies.
 */
export function heartbeat(s: PaxosState, config: PaxosConfig): StepResult {
  if (s.volatile.role !== 'leader') return { state: s, outputs: [] };
  const out: PaxosOutput[] = [];
  const beats = s.volatile.beats + 1;
  const ballot = s.persistent.ballot;
  const resend = new Map<NodeId, SlotProposal[]>();
  let inFlight: Map<number, InFlight> | null = null;
  for (const [slot, e] of s.volatile.inFlight) {
    if (beats - e.sentAtBeat < 2) continue;
    let resent = false;
    for (const p of peers(s)) {
      if ((e.acks & memberBit(s, p)) !== 0) continue;
      let list = resend.get(p);
      if (list === undefined) resend.set(p, (list = []));
      if (list.length >= config.maxEntriesPerMessage) continue;
      list.push({ slot, value: e.value, op: e.op });
      resent = true;
    }
    if (resent) (inFlight ??= copyMap(s.volatile.inFlight)).set(slot, { value: e.value, op: e.op, acks: e.acks, sentAtBeat: beats });
  }
  for (const [p, entries] of resend) {
    if (entries.length === 0) continue;
    const accept: Accept = { type: 'Accept', term: ballot, ballot, entries, chosenThrough: s.volatile.appliedUpTo };
    out.push({ type: 'send', to: p, message: accept });
  }
  const v = volatileCopy(s);
  v.beats = beats;
  if (inFlight !== null) v.inFlight = inFlight;
  v.appliedAtBeat = s.volatile.appliedUpTo;
  let next = withVolatile(s, v);
  if (config.mode === 'multi') {
    // As Raft's leader skips followers that just had an AppendEntries: an Accept since the last beat
    // kept every follower from campaigning and told it how far the leader has learned. A follower
    // that reported learning everything chosen by the last beat needs no values either; one that is
    // behind (a lost Accept, back from a crash or a partition) gets its heartbeat and catch-up.
    const acceptedSinceBeat = s.volatile.acceptBeat === s.volatile.beats;
    const others = peers(s);
    for (let i = 0; i < others.length; i++) {
      const p = others[i]!;
      if (acceptedSinceBeat && !s.volatile.catchUpThrough.has(p) && (s.volatile.peerLearned.get(p) ?? -1) >= s.volatile.appliedAtBeat) continue;
      next = sendHeartbeat(next, p, config, out);
    }
  }
  return { state: next, outputs: out };
}

/**
 * Sends `peer` its Heartbeat, noting the end of the catch-up batch it carries (if any); or, when the
 * peer is behind the first value this leader holds or more than SNAPSHOT_CATCH_UP_SLOTS behind, the
 * leader's state machine as a snapshot instead (noted the same way, so the ack that shows it
 * installed sends what follows at once).
 */
function sendHeartbeat(s: PaxosState, peer: NodeId, config: PaxosConfig, out: PaxosOutput[]): PaxosState {
  const learned = s.volatile.peerLearned.get(peer);
  const applied = s.volatile.appliedUpTo;
  if (learned !== undefined && learned < applied && (learned + 1 < s.volatile.heldFrom || applied - learned > SNAPSHOT_CATCH_UP_SLOTS)) {
    const ballot = s.persistent.ballot;
    const snapshot: PaxosSnapshot = { throughSlot: applied, kv: s.volatile.kv, sessions: s.volatile.sessions };
    const message: SnapshotMessage = { type: 'Snapshot', term: ballot, ballot, snapshot };
    out.push({ type: 'send', to: peer, message });
    return withCatchUpThrough(s, copyMap(s.volatile.catchUpThrough).set(peer, applied));
  }
  const message = heartbeatFor(s, peer, config);
  out.push({ type: 'send', to: peer, message });
  if (message.chosen.length === 0) return s;
  const end = message.chosen[message.chosen.length - 1]!.slot;
  return withCatchUpThrough(s, copyMap(s.volatile.catchUpThrough).set(peer, end));
}

/** The Heartbeat a leader sends `peer`: the chosen values after what it last reported learning (none while unknown). */
export function heartbeatFor(s: PaxosState, peer: NodeId, config: PaxosConfig): Heartbeat {
  const ballot = s.persistent.ballot;
  const learned = s.volatile.peerLearned.get(peer);
  const chosen: SlotProposal[] = [];
  if (learned !== undefined) {
    const last = Math.min(s.volatile.appliedUpTo, learned + config.maxEntriesPerMessage);
    for (let slot = learned + 1; slot <= last; slot++) {
      const value = s.volatile.chosen.get(slot);
      // sendHeartbeat sends a snapshot to a peer behind heldFrom; from there every applied value is held.
      if (value === undefined) throw new Error(`paxos: ${s.id} has no value for slot ${slot} (held from ${s.volatile.heldFrom}, applied ${s.volatile.appliedUpTo})`);
      chosen.push({ slot, value, op: s.volatile.chosenOps.get(slot) ?? null });
    }
  }
  return { type: 'Heartbeat', term: ballot, ballot, chosen, chosenThrough: s.volatile.appliedUpTo };
}

// ---- clients ------------------------------------------------------------------------------------

/**
 * Multi mode (section 3): the leader gives a client's command the next slot and runs phase 2 for it;
 * it answers once the slot is chosen and applied. Any other node redirects to the leader it knows.
 */
function handleClientRequest(s: PaxosState, from: ClientId, req: ClientRequest, config: PaxosConfig, out: PaxosOutput[]): PaxosState {
  if (s.volatile.role !== 'leader') {
    const leaderHint = s.volatile.leaderId === s.id ? null : s.volatile.leaderId;
    out.push({ type: 'send', to: from, message: { type: 'ClientRedirect', term: 0, opId: req.opId, leaderHint } });
    return s;
  }
  // A retransmitted request the state machine already executed: answer from the session.
  const session = s.volatile.sessions.get(from);
  if (session !== undefined && session.opId >= req.opId) {
    if (session.opId === req.opId) out.push({ type: 'send', to: from, message: clientReply(session) });
    return s;
  }
  for (const pending of s.volatile.pendingReplies.values()) {
    if (pending.client === from && pending.opId === req.opId) return s; // already proposed
  }
  // Bounded: past this the request is not proposed, and the client times out.
  if (s.volatile.inFlight.size >= MAX_IN_FLIGHT_SLOTS) return s;
  const slot = s.volatile.nextSlot;
  const proposal = clientProposal(from, req);
  // Fixed-shape literals, not spreads: this runs for every client request (as withVolatile).
  const inFlight = copyMap(s.volatile.inFlight).set(slot, { value: proposal.value, op: proposal.op, acks: 0, sentAtBeat: s.volatile.beats });
  const pendingReplies = copyMap(s.volatile.pendingReplies).set(slot, { client: from, opId: req.opId });
  out.push({ type: 'propose', slot, ballot: s.persistent.ballot, value: proposal.value });
  const v = volatileCopy(s);
  v.inFlight = inFlight;
  v.pendingReplies = pendingReplies;
  v.nextSlot = slot + 1;
  const next = withVolatile(s, v);
  return broadcastAccept(next, [{ slot, value: proposal.value, op: proposal.op }], config, out);
}

/**
 * Single mode: the first client command a node sees becomes the value it proposes when its timer
 * fires (unless phase 1 makes it adopt another). Every client is answered once the value is chosen:
 * ok with the result if its command was the one chosen, fail otherwise (it never will be).
 */
function handleClientRequestSingle(s: PaxosState, from: ClientId, req: ClientRequest, out: PaxosOutput[]): PaxosState {
  if (s.volatile.chosen.has(1)) {
    const session = s.volatile.sessions.get(from);
    out.push({ type: 'send', to: from, message: session !== undefined && session.opId === req.opId ? clientReply(session) : failReply(req.opId) });
    return s;
  }
  const waiting = s.volatile.waitingClients;
  if (!waiting.has(from) && waiting.size >= MAX_WAITING_CLIENTS) return s; // bounded: it times out
  const v = volatileCopy(s);
  v.waitingClients = new Map(waiting).set(from, req.opId);
  if (v.ownProposal.op === null) v.ownProposal = clientProposal(from, req);
  return withVolatile(s, v);
}
