import { describe, expect, it } from 'vitest';
import type { History } from './history';
import { linearizationStates, showValue, type OpState } from './linearization-states';
import { checkLinearizability, statesAlong } from './linearizability';
import { history } from './testing/history-spec';

/** The states of a history as the checker orders it, by operation id, with the checker's verdict. */
function statesOf(h: History, options: Parameters<typeof checkLinearizability>[1] = {}): { verdict: unknown; states: OpState[] } {
  const result = checkLinearizability(h, options);
  const map = linearizationStates(h, result);
  expect(map.size, 'every operation has a state or a reason').toBe(h.operations.length);
  return { verdict: result.verdict, states: h.operations.map((op) => map.get(op.id)!) };
}

/** [before, after] of a placed operation; fails the test for an unplaced one. */
function change(state: OpState): [string, string] {
  if (!state.placed) throw new Error(`expected a placed operation, got ${state.reason}`);
  return [state.before, state.after];
}

describe('register', () => {
  it('a sequential history chains its states: each after is the next before', () => {
    const h = history('register', [
      { p: 'a', f: 'write', value: '1', at: 1, done: 2 },
      { p: 'a', f: 'read', output: '1', at: 3, done: 4 },
      { p: 'b', f: 'cas', expected: '1', value: '2', at: 5, done: 6 },
      { p: 'b', f: 'write', value: '3', at: 7, done: 8 },
    ]);
    const { verdict, states } = statesOf(h);
    expect(verdict).toBe(true);
    expect(states.map(change)).toEqual([['nil', '1'], ['1', '1'], ['1', '2'], ['2', '3']]);
    expect(states.map((s) => s.placed && [s.place, s.orderLength, s.complete])).toEqual([[1, 4, true], [2, 4, true], [3, 4, true], [4, 4, true]]);
  });

  it('a concurrent history: the states follow the order found, not the invocation order', () => {
    // The read of 3 is invoked after the write of 5 but completes first: it must come before it.
    const h = history('register', [
      { p: 'a', f: 'write', value: '3', at: 1, done: 2 },
      { p: 'a', f: 'write', value: '5', at: 3, done: 10 },
      { p: 'b', f: 'read', output: '3', at: 4, done: 5 },
      { p: 'b', f: 'read', output: '5', at: 11, done: 12 },
    ]);
    const result = checkLinearizability(h);
    expect(result.partitions[0]!.linearization).toEqual([0, 2, 1, 3]);
    const states = linearizationStates(h, result);
    expect(change(states.get(1)!)).toEqual(['3', '5']);
    expect(change(states.get(2)!)).toEqual(['3', '3']);
    expect(change(states.get(3)!)).toEqual(['5', '5']);
    expect([states.get(2)!, states.get(1)!].map((s) => s.placed && s.place)).toEqual([2, 3]);
  });

  it('a failed cas leaves the state as it was; a successful one swaps', () => {
    const h = history('register', [
      { p: 'a', f: 'write', value: '1', at: 1, done: 2 },
      { p: 'a', f: 'cas', expected: '2', value: '3', at: 3, done: 4, outcome: 'fail' },
      { p: 'b', f: 'cas', expected: '1', value: '4', at: 5, done: 6 },
      { p: 'b', f: 'read', output: '4', at: 7, done: 8 },
    ]);
    const { verdict, states } = statesOf(h);
    expect(verdict).toBe(true);
    expect(states.map(change)).toEqual([['nil', '1'], ['1', '1'], ['1', '4'], ['4', '4']]);
  });

  it('an unknown write no order needs is not placed; one a read saw is placed, with its state', () => {
    const h = history('register', [
      { p: 'a', f: 'write', value: '1', at: 1, done: 2 },
      { p: 'c', f: 'read', output: '1', at: 3, done: 4 },
      { p: 'a', f: 'write', value: '7', at: 5, done: null },
      { p: 'c', f: 'read', at: 6, done: null },
      { p: 'd', f: 'read', output: '7', at: 7, done: 8 },
      { p: 'b', f: 'write', value: '9', at: 9, done: null },
    ]);
    const result = checkLinearizability(h);
    expect(result.verdict).toBe(true);
    // The checker lists the pending write of 9 last, after the operations it placed.
    expect(result.partitions[0]).toMatchObject({ linearization: [0, 1, 2, 4, 5], placedCount: 4 });
    const states = linearizationStates(h, result);
    // The unknown write of 7 had to take effect for the last read to see it.
    expect(change(states.get(2)!)).toEqual(['1', '7']);
    expect(change(states.get(4)!)).toEqual(['7', '7']);
    // The read of unknown outcome is never searched at all; no order needs the write of 9.
    expect(states.get(3)).toEqual({ placed: false, reason: 'unneeded' });
    expect(states.get(5)).toEqual({ placed: false, reason: 'unneeded' });
  });

  it('a history that is not linearizable: states along the longest prefix, blocking and later operations say so', () => {
    const h = history('register', [
      { p: 'a', f: 'write', value: '1', at: 1, done: 2 },
      { p: 'b', f: 'read', output: '1', at: 3, done: 4 },
      { p: 'a', f: 'write', value: '2', at: 5, done: 6 },
      { p: 'b', f: 'read', output: '7', at: 7, done: 8 },
      { p: 'a', f: 'write', value: '3', at: 9, done: 10 },
    ]);
    const { verdict, states } = statesOf(h);
    expect(verdict).toBe(false);
    expect(states.slice(0, 3).map(change)).toEqual([['nil', '1'], ['1', '1'], ['1', '2']]);
    expect(states[2]).toMatchObject({ place: 3, orderLength: 3, complete: false });
    expect(states[3]).toEqual({ placed: false, reason: 'blocking' });
    expect(states[4]).toEqual({ placed: false, reason: 'beyond-prefix' });
  });

  it('a search out of budget places nothing', () => {
    const h = history('register', [
      { p: 'a', f: 'write', value: '1', at: 1, done: 4 },
      { p: 'b', f: 'read', output: '1', at: 2, done: 5 },
    ]);
    const { verdict, states } = statesOf(h, { maxSteps: 1 });
    expect(verdict).toBe('unknown');
    expect(states).toEqual([{ placed: false, reason: 'no-order' }, { placed: false, reason: 'no-order' }]);
  });
});

