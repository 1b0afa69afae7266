/**
 * Every lesson in lessons/ is valid and plays headless from start to end: each step's directives, then
 * its "show me" where its goals do not hold yet, and every goal is then met. The trace hash at every
 * pause is checked against testdata/lesson-pauses.json, so a lesson plays out the same way every time
 * (and a change to the simulator that changes a lesson's story shows up here):
 *
 *     UPDATE_LESSON_HASHES=1 npx vitest run src/worker/lessons.test.ts
 *
 * regenerates that file; read the diff before committing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lessonFolders, readLessonFolder, validateLessonFolder } from '../lessons/files';
import { defaultLabConfig, LabSession } from './lab-session';
import { lessonScenarioName, playLessonHeadless, type HeadlessResult } from './lesson-driver';

const ROOT = join(__dirname, '..', '..', 'lessons');
const PAUSES_FILE = join(__dirname, 'testdata', 'lesson-pauses.json');
const UPDATE = process.env.UPDATE_LESSON_HASHES === '1';

const folders = lessonFolders(ROOT).map(readLessonFolder);
const known = folders.map((f) => f.id);
const bundled = new Map<string, string>();
for (const f of folders) for (const [name, text] of f.files) if (name.endsWith('.json')) bundled.set(lessonScenarioName(f.id, name), text);

function play(id: string): HeadlessResult {
  const folder = folders.find((f) => f.id === id)!;
  const { lesson, problems } = validateLessonFolder(folder, known);
  expect(problems).toEqual([]);
  return playLessonHeadless(lesson!, (scenario, seed) => new LabSession({ ...defaultLabConfig(), scenario, seed }, bundled));
}

describe('lessons', () => {
  it('there is a course', () => {
    expect(folders.length).toBeGreaterThanOrEqual(1);
    expect(folders.map((f) => basename(f.dir))).toEqual(known);
  });

  const recorded: Record<string, unknown> = existsSync(PAUSES_FILE) ? (JSON.parse(readFileSync(PAUSES_FILE, 'utf8')) as Record<string, unknown>) : {};
  const fresh: Record<string, unknown> = {};

  for (const folder of folders) {
    it(`${folder.id}: every goal is reached by its "show me", and every pause is where it was`, () => {
      const result = play(folder.id);
      for (const step of result.steps) expect(step.metAfterSolution, `step "${step.title}"`).toBe(true);
      fresh[folder.id] = result.pauses;
      if (UPDATE || recorded[folder.id] === undefined) {
        recorded[folder.id] = result.pauses;
        writeFileSync(PAUSES_FILE, JSON.stringify({ ...recorded, ...fresh }, null, 2) + '\n');
      }
      expect(result.pauses).toEqual(recorded[folder.id]);
      // Deterministic: a second play gives the same story, step by step.
      expect(play(folder.id)).toEqual(result);
    });
  }
});
