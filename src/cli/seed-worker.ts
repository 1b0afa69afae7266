/** Worker thread for `faultline bench`: runs seed jobs posted by the parent, one at a time. */
import { parentPort } from 'node:worker_threads';
import { runSeedJob, type SeedJob } from './bench';

if (parentPort === null) throw new Error('seed-worker: must run as a worker thread');
const port = parentPort;
port.on('message', (job: SeedJob) => port.postMessage(runSeedJob(job)));
