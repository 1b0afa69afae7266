/**
 * A Raft node's roles and timers as an XState v5 statechart: follower, candidate and leader, with a
 * randomized election timeout and a heartbeat as delayed transitions on the simulator's virtual clock.
 *
 * The rules live in the pure handlers of core.ts. Messages are handed to them by the node host
 * directly (they are the hot path: hundreds per simulated second, and most change neither role nor
 * timers); the chart hears about what concerns it: its timers firing, and role changes the handlers
 * decide (ROLE). See docs/ARCHITECTURE.md, "Why messages bypass the actor", for the measurements.
 *
 * The election timer is lazy, like etcd's tick-based one: a valid AppendEntries or a granted vote only
 * moves the deadline (in the host); when the chart's timer fires early it waits out the remainder.
 */
import { setup } from 'xstate';
import type { Role } from './types';

/** What the chart asks of its host (the node: it runs the handlers and owns the deadline). */
export interface RaftChartHost {
  nowMs(): number;
  /** Virtual time at which the election timeout expires (moved forward by resets). */
  electionDeadlineMs(): number;
  /** Draws a fresh randomized timeout and sets the deadline from now (Raft section 5.2). */
  resetElectionDeadline(): void;
  startElection(): void;
  /** Candidate: ask again the peers that have not answered (section 5.1). */
  resendVoteRequests(): void;
  sendHeartbeats(): void;
  role(): Role;
  recordTimer(timer: 'election' | 'heartbeat'): void;
}

export interface RaftChartInput {
  readonly host: RaftChartHost;
  readonly heartbeatMs: number;
}

export type RaftChartEvent = { type: 'ROLE' };

export const raftChart = setup({
  types: {
    context: {} as RaftChartInput,
    events: {} as RaftChartEvent,
    input: {} as RaftChartInput,
  },
  actions: {
    resetElectionDeadline: ({ context }) => context.host.resetElectionDeadline(),
    startElection: ({ context }) => context.host.startElection(),
    resendVoteRequests: ({ context }) => context.host.resendVoteRequests(),
    sendHeartbeats: ({ context }) => {
      context.host.recordTimer('heartbeat');
      context.host.sendHeartbeats();
    },
    recordElectionTimeout: ({ context }) => context.host.recordTimer('election'),
  },
  guards: {
    electionDue: ({ context }) => context.host.nowMs() >= context.host.electionDeadlineMs(),
    isFollower: ({ context }) => context.host.role() === 'follower',
    isLeader: ({ context }) => context.host.role() === 'leader',
  },
  delays: {
    // Whatever is left of the election timeout; the timer is armed with an explicit id by XState
    // (`xstate.after.electionRemaining...`), so it is cancelled when the state is left.
    electionRemaining: ({ context }) => Math.max(0, context.host.electionDeadlineMs() - context.host.nowMs()),
    heartbeatInterval: ({ context }) => context.heartbeatMs,
  },
}).createMachine({
  id: 'raft',
  context: ({ input }) => ({ ...input }),
  initial: 'follower',
  states: {
    follower: {
      entry: 'resetElectionDeadline',
      // A follower only becomes a candidate by its own timeout; handlers never promote it.
      on: { ROLE: [{ guard: 'isLeader', target: 'leader' }] },
      initial: 'waiting',
      states: {
        waiting: {
          after: {
            electionRemaining: [
              { guard: 'electionDue', target: '#raft.candidate', actions: 'recordElectionTimeout' },
              { target: 'waiting', reenter: true },
            ],
          },
        },
      },
    },
    candidate: {
      // Starting an election draws a new timeout: if this election splits the vote, the next one starts.
      entry: 'startElection',
      always: [
        { guard: 'isLeader', target: 'leader' },
        { guard: 'isFollower', target: 'follower' },
      ],
      on: { ROLE: [{ guard: 'isLeader', target: 'leader' }, { guard: 'isFollower', target: 'follower' }] },
      initial: 'waiting',
      states: {
        waiting: {
          after: {
            electionRemaining: [
              { guard: 'electionDue', target: '#raft.candidate', reenter: true, actions: 'recordElectionTimeout' },
              { target: 'waiting', reenter: true },
            ],
            heartbeatInterval: { target: 'waiting', reenter: true, actions: 'resendVoteRequests' },
          },
        },
      },
    },
    leader: {
      on: { ROLE: [{ guard: 'isFollower', target: 'follower' }] },
      initial: 'steady',
      states: {
        steady: {
          after: { heartbeatInterval: { target: 'steady', reenter: true, actions: 'sendHeartbeats' } },
        },
      },
    },
  },
});
