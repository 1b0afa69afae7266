/** Test fixtures for the lab's pure view logic (imported by tests only). */
import type { NodeSnapshot } from '../../worker/lab-protocol';

/** A Raft follower that is up, in term 1, with an empty log; `over` sets any field. */
export function nodeSnapshot(id: string, over: Partial<NodeSnapshot> = {}): NodeSnapshot {
  return {
    id, status: 'up', role: 'follower', term: 1, votedFor: null, leaderId: null, commitIndex: 0, lastApplied: 0, snapshotIndex: 0, logLength: 0,
    lastLogTerm: 0, electionDeadlineMs: null, electionArmedAtMs: null, nextIndex: null, matchIndex: null, votesGranted: [], kv: [],
    slowFactor: 1, clockRate: 1, paxos: null, ...over,
  };
}
