/**
 * Lessons on disk (Node only: the CLI and the tests; the page gets the same files bundled by Vite).
 * A lesson folder is valid when its lesson.md parses, every scenario file in it validates, and its
 * prerequisites are lessons that exist.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseScenarioText } from '../sim/scenario';
import { parseLesson, type Lesson, type LessonProblem } from './lesson';

export interface LessonFolder {
  readonly id: string;
  readonly dir: string;
  readonly text: string;
  /** The folder's other files: name -> text. */
  readonly files: ReadonlyMap<string, string>;
}

export function readLessonFolder(dir: string): LessonFolder {
  const id = basename(dir.replace(/\/+$/, ''));
  const lessonFile = join(dir, 'lesson.md');
  if (!existsSync(lessonFile)) throw new Error(`${dir}: no lesson.md in this folder`);
  const files = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    if (name === 'lesson.md') continue;
    const path = join(dir, name);
    if (statSync(path).isFile()) files.set(name, readFileSync(path, 'utf8'));
  }
  return { id, dir, text: readFileSync(lessonFile, 'utf8'), files };
}

/** The lesson folders under `root` (lessons/), in name order. */
export function lessonFolders(root: string): string[] {
  return readdirSync(root)
    .filter((name) => statSync(join(root, name)).isDirectory() && existsSync(join(root, name, 'lesson.md')))
    .sort()
    .map((name) => join(root, name));
}

/** Parses and checks a lesson folder; `known` are the ids of the lessons next to it (for prerequisites). */
export function validateLessonFolder(folder: LessonFolder, known: readonly string[]): { lesson: Lesson | null; problems: LessonProblem[] } {
  const file = `lessons/${folder.id}/lesson.md`;
  const parsed = parseLesson(folder.text, folder.id, [...folder.files.keys()], file);
  const problems: LessonProblem[] = parsed.ok ? [] : [...parsed.problems];
  for (const [name, text] of folder.files) {
    if (!name.endsWith('.json')) continue;
    const scenario = parseScenarioText(text);
    if (!scenario.ok) {
      for (const e of scenario.errors) problems.push({ file: `lessons/${folder.id}/${name}`, line: 0, message: `${e.path || '(top level)'}: ${e.message}` });
    }
  }
  if (parsed.ok) {
    for (const p of parsed.lesson.prerequisites) {
      if (!known.includes(p)) problems.push({ file, line: 0, message: `prerequisite "${p}" is not a lesson in lessons/` });
    }
  }
  return { lesson: parsed.ok && problems.length === 0 ? parsed.lesson : null, problems };
}
