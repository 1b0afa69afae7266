/// <reference types="vitest/config" />
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [svelte()],
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
