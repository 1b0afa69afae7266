/**
 * Unit tests of Paxos's pure handlers (core.ts) on hand-built states, rule by rule from "Paxos Made
 * Simple" (sections 2.2, 2.3 and 3). No simulator, no clock: every test builds a PaxosState for node
 * n1 of a five-node cluster, feeds one input, and checks the state and the outputs (sends, persists,
 * timer resets, propose/chosen notes) the node host would perform.
 *
 * `accepted`, `chosen` and `chosenOps` are changed in place by the handlers (see core.ts), so every test
 * builds a fresh state.
 */
import { describe, expect, it } from 'vitest';
import type { ClientId, ClientRequest, NodeId } from '../../sim/types';
import { makeBallot, NO_BALLOT } from './ballot';
import {
  applyWrite, commandText, handle, heartbeat, initialState, MAX_BALLOT_UNKNOWN, MAX_IN_FLIGHT_SLOTS, promiseFor, resendPrepares, SNAPSHOT_CATCH_UP_SLOTS,
  SNAPSHOT_INTERVAL_SLOTS, startElection,
} from './core';
import { paxosFactory } from './node';
import type { GridShape } from './quorums';
import type {
  Accept, Accepted, AcceptedEntry, ClientCommand, Heartbeat, HeartbeatAck, InFlight, Nack, PaxosConfig, PaxosMessage, PaxosMode,
  PaxosOutput, PaxosSnapshot, PaxosState, PaxosVolatile, PaxosWrite, Phase1, Prepare, PromiseMessage, PromiseReport, Proposal, StepResult,
} from './types';

// ---- building states ---------------------------------------------------------------------------

const MEMBERS: readonly NodeId[] = ['n1', 'n2', 'n3', 'n4', 'n5'];
const PEERS: readonly NodeId[] = ['n2', 'n3', 'n4', 'n5'];

function config(spec: { mode?: PaxosMode; q1?: number; q2?: number; bugs?: string[]; max?: number; grid?: GridShape } = {}): PaxosConfig {
  return {
    mode: spec.mode ?? 'multi',
    phase1Quorum: spec.grid?.rows ?? spec.q1 ?? 3,
    phase2Quorum: spec.grid?.columns ?? spec.q2 ?? 3,
    grid: spec.grid ?? null,
    bugs: new Set(spec.bugs ?? []),
    maxEntriesPerMessage: spec.max ?? 64,
  };
}
const MULTI = config();
const SINGLE = config({ mode: 'single' });

/** Ballot of round `round` of proposer `node`. */
const b = (round: number, node: NodeId): number => makeBallot(round, node, MEMBERS);

function op(client: ClientId, opId: number, kind: 'read' | 'write' | 'cas', key: string, value: string | null = null, expected: string | null = null): ClientCommand {
  return { kind: 'client', client, opId, op: kind, key, value, expected };
}
const proposal = (o: ClientCommand): Proposal => ({ value: commandText(o), op: o });
const noop: Proposal = { value: 'noop', op: null };
const text = (value: string): Proposal => ({ value, op: null });

interface StateSpec {
  promised?: number;
  ballot?: number;
  /** slot -> [ballot, proposal] */
  accepted?: Record<number, [number, Proposal]>;
  chosen?: Record<number, Proposal>;
  role?: PaxosVolatile['role'];
  leaderId?: NodeId | null;
  appliedUpTo?: number;
  volatile?: Partial<PaxosVolatile>;
}

/** A state for n1 of n1..n5, from what it would hold on disk plus volatile overrides. */
function makeState(spec: StateSpec = {}, cfg: PaxosConfig = MULTI): PaxosState {
  const accepted = new Map<number, AcceptedEntry>();
  for (const [slot, [ballot, p]] of Object.entries(spec.accepted ?? {})) accepted.set(Number(slot), { ballot, ...p });
  const s = initialState('n1', MEMBERS, { promised: spec.promised ?? NO_BALLOT, ballot: spec.ballot ?? NO_BALLOT, accepted, snapshot: null }, cfg);
  const chosen = new Map<number, string>();
  const chosenOps = new Map<number, ClientCommand | null>();
  for (const [slot, p] of Object.entries(spec.chosen ?? {})) {
    chosen.set(Number(slot), p.value);
    chosenOps.set(Number(slot), p.op);
  }
  return {
    ...s,
    volatile: {
      ...s.volatile,
      role: spec.role ?? 'follower',
      leaderId: spec.leaderId ?? null,
      chosen,
      chosenOps,
      appliedUpTo: spec.appliedUpTo ?? 0,
      ...spec.volatile,
    },
  };
}

/** A leader of ballot `ballot` with these proposals in flight (acks as given). */
function leaderState(ballot: number, inFlight: Record<number, [Proposal, NodeId[]]> = {}, spec: StateSpec = {}, cfg: PaxosConfig = MULTI): PaxosState {
  const flights = new Map<number, InFlight>();
  let nextSlot = (spec.appliedUpTo ?? 0) + 1;
  for (const [slot, [p, acks]] of Object.entries(inFlight)) {
    flights.set(Number(slot), { ...p, acks: acks.reduce((mask, n) => mask | (1 << MEMBERS.indexOf(n)), 0), sentAtBeat: 0 });
    nextSlot = Math.max(nextSlot, Number(slot) + 1);
  }
  return makeState({ promised: ballot, ballot, role: 'leader', leaderId: 'n1', ...spec, volatile: { inFlight: flights, nextSlot, ...spec.volatile } }, cfg);
}

/** A candidate of ballot `ballot` in phase 1 from `fromSlot`, its own promise already counted unless said otherwise. */
function candidateState(ballot: number, fromSlot = 1, spec: StateSpec & { phase1?: Partial<Phase1> } = {}, cfg: PaxosConfig = MULTI): PaxosState {
  const phase1: Phase1 = {
    startSlot: fromSlot, fromSlot, promises: new Map(), reports: new Map(), maxSlot: fromSlot - 1, ...spec.phase1,
  };
  return makeState({ promised: ballot, ballot, role: 'candidate', ...spec, volatile: { phase1, ...spec.volatile } }, cfg);
}

// ---- driving handlers --------------------------------------------------------------------------

function deliver(s: PaxosState, from: NodeId, message: PaxosMessage, cfg: PaxosConfig = MULTI): StepResult {
  return handle(s, { type: 'message', from, message }, cfg);
}

function request(client: ClientId, o: ClientCommand): ClientRequest {
  return { type: 'ClientRequest', term: 0, opId: o.opId, op: o.op, key: o.key, value: o.value, expected: o.expected };
}

function fromClient(s: PaxosState, client: ClientId, o: ClientCommand, cfg: PaxosConfig = MULTI): StepResult {
  return handle(s, { type: 'client', from: client, request: request(client, o) }, cfg);
}

