/**
 * Paxos on the real kernel: whole runs through `Run` (src/check/run.ts) with the workload and the
 * nemesis, read back through the trace (`run.sim.trace`) and the nodes' views (`run.sim.view(id)`).
 * The properties are computed here from the trace, independently of the invariant checker, so these
 * tests say what the protocol does, not what the checker thinks of it.
 */
import { describe, expect, it } from 'vitest';
import { Run } from '../../check/run';
import { buildScenario, type BuildOptions, type Scenario } from '../../sim/scenario';
import type { TraceEvent } from '../../sim/trace';
import type { PaxosView } from './node';

type Timing = Partial<Scenario['timing']>;

function scenario(options: BuildOptions & { timing?: Timing; latencyMs?: [number, number] }): Scenario {
  const { timing, latencyMs, ...build } = options;
  const s = buildScenario({ protocol: 'paxos', nodes: 5, loadOpsPerSec: 20, nemesisIntervalMs: 1000, ...build });
  if (timing !== undefined) s.timing = { ...s.timing, ...timing };
  if (latencyMs !== undefined) s.network = { ...s.network, latency: { kind: 'uniform', minMs: latencyMs[0], maxMs: latencyMs[1] } };
  return s;
}

function runOf(options: Parameters<typeof scenario>[0]): Run {
  const run = new Run(scenario(options), { keepTrace: true });
  run.runUntil();
  return run;
}

function eventsOf(run: Run): TraceEvent[] {
  return Array.from(run.sim.trace.slice());
}

function ofKind<K extends TraceEvent['kind']>(events: readonly TraceEvent[], kind: K): Extract<TraceEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
}

/** Slot -> every distinct value some node learned chosen there (from `chosen` events). */
function learnedValues(events: readonly TraceEvent[]): Map<number, Set<string>> {
  const bySlot = new Map<number, Set<string>>();
  for (const e of ofKind(events, 'chosen')) {
    let values = bySlot.get(e.slot);
    if (values === undefined) bySlot.set(e.slot, (values = new Set()));
    values.add(e.value);
  }
  return bySlot;
}

function viewsOf(run: Run): Array<{ id: string; view: PaxosView }> {
  const views: Array<{ id: string; view: PaxosView }> = [];
  for (const id of run.sim.members) {
    const view = run.sim.view(id) as PaxosView | null;
    if (view !== null) views.push({ id, view });
  }
  return views;
}

/**
 * Agreement as the trace and the nodes tell it: every slot was learned with one value only, by every
 * node that learned it (crashed and restarted ones included), and every live node's chosen map holds
 * exactly those values. Returns the number of slots chosen.
 */
function expectAgreement(run: Run): number {
  const events = eventsOf(run);
  const learned = learnedValues(events);
  const split = [...learned].filter(([, values]) => values.size > 1).map(([slot, values]) => `${slot}: ${[...values].join(' | ')}`);
  expect(split, `slots learned with different values (seed ${run.scenario.seed})`).toEqual([]);
  for (const { id, view } of viewsOf(run)) {
    for (const [slot, value] of view.chosen) expect(learned.get(slot)?.has(value), `${id} slot ${slot}`).toBe(true);
    // Applied in order: every slot up to appliedUpTo is known, from where the node's values start
    // (before heldFrom they came in a snapshot: its own on restart, or the leader's).
    for (let slot = view.heldFrom; slot <= view.appliedUpTo; slot++) expect(view.chosen.has(slot), `${id} slot ${slot}`).toBe(true);
  }
  // Replicas that applied the same slots hold the same state machine, however they got there.
  const byApplied = new Map<number, { id: string; kv: string }>();
  for (const { id, view } of viewsOf(run)) {
    const kv = JSON.stringify([...view.kv].sort());
    const other = byApplied.get(view.appliedUpTo);
    if (other === undefined) byApplied.set(view.appliedUpTo, { id, kv });
    else expect(kv, `${id} and ${other.id} both applied through slot ${view.appliedUpTo}`).toBe(other.kv);
  }
  return learned.size;
}

