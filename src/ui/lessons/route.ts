/**
 * Which page a URL asks for: the lab (default), `?view=compare`, the course index `?view=course`, a
 * lesson step `?lesson=<id>&step=<n>`, presenter mode `?view=present&deck=<id>&scene=<n>` (without a
 * deck: the list of decks) or its speaker-notes window `?view=notes&deck=<id>`. Pure: main.ts mounts
 * what this says.
 */
import type { Lesson } from '../../lessons/lesson';

export type Route =
  | { readonly view: 'lab' }
  | { readonly view: 'compare' }
  | { readonly view: 'course' }
  | { readonly view: 'lesson'; readonly id: string; readonly step: string | null }
  /** `deck` null: the list of decks. `scene` is 1-based, as the URL has it (src/present/navigation.ts resolves it). */
  | { readonly view: 'present'; readonly deck: string | null; readonly scene: string | null }
  | { readonly view: 'notes'; readonly deck: string | null };

export const COURSE_URL = '?view=course';

export function routeOf(search: string): Route {
  const params = new URLSearchParams(search);
  const lesson = params.get('lesson');
  if (lesson !== null) return { view: 'lesson', id: lesson, step: params.get('step') };
  const view = params.get('view');
  if (view === 'compare') return { view: 'compare' };
  if (view === 'course') return { view: 'course' };
  if (view === 'present') return { view: 'present', deck: nonEmpty(params.get('deck')), scene: params.get('scene') };
  if (view === 'notes') return { view: 'notes', deck: nonEmpty(params.get('deck')) };
  return { view: 'lab' };
}

function nonEmpty(value: string | null): string | null {
  return value === null || value === '' ? null : value;
}

/** The link to a lesson's step (1-based). */
export function lessonUrl(id: string, step = 1): string {
  return `?lesson=${encodeURIComponent(id)}&step=${step}`;
}

/** The step a URL's `step` names, as a 0-based index, or why it names none. No step given: the first. */
export function resolveStep(lesson: Lesson, step: string | null): { ok: true; index: number } | { ok: false; message: string } {
  if (step === null || step === '') return { ok: true, index: 0 };
  const n = /^\d{1,3}$/.test(step) ? Number(step) : NaN;
  if (!(n >= 1 && n <= lesson.steps.length)) {
    return { ok: false, message: `"${lesson.title}" has steps 1 to ${lesson.steps.length}; there is no step "${step.slice(0, 20)}".` };
  }
  return { ok: true, index: n - 1 };
}
