/**
 * The scenarios an embed may name: exactly the ones the lab worker bundles (src/worker/lab.worker.ts,
 * `BUNDLED`): scenarios/<name>.json as `<name>`, and each lesson's scenario files
 * lessons/<id>/<file>.json as `lesson-<id>-<file>` (lesson-driver.ts, lessonScenarioName).
 *
 * Only each file's `name` field is imported (Vite turns a JSON file's top-level keys into named
 * exports and drops the rest), so the element's bundle holds the list and the titles, not the
 * scenarios themselves: those stay in the worker. scenarios.test.ts checks the list against the folders.
 */

const SCENARIO_FILES = import.meta.glob<string>('../../scenarios/*.json', { eager: true, import: 'name' });
const LESSON_FILES = import.meta.glob<string>('../../lessons/*/*.json', { eager: true, import: 'name' });

export interface BundledScenario {
  /** What the `scenario` attribute (and the lab's `?scenario=`) says. */
  readonly name: string;
  /** The file's own `name` field: a one-line description, used as the embed's default caption. */
  readonly title: string;
  /** A lesson's scenario (listed after the top-level ones in messages). */
  readonly lesson: boolean;
}

function fromScenarioPath(path: string): string {
  return path.replace(/^.*\//, '').replace(/\.json$/, '');
}

function fromLessonPath(path: string): string {
  const [, id = '', file = ''] = /lessons\/([^/]+)\/([^/]+)\.json$/.exec(path) ?? [];
  return `lesson-${id}-${file}`;
}

export const BUNDLED_SCENARIOS: readonly BundledScenario[] = [
  ...Object.entries(SCENARIO_FILES).map(([path, title]) => ({ name: fromScenarioPath(path), title: String(title), lesson: false })),
  ...Object.entries(LESSON_FILES).map(([path, title]) => ({ name: fromLessonPath(path), title: String(title), lesson: true })),
].sort((a, b) => Number(a.lesson) - Number(b.lesson) || a.name.localeCompare(b.name));

export function bundledScenario(name: string): BundledScenario | null {
  return BUNDLED_SCENARIOS.find((s) => s.name === name) ?? null;
}
