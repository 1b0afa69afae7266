/// <reference types="vitest/config" />
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';

/**
 * A lesson or a presenter deck that does not validate fails the build (DESIGN.md: lessons are data
 * validated by a schema), with every problem's file, line and reason. (The dev server does not run it: the page
 * shows a lesson's problems in place of the lesson.)
 */
function validateLessons(): Plugin {
  return {
    name: 'faultline-validate-lessons',
    apply: 'build',
    buildStart() {
      // The CLI's validator in its own process: the config stays free of the app's module graph.
      // Presenter decks are data the same way (presentations/*.md), checked the same way.
      for (const what of ['lessons', 'presentations']) {
        const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'validate', what], { cwd: import.meta.dirname, encoding: 'utf8' });
        if (result.status === 0) continue;
        const text = `invalid ${what}:\n${(result.stderr || result.stdout || result.error?.message || '').trim()}`;
        this.error(text);
      }
    },
  };
}

export default defineConfig({
  plugins: [svelte(), validateLessons()],
  // Module workers: the run worker imports the simulator as ES modules, which the default
  // 'iife' worker format cannot code-split.
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // Two pages: the lab, and the embeddable lab for iframes (embed.html, src/embed/embed-page.ts).
    rolldownOptions: { input: { index: resolve(import.meta.dirname, 'index.html'), embed: resolve(import.meta.dirname, 'embed.html') } },
  },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    // Some tests run whole simulated minutes; on a loaded 2-core CI machine 5 s is not enough.
    testTimeout: 60_000,
  },
});
