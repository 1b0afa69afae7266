/**
 * The host of one Paxos node. It owns the node's state, hands every message to the pure handlers of
 * core.ts, performs their outputs through the kernel (send, persist), records what happened (role,
 * promise, accepted, propose, chosen) in the trace, and runs the statechart of ../leader-chart.ts, which owns
 * the roles and timers and tells it when to start a ballot, retry a Prepare or send heartbeats.
 *
 * Messages a node sends itself (its acceptor's Promise and Accepted replies to its own proposer) do not
 * go through the network: they are delivered locally, but only once every disk write issued before
 * them is durable, exactly as the kernel holds replies to other nodes (persist before reply).
 */
import { createActor, type Actor } from 'xstate';
import type { Address, Message, NodeEnv, NodeTraceEvent, ProtocolFactory, ProtocolNode, ProtocolOptions, WithoutTime } from '../../sim/types';
import { StringDetailWriter, type DetailWriter } from '../../sim/trace';
import { applyWrite, handle, heartbeat, initialState, resendPrepares, startElection } from './core';
import { drawElectionDeadlineMs, inputOf } from '../common';
import { leaderChart, type LeaderChartHost } from '../leader-chart';
import { SlotArray } from './slots';
import { NO_BALLOT } from './ballot';
import type { AcceptedEntry, PaxosConfig, PaxosInput, PaxosMessage, PaxosMode, PaxosSnapshot, PaxosState, PaxosWrite, Role, StepResult } from './types';

export interface PaxosDurable {
  promised: number;
  ballot: number;
  accepted: SlotArray<AcceptedEntry>;
  snapshot: PaxosSnapshot | null;
  /** The highest accepted ballot, or MAX_BALLOT_UNKNOWN (see DurableRecord in core.ts): a restart need not scan `accepted`. */
  maxAcceptedBallot: number;
}

export interface PaxosView {
  readonly role: Role;
  /** The ballot it leads or tries (a follower: the last one it tried; 0 if none). */
  readonly ballot: number;
  readonly promised: number;
  readonly accepted: ReadonlyMap<number, AcceptedEntry>;
  readonly chosen: ReadonlyMap<number, string>;
  /** Every slot up to here is chosen, learned and applied. */
  readonly appliedUpTo: number;
  /**
   * Slots before this one were applied from a snapshot (its own on restart, or the leader's) and their
   * values are not held here: the slot table shows them as "in a snapshot". 1 when there is none.
   */
  readonly heldFrom: number;
  readonly kv: ReadonlyMap<string, string>;
  /** The leader it follows (itself when leading), or null. */
  readonly leaderId: string | null;
  readonly mode: PaxosMode;
  /** The chart's top-level state (follower, candidate, leader). */
  readonly chartState: string;
  /** When the election timer fires, in virtual ms, whatever the node's clock skew. */
  readonly electionDeadlineMs: number;
  /** The whole state, for the lab and tests. */
  readonly state: PaxosState;
}

const PAXOS_MESSAGE_TYPES = new Set(['Prepare', 'Promise', 'Nack', 'Accept', 'Accepted', 'Heartbeat', 'HeartbeatAck', 'Snapshot', 'Learn']);

/** Bound on local deliveries handled in one go (each is a reply; a handful per step in practice). */
const LOCAL_DELIVERIES_MAX = 10_000;

/** What waits for one disk write: the acceptor's events to record, then messages to ourselves to deliver. */
interface WriteWaiters {
  events: WithoutTime<NodeTraceEvent>[] | null;
  local: PaxosMessage[] | null;
}

class PaxosNode implements ProtocolNode, LeaderChartHost {
  private state: PaxosState;
  private readonly config: PaxosConfig;
  private readonly actor: Actor<typeof leaderChart>;
  private deadlineMs = 0;
  private stopped = false;
  /**
   * Per write not yet durable, in the order issued (writes complete in that order): what waits for it.
   * Kept as lists on a queue rather than a closure per write and per waiting item: every accepted
   * value goes through here.
   */
  private readonly waiting: WriteWaiters[] = [];
  /** Messages to ourselves that may be delivered now. */
  private readonly localQueue: PaxosMessage[] = [];
  private draining = false;

  constructor(
    private readonly env: NodeEnv,
    durable: PaxosDurable,
    private readonly options: ProtocolOptions,
  ) {
    this.config = {
      mode: options.paxos.mode,
      phase1Quorum: options.paxos.phase1Quorum,
      phase2Quorum: options.paxos.phase2Quorum,
      grid: options.paxos.grid,
      bugs: options.bugs,
      maxEntriesPerMessage: options.maxEntriesPerMessage,
    };
    // The kernel hands every boot its own copy of the disk (cloneDurable), so the node may keep it.
    this.state = initialState(env.id, env.members, durable, this.config, true);
    this.actor = createActor(leaderChart, { clock: env.clock, input: { host: this, heartbeatMs: options.heartbeatMs } });
    this.actor.start();
  }

  // ---- ProtocolNode ----

