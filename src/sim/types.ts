/**
 * Types shared by the kernel and the protocols that run on it.
 *
 * A protocol node never touches another node, the network, the disk or the clock directly: it gets
 * a NodeEnv (send, persist, record, a clock, its own random stream) and reacts to messages and timers.
 */
import type { Rng } from './rng';
import type { TraceEvent, NodeId, ClientId, Address } from './trace';
import type { DetailWriter } from './trace';
import type { TimerId } from './clock';

export type { NodeId, ClientId, Address };

/** The slice of XState's clock interface the kernel implements. */
export interface ActorClock {
  setTimeout: (fn: () => void, delayMs: number) => TimerId;
  clearTimeout: (id: TimerId) => void;
}

/** Every message on the wire carries a type and the sender's term (0 where terms do not apply). */
export interface Message {
  readonly type: string;
  readonly term: number;
}

export type ClientOpKind = 'read' | 'write' | 'cas';

/** What a client asks for: the same fields in a request, a log entry and a history record. */
export interface ClientOperation {
  readonly opId: number;
  readonly op: ClientOpKind;
  readonly key: string;
  /** The value to write, or the new value of a cas; null for reads. */
  readonly value: string | null;
  /** For cas: the value the key must hold for the swap to happen. */
  readonly expected: string | null;
}

export interface ClientRequest extends Message, ClientOperation {
  readonly type: 'ClientRequest';
}

/** The outcome of a client operation the cluster executed (`ok`) or definitely did not (`fail`). */
export interface ClientReply extends Message {
  readonly type: 'ClientReply';
  readonly opId: number;
  readonly ok: boolean;
  /** Value read (`nil` when absent) for reads; the written value for writes and cas. */
  readonly value: string;
  /**
   * With ok false: the operation was refused and will never execute (single-decree Paxos chose another
   * command), as opposed to a cas that ran and found another value. The client records it as a fail
   * that carries no information about the register.
   */
  readonly rejected?: boolean;
  /**
   * With rejected: why, when it is a "retry later" (the node's admission control: `overloaded`). The
   * operation did not run here; the client may send it again (the same operation).
   */
  readonly reason?: 'overloaded';
}

/** "Not the leader; try this node": the request was not executed. */
export interface ClientRedirect extends Message {
  readonly type: 'ClientRedirect';
  readonly opId: number;
  readonly leaderHint: NodeId | null;
}

export type ClientMessage = ClientRequest | ClientReply | ClientRedirect;

/** Trace events a node may record; the kernel stamps the time. */
export type NodeTraceEvent = Extract<TraceEvent, { kind: 'role' | 'term' | 'append' | 'commit' | 'timer' | 'promise' | 'accepted' | 'propose' | 'chosen' }>;
export type WithoutTime<E> = E extends { atMs: number } ? Omit<E, 'atMs'> : never;

export interface NodeEnv {
  readonly id: NodeId;
  /** All cluster members, including this node, in id order. */
  readonly members: readonly NodeId[];
  /** This node's clock: virtual time, frozen while the node is paused. */
  readonly clock: ActorClock;
  /**
   * Time now as this node's own clock reads it, in ms: virtual time, unless a clock-skew fault made
   * the clock run fast or slow (its timers then fire by this clock too).
   */
  nowMs(): number;
  /** The virtual time at which this node's clock will read `localMs` (for views: a deadline on the shared axis). */
  localToVirtualMs(localMs: number): number;
  /** This node's random stream (election timeouts, backoff). */
  readonly rng: Rng;
  /**
   * Sends a message. Raft and Paxos reply only after persisting, so a message is held back until every
   * disk write this node issued before it is durable (fsync completed).
   */
  send(to: Address, message: Message): void;
  /**
   * Queues a disk write; it becomes durable when its fsync completes, and then `onDurable` runs with
   * it (unless the node crashed first). Writes complete in the order they were issued. (The write is
   * passed back so a node can acknowledge every write with one function rather than a closure each.)
   */
  persist<W>(write: W, onDurable?: (write: W) => void): void;
  record(event: WithoutTime<NodeTraceEvent>): void;
}

/** A running protocol node, as the kernel sees it. */
export interface ProtocolNode {
  receive(from: Address, message: Message): void;
  /** Stops the node (crash): cancels its timers. Volatile state is lost with the object. */
  stop(): void;
  /** A read-only view of the node's state for invariants, tests and the UI. */
  view(): unknown;
}

/** What a protocol provides to the kernel. D = durable state, W = a disk write. */
export interface ProtocolFactory<D = unknown, W = unknown> {
  readonly name: string;
  /** Boots a node: fresh (durable = empty) or after a restart (durable = what survived). */
  create(env: NodeEnv, durable: D, options: ProtocolOptions): ProtocolNode;
  emptyDurable(): D;
  /** Applies one completed write to the durable state (mutating it) at fsync completion. */
  applyWrite(durable: D, write: W): void;
  /** Deep copy, so a restarted node never aliases what is on disk. */
  cloneDurable(durable: D): D;
  /** Trace summary of a message: the detail string shown in `sent` events. */
  describe(message: Message): string;
  /**
   * Optional: the same text as `describe`, written piece by piece (the kernel then writes a send's
   * detail straight into the trace). A factory that has it should derive `describe` from it.
   */
  describeInto?(message: Message, out: DetailWriter): void;
}

export interface ProtocolOptions {
  readonly heartbeatMs: number;
  readonly electionTimeoutMinMs: number;
  readonly electionTimeoutMaxMs: number;
  readonly bugs: ReadonlySet<string>;
  /** Upper bound on entries carried by one replication message. */
  readonly maxEntriesPerMessage: number;
  /**
   * Paxos only: the mode and the quorum sizes in effect (majorities already filled in), or a grid of
   * rows x columns (then the sizes are a column's and a row's).
   */
  readonly paxos: {
    readonly mode: 'multi' | 'single';
    readonly phase1Quorum: number;
    readonly phase2Quorum: number;
    readonly grid: { readonly rows: number; readonly columns: number } | null;
  };
}
