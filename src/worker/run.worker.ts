/// <reference lib="webworker" />
/**
 * The run worker: a module worker that hosts runs off the main thread, so a long simulation never
 * freezes the page. It receives `WorkerCommand`s and answers each with exactly one `WorkerReply`.
 *
 * The run itself is the same code Node runs (`buildScenario` + `runScenario`), so a trace hash seen
 * here equals the one the CLI and the tests compute for the same options.
 */
import { runScenario } from '../check/run';
import { buildScenario } from '../sim/scenario';
import { assertNever, toScenarioOptions, validateRunOptions, type WorkerCommand, type WorkerReply } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function reply(message: WorkerReply): void {
  scope.postMessage(message);
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function handle(command: WorkerCommand): void {
  switch (command.type) {
    case 'run': {
      const invalid = validateRunOptions(command.options);
      if (invalid !== null) {
        reply({ type: 'error', requestId: command.requestId, message: invalid });
        return;
      }
      // Wall time only measures how long the run took to compute; it never enters the run.
      const startedMs = performance.now();
      const summary = runScenario(buildScenario(toScenarioOptions(command.options)));
      const wallMs = Math.round(performance.now() - startedMs);
      reply({ type: 'summary', requestId: command.requestId, summary, wallMs });
      return;
    }
    default:
      // Narrow on the discriminant: with a one-member union TypeScript narrows `command.type`, not `command`.
      assertNever(command.type, 'worker command type');
  }
}

scope.addEventListener('message', (event: MessageEvent<WorkerCommand>) => {
  const command = event.data;
  try {
    handle(command);
  } catch (error) {
    const requestId = typeof command?.requestId === 'number' ? command.requestId : -1;
    reply({ type: 'error', requestId, message: `The run failed: ${errorMessage(error)}` });
  }
});
