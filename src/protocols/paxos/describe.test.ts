/**
 * Paxos message details: written straight into the trace when no observer needs message events as
 * objects, built as a string otherwise. Both must give the same bytes (the same trace hash), and the
 * text is what traces, transcripts and the lab have always shown.
 */
import { describe, expect, it } from 'vitest';
import { Run } from '../../check/run';
import { buildScenario } from '../../sim/scenario';
import { StringDetailWriter, Trace } from '../../sim/trace';
import type { Message } from '../../sim/types';
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
    const describer = { describeInto: (m: Message, out: Parameters<NonNullable<typeof paxosFactory.describeInto>>[1]) => paxosFactory.describeInto!(m, out) };
    for (const [m, text] of CASES) {
      expect(paxosFactory.describe(m as Message)).toBe(text);
      const w = new StringDetailWriter();
      paxosFactory.describeInto!(m as Message, w);
      expect(w.take()).toBe(text);
      const direct = new Trace();
      direct.appendSentDescribed(5, 1, 'n1', 'n2', m.type, m.term, m as Message, describer);
      const viaString = new Trace();
      viaString.append({ kind: 'sent', atMs: 5, msgId: 1, from: 'n1', to: 'n2', type: m.type, term: m.term, detail: text });
      expect(direct.at(0)).toEqual(viaString.at(0));
      expect(direct.finalHash()).toBe(viaString.finalHash());
    }
  });

  it('a Multi-Paxos run has the same trace whether or not an observer asks for message events', () => {
    const scenario = buildScenario({ protocol: 'paxos', paxosMode: 'multi', nodes: 5, seed: 11, untilMs: 8_000, loadOpsPerSec: 40, nemesis: ['partition', 'crash'], nemesisIntervalMs: 1_000 });
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
