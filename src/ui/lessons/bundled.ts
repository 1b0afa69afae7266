/**
 * The lessons bundled into the page: lessons/<id>/lesson.md as text, parsed once at start-up. The
 * scenario files are bundled into the lab worker (src/worker/lab.worker.ts); here only their names
 * are needed, for the parser's check that a lesson names files that exist. The lazy glob gives the
 * names without putting the files in the main bundle (nothing ever calls its loaders).
 */
import { buildCourse, type CourseEntry } from './course';

const markdown = import.meta.glob('../../../lessons/*/lesson.md', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const otherFiles = Object.keys(import.meta.glob('../../../lessons/*/*.json', { query: '?raw', import: 'default' }));

export const COURSE: readonly CourseEntry[] = buildCourse(markdown, otherFiles);