const prepare = (ballot: number, fromSlot = 1): Prepare => ({ type: 'Prepare', term: ballot, ballot, fromSlot });
const accept = (ballot: number, entries: Array<[number, Proposal]>, chosenThrough = 0): Accept => ({
  type: 'Accept', term: ballot, ballot, entries: entries.map(([slot, p]) => ({ slot, ...p })), chosenThrough,
});
const accepted = (ballot: number, slots: number[], learnedThrough = 0): Accepted => ({ type: 'Accepted', term: ballot, ballot, slots, learnedThrough });
function promise(ballot: number, reports: Array<[number, number, Proposal] | [number, number, Proposal, 'chosen']>, fromSlot = 1, complete = true): PromiseMessage {
  const list: PromiseReport[] = reports.map(([slot, rb, p, c]) => ({ slot, ballot: rb, ...p, chosen: c === 'chosen' }));
  return { type: 'Promise', term: ballot, ballot, fromSlot, reports: list, complete };
}

function sends(outputs: readonly PaxosOutput[], type?: string): Array<{ to: string; message: { type: string } }> {
  const all = outputs.filter((o): o is Extract<PaxosOutput, { type: 'send' }> => o.type === 'send');
  return type === undefined ? all : all.filter((o) => o.message.type === type);
}
function sentTo<T>(outputs: readonly PaxosOutput[], to: string, type: string): T[] {
  return sends(outputs, type).filter((o) => o.to === to).map((o) => o.message as T);
}
function persists(outputs: readonly PaxosOutput[]): PaxosWrite[] {
  return outputs.filter((o): o is Extract<PaxosOutput, { type: 'persist' }> => o.type === 'persist').map((o) => o.write);
}
function proposes(outputs: readonly PaxosOutput[]): Array<{ slot: number; ballot: number; value: string }> {
  return outputs.filter((o): o is Extract<PaxosOutput, { type: 'propose' }> => o.type === 'propose').map(({ slot, ballot, value }) => ({ slot, ballot, value }));
}
function chosenNotes(outputs: readonly PaxosOutput[]): Array<{ slot: number; value: string }> {
  return outputs.filter((o): o is Extract<PaxosOutput, { type: 'chosen' }> => o.type === 'chosen').map(({ slot, value }) => ({ slot, value }));
}
const resetsTimer = (outputs: readonly PaxosOutput[]): boolean => outputs.some((o) => o.type === 'resetElectionTimer');

/** Feeds promises for the candidate's ballot from each node in turn; returns the last result. */
function promisesFrom(s: PaxosState, nodes: NodeId[], build: (node: NodeId) => PromiseMessage, cfg: PaxosConfig = MULTI): StepResult {
  let result: StepResult = { state: s, outputs: [] };
  const outputs: PaxosOutput[] = [];
  for (const n of nodes) {
    result = deliver(result.state, n, build(n), cfg);
    outputs.push(...result.outputs);
  }
  return { state: result.state, outputs };
}

const A = proposal(op('c1', 1, 'write', 'x', '1'));
const B = proposal(op('c2', 2, 'write', 'x', '2'));
const C = proposal(op('c3', 3, 'write', 'y', '3'));

// ---- tests -------------------------------------------------------------------------------------

describe('canonical values', () => {
  it('writes a command as client#opId op key [value] [if expected]', () => {
    expect(commandText(op('c1', 7, 'write', 'k1', '5'))).toBe('c1#7 write k1 5');
    expect(commandText(op('c2', 8, 'read', 'k0'))).toBe('c2#8 read k0');
    expect(commandText(op('c3', 9, 'cas', 'k2', '4', '3'))).toBe('c3#9 cas k2 4 if 3');
  });
});

describe('phase 1b: the acceptor and Prepare (section 2.2)', () => {
  it('promises a ballot above its promise: raises it, persists it, and reports what it accepted from fromSlot on', () => {
    const s = makeState({ promised: b(1, 'n2'), accepted: { 1: [b(1, 'n2'), A], 2: [b(1, 'n2'), B], 3: [b(1, 'n2'), C] } });
    const r = deliver(s, 'n3', prepare(b(2, 'n3'), 2));
    expect(r.state.persistent.promised).toBe(b(2, 'n3'));
    expect(persists(r.outputs)).toEqual([{ promised: b(2, 'n3'), ballot: null, accepts: [], snapshot: null }]);
    const [reply] = sentTo<PromiseMessage>(r.outputs, 'n3', 'Promise');
    expect(reply!.ballot).toBe(b(2, 'n3'));
    expect(reply!.reports.map((x) => [x.slot, x.ballot, x.value])).toEqual([[2, b(1, 'n2'), B.value], [3, b(1, 'n2'), C.value]]);
    expect(reply!.complete).toBe(true);
    // The persist comes before the reply, so the kernel holds the reply until the promise is durable.
    expect(r.outputs.findIndex((o) => o.type === 'persist')).toBeLessThan(r.outputs.findIndex((o) => o.type === 'send'));
    expect(resetsTimer(r.outputs)).toBe(true);
  });

  it('refuses a ballot below its promise with a Nack carrying the promise, and changes nothing', () => {
    const s = makeState({ promised: b(3, 'n4') });
    const r = deliver(s, 'n2', prepare(b(2, 'n2')));
    expect(r.state.persistent.promised).toBe(b(3, 'n4'));
    expect(persists(r.outputs)).toEqual([]);
    expect(sentTo<Nack>(r.outputs, 'n2', 'Nack')).toEqual([{ type: 'Nack', term: b(3, 'n4'), ballot: b(2, 'n2'), promised: b(3, 'n4') }]);
    expect(sends(r.outputs, 'Promise')).toEqual([]);
  });

  it('answers a Prepare equal to its promise again (a later window, or a lost reply) without a new write', () => {
    const s = makeState({ promised: b(2, 'n2') });
    const r = deliver(s, 'n2', prepare(b(2, 'n2'), 5));
    expect(persists(r.outputs)).toEqual([]);
    expect(sentTo<PromiseMessage>(r.outputs, 'n2', 'Promise')).toHaveLength(1);
  });

  it('a candidate or leader whose acceptor promises a higher ballot steps down (its ballot cannot win)', () => {
    const leader = leaderState(b(2, 'n1'), { 1: [A, ['n1']] });
    const r = deliver(leader, 'n3', prepare(b(3, 'n3')));
    expect(r.state.volatile.role).toBe('follower');
    expect(r.state.volatile.inFlight.size).toBe(0);
    const candidate = candidateState(b(2, 'n1'));
    expect(deliver(candidate, 'n3', prepare(b(3, 'n3'))).state.volatile.role).toBe('follower');
  });

  it('multi mode: reports values it knows chosen as chosen; single mode reports accepted values only', () => {
    const spec: StateSpec = { promised: b(1, 'n2'), accepted: { 1: [b(1, 'n2'), A] }, chosen: { 1: A, 2: B } };
    const multi = promiseFor(makeState(spec), prepare(b(2, 'n3')), MULTI);
    expect(multi.reports.map((x) => [x.slot, x.chosen, x.value])).toEqual([[1, true, A.value], [2, true, B.value]]);
    const single = promiseFor(makeState(spec, SINGLE), prepare(b(2, 'n3')), SINGLE);
    expect(single.reports.map((x) => [x.slot, x.chosen, x.value])).toEqual([[1, false, A.value]]);
  });

  it('bounds a Promise to maxEntriesPerMessage reports and says it is incomplete', () => {
    const acc: Record<number, [number, Proposal]> = {};
    for (let slot = 1; slot <= 5; slot++) acc[slot] = [b(1, 'n2'), text(`v${slot}`)];
    const cfg = config({ max: 2 });
    const m = promiseFor(makeState({ promised: b(1, 'n2'), accepted: acc }, cfg), prepare(b(2, 'n3'), 2), cfg);
    expect(m.reports.map((x) => x.slot)).toEqual([2, 3]);
    expect(m.complete).toBe(false);
    const exact = promiseFor(makeState({ promised: b(1, 'n2'), accepted: acc }, cfg), prepare(b(2, 'n3'), 4), cfg);
    expect(exact.reports.map((x) => x.slot)).toEqual([4, 5]);
    expect(exact.complete).toBe(true);
  });

  it('bug acceptor-forgets-promise: the promise is raised in memory but never written, and a restart forgets it', () => {
    const cfg = config({ bugs: ['acceptor-forgets-promise'] });
    const r = deliver(makeState({ promised: b(1, 'n2') }, cfg), 'n3', prepare(b(2, 'n3')), cfg);
    expect(r.state.persistent.promised).toBe(b(2, 'n3'));
    expect(persists(r.outputs)).toEqual([]);
    expect(sentTo<PromiseMessage>(r.outputs, 'n3', 'Promise')).toHaveLength(1);
    // Accepting still persists the value, but not the promise it raises.
    const a = deliver(makeState({ promised: b(1, 'n2') }, cfg), 'n3', accept(b(2, 'n3'), [[1, A]]), cfg);
    expect(persists(a.outputs)).toEqual([{ promised: null, ballot: null, accepts: [{ slot: 1, ballot: b(2, 'n3'), ...A }], snapshot: null }]);
    // A restart reads the promise back as NO_BALLOT (even from a disk that had one), but keeps accepted values.
    const durable = { promised: b(2, 'n3'), ballot: 0, accepted: new Map([[1, { ballot: b(2, 'n3'), ...A }]]), snapshot: null };
    const restarted = initialState('n1', MEMBERS, durable, cfg);
    expect(restarted.persistent.promised).toBe(NO_BALLOT);
    expect(restarted.persistent.accepted.get(1)?.value).toBe(A.value);
    // The correct acceptor keeps it, and then refuses what the buggy one would accept.
    expect(initialState('n1', MEMBERS, durable, MULTI).persistent.promised).toBe(b(2, 'n3'));
    expect(sends(deliver(initialState('n1', MEMBERS, durable, MULTI), 'n2', accept(b(1, 'n2'), [[1, B]])).outputs, 'Nack')).toHaveLength(1);
    expect(sends(deliver(restarted, 'n2', accept(b(1, 'n2'), [[1, B]]), cfg).outputs, 'Accepted')).toHaveLength(1);
  });
});

