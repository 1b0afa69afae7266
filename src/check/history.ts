/**
 * Client histories as the linearizability checker sees them (Jepsen's model): every operation has an
 * invocation and, unless its outcome is unknown, a completion; real-time order is what the checker
 * must respect (Herlihy and Wing, "Linearizability", 1990).
 *
 * Times are positions on one total order (`invokeAt` < `completeAt`); for our own runs they are
 * trace event indexes (several events share a millisecond, and their order matters), for imported
 * Jepsen files line numbers. `invokeMs`/`completeMs` are for display only.
 */

export type HistoryModel = 'register' | 'kv';

/**
 * - `ok`: it happened, with the output shown.
 * - `fail`: it observed that it could not happen (a cas whose `from` did not match). Operations that
 *   definitely did not execute at all carry no information and are left out of a history.
 * - `info`: unknown: it may have taken effect at any time after its invocation, or never.
 */
export type OpOutcome = 'ok' | 'fail' | 'info';

/** register: read / write / cas; kv: get / put / append. */
export type OpFunction = 'read' | 'write' | 'cas' | 'get' | 'put' | 'append';

export interface HistoryOperation {
  /** Index in History.operations. */
  readonly id: number;
  /** The client (Jepsen's process) that issued it. */
  readonly process: string;
  readonly f: OpFunction;
  /** kv: the key; register: null. */
  readonly key: string | null;
  /** write/put/append: the value; cas: the value to set; read/get: null. */
  readonly value: string | null;
  /** cas: the value the register must hold; otherwise null. */
  readonly expected: string | null;
  /** read/get with outcome ok: the value read (null = nil, no value yet). */
  readonly output: string | null;
  readonly outcome: OpOutcome;
  readonly invokeAt: number;
  /** null when the outcome is unknown (`info`, or never completed): it returns at infinity. */
  readonly completeAt: number | null;
  /** For display: virtual milliseconds (our runs) or null (imported files). */
  readonly invokeMs: number | null;
  readonly completeMs: number | null;
  /** Source lines of an imported file, for messages and links. */
  readonly invokeLine: number | null;
  readonly completeLine: number | null;
}

export interface History {
  readonly model: HistoryModel;
  readonly operations: readonly HistoryOperation[];
}

export type Verdict = true | false | 'unknown';

/** The checker's answer for one independent part of the history (one key, or the whole register). */
export interface PartitionResult {
  /** The kv key, or null for a register (or an unsplit kv history). */
  readonly key: string | null;
  readonly verdict: Verdict;
  readonly operations: number;
  /** Linearizable: every operation's id in a valid linearization order. */
  readonly linearization: readonly number[];
  /**
   * Linearizable: how many of `linearization`'s first operations the order needed. The rest are
   * operations of unknown outcome left pending: each may take effect after all the others, or never,
   * so no state is claimed for them.
   */
  readonly placedCount: number;
  /**
   * Not linearizable: the longest prefix the search could order, and the operations that could not
   * be ordered after it (the one whose completion forced a decision, and the candidates that failed).
   */
  readonly longestPrefix: readonly number[];
  readonly blocking: readonly number[];
  /** Search steps spent (the budget is counted in these). */
  readonly steps: number;
}

export interface LinearizabilityResult {
  /** false if any partition is not linearizable; 'unknown' if none is false and one ran out of budget. */
  readonly verdict: Verdict;
  readonly partitions: readonly PartitionResult[];
  readonly operations: number;
  readonly ms: number;
}
