/**
 * The roles and timers of a leader-based protocol as an XState v5 statechart: follower, candidate
 * and leader, with a randomized election timeout, a heartbeat and a retry of the candidate's requests
 * as delayed events on the simulator's virtual clock. Raft (RequestVote, section 5.2) and Paxos
 * (phase 1; the randomized backoff of "Paxos Made Simple" section 2.4) run the same chart; their rules
 * live in their pure handlers, which the host calls.
 *
 * Messages are handed to the handlers by the node host directly (they are the hot path: hundreds per
 * simulated second, and most change neither role nor timers); the chart hears about what concerns it:
 * its timers firing, and role changes the handlers decide (ROLE). See docs/ARCHITECTURE.md, "Departure
 * 1: messages bypass the actor".
 *
 * The election timer is lazy, like etcd's tick-based one: a message from the leader only moves the
 * deadline (in the host); when the chart's timer fires early it re-arms for the remainder.
 */
import { cancel, raise, setup } from 'xstate';

export type LeaderRole = 'follower' | 'candidate' | 'leader';

/** What the chart asks of its host (the node: it runs the handlers and owns the deadline). */
export interface LeaderChartHost {
  /** The node's own clock. */
  nowMs(): number;
  /** When the election timeout expires, by the node's clock (moved forward by resets). */
  electionDeadlineMs(): number;
  /** Draws a fresh randomized timeout and sets the deadline from now (Raft 5.2; Paxos's backoff). */
  resetElectionDeadline(): void;
  /** Whether campaigning could achieve anything (single-decree Paxos: not once the value is known). */
  canCampaign(): boolean;
  startElection(): void;
  /** Candidate: ask again the peers that have not answered yes (Raft section 5.1: "servers retry RPCs"). */
  resendRequests(): void;
  sendHeartbeats(): void;
  role(): LeaderRole;
  recordTimer(timer: 'election' | 'heartbeat'): void;
}

export interface LeaderChartInput {
  readonly host: LeaderChartHost;
  readonly heartbeatMs: number;
}

export type LeaderChartEvent = { type: 'ROLE' } | { type: 'ELECTION_TIMER' } | { type: 'HEARTBEAT_TIMER' } | { type: 'RETRY_TIMER' };

/** Explicit ids of the chart's delayed events, so each is cancelled and re-armed by name. */
const ELECTION_TIMER = 'election-timer';
const HEARTBEAT_TIMER = 'heartbeat-timer';
const RETRY_TIMER = 'retry-timer';

/**
 * Timers are delayed self-events with explicit ids rather than `after` transitions that re-enter a
 * state: re-entering costs XState a full exit/entry microstep (about 40 us here), a raise about a
 * fifth of that, and these timers fire dozens of times per simulated second.
 */
export const leaderChart = setup({
  types: {
    context: {} as LeaderChartInput,
    events: {} as LeaderChartEvent,
    input: {} as LeaderChartInput,
  },
  actions: {
    resetElectionDeadline: ({ context }) => context.host.resetElectionDeadline(),
    startElection: ({ context }) => context.host.startElection(),
    resendRequests: ({ context }) => context.host.resendRequests(),
    sendHeartbeats: ({ context }) => {
      context.host.recordTimer('heartbeat');
      context.host.sendHeartbeats();
    },
    recordElectionTimeout: ({ context }) => context.host.recordTimer('election'),
    // Whatever is left of the election timeout (messages from the leader move the deadline, not the timer).
    armElectionTimer: raise(
      { type: 'ELECTION_TIMER' },
      { id: ELECTION_TIMER, delay: ({ context }) => Math.max(0, context.host.electionDeadlineMs() - context.host.nowMs()) },
    ),
    cancelElectionTimer: cancel(ELECTION_TIMER),
    armHeartbeatTimer: raise({ type: 'HEARTBEAT_TIMER' }, { id: HEARTBEAT_TIMER, delay: ({ context }) => context.heartbeatMs }),
    cancelHeartbeatTimer: cancel(HEARTBEAT_TIMER),
    armRetryTimer: raise({ type: 'RETRY_TIMER' }, { id: RETRY_TIMER, delay: ({ context }) => context.heartbeatMs }),
    cancelRetryTimer: cancel(RETRY_TIMER),
  },
  guards: {
    electionDue: ({ context }) => context.host.nowMs() >= context.host.electionDeadlineMs(),
    campaignDue: ({ context }) => context.host.nowMs() >= context.host.electionDeadlineMs() && context.host.canCampaign(),
    isFollower: ({ context }) => context.host.role() === 'follower',
    isLeader: ({ context }) => context.host.role() === 'leader',
  },
}).createMachine({
  id: 'leader',
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
          // Due, but nothing to campaign for (single-decree Paxos, value known): wait another timeout.
          { guard: 'electionDue', actions: ['resetElectionDeadline', 'armElectionTimer'] },
          { actions: 'armElectionTimer' },
        ],
      },
    },
    candidate: {
      // Each entry is a new term or ballot with a new random timeout: if it splits or is preempted, the next one starts.
      entry: ['startElection', 'armElectionTimer', 'armRetryTimer'],
      exit: ['cancelElectionTimer', 'cancelRetryTimer'],
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
        RETRY_TIMER: { actions: ['resendRequests', 'armRetryTimer'] },
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