describe('phase 2b: the acceptor and Accept (section 2.2)', () => {
  it('accepts at or above its promise: records, persists, raises the promise, then replies Accepted', () => {
    const s = makeState({ promised: b(1, 'n2') });
    const r = deliver(s, 'n3', accept(b(2, 'n3'), [[1, A], [2, B]]));
    expect(r.state.persistent.promised).toBe(b(2, 'n3'));
    expect(r.state.persistent.accepted.get(2)).toEqual({ ballot: b(2, 'n3'), ...B });
    expect(persists(r.outputs)).toEqual([{ promised: b(2, 'n3'), ballot: null, accepts: [{ slot: 1, ballot: b(2, 'n3'), ...A }, { slot: 2, ballot: b(2, 'n3'), ...B }], snapshot: null }]);
    const [reply] = sentTo<Accepted>(r.outputs, 'n3', 'Accepted');
    expect(reply).toMatchObject({ ballot: b(2, 'n3'), slots: [1, 2] });
    expect(r.outputs.findIndex((o) => o.type === 'persist')).toBeLessThan(r.outputs.findIndex((o) => o.type === 'send' && o.message.type === 'Accepted'));
    // Multi mode: it now follows that leader, and its timer restarts.
    expect(r.state.volatile.leaderId).toBe('n3');
    expect(resetsTimer(r.outputs)).toBe(true);
  });

  it('refuses an Accept below its promise with a Nack and keeps its accepted value', () => {
    const s = makeState({ promised: b(3, 'n4'), accepted: { 1: [b(3, 'n4'), A] } });
    const r = deliver(s, 'n2', accept(b(2, 'n2'), [[1, B]]));
    expect(r.state.persistent.accepted.get(1)?.value).toBe(A.value);
    expect(persists(r.outputs)).toEqual([]);
    expect(sends(r.outputs, 'Nack')).toHaveLength(1);
    expect(sends(r.outputs, 'Accepted')).toHaveLength(0);
  });

  it('bug accept-lower-ballot: accepts below its promise (overwriting a higher ballot) and leaves the promise alone', () => {
    const cfg = config({ bugs: ['accept-lower-ballot'] });
    const s = makeState({ promised: b(3, 'n4'), accepted: { 1: [b(3, 'n4'), A] } }, cfg);
    const r = deliver(s, 'n2', accept(b(2, 'n2'), [[1, B]]), cfg);
    expect(r.state.persistent.accepted.get(1)).toEqual({ ballot: b(2, 'n2'), ...B });
    expect(r.state.persistent.promised).toBe(b(3, 'n4'));
    expect(persists(r.outputs)).toEqual([{ promised: null, ballot: null, accepts: [{ slot: 1, ballot: b(2, 'n2'), ...B }], snapshot: null }]);
    expect(sends(r.outputs, 'Accepted')).toHaveLength(1);
    // It does not follow the stale proposer.
    expect(r.state.volatile.leaderId).toBe(null);
    // The flag changes only that rule: Prepare below the promise is still refused.
    expect(sends(deliver(makeState({ promised: b(3, 'n4') }, cfg), 'n2', prepare(b(2, 'n2')), cfg).outputs, 'Nack')).toHaveLength(1);
  });

  it('does not write again a value it already accepted in the same ballot (a duplicated Accept), but replies', () => {
    const s = makeState({ promised: b(2, 'n3'), accepted: { 1: [b(2, 'n3'), A] } });
    const r = deliver(s, 'n3', accept(b(2, 'n3'), [[1, A]]));
    expect(persists(r.outputs)).toEqual([]);
    expect(sentTo<Accepted>(r.outputs, 'n3', 'Accepted')).toHaveLength(1);
  });

  it('multi mode: learns the slots up to chosenThrough that it accepted in the leader’s ballot, and only those', () => {
    const s = makeState({ promised: b(2, 'n3'), accepted: { 1: [b(2, 'n3'), A], 2: [b(1, 'n2'), B], 3: [b(2, 'n3'), C] } });
    const r = deliver(s, 'n3', accept(b(2, 'n3'), [[4, noop]], 3));
    // Slot 2 was accepted in another ballot: its chosen value may differ, so it waits for a heartbeat.
    expect(chosenNotes(r.outputs)).toEqual([{ slot: 1, value: A.value }, { slot: 3, value: C.value }]);
    expect(r.state.volatile.appliedUpTo).toBe(1);
    expect(r.state.volatile.kv.get('x')).toBe('1');
    expect(sentTo<Accepted>(r.outputs, 'n3', 'Accepted')[0]!.learnedThrough).toBe(1);
  });
});

