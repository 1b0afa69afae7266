import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channelName, formatElapsed, parseChannelMessage, timerElapsedMs, timerPause, timerStart, TIMER_STOPPED, type PresenterState } from './channel';

const STATE: PresenterState = {
  deck: 'raft-under-failure', scene: 2, cue: 1, phase: 'at-cue', offScript: false, nowMs: 1140, timer: { startedAtMs: 1_000, accumulatedMs: 0 }, blank: false,
};

describe('channel messages', () => {
  it('accepts what the two windows send, unchanged', () => {
    const messages = [
      { type: 'hello' },
      { type: 'bye' },
      { type: 'state', state: STATE },
      { type: 'state', state: { ...STATE, nowMs: null, phase: 'preparing', timer: TIMER_STOPPED } },
      { type: 'command', command: { type: 'nav', command: { type: 'next' } } },
      { type: 'command', command: { type: 'nav', command: { type: 'goto', scene: 4 } } },
      { type: 'command', command: { type: 'toggle-play' } },
      { type: 'command', command: { type: 'timer', action: 'reset' } },
    ];
    for (const m of messages) expect(parseChannelMessage(JSON.parse(JSON.stringify(m)))).toEqual(m);
  });

  it('refuses anything else', () => {
    const bad: unknown[] = [
      null, 'next', 42, [], {}, { type: 'state' }, { type: 'state', state: { ...STATE, scene: -1 } }, { type: 'state', state: { ...STATE, phase: 'dancing' } },
      { type: 'state', state: { ...STATE, timer: { startedAtMs: 'now', accumulatedMs: 0 } } }, { type: 'command', command: { type: 'nav', command: { type: 'goto', scene: 1.5 } } },
      { type: 'command', command: { type: 'nav', command: { type: 'jump' } } }, { type: 'command', command: { type: 'timer', action: 'explode' } },
      { type: 'command', command: { type: 'eval', code: 'alert(1)' } },
    ];
    for (const b of bad) expect(parseChannelMessage(b)).toBeNull();
    fc.assert(fc.property(fc.anything(), (v) => {
      const m = parseChannelMessage(v);
      if (m !== null) expect(['hello', 'bye', 'state', 'command']).toContain(m.type);
    }));
  });

  it('names one channel per deck', () => {
    expect(channelName('raft-under-failure')).toBe('faultline-present:raft-under-failure');
  });
});

describe('talk timer', () => {
  it('counts while running, holds while paused, and resumes from where it was', () => {
    let t = timerStart(TIMER_STOPPED, 10_000);
    expect(timerElapsedMs(t, 70_000)).toBe(60_000);
    expect(timerStart(t, 20_000)).toBe(t);
    t = timerPause(t, 70_000);
    expect(timerElapsedMs(t, 500_000)).toBe(60_000);
    t = timerStart(t, 500_000);
    expect(timerElapsedMs(t, 505_000)).toBe(65_000);
    expect(timerElapsedMs(TIMER_STOPPED, 1e12)).toBe(0);
  });
  it('formats minutes and seconds, and hours past the hour', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(65_999)).toBe('1:05');
    expect(formatElapsed(3_725_000)).toBe('1:02:05');
  });
});
