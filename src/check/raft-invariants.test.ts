import { describe, expect, it } from 'vitest';
import type { Simulator } from '../sim/simulator';
import type { TraceEvent } from '../sim/trace';
import type { RaftView } from '../protocols/raft/node';
import type { LogEntry, RaftState, Role } from '../protocols/raft/types';
import { RaftInvariantChecker } from './raft-invariants';

/**
 * Drives the checker with hand-written events over a fake cluster, so each property can be shown to
 * hold or fail on exactly the situation it is about.
 */
class FakeCluster {
  private readonly states = new Map<string, { term: number; role: Role; log: LogEntry[]; commitIndex: number }>();
  readonly checker = new RaftInvariantChecker();
  private index = 0;
  private nowMs = 0;

  node(id: string): { term: number; role: Role; log: LogEntry[]; commitIndex: number } {
    let s = this.states.get(id);
    if (s === undefined) {
      s = { term: 0, role: 'follower', log: [], commitIndex: 0 };
      this.states.set(id, s);
    }
    return s;
  }

  private readonly sim = {
    view: (id: string): RaftView | null => {
      const s = this.node(id);
      const state = {
        id,
        members: [],
        persistent: { currentTerm: s.term, votedFor: null, log: s.log },
        volatile: { role: s.role, commitIndex: s.commitIndex },
      } as unknown as RaftState;
      return { state, chartState: s.role, electionDeadlineMs: 0 };
    },
  } as unknown as Simulator;

  /** Several edits of one node in a single step (as when a paused node resumes): sets its final log. */
  step(id: string, finalLog: LogEntry[], edits: Array<{ index: number; count: number }>): void {
    this.node(id).log = finalLog;
    this.emit(edits.map((e) => ({ kind: 'append', atMs: this.nowMs, node: id, index: e.index, term: finalLog[e.index - 1]?.term ?? 0, count: e.count })));
  }

  private emit(events: TraceEvent[]): void {
    this.checker.afterStep(this.sim, events, events.map((_, i) => this.index + i));
    this.index += events.length;
    this.nowMs += 10;
  }

  leader(id: string, term: number): void {
    const s = this.node(id);
    s.term = term;
    s.role = 'leader';
    this.emit([{ kind: 'role', atMs: this.nowMs, node: id, role: 'leader', term }]);
  }

  append(id: string, term: number, count: number): void {
    const s = this.node(id);
    const start = s.log.length + 1;
    for (let i = 0; i < count; i++) s.log.push({ term, command: { kind: 'client', client: 'c1', opId: start + i, op: 'write', key: 'x', value: `${id}${start + i}`, expected: null } });
    this.emit([{ kind: 'append', atMs: this.nowMs, node: id, index: start, term, count }]);
  }

  commit(id: string, commitIndex: number): void {
    this.node(id).commitIndex = commitIndex;
    this.emit([{ kind: 'commit', atMs: this.nowMs, node: id, commitIndex }]);
  }

  /** A crash, then a restart from a disk that kept `durable` (the node's log from then on). */
  crashAndRestart(id: string, durable: LogEntry[]): void {
    const s = this.node(id);
    this.emit([{ kind: 'fault', atMs: this.nowMs, fault: 'crash', detail: id }]);
    s.log = durable;
    s.role = 'follower';
    s.commitIndex = 0;
    this.emit([{ kind: 'fault', atMs: this.nowMs, fault: 'restart', detail: id }]);
  }
}

