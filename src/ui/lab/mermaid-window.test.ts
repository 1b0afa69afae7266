import { describe, expect, it } from 'vitest';
import { defaultWindow, windowProblem } from './mermaid-window';

describe('export window', () => {
  it('defaults to the last 500 ms up to now, never before 0', () => {
    expect(defaultWindow(1234.7)).toEqual({ fromMs: 734, toMs: 1234 });
    expect(defaultWindow(200)).toEqual({ fromMs: 0, toMs: 200 });
  });
  it('says what is wrong with a window', () => {
    expect(windowProblem(0, 500)).toBeNull();
    expect(windowProblem(-1, 5)).toMatch(/0 ms or later/);
    expect(windowProblem(10, 5)).toMatch(/not be before/);
    expect(windowProblem(0, 60_001)).toMatch(/60 s/);
    expect(windowProblem(Number.NaN, 5)).toMatch(/numbers/);
  });
});