describe('multi-Paxos on the simulator', () => {
  it('elects a leader, answers client writes with ok, and every node learns the same value per slot', () => {
    const run = runOf({ seed: 1, untilMs: 10_000 });
    const events = eventsOf(run);
    expect(run.stoppedReason).toBe(null);
    expect(run.checker.violations).toEqual([]);
    const leaders = ofKind(events, 'role').filter((e) => e.role === 'leader');
    expect(leaders.length).toBeGreaterThanOrEqual(1);
    const oks = ofKind(events, 'ok');
    expect(oks.length).toBeGreaterThan(100);
    // Writes among them (not only reads), and the client saw them succeed.
    expect(ofKind(events, 'invoke').filter((e) => e.op === 'write' && oks.some((o) => o.client === e.client && o.opId === e.opId)).length).toBeGreaterThan(20);
    const slots = expectAgreement(run);
    expect(slots).toBeGreaterThan(100);
    // Without faults every node has learned and applied nearly everything, and holds the same map.
    const views = viewsOf(run);
    expect(views).toHaveLength(5);
    const leader = views.find((v) => v.view.role === 'leader')!;
    expect(leader).toBeDefined();
    for (const { view } of views) {
      expect(view.appliedUpTo).toBeGreaterThanOrEqual(leader.view.appliedUpTo - 2);
      for (const [key, value] of view.kv) if (view.appliedUpTo === leader.view.appliedUpTo) expect(leader.view.kv.get(key)).toBe(value);
    }
    // The leader's ballot is what its role event and its followers' promises say.
    const last = leaders[leaders.length - 1]!;
    expect(last.term).toBe(leader.view.ballot);
    for (const { view } of views) expect(view.promised).toBe(leader.view.ballot);
  });

  it('records the Paxos trace events: promise, propose, accepted by a quorum, chosen', () => {
    const events = eventsOf(runOf({ seed: 2, untilMs: 3000 }));
    const promises = ofKind(events, 'promise');
    const leader = ofKind(events, 'role').find((e) => e.role === 'leader')!;
    expect(promises.filter((p) => p.ballot === leader.term).length).toBeGreaterThanOrEqual(3);
    const proposal = ofKind(events, 'propose').find((p) => p.value !== 'noop')!;
    expect(proposal.node).toBe(leader.node);
    expect(proposal.value).toMatch(/^c\d+#\d+ (read|write|cas) k\d+/);
    const accepts = ofKind(events, 'accepted').filter((a) => a.slot === proposal.slot && a.ballot === proposal.ballot);
    expect(new Set(accepts.map((a) => a.node)).size).toBeGreaterThanOrEqual(3);
    const chosen = ofKind(events, 'chosen').filter((c) => c.slot === proposal.slot);
    expect(chosen.map((c) => c.value)).toEqual(Array(chosen.length).fill(proposal.value));
    // The leader learns first, and only after a quorum accepted.
    expect(chosen[0]!.node).toBe(leader.node);
    expect(events.indexOf(chosen[0]!)).toBeGreaterThan(events.indexOf(accepts[2]!));
  });

  for (const faults of [['partition'], ['crash'], ['kill', 'power'], ['pause', 'asymmetric', 'bridge', 'flap'], ['duplicate', 'reorder', 'slow', 'skew']]) {
    it(`stays safe and live under ${faults.join(', ')}`, () => {
      for (const seed of [1, 2, 3]) {
        const run = runOf({ seed, untilMs: 20_000, nemesis: faults as BuildOptions['nemesis'] });
        expect(run.stoppedReason, `seed ${seed}`).toBe(null);
        expect(run.checker.violations, `seed ${seed}`).toEqual([]);
        // A fault every second: about as available as Raft in the same runs (100-200 ok of 200-300).
        const slots = expectAgreement(run);
        expect(slots, `seed ${seed}`).toBeGreaterThan(100);
        expect(run.sim.trace.countOf('ok'), `seed ${seed}`).toBeGreaterThan(100);
      }
    });
  }

  it('fails over: after leader crashes a new leader with a higher ballot takes over and keeps every chosen value', () => {
    const run = runOf({ seed: 4, untilMs: 20_000, nemesis: ['crash'] });
    const events = eventsOf(run);
    const leaders = ofKind(events, 'role').filter((e) => e.role === 'leader');
    expect(new Set(leaders.map((l) => l.node)).size).toBeGreaterThan(1);
    for (let i = 1; i < leaders.length; i++) expect(leaders[i]!.term).toBeGreaterThan(leaders[i - 1]!.term);
    expectAgreement(run);
    // Every live node has caught up to a common applied prefix with the same key-value map.
    const views = viewsOf(run).map((v) => v.view);
    const floor = Math.min(...views.map((v) => v.appliedUpTo));
    expect(floor).toBeGreaterThan(150);
  });

  it('a one-node cluster elects itself and serves writes (its own promises and acceptances wait for its disk)', () => {
    const run = runOf({ seed: 5, nodes: 1, untilMs: 3000 });
    const events = eventsOf(run);
    expect(ofKind(events, 'role').some((e) => e.role === 'leader')).toBe(true);
    expect(run.sim.trace.countOf('ok')).toBeGreaterThan(30);
    expectAgreement(run);
  });

  it('runs with |Q1| + |Q2| <= N without asserting (and such quorums can choose two values)', () => {
    let split = 0;
    for (const seed of [1, 2]) {
      const run = runOf({ seed, untilMs: 20_000, nemesis: ['partition'], phase1Quorum: 2, phase2Quorum: 2 });
      expect(run.stoppedReason).toBe(null);
      for (const values of learnedValues(eventsOf(run)).values()) if (values.size > 1) split++;
    }
    expect(split).toBeGreaterThan(0);
  });

  it('is safe with flexible quorums that intersect (|Q1| = 4, |Q2| = 2 of 5)', () => {
    for (const seed of [1, 2]) {
      const run = runOf({ seed, untilMs: 20_000, nemesis: ['partition', 'crash'], phase1Quorum: 4, phase2Quorum: 2 });
      expect(run.stoppedReason).toBe(null);
      expect(expectAgreement(run)).toBeGreaterThan(150);
    }
  });
});

describe('grid quorums on the simulator', () => {
  it('a 3x3 grid is safe under partitions and crashes, and its leader hears from only one row per slot', () => {
    for (const seed of [1, 2]) {
      const run = runOf({ seed, nodes: 9, grid: { rows: 3, columns: 3 }, untilMs: 20_000, nemesis: ['partition', 'crash'] });
      expect(run.stoppedReason).toBe(null);
      expect(run.summary().violations).toEqual([]);
      expect(expectAgreement(run)).toBeGreaterThan(150);
    }
  });

  /**
   * The leader's row is up, the other six of nine nodes are down: a grid still commits (a row is a
   * phase-2 quorum: 3 of 9), where majorities need 5. Phase 1 (a whole column) was done before.
   */
  function afterSixCrash(grid: boolean): { okAfter: number; leader: string } {
    const base = { seed: 3, nodes: 9, untilMs: 2000, loadOpsPerSec: 20, ...(grid ? { grid: { rows: 3, columns: 3 } } : {}) };
    const first = runOf(base);
    const leader = (ofKind(eventsOf(first), 'role').filter((e) => e.role === 'leader').at(-1)!).node;
    const index = Number(leader.slice(1)) - 1;
    const row = [0, 1, 2].map((c) => `n${Math.floor(index / 3) * 3 + c + 1}`);
    const s = scenario({ ...base, untilMs: 6000 });
    s.actions = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 'n9'].filter((n) => !row.includes(n)).map((node) => ({ atMs: 2000, type: 'crash' as const, node }));
    const run = new Run(s, { keepTrace: true });
    run.runUntil();
    expect(run.summary().violations).toEqual([]);
    const okAfter = ofKind(eventsOf(run), 'ok').filter((e) => e.atMs > 2500).length;
    return { okAfter, leader };
  }

  it('with six of nine nodes down, a 3x3 grid still commits through its leader\'s row; majorities cannot', () => {
    const grid = afterSixCrash(true);
    expect(grid.okAfter).toBeGreaterThan(20);
    const majority = afterSixCrash(false);
    expect(majority.okAfter).toBe(0);
  });
});

