/**
 * Pure helpers of the lesson runner (lesson-runner.svelte.ts and the lesson column): which scenario
 * a step starts from, which hints show, which keys move between steps, when the goal statuses the
 * worker sent belong to the step shown. No protocol logic: goals are evaluated in the worker.
 */
import type { Directive, Hint, Lesson } from '../../lessons/lesson';

/** The scenario file (and seed) in force when step `index` (0-based) begins: the last `load` of the earlier steps, else the lesson's. */
export function scenarioBefore(lesson: Lesson, index: number): { file: string; seed: number | null } {
  let current: { file: string; seed: number | null } = { file: lesson.scenario, seed: null };
  for (const step of lesson.steps.slice(0, Math.max(0, index))) {
    for (const d of step.directives) if (d.kind === 'load') current = { file: d.file, seed: d.seed };
  }
  return current;
}

/** The hints shown after `elapsedMs` of wall time on the step, plus any the student asked for early. */
export function visibleHints(hints: readonly Hint[], elapsedMs: number, askedFor: number): Hint[] {
  const sorted = [...hints].sort((a, b) => a.afterMs - b.afterMs);
  return sorted.filter((h, i) => h.afterMs <= elapsedMs || i < askedFor);
}

/** Wall ms until the next hint shows by itself, or null when none is left. */
export function nextHintInMs(hints: readonly Hint[], elapsedMs: number, askedFor: number): number | null {
  const shown = visibleHints(hints, elapsedMs, askedFor).length;
  const sorted = [...hints].sort((a, b) => a.afterMs - b.afterMs);
  const next = sorted[shown];
  return next === undefined ? null : Math.max(0, next.afterMs - elapsedMs);
}

export interface KeyLike {
  readonly key: string;
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
}

/** Step navigation keys: Alt+→ / Alt+← or ] / [ (plain arrows step the simulation). */
export function stepKeyDirection(event: KeyLike): 1 | -1 | null {
  if (event.ctrlKey || event.metaKey) return null;
  if (event.altKey && !event.shiftKey) {
    if (event.key === 'ArrowRight') return 1;
    if (event.key === 'ArrowLeft') return -1;
    return null;
  }
  if (event.altKey) return null;
  if (event.key === ']') return 1;
  if (event.key === '[') return -1;
  return null;
}

/**
 * Whether the goal statuses on the page are for the goals last sent. The worker answers `goals` with
 * a frame, but a frame already on its way may still carry the previous step's statuses: trust the
 * panels once two updates have come since, or one has and a panels interval (250 ms) has passed.
 */
export function goalsFresh(panelUpdatesSinceSet: number, msSinceSet: number): boolean {
  return panelUpdatesSinceSet >= 2 || (panelUpdatesSinceSet >= 1 && msSinceSet >= 400);
}

/** Whether a directive after position `i` plays the run (then a pause waits for the student's "Continue"). */
export function playsAfter(directives: readonly Directive[], i: number): boolean {
  return directives.slice(i + 1).some((d) => d.kind === 'play-to' || d.kind === 'play-until' || d.kind === 'load' || d.kind === 'reset');
}
