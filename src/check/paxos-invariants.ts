/**
 * Paxos safety properties, checked after every step from the trace events Paxos nodes record
 * (`promise`, `accepted`, `propose`, `chosen`; src/sim/trace.ts). The checker is the omniscient
 * observer of "Paxos Made Simple": it knows what every acceptor accepted, so it knows when a value is
 * *chosen* (accepted by a phase-2 quorum in one ballot) even if no learner has heard of it yet. Its
 * memory outlives crashes: an acceptor that forgets its promise is caught by what it had promised.
 */
import type { Simulator, StepObserver } from '../sim/simulator';
import type { TraceEvent } from '../sim/trace';
import type { NodeId } from '../sim/types';
import { VIOLATION_LIMIT, type Violation } from './raft-invariants';
import { bitCount } from '../protocols/common';
import { formatGrid, gridFits, gridSystem, isPhase2Quorum, type GridShape, type QuorumSystem } from '../protocols/paxos/quorums';

export const PAXOS_INVARIANTS = {
  Agreement: 'At most one value is chosen for each slot (accepted by a phase-2 quorum in some ballot).',
  Validity: 'A chosen value is one some proposer proposed.',
  PromiseMonotonic: "An acceptor's promise never goes back to a lower ballot, even across a restart.",
  AcceptedBallotNotAbovePromise: 'An acceptor accepts only at or above its promise: its promise is never above a ballot it accepts.',
  StateMachineSafety: 'No two replicas learn (and apply) different values for the same slot.',
} as const;

export type PaxosInvariantName = keyof typeof PAXOS_INVARIANTS;

/** Bound on slot numbers and on (ballot, value) tallies per slot: a run past it is refused, not left to grow. */
const PAXOS_SLOT_LIMIT = 1_000_000;
const PAXOS_TALLY_LIMIT = 1_000_000;
/** Acceptors are tallied as bits of a 32-bit mask: far above any cluster the simulator runs (9 nodes). */
const ACCEPTOR_BITS_MAX = 30;

/**
 * What the checker knows of one slot. What acceptors accepted: nearly every slot sees one value in one
 * ballot, so that one is held inline (acceptors as a bitmask); a second ballot or value (a leader
 * takeover, duelling proposers, a bug) goes into `more`. Then the value a quorum chose and the one
 * learners learned first. One record per slot in an array indexed by slot (slots are dense from 1):
 * nested maps and a Set per slot were most of the checker's time, and three maps keyed by slot over a
 * one-hour run's 180,000 slots a large share of the heap the garbage collector walks.
 */
interface SlotRecord {
  /** The first (ballot, value) accepted for the slot; value null until an acceptor accepts one. */
  ballot: number;
  value: string | null;
  acceptors: number;
  /** Other (ballot, value) pairs, keyed `${ballot}:${value}`, to their acceptors' mask. */
  more: Map<string, number> | null;
  /** The value a phase-2 quorum chose (the first one; a second is an Agreement violation). */
  chosen: string | null;
  /** The value learners learned first, and who learned it. */
  learned: string | null;
  learnedBy: NodeId | null;
}

export class PaxosInvariantChecker implements StepObserver {
  readonly violations: Violation[] = [];
  private readonly reported = new Set<string>();
  /** Per acceptor, the highest ballot it ever promised (or accepted: accepting b promises b). */
  private readonly promised = new Map<NodeId, number>();
  /** slots[slot]: what is known of it (slots[0] is never used). */
  private readonly slots: (SlotRecord | undefined)[] = [];
  /** Each acceptor's bit in the tallies' masks, by first appearance. */
  private readonly bits = new Map<NodeId, number>();
  private readonly nodeOfBit: NodeId[] = [];
  /** Every value any proposer proposed (phase 2a), for Validity. */
  private readonly proposed = new Set<string>();
  /** The grid as a quorum system, or null for sizes. */
  private readonly grid: QuorumSystem | null = null;

