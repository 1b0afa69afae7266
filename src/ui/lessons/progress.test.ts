import { describe, expect, it } from 'vitest';
import { completedSteps, isLessonDone, parseProgress, progressText, PROGRESS_KEY, readProgress, withStepDone, writeProgress, type StorageLike } from './progress';

function memory(initial: Record<string, string> = {}): StorageLike & { data: Record<string, string> } {
  const data = { ...initial };
  return {
    data,
    getItem: (k) => data[k] ?? null,
    setItem: (k, v) => {
      data[k] = v;
    },
    removeItem: (k) => {
      delete data[k];
    },
  };
}

describe('progress', () => {
  it('round-trips through storage', () => {
    const storage = memory();
    let p = withStepDone({}, 'leader-election', 2);
    p = withStepDone(p, 'leader-election', 1);
    writeProgress(storage, p);
    expect(JSON.parse(storage.data[PROGRESS_KEY]!)).toEqual({ 'leader-election': [1, 2] });
    expect(readProgress(storage)).toEqual({ 'leader-election': [1, 2] });
  });
  it('marking a step twice changes nothing', () => {
    const p = withStepDone({}, 'a', 1);
    expect(withStepDone(p, 'a', 1)).toBe(p);
  });
  it('ignores corrupt storage with a warning, never throws', () => {
    const warnings: string[] = [];
    const warn = (m: string): void => void warnings.push(m);
    expect(parseProgress('{not json', warn)).toEqual({});
    expect(parseProgress('[1,2]', warn)).toEqual({});
    expect(parseProgress('{"ok":[1,2],"bad":"x","Bad Id":[1],"mixed":[1,"2",-1,2.5]}', warn)).toEqual({ ok: [1, 2], mixed: [1] });
    expect(warnings).toHaveLength(3);
    const throwing: StorageLike = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => undefined,
    };
    expect(readProgress(throwing, warn)).toEqual({});
    expect(() => writeProgress(throwing, { a: [1] })).not.toThrow();
  });
  it('counts only steps that exist, and says it in words', () => {
    const p = { a: [1, 2, 7] };
    expect(completedSteps(p, 'a', 4)).toEqual([1, 2]);
    expect(progressText(p, 'a', 4)).toBe('2 of 4 steps');
    expect(isLessonDone(p, 'a', 4)).toBe(false);
    expect(isLessonDone(p, 'a', 2)).toBe(true);
    expect(isLessonDone({}, 'a', 0)).toBe(false);
  });
  it('forgets everything when progress is empty', () => {
    const storage = memory({ [PROGRESS_KEY]: '{"a":[1]}' });
    writeProgress(storage, {});
    expect(storage.data[PROGRESS_KEY]).toBeUndefined();
  });
});