describe('phase 1: the candidate (sections 2.2 and 3)', () => {
  it('starts an election with a ballot above every ballot seen, persisted before the Prepares go out', () => {
    const s = makeState({ promised: b(4, 'n3'), ballot: b(2, 'n1'), appliedUpTo: 7, volatile: { maxBallotSeen: b(6, 'n5') } });
    const r = startElection(s, MULTI);
    expect(r.state.volatile.role).toBe('candidate');
    expect(r.state.persistent.ballot).toBe(b(7, 'n1'));
    const writes = persists(r.outputs);
    expect(writes[0]).toEqual({ promised: null, ballot: b(7, 'n1'), accepts: [], snapshot: null });
    expect(r.outputs.findIndex((o) => o.type === 'persist')).toBeLessThan(r.outputs.findIndex((o) => o.type === 'send'));
    // Prepare to every peer from the first slot not learned, and to its own acceptor (inline, so it has promised).
    for (const p of PEERS) expect(sentTo<Prepare>(r.outputs, p, 'Prepare')).toEqual([prepare(b(7, 'n1'), 8)]);
    expect(r.state.persistent.promised).toBe(b(7, 'n1'));
    expect(sentTo<PromiseMessage>(r.outputs, 'n1', 'Promise')).toHaveLength(1);
    expect(resetsTimer(r.outputs)).toBe(true);
  });

  it('adopts, per slot, the value of the highest ballot reported, and fills gaps with noop (multi)', () => {
    const ballot = b(5, 'n1');
    const s = candidateState(ballot);
    const r = promisesFrom(s, ['n2', 'n3', 'n4'], (n) =>
      n === 'n2' ? promise(ballot, [[1, b(1, 'n2'), A], [3, b(1, 'n2'), C]])
        : n === 'n3' ? promise(ballot, [[1, b(3, 'n3'), B]])
          : promise(ballot, []),
    );
    expect(r.state.volatile.role).toBe('leader');
    expect(proposes(r.outputs)).toEqual([
      { slot: 1, ballot, value: B.value }, // ballot 3.n3 beats 1.n2
      { slot: 2, ballot, value: 'noop' }, // nobody reported slot 2: a gap
      { slot: 3, ballot, value: C.value },
    ]);
    expect(r.state.volatile.nextSlot).toBe(4);
    for (const p of PEERS) {
      const [m] = sentTo<Accept>(r.outputs, p, 'Accept');
      expect(m!.entries.map((e) => [e.slot, e.value])).toEqual([[1, B.value], [2, 'noop'], [3, C.value]]);
    }
    // Its own acceptor accepted them inline and will reply once they are durable.
    expect(r.state.persistent.accepted.get(2)).toEqual({ ballot, ...noop });
    expect(sentTo<Accepted>(r.outputs, 'n1', 'Accepted')).toHaveLength(1);
  });

  it('waits for phase1Quorum promises, and a duplicated promise does not count twice', () => {
    const ballot = b(5, 'n1');
    const cfg = config({ q1: 4 });
    let r = promisesFrom(candidateState(ballot, 1, {}, cfg), ['n2', 'n3', 'n3', 'n2'], () => promise(ballot, []), cfg);
    expect(r.state.volatile.role).toBe('candidate');
    expect(r.state.volatile.phase1!.promises.size).toBe(2);
    r = promisesFrom(r.state, ['n4'], () => promise(ballot, []), cfg);
    expect(r.state.volatile.role).toBe('candidate');
    r = promisesFrom(r.state, ['n5'], () => promise(ballot, []), cfg);
    expect(r.state.volatile.role).toBe('leader');
    // With |Q1| = 1 one promise is enough.
    const one = config({ q1: 1 });
    expect(promisesFrom(candidateState(ballot, 1, {}, one), ['n2'], () => promise(ballot, []), one).state.volatile.role).toBe('leader');
  });

  it('ignores promises for another ballot', () => {
    const r = deliver(candidateState(b(5, 'n1')), 'n2', promise(b(4, 'n1'), []));
    expect(r.state.volatile.phase1!.promises.size).toBe(0);
  });

  it('bug ignore-accepted-value: proposes a noop (multi) where a value was reported, and only that changes', () => {
    const ballot = b(5, 'n1');
    const cfg = config({ bugs: ['ignore-accepted-value'] });
    const r = promisesFrom(candidateState(ballot, 1, {}, cfg), ['n2', 'n3', 'n4'], () => promise(ballot, [[1, b(3, 'n3'), B]]), cfg);
    expect(proposes(r.outputs)).toEqual([{ slot: 1, ballot, value: 'noop' }]);
    // Values known chosen are still learned, not proposed over.
    const learned = promisesFrom(candidateState(ballot, 1, {}, cfg), ['n2', 'n3', 'n4'], () => promise(ballot, [[1, b(3, 'n3'), B, 'chosen']]), cfg);
    expect(proposes(learned.outputs)).toEqual([]);
    expect(learned.state.volatile.chosen.get(1)).toBe(B.value);
  });

  it('learns values the acceptors report chosen, and proposes only the slots it has not learned', () => {
    const ballot = b(5, 'n1');
    const r = promisesFrom(candidateState(ballot), ['n2', 'n3', 'n4'], (n) =>
      n === 'n2' ? promise(ballot, [[1, b(1, 'n2'), A, 'chosen'], [2, b(1, 'n2'), B]]) : promise(ballot, [[3, b(1, 'n2'), C, 'chosen']]),
    );
    expect(chosenNotes(r.outputs)).toEqual([{ slot: 1, value: A.value }, { slot: 3, value: C.value }]);
    expect(proposes(r.outputs)).toEqual([{ slot: 2, ballot, value: B.value }]);
    expect(r.state.volatile.appliedUpTo).toBe(1);
    expect(r.state.volatile.nextSlot).toBe(4);
  });

  it('runs phase 1 in windows when promises are incomplete: asks again from past what a quorum covered', () => {
    const ballot = b(5, 'n1');
    const r = promisesFrom(candidateState(ballot), ['n2', 'n3', 'n4'], (n) =>
      n === 'n2' ? promise(ballot, [[1, b(1, 'n2'), A], [2, b(1, 'n2'), B]], 1, false)
        : n === 'n3' ? promise(ballot, [[1, b(1, 'n2'), A], [2, b(1, 'n2'), B], [3, b(1, 'n2'), C]], 1, false)
          : promise(ballot, []),
    );
    // Covered: n2 to slot 2, n3 to 3, n4 everything; the third largest is 2, so the next window starts at 3.
    expect(r.state.volatile.role).toBe('candidate');
    expect(r.state.volatile.phase1!.fromSlot).toBe(3);
    for (const p of PEERS) expect(sentTo<Prepare>(r.outputs, p, 'Prepare')).toEqual([prepare(ballot, 3)]);
    // Reports of the first window are kept; a complete second window finishes phase 1.
    const done = promisesFrom(r.state, ['n2', 'n3', 'n4'], () => promise(ballot, [[3, b(1, 'n2'), C]], 3));
    expect(done.state.volatile.role).toBe('leader');
    expect(proposes(done.outputs).map((p) => [p.slot, p.value])).toEqual([[1, A.value], [2, B.value], [3, C.value]]);
  });

  it('resends Prepare only to the acceptors that have not promised', () => {
    const ballot = b(5, 'n1');
    const r = promisesFrom(candidateState(ballot), ['n1', 'n3'], () => promise(ballot, []));
    const again = resendPrepares(r.state);
    expect(sends(again.outputs).map((o) => o.to).sort()).toEqual(['n2', 'n4', 'n5']);
  });

  it('steps down on a Nack for its ballot, and ignores a Nack for an old one', () => {
    const ballot = b(5, 'n1');
    const nackOf = (of: number, promised: number): Nack => ({ type: 'Nack', term: promised, ballot: of, promised });
    expect(deliver(candidateState(ballot), 'n2', nackOf(ballot, b(6, 'n2'))).state.volatile.role).toBe('follower');
    expect(deliver(leaderState(ballot), 'n2', nackOf(ballot, b(6, 'n2'))).state.volatile.role).toBe('follower');
    expect(deliver(candidateState(ballot), 'n2', nackOf(b(4, 'n1'), b(6, 'n2'))).state.volatile.role).toBe('candidate');
  });
});