  receive(from: Address, message: Message): void {
    if (this.stopped) return;
    const input: PaxosInput = inputOf<PaxosMessage>('paxos', this.env.id, from, message, PAXOS_MESSAGE_TYPES);
    this.apply(handle(this.state, input, this.config));
    this.drain();
  }

  stop(): void {
    this.stopped = true;
    this.actor.stop();
  }

  view(): PaxosView {
    const value = this.actor.getSnapshot().value;
    const s = this.state;
    return {
      role: s.volatile.role,
      ballot: s.persistent.ballot,
      promised: s.persistent.promised,
      accepted: s.persistent.accepted,
      chosen: s.volatile.chosen,
      appliedUpTo: s.volatile.appliedUpTo,
      heldFrom: s.volatile.heldFrom,
      kv: s.volatile.kv,
      leaderId: s.volatile.leaderId,
      mode: this.config.mode,
      chartState: typeof value === 'string' ? value : Object.keys(value)[0]!,
      electionDeadlineMs: this.env.localToVirtualMs(this.deadlineMs),
      state: s,
    };
  }

  // ---- LeaderChartHost ----

  nowMs(): number {
    return this.env.nowMs();
  }

  electionDeadlineMs(): number {
    return this.deadlineMs;
  }

  resetElectionDeadline(): void {
    this.deadlineMs = drawElectionDeadlineMs(this.env, this.options);
  }

  canCampaign(): boolean {
    return this.config.mode === 'multi' || !this.state.volatile.chosen.has(1);
  }

  startElection(): void {
    this.apply(startElection(this.state, this.config));
    this.drain();
  }

  resendRequests(): void {
    this.apply(resendPrepares(this.state));
    this.drain();
  }

  sendHeartbeats(): void {
    this.apply(heartbeat(this.state, this.config));
    this.drain();
  }

  role(): Role {
    return this.state.volatile.role;
  }

  recordTimer(timer: 'election' | 'heartbeat'): void {
    this.env.record({ kind: 'timer', node: this.env.id, timer });
  }

  // ---- performing handler results ----

  /** The ballot a role event carries: the one led or tried, or for a follower the one it promised. */
  private roleBallot(s: PaxosState): number {
    return s.volatile.role === 'follower' ? s.persistent.promised : s.persistent.ballot;
  }

  /** Adopts the new state, performs outputs in order, records changes, and tells the chart of a new role. */
  private apply(result: StepResult): void {
    const before = this.state;
    const after = result.state;
    this.state = after;
    const id = this.env.id;
    const roleChanged = after.volatile.role !== before.volatile.role;
    if (roleChanged) this.env.record({ kind: 'role', node: id, role: after.volatile.role, term: this.roleBallot(after) });
    // An acceptor's promise and acceptances count from when its reply can leave: once the write that
    // holds them is durable (the kernel releases the reply then). A power loss before that erases
    // them, and nobody was told; a promise recorded earlier would make the checker hold the acceptor
    // to a promise it never gave (PromiseMonotonic on correct Paxos, found by the fuzz swarm).
    // (Indexed loops and a lazily made list: this runs for every message, and iterators and empty
    // arrays were a tenth of what a Multi-Paxos run allocates.)
    let given: WithoutTime<NodeTraceEvent>[] | null = null;
    if (after.persistent.promised > before.persistent.promised) given = [{ kind: 'promise', node: id, ballot: after.persistent.promised }];
    const outputs = result.outputs;
    for (let i = 0; i < outputs.length; i++) {
      const output = outputs[i]!;
      switch (output.type) {
        case 'send':
          if (output.to === id) this.sendLocal(output.message as PaxosMessage);
          else this.env.send(output.to, output.message);
          break;
        case 'persist':
          for (let k = 0; k < output.write.accepts.length; k++) {
            const a = output.write.accepts[k]!;
            (given ??= []).push({ kind: 'accepted', node: id, slot: a.slot, ballot: a.ballot, value: a.value });
          }
          this.persist(output.write);
          break;
        case 'resetElectionTimer':
          this.resetElectionDeadline();
          break;
        case 'propose':
          this.env.record({ kind: 'propose', node: id, slot: output.slot, ballot: output.ballot, value: output.value });
          break;
        case 'chosen':
          this.env.record({ kind: 'chosen', node: id, slot: output.slot, value: output.value });
          break;
        default: {
          const never: never = output;
          throw new Error(`paxos: unknown output ${JSON.stringify(never)}`);
        }
      }
    }
    if (given !== null) {
      const last = this.lastWrite();
      if (last === null) this.recordAll(given);
      else if (last.events === null) last.events = given;
      else for (let i = 0; i < given.length; i++) last.events.push(given[i]!);
    }
    if (roleChanged) this.actor.send({ type: 'ROLE' });
  }

  private recordAll(events: readonly WithoutTime<NodeTraceEvent>[]): void {
    for (let i = 0; i < events.length; i++) this.env.record(events[i]!);
  }

