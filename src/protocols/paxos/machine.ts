/**
 * A Paxos node's roles and timers as an XState v5 statechart: follower, candidate (phase 1) and
 * leader (phase 2), with a randomized election timeout, a heartbeat and a Prepare retry as delayed
 * events on the simulator's virtual clock, the same shape as raft/machine.ts.
 *
 * The rules live in the pure handlers of core.ts. Messages are handed to them by the node host
 * directly (docs/ARCHITECTURE.md, "Departure 1: messages bypass the actor"); the chart hears about its
 * timers firing and the role changes the handlers decide (ROLE).
 *
 * The election timeout is the randomized backoff of "Paxos Made Simple" section 2.4 (progress needs one
 * distinguished proposer; two proposers that keep preempting each other livelock until their random
 * timeouts separate them). It is lazy, like etcd's tick-based timer: a heartbeat only moves the deadline
 * (in the host); when the timer fires early it re-arms for the remainder. In single mode a node that
 * knows the value chosen never campaigns again (`canCampaign`).
 */
import { cancel, raise, setup } from 'xstate';
import type { Role } from './types';

/** What the chart asks of its host (the node: it runs the handlers and owns the deadline). */
export interface PaxosChartHost {
  nowMs(): number;
  /** The node's clock time at which the election timeout expires (moved forward by resets). */
  electionDeadlineMs(): number;
  /** Draws a fresh randomized timeout and sets the deadline from now. */
  resetElectionDeadline(): void;
  /** Whether there is anything to propose for (single mode: slot 1 not known chosen). */
  canCampaign(): boolean;
  startElection(): void;
  /** Candidate: ask again the acceptors that have not promised. */
  resendPrepares(): void;
  sendHeartbeats(): void;
  role(): Role;
  recordTimer(timer: 'election' | 'heartbeat'): void;
}

export interface PaxosChartInput {
  readonly host: PaxosChartHost;
  readonly heartbeatMs: number;
}

export type PaxosChartEvent =
  | { type: 'ROLE' }
  | { type: 'ELECTION_TIMER' }
  | { type: 'HEARTBEAT_TIMER' }
  | { type: 'PREPARE_RETRY_TIMER' };

/** Explicit ids of the chart's delayed events, so each is cancelled and re-armed by name. */
const ELECTION_TIMER = 'election-timer';
const HEARTBEAT_TIMER = 'heartbeat-timer';
const PREPARE_RETRY_TIMER = 'prepare-retry-timer';

/** Delayed self-events with explicit ids rather than `after` transitions, as in raft/machine.ts (cheaper). */
export const paxosChart = setup({
  types: {
    context: {} as PaxosChartInput,
    events: {} as PaxosChartEvent,
    input: {} as PaxosChartInput,
  },
  actions: {
    resetElectionDeadline: ({ context }) => context.host.resetElectionDeadline(),
    startElection: ({ context }) => context.host.startElection(),
    resendPrepares: ({ context }) => context.host.resendPrepares(),
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
    armPrepareRetryTimer: raise({ type: 'PREPARE_RETRY_TIMER' }, { id: PREPARE_RETRY_TIMER, delay: ({ context }) => context.heartbeatMs }),
    cancelPrepareRetryTimer: cancel(PREPARE_RETRY_TIMER),
  },
  guards: {
    electionDue: ({ context }) => context.host.nowMs() >= context.host.electionDeadlineMs(),
    campaignDue: ({ context }) => context.host.nowMs() >= context.host.electionDeadlineMs() && context.host.canCampaign(),
    isFollower: ({ context }) => context.host.role() === 'follower',
    isLeader: ({ context }) => context.host.role() === 'leader',
  },
}).createMachine({
  id: 'paxos',
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
          { guard: 'campaignDue', target: 'candidate', actions: 'recordElectionTimeout' },
          // Due, but nothing to propose for (single mode, value known): wait another timeout.
          { guard: 'electionDue', actions: ['resetElectionDeadline', 'armElectionTimer'] },
          { actions: 'armElectionTimer' },
        ],
      },
    },
    candidate: {
      // Each entry is a new ballot with a new random timeout: if it is preempted, the next try waits.
      entry: ['startElection', 'armElectionTimer', 'armPrepareRetryTimer'],
      exit: ['cancelElectionTimer', 'cancelPrepareRetryTimer'],
      always: [
        { guard: 'isLeader', target: 'leader' },
        { guard: 'isFollower', target: 'follower' },
      ],
      on: {
        ROLE: [{ guard: 'isLeader', target: 'leader' }, { guard: 'isFollower', target: 'follower' }],
        ELECTION_TIMER: [
          { guard: 'campaignDue', target: 'candidate', reenter: true, actions: 'recordElectionTimeout' },
          { guard: 'electionDue', actions: ['resetElectionDeadline', 'armElectionTimer'] },
          { actions: 'armElectionTimer' },
        ],
        PREPARE_RETRY_TIMER: { actions: ['resendPrepares', 'armPrepareRetryTimer'] },
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