describe('phase 2: the leader and Accepted (sections 2.2, 2.3)', () => {
  it('a slot is chosen on phase2Quorum acceptances (itself included), applied, and its client answered', () => {
    const ballot = b(2, 'n1');
    const o = op('c1', 1, 'write', 'x', '9');
    const s = leaderState(ballot, { 1: [proposal(o), []] }, { volatile: { pendingReplies: new Map([[1, { client: 'c1', opId: 1 }]]) } });
    let r = deliver(s, 'n1', accepted(ballot, [1]));
    r = deliver(r.state, 'n2', accepted(ballot, [1]));
    r = deliver(r.state, 'n2', accepted(ballot, [1])); // a duplicate counts once
    expect(r.state.volatile.chosen.has(1)).toBe(false);
    r = deliver(r.state, 'n3', accepted(ballot, [1]));
    expect(chosenNotes(r.outputs)).toEqual([{ slot: 1, value: commandText(o) }]);
    expect(r.state.volatile.appliedUpTo).toBe(1);
    expect(r.state.volatile.kv.get('x')).toBe('9');
    expect(sentTo(r.outputs, 'c1', 'ClientReply')).toEqual([{ type: 'ClientReply', term: 0, opId: 1, ok: true, value: '9' }]);
    expect(r.state.volatile.inFlight.size).toBe(0);
  });

  it('respects phase2Quorum: 2 acceptances choose with |Q2| = 2, not with |Q2| = 4', () => {
    const ballot = b(2, 'n1');
    for (const [q2, chosen] of [[2, true], [4, false]] as const) {
      const cfg = config({ q2 });
      let r = deliver(leaderState(ballot, { 1: [A, []] }, {}, cfg), 'n1', accepted(ballot, [1]), cfg);
      r = deliver(r.state, 'n4', accepted(ballot, [1]), cfg);
      expect(r.state.volatile.chosen.has(1)).toBe(chosen);
    }
  });

  it('applies in slot order: a later slot chosen first waits for the gap', () => {
    const ballot = b(2, 'n1');
    const cfg = config({ q2: 1 });
    const s = leaderState(ballot, { 1: [A, []], 2: [B, []] }, {}, cfg);
    const r2 = deliver(s, 'n2', accepted(ballot, [2]), cfg);
    expect(r2.state.volatile.chosen.get(2)).toBe(B.value);
    expect(r2.state.volatile.appliedUpTo).toBe(0);
    const r1 = deliver(r2.state, 'n2', accepted(ballot, [1]), cfg);
    expect(r1.state.volatile.appliedUpTo).toBe(2);
    expect(r1.state.volatile.kv.get('x')).toBe('2');
  });

  it('ignores Accepted for another ballot', () => {
    const r = deliver(leaderState(b(2, 'n1'), { 1: [A, ['n1', 'n2']] }), 'n3', accepted(b(1, 'n1'), [1]));
    expect(r.state.volatile.chosen.has(1)).toBe(false);
  });

  it('heartbeat: resends an unchosen proposal only once a whole interval old, and only to acceptors that lack it', () => {
    const ballot = b(2, 'n1');
    const s = leaderState(ballot, { 1: [A, ['n1', 'n2']] });
    const first = heartbeat(s, MULTI); // beats 1: the proposal was sent at beat 0, less than an interval ago
    expect(sends(first.outputs, 'Accept')).toEqual([]);
    const second = heartbeat(first.state, MULTI);
    expect(sends(second.outputs, 'Accept').map((o) => o.to).sort()).toEqual(['n3', 'n4', 'n5']);
    const third = heartbeat(second.state, MULTI); // just resent: waits another interval
    expect(sends(third.outputs, 'Accept')).toEqual([]);
    // Every peer gets a heartbeat each time.
    expect(sends(third.outputs, 'Heartbeat').map((o) => o.to)).toEqual([...PEERS]);
  });
});

