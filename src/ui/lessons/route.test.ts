import { describe, expect, it } from 'vitest';
import type { Lesson } from '../../lessons/lesson';
import { lessonUrl, resolveStep, routeOf } from './route';

const lesson = { title: 'Leader election', steps: [{}, {}, {}, {}] } as unknown as Lesson;

describe('routes', () => {
  it('reads the view from the URL', () => {
    expect(routeOf('')).toEqual({ view: 'lab' });
    expect(routeOf('?seed=3&t=100')).toEqual({ view: 'lab' });
    expect(routeOf('?view=compare')).toEqual({ view: 'compare' });
    expect(routeOf('?view=course')).toEqual({ view: 'course' });
    expect(routeOf('?lesson=leader-election&step=2')).toEqual({ view: 'lesson', id: 'leader-election', step: '2' });
    expect(routeOf('?lesson=x')).toEqual({ view: 'lesson', id: 'x', step: null });
  });
  it('links to a step', () => {
    expect(lessonUrl('leader-election', 2)).toBe('?lesson=leader-election&step=2');
    expect(routeOf(lessonUrl('a b', 3))).toEqual({ view: 'lesson', id: 'a b', step: '3' });
  });
  it('resolves a step number, or says why not', () => {
    expect(resolveStep(lesson, null)).toEqual({ ok: true, index: 0 });
    expect(resolveStep(lesson, '4')).toEqual({ ok: true, index: 3 });
    for (const bad of ['0', '5', 'x', '-1', '1.5', '99999']) {
      const r = resolveStep(lesson, bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toContain('steps 1 to 4');
    }
  });
});
