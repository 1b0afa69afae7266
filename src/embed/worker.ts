/**
 * Each embed's own lab worker. The URL is relative to this module's own URL (`import.meta.url`), so
 * the built worker file loads from wherever the embed's script is hosted, next to it: the author's
 * own static hosting, never a CDN. (Vite bundles the worker as a separate file and rewrites the path.)
 */
let started = 0;

export function createLabWorker(): Worker {
  started++;
  return new Worker(new URL('../worker/lab.worker.ts', import.meta.url), { type: 'module', name: `faultline-embed-${started}` });
}
