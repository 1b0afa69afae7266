/**
 * Paxos's state, messages and outputs (Lamport, "Paxos Made Simple", 2001): single-decree Paxos
 * (section 2) and Multi-Paxos with a distinguished leader and a sequence of slots (section 3).
 * Persistent (acceptor) and volatile (proposer, learner) state are separate types, so a crash and
 * restart keep exactly what was made durable.
 */
import type { ClientId, ClientRequest, NodeId } from '../../sim/types';
import type { Command, SessionResult } from '../raft/types';
import type { GridShape } from './quorums';

export type { SessionResult };

/**
 * follower: an acceptor and learner only (multi: following a leader; single: idle, waiting for its
 * backoff timer). candidate: running phase 1 for its ballot. leader: its phase 1 succeeded and it
 * runs phase 2 (multi: for every slot from then on; single: for slot 1).
 */
export type Role = 'follower' | 'candidate' | 'leader';

export type PaxosMode = 'multi' | 'single';

/** A client's operation, as a proposal carries it (the same shape as a Raft log entry's command). */
export type ClientCommand = Extract<Command, { kind: 'client' }>;

/**
 * A proposed value: its canonical text (what traces, views and invariants compare) and the client
 * operation applying it executes (null for the gap filler 'noop' and for a single-mode proposer's
 * own token `${nodeId}:v`, which leave the key-value map alone).
 */
export interface Proposal {
  readonly value: string;
  readonly op: ClientCommand | null;
}

/** What an acceptor accepted for one slot: the proposal and the ballot it came in (phase 2b). */
export interface AcceptedEntry extends Proposal {
  readonly ballot: number;
}

/** A proposal for a given slot, as Accept and Learn messages carry it. */
export interface SlotProposal extends Proposal {
  readonly slot: number;
}

/** What an acceptor reports for a slot in its Promise (phase 1b). */
export interface PromiseReport extends SlotProposal {
  /** The ballot it accepted the value in (NO_BALLOT when it only knows the value chosen). */
  readonly ballot: number;
  /**
   * Multi mode: the acceptor, as a learner, knows this value is chosen, so the candidate learns it
   * rather than proposing the slot again (section 3: a new leader "should already know most of the
   * commands that have been chosen"; this is how a lagging one catches up). Always false in single mode.
   */
  readonly chosen: boolean;
}

/** The acceptor's durable state: Paxos Made Simple, section 2.3 ("an acceptor must remember ... even if it fails"). */
export interface PaxosPersistent {
  /** The highest ballot it has promised (responded to a prepare request of). */
  readonly promised: number;
  /**
   * The highest ballot this node has used as a proposer. Section 2.3: a proposer "remembers (in stable
   * storage) the highest-numbered proposal it has tried to issue", so after a restart it never reuses
   * one with a different value.
   */
  readonly ballot: number;
  /** slot -> the highest-ballot proposal accepted there. Mutated in place by `acceptEntries` only (see core.ts). */
  readonly accepted: ReadonlyMap<number, AcceptedEntry>;
  /**
   * The learner's latest snapshot of its state machine (null before its first). Not acceptor state:
   * a chosen value stays chosen, so what a learner applied may be kept and never needs retracting.
   * It rides the node's next disk write (see core.ts `takeSnapshot`), and a restart resumes from it.
   */
  readonly snapshot: PaxosSnapshot | null;
}

/**
 * A learner's state machine after applying every slot up to `throughSlot`: the key-value map and the
 * client sessions, shared by reference (both are immutable once applied). What a restarted node
 * resumes from, and what a leader sends a follower whose missing values it no longer holds, or that
 * is too far behind to catch up value by value (Multi-Paxos's counterpart of Raft's InstallSnapshot,
 * section 7 of the Raft paper).
 */
export interface PaxosSnapshot {
  readonly throughSlot: number;
  readonly kv: ReadonlyMap<string, string>;
  readonly sessions: ReadonlyMap<ClientId, SessionResult>;
}

/** A client request a leader proposed and still has to answer once its slot is applied. */
export interface PendingReply {
  readonly client: ClientId;
  readonly opId: number;
}

/** Phase 1 in progress (candidate): one window of slots at a time, see core.ts `handlePromise`. */
export interface Phase1 {
  /** The first slot of the whole phase 1 (the first slot the candidate had not learned chosen). */
  readonly startSlot: number;
  /** The first slot of the window the current Prepare asks about. */
  readonly fromSlot: number;
  /** Acceptor -> the last slot its Promise for this window covers (Infinity: all of them). */
  readonly promises: ReadonlyMap<NodeId, number>;
  /** slot -> the highest-ballot accepted value reported by any acceptor that promised our ballot. */
  readonly reports: ReadonlyMap<number, AcceptedEntry>;
  /** The highest slot any promise reported (accepted or chosen); startSlot - 1 when none did. */
  readonly maxSlot: number;
}

