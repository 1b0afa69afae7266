/**
 * A student's progress through the course, kept in localStorage: lesson id -> the step numbers
 * (1-based) completed. Whatever the storage holds is checked before use: a corrupt or foreign value
 * is ignored with a console warning and never breaks the page; a storage that throws (privacy mode,
 * quota) only means progress is not kept.
 */
export const PROGRESS_KEY = 'faultline.progress.v1';

export type Progress = Readonly<Record<string, readonly number[]>>;

/** Bounds on what is read back (a tampered value cannot make the page do unbounded work). */
const LESSONS_MAX = 200;
const STEPS_MAX = 100;
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Parses stored progress; anything malformed gives empty progress and a warning. */
export function parseProgress(text: string | null, warn: (message: string) => void = console.warn): Progress {
  if (text === null || text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    warn(`faultline: ignoring stored progress (${PROGRESS_KEY}): not JSON`);
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    warn(`faultline: ignoring stored progress (${PROGRESS_KEY}): not an object`);
    return {};
  }
  const out: Record<string, number[]> = {};
  let skipped = 0;
  for (const [id, steps] of Object.entries(value).slice(0, LESSONS_MAX)) {
    if (!ID.test(id) || !Array.isArray(steps)) {
      skipped++;
      continue;
    }
    const valid = steps.filter((s): s is number => Number.isInteger(s) && s >= 1 && s <= STEPS_MAX);
    if (valid.length !== steps.length) skipped++;
    if (valid.length > 0) out[id] = [...new Set(valid)].sort((a, b) => a - b);
  }
  if (skipped > 0) warn(`faultline: ignored ${skipped} malformed entr${skipped === 1 ? 'y' : 'ies'} of stored progress (${PROGRESS_KEY})`);
  return out;
}

export function readProgress(storage: StorageLike | null, warn: (message: string) => void = console.warn): Progress {
  if (storage === null) return {};
  try {
    return parseProgress(storage.getItem(PROGRESS_KEY), warn);
  } catch {
    return {};
  }
}

export function writeProgress(storage: StorageLike | null, progress: Progress): void {
  if (storage === null) return;
  try {
    if (Object.keys(progress).length === 0) storage.removeItem(PROGRESS_KEY);
    else storage.setItem(PROGRESS_KEY, JSON.stringify(progress));
  } catch {
    /* not kept across visits; the page still shows it */
  }
}

/** Progress with step `step` (1-based) of the lesson marked complete (the same object when it already was). */
export function withStepDone(progress: Progress, lessonId: string, step: number): Progress {
  const done = progress[lessonId] ?? [];
  if (done.includes(step)) return progress;
  return { ...progress, [lessonId]: [...done, step].sort((a, b) => a - b) };
}

/** The completed steps of a lesson that still exist (a lesson may have lost steps since). */
export function completedSteps(progress: Progress, lessonId: string, stepCount: number): number[] {
  return (progress[lessonId] ?? []).filter((s) => s <= stepCount);
}

export function isLessonDone(progress: Progress, lessonId: string, stepCount: number): boolean {
  return stepCount > 0 && completedSteps(progress, lessonId, stepCount).length === stepCount;
}

/** "2 of 4 steps". */
export function progressText(progress: Progress, lessonId: string, stepCount: number): string {
  return `${completedSteps(progress, lessonId, stepCount).length} of ${stepCount} step${stepCount === 1 ? '' : 's'}`;
}

/** The storage of the page, or null where it cannot be reached. */
export function pageStorage(): StorageLike | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
