import { describe, expect, it } from 'vitest';
import type { Simulator } from '../sim/simulator';
import type { TraceEvent } from '../sim/trace';
import { PAXOS_INVARIANTS, PaxosInvariantChecker } from './paxos-invariants';

const promise = (node: string, ballot: number): TraceEvent => ({ kind: 'promise', atMs: 1, node, ballot });
const propose = (node: string, slot: number, ballot: number, value: string): TraceEvent => ({ kind: 'propose', atMs: 1, node, slot, ballot, value });
const accepted = (node: string, slot: number, ballot: number, value: string): TraceEvent => ({ kind: 'accepted', atMs: 2, node, slot, ballot, value });
const chosen = (node: string, slot: number, value: string): TraceEvent => ({ kind: 'chosen', atMs: 3, node, slot, value });

/** Feeds the events as one step each; returns the invariants violated, in order. */
function check(phase2Quorum: number, events: TraceEvent[]): string[] {
  const checker = new PaxosInvariantChecker(phase2Quorum);
  events.forEach((e, i) => checker.afterStep(null as unknown as Simulator, [e], [i]));
  return checker.violations.map((v) => v.invariant);
}

/** Ballot b of round r by proposer number p (ballot.ts: round * 16 + p). */
const b = (round: number, proposer: number): number => round * 16 + proposer;

describe('Paxos invariants', () => {
  it('a normal run of two ballots breaks nothing: the second adopts the value the first had chosen', () => {
    expect(
      check(3, [
        promise('n1', b(1, 1)), promise('n2', b(1, 1)), promise('n3', b(1, 1)),
        propose('n1', 1, b(1, 1), 'c1#1 write x 1'),
        accepted('n1', 1, b(1, 1), 'c1#1 write x 1'), accepted('n2', 1, b(1, 1), 'c1#1 write x 1'), accepted('n3', 1, b(1, 1), 'c1#1 write x 1'),
        chosen('n1', 1, 'c1#1 write x 1'),
        promise('n3', b(2, 2)), promise('n4', b(2, 2)), promise('n5', b(2, 2)),
        propose('n2', 1, b(2, 2), 'c1#1 write x 1'),
        accepted('n3', 1, b(2, 2), 'c1#1 write x 1'), accepted('n4', 1, b(2, 2), 'c1#1 write x 1'), accepted('n5', 1, b(2, 2), 'c1#1 write x 1'),
        chosen('n4', 1, 'c1#1 write x 1'),
      ]),
    ).toEqual([]);
  });

  it('Agreement: a second value accepted by a phase-2 quorum of a later ballot', () => {
    const events = [
      propose('n1', 1, b(1, 1), 'A'), propose('n5', 1, b(2, 5), 'B'),
      accepted('n1', 1, b(1, 1), 'A'), accepted('n2', 1, b(1, 1), 'A'), accepted('n3', 1, b(1, 1), 'A'),
      accepted('n3', 1, b(2, 5), 'B'), accepted('n4', 1, b(2, 5), 'B'), accepted('n5', 1, b(2, 5), 'B'),
    ];
    expect(check(3, events)).toEqual(['Agreement']);
    // Two accepts each is no choice with majority quorums, but is with |Q2| = 2 (Flexible Paxos).
    const pairs = [events[0]!, events[1]!, events[2]!, events[3]!, events[6]!, events[7]!];
    expect(check(3, pairs)).toEqual([]);
    expect(check(2, pairs)).toEqual(['Agreement']);
  });

  it('Validity: a chosen value nobody proposed', () => {
    expect(check(2, [accepted('n1', 4, b(1, 1), 'ghost'), accepted('n2', 4, b(1, 1), 'ghost')])).toEqual(['Validity']);
  });

  it('PromiseMonotonic: an acceptor that promises lower than before (it forgot across a restart)', () => {
    expect(check(3, [promise('n2', b(3, 1)), promise('n2', b(2, 4))])).toEqual(['PromiseMonotonic']);
    expect(check(3, [promise('n2', b(2, 4)), promise('n2', b(3, 1)), promise('n2', b(3, 1))])).toEqual([]);
  });

  it('AcceptedBallotNotAbovePromise: accepting a ballot below the promise; accepting above it raises the promise', () => {
    expect(check(3, [promise('n2', b(3, 1)), propose('n4', 1, b(2, 4), 'x'), accepted('n2', 1, b(2, 4), 'x')])).toEqual(['AcceptedBallotNotAbovePromise']);
    expect(check(3, [propose('n4', 1, b(4, 4), 'x'), accepted('n2', 1, b(4, 4), 'x'), promise('n2', b(3, 1))])).toEqual(['PromiseMonotonic']);
  });

  it('StateMachineSafety: two learners learn different values for a slot, or one learns what was not chosen', () => {
    expect(check(3, [chosen('n1', 2, 'A'), chosen('n2', 2, 'A'), chosen('n3', 2, 'B')])).toEqual(['StateMachineSafety']);
    expect(
      check(2, [propose('n1', 1, b(1, 1), 'A'), accepted('n1', 1, b(1, 1), 'A'), accepted('n2', 1, b(1, 1), 'A'), chosen('n3', 1, 'B')]),
    ).toEqual(['StateMachineSafety']);
  });

  it('each invariant has a one-line explanation', () => {
    for (const text of Object.values(PAXOS_INVARIANTS)) expect(text).toMatch(/^[A-Z].{20,200}\.$/);
  });
});
