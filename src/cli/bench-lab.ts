/**
 * The lab's benchmarks (issue 3 targets), run by `npm run bench`:
 *
 * 1. Scrub: a 10-minute run recorded by the lab (the worker's LabSession, here in-process: the same
 *    code the worker runs), then seeks to random moments; each seek plus the frame the worker sends
 *    for a paused moment (cluster snapshot and panels, with the trace hash) is timed. Target: every seek at most 200 ms. Also: the record's memory, and the cost
 *    of recording (the same run without the lab, side by side).
 * 2. Load and smooth: scripts/bench-browser.mjs in headless Chromium against the production build
 *    (initial JavaScript gzipped, time to interactive, and p95 frame time with 9 nodes and at least
 *    300 messages in flight). Spawned as a child process; its JSON is merged into the report.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Run } from '../check/run';
import { defaultLabConfig, LabSession, scenarioForConfig } from '../worker/lab-session';

export interface ScrubFigures {
  simulatedMs: number;
  steps: number;
  events: number;
  recordWallMs: number;
  plainRunWallMs: number;
  recordOverheadX: number;
  recordHeapMb: number;
  seeks: number;
  seekMsP50: number;
  seekMsP95: number;
  seekMsMax: number;
}

function bundledScenarios(): Map<string, string> {
  const dir = join(process.cwd(), 'scenarios');
  return new Map(readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => [f.replace(/\.json$/, ''), readFileSync(join(dir, f), 'utf8')]));
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1024 / 1024;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
}

/** Seeks `seeks` times to pseudo-random moments of a `minutes`-minute lab run (20 ops/s, partitions and crashes). */
export function benchScrub(minutes: number, seeks: number): ScrubFigures {
  const untilMs = minutes * 60_000;
  const config = { ...defaultLabConfig(), seed: 11, loadOpsPerSec: 20, nemesis: ['partition', 'crash'] };
  const bundled = bundledScenarios();

  const plainStart = performance.now();
  const plain = new Run({ ...scenarioForConfig(config, bundled), untilMs }, { keepTrace: true });
  plain.runUntil(untilMs);
  const plainRunWallMs = performance.now() - plainStart;

  const heapBefore = heapMb();
  const recordStart = performance.now();
  const session = new LabSession(config, bundled);
  session.seek(untilMs);
  const recordWallMs = performance.now() - recordStart;
  const recordHeapMb = heapMb() - heapBefore;

  // A fixed LCG, so every bench run seeks to the same moments.
  let x = 12345;
  const next = (): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 0x1_0000_0000;
  };
  const times: number[] = [];
  const targets = [0, untilMs, untilMs - 1, 1, ...Array.from({ length: Math.max(0, seeks - 4) }, () => Math.floor(next() * untilMs))];
  for (const t of targets) {
    const start = performance.now();
    session.seek(t);
    // What the worker sends for a paused moment: the cluster and the tables.
    session.snapshot();
    session.panels();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return {
    simulatedMs: untilMs,
    steps: session.recorder.steps,
    events: session.run.sim.trace.length,
    recordWallMs,
    plainRunWallMs,
    recordOverheadX: recordWallMs / plainRunWallMs,
    recordHeapMb,
    seeks: times.length,
    seekMsP50: percentile(times, 0.5),
    seekMsP95: percentile(times, 0.95),
    seekMsMax: times[times.length - 1]!,
  };
}

/** Runs a browser benchmark script (scripts/<name>) with --json; returns its JSON report, or an error message. */
export function benchScript(name: string, args: readonly string[] = []): { ok: true; report: Record<string, unknown> } | { ok: false; error: string } {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'scripts', name), '--json', ...args], { encoding: 'utf8', timeout: 900_000 });
  if (result.status !== 0) return { ok: false, error: (result.stderr || result.stdout || `exit ${result.status}`).trim().slice(-2000) };
  const lastLine = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return { ok: true, report: JSON.parse(lastLine) as Record<string, unknown> };
  } catch {
    return { ok: false, error: `${name} printed no JSON: ${result.stdout.slice(-500)}` };
  }
}

/** The lab's page in Chromium (scripts/bench-browser.mjs). */
export function benchBrowser(): ReturnType<typeof benchScript> {
  return benchScript('bench-browser.mjs');
}
