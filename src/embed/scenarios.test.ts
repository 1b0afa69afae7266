import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lessonScenarioName } from '../worker/lesson-driver';
import { BUNDLED_SCENARIOS, bundledScenario } from './scenarios';

const ROOT = join(import.meta.dirname, '..', '..');

/** The names the lab worker gives its bundled scenarios (lab.worker.ts, BUNDLED), computed from the folders. */
function workerNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const f of readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.json'))) {
    names.set(f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(ROOT, 'scenarios', f), 'utf8')).name);
  }
  for (const id of readdirSync(join(ROOT, 'lessons'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
    for (const f of readdirSync(join(ROOT, 'lessons', id)).filter((f) => f.endsWith('.json'))) {
      names.set(lessonScenarioName(id, f), JSON.parse(readFileSync(join(ROOT, 'lessons', id, f), 'utf8')).name);
    }
  }
  return names;
}

describe('BUNDLED_SCENARIOS', () => {
  it('is exactly the worker\'s list, with each file\'s name as its title', () => {
    const expected = workerNames();
    expect(new Set(BUNDLED_SCENARIOS.map((s) => s.name))).toEqual(new Set(expected.keys()));
    for (const s of BUNDLED_SCENARIOS) expect(s.title).toBe(expected.get(s.name));
    expect(BUNDLED_SCENARIOS.length).toBe(expected.size);
  });

  it('lists the top-level scenarios first, then the lessons\'', () => {
    const firstLesson = BUNDLED_SCENARIOS.findIndex((s) => s.lesson);
    expect(firstLesson).toBeGreaterThan(0);
    expect(BUNDLED_SCENARIOS.slice(firstLesson).every((s) => s.lesson && s.name.startsWith('lesson-'))).toBe(true);
    expect(bundledScenario('figure-8-commit-old-term')?.lesson).toBe(false);
    expect(bundledScenario('nope')).toBeNull();
  });
});