describe('single-decree Paxos on the simulator', () => {
  /** The one value chosen for slot 1, checked learned by every live node and nothing else chosen. */
  function expectOneValue(run: Run): string {
    const learned = learnedValues(eventsOf(run));
    expect([...learned.keys()]).toEqual([1]);
    const values = [...learned.get(1)!];
    expect(values).toHaveLength(1);
    for (const { id, view } of viewsOf(run)) expect(view.chosen.get(1), id).toBe(values[0]);
    return values[0]!;
  }

  it('chooses one value for slot 1 that every node learns, a client command or a proposer’s own', () => {
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 8; seed++) {
      const run = runOf({ seed, untilMs: 3000, paxosMode: 'single' });
      expect(run.stoppedReason).toBe(null);
      const value = expectOneValue(run);
      expect(value).toMatch(/^(n\d:v|c\d+#\d+ (read|write|cas) .+)$/);
      kinds.add(value.endsWith(':v') ? 'own' : 'client');
      const events = eventsOf(run);
      // Exactly one client operation succeeded: the chosen one, if it was a client's.
      expect(run.sim.trace.countOf('ok')).toBe(value.endsWith(':v') ? 0 : 1);
      if (!value.endsWith(':v')) expect(ofKind(events, 'ok').map((o) => `${o.client}#${o.opId}`)).toEqual([value.split(' ')[0]]);
    }
    expect(kinds).toEqual(new Set(['own', 'client']));
  });

  it('keeps one value under crashes and partitions; restarted nodes relearn it', () => {
    for (const seed of [1, 2, 3, 4]) {
      const run = runOf({ seed, untilMs: 10_000, paxosMode: 'single', nemesis: ['crash', 'partition', 'kill'] });
      expect(run.stoppedReason).toBe(null);
      expect(run.checker.violations).toEqual([]);
      expectOneValue(run);
    }
  });

  it('duelling proposers preempt each other (slow network), later ones adopt accepted values, and one value wins', () => {
    let preempted = 0;
    let adopted = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const run = runOf({ seed, untilMs: 5000, paxosMode: 'single', loadOpsPerSec: 0, latencyMs: [40, 120] });
      expect(run.stoppedReason).toBe(null);
      const value = expectOneValue(run);
      const proposals = ofKind(eventsOf(run), 'propose');
      expect(proposals.every((p) => p.slot === 1)).toBe(true);
      if (new Set(proposals.map((p) => p.ballot)).size > 1) preempted++;
      // A proposer proposing another's token adopted it from the promises (section 2.2, phase 2(a)).
      if (proposals.some((p) => p.value !== `${p.node}:v`)) adopted++;
      // The last proposal is the one chosen.
      expect(proposals[proposals.length - 1]!.value).toBe(value);
    }
    expect(preempted).toBeGreaterThan(0);
    expect(adopted).toBeGreaterThan(0);
  });
});

