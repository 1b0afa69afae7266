/**
 * `faultline lincheck FILE [--model register|kv] [--format json|jepsen-log|edn] [--no-partition]
 *                    [--timeout S] [--json]`
 *
 * Checks a client history for linearizability. Exit codes: 0 linearizable, 1 not, 2 bad input,
 * 3 unknown (the search ran out of its budget: never a guess).
 */
import { parseHistory, type HistoryFormat } from '../check/history-formats';
import type { History } from '../check/history';
import { checkLinearizability } from '../check/linearizability';
import { lastFlag, parseArgs, parseNumberArg, UsageError } from './args';
import type { CliIo } from './main';

const FORMATS = ['json', 'jepsen-log', 'edn'] as const;
const MODELS = ['register', 'kv'] as const;
const DEFAULT_TIMEOUT_S = 60;

export function commandLincheck(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(argv, ['model', 'format', 'timeout'], ['no-partition', 'json']);
  if (args.positional.length !== 1) throw new UsageError('lincheck: expected exactly one FILE');
  const path = args.positional[0]!;
  const format = lastFlag(args, 'format');
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format: must be one of ${FORMATS.join(', ')}, got "${format}"`);
  }
  const model = lastFlag(args, 'model');
  if (model !== undefined && !(MODELS as readonly string[]).includes(model)) {
    throw new UsageError(`--model: must be one of ${MODELS.join(', ')}, got "${model}"`);
  }
  const timeoutText = lastFlag(args, 'timeout');
  const timeoutS = timeoutText === undefined ? DEFAULT_TIMEOUT_S : parseNumberArg(timeoutText, '--timeout', 0.001, 24 * 3600);

  let text: string;
  try {
    text = io.readFile(path);
  } catch (err) {
    throw new UsageError(`${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const parsed = parseHistory(text, format as HistoryFormat | undefined);
  if (!parsed.ok) {
    throw new UsageError(parsed.errors.map((e) => `${path}:${e.line > 0 ? `${e.line}:` : ''} ${e.message}`).join('\n'));
  }
  let history: History = parsed.history;
  if (model !== undefined && model !== history.model) {
    throw new UsageError(`${path}: the history is a ${history.model} history, not ${model}`);
  }
  const started = performance.now();
  const deadline = started + timeoutS * 1000;
  const result = checkLinearizability(history, {
    partition: !args.flags.has('no-partition'),
    shouldStop: () => performance.now() > deadline,
    clockMs: () => performance.now(),
  });
  history = parsed.history;
  const summary = {
    linearizable: result.verdict,
    ms: Math.round(result.ms * 10) / 10,
    operations: result.operations,
    partitions: result.partitions.map((p) => ({
      key: p.key,
      linearizable: p.verdict,
      operations: p.operations,
      steps: p.steps,
      ...(p.verdict === false ? { longestPrefix: p.longestPrefix.length, blocking: p.blocking } : {}),
    })),
  };
  if (args.flags.has('json')) {
    io.out(JSON.stringify(summary, null, 2) + '\n');
  } else {
    const verdict = result.verdict === true ? 'linearizable' : result.verdict === false ? 'NOT linearizable' : 'unknown (the search ran out of time or budget)';
    io.out(`${path}: ${verdict}: ${result.operations} operations in ${result.partitions.length} part(s), ${summary.ms} ms\n`);
    for (const p of result.partitions) {
      if (p.verdict === false) {
        const ops = p.blocking.map((id) => describe(history, id)).join('; ');
        io.out(`  ${p.key === null ? 'history' : `key ${p.key}`}: ordered ${p.longestPrefix.length} of ${p.operations} operations; none of these can come next: ${ops}\n`);
      } else if (p.verdict === 'unknown') {
        io.out(`  ${p.key === null ? 'history' : `key ${p.key}`}: unknown after ${p.steps} steps\n`);
      }
    }
  }
  return result.verdict === true ? 0 : result.verdict === false ? 1 : 3;
}

function describe(history: History, id: number): string {
  const op = history.operations[id]!;
  const where = op.invokeLine !== null ? ` (line ${op.invokeLine})` : op.invokeMs !== null ? ` (at ${op.invokeMs} ms)` : '';
  const arg = op.f === 'cas' ? ` ${op.expected}->${op.value}` : op.value !== null ? ` ${op.value}` : '';
  const out = op.outcome === 'ok' && (op.f === 'read' || op.f === 'get') ? ` = ${op.output ?? 'nil'}` : ` ${op.outcome}`;
  return `${op.process} ${op.f}${op.key !== null ? ` ${op.key}` : ''}${arg}${out}${where}`;
}
