import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock, type TimerId } from './clock';

/** Fires every due timer (no limit) and returns how many fired; bounded so a bug cannot spin. */
function drain(clock: VirtualClock, limit = 100_000): number {
  let fired = 0;
  while (clock.fireNext()) {
    fired++;
    if (fired > limit) throw new Error('drain: too many timers');
  }
  return fired;
}

describe('VirtualClock ordering', () => {
  it('starts at 0 with nothing pending', () => {
    const clock = new VirtualClock();
    expect(clock.nowMs).toBe(0);
    expect(clock.pending).toBe(0);
    expect(clock.peekDeadlineMs()).toBeNull();
    expect(clock.fireNext()).toBe(false);
  });

  it('fires timers by deadline, breaking ties by the order they were set', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.setTimeout(() => log.push(`c@${clock.nowMs}`), 30);
    clock.setTimeout(() => log.push(`a1@${clock.nowMs}`), 10);
    clock.setTimeout(() => log.push(`b@${clock.nowMs}`), 20);
    clock.setTimeout(() => log.push(`a2@${clock.nowMs}`), 10);
    clock.setTimeout(() => log.push(`a3@${clock.nowMs}`), 10);
    expect(clock.pending).toBe(5);
    expect(drain(clock)).toBe(5);
    expect(log).toEqual(['a1@10', 'a2@10', 'a3@10', 'b@20', 'c@30']);
    expect(clock.nowMs).toBe(30);
    expect(clock.pending).toBe(0);
  });

  it('returns a distinct handle per timer, never reused', () => {
    const clock = new VirtualClock();
    const a = clock.setTimeout(() => {}, 5);
    const b = clock.setTimeout(() => {}, 1);
    expect(b).not.toBe(a);
    drain(clock);
    const c = clock.setTimeout(() => {}, 1);
    expect(c).not.toBe(a);
    expect(c).not.toBe(b);
    // A fired handle cancels nothing, not even a later timer.
    clock.clearTimeout(a);
    clock.clearTimeout(b);
    expect(clock.pending).toBe(1);
  });

  it('a zero-delay timer set inside a callback fires after the timers already due at that time', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.setTimeout(() => {
      log.push('first');
      clock.setTimeout(() => log.push(`nested@${clock.nowMs}`), 0);
    }, 10);
    clock.setTimeout(() => log.push('second'), 10);
    clock.setTimeout(() => log.push('later'), 11);
    drain(clock);
    expect(log).toEqual(['first', 'second', 'nested@10', 'later']);
  });

  it('rounds fractional delays to the nearest millisecond', () => {
    const clock = new VirtualClock();
    const firedAt = new Map<number, number>();
    const delays = [1.4, 1.5, 2.49, 2.5, 0.4, 7.0000001];
    for (const delay of delays) clock.setTimeout(() => firedAt.set(delay, clock.nowMs), delay);
    drain(clock);
    expect(delays.map((d) => firedAt.get(d))).toEqual([1, 2, 2, 3, 0, 7]);
  });

  it('throws on non-finite delays and creates no timer', () => {
    const clock = new VirtualClock();
    for (const delay of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => clock.setTimeout(() => {}, delay)).toThrow(/finite/);
    }
    expect(clock.pending).toBe(0);
    expect(clock.peekDeadlineMs()).toBeNull();
  });

  it('clamps negative delays to now, ordered after timers already due now', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.setTimeout(() => {
      clock.setTimeout(() => log.push(`neg@${clock.nowMs}`), -10);
      clock.setTimeout(() => log.push(`next@${clock.nowMs}`), 1);
    }, 50);
    clock.setTimeout(() => log.push(`same@${clock.nowMs}`), 50);
    drain(clock);
    expect(log).toEqual(['same@50', 'neg@50', 'next@51']);
    expect(clock.nowMs).toBe(51);
  });

  it('leaves the clock consistent when a callback throws', () => {
    const clock = new VirtualClock();
    const log: number[] = [];
    clock.setTimeout(() => {
      throw new Error('boom');
    }, 5);
    clock.setTimeout(() => log.push(clock.nowMs), 6);
    expect(() => clock.fireNext()).toThrow('boom');
    expect(clock.nowMs).toBe(5);
    expect(clock.pending).toBe(1);
    expect(clock.fireNext()).toBe(true);
    expect(log).toEqual([6]);
  });
});