describe('determinism', () => {
  for (const mode of ['multi', 'single'] as const) {
    it(`${mode}: the same seed gives the same trace hash, another seed another`, () => {
      const options = { untilMs: 8000, paxosMode: mode, nemesis: ['partition', 'crash', 'duplicate'] as BuildOptions['nemesis'] };
      const first = runOf({ ...options, seed: 11 });
      const again = runOf({ ...options, seed: 11 });
      const other = runOf({ ...options, seed: 12 });
      expect(first.sim.trace.length).toBe(again.sim.trace.length);
      expect(first.sim.trace.finalHash()).toBe(again.sim.trace.finalHash());
      expect(other.sim.trace.finalHash()).not.toBe(first.sim.trace.finalHash());
    });
  }
});

describe('bug flags on the simulator', () => {
  it('ignore-accepted-value: a new leader overwrites chosen slots, and nodes learn different values', () => {
    let split = 0;
    for (const seed of [1, 2, 3]) {
      const run = runOf({ seed, untilMs: 20_000, nemesis: ['crash'], bugs: ['ignore-accepted-value'] });
      for (const values of learnedValues(eventsOf(run)).values()) if (values.size > 1) split++;
    }
    expect(split).toBeGreaterThan(0);
  });

  it('accept-lower-ballot: an acceptor accepts a ballot below one it promised', () => {
    const below = (flags: string[]): number => {
      let count = 0;
      for (const seed of [1, 2, 3]) {
        const promised = new Map<string, number>();
        for (const e of eventsOf(runOf({ seed, untilMs: 20_000, nemesis: ['crash', 'partition'], bugs: flags }))) {
          if (e.kind === 'promise') promised.set(e.node, Math.max(promised.get(e.node) ?? 0, e.ballot));
          if (e.kind === 'accepted' && e.ballot < (promised.get(e.node) ?? 0)) count++;
        }
      }
      return count;
    };
    expect(below(['accept-lower-ballot'])).toBeGreaterThan(0);
    expect(below([])).toBe(0);
  });
});
