/**
 * What the browser benchmarks share (bench-browser.mjs, bench-embed.mjs, bench-present.mjs): waiting
 * for the preview server, launching Chromium as the tests do, sampling frame intervals with
 * requestAnimationFrame and summarising them.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { chromium } from '@playwright/test';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** A frame interval over 1.5 vsyncs (25 ms at 60 Hz) means at least one frame was dropped. */
export const DROPPED_FRAME_MS = 25;

/** Debian's Chromium where it is installed (playwright.config.ts does the same), Playwright's own elsewhere. */
export function launchChromium() {
  return chromium.launch({
    ...(existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM } : {}),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function waitForServer(url, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the preview server did not answer at ${url}`);
}

/** The p-quantile (0..1) of ascending `sorted`, nearest rank below. */
export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

export function summarize(intervals) {
  const sorted = [...intervals].sort((a, b) => a - b);
  return {
    framesSampled: sorted.length,
    frameMsP50: percentile(sorted, 0.5),
    frameMsP95: percentile(sorted, 0.95),
    frameMsMax: sorted[sorted.length - 1],
    framesDropped: sorted.filter((ms) => ms > DROPPED_FRAME_MS).length,
  };
}

/** Samples requestAnimationFrame intervals for `ms` of wall time. */
export async function sampleFrames(page, ms) {
  return page.evaluate(
    (durationMs) =>
      new Promise((resolve) => {
        const stamps = [];
        const start = performance.now();
        const frame = (t) => {
          stamps.push(t);
          if (t - start < durationMs) requestAnimationFrame(frame);
          else resolve(stamps.slice(1).map((s, i) => s - stamps[i]));
        };
        requestAnimationFrame(frame);
      }),
    ms,
  );
}

/** Throws, naming the port, when something already listens on 127.0.0.1:`port`. */
export function assertPortFree(port) {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err) => {
      reject(new Error(err.code === 'EADDRINUSE' ? `port ${port} is in use (a dev or preview server left running?): stop it, then run the benchmark again` : `port ${port}: ${err.message}`));
    });
    probe.once('listening', () => probe.close(() => resolve()));
    probe.listen(port, '127.0.0.1');
  });
}

/**
 * Serves `outDir` (relative to `root`) with `vite preview` on `port`, waits until `readyUrl` answers,
 * launches Chromium and runs `measure(browser)`; the browser and the server are stopped however it ends.
 */
export async function withPreview({ root, outDir, port, readyUrl }, measure) {
  // With the port taken, `vite preview --strictPort` exits at once and the readiness check would be
  // answered by whatever holds the port: measure the wrong pages, or wait for elements never drawn.
  await assertPortFree(port);
  const server = spawn('npx', ['vite', 'preview', '--outDir', outDir, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: root, stdio: 'ignore', detached: true });
  try {
    await waitForServer(readyUrl, 30_000);
    const browser = await launchChromium();
    try {
      return await measure(browser);
    } finally {
      await browser.close();
    }
  } finally {
    try {
      process.kill(-server.pid);
    } catch {
      /* already gone */
    }
  }
}
