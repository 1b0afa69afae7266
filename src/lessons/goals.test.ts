import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../sim/trace';
import { actionNodes, evaluateGoal, leaderAtEnd, parseDurationMs, parseGoal, type GoalSpec } from './goals';

const members = ['n1', 'n2', 'n3', 'n4', 'n5'];
const role = (atMs: number, node: string, r: string, term: number): TraceEvent => ({ kind: 'role', atMs, node, role: r, term });
const action = (atMs: number, a: string, detail: string): TraceEvent => ({ kind: 'action', atMs, action: a, detail });
const fault = (atMs: number, f: string, detail: string): TraceEvent => ({ kind: 'fault', atMs, fault: f, detail });
const commit = (atMs: number, node: string, commitIndex: number): TraceEvent => ({ kind: 'commit', atMs, node, commitIndex });

function met(goal: GoalSpec, events: TraceEvent[], nowMs = 10_000): boolean {
  return evaluateGoal(goal, { events, members, nowMs }).met;
}

describe('goals', () => {
  const elected = [role(150, 'n1', 'candidate', 1), role(160, 'n1', 'leader', 1)];

  it('new-leader-after-crash needs the crashed node to have been leading, and another to win after', () => {
    const goal: GoalSpec = { kind: 'new-leader-after-crash' };
    expect(met(goal, elected)).toBe(false);
    // Crashing a follower does not count.
    expect(met(goal, [...elected, action(500, 'crash', 'n2'), fault(500, 'crash', 'n2'), role(800, 'n3', 'leader', 2)])).toBe(false);
    const crashed = [...elected, action(500, 'crash', 'n1'), fault(500, 'crash', 'n1')];
    expect(met(goal, crashed)).toBe(false);
    expect(evaluateGoal(goal, { events: crashed, members, nowMs: 600 }).progress).toBe('n1 was crashed; no new leader yet');
    expect(met(goal, [...crashed, role(800, 'n4', 'candidate', 2), role(810, 'n4', 'leader', 2)])).toBe(true);
    // The nemesis crashing the leader is not the student's doing.
    expect(met(goal, [...elected, fault(500, 'crash', 'n1'), role(810, 'n4', 'leader', 2)])).toBe(false);
  });

  it('leaderAtEnd follows crashes, pauses and step-downs, and prefers the higher term', () => {
    expect(leaderAtEnd(elected)).toBe('n1');
    expect(leaderAtEnd([...elected, fault(500, 'crash', 'n1')])).toBeNull();
    expect(leaderAtEnd([...elected, role(400, 'n1', 'follower', 2)])).toBeNull();
    // An old leader cut off in a minority still thinks it leads; the newer term is the leader.
    expect(leaderAtEnd([...elected, role(900, 'n3', 'leader', 2)])).toBe('n3');
  });

  it('a partition is about the nodes it cuts into a minority, whichever group they are listed in', () => {
    expect(actionNodes('partition', 'n1,n2,n3,n5 | n4', members)).toEqual(['n4']);
    expect(actionNodes('partition', 'n4,n5 | n1,n2,n3', members)).toEqual(['n4', 'n5']);
    expect(actionNodes('partition', 'n2', members)).toEqual(['n2']); // the rest form the majority
    expect(actionNodes('crash', 'n3', members)).toEqual(['n3']);
    const cut = [...elected, action(400, 'partition', 'n2,n3,n4,n5 | n1')];
    expect(met({ kind: 'action', type: 'partition', node: 'leader' }, cut)).toBe(true);
    expect(met({ kind: 'action', type: 'partition', node: 'leader' }, [...elected, action(400, 'partition', 'n1,n2,n3 | n4,n5')])).toBe(false);
    expect(met({ kind: 'new-leader-after-partition' }, cut)).toBe(false);
    expect(met({ kind: 'new-leader-after-partition' }, [...cut, role(900, 'n3', 'leader', 2)])).toBe(true);
    // A partition that leaves the leader with a majority does not count.
    expect(met({ kind: 'new-leader-after-partition' }, [...elected, action(400, 'partition', 'n1,n2,n3 | n4,n5'), role(900, 'n3', 'leader', 2)])).toBe(false);
  });

  it('client-outcome counts operations that ended ok, fail or info', () => {
    const info: TraceEvent = { kind: 'info', atMs: 1, client: 'c1', opId: 1, reason: 'timeout' };
    expect(met({ kind: 'client-outcome', outcome: 'info', atLeast: 1 }, [info])).toBe(true);
    expect(met({ kind: 'client-outcome', outcome: 'fail', atLeast: 1 }, [info])).toBe(false);
    expect(parseGoal('client-outcome', new Map([['outcome', 'maybe']]))).toBe('needs outcome=ok, fail or info, got "maybe"');
  });

  it('split-vote: two candidates in a term nobody won, once a later term began', () => {
    const split = [role(150, 'n1', 'candidate', 1), role(151, 'n2', 'candidate', 1)];
    expect(met({ kind: 'split-vote' }, split)).toBe(false);
    expect(met({ kind: 'split-vote' }, [...split, role(400, 'n2', 'candidate', 2)])).toBe(true);
    expect(met({ kind: 'split-vote' }, [...split, role(160, 'n1', 'leader', 1), role(400, 'n2', 'candidate', 2)])).toBe(false);
  });

  it('committed counts nodes that committed the index (Raft commits, Paxos chosen slots)', () => {
    const goal: GoalSpec = { kind: 'committed', index: 3, on: 'majority' };
    const two = [commit(1, 'n1', 3), commit(2, 'n2', 5), commit(3, 'n3', 2)];
    expect(met(goal, two)).toBe(false);
    expect(evaluateGoal(goal, { events: two, members, nowMs: 3 }).progress).toBe('2 of 5 nodes have committed entry 3 (need 3)');
    expect(met(goal, [...two, commit(4, 'n3', 3)])).toBe(true);
    expect(met({ kind: 'committed', index: 3, on: 'all' }, [...two, commit(4, 'n3', 3)])).toBe(false);
    const chosen: TraceEvent[] = ['n1', 'n2', 'n3'].map((node, i) => ({ kind: 'chosen', atMs: i, node, slot: 3, value: 'v' }));
    expect(met(goal, chosen)).toBe(true);
  });

  it('action with node=leader checks who led when the student acted', () => {
    const goal: GoalSpec = { kind: 'action', type: 'crash', node: 'leader' };
    expect(met(goal, [...elected, action(300, 'crash', 'n2')])).toBe(false);
    expect(met(goal, [...elected, action(300, 'crash', 'n1')])).toBe(true);
    expect(met({ kind: 'action', type: 'partition', node: null }, [action(1, 'partition', 'n1 | n2,n3')])).toBe(true);
  });

  it('p99-below waits for enough operations, then compares', () => {
    const ops: TraceEvent[] = [];
    for (let i = 0; i < 30; i++) {
      ops.push({ kind: 'invoke', atMs: i * 100, client: 'c1', opId: i, op: 'write', key: 'x', value: '1' });
      ops.push({ kind: 'ok', atMs: i * 100 + (i === 29 ? 500 : 20), client: 'c1', opId: i, value: '1' });
    }
    expect(met({ kind: 'p99-below', ms: 100, minOps: 40 }, ops)).toBe(false);
    expect(met({ kind: 'p99-below', ms: 100, minOps: 20 }, ops)).toBe(false); // the slow one is the p99 of 30
    expect(met({ kind: 'p99-below', ms: 600, minOps: 20 }, ops)).toBe(true);
    expect(met({ kind: 'ops-ok', atLeast: 30 }, ops)).toBe(true);
  });

  it('violation, no-violation, time, term and chosen', () => {
    const v: TraceEvent = { kind: 'violation', atMs: 5, invariant: 'ElectionSafety', nodes: 'n1,n2', message: 'two leaders', eventIndex: 3 };
    expect(met({ kind: 'violation', invariant: null }, [v])).toBe(true);
    expect(met({ kind: 'violation', invariant: 'LogMatching' }, [v])).toBe(false);
    expect(met({ kind: 'no-violation' }, [v])).toBe(false);
    expect(met({ kind: 'time-at-least', ms: 2000 }, [], 1999)).toBe(false);
    expect(met({ kind: 'term-at-least', term: 2 }, [...elected, role(900, 'n3', 'leader', 2)])).toBe(true);
    expect(met({ kind: 'chosen', slot: 1 }, [{ kind: 'chosen', atMs: 1, node: 'n1', slot: 1, value: 'x' }])).toBe(true);
  });

  it('parses goals from a directive, naming a bad argument', () => {
    expect(parseGoal('committed', new Map([['index', '3']]))).toEqual({ kind: 'committed', index: 3, on: 'majority' });
    expect(parseGoal('committed', new Map([['index', '3'], ['on', 'most']]))).toBe('on must be majority, all or a number of nodes, got "most"');
    expect(parseGoal('leader-elected', new Map([['term', '2']]))).toBe('goal leader-elected takes no arguments, not term=');
    expect(parseGoal('p99-below', new Map([['ms', '200ms']]))).toEqual({ kind: 'p99-below', ms: 200, minOps: 20 });
    expect(parseGoal('action', new Map([['type', 'explode']]))).toMatch(/^type must be one of crash, restart/);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('250')).toBe(250);
    expect(parseDurationMs('soon')).toBeNull();
  });
});
