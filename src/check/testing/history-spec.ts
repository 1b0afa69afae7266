/** Test helpers: small histories written compactly (shared by the checker's tests). */
import type { History, HistoryOperation, OpFunction, OpOutcome } from '../history';

/** One operation: its process, function and arguments, invokeAt and completeAt (null: unknown outcome). */
export interface Spec {
  p: string;
  f: OpFunction;
  key?: string;
  value?: string | null;
  expected?: string | null;
  output?: string | null;
  at: number;
  done: number | null;
  outcome?: OpOutcome;
}

/** A history of `model` from specs; ids are positions, a kv op without a key uses key "k". */
export function history(model: 'register' | 'kv', specs: Spec[]): History {
  const operations: HistoryOperation[] = specs.map((s, id) => ({
    id, process: s.p, f: s.f, key: s.key ?? (model === 'kv' ? 'k' : null), value: s.value ?? null, expected: s.expected ?? null,
    output: s.output ?? null, outcome: s.outcome ?? (s.done === null ? 'info' : 'ok'), invokeAt: s.at, completeAt: s.done,
    invokeMs: null, completeMs: null, invokeLine: null, completeLine: null,
  }));
  return { model, operations };
}
