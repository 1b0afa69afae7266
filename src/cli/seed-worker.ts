/** Worker thread for `faultline bench`: runs seed jobs posted by the parent, one at a time. */
import { parentPort } from 'node:worker_threads';
import { installNativeTraceHasher } from './native-hash';
import { runSeedJob, type SeedJob } from './bench';
import type { WorkerReply } from './worker-pool';

if (parentPort === null) throw new Error('seed-worker: must run as a worker thread');
const port = parentPort;
installNativeTraceHasher();
port.on('message', (job: SeedJob) => {
  let reply: WorkerReply<ReturnType<typeof runSeedJob>>;
  try {
    reply = { ok: true, result: runSeedJob(job) };
  } catch (err) {
    reply = { ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply);
});
