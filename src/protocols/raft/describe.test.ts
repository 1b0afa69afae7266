/**
 * A send's detail is written straight into the trace when no observer needs message events as
 * objects, and built as a string otherwise: both must give the same bytes, so the same trace hash.
 */
import { describe, it } from 'vitest';
import { buildScenario } from '../../sim/scenario';
import type { Message } from '../../sim/types';
import { expectDetailsAgree, expectSameHashObserved } from '../testing/describe-checks';
import { raftFactory } from './node';
import type { RaftMessage } from './types';

const noop = { term: 1, command: { kind: 'noop' as const } };
const CASES: Array<[RaftMessage, string]> = [
  [{ type: 'RequestVote', term: 3, candidateId: 'n2', lastLogIndex: 12, lastLogTerm: 2 }, 'last=12/t2'],
  [{ type: 'RequestVoteResponse', term: 3, voteGranted: true }, 'granted'],
  [{ type: 'RequestVoteResponse', term: 3, voteGranted: false }, 'refused'],
  [{ type: 'AppendEntries', term: 3, leaderId: 'n1', prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 }, 'prev=0/t0 n=0 commit=0'],
  [
    { type: 'AppendEntries', term: 7, leaderId: 'n1', prevLogIndex: 1_234_567, prevLogTerm: 6, entries: [noop, noop], leaderCommit: 1_234_560 },
    'prev=1234567/t6 n=2 commit=1234560',
  ],
  [{ type: 'AppendEntriesResponse', term: 7, success: true, matchIndex: 99 }, 'ok match=99'],
  [{ type: 'AppendEntriesResponse', term: 7, success: false, matchIndex: 0 }, 'reject match=0'],
];

describe('Raft message details', () => {
  it('describe (a string) and describeInto (written into the trace) say the same, byte for byte', () => {
    expectDetailsAgree(raftFactory, CASES.map(([m, text]) => [m as Message, text] as const));
  });

  it('a run has the same trace whether or not an observer asks for message events', () => {
    expectSameHashObserved(buildScenario({ nodes: 5, seed: 11, untilMs: 8_000, loadOpsPerSec: 40, nemesis: ['partition', 'crash'], nemesisIntervalMs: 1_000 }));
  });
});