describe('kv', () => {
  it('append concatenates onto the key, from (empty); keys are separate', () => {
    const h = history('kv', [
      { p: 'a', f: 'put', key: 'k', value: 'x', at: 1, done: 2 },
      { p: 'a', f: 'append', key: 'k', value: 'y', at: 3, done: 4 },
      { p: 'b', f: 'append', key: 'j', value: 'q', at: 3, done: 4 },
      { p: 'b', f: 'append', key: 'k', value: 'z', at: 5, done: 6 },
      { p: 'a', f: 'get', key: 'k', output: 'xyz', at: 7, done: 8 },
      { p: 'b', f: 'get', key: 'j', output: 'q', at: 9, done: 10 },
    ]);
    const { verdict, states } = statesOf(h);
    expect(verdict).toBe(true);
    expect(states.map(change)).toEqual([['(empty)', 'x'], ['x', 'xy'], ['(empty)', 'q'], ['xy', 'xyz'], ['xyz', 'xyz'], ['q', 'q']]);
    expect(states[2]).toMatchObject({ place: 1, orderLength: 2 });
  });

  it('an unsplit check (one order over all keys) still gives each operation its own key\'s value', () => {
    const h = history('kv', [
      { p: 'a', f: 'append', key: 'k', value: 'x', at: 1, done: 2 },
      { p: 'b', f: 'append', key: 'j', value: 'q', at: 3, done: 4 },
      { p: 'a', f: 'append', key: 'k', value: 'y', at: 5, done: 6 },
    ]);
    const { verdict, states } = statesOf(h, { partition: false });
    expect(verdict).toBe(true);
    expect(states.map(change)).toEqual([['(empty)', 'x'], ['(empty)', 'q'], ['x', 'xy']]);
    expect(states[2]).toMatchObject({ place: 3, orderLength: 3 });
  });

  it('a key that is not linearizable gets the longest prefix; a key not checked after it places nothing', () => {
    const h = history('kv', [
      { p: 'a', f: 'append', key: 'k', value: 'x', at: 1, done: 2 },
      { p: 'b', f: 'get', key: 'k', output: 'y', at: 3, done: 4 },
      // j has more operations, so it is checked after k, and (checkAll off) not at all once k fails.
      { p: 'c', f: 'put', key: 'j', value: 'v', at: 1, done: 2 },
      { p: 'c', f: 'get', key: 'j', output: 'v', at: 3, done: 4 },
      { p: 'c', f: 'append', key: 'j', value: 'w', at: 5, done: 6 },
    ]);
    const { verdict, states } = statesOf(h);
    expect(verdict).toBe(false);
    expect(change(states[0]!)).toEqual(['(empty)', 'x']);
    expect(states[0]).toMatchObject({ complete: false, orderLength: 1 });
    expect(states[1]).toEqual({ placed: false, reason: 'blocking' });
    expect(states.slice(2)).toEqual([1, 2, 3].map(() => ({ placed: false, reason: 'no-order' })));
  });
});

describe('statesAlong and showValue', () => {
  it('an order the model rejects is refused, not shown', () => {
    const h = history('register', [{ p: 'a', f: 'read', output: '5', at: 1, done: 2 }]);
    expect(() => statesAlong('register', h.operations)).toThrow(/operation 0 \(read\) cannot take effect at place 1/);
  });

  it('nil for no value, (empty) for the empty string, the value otherwise', () => {
    expect([showValue(null), showValue(''), showValue('0')]).toEqual(['nil', '(empty)', '0']);
  });
});
