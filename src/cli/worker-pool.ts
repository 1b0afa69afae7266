/**
 * A small pool of worker threads for the CLI's campaigns (the pattern of `runJobs` in bench.ts, for
 * any job type): each worker takes the next job in submission order, so with `stop` every job before
 * the one that stopped the batch has run. Results come back in submission order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface Completed<J, R> {
  index: number;
  job: J;
  result: R;
}

/** What a worker entry posts back for each job: its result, or why it failed. */
export type WorkerReply<R> = { ok: true; result: R } | { ok: false; error: string };

/**
 * The worker entry bundled into one plain JavaScript module (esbuild, no `keepNames`), written to a
 * temporary file; null when esbuild is not there. Campaign workers run several times per second of
 * wall time for minutes: compiled per file by tsx, every closure the simulator creates is wrapped in
 * a naming helper, and the same campaign ran 10-20% slower (BENCHMARKS.md, "Fault campaigns").
 */
async function bundleWorker(entry: URL): Promise<{ url: URL; cleanup(): void } | null> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'faultline-worker-'));
  const outfile = join(dir, 'worker.mjs');
  await esbuild.build({
    entryPoints: [fileURLToPath(entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
  });
  return { url: pathToFileURL(outfile), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts a worker on a TypeScript module through tsx (the fallback when the entry cannot be bundled).
 * A worker thread must register tsx itself before it can import a .ts module (execArgv `--import
 * tsx` is not honoured inside a tsx-run parent).
 */
function startTsxWorker(entry: URL): Worker {
  const href = JSON.stringify(entry.href);
  // Resolved here, not in the worker: an eval'd worker resolves bare names from the current
  // directory, which need not be the project's.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((m) => { m.register(); return import(${href}); });`, { eval: true });
}

/**
 * Runs `jobs` on `workers` threads started from `entry` (a module that answers each posted job with
 * a WorkerReply). `stop(result)` true ends the batch: jobs already running finish, no new one starts.
 * A job that fails rejects the whole batch.
 */
export async function runOnWorkers<J, R>(
  entry: URL, jobs: readonly J[], workers: number, stop: (result: R) => boolean = () => false,
): Promise<Array<Completed<J, R>>> {
  const done: Array<Completed<J, R>> = [];
  if (jobs.length === 0) return done;
  const bundle = await bundleWorker(entry);
  const startWorker = (): Worker => (bundle === null ? startTsxWorker(entry) : new Worker(bundle.url));
  let next = 0;
  let halted = false;
  const one = async (): Promise<void> => {
    const worker = startWorker();
    try {
      while (!halted && next < jobs.length) {
        const index = next++;
        const job = jobs[index]!;
        const reply = await new Promise<WorkerReply<R>>((resolve, reject) => {
          const onError = (err: Error): void => {
            worker.off('message', onMessage);
            reject(err);
          };
          const onMessage = (r: WorkerReply<R>): void => {
            worker.off('error', onError);
            resolve(r);
          };
          worker.once('message', onMessage);
          worker.once('error', onError);
          worker.postMessage(job);
        });
        if (!reply.ok) {
          halted = true;
          throw new Error(`job ${index + 1} of ${jobs.length} failed in its worker: ${reply.error}`);
        }
        done.push({ index, job, result: reply.result });
        if (stop(reply.result)) halted = true;
      }
    } finally {
      await worker.terminate();
    }
  };
  const count = Math.max(1, Math.min(workers, jobs.length));
  try {
    await Promise.all(Array.from({ length: count }, one));
  } finally {
    bundle?.cleanup();
  }
  return done.sort((a, b) => a.index - b.index);
}
