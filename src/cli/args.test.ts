import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastFlag, parseArgs, parseDurationMs, parseIntArg, parseList, parseNumberArg, parseWindowMs, UsageError } from './args';

describe('parseDurationMs', () => {
  it.each([
    ['500ms', 500],
    ['60s', 60_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    ['0.5m', 30_000],
    [' 10s ', 10_000],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDurationMs(text, '--until')).toBe(ms);
  });

  it.each(['60', '-1s', 'abc', '', 's', '1.s', '1 s', '10sec', '1e3ms', '0s', '0ms'])('refuses %j, naming the flag', (text) => {
    expect(() => parseDurationMs(text, '--until')).toThrow(UsageError);
    expect(() => parseDurationMs(text, '--until')).toThrow(/^--until: /);
  });

  it('a bare number is refused with a hint at the units', () => {
    expect(() => parseDurationMs('60', '--nemesis-interval')).toThrow('--nemesis-interval: expected a duration such as 500ms, 60s, 2m or 1h, got "60"');
  });

  it('round-trips whole numbers of every unit (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(['ms', 1], ['s', 1000], ['m', 60_000], ['h', 3_600_000]), (n, [unit, scale]) => {
        expect(parseDurationMs(`${n}${unit as string}`, '--until')).toBe(n * (scale as number));
      }),
    );
  });
});

describe('parseWindowMs', () => {
  it.each([
    ['1s..2.5s', [1000, 2500]],
    ['1200ms..1500ms', [1200, 1500]],
    ['0..600ms', [0, 600]],
    ['0s..1m', [0, 60_000]],
    ['500ms..500ms', [500, 500]],
  ])('reads %s', (text, window) => {
    expect(parseWindowMs(text, '--mermaid')).toEqual(window);
  });

  it.each(['1s', '1s-2s', '..2s', '1s..', '1..2s', '2s..1s', '1s..2s..3s', 'a..b'])('refuses %s, naming the flag', (text) => {
    expect(() => parseWindowMs(text, '--mermaid')).toThrow(UsageError);
    expect(() => parseWindowMs(text, '--mermaid')).toThrow(/^--mermaid: /);
  });

  it('says the window is backwards', () => {
    expect(() => parseWindowMs('2s..1s', '--mermaid')).toThrow('--mermaid: the window starts after it ends (2000 ms > 1000 ms) in "2s..1s"');
  });
});

describe('parseList', () => {
  it('splits on commas and trims', () => {
    expect(parseList('partition,crash')).toEqual(['partition', 'crash']);
    expect(parseList(' partition , crash ,')).toEqual(['partition', 'crash']);
    expect(parseList('pause')).toEqual(['pause']);
  });

  it('"none" and "" are the empty list', () => {
    expect(parseList('none')).toEqual([]);
    expect(parseList(' none ')).toEqual([]);
    expect(parseList('')).toEqual([]);
  });
});

describe('parseIntArg and parseNumberArg', () => {
  it('parse in range and refuse out of range or malformed, naming the flag', () => {
    expect(parseIntArg('5', '--nodes', 1, 9)).toBe(5);
    expect(() => parseIntArg('12', '--nodes', 1, 9)).toThrow('--nodes: must be from 1 to 9, got 12');
    expect(() => parseIntArg('2.5', '--nodes', 1, 9)).toThrow(/--nodes: expected an integer/);
    expect(() => parseIntArg('', '--nodes', 1, 9)).toThrow(/--nodes: expected an integer/);
    expect(parseNumberArg('2.5', '--load', 0, 10)).toBe(2.5);
    expect(() => parseNumberArg('x', '--load', 0, 10)).toThrow(/--load: expected a number/);
    expect(() => parseNumberArg(' ', '--load', 0, 10)).toThrow(/--load: expected a number/);
    expect(() => parseNumberArg('11', '--load', 0, 10)).toThrow(/--load: must be from 0 to 10/);
  });
});

describe('parseArgs', () => {
  const VALUED = ['seed', 'bug', 'until'];
  const BOOLEANS = ['json', 'trace'];

  it('accepts --flag=value and --flag value, and keeps positionals in order', () => {
    const a = parseArgs(['file.json', '--seed=3', '--until', '2s', 'extra'], VALUED, BOOLEANS);
    expect(a.positional).toEqual(['file.json', 'extra']);
    expect(a.flags.get('seed')).toEqual(['3']);
    expect(a.flags.get('until')).toEqual(['2s']);
  });

  it('keeps every value of a repeated flag, in order; lastFlag takes the last', () => {
    const a = parseArgs(['--bug', 'a', '--bug=b', '--seed', '1', '--seed', '2'], VALUED, BOOLEANS);
    expect(a.flags.get('bug')).toEqual(['a', 'b']);
    expect(lastFlag(a, 'seed')).toBe('2');
    expect(lastFlag(a, 'until')).toBeUndefined();
  });

  it('an = value may be empty or contain =', () => {
    const a = parseArgs(['--seed=', '--bug=x=y'], VALUED, BOOLEANS);
    expect(a.flags.get('seed')).toEqual(['']);
    expect(a.flags.get('bug')).toEqual(['x=y']);
  });

  it('boolean flags take no value: --json is set, --json=yes is refused, and the next word stays positional', () => {
    const a = parseArgs(['--json', 'file'], VALUED, BOOLEANS);
    expect(a.flags.get('json')).toEqual(['true']);
    expect(a.positional).toEqual(['file']);
    expect(() => parseArgs(['--json=yes'], VALUED, BOOLEANS)).toThrow('--json takes no value');
  });

  it('a valued flag at the end without its value is refused', () => {
    expect(() => parseArgs(['--seed'], VALUED, BOOLEANS)).toThrow(UsageError);
    expect(() => parseArgs(['--json', '--seed'], VALUED, BOOLEANS)).toThrow('--seed needs a value');
  });

  it('an unknown option is refused, naming it and the known ones', () => {
    expect(() => parseArgs(['--sede', '3'], VALUED, BOOLEANS)).toThrow(/^unknown option --sede \(known: --seed, --bug, --until, --json, --trace\)$/);
    expect(() => parseArgs(['--sede=3'], VALUED, BOOLEANS)).toThrow(/unknown option --sede /);
  });
});