describe('learning from the leader (multi mode)', () => {
  it('a follower learns the chosen values a heartbeat carries, applies them, and acks how far it got', () => {
    const ballot = b(2, 'n2');
    const s = makeState({ promised: ballot });
    const hb: Heartbeat = { type: 'Heartbeat', term: ballot, ballot, chosen: [{ slot: 1, ...A }, { slot: 2, ...B }], chosenThrough: 2 };
    const r = deliver(s, 'n2', hb);
    expect(r.state.volatile.appliedUpTo).toBe(2);
    expect(r.state.volatile.leaderId).toBe('n2');
    expect(resetsTimer(r.outputs)).toBe(true);
    expect(sentTo<HeartbeatAck>(r.outputs, 'n2', 'HeartbeatAck')).toEqual([{ type: 'HeartbeatAck', term: ballot, ballot, learnedThrough: 2 }]);
  });

  it('a heartbeat from a deposed leader (below the promise) gets a Nack and does not reset the timer', () => {
    const s = makeState({ promised: b(3, 'n3') });
    const ballot = b(2, 'n2');
    const r = deliver(s, 'n2', { type: 'Heartbeat', term: ballot, ballot, chosen: [], chosenThrough: 0 });
    expect(sends(r.outputs, 'Nack')).toHaveLength(1);
    expect(resetsTimer(r.outputs)).toBe(false);
  });

  it('catch-up: at most maxEntriesPerMessage values per heartbeat; the next batch only on the ack that confirms it', () => {
    const cfg = config({ max: 2 });
    const ballot = b(2, 'n1');
    const chosen: Record<number, Proposal> = { 1: text('a'), 2: text('b'), 3: text('c'), 4: text('d'), 5: text('e') };
    const s = leaderState(ballot, {}, { chosen, appliedUpTo: 5, volatile: { peerLearned: new Map([['n2', 0]]) } }, cfg);
    const hb = heartbeat(s, cfg);
    const [toN2] = sentTo<Heartbeat>(hb.outputs, 'n2', 'Heartbeat');
    expect(toN2!.chosen.map((e) => e.slot)).toEqual([1, 2]);
    expect(sentTo<Heartbeat>(hb.outputs, 'n3', 'Heartbeat')[0]!.chosen).toEqual([]); // unknown progress: nothing yet
    const ack = (learnedThrough: number): HeartbeatAck => ({ type: 'HeartbeatAck', term: ballot, ballot, learnedThrough });
    const r = deliver(hb.state, 'n2', ack(2), cfg);
    expect(sentTo<Heartbeat>(r.outputs, 'n2', 'Heartbeat')[0]!.chosen.map((e) => e.slot)).toEqual([3, 4]);
    // The same ack again (a duplicate) or an older one sends nothing.
    expect(sends(deliver(r.state, 'n2', ack(2), cfg).outputs)).toEqual([]);
    expect(sends(deliver(r.state, 'n2', ack(1), cfg).outputs)).toEqual([]);
  });
});

describe('clients', () => {
  it('a non-leader redirects to the leader it follows', () => {
    const r = fromClient(makeState({ leaderId: 'n3' }), 'c1', op('c1', 1, 'read', 'x'));
    expect(sentTo(r.outputs, 'c1', 'ClientRedirect')).toEqual([{ type: 'ClientRedirect', term: 0, opId: 1, leaderHint: 'n3' }]);
  });

  it('the leader gives a request the next slot and sends Accept to all; a duplicate is not proposed twice', () => {
    const ballot = b(2, 'n1');
    const o = op('c1', 4, 'write', 'x', '7');
    const r = fromClient(leaderState(ballot, {}, { appliedUpTo: 3, volatile: { nextSlot: 6 } }), 'c1', o);
    expect(proposes(r.outputs)).toEqual([{ slot: 6, ballot, value: 'c1#4 write x 7' }]);
    expect(sends(r.outputs, 'Accept').map((x) => x.to)).toEqual([...PEERS]);
    expect(r.state.persistent.accepted.get(6)?.value).toBe('c1#4 write x 7'); // its own acceptor
    expect(r.state.volatile.nextSlot).toBe(7);
    const again = fromClient(r.state, 'c1', o);
    expect(proposes(again.outputs)).toEqual([]);
    expect(sends(again.outputs)).toEqual([]);
  });

  it('a request already executed is answered from the session, not proposed again', () => {
    const ballot = b(2, 'n1');
    const s = leaderState(ballot, {}, { volatile: { sessions: new Map([['c1', { opId: 4, ok: true, value: '7' }]]) } });
    const r = fromClient(s, 'c1', op('c1', 4, 'write', 'x', '7'));
    expect(proposes(r.outputs)).toEqual([]);
    expect(sentTo(r.outputs, 'c1', 'ClientReply')).toEqual([{ type: 'ClientReply', term: 0, opId: 4, ok: true, value: '7' }]);
  });

  it('a command chosen in two slots executes once', () => {
    const ballot = b(2, 'n1');
    const first = op('c1', 1, 'write', 'x', '1');
    const cfg = config({ q2: 1 });
    // Slot 3 repeats slot 1 (a duplicated request): run again, it would undo c2's write.
    const s = leaderState(ballot, { 1: [proposal(first), []], 2: [proposal(op('c2', 2, 'write', 'x', '2')), []], 3: [proposal(first), []] }, {}, cfg);
    const r = deliver(s, 'n2', accepted(ballot, [1, 2, 3]), cfg);
    expect(r.state.volatile.appliedUpTo).toBe(3);
    expect(r.state.volatile.kv.get('x')).toBe('2');
    expect(r.state.volatile.sessions.get('c1')).toEqual({ opId: 1, ok: true, value: '1' });
  });

  it('bounds the slots in flight: past MAX_IN_FLIGHT_SLOTS a request is not proposed', () => {
    const flights: Record<number, [Proposal, NodeId[]]> = {};
    for (let slot = 1; slot <= MAX_IN_FLIGHT_SLOTS; slot++) flights[slot] = [noop, []];
    const r = fromClient(leaderState(b(2, 'n1'), flights), 'c1', op('c1', 1, 'read', 'x'));
    expect(proposes(r.outputs)).toEqual([]);
  });
});

describe('single mode (single-decree Paxos, section 2)', () => {
  it('a proposer with nothing reported proposes its own token, or the first client command it saw', () => {
    const ballot = b(2, 'n1');
    const token = promisesFrom(candidateState(ballot, 1, {}, SINGLE), ['n2', 'n3', 'n4'], () => promise(ballot, []), SINGLE);
    expect(proposes(token.outputs)).toEqual([{ slot: 1, ballot, value: 'n1:v' }]);
    let s = candidateState(ballot, 1, {}, SINGLE);
    s = fromClient(s, 'c1', op('c1', 1, 'write', 'x', '1'), SINGLE).state;
    s = fromClient(s, 'c2', op('c2', 2, 'write', 'x', '2'), SINGLE).state;
    const withClient = promisesFrom(s, ['n2', 'n3', 'n4'], () => promise(ballot, []), SINGLE);
    expect(proposes(withClient.outputs)).toEqual([{ slot: 1, ballot, value: 'c1#1 write x 1' }]);
  });

  it('adopts the highest-ballot accepted value reported; with ignore-accepted-value it proposes its own', () => {
    const ballot = b(4, 'n1');
    const build = (n: NodeId): PromiseMessage => (n === 'n2' ? promise(ballot, [[1, b(1, 'n2'), text('n2:v')]]) : n === 'n3' ? promise(ballot, [[1, b(3, 'n3'), text('n3:v')]]) : promise(ballot, []));
    expect(proposes(promisesFrom(candidateState(ballot, 1, {}, SINGLE), ['n2', 'n3', 'n4'], build, SINGLE).outputs)[0]!.value).toBe('n3:v');
    const bug = config({ mode: 'single', bugs: ['ignore-accepted-value'] });
    expect(proposes(promisesFrom(candidateState(ballot, 1, {}, bug), ['n2', 'n3', 'n4'], build, bug).outputs)[0]!.value).toBe('n1:v');
  });

  it('once chosen: the proposer tells every learner, stops proposing, and answers its waiting clients', () => {
    const ballot = b(2, 'n1');
    const o = op('c1', 1, 'write', 'x', '1');
    const waiting = new Map<ClientId, number>([['c1', 1], ['c2', 5]]);
    const s = leaderState(ballot, { 1: [proposal(o), ['n1', 'n2']] }, { volatile: { waitingClients: waiting } }, SINGLE);
    const r = deliver(s, 'n3', accepted(ballot, [1]), SINGLE);
    expect(r.state.volatile.role).toBe('follower');
    expect(sends(r.outputs, 'Learn').map((x) => x.to)).toEqual([...PEERS]);
    expect(sentTo(r.outputs, 'c1', 'ClientReply')).toEqual([{ type: 'ClientReply', term: 0, opId: 1, ok: true, value: '1' }]);
    expect(sentTo(r.outputs, 'c2', 'ClientReply')).toEqual([{ type: 'ClientReply', term: 0, opId: 5, ok: false, value: 'nil', rejected: true }]);
    // Later requests are answered at once: only the chosen one succeeded.
    expect(sentTo(fromClient(r.state, 'c3', op('c3', 9, 'read', 'x'), SINGLE).outputs, 'c3', 'ClientReply')).toEqual([{ type: 'ClientReply', term: 0, opId: 9, ok: false, value: 'nil', rejected: true }]);
    // And there is nothing more to propose for.
    expect(startElection(r.state, SINGLE).outputs).toEqual([]);
  });

  it('a candidate that learns the value from another proposer gives up', () => {
    const ballot = b(2, 'n2');
    const r = deliver(candidateState(b(3, 'n1'), 1, {}, SINGLE), 'n2', { type: 'Learn', term: ballot, ballot, chosen: [{ slot: 1, ...text('n2:v') }] }, SINGLE);
    expect(r.state.volatile.role).toBe('follower');
    expect(r.state.volatile.chosen.get(1)).toBe('n2:v');
  });
});