  /**
   * `phase2Quorum`: the phase-2 quorum size. With `grid` (its shape and the members, which fill it row by
   * row), a phase-2 quorum is a whole row instead, and acceptors get their bits in member order.
   */
  constructor(
    private readonly phase2Quorum: number,
    private readonly onViolation: (v: Violation) => void = () => undefined,
    grid: { readonly shape: GridShape; readonly members: readonly NodeId[] } | null = null,
  ) {
    if (!(Number.isInteger(phase2Quorum) && phase2Quorum >= 1)) throw new Error(`paxos invariants: bad phase-2 quorum ${phase2Quorum}`);
    if (grid !== null) {
      if (!gridFits(grid.shape, grid.members.length)) throw new Error(`paxos invariants: a ${formatGrid(grid.shape)} grid does not fit ${grid.members.length} members`);
      for (const m of grid.members) this.bitOf(m);
      this.grid = gridSystem(grid.shape);
    }
  }


  afterStep(_sim: Simulator, events: readonly TraceEvent[], indexes: readonly number[]): void {
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const index = indexes[i]!;
      switch (e.kind) {
        case 'promise':
          this.onPromise(e.node, e.ballot, e.atMs, index);
          break;
        case 'propose':
          this.proposed.add(e.value);
          break;
        case 'accepted':
          this.onAccepted(e.node, e.slot, e.ballot, e.value, e.atMs, index);
          break;
        case 'chosen':
          this.onLearned(e.node, e.slot, e.value, e.atMs, index);
          break;
        default:
          break;
      }
    }
  }

  private violate(invariant: PaxosInvariantName, key: string, atMs: number, eventIndex: number, nodes: NodeId[], message: string, slot: number | null): void {
    // One report per invariant and situation: a broken property tends to stay broken.
    const id = `${invariant}:${key}`;
    if (this.reported.has(id) || this.violations.length >= VIOLATION_LIMIT) return;
    this.reported.add(id);
    const v: Violation = { invariant, atMs, eventIndex, nodes: [...new Set(nodes)].sort(), message, logIndex: slot };
    this.violations.push(v);
    this.onViolation(v);
  }

  /** PromiseMonotonic (phase 1b: "it promises never again to accept a proposal numbered less than n"). */
  private onPromise(node: NodeId, ballot: number, atMs: number, eventIndex: number): void {
    const before = this.promised.get(node) ?? 0;
    if (ballot < before) {
      this.violate('PromiseMonotonic', `${node}:${ballot}`, atMs, eventIndex, [node], `${node} promised ballot ${ballot} after having promised ${before}.`, null);
      return;
    }
    this.promised.set(node, ballot);
  }

  /** AcceptedBallotNotAbovePromise, then the tally that decides what is chosen (Agreement, Validity). */
  private onAccepted(node: NodeId, slot: number, ballot: number, value: string, atMs: number, eventIndex: number): void {
    const promise = this.promised.get(node) ?? 0;
    if (ballot < promise) {
      this.violate(
        'AcceptedBallotNotAbovePromise', `${node}:${slot}:${ballot}`, atMs, eventIndex, [node],
        `${node} accepted ballot ${ballot} for slot ${slot} after promising ballot ${promise}.`, slot,
      );
    } else {
      this.promised.set(node, ballot);
    }
    const bit = this.bitOf(node);
    const record = this.recordOf(slot);
    let before: number;
    let mask: number;
    if (record.value === null) {
      record.ballot = ballot;
      record.value = value;
      before = 0;
      mask = record.acceptors = bit;
    } else if (record.ballot === ballot && record.value === value) {
      before = record.acceptors;
      mask = record.acceptors |= bit;
    } else {
      const more = (record.more ??= new Map());
      const key = `${ballot}:${value}`;
      if (more.size >= PAXOS_TALLY_LIMIT) throw new Error(`paxos invariants: more than ${PAXOS_TALLY_LIMIT} tallies for slot ${slot}`);
      before = more.get(key) ?? 0;
      mask = before | bit;
      more.set(key, mask);
    }
    if (!this.becameQuorum(before, mask)) return;
    const acceptors = this.nodesOf(mask);
    // A phase-2 quorum accepted `value` in `ballot`: it is chosen.
    const earlier = record.chosen;
    if (earlier === null) {
      record.chosen = value;
      if (!this.proposed.has(value)) {
        this.violate('Validity', `${slot}`, atMs, eventIndex, [...acceptors], `Slot ${slot} chose "${value}", which no proposer proposed.`, slot);
      }
      if (record.learned !== null && record.learned !== value) {
        this.violate(
          'StateMachineSafety', `${slot}`, atMs, eventIndex, [record.learnedBy!, ...acceptors],
          `${record.learnedBy} learned "${record.learned}" for slot ${slot}, but a quorum chose "${value}".`, slot,
        );
      }
    } else if (earlier !== value) {
      this.violate(
        'Agreement', `${slot}`, atMs, eventIndex, [...acceptors],
        `Slot ${slot} had "${earlier}" chosen, and now a quorum of ballot ${ballot} (${[...acceptors].sort().join(', ')}) chose "${value}".`, slot,
      );
    }
  }

  /**
   * Did these acceptors just become a phase-2 quorum? Sizes: the count reaches |Q2| (a repeated
   * acceptance at exactly |Q2| asks again, harmlessly: the slot's record already says chosen). Grid:
   * they now hold a whole row and did not before.
   */
  private becameQuorum(before: number, mask: number): boolean {
    if (this.grid === null) return bitCount(mask) === this.phase2Quorum;
    return isPhase2Quorum(this.grid, mask) && !isPhase2Quorum(this.grid, before);
  }

  private bitOf(node: NodeId): number {
    let bit = this.bits.get(node);
    if (bit === undefined) {
      if (this.nodeOfBit.length >= ACCEPTOR_BITS_MAX) throw new Error(`paxos invariants: more than ${ACCEPTOR_BITS_MAX} acceptors`);
      bit = 1 << this.nodeOfBit.length;
      this.bits.set(node, bit);
      this.nodeOfBit.push(node);
    }
    return bit;
  }

  private nodesOf(mask: number): NodeId[] {
    const nodes: NodeId[] = [];
    for (let i = 0; i < this.nodeOfBit.length; i++) if ((mask & (1 << i)) !== 0) nodes.push(this.nodeOfBit[i]!);
    return nodes;
  }

  /** StateMachineSafety: every learner learns the same value per slot, and it is the chosen one. */
  private onLearned(node: NodeId, slot: number, value: string, atMs: number, eventIndex: number): void {
    const record = this.recordOf(slot);
    if (record.learned === null) {
      record.learned = value;
      record.learnedBy = node;
    } else if (record.learned !== value) {
      this.violate(
        'StateMachineSafety', `${slot}`, atMs, eventIndex, [record.learnedBy!, node],
        `${record.learnedBy} learned "${record.learned}" for slot ${slot}, ${node} learned "${value}".`, slot,
      );
      return;
    }
    const chosen = record.chosen;
    if (chosen !== null && chosen !== value) {
      this.violate('StateMachineSafety', `${slot}`, atMs, eventIndex, [node], `${node} learned "${value}" for slot ${slot}, but a quorum chose "${chosen}".`, slot);
    }
  }

  /** The slot's record, made empty the first time the slot is seen. */
  private recordOf(slot: number): SlotRecord {
    if (!(Number.isInteger(slot) && slot >= 1 && slot <= PAXOS_SLOT_LIMIT)) throw new Error(`paxos invariants: slot ${slot} is not in 1..${PAXOS_SLOT_LIMIT}`);
    const slots = this.slots;
    let record = slots[slot];
    if (record === undefined) {
      // Fill any gap explicitly, so the array stays packed for V8 (slots arrive nearly in order).
      while (slots.length < slot) slots.push(undefined);
      record = { ballot: 0, value: null, acceptors: 0, more: null, chosen: null, learned: null, learnedBy: null };
      slots[slot] = record;
    }
    return record;
  }
}
