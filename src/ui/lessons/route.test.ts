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
  it('reads presenter mode and its notes window', () => {
    expect(routeOf('?view=present&deck=raft-under-failure&scene=3')).toEqual({ view: 'present', deck: 'raft-under-failure', scene: '3' });
    expect(routeOf('?view=present&deck=raft-under-failure')).toEqual({ view: 'present', deck: 'raft-under-failure', scene: null });
    expect(routeOf('?view=present')).toEqual({ view: 'present', deck: null, scene: null });
    expect(routeOf('?view=present&deck=')).toEqual({ view: 'present', deck: null, scene: null });
    expect(routeOf('?view=notes&deck=local')).toEqual({ view: 'notes', deck: 'local' });
    expect(routeOf('?view=notes')).toEqual({ view: 'notes', deck: null });
    // A lesson link still wins, and other views are unchanged.
    expect(routeOf('?lesson=partitions&view=present&deck=x')).toEqual({ view: 'lesson', id: 'partitions', step: null });
    expect(routeOf('?view=presenter')).toEqual({ view: 'lab' });
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
