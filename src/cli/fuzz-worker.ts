/** Worker thread for `faultline fuzz`: checks or shrinks the seeds posted by the parent, one at a time. */
import { parentPort } from 'node:worker_threads';
import { installNativeTraceHasher } from './native-hash';
import { runFuzzJob, type FuzzJob } from './fuzz';

if (parentPort === null) throw new Error('fuzz-worker: must run as a worker thread');
const port = parentPort;
installNativeTraceHasher();
port.on('message', (job: FuzzJob) => {
  try {
    port.postMessage({ ok: true, result: runFuzzJob(job) });
  } catch (err) {
    port.postMessage({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