describe('durable state', () => {
  it('applyWrite keeps fields a write leaves null and adds accepted values', () => {
    const d = { promised: 5, ballot: 3, accepted: new Map<number, AcceptedEntry>(), snapshot: null as PaxosSnapshot | null };
    applyWrite(d, { promised: null, ballot: 9, accepts: [{ slot: 2, ballot: 9, ...A }], snapshot: null });
    expect(d).toEqual({ promised: 5, ballot: 9, accepted: new Map([[2, { ballot: 9, ...A }]]), snapshot: null });
    applyWrite(d, { promised: 17, ballot: null, accepts: [], snapshot: null });
    expect(d.promised).toBe(17);
  });

  it("the disk's highest accepted ballot follows every write, and a restart's maxBallotSeen equals a full scan", () => {
    // A seeded walk of writes, overwrites by lower ballots included (as accept-lower-ballot makes).
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const d = paxosFactory.emptyDurable();
    let unknownSeen = false;
    for (let i = 0; i < 400; i++) {
      const accepts = Array.from({ length: 1 + next(3) }, () => ({ slot: 1 + next(12), ballot: b(1 + next(20), MEMBERS[next(5)]!), ...A }));
      applyWrite(d, { promised: next(4) === 0 ? b(1 + next(20), 'n2') : null, ballot: null, accepts, snapshot: null });
      const scanned = Math.max(0, ...[...d.accepted.values()].map((e) => e.ballot));
      if (d.maxAcceptedBallot === MAX_BALLOT_UNKNOWN) unknownSeen = true;
      else expect(d.maxAcceptedBallot).toBe(scanned);
      const withCache = initialState('n1', MEMBERS, paxosFactory.cloneDurable(d), MULTI, true);
      const byScan = initialState('n1', MEMBERS, { ...d, maxAcceptedBallot: undefined }, MULTI);
      expect(withCache.volatile.maxBallotSeen).toBe(byScan.volatile.maxBallotSeen);
      expect(byScan.volatile.maxBallotSeen).toBe(Math.max(d.promised, d.ballot, scanned));
    }
    // The walk lowered the entry holding the maximum at least once, so the unknown path was taken.
    expect(unknownSeen).toBe(true);
  });

  it('a restarted node keeps promise, ballot and accepted values; proposer and learner state start empty', () => {
    const durable = { promised: b(3, 'n2'), ballot: b(2, 'n1'), accepted: new Map([[1, { ballot: b(3, 'n2'), ...A }]]), snapshot: null };
    const s = initialState('n1', MEMBERS, durable, MULTI);
    expect(s.persistent.promised).toBe(b(3, 'n2'));
    expect(s.persistent.ballot).toBe(b(2, 'n1'));
    expect(s.volatile.role).toBe('follower');
    expect(s.volatile.chosen.size).toBe(0);
    expect(s.volatile.maxBallotSeen).toBe(b(3, 'n2'));
    // Its next ballot is above everything it remembers.
    expect(startElection(s, MULTI).state.persistent.ballot).toBe(b(4, 'n1'));
  });
});