describe('VirtualClock.clearTimeout', () => {
  it('cancels a pending timer', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const id = clock.setTimeout(() => log.push('cancelled'), 10);
    clock.setTimeout(() => log.push('kept'), 20);
    clock.clearTimeout(id);
    expect(clock.pending).toBe(1);
    expect(clock.peekDeadlineMs()).toBe(20);
    drain(clock);
    expect(log).toEqual(['kept']);
  });

  it('cancels a timer due at the same millisecond from inside a callback', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    let second: TimerId | null = null;
    clock.setTimeout(() => {
      log.push('first');
      clock.clearTimeout(second);
    }, 10);
    second = clock.setTimeout(() => log.push('second'), 10);
    clock.setTimeout(() => log.push('third'), 10);
    drain(clock);
    expect(log).toEqual(['first', 'third']);
  });

  it('clearing its own id inside its callback is a no-op', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    let self: TimerId | null = null;
    self = clock.setTimeout(() => {
      log.push('self');
      clock.clearTimeout(self);
    }, 10);
    clock.setTimeout(() => log.push('other'), 10);
    drain(clock);
    expect(log).toEqual(['self', 'other']);
    expect(clock.pending).toBe(0);
  });

  it('clearing an already-fired or unknown id is a no-op and touches no other timer', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const fired = clock.setTimeout(() => log.push('fired'), 1);
    expect(clock.fireNext()).toBe(true);
    clock.setTimeout(() => log.push('later'), 5);
    clock.clearTimeout(fired);
    clock.clearTimeout(fired);
    clock.clearTimeout(null);
    clock.clearTimeout(987_654 as unknown as TimerId); // not a handle at all
    clock.clearTimeout({} as unknown as TimerId);
    expect(clock.pending).toBe(1);
    drain(clock);
    expect(log).toEqual(['fired', 'later']);
  });

  it('clearing twice keeps the pending count right', () => {
    const clock = new VirtualClock();
    const a = clock.setTimeout(() => {}, 1);
    clock.setTimeout(() => {}, 2);
    clock.clearTimeout(a);
    clock.clearTimeout(a);
    expect(clock.pending).toBe(1);
  });
});

describe('VirtualClock.fireNext and advanceTo', () => {
  it('fireNext respects limitMs and does not move time when nothing is due', () => {
    const clock = new VirtualClock();
    const log: number[] = [];
    clock.setTimeout(() => log.push(clock.nowMs), 100);
    expect(clock.fireNext(99)).toBe(false);
    expect(clock.nowMs).toBe(0);
    expect(log).toEqual([]);
    expect(clock.fireNext(100)).toBe(true);
    expect(clock.nowMs).toBe(100);
    expect(log).toEqual([100]);
    expect(clock.fireNext(1_000)).toBe(false);
    expect(clock.nowMs).toBe(100);
  });

  it('fireNext skips cancelled timers at the top of the heap', () => {
    const clock = new VirtualClock();
    const a = clock.setTimeout(() => {}, 5);
    clock.setTimeout(() => {}, 50);
    clock.clearTimeout(a);
    expect(clock.peekDeadlineMs()).toBe(50);
    expect(clock.fireNext(10)).toBe(false);
    expect(clock.nowMs).toBe(0);
  });

  it('advanceTo moves time forward up to (and including) the next deadline', () => {
    const clock = new VirtualClock();
    clock.setTimeout(() => {}, 100);
    clock.advanceTo(40);
    expect(clock.nowMs).toBe(40);
    clock.advanceTo(100);
    expect(clock.nowMs).toBe(100);
    expect(clock.pending).toBe(1);
  });

  it('advanceTo refuses to skip a due timer and leaves time alone', () => {
    const clock = new VirtualClock();
    clock.setTimeout(() => {}, 100);
    expect(() => clock.advanceTo(101)).toThrow(/skip/);
    expect(clock.nowMs).toBe(0);
  });

  it('advanceTo may pass a cancelled timer', () => {
    const clock = new VirtualClock();
    const id = clock.setTimeout(() => {}, 100);
    clock.clearTimeout(id);
    clock.advanceTo(500);
    expect(clock.nowMs).toBe(500);
  });

  it('advanceTo never moves time backwards', () => {
    const clock = new VirtualClock();
    clock.advanceTo(300);
    clock.advanceTo(100);
    expect(clock.nowMs).toBe(300);
    // Delays count from the (advanced) present.
    const log: number[] = [];
    clock.setTimeout(() => log.push(clock.nowMs), 5);
    drain(clock);
    expect(log).toEqual([305]);
  });
});