  /** The waiters of the last write issued, or null when every write is durable. */
  private lastWrite(): WriteWaiters | null {
    return this.waiting.length === 0 ? null : this.waiting[this.waiting.length - 1]!;
  }

  private persist(write: PaxosWrite): void {
    this.waiting.push({ events: null, local: null });
    this.env.persist(write, this.writeDurable);
  }

  /**
   * The oldest pending write is durable: record the acceptances it held back, then deliver the
   * messages to ourselves that waited for it (after all of them, as a handler's outputs come first).
   */
  private readonly writeDurable = (): void => {
    const done = this.waiting.shift()!;
    if (this.stopped) return;
    if (done.events !== null) this.recordAll(done.events);
    if (done.local !== null) for (let i = 0; i < done.local.length; i++) this.localQueue.push(done.local[i]!);
    this.drain();
  };

  /** A message to ourselves: delivered once the writes issued before it are durable. */
  private sendLocal(message: PaxosMessage): void {
    const last = this.lastWrite();
    if (last === null) this.localQueue.push(message);
    else (last.local ??= []).push(message);
  }

  /** Delivers queued local messages, outside any handler (a handler's outputs are all performed first). */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      let delivered = 0;
      while (this.localQueue.length > 0 && !this.stopped) {
        if (++delivered > LOCAL_DELIVERIES_MAX) throw new Error(`paxos: ${this.env.id} delivered over ${LOCAL_DELIVERIES_MAX} local messages in one step`);
        const message = this.localQueue.shift()!;
        this.apply(handle(this.state, { type: 'message', from: this.env.id, message }, this.config));
      }
    } finally {
      this.draining = false;
    }
  }
}

/** A message's trace detail, written piece by piece (straight into the trace's bytes when no observer needs the string). */
function describeInto(message: Message, out: DetailWriter): void {
  const m = message as PaxosMessage;
  out.text('b');
  out.int(m.ballot);
  switch (m.type) {
    case 'Prepare':
      out.text(' from=');
      out.int(m.fromSlot);
      return;
    case 'Promise':
      out.text(' from=');
      out.int(m.fromSlot);
      out.text(' n=');
      out.int(m.reports.length);
      if (!m.complete) out.text(' more');
      return;
    case 'Nack':
      out.text(' promised=b');
      out.int(m.promised);
      return;
    case 'Accept':
      slotRangeInto(m.entries.length, m.entries[0]?.slot ?? 0, m.entries[m.entries.length - 1]?.slot ?? 0, out);
      out.text(' through=');
      out.int(m.chosenThrough);
      return;
    case 'Accepted':
      slotRangeInto(m.slots.length, m.slots[0] ?? 0, m.slots[m.slots.length - 1] ?? 0, out);
      out.text(' learned=');
      out.int(m.learnedThrough);
      return;
    case 'Heartbeat':
      out.text(' n=');
      out.int(m.chosen.length);
      out.text(' through=');
      out.int(m.chosenThrough);
      return;
    case 'HeartbeatAck':
      out.text(' learned=');
      out.int(m.learnedThrough);
      return;
    case 'Snapshot':
      out.text(' through=');
      out.int(m.snapshot.throughSlot);
      out.text(' keys=');
      out.int(m.snapshot.kv.size);
      return;
    case 'Learn':
      for (let i = 0; i < m.chosen.length; i++) {
        out.text(' ');
        out.int(m.chosen[i]!.slot);
        out.text('=');
        out.text(m.chosen[i]!.value);
      }
      if (m.chosen.length === 0) out.text(' ');
      return;
    default: {
      const never: never = m;
      throw new Error(`paxos: unknown message ${JSON.stringify(never)}`);
    }
  }
}

/** " slots=-", " slot=S" or " slots=A..B" for `count` slots from `first` to `last`. */
function slotRangeInto(count: number, first: number, last: number, out: DetailWriter): void {
  if (count === 0) {
    out.text(' slots=-');
  } else if (count === 1) {
    out.text(' slot=');
    out.int(first);
  } else {
    out.text(' slots=');
    out.int(first);
    out.text('..');
    out.int(last);
  }
}

const detailText = new StringDetailWriter();

/** The same detail as a string. */
function describe(message: Message): string {
  describeInto(message, detailText);
  return detailText.take();
}

export const paxosFactory: ProtocolFactory<PaxosDurable, PaxosWrite> = {
  name: 'paxos',
  create: (env, durable, options) => new PaxosNode(env, durable, options),
  emptyDurable: () => ({ promised: 0, ballot: 0, accepted: SlotArray.empty(), snapshot: null, maxAcceptedBallot: NO_BALLOT }),
  applyWrite: (durable, write) => applyWrite(durable, write),
  // Entries and snapshots are immutable objects: copying the slot array is a deep enough copy.
  cloneDurable: (d) => ({ promised: d.promised, ballot: d.ballot, accepted: d.accepted.clone(), snapshot: d.snapshot, maxAcceptedBallot: d.maxAcceptedBallot }),
  describe,
  describeInto,
};