/** A leader's proposal for a slot that is not chosen yet. */
export interface InFlight extends Proposal {
  /**
   * Acceptors that accepted it in our ballot (phase 2b replies, ourselves included once durable), as
   * a bitmask over the members (bit i is members[i]; clusters have at most 9): one is made per reply.
   */
  readonly acks: number;
  /** The leader's heartbeat count when it was last sent: resent only once a whole interval old. */
  readonly sentAtBeat: number;
}

/** Volatile state: lost on a crash. */
export interface PaxosVolatile {
  readonly role: Role;
  /** The leader this node follows (multi), or itself when leading; null when it knows none. */
  readonly leaderId: NodeId | null;
  /** The highest ballot seen anywhere (promises, messages, nacks): the next ballot goes above it. */
  readonly maxBallotSeen: number;
  /** Candidate only. */
  readonly phase1: Phase1 | null;
  /**
   * Leader: the acceptors whose promises completed its phase 1 (the last window's quorum); empty
   * otherwise. Nothing decides by it: the views draw it as the phase-1 quorum the leader used.
   */
  readonly wonWith: readonly NodeId[];
  /** Leader: slot -> proposal not yet known chosen, in slot order. */
  readonly inFlight: ReadonlyMap<number, InFlight>;
  /** Leader (multi): the next free slot for a client request. */
  readonly nextSlot: number;
  /** Leader: heartbeats sent in this ballot (the clock of the retry rule, see `heartbeat`). */
  readonly beats: number;
  /** Leader (multi): per peer, the highest slot up to which it reported having learned every value. */
  readonly peerLearned: ReadonlyMap<NodeId, number>;
  /** Leader (multi): per peer, the last slot of the catch-up batch sent last (flow control, see `handleHeartbeatAck`). */
  readonly catchUpThrough: ReadonlyMap<NodeId, number>;
  /** Leader (multi): slot -> client waiting for it. */
  readonly pendingReplies: ReadonlyMap<number, PendingReply>;
  /**
   * Learner: slot -> chosen value text, and slot -> its client operation. Both mutated in place by
   * `learn` only. `chosenOps` keeps what applying and catching others up need; `chosen` is the view.
   */
  readonly chosen: ReadonlyMap<number, string>;
  readonly chosenOps: ReadonlyMap<number, ClientCommand | null>;
  /** Every slot up to this one is chosen, known and applied (so appliedUpTo + 1 is the first slot not learned). */
  readonly appliedUpTo: number;
  /**
   * The first slot whose chosen value this learner may hold: 1, or past the snapshot it restarted
   * from or installed (the values before it were applied elsewhere and never held here). A leader
   * catches a follower up value by value only from here; behind it, it sends its snapshot.
   */
  readonly heldFrom: number;
  /** Leader (multi): the heartbeat count when it last sent every peer an Accept (see `heartbeat`: those need no heartbeat). */
  readonly acceptBeat: number;
  /** Leader (multi): appliedUpTo at its latest heartbeat: a peer that has learned that far needs no catch-up. */
  readonly appliedAtBeat: number;
  readonly kv: ReadonlyMap<string, string>;
  readonly sessions: ReadonlyMap<ClientId, SessionResult>;
  /** Single mode: the value this node proposes when it has no accepted value to adopt (its first client's command, or its token). */
  readonly ownProposal: Proposal;
  /** Single mode: clients waiting for slot 1 to be chosen (client -> opId), answered when it is. */
  readonly waitingClients: ReadonlyMap<ClientId, number>;
}

export interface PaxosState {
  readonly id: NodeId;
  readonly members: readonly NodeId[];
  readonly persistent: PaxosPersistent;
  readonly volatile: PaxosVolatile;
}

// ---- messages (every one carries its ballot as the Message `term`, for the trace) ----------------

/** Phase 1a: "prepare request with number n", for every slot from `fromSlot` on (section 3). */
export interface Prepare {
  readonly type: 'Prepare';
  readonly term: number;
  readonly ballot: number;
  readonly fromSlot: number;
}

