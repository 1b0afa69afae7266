/**
 * The host of one Raft node. It owns the node's state, hands every message to the pure handlers of
 * core.ts, performs their outputs through the kernel (send, persist), records what changed (role,
 * term, appended entries, commit index) in the trace, and runs the statechart of ../leader-chart.ts, which
 * owns the roles and timers and tells it when to start an election or send heartbeats.
 */
import { createActor, type Actor } from 'xstate';
import type { Address, Message, NodeEnv, ProtocolFactory, ProtocolNode, ProtocolOptions } from '../../sim/types';
import { applyWrite, handle, handleDurable, heartbeat, initialState, resendVoteRequests, startElection } from './core';
import { drawElectionDeadlineMs, inputOf } from '../common';
import { leaderChart, type LeaderChartHost } from '../leader-chart';
import type { LogEntry, RaftConfig, RaftInput, RaftMessage, RaftSnapshot, RaftState, RaftWrite, Role, StepResult } from './types';
import { StringDetailWriter, type DetailWriter } from '../../sim/trace';

export interface RaftDurable {
  currentTerm: number;
  votedFor: string | null;
  log: LogEntry[];
  snapshot: RaftSnapshot | null;
}

export interface RaftView {
  readonly state: RaftState;
  /** The chart's top-level state (follower, candidate, leader). */
  readonly chartState: string;
  /** When the election timer fires, in virtual ms (followers and candidates), whatever the node's clock skew. */
  readonly electionDeadlineMs: number;
}

const RAFT_MESSAGE_TYPES = new Set(['RequestVote', 'RequestVoteResponse', 'AppendEntries', 'AppendEntriesResponse']);

class RaftNode implements ProtocolNode, LeaderChartHost {
  private state: RaftState;
  private readonly config: RaftConfig;
  private readonly actor: Actor<typeof leaderChart>;
  private deadlineMs = 0;
  private stopped = false;

  constructor(
    private readonly env: NodeEnv,
    durable: RaftDurable,
    private readonly options: ProtocolOptions,
  ) {
    this.config = { bugs: options.bugs, maxEntriesPerMessage: options.maxEntriesPerMessage };
    // `durable` is the kernel's copy for this boot (ProtocolFactory.cloneDurable): the node adopts its log
    // rather than copying a long log a second time on every restart.
    this.state = initialState(env.id, env.members, durable, this.config, true);
    this.actor = createActor(leaderChart, { clock: env.clock, input: { host: this, heartbeatMs: options.heartbeatMs } });
    this.actor.start();
  }

  // ---- ProtocolNode ----

  receive(from: Address, message: Message): void {
    if (this.stopped) return;
    const input: RaftInput = inputOf<RaftMessage>('raft', this.env.id, from, message, RAFT_MESSAGE_TYPES);
    this.apply(handle(this.state, input, this.config));
  }

  stop(): void {
    this.stopped = true;
    this.actor.stop();
  }

  view(): RaftView {
    const value = this.actor.getSnapshot().value;
    return {
      state: this.state,
      chartState: typeof value === 'string' ? value : Object.keys(value)[0]!,
      // On the shared time axis: a node with a skewed clock reaches its deadline sooner or later.
      electionDeadlineMs: this.env.localToVirtualMs(this.deadlineMs),
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

  startElection(): void {
    this.apply(startElection(this.state, this.config));
  }

  canCampaign(): boolean {
    return true;
  }

  resendRequests(): void {
    this.apply(resendVoteRequests(this.state));
  }

  sendHeartbeats(): void {
    this.apply(heartbeat(this.state, this.config));
  }

  role(): Role {
    return this.state.volatile.role;
  }

  recordTimer(timer: 'election' | 'heartbeat'): void {
    this.env.record({ kind: 'timer', node: this.env.id, timer });
  }

  // ---- performing handler results ----

  /** Our disk finished a write that edited the log: it now holds the log up to the edit's last entry. */
  private readonly logWriteDurable = (write: RaftWrite): void => {
    const edit = write.logEdit!;
    if (!this.stopped) this.apply(handleDurable(this.state, edit.startIndex + edit.entries.length - 1, this.config));
  };

  /** Adopts the new state, performs outputs in order, records changes, and tells the chart of a new role. */
  private apply(result: StepResult): void {
    const before = this.state;
    const after = result.state;
    this.state = after;
    const id = this.env.id;
    // Role before term: a leader stepping down to a newer term is a follower by the time it holds it.
    if (after.volatile.role !== before.volatile.role) {
      this.env.record({ kind: 'role', node: id, role: after.volatile.role, term: after.persistent.currentTerm });
    }
    if (after.persistent.currentTerm !== before.persistent.currentTerm) {
      this.env.record({ kind: 'term', node: id, term: after.persistent.currentTerm });
    }
    const outputs = result.outputs;
    for (let i = 0; i < outputs.length; i++) {
      const output = outputs[i]!;
      switch (output.type) {
        case 'send':
          this.env.send(output.to, output.message);
          break;
        case 'persist': {
          const edit = output.write.logEdit;
          if (edit !== null && edit.entries.length > 0) {
            this.env.record({ kind: 'append', node: id, index: edit.startIndex, term: edit.entries[0]!.term, count: edit.entries.length });
          }
          if (edit === null) this.env.persist(output.write);
          else this.env.persist(output.write, this.logWriteDurable);
          break;
        }
        case 'resetElectionTimer':
          this.resetElectionDeadline();
          break;
        case 'applied':
          break;
        default: {
          const never: never = output;
          throw new Error(`raft: unknown output ${JSON.stringify(never)}`);
        }
      }
    }
    if (after.volatile.commitIndex !== before.volatile.commitIndex) {
      this.env.record({ kind: 'commit', node: id, commitIndex: after.volatile.commitIndex });
    }
    if (after.volatile.role !== before.volatile.role) this.actor.send({ type: 'ROLE' });
  }
}

/** A Raft message's detail in the trace (`sent` events), written piece by piece (see DetailWriter). */
function describeInto(message: Message, out: DetailWriter): void {
  const m = message as RaftMessage;
  switch (m.type) {
    case 'RequestVote':
      out.text('last=');
      out.int(m.lastLogIndex);
      out.text('/t');
      out.int(m.lastLogTerm);
      return;
    case 'RequestVoteResponse':
      out.text(m.voteGranted ? 'granted' : 'refused');
      return;
    case 'AppendEntries':
      out.text('prev=');
      out.int(m.prevLogIndex);
      out.text('/t');
      out.int(m.prevLogTerm);
      out.text(' n=');
      out.int(m.entries.length);
      out.text(' commit=');
      out.int(m.leaderCommit);
      return;
    case 'AppendEntriesResponse':
      out.text(m.success ? 'ok match=' : 'reject match=');
      out.int(m.matchIndex);
      return;
    default: {
      const never: never = m;
      throw new Error(`raft: unknown message ${JSON.stringify(never)}`);
    }
  }
}

const detailText = new StringDetailWriter();

/** The same detail as a string. */
function describe(message: Message): string {
  describeInto(message, detailText);
  return detailText.take();
}

export const raftFactory: ProtocolFactory<RaftDurable, RaftWrite> = {
  name: 'raft',
  create: (env, durable, options) => new RaftNode(env, durable, options),
  emptyDurable: () => ({ currentTerm: 0, votedFor: null, log: [], snapshot: null }),
  applyWrite: (durable, write) => applyWrite(durable, write),
  cloneDurable: (d) => ({ currentTerm: d.currentTerm, votedFor: d.votedFor, log: d.log.slice(), snapshot: d.snapshot }),
  describe,
  describeInto,
};
