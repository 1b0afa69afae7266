/**
 * A send's detail is written straight into the trace when no observer needs message events as
 * objects, and built as a string otherwise: both must give the same bytes, so the same trace hash.
 */
import { describe, expect, it } from 'vitest';
import { Run } from '../../check/run';
import { buildScenario } from '../../sim/scenario';
import { StringDetailWriter, Trace } from '../../sim/trace';
import type { Message } from '../../sim/types';
import { raftFactory } from './node';
import type { RaftMessage } from './types';

const noop = { term: 1, command: { kind: 'noop' as const } };
const MESSAGES: RaftMessage[] = [
  { type: 'RequestVote', term: 3, candidateId: 'n2', lastLogIndex: 12, lastLogTerm: 2 },
  { type: 'RequestVoteResponse', term: 3, voteGranted: true },
  { type: 'RequestVoteResponse', term: 3, voteGranted: false },
  { type: 'AppendEntries', term: 3, leaderId: 'n1', prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 },
  { type: 'AppendEntries', term: 7, leaderId: 'n1', prevLogIndex: 1_234_567, prevLogTerm: 6, entries: [noop, noop], leaderCommit: 1_234_560 },
  { type: 'AppendEntriesResponse', term: 7, success: true, matchIndex: 99 },
  { type: 'AppendEntriesResponse', term: 7, success: false, matchIndex: 0 },
];

describe('Raft message details', () => {
  it('describe (a string) and describeInto (written into the trace) say the same, byte for byte', () => {
    const describer = { describeInto: (m: Message, out: Parameters<NonNullable<typeof raftFactory.describeInto>>[1]) => raftFactory.describeInto!(m, out) };
    for (const m of MESSAGES) {
      const text = raftFactory.describe(m);
      const w = new StringDetailWriter();
      raftFactory.describeInto!(m, w);
      expect(w.take()).toBe(text);
      const direct = new Trace();
      direct.appendSentDescribed(5, 1, 'n1', 'n2', m.type, m.term, m as Message, describer);
      const viaString = new Trace();
      viaString.append({ kind: 'sent', atMs: 5, msgId: 1, from: 'n1', to: 'n2', type: m.type, term: m.term, detail: text });
      expect(direct.at(0)).toEqual(viaString.at(0));
      expect(direct.finalHash()).toBe(viaString.finalHash());
    }
    expect(raftFactory.describe(MESSAGES[4]!)).toBe('prev=1234567/t6 n=2 commit=1234560');
  });

  it('a run has the same trace whether or not an observer asks for message events', () => {
    const scenario = buildScenario({ nodes: 5, seed: 11, untilMs: 8_000, loadOpsPerSec: 40, nemesis: ['partition', 'crash'], nemesisIntervalMs: 1_000 });
    const plain = new Run(scenario, { keepTrace: false });
    plain.runUntil();
    const observed = new Run(scenario, { keepTrace: false });
    let sends = 0;
    observed.sim.addObserver({ messageEvents: true, afterStep: (_s, events) => { for (const e of events) if (e.kind === 'sent') sends++; } });
    observed.runUntil();
    expect(sends).toBeGreaterThan(1000);
    expect(observed.summary().traceHash).toBe(plain.summary().traceHash);
  });
});
