/**
 * The page's side of the run worker: starts it, sends `run` commands, and keeps the latest reply as
 * reactive state for the views. It holds no protocol logic; everything it shows comes from the worker.
 */
import { assertNever, type RunOptions, type RunSummary, type WorkerCommand, type WorkerReply } from '../worker/protocol';

export type RunStatus = 'idle' | 'running' | 'done' | 'error';

export class RunSession {
  status = $state<RunStatus>('idle');
  /** The summary of the last run that finished, with the options that produced it. */
  summary = $state.raw<RunSummary | null>(null);
  options = $state.raw<RunOptions | null>(null);
  /** How long the worker took to compute the last run, in wall-clock milliseconds. */
  wallMs = $state<number | null>(null);
  error = $state<string | null>(null);
  /** Runs finished in this page, counting the current one: shown as "Run n" so re-runs are told apart. */
  runNumber = $state(0);

  #worker: Worker | null = null;
  #nextRequestId = 1;
  /** The request whose reply we are waiting for; replies to any other request are stale. */
  #pending: { requestId: number; options: RunOptions } | null = null;

  run(options: RunOptions): void {
    const worker = this.#ensureWorker();
    const requestId = this.#nextRequestId++;
    this.#pending = { requestId, options };
    this.status = 'running';
    this.error = null;
    const command: WorkerCommand = { type: 'run', requestId, options };
    worker.postMessage(command);
  }

  dispose(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#pending = null;
  }

  #ensureWorker(): Worker {
    if (this.#worker !== null) return this.#worker;
    const worker = new Worker(new URL('../worker/run.worker.ts', import.meta.url), {
      type: 'module',
      name: 'faultline-run',
    });
    worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => this.#receive(event.data));
    worker.addEventListener('error', (event: ErrorEvent) => {
      // A worker that fails to load or throws outside a command cannot be trusted with the next run.
      this.#fail(`The run worker stopped: ${event.message || 'it could not be loaded'}.`);
      this.dispose();
    });
    worker.addEventListener('messageerror', () => this.#fail('The run worker sent a reply that could not be read.'));
    this.#worker = worker;
    return worker;
  }

  #receive(reply: WorkerReply): void {
    const pending = this.#pending;
    if (pending === null || reply.requestId !== pending.requestId) return;
    this.#pending = null;
    switch (reply.type) {
      case 'summary':
        this.summary = reply.summary;
        this.options = pending.options;
        this.wallMs = reply.wallMs;
        this.runNumber += 1;
        this.status = 'done';
        return;
      case 'error':
        this.#fail(reply.message);
        return;
      default:
        assertNever(reply, 'worker reply');
    }
  }

  #fail(message: string): void {
    this.#pending = null;
    this.error = message;
    this.status = 'error';
  }
}