describe('VirtualClock compaction', () => {
  it('compacts many cancelled timers without changing the order of the live ones', () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    const ids: TimerId[] = [];
    const total = 5_000;
    // Deadlines repeat (i % 97) so ties must be broken by set order after the heap is rebuilt.
    for (let i = 0; i < total; i++) ids.push(clock.setTimeout(() => fired.push(i), i % 97));
    const live: number[] = [];
    for (let i = 0; i < total; i++) {
      if (i % 10 === 3) live.push(i);
      else clock.clearTimeout(ids[i]!);
    }
    expect(clock.pending).toBe(live.length);
    // Internal check that this test really exercised compaction (the heap holds cancelled entries
    // lazily otherwise): it shrinks to at most 4x the live count.
    const heapLength = (clock as unknown as { heap: unknown[] }).heap.length;
    expect(heapLength).toBeLessThanOrEqual(4 * live.length + 1);
    drain(clock);
    const expected = live.slice().sort((a, b) => a % 97 - b % 97 || a - b);
    expect(fired).toEqual(expected);
  });
});

/**
 * Reference model: a plain list of timers; the next to fire is the live one with the least
 * (deadline, seq). Operations are interleaved sets, clears (of any id ever issued) and fires; a fired
 * timer may itself set a child timer, which exercises re-entrancy.
 */