describe('Multi-Paxos snapshots and catch-up', () => {
  /** Chosen writes of x = 1..n in slots 1..n (client c1, opIds 1..n). */
  function writes(n: number): Record<number, Proposal> {
    const out: Record<number, Proposal> = {};
    for (let slot = 1; slot <= n; slot++) out[slot] = proposal(op('c1', slot, 'write', 'x', String(slot)));
    return out;
  }
  const snapshotOf = (throughSlot: number, x: string): PaxosSnapshot => ({
    throughSlot, kv: new Map([['x', x]]), sessions: new Map([['c1', { opId: throughSlot, ok: true, value: x }]]),
  });
  const heartbeatMsg = (ballot: number, chosenThrough: number): Heartbeat => ({ type: 'Heartbeat', term: ballot, ballot, chosen: [], chosenThrough });

  it('a learner snapshots its state machine every SNAPSHOT_INTERVAL_SLOTS applied slots, and its next write carries it', () => {
    const n = SNAPSHOT_INTERVAL_SLOTS;
    // Slots 1..n known chosen but not applied; the leader's heartbeat makes the node apply them.
    const s = makeState({ promised: b(1, 'n2'), chosen: writes(n) });
    const r = deliver(s, 'n2', heartbeatMsg(b(1, 'n2'), n));
    expect(r.state.volatile.appliedUpTo).toBe(n);
    const snap = r.state.persistent.snapshot!;
    expect(snap.throughSlot).toBe(n);
    expect(snap.kv).toBe(r.state.volatile.kv); // shared, not copied: the maps are immutable
    expect(snap.kv.get('x')).toBe(String(n));
    // One slot short of the interval: no snapshot.
    const short = deliver(makeState({ promised: b(1, 'n2'), chosen: writes(n - 1) }), 'n2', heartbeatMsg(b(1, 'n2'), n - 1));
    expect(short.state.persistent.snapshot).toBeNull();
    // The next write (an Accept for a later slot) carries the snapshot; taking it wrote nothing itself.
    expect(persists(r.outputs)).toEqual([]);
    const w = deliver(r.state, 'n2', accept(b(1, 'n2'), [[n + 1, C]], n));
    expect(persists(w.outputs)).toHaveLength(1);
    expect(persists(w.outputs)[0]!.snapshot).toBe(snap);
  });

  it('applyWrite keeps the latest snapshot; a restart resumes the learner from it (multi mode only)', () => {
    const d = { promised: b(2, 'n2'), ballot: 0, accepted: new Map<number, AcceptedEntry>(), snapshot: null as PaxosSnapshot | null };
    applyWrite(d, { promised: null, ballot: null, accepts: [], snapshot: snapshotOf(2048, '7') });
    applyWrite(d, { promised: null, ballot: null, accepts: [], snapshot: snapshotOf(1024, '3') }); // older: kept out
    expect(d.snapshot?.throughSlot).toBe(2048);
    const s = initialState('n1', MEMBERS, d, MULTI);
    expect(s.volatile).toMatchObject({ appliedUpTo: 2048, heldFrom: 2049 });
    expect(s.volatile.kv.get('x')).toBe('7');
    expect(s.volatile.sessions.get('c1')?.opId).toBe(2048);
    expect(s.persistent.snapshot?.throughSlot).toBe(2048);
    // The first slot it learns after the restart is applied on top of the snapshot.
    const after = deliver(s, 'n2', { type: 'Heartbeat', term: b(2, 'n2'), ballot: b(2, 'n2'), chosen: [{ slot: 2049, ...C }], chosenThrough: 2049 });
    expect(after.state.volatile.appliedUpTo).toBe(2049);
    expect(after.state.volatile.kv.get('y')).toBe('3');
    // Single-decree Paxos has one slot: no snapshot is restored.
    expect(initialState('n1', MEMBERS, d, SINGLE).volatile).toMatchObject({ appliedUpTo: 0, heldFrom: 1 });
  });

  it('a follower installs a leader snapshot ahead of it, keeps it as its own, and acks how far it now is', () => {
    const ballot = b(1, 'n2');
    const snap = snapshotOf(500, '9');
    const s = makeState({ promised: ballot, chosen: writes(3), appliedUpTo: 3 });
    const r = deliver(s, 'n2', { type: 'Snapshot', term: ballot, ballot, snapshot: snap });
    expect(r.state.volatile).toMatchObject({ appliedUpTo: 500, heldFrom: 501, leaderId: 'n2' });
    expect(r.state.volatile.kv).toBe(snap.kv);
    expect(r.state.persistent.snapshot).toBe(snap);
    expect(resetsTimer(r.outputs)).toBe(true);
    expect(sentTo<HeartbeatAck>(r.outputs, 'n2', 'HeartbeatAck')).toEqual([{ type: 'HeartbeatAck', term: ballot, ballot, learnedThrough: 500 }]);
    // A snapshot that is not ahead changes nothing but is still the leader's heartbeat.
    const behind = deliver(r.state, 'n2', { type: 'Snapshot', term: ballot, ballot, snapshot: snapshotOf(200, '1') });
    expect(behind.state.volatile.appliedUpTo).toBe(500);
    expect(behind.state.volatile.kv.get('x')).toBe('9');
    expect(sentTo<HeartbeatAck>(behind.outputs, 'n2', 'HeartbeatAck')[0]!.learnedThrough).toBe(500);
    // From a deposed leader (below our promise): refused.
    const stale = deliver(makeState({ promised: b(3, 'n4') }), 'n2', { type: 'Snapshot', term: ballot, ballot, snapshot: snap });
    expect(stale.state.volatile.appliedUpTo).toBe(0);
    expect(sentTo<Nack>(stale.outputs, 'n2', 'Nack')).toHaveLength(1);
  });

  it("a leader sends its snapshot to a follower behind the values it holds, or far behind; values one by one otherwise", () => {
    const ballot = b(1, 'n1');
    const applied = 2000;
    const chosen: Record<number, Proposal> = {};
    for (let slot = 1001; slot <= applied; slot++) chosen[slot] = proposal(op('c1', slot, 'write', 'x', String(slot)));
    // Restarted from a snapshot through 1000: it holds the values of slots 1001..2000 only.
    const peerLearned = new Map<NodeId, number>([['n2', 1999], ['n3', 990], ['n4', 1500], ['n5', 1800]]);
    const s = leaderState(ballot, {}, { chosen, appliedUpTo: applied, volatile: { heldFrom: 1001, peerLearned } });
    const r = heartbeat(s, MULTI);
    const hb = sentTo<Heartbeat>(r.outputs, 'n2', 'Heartbeat');
    expect(hb.map((m) => m.chosen.map((e) => e.slot))).toEqual([[2000]]);
    // n3 needs slots before 1001, which this leader never held; n4 is 500 slots behind (> SNAPSHOT_CATCH_UP_SLOTS).
    for (const peer of ['n3', 'n4']) {
      const snaps = sentTo<{ snapshot: PaxosSnapshot }>(r.outputs, peer, 'Snapshot');
      expect(snaps, peer).toHaveLength(1);
      expect(snaps[0]!.snapshot).toMatchObject({ throughSlot: applied });
      expect(snaps[0]!.snapshot.kv).toBe(s.volatile.kv);
      expect(sentTo(r.outputs, peer, 'Heartbeat'), peer).toEqual([]);
    }
    expect(applied - 1500).toBeGreaterThan(SNAPSHOT_CATCH_UP_SLOTS);
    // n5, 200 behind, gets the next batch of values.
    expect(sentTo<Heartbeat>(r.outputs, 'n5', 'Heartbeat')[0]!.chosen.map((e) => e.slot)).toEqual(Array.from({ length: 64 }, (_, i) => 1801 + i));
    // A snapshot counts as the catch-up in flight: its ack sends the rest at once.
    expect(r.state.volatile.catchUpThrough.get('n3')).toBe(applied);
  });

  it('a heartbeat skips followers that had an Accept since the last one and had learned all that was chosen by then', () => {
    const ballot = b(1, 'n1');
    let s = leaderState(ballot, {}, { chosen: writes(4), appliedUpTo: 4, volatile: { peerLearned: new Map(PEERS.map((p) => [p, 4])) } });
    s = heartbeat(s, MULTI).state; // beat 1: everyone gets a heartbeat (no Accept yet)
    // A client request: an Accept to every follower. Their replies report what they had learned.
    s = fromClient(s, 'c2', op('c2', 1, 'write', 'y', '1')).state;
    expect(s.volatile.acceptBeat).toBe(s.volatile.beats);
    s = deliver(s, 'n3', accepted(ballot, [5], 2)).state; // n3 is behind: it had learned through 2 only
    const r = heartbeat(s, MULTI);
    expect(sends(r.outputs, 'Heartbeat').map((o) => o.to).sort()).toEqual(['n3']);
    // Without an Accept since, every follower gets its heartbeat again.
    expect(sends(heartbeat(r.state, MULTI).outputs, 'Heartbeat').map((o) => o.to).sort()).toEqual([...PEERS]);
  });
});
