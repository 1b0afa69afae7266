import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { History } from './history';
import { checkLinearizability } from './linearizability';
import { history, type Spec } from './testing/history-spec';

describe('register histories', () => {
  it('a sequential history is linearizable, in its own order', () => {
    const h = history('register', [
      { p: 'a', f: 'write', value: '1', at: 1, done: 2 },
      { p: 'a', f: 'read', output: '1', at: 3, done: 4 },
      { p: 'b', f: 'cas', expected: '1', value: '2', at: 5, done: 6 },
      { p: 'b', f: 'read', output: '2', at: 7, done: 8 },
    ]);
    const r = checkLinearizability(h);
    expect(r.verdict).toBe(true);
    expect(r.partitions[0]!.linearization).toEqual([0, 1, 2, 3]);
  });

  it('a read of a value never written is not linearizable, and the blocking operation is named', () => {
    const h = history('register', [
      { p: 'a', f: 'write', value: '1', at: 1, done: 2 },
      { p: 'b', f: 'read', output: '7', at: 3, done: 4 },
    ]);
    const r = checkLinearizability(h);
    expect(r.verdict).toBe(false);
    expect(r.partitions[0]!.longestPrefix).toEqual([0]);
    expect(r.partitions[0]!.blocking).toContain(1);
  });

  it('a stale read after a completed write is not linearizable; a concurrent one is', () => {
    const stale = history('register', [
      { p: 'a', f: 'write', value: '1', at: 1, done: 2 },
      { p: 'b', f: 'read', output: null, at: 3, done: 4 },
    ]);
    expect(checkLinearizability(stale).verdict).toBe(false);
    const concurrent = history('register', [
      { p: 'a', f: 'write', value: '1', at: 1, done: 4 },
      { p: 'b', f: 'read', output: null, at: 2, done: 3 },
    ]);
    expect(checkLinearizability(concurrent).verdict).toBe(true);
  });

  it('an info write may take effect late, or never', () => {
    const late = history('register', [
      { p: 'a', f: 'write', value: '1', at: 1, done: null },
      { p: 'b', f: 'read', output: null, at: 2, done: 3 },
      { p: 'b', f: 'read', output: '1', at: 10, done: 11 },
    ]);
    expect(checkLinearizability(late).verdict).toBe(true);
    const never = history('register', [
      { p: 'a', f: 'write', value: '1', at: 1, done: null },
      { p: 'b', f: 'read', output: null, at: 20, done: 21 },
    ]);
    expect(checkLinearizability(never).verdict).toBe(true);
    // But not before it was invoked.
    const early = history('register', [
      { p: 'b', f: 'read', output: '1', at: 1, done: 2 },
      { p: 'a', f: 'write', value: '1', at: 3, done: null },
    ]);
    expect(checkLinearizability(early).verdict).toBe(false);
  });

  it('an operation of unknown outcome never has to be placed (a pruning once got this wrong)', () => {
    // Found by the history view's property test: with the unknown cas pruned as "no better" than
    // leaving it pending, the search must still finish without placing it.
    const h = history('register', [
      { p: 'a', f: 'read', output: null, at: 1, done: 2 },
      { p: 'b', f: 'cas', expected: '0', value: '2', at: 3, done: null },
    ]);
    const r = checkLinearizability(h);
    expect(r.verdict).toBe(true);
    expect(r.partitions[0]!.linearization).toEqual([0, 1]);
  });

  it('many timed-out writes do not blow the search up (subsumption)', () => {
    const ops: Spec[] = [];
    // 24 timed-out writes of the same value: 2^24 subsets, but every subset that wrote it is the same
    // configuration as the first one that did.
    for (let i = 0; i < 24; i++) ops.push({ p: `w${i}`, f: 'write', value: '1', at: 1 + i, done: null });
    ops.push({ p: 'r', f: 'read', output: '1', at: 100, done: 101 }, { p: 'r', f: 'read', output: 'never', at: 102, done: 103 });
    const r = checkLinearizability(history('register', ops), { maxSteps: 200_000 });
    expect(r.verdict).toBe(false);
    expect(r.partitions[0]!.steps).toBeLessThan(200_000);
  });

  it('an adversarial history (10,000 concurrent timed-out writes) answers within bounded memory', () => {
    const ops: Spec[] = [];
    for (let i = 0; i < 10_000; i++) ops.push({ p: `w${i}`, f: 'write', value: String(i), at: 1 + i, done: null });
    ops.push({ p: 'r', f: 'read', output: 'never-written', at: 20_000, done: 20_001 });
    // Each configuration's bitset is 1.3 KB here: the byte bound (1 MiB: about 750 entries) stops the
    // search with 'unknown' long before memory is at risk; so would the step budget.
    const r = checkLinearizability(history('register', ops), { maxCacheBytes: 1024 * 1024, maxSteps: 300_000 });
    expect(r.verdict).toBe('unknown');
    expect(r.partitions[0]!.steps).toBeLessThanOrEqual(300_001);
  });

  it('concurrent cas: only one of two cas from the same value can succeed', () => {
    const both = history('register', [
      { p: 'a', f: 'write', value: '0', at: 1, done: 2 },
      { p: 'a', f: 'cas', expected: '0', value: '1', at: 3, done: 6 },
      { p: 'b', f: 'cas', expected: '0', value: '2', at: 4, done: 5 },
    ]);
    expect(checkLinearizability(both).verdict).toBe(false);
    const oneFails = history('register', [
      { p: 'a', f: 'write', value: '0', at: 1, done: 2 },
      { p: 'a', f: 'cas', expected: '0', value: '1', at: 3, done: 6 },
      { p: 'b', f: 'cas', expected: '0', value: '2', at: 4, done: 5, outcome: 'fail' },
      { p: 'b', f: 'read', output: '1', at: 7, done: 8 },
    ]);
    expect(checkLinearizability(oneFails).verdict).toBe(true);
  });

  it('a failed cas observed the register holding something else', () => {
    const h = history('register', [
      { p: 'a', f: 'write', value: '0', at: 1, done: 2 },
      { p: 'b', f: 'cas', expected: '0', value: '5', at: 3, done: 4, outcome: 'fail' },
    ]);
    expect(checkLinearizability(h).verdict).toBe(false);
  });

  it('a budget answers unknown, never a wrong answer', () => {
    const ops: Spec[] = [];
    for (let i = 0; i < 40; i++) ops.push({ p: `p${i}`, f: 'write', value: String(i), at: 1 + i, done: null });
    ops.push({ p: 'r', f: 'read', output: 'never-written', at: 100, done: 101 });
    const r = checkLinearizability(history('register', ops), { maxSteps: 1000 });
    expect(r.verdict).toBe('unknown');
  });
});

