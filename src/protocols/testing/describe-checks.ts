/**
 * Test helpers shared by the protocols' message-detail tests: a send's detail is written straight
 * into the trace when no observer needs message events as objects, and built as a string otherwise;
 * both must give the same bytes, so the same trace hash.
 */
import { expect } from 'vitest';
import { Run } from '../../check/run';
import type { Scenario } from '../../sim/scenario';
import { StringDetailWriter, Trace } from '../../sim/trace';
import type { Message, ProtocolFactory } from '../../sim/types';

/** For each message: describe gives `text`, describeInto writes the same, and both trace the same event and hash. */
export function expectDetailsAgree(factory: Pick<ProtocolFactory, 'describe' | 'describeInto'>, cases: ReadonlyArray<readonly [Message, string]>): void {
  const describeInto = factory.describeInto;
  expect(describeInto).toBeDefined();
  const describer = { describeInto: describeInto! };
  for (const [m, text] of cases) {
    expect(factory.describe(m)).toBe(text);
    const w = new StringDetailWriter();
    describeInto!(m, w);
    expect(w.take()).toBe(text);
    const direct = new Trace();
    direct.appendSentDescribed(5, 1, 'n1', 'n2', m.type, m.term, m, describer);
    const viaString = new Trace();
    viaString.append({ kind: 'sent', atMs: 5, msgId: 1, from: 'n1', to: 'n2', type: m.type, term: m.term, detail: text });
    expect(direct.at(0)).toEqual(viaString.at(0));
    expect(direct.finalHash()).toBe(viaString.finalHash());
  }
}

/** A run of `scenario` has the same trace hash whether or not an observer asks for message events. */
export function expectSameHashObserved(scenario: Scenario): void {
  const plain = new Run(scenario, { keepTrace: false });
  plain.runUntil();
  const observed = new Run(scenario, { keepTrace: false });
  let sends = 0;
  observed.sim.addObserver({ messageEvents: true, afterStep: (_s, events) => { for (const e of events) if (e.kind === 'sent') sends++; } });
  observed.runUntil();
  expect(sends).toBeGreaterThan(1000);
  expect(observed.summary().traceHash).toBe(plain.summary().traceHash);
}
