/**
 * The model's state around each operation, in the order the linearizability checker found: the
 * value of the operation's key just before and just after the operation takes effect there. This is
 * what makes an order readable ("write 5: 3 before, 5 after"; "read 3: 3 before, 3 after").
 *
 * Where a key is not linearizable, the states are those along the longest prefix the search could
 * order. An operation with no place in any order gets the reason instead, never a made-up state:
 * an operation of unknown outcome no order needed (it may take effect last, or never), one that
 * blocks the order, one past where the longest order stops, or one of a key whose check ended
 * without an order (out of budget, or not checked after another key failed).
 *
 * Built from the history and the checker's result only (the result carries the orders); the states
 * come from the checker's own models (`statesAlong`), so they are the states the search went through.
 */
import type { History, LinearizabilityResult, PartitionResult } from './history';
import { statesAlong } from './linearizability';

/**
 * Why an operation has no place in the order:
 * - `unneeded`: its outcome is unknown and the order did not need it (it may go last, or never
 *   happened); a read of unknown outcome is never searched at all, for it changes nothing.
 * - `blocking`: the key is not linearizable, and this is one of the operations none of which could
 *   come next after the longest prefix the search ordered.
 * - `beyond-prefix`: the key is not linearizable, and the longest prefix stops before this operation.
 * - `no-order`: the key's check ended without an order (out of budget, or not checked).
 */
export type UnplacedReason = 'unneeded' | 'blocking' | 'beyond-prefix' | 'no-order';

export interface PlacedState {
  readonly placed: true;
  /** The key's value before and after, for display (`showValue`). */
  readonly before: string;
  readonly after: string;
  /** 1-based place in the order the states are along, and how many operations that order placed. */
  readonly place: number;
  readonly orderLength: number;
  /** false: the key is not linearizable, and the order is the longest prefix the search could order. */
  readonly complete: boolean;
}

export interface UnplacedState {
  readonly placed: false;
  readonly reason: UnplacedReason;
}

export type OpState = PlacedState | UnplacedState;

/** Each reason in plain words, saying first that the operation has no place in the order. */
export const UNPLACED_WORDS: Record<UnplacedReason, string> = {
  unneeded: 'not placed: its outcome is unknown and no order needs it',
  blocking: 'not placed: it blocks the order (it could not come next)',
  'beyond-prefix': 'not placed: the longest order found stops before it',
  'no-order': 'not placed: the check of this key ended without an order',
};

/**
 * A value as the lab writes it: "nil" for none (a register never written, as Jepsen writes it),
 * "(empty)" for the empty string (a kv key's initial value), the value itself otherwise.
 */
export function showValue(value: string | null): string {
  if (value === null) return 'nil';
  return value === '' ? '(empty)' : value;
}

/** The partition holding a key's operations: its own, or the one partition of an unsplit history. */
function partitionOf(partitions: ReadonlyMap<string | null, PartitionResult>, key: string | null): PartitionResult | undefined {
  return partitions.get(key) ?? partitions.get(null);
}

/**
 * Every operation of `history` (by id): its state before and after in the order `result` found for
 * its key, or why it has none. `result` must be the checker's result for this very history (the
 * worker sends them together): an order the model rejects, or an operation of a linearizable key
 * missing from its order, throws.
 */
export function linearizationStates(history: History, result: LinearizabilityResult): Map<number, OpState> {
  const opById = new Map(history.operations.map((op) => [op.id, op]));
  const states = new Map<number, OpState>();

  const place = (ids: readonly number[], complete: boolean): void => {
    const order = ids.map((id) => {
      const op = opById.get(id);
      if (op === undefined) throw new Error(`linearization states: the result orders operation ${id}, which the history does not have`);
      return op;
    });
    const changes = statesAlong(history.model, order);
    order.forEach((op, k) => {
      const change = changes[k]!;
      states.set(op.id, {
        placed: true,
        before: showValue(change.before),
        after: showValue(change.after),
        place: k + 1,
        orderLength: order.length,
        complete,
      });
    });
  };

  for (const p of result.partitions) {
    if (p.verdict === true) {
      place(p.linearization.slice(0, p.placedCount), true);
      for (const id of p.linearization.slice(p.placedCount)) states.set(id, { placed: false, reason: 'unneeded' });
    } else if (p.verdict === false) {
      place(p.longestPrefix, false);
      for (const id of p.blocking) states.set(id, { placed: false, reason: 'blocking' });
    }
  }

  const partitions = new Map(result.partitions.map((p) => [p.key, p]));
  for (const op of history.operations) {
    if (states.has(op.id)) continue;
    // The checker leaves reads of unknown outcome out of its search: they constrain and change nothing.
    if (op.outcome === 'info' && (op.f === 'read' || op.f === 'get')) {
      states.set(op.id, { placed: false, reason: 'unneeded' });
      continue;
    }
    const p = partitionOf(partitions, op.key);
    if (p === undefined || p.verdict === 'unknown') {
      states.set(op.id, { placed: false, reason: 'no-order' });
    } else if (p.verdict === false) {
      states.set(op.id, { placed: false, reason: 'beyond-prefix' });
    } else {
      throw new Error(`linearization states: operation ${op.id} is missing from the linearization of ${p.key ?? 'the history'}`);
    }
  }
  return states;
}