type Op =
  | { kind: 'set'; delayMs: number; childDelayMs: number | null }
  | { kind: 'clear'; pick: number }
  | { kind: 'fire' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      delayMs: fc.integer({ min: -5, max: 40 }),
      childDelayMs: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('clear' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fire' as const) }) },
);

function runModel(ops: readonly Op[]): { real: string[]; model: string[] } {
  // Real clock.
  const clock = new VirtualClock();
  const real: string[] = [];
  const realIds: TimerId[] = [];
  const setReal = (label: string, delayMs: number, childDelayMs: number | null): void => {
    realIds.push(
      clock.setTimeout(() => {
        real.push(`${label}@${clock.nowMs}`);
        if (childDelayMs !== null) setReal(`${label}.c`, childDelayMs, null);
      }, delayMs),
    );
  };
  // Model.
  interface M { label: string; deadline: number; seq: number; live: boolean; child: number | null }
  const timers: M[] = [];
  const model: string[] = [];
  let now = 0;
  let seq = 0;
  const setModel = (label: string, delayMs: number, child: number | null): void => {
    timers.push({ label, deadline: now + Math.max(0, delayMs), seq: seq++, live: true, child });
  };
  const fireModel = (): boolean => {
    let best: M | undefined;
    for (const t of timers) {
      if (t.live && (best === undefined || t.deadline < best.deadline || (t.deadline === best.deadline && t.seq < best.seq))) best = t;
    }
    if (best === undefined) return false;
    best.live = false;
    now = best.deadline;
    model.push(`${best.label}@${now}`);
    if (best.child !== null) setModel(`${best.label}.c`, best.child, null);
    return true;
  };

  ops.forEach((op, i) => {
    switch (op.kind) {
      case 'set':
        setReal(`t${i}`, op.delayMs, op.childDelayMs);
        setModel(`t${i}`, op.delayMs, op.childDelayMs);
        break;
      case 'clear':
        if (realIds.length === 0) break;
        clock.clearTimeout(realIds[op.pick % realIds.length]!);
        timers[op.pick % timers.length]!.live = false;
        break;
      case 'fire':
        expect(clock.fireNext()).toBe(fireModel());
        break;
    }
  });
  drain(clock);
  while (fireModel()) {
    /* drain the model */
  }
  return { real, model };
}

describe('VirtualClock against a reference model', () => {
  it('fires the live timers in (deadline, seq) order for any sequence of set/clear/fire', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const { real, model } = runModel(ops);
        expect(real).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps (deadline, seq) order across compactions of large, mostly cancelled heaps', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1_100, maxLength: 1_600 }),
        fc.integer({ min: 2, max: 30 }),
        fc.nat(),
        (delays, keepEvery, offset) => {
          const clock = new VirtualClock();
          const fired: number[] = [];
          const ids = delays.map((d, i) => clock.setTimeout(() => fired.push(i), d));
          const live: number[] = [];
          ids.forEach((id, i) => {
            if ((i + offset) % keepEvery === 0) live.push(i);
            else clock.clearTimeout(id);
          });
          expect(clock.pending).toBe(live.length);
          drain(clock);
          live.sort((a, b) => delays[a]! - delays[b]! || a - b);
          expect(fired).toEqual(live);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('VirtualClock.scheduleFirst (operator actions)', () => {
  it('fires before every ordinary timer due at the same millisecond, even ones set earlier', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.schedule(() => fired.push('early-set'), 10);
    clock.schedule(() => fired.push('before'), 9);
    clock.scheduleFirst(() => fired.push('action-1'), 10);
    clock.scheduleFirst(() => fired.push('action-2'), 10);
    clock.schedule(() => fired.push('late-set'), 10);
    while (clock.fireNext()) {
      /* drain */
    }
    expect(fired).toEqual(['before', 'action-1', 'action-2', 'early-set', 'late-set']);
  });

  it('an action set while paused at t-1 lands where the same action set at time 0 lands', () => {
    const order = (live: boolean): string[] => {
      const clock = new VirtualClock();
      const fired: string[] = [];
      if (!live) clock.scheduleFirst(() => fired.push('act'), 5);
      clock.schedule(() => fired.push('a'), 5);
      clock.schedule(() => fired.push('b'), 4);
      while (clock.fireNext(4)) {
        /* run to 4 */
      }
      if (live) clock.scheduleFirst(() => fired.push('act'), 5);
      while (clock.fireNext()) {
        /* drain */
      }
      return fired;
    };
    expect(order(true)).toEqual(order(false));
    expect(order(true)).toEqual(['b', 'act', 'a']);
  });

  it('refuses a time in the past and can be cancelled', () => {
    const clock = new VirtualClock();
    clock.schedule(() => undefined, 3);
    clock.fireNext();
    expect(() => clock.scheduleFirst(() => undefined, 2)).toThrow(/scheduleFirst at 2 ms/);
    const fired: number[] = [];
    const id = clock.scheduleFirst(() => fired.push(1), 4);
    clock.cancel(id);
    expect(clock.fireNext()).toBe(false);
    expect(fired).toEqual([]);
  });
});

describe('VirtualClock.scheduleCall', () => {
  it('calls fn(arg) in the same (deadline, order set) sequence as schedule, and can be cancelled', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const note = (what: string): void => {
      log.push(`${clock.nowMs}:${what}`);
    };
    clock.schedule(() => note('a'), 5);
    clock.scheduleCall(note, 'b', 5);
    clock.scheduleCall(note, 'c', 2);
    const dropped = clock.scheduleCall(note, 'dropped', 3);
    clock.schedule(() => note('d'), 5);
    clock.cancel(dropped);
    expect(clock.pending).toBe(4);
    expect(drain(clock)).toBe(4);
    expect(log).toEqual(['2:c', '5:a', '5:b', '5:d']);
    expect(() => clock.scheduleCall(note, 'x', Number.NaN)).toThrow(/finite/);
    expect(clock.pending).toBe(0);
  });
});
