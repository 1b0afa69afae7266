/**
 * Raft's state, messages and outputs (Ongaro and Ousterhout, "In Search of an Understandable
 * Consensus Algorithm", Figure 2). Persistent and volatile state are separate types so that a crash
 * and restart keep exactly what was made durable.
 */
import type { ClientOperation, ClientRequest, NodeId, ClientId } from '../../sim/types';
import type { PeerIndexes } from './peer-indexes';

export type Role = 'follower' | 'candidate' | 'leader';

/** What a log entry carries. `noop` is the blank entry a new leader commits (Raft section 8). */
export type Command =
  | { kind: 'noop' }
  | ({ kind: 'client'; client: ClientId } & ClientOperation);
// Room for later issues: { kind: 'config'; members } for membership changes (section 6).

export interface LogEntry {
  readonly term: number;
  readonly command: Command;
}

/** Figure 2, "Persistent state on all servers", updated on stable storage before responding to RPCs. */
export interface RaftPersistent {
  readonly currentTerm: number;
  readonly votedFor: NodeId | null;
  /** 1-based in Raft; log[i - 1] holds entry i. */
  readonly log: readonly LogEntry[];
  /**
   * The latest snapshot of the state machine (section 7), or null. It is written with the node's next
   * disk write, and a restart resumes the state machine from it instead of re-applying the whole log.
   * The log itself is kept whole (no compaction, so no InstallSnapshot is needed).
   */
  readonly snapshot: RaftSnapshot | null;
}

/** Section 7: the state machine as of `lastIncludedIndex` (whose entry has `lastIncludedTerm`). */
export interface RaftSnapshot {
  readonly lastIncludedIndex: number;
  readonly lastIncludedTerm: number;
  readonly kv: ReadonlyMap<string, string>;
  readonly sessions: ReadonlyMap<ClientId, SessionResult>;
}

/** A client request the leader appended and still has to answer once it is applied. */
export interface PendingReply {
  readonly client: ClientId;
  readonly opId: number;
}

/** The result the state machine returned for a client's latest operation (Raft section 8 dedup). */
export interface SessionResult {
  readonly opId: number;
  readonly ok: boolean;
  readonly value: string;
}

/** Figure 2, "Volatile state"; lost on a crash. */
export interface RaftVolatile {
  readonly role: Role;
  readonly leaderId: NodeId | null;
  readonly commitIndex: number;
  readonly lastApplied: number;
  /** Length of our own log known to be on disk: what a leader may count as its own replica. */
  readonly durableIndex: number;
  /** Candidate: who granted a vote this term, and who answered at all (granted or not). */
  readonly votesGranted: ReadonlySet<NodeId>;
  readonly votesResponded: ReadonlySet<NodeId>;
  /** Leader: per follower, index of the next entry to send, and highest index known replicated. */
  readonly nextIndex: PeerIndexes;
  readonly matchIndex: PeerIndexes;
  /** Leader: followers sent an AppendEntries since the last heartbeat (the next heartbeat skips them). */
  readonly sentSinceHeartbeat: ReadonlySet<NodeId>;
  /** Leader: log index -> client waiting for it. */
  readonly pendingReplies: ReadonlyMap<number, PendingReply>;
  /** The key-value state machine, applied in log order. */
  readonly kv: ReadonlyMap<string, string>;
  readonly sessions: ReadonlyMap<ClientId, SessionResult>;
  // Room for later issues: PreVote state, read-lease expiry, learners.
}

export interface RaftState {
  readonly id: NodeId;
  readonly members: readonly NodeId[];
  readonly persistent: RaftPersistent;
  readonly volatile: RaftVolatile;
}

export interface RequestVote {
  readonly type: 'RequestVote';
  readonly term: number;
  readonly candidateId: NodeId;
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
}

export interface RequestVoteResponse {
  readonly type: 'RequestVoteResponse';
  readonly term: number;
  readonly voteGranted: boolean;
}

export interface AppendEntries {
  readonly type: 'AppendEntries';
  readonly term: number;
  readonly leaderId: NodeId;
  readonly prevLogIndex: number;
  readonly prevLogTerm: number;
  readonly entries: readonly LogEntry[];
  readonly leaderCommit: number;
}

export interface AppendEntriesResponse {
  readonly type: 'AppendEntriesResponse';
  readonly term: number;
  readonly success: boolean;
  /** On success: the last index now known to match the leader. On failure: the follower's last index (a hint). */
  readonly matchIndex: number;
}

export type RaftMessage = RequestVote | RequestVoteResponse | AppendEntries | AppendEntriesResponse;

/** A change to the log: drop entries from `truncateFrom` on (if set), then append `entries`. */
export interface LogEdit {
  readonly truncateFrom: number | null;
  /** Index of the first appended entry. */
  readonly startIndex: number;
  readonly entries: readonly LogEntry[];
}

/** What is written to disk: the new term and vote, a log edit, and the latest snapshot. */
export interface RaftWrite {
  readonly currentTerm: number;
  readonly votedFor: NodeId | null;
  readonly logEdit: LogEdit | null;
  readonly snapshot: RaftSnapshot | null;
}

/** Handler outputs, drained by the node host in order. */
export type RaftOutput =
  | { readonly type: 'send'; readonly to: NodeId | ClientId; readonly message: RaftMessage | import('../../sim/types').ClientMessage }
  | { readonly type: 'persist'; readonly write: RaftWrite }
  | { readonly type: 'resetElectionTimer' }
  | { readonly type: 'applied'; readonly index: number };

export type RaftInput =
  | { readonly type: 'message'; readonly from: NodeId; readonly message: RaftMessage }
  | { readonly type: 'client'; readonly from: ClientId; readonly request: ClientRequest };

export interface RaftConfig {
  readonly bugs: ReadonlySet<string>;
  readonly maxEntriesPerMessage: number;
}

export interface StepResult {
  readonly state: RaftState;
  readonly outputs: readonly RaftOutput[];
}
