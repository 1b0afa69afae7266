/**
 * The client history of one of our runs, read from its trace: `invoke` events, and the `ok` /
 * `fail` / `info` that complete them. Times are trace event indexes, so operations invoked and
 * completed within one millisecond keep their real order. Each key is its own register.
 *
 * A `fail` whose reason is `cas-mismatch` observed the register (the swap's precondition was false);
 * any other `fail` (no leader after the redirects) means the operation never executed, and carries no
 * information: it is left out.
 */
import type { History, HistoryOperation, OpFunction } from './history';
import type { TraceEvent } from '../sim/trace';

/** Bound on operations read from one trace (the workload bounds its history the same way). */
export const RUN_HISTORY_LIMIT = 1_000_000;

interface Pending {
  readonly process: string;
  readonly f: OpFunction;
  readonly key: string;
  readonly value: string | null;
  readonly expected: string | null;
  readonly invokeAt: number;
  readonly invokeMs: number;
}

function parseInvoke(e: Extract<TraceEvent, { kind: 'invoke' }>, index: number): Pending {
  const base = { process: e.client, key: e.key, invokeAt: index, invokeMs: e.atMs };
  switch (e.op) {
    case 'read':
      return { ...base, f: 'read', value: null, expected: null };
    case 'write':
      return { ...base, f: 'write', value: e.value, expected: null };
    case 'cas': {
      // The simulator records a cas as "expected->value".
      const arrow = e.value.indexOf('->');
      if (arrow < 0) throw new Error(`run history: cas invoke without "expected->value" at event ${index}: ${e.value}`);
      return { ...base, f: 'cas', expected: e.value.slice(0, arrow), value: e.value.slice(arrow + 2) };
    }
    default:
      throw new Error(`run history: unknown operation ${e.op} at event ${index}`);
  }
}

/** Builds the history from a run's trace events, in trace order (index = position in the trace). */
export function historyFromTrace(events: Iterable<TraceEvent>): History {
  const pending = new Map<number, Pending>();
  const operations: HistoryOperation[] = [];
  let index = -1;
  const push = (p: Pending, rest: Pick<HistoryOperation, 'output' | 'outcome' | 'completeAt' | 'completeMs'>): void => {
    if (operations.length >= RUN_HISTORY_LIMIT) throw new Error(`run history: more than ${RUN_HISTORY_LIMIT} operations`);
    operations.push({ id: operations.length, ...p, ...rest, invokeLine: null, completeLine: null });
  };
  for (const e of events) {
    index++;
    switch (e.kind) {
      case 'invoke':
        pending.set(e.opId, parseInvoke(e, index));
        break;
      case 'ok': {
        const p = pending.get(e.opId);
        if (p === undefined) break;
        pending.delete(e.opId);
        // Reads return the value read ("nil" when the key has none).
        const output = p.f === 'read' ? (e.value === 'nil' ? null : e.value) : null;
        push(p, { output, outcome: 'ok', completeAt: index, completeMs: e.atMs });
        break;
      }
      case 'fail': {
        const p = pending.get(e.opId);
        if (p === undefined) break;
        pending.delete(e.opId);
        if (p.f === 'cas' && e.reason === 'cas-mismatch') push(p, { output: null, outcome: 'fail', completeAt: index, completeMs: e.atMs });
        break;
      }
      case 'info': {
        const p = pending.get(e.opId);
        if (p === undefined) break;
        pending.delete(e.opId);
        push(p, { output: null, outcome: 'info', completeAt: null, completeMs: null });
        break;
      }
      default:
        break;
    }
  }
  // Invoked and never completed (the run ended first): unknown outcome.
  for (const p of pending.values()) push(p, { output: null, outcome: 'info', completeAt: null, completeMs: null });
  return { model: 'register', operations };
}