describe('a restarted node\'s log', () => {
  const entry = (term: number, value: string): LogEntry => ({ term, command: { kind: 'client', client: 'c1', opId: 1, op: 'write', key: 'x', value, expected: null } });

  it('is checked from what its disk kept, even where the kept entries differ from what it had', () => {
    const c = new FakeCluster();
    const shared = [entry(1, 'a'), entry(1, 'b'), entry(1, 'c')];
    c.node('n1').log = shared.slice();
    c.step('n1', shared.slice(), [{ index: 1, count: 3 }]);
    c.node('n2').log = shared.slice();
    c.step('n2', shared.slice(), [{ index: 1, count: 3 }]);
    expect(c.checker.violations).toEqual([]);
    // n2's disk gives back entry 2 with the same term but another command (a disk that lies): the
    // shadow must be rebuilt from index 2, not kept because the log is as long as before.
    c.crashAndRestart('n2', [shared[0]!, entry(1, 'B'), shared[2]!]);
    expect(c.checker.violations.map((v) => v.invariant)).toEqual([]);
    c.append('n1', 1, 1);
    c.step('n2', [shared[0]!, entry(1, 'B'), shared[2]!, c.node('n1').log[3]!], [{ index: 4, count: 1 }]);
    expect(c.checker.violations.map((v) => v.invariant)).toEqual(['LogMatching']);
    expect(c.checker.violations[0]!.logIndex).toBe(2);
  });

  it('keeps agreeing with the others after a power loss cut it short and it took new entries', () => {
    const c = new FakeCluster();
    const shared = [entry(1, 'a'), entry(1, 'b'), entry(1, 'c')];
    c.step('n1', shared.slice(), [{ index: 1, count: 3 }]);
    c.step('n2', shared.slice(), [{ index: 1, count: 3 }]);
    c.crashAndRestart('n2', shared.slice(0, 1));
    // Entries 2 and 3 come back from the leader (the same objects): no violation.
    c.step('n2', shared.slice(), [{ index: 2, count: 2 }]);
    expect(c.checker.violations).toEqual([]);
  });
});

describe('LeaderCompleteness', () => {
  it('does not demand entries committed in a later term from a stale leader (a paused candidate taking office late)', () => {
    const c = new FakeCluster();
    c.leader('n2', 3);
    c.append('n2', 3, 2);
    c.commit('n2', 2); // entries 1..2 committed in term 3
    // n3 won its votes for term 2 before term 3 began, was paused, and takes office only now.
    c.leader('n3', 2);
    expect(c.checker.violations).toEqual([]);
  });

  it('reports a leader of a later term that lacks an entry committed earlier', () => {
    const c = new FakeCluster();
    c.leader('n2', 3);
    c.append('n2', 3, 2);
    c.commit('n2', 2);
    c.leader('n4', 4);
    expect(c.checker.violations.map((v) => [v.invariant, v.nodes])).toEqual([['LeaderCompleteness', ['n4']]]);
    expect(c.checker.violations[0]!.message).toContain('committed entry 1');
  });
});

describe('ElectionSafety', () => {
  it('reports two leaders of one term, naming both', () => {
    const c = new FakeCluster();
    c.leader('n1', 5);
    c.leader('n2', 5);
    expect(c.checker.violations.map((v) => [v.invariant, v.nodes])).toEqual([['ElectionSafety', ['n1', 'n2']]]);
  });
});

describe('LogMatching across several edits in one step', () => {
  const entry = (term: number, value: string): LogEntry => ({ term, command: { kind: 'client', client: 'c1', opId: 1, op: 'write', key: 'x', value, expected: null } });

  it('does not compare an entry that a later edit of the same step replaced', () => {
    const c = new FakeCluster();
    const [a, b, cc, d] = [entry(1, 'a'), entry(1, 'b'), entry(2, 'c'), entry(2, 'd')];
    c.step('n1', [a, cc, d], [{ index: 1, count: 3 }]);
    c.step('n5', [a, b], [{ index: 1, count: 2 }]);
    // n5 resumes: it appends its own entry 3, then the leader's AppendEntries replaces 2..3 in the same step.
    c.step('n5', [a, cc, d], [{ index: 3, count: 1 }, { index: 2, count: 2 }]);
    expect(c.checker.violations).toEqual([]);
  });

  it('still reports two logs that really differ before an entry of the same term', () => {
    const c = new FakeCluster();
    const [a, b, cc, d] = [entry(1, 'a'), entry(1, 'b'), entry(2, 'c'), entry(2, 'd')];
    c.step('n1', [a, cc, d], [{ index: 1, count: 3 }]);
    c.step('n5', [a, b, d], [{ index: 1, count: 3 }]);
    expect(c.checker.violations.map((v) => [v.invariant, v.nodes])).toEqual([['LogMatching', ['n1', 'n5']]]);
  });
});
