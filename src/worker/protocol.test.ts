import { describe, expect, it } from 'vitest';
import { assertNever, LIMITS, toScenarioOptions, validateRunOptions, type RunOptions } from './protocol';

const VALID: RunOptions = {
  nodes: 5,
  seed: 42,
  simulatedSeconds: 10,
  nemesis: ['partition', 'crash'],
  loadOpsPerSec: 20,
  bug: 'none',
};

describe('validateRunOptions', () => {
  it('accepts valid options', () => {
    expect(validateRunOptions(VALID)).toBeNull();
    expect(validateRunOptions({ ...VALID, seed: 0, loadOpsPerSec: 0, nemesis: [], bug: 'no-step-down' })).toBeNull();
    expect(validateRunOptions({ ...VALID, seed: LIMITS.seedMax })).toBeNull();
  });

  const bad: [string, Partial<Record<keyof RunOptions, unknown>>, RegExp][] = [
    ['an even cluster', { nodes: 4 }, /Nodes/],
    ['a negative seed', { seed: -1 }, /Seed/],
    ['a fractional seed', { seed: 1.5 }, /Seed/],
    ['a seed past 32 bits', { seed: LIMITS.seedMax + 1 }, /Seed/],
    ['a missing seed', { seed: Number.NaN }, /Seed/],
    ['zero simulated seconds', { simulatedSeconds: 0 }, /Simulated seconds/],
    ['too many simulated seconds', { simulatedSeconds: LIMITS.simulatedSecondsMax + 1 }, /Simulated seconds/],
    ['negative load', { loadOpsPerSec: -1 }, /Client load/],
    ['an unknown nemesis', { nemesis: ['meteor'] }, /nemesis: meteor/],
    ['an unknown bug', { bug: 'off-by-one' }, /bug variant: off-by-one/],
  ];
  for (const [name, change, message] of bad) {
    it(`refuses ${name}`, () => {
      expect(validateRunOptions({ ...VALID, ...change } as RunOptions)).toMatch(message);
    });
  }
});

describe('toScenarioOptions', () => {
  it('maps seconds to milliseconds and the bug to a list', () => {
    expect(toScenarioOptions({ ...VALID, bug: 'commit-old-term' })).toEqual({
      nodes: 5,
      seed: 42,
      untilMs: 10_000,
      nemesis: ['partition', 'crash'],
      loadOpsPerSec: 20,
      bugs: ['commit-old-term'],
    });
    expect(toScenarioOptions(VALID).bugs).toEqual([]);
  });
});

describe('assertNever', () => {
  it('throws, naming what it got', () => {
    expect(() => assertNever('surprise' as never, 'worker command')).toThrow(/unexpected worker command: "surprise"/);
  });
});
