/**
 * Client latency as the clients saw it, shared by the protocol comparison of `npm run bench`
 * (src/cli/bench-protocols.ts) and the lab's side-by-side figures (src/worker/lab-recorder.ts), so
 * both say the same thing about the same run.
 */
import type { TraceEvent } from '../sim/trace';

/** The p-th percentile (0-100) of sorted numbers, nearest rank; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Invoke-to-ok latencies (virtual ms) of every operation that completed ok, sorted. */
export function okLatenciesMs(clientEvents: readonly TraceEvent[]): number[] {
  const invokedAt = new Map<number, number>();
  const out: number[] = [];
  for (const e of clientEvents) {
    if (e.kind === 'invoke') invokedAt.set(e.opId, e.atMs);
    else if (e.kind === 'ok') {
      const at = invokedAt.get(e.opId);
      if (at !== undefined) out.push(e.atMs - at);
    }
  }
  return out.sort((a, b) => a - b);
}
