/**
 * Paxos message details: written straight into the trace when no observer needs message events as
 * objects, built as a string otherwise. Both must give the same bytes (the same trace hash), and the
 * text is what traces, transcripts and the lab have always shown.
 */
import { describe, it } from 'vitest';
import { buildScenario } from '../../sim/scenario';
import type { Message } from '../../sim/types';
import { expectDetailsAgree, expectSameHashObserved } from '../testing/describe-checks';
import { paxosFactory } from './node';
import type { PaxosMessage } from './types';

const A = { value: 'c1#1 write x 1', op: null };
const CASES: Array<[PaxosMessage, string]> = [
  [{ type: 'Prepare', term: 33, ballot: 33, fromSlot: 7 }, 'b33 from=7'],
  [{ type: 'Promise', term: 33, ballot: 33, fromSlot: 7, reports: [{ slot: 7, ballot: 17, chosen: false, ...A }], complete: true }, 'b33 from=7 n=1'],
  [{ type: 'Promise', term: 33, ballot: 33, fromSlot: 1, reports: [], complete: false }, 'b33 from=1 n=0 more'],
  [{ type: 'Nack', term: 50, ballot: 33, promised: 50 }, 'b33 promised=b50'],
  [{ type: 'Accept', term: 33, ballot: 33, entries: [], chosenThrough: 0 }, 'b33 slots=- through=0'],
  [{ type: 'Accept', term: 33, ballot: 33, entries: [{ slot: 12, ...A }], chosenThrough: 11 }, 'b33 slot=12 through=11'],
  [{ type: 'Accept', term: 33, ballot: 33, entries: [{ slot: 12, ...A }, { slot: 13, ...A }, { slot: 14, ...A }], chosenThrough: 11 }, 'b33 slots=12..14 through=11'],
  [{ type: 'Accepted', term: 33, ballot: 33, slots: [1_234_567], learnedThrough: 1_234_560 }, 'b33 slot=1234567 learned=1234560'],
  [{ type: 'Accepted', term: 33, ballot: 33, slots: [3, 4], learnedThrough: 2 }, 'b33 slots=3..4 learned=2'],
  [{ type: 'Heartbeat', term: 33, ballot: 33, chosen: [{ slot: 5, ...A }], chosenThrough: 9 }, 'b33 n=1 through=9'],
  [{ type: 'HeartbeatAck', term: 33, ballot: 33, learnedThrough: 9 }, 'b33 learned=9'],
  [{ type: 'Snapshot', term: 33, ballot: 33, snapshot: { throughSlot: 2048, kv: new Map([['x', '1'], ['y', '2']]), sessions: new Map() } }, 'b33 through=2048 keys=2'],
  [{ type: 'Learn', term: 18, ballot: 18, chosen: [{ slot: 1, value: 'n2:v', op: null }] }, 'b18 1=n2:v'],
  [{ type: 'Learn', term: 18, ballot: 18, chosen: [] }, 'b18 '],
];

describe('Paxos message details', () => {
  it('describe (a string) and describeInto (written into the trace) say the same, byte for byte, as traces always have', () => {
    expectDetailsAgree(paxosFactory, CASES.map(([m, text]) => [m as Message, text] as const));
  });

  it('a Multi-Paxos run has the same trace whether or not an observer asks for message events', () => {
    expectSameHashObserved(
      buildScenario({ protocol: 'paxos', paxosMode: 'multi', nodes: 5, seed: 11, untilMs: 8_000, loadOpsPerSec: 40, nemesis: ['partition', 'crash'], nemesisIntervalMs: 1_000 }),
    );
  });
});
