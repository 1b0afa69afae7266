/// <reference types="vitest/config" />
import { basename, join } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { lessonFolders, readLessonFolder, validateLessonFolder } from './src/lessons/files';

/**
 * A lesson that does not validate fails the build (DESIGN.md: lessons are data validated by a
 * schema), with every problem's file, line and reason; in the dev server it is reported and the page
 * shows the problems in place of the lesson.
 */
function validateLessons(): Plugin {
  return {
    name: 'faultline-validate-lessons',
    buildStart() {
      const root = join(__dirname, 'lessons');
      const folders = lessonFolders(root);
      const known = folders.map((d) => basename(d));
      const problems = folders.flatMap((dir) => validateLessonFolder(readLessonFolder(dir), known).problems);
      if (problems.length === 0) return;
      const text = problems.map((p) => `${p.file}${p.line > 0 ? `:${p.line}` : ''}: ${p.message}`).join('\n');
      if (this.meta.watchMode) this.warn(`invalid lessons:\n${text}`);
      else this.error(`invalid lessons:\n${text}`);
    },
  };
}

export default defineConfig({
  plugins: [svelte(), validateLessons()],
  // Module workers: the run worker imports the simulator as ES modules, which the default
  // 'iife' worker format cannot code-split.
  worker: { format: 'es' },
  build: { target: 'es2022' },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    // Some tests run whole simulated minutes; on a loaded 2-core CI machine 5 s is not enough.
    testTimeout: 60_000,
  },
});
