import { describe, expect, it } from 'vitest';
import type { Lesson } from '../../lessons/lesson';
import { demoLesson } from '../testing/demo-lesson';
import { goalsFresh, nextHintInMs, playsAfter, scenarioBefore, stepKeyDirection, visibleHints } from './lesson-run';

const STEPS = `## One
::: play to=1s
::: pause | Why?

## Two
::: load file=other.json seed=7
::: play to=2s
::: pause | And now?
::: highlight node=leader

## Three
Text.
`;

function demo(): Lesson {
  return demoLesson(STEPS, ['scenario.json', 'other.json']);
}

describe('lesson runner helpers', () => {
  it('knows the scenario each step starts from', () => {
    const lesson = demo();
    expect(scenarioBefore(lesson, 0)).toEqual({ file: 'scenario.json', seed: null });
    expect(scenarioBefore(lesson, 1)).toEqual({ file: 'scenario.json', seed: null });
    expect(scenarioBefore(lesson, 2)).toEqual({ file: 'other.json', seed: 7 });
  });
  it('shows hints after their delay, or when asked for, in order', () => {
    const hints = [{ afterMs: 20_000, text: 'b' }, { afterMs: 5_000, text: 'a' }];
    expect(visibleHints(hints, 0, 0)).toEqual([]);
    expect(visibleHints(hints, 5_000, 0).map((h) => h.text)).toEqual(['a']);
    expect(visibleHints(hints, 0, 1).map((h) => h.text)).toEqual(['a']);
    expect(visibleHints(hints, 21_000, 0).map((h) => h.text)).toEqual(['a', 'b']);
    expect(nextHintInMs(hints, 6_000, 0)).toBe(14_000);
    expect(nextHintInMs(hints, 6_000, 2)).toBeNull();
  });
  it('maps the step keys and leaves others alone', () => {
    const key = (k: string, mods: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }> = {}) =>
      stepKeyDirection({ key: k, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...mods });
    expect(key(']')).toBe(1);
    expect(key('[')).toBe(-1);
    expect(key('ArrowRight', { altKey: true })).toBe(1);
    expect(key('ArrowLeft', { altKey: true })).toBe(-1);
    expect(key('ArrowRight')).toBeNull();
    expect(key('ArrowRight', { altKey: true, shiftKey: true })).toBeNull();
    expect(key(']', { ctrlKey: true })).toBeNull();
  });
  it('trusts goal statuses only once they can be the ones last sent', () => {
    expect(goalsFresh(0, 10_000)).toBe(false);
    expect(goalsFresh(1, 10)).toBe(false);
    expect(goalsFresh(1, 500)).toBe(true);
    expect(goalsFresh(2, 10)).toBe(true);
  });
  it('a pause waits for Continue only when the step plays on after it', () => {
    const [one, two] = demo().steps;
    expect(playsAfter(one!.directives, 1)).toBe(false);
    expect(playsAfter(two!.directives, 0)).toBe(true);
    expect(playsAfter(two!.directives, 2)).toBe(false);
  });
});
