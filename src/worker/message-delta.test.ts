import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MessageView } from './lab-protocol';
import { defaultLabConfig, LabSession } from './lab-session';
import { MessageDeltaReader, MessageDeltaWriter } from './message-delta';

const SCENARIO_DIR = join(__dirname, '..', '..', 'scenarios');
const BUNDLED = new Map(readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json')).map((f) => [f.replace(/\.json$/, ''), readFileSync(join(SCENARIO_DIR, f), 'utf8')]));

function view(id: number, from = 'n1'): MessageView {
  return { id, from, to: 'n2', type: 'AppendEntries', category: 'append', term: 1, detail: '', sentAtMs: id, deliverAtMs: id + 5, heartbeat: false };
}

describe('messages in flight as deltas between frames', () => {
  it('rebuilds every frame of a playing, scrubbed and forked lab run exactly, sending each message about once', () => {
    const s = new LabSession({ ...defaultLabConfig(), scenario: 'nine-nodes-slow-links' }, BUNDLED);
    const writer = new MessageDeltaWriter();
    const reader = new MessageDeltaReader();
    let sent = 0;
    let shown = 0;
    const frame = (): void => {
      const expected = s.snapshot().messages;
      const delta = writer.next(s.recorder, expected);
      sent += delta.added.length;
      shown += expected.length;
      const { messages, missing } = reader.apply(delta);
      expect(missing).toEqual([]);
      expect(messages).toEqual(expected);
    };
    // Playing at 1/20x: a frame every 16 ms of wall time is under 1 ms of virtual time.
    for (let t = 2_000; t <= 2_200; t += 0.8) {
      s.advanceTo(t);
      frame();
    }
    expect(shown).toBeGreaterThan(50_000);
    // Each message goes over about once instead of in every frame it is in flight.
    expect(sent).toBeLessThan(shown / 20);
    // Scrubbing back brings messages that left the page's hands back into flight.
    for (const t of [1_000, 2_100, 1_500, 2_150]) {
      s.seek(t);
      frame();
    }
    // An action in the past forks the run: a new recording, so the page starts from nothing.
    s.seek(1_200);
    const recording = s.recorder;
    s.act({ type: 'crash', node: 'n1' });
    expect(s.recorder).not.toBe(recording);
    const delta = writer.next(s.recorder, s.snapshot().messages);
    expect(delta.reset).toBe(true);
    expect(reader.apply(delta).messages).toEqual(s.snapshot().messages);
  });

  it('starts from nothing when told to, and the page reports ids it was never sent', () => {
    const writer = new MessageDeltaWriter();
    const recording = {};
    expect(writer.next(recording, [view(1), view(2)])).toMatchObject({ reset: true, added: [view(1), view(2)] });
    expect(writer.next(recording, [view(2), view(3)])).toMatchObject({ reset: false, added: [view(3)] });
    writer.reset();
    expect(writer.next(recording, [view(3)])).toMatchObject({ reset: true, added: [view(3)] });
    // A message id of another recording is sent again, whatever it was before.
    const other = writer.next({}, [view(3, 'n4')]);
    expect(other).toMatchObject({ reset: true, added: [view(3, 'n4')] });
    const reader = new MessageDeltaReader();
    expect(reader.apply({ reset: true, added: [view(1)], inFlight: new Float64Array([1, 7]) })).toEqual({ messages: [view(1)], missing: [7] });
    // Without reset, held messages carry over; ids no longer in flight are forgotten.
    expect(reader.apply({ reset: false, added: [], inFlight: new Float64Array([1]) }).messages).toEqual([view(1)]);
    expect(reader.apply({ reset: false, added: [], inFlight: new Float64Array([]) }).messages).toEqual([]);
    expect(reader.apply({ reset: false, added: [], inFlight: new Float64Array([1]) }).missing).toEqual([1]);
  });
});