describe('key-value histories', () => {
  it('checks keys independently and reports per key', () => {
    const h = history('kv', [
      { p: 'a', f: 'put', key: 'x', value: '1', at: 1, done: 2 },
      { p: 'a', f: 'append', key: 'x', value: '2', at: 3, done: 4 },
      { p: 'b', f: 'get', key: 'x', output: '12', at: 5, done: 6 },
      { p: 'b', f: 'get', key: 'y', output: 'zzz', at: 7, done: 8 },
    ]);
    const r = checkLinearizability(h, { checkAll: true });
    expect(r.verdict).toBe(false);
    expect(r.partitions.map((p) => [p.key, p.verdict])).toEqual([['x', true], ['y', false]]);
    expect(checkLinearizability(h, { partition: false }).verdict).toBe(false);
    // By default the search stops at the first key that fails (smallest first); the rest are not checked.
    const quick = checkLinearizability(h);
    expect(quick.verdict).toBe(false);
    expect(quick.partitions.map((p) => [p.key, p.verdict, p.steps])).toEqual([['x', 'unknown', 0], ['y', false, quick.partitions[1]!.steps]]);
  });

  it('an absent key reads as the empty string', () => {
    const h = history('kv', [{ p: 'a', f: 'get', key: 'x', output: '', at: 1, done: 2 }]);
    expect(checkLinearizability(h).verdict).toBe(true);
  });
});

describe('properties', () => {
  /** A random sequential execution of a register, then its operations stretched to overlap in time. */
  const executions = fc.array(
    fc.record({ f: fc.constantFrom<'read' | 'write' | 'cas'>('read', 'write', 'cas'), v: fc.integer({ min: 0, max: 3 }), e: fc.integer({ min: 0, max: 3 }), p: fc.integer({ min: 0, max: 3 }) }),
    { minLength: 1, maxLength: 25 },
  );

  function fromExecution(steps: Array<{ f: 'read' | 'write' | 'cas'; v: number; e: number; p: number }>, corrupt: number | null): History {
    let state: string | null = null;
    const specs: Spec[] = [];
    const busyUntil = new Map<number, number>();
    steps.forEach((s, i) => {
      // Operation i takes effect at time 10i + 5; it is invoked up to 4 before and completes up to 4
      // after, so neighbours overlap but the real-time order never contradicts the execution.
      const at = Math.max(10 * i + 1 + (s.p % 3), (busyUntil.get(s.p) ?? 0) + 1);
      const done = Math.max(at + 1, 10 * i + 9 - (s.v % 3));
      busyUntil.set(s.p, done);
      if (s.f === 'read') {
        specs.push({ p: `p${s.p}`, f: 'read', output: corrupt === i ? `x${state}` : state, at, done });
      } else if (s.f === 'write') {
        state = String(s.v);
        specs.push({ p: `p${s.p}`, f: 'write', value: state, at, done });
      } else {
        const ok = state === String(s.e);
        specs.push({ p: `p${s.p}`, f: 'cas', expected: String(s.e), value: String(s.v), at, done, outcome: ok ? 'ok' : 'fail' });
        if (ok) state = String(s.v);
      }
    });
    return history('register', specs);
  }

  it('a history generated from a sequential execution is always linearizable', () => {
    fc.assert(
      fc.property(executions, (steps) => {
        expect(checkLinearizability(fromExecution(steps, null)).verdict).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a corrupted read (a value never written) is always detected', () => {
    fc.assert(
      fc.property(executions, fc.nat(), (steps, pick) => {
        const reads = steps.map((s, i) => (s.f === 'read' ? i : -1)).filter((i) => i >= 0);
        fc.pre(reads.length > 0);
        const corrupt = reads[pick % reads.length]!;
        expect(checkLinearizability(fromExecution(steps, corrupt)).verdict).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
