/**
 * Ballots as integers: round * BALLOT_NODE_SLOTS + the proposer's number (its position in the
 * membership, from 1). Distinct proposers never share a ballot, and comparing ballots is comparing
 * numbers, as "Paxos Made Simple" needs (proposal numbers totally ordered, each used by one proposer).
 * Ballot 0 is "none": below every real ballot.
 */
import type { NodeId } from '../../sim/types';

/** Room for the proposer's number in a ballot: more than the largest cluster (LIMITS.nodesMax = 9). */
export const BALLOT_NODE_SLOTS = 16;
export const NO_BALLOT = 0;

export function makeBallot(round: number, proposer: NodeId, members: readonly NodeId[]): number {
  const index = members.indexOf(proposer);
  if (index < 0) throw new Error(`paxos: ${proposer} is not a member`);
  if (!(Number.isSafeInteger(round) && round >= 1)) throw new Error(`paxos: bad round ${round}`);
  return round * BALLOT_NODE_SLOTS + index + 1;
}

export function ballotRound(ballot: number): number {
  return Math.floor(ballot / BALLOT_NODE_SLOTS);
}

/** The proposer of a ballot (null for NO_BALLOT). */
export function ballotProposer(ballot: number, members: readonly NodeId[]): NodeId | null {
  if (ballot === NO_BALLOT) return null;
  return members[(ballot % BALLOT_NODE_SLOTS) - 1] ?? null;
}

/** "3.n2": round 3 of proposer n2, as the views and traces write a ballot. */
export function formatBallot(ballot: number, members: readonly NodeId[]): string {
  if (ballot === NO_BALLOT) return '-';
  return `${ballotRound(ballot)}.${ballotProposer(ballot, members) ?? '?'}`;
}