/** Phase 1b: the promise, with what the acceptor accepted (or knows chosen) from `fromSlot` on. */
export interface PromiseMessage {
  readonly type: 'Promise';
  readonly term: number;
  readonly ballot: number;
  readonly fromSlot: number;
  /** In slot order, at most maxEntriesPerMessage. */
  readonly reports: readonly PromiseReport[];
  /** False when the acceptor has more to report past the last report (the candidate asks again from there). */
  readonly complete: boolean;
}

/** "You are too late": the acceptor has promised `promised`, above the ballot of the request. */
export interface Nack {
  readonly type: 'Nack';
  readonly term: number;
  /** The ballot of the refused request. */
  readonly ballot: number;
  readonly promised: number;
}

/** Phase 2a: accept these proposals in this ballot. */
export interface Accept {
  readonly type: 'Accept';
  readonly term: number;
  readonly ballot: number;
  /** In slot order, at most maxEntriesPerMessage. */
  readonly entries: readonly SlotProposal[];
  /** Multi: the leader has learned every slot up to here (a follower that accepted those in this ballot learns them). */
  readonly chosenThrough: number;
}

/** Phase 2b: accepted these slots in this ballot (sent once the accepted values are durable). */
export interface Accepted {
  readonly type: 'Accepted';
  readonly term: number;
  readonly ballot: number;
  readonly slots: readonly number[];
  /** The acceptor (as a learner) knows every slot up to here: what the leader's catch-up starts from. */
  readonly learnedThrough: number;
}

/** Multi: the leader's heartbeat, carrying the chosen values the follower lacks (at most maxEntriesPerMessage). */
export interface Heartbeat {
  readonly type: 'Heartbeat';
  readonly term: number;
  readonly ballot: number;
  readonly chosen: readonly SlotProposal[];
  readonly chosenThrough: number;
}

/** Multi: a follower's answer to a heartbeat: how far it has learned. */
export interface HeartbeatAck {
  readonly type: 'HeartbeatAck';
  readonly term: number;
  readonly ballot: number;
  readonly learnedThrough: number;
}

/**
 * Multi: the leader's state machine through `throughSlot`, for a follower it cannot (or should not)
 * catch up value by value; it also serves as that interval's heartbeat, and is answered by a
 * HeartbeatAck.
 */
export interface SnapshotMessage {
  readonly type: 'Snapshot';
  readonly term: number;
  readonly ballot: number;
  readonly snapshot: PaxosSnapshot;
}

/** Single: a proposer that learned the chosen value tells every learner (section 2.3, "Learning a Chosen Value"). */
export interface Learn {
  readonly type: 'Learn';
  readonly term: number;
  readonly ballot: number;
  readonly chosen: readonly SlotProposal[];
}

export type PaxosMessage = Prepare | PromiseMessage | Nack | Accept | Accepted | Heartbeat | HeartbeatAck | SnapshotMessage | Learn;

/** What is written to disk. null fields are unchanged. */
export interface PaxosWrite {
  readonly promised: number | null;
  readonly ballot: number | null;
  readonly accepts: readonly (SlotProposal & { readonly ballot: number })[];
  /** The node's latest snapshot, carried by every write (a reference, so it costs no write of its own). */
  readonly snapshot: PaxosSnapshot | null;
}

/** Handler outputs, drained by the node host in order. */
export type PaxosOutput =
  | { readonly type: 'send'; readonly to: NodeId | ClientId; readonly message: PaxosMessage | import('../../sim/types').ClientMessage }
  | { readonly type: 'persist'; readonly write: PaxosWrite }
  | { readonly type: 'resetElectionTimer' }
  /** A proposer sent phase 2a for a slot (recorded once per proposal, not per resend). */
  | { readonly type: 'propose'; readonly slot: number; readonly ballot: number; readonly value: string }
  /** This node learned a slot's value is chosen. */
  | { readonly type: 'chosen'; readonly slot: number; readonly value: string };

export type PaxosInput =
  | { readonly type: 'message'; readonly from: NodeId; readonly message: PaxosMessage }
  | { readonly type: 'client'; readonly from: ClientId; readonly request: ClientRequest };

export interface PaxosConfig {
  readonly mode: PaxosMode;
  /** Quorum sizes; with a grid, a column's and a row's (quorums.ts decides what is a quorum). */
  readonly phase1Quorum: number;
  readonly phase2Quorum: number;
  /** A grid quorum system (a phase-1 quorum is a whole column, a phase-2 quorum a whole row), or null. */
  readonly grid: GridShape | null;
  readonly bugs: ReadonlySet<string>;
  readonly maxEntriesPerMessage: number;
}

export interface StepResult {
  readonly state: PaxosState;
  readonly outputs: readonly PaxosOutput[];
}
