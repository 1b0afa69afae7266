/**
 * The course as the page holds it: every bundled lessons/<id>/lesson.md parsed with the same parser
 * the build and `faultline validate` use. A lesson that does not parse is kept with its problems
 * (file:line), so the course page can show them instead of failing as a whole.
 */
import { parseLesson, type Lesson, type LessonProblem } from '../../lessons/lesson';
import { courseOrder } from './course-order';

export type CourseEntry =
  | { readonly id: string; readonly ok: true; readonly lesson: Lesson }
  | { readonly id: string; readonly ok: false; readonly problems: readonly LessonProblem[] };

/** The lesson folder and file name of a bundled path ("../../../lessons/raft-1/lesson.md"). */
export function lessonPathParts(path: string): { folder: string; file: string } | null {
  const m = /(?:^|\/)lessons\/([^/]+)\/([^/]+)$/.exec(path);
  return m === null ? null : { folder: m[1]!, file: m[2]! };
}

/**
 * Builds the course from the bundled lesson.md texts (by path) and the paths of the other files in the
 * lesson folders (the scenario files a lesson may name).
 */
export function buildCourse(markdownByPath: Readonly<Record<string, string>>, otherPaths: readonly string[]): CourseEntry[] {
  const filesOf = new Map<string, string[]>();
  for (const p of otherPaths) {
    const parts = lessonPathParts(p);
    if (parts === null) continue;
    filesOf.set(parts.folder, [...(filesOf.get(parts.folder) ?? []), parts.file]);
  }
  const texts = new Map<string, string>();
  for (const [path, text] of Object.entries(markdownByPath)) {
    const parts = lessonPathParts(path);
    if (parts !== null && parts.file === 'lesson.md') texts.set(parts.folder, text);
  }
  return courseOrder([...texts.keys()]).map((id): CourseEntry => {
    const parsed = parseLesson(texts.get(id)!, id, filesOf.get(id) ?? []);
    return parsed.ok ? { id, ok: true, lesson: parsed.lesson } : { id, ok: false, problems: parsed.problems };
  });
}
