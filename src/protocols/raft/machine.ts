/**
 * A Raft node's roles and timers as an XState v5 statechart: follower, candidate and leader, with a
 * randomized election timeout, a heartbeat and a vote retry as delayed events on the simulator's
 * virtual clock.
 *
 * The rules live in the pure handlers of core.ts. Messages are handed to them by the node host
 * directly (they are the hot path: hundreds per simulated second, and most change neither role nor
 * timers); the chart hears about what concerns it: its timers firing, and role changes the handlers
 * decide (ROLE). See docs/ARCHITECTURE.md, "Departure 1: messages bypass the actor", for the measurements.
 *
 * The election timer is lazy, like etcd's tick-based one: a valid AppendEntries or a granted vote only
 * moves the deadline (in the host); when the chart's timer fires early it re-arms for the remainder.
 */
import { cancel, raise, setup } from 'xstate';
import type { Role } from './types';

/** What the chart asks of its host (the node: it runs the handlers and owns the deadline). */
export interface RaftChartHost {
  nowMs(): number;
  /** Virtual time at which the election timeout expires (moved forward by resets). */
  electionDeadlineMs(): number;
  /** Draws a fresh randomized timeout and sets the deadline from now (Raft section 5.2). */
  resetElectionDeadline(): void;
  startElection(): void;
  /** Candidate: ask again the peers that have not granted their vote (section 5.1). */
  resendVoteRequests(): void;
  sendHeartbeats(): void;
  role(): Role;
  recordTimer(timer: 'election' | 'heartbeat'): void;
}

export interface RaftChartInput {
  readonly host: RaftChartHost;
  readonly heartbeatMs: number;
}

export type RaftChartEvent =
  | { type: 'ROLE' }
  | { type: 'ELECTION_TIMER' }
  | { type: 'HEARTBEAT_TIMER' }
  | { type: 'VOTE_RETRY_TIMER' };

/** Explicit ids of the chart's delayed events, so each is cancelled and re-armed by name. */
const ELECTION_TIMER = 'election-timer';
const HEARTBEAT_TIMER = 'heartbeat-timer';
const VOTE_RETRY_TIMER = 'vote-retry-timer';

/**
 * Timers are delayed self-events with explicit ids rather than `after` transitions that re-enter a
 * state: re-entering costs XState a full exit/entry microstep (about 40 us here), a raise about a
 * fifth of that, and these timers fire dozens of times per simulated second.
 */
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
    // Whatever is left of the election timeout (heartbeats move the deadline without touching the timer).
    armElectionTimer: raise(
      { type: 'ELECTION_TIMER' },
      { id: ELECTION_TIMER, delay: ({ context }) => Math.max(0, context.host.electionDeadlineMs() - context.host.nowMs()) },
    ),
    cancelElectionTimer: cancel(ELECTION_TIMER),
    armHeartbeatTimer: raise({ type: 'HEARTBEAT_TIMER' }, { id: HEARTBEAT_TIMER, delay: ({ context }) => context.heartbeatMs }),
    cancelHeartbeatTimer: cancel(HEARTBEAT_TIMER),
    armVoteRetryTimer: raise({ type: 'VOTE_RETRY_TIMER' }, { id: VOTE_RETRY_TIMER, delay: ({ context }) => context.heartbeatMs }),
    cancelVoteRetryTimer: cancel(VOTE_RETRY_TIMER),
  },
  guards: {
    electionDue: ({ context }) => context.host.nowMs() >= context.host.electionDeadlineMs(),
    isFollower: ({ context }) => context.host.role() === 'follower',
    isLeader: ({ context }) => context.host.role() === 'leader',
  },
}).createMachine({
  id: 'raft',
  context: ({ input }) => ({ ...input }),
  initial: 'follower',
  states: {
    follower: {
      entry: ['resetElectionDeadline', 'armElectionTimer'],
      exit: 'cancelElectionTimer',
      on: {
        // A follower only becomes a candidate by its own timeout; handlers never promote it.
        ROLE: [{ guard: 'isLeader', target: 'leader' }],
        ELECTION_TIMER: [
          { guard: 'electionDue', target: 'candidate', actions: 'recordElectionTimeout' },
          { actions: 'armElectionTimer' },
        ],
      },
    },
    candidate: {
      // Starting an election draws a new timeout: if this election splits the vote, the next one starts.
      entry: ['startElection', 'armElectionTimer', 'armVoteRetryTimer'],
      exit: ['cancelElectionTimer', 'cancelVoteRetryTimer'],
      always: [
        { guard: 'isLeader', target: 'leader' },
        { guard: 'isFollower', target: 'follower' },
      ],
      on: {
        ROLE: [{ guard: 'isLeader', target: 'leader' }, { guard: 'isFollower', target: 'follower' }],
        ELECTION_TIMER: [
          { guard: 'electionDue', target: 'candidate', reenter: true, actions: 'recordElectionTimeout' },
          { actions: 'armElectionTimer' },
        ],
        VOTE_RETRY_TIMER: { actions: ['resendVoteRequests', 'armVoteRetryTimer'] },
      },
    },
    leader: {
      entry: 'armHeartbeatTimer',
      exit: 'cancelHeartbeatTimer',
      on: {
        ROLE: [{ guard: 'isFollower', target: 'follower' }],
        HEARTBEAT_TIMER: { actions: ['sendHeartbeats', 'armHeartbeatTimer'] },
      },
    },
  },
});
