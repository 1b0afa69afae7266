import { describe, expect, it } from 'vitest';
import type { LogEntryView, LogRow, LogsView, NodeSnapshot } from '../../worker/lab-protocol';
import {
  buildLogTable,
  buildSlotTable,
  classifyCell,
  classifySlot,
  entryAt,
  findLeader,
  isHighlighted,
  replicationOf,
  replicationText,
  shortValue,
  termColorIndex,
  termColorVar,
} from './log-table';

import { nodeSnapshot } from './fixtures';

function node(id: string, over: Partial<NodeSnapshot> = {}): NodeSnapshot {
  return nodeSnapshot(id, over);
}

function e(index: number, term: number, label = 'noop'): LogEntryView {
  return { index, term, label };
}

/** A row whose log holds `terms` from index 1 (the window starts at 1). */
function row(nodeId: string, terms: number[], commitIndex: number): LogRow {
  return { node: nodeId, length: terms.length, commitIndex, entries: terms.map((t, i) => e(i + 1, t, `write k${i}=v${t}`)) };
}

describe('termColorIndex', () => {
  it('cycles through the six term colors', () => {
    expect([0, 1, 5, 6, 7, 12, 13].map(termColorIndex)).toEqual([0, 1, 5, 0, 1, 0, 1]);
  });
  it('gives adjacent terms different colors', () => {
    for (let t = 0; t < 50; t++) expect(termColorIndex(t)).not.toBe(termColorIndex(t + 1));
  });
  it('stays in range for odd input and names the custom property', () => {
    expect(termColorIndex(-1)).toBe(5);
    expect(termColorVar(9)).toBe('var(--term-3)');
    expect(() => termColorIndex(1.5)).toThrow(/integer/);
  });
});

describe('classifyCell', () => {
  it('calls a missing entry empty', () => {
    expect(classifyCell(null, 10, e(3, 2))).toEqual({ kind: 'empty', committed: false, conflicting: false });
  });
  it('splits at the commit index', () => {
    expect(classifyCell(e(3, 2), 3, null).kind).toBe('committed');
    expect(classifyCell(e(4, 2), 3, null).kind).toBe('uncommitted');
  });
  it('flags a term that differs from the leader at the same index, even when committed', () => {
    const c = classifyCell(e(3, 2), 5, e(3, 4));
    expect(c).toEqual({ kind: 'conflicting', committed: true, conflicting: true });
    expect(classifyCell(e(3, 4), 1, e(3, 4)).kind).toBe('uncommitted');
  });
  it('refuses to compare entries at different indexes', () => {
    expect(() => classifyCell(e(3, 2), 0, e(4, 2))).toThrow();
  });
});

describe('entryAt', () => {
  it('finds entries by index relative to the window start', () => {
    const r: LogRow = { node: 'n1', length: 12, commitIndex: 0, entries: [e(10, 1), e(11, 2), e(12, 2)] };
    expect(entryAt(r, 10, 11)).toEqual(e(11, 2));
    expect(entryAt(r, 10, 13)).toBeNull();
    expect(entryAt(r, 10, 9)).toBeNull();
  });
  it('still finds the right entry when the row does not start at the window start', () => {
    const r: LogRow = { node: 'n1', length: 12, commitIndex: 0, entries: [e(11, 2), e(12, 3)] };
    expect(entryAt(r, 10, 12)).toEqual(e(12, 3));
    expect(entryAt(r, 10, 10)).toBeNull();
  });
});

describe('findLeader', () => {
  it('picks the up leader of the highest term and skips crashed nodes', () => {
    const nodes = [
      node('n1', { role: 'leader', term: 2 }),
      node('n2', { role: 'leader', term: 5 }),
      node('n3', { role: 'leader', term: 9, status: 'crashed' }),
      node('n4', { role: 'candidate', term: 7 }),
    ];
    expect(findLeader(nodes)?.id).toBe('n2');
    expect(findLeader([node('n1'), node('n2')])).toBeNull();
  });
  it('breaks a tie between two leaders of one term by natural id order', () => {
    expect(findLeader([node('n10', { role: 'leader', term: 3 }), node('n9', { role: 'leader', term: 3 })])?.id).toBe('n9');
  });
});

describe('replication markers', () => {
  const leader = node('n1', { role: 'leader', nextIndex: { n2: 4, n3: 2 }, matchIndex: { n2: 3, n3: 0 } });
  it("reads the leader's nextIndex and matchIndex for a follower", () => {
    expect(replicationOf(leader, 'n2')).toEqual({ matchIndex: 3, nextIndex: 4 });
    expect(replicationOf(leader, 'n1')).toBeNull();
    expect(replicationOf(null, 'n2')).toBeNull();
    expect(replicationOf(leader, 'n7')).toBeNull();
    expect(replicationText({ matchIndex: 12, nextIndex: 13 })).toBe('match 12 / next 13');
  });
});

describe('isHighlighted', () => {
  it('narrows to the nodes, the index, or both', () => {
    expect(isHighlighted('n1', 3, ['n1'], 3)).toBe(true);
    expect(isHighlighted('n1', 4, ['n1'], 3)).toBe(false);
    expect(isHighlighted('n2', 3, ['n1'], 3)).toBe(false);
    expect(isHighlighted('n1', 9, ['n1'], null)).toBe(true);
    expect(isHighlighted('n2', 3, [], 3)).toBe(true);
    expect(isHighlighted('n2', 3, [], null)).toBe(false);
  });
});

describe('buildLogTable', () => {
  const nodes = [
    node('n1', { role: 'leader', term: 3, nextIndex: { n2: 5, n3: 3 }, matchIndex: { n2: 4, n3: 2 } }),
    node('n2', { term: 3 }),
    node('n3', { term: 2, status: 'crashed' }),
  ];
  const logs: LogsView = {
    startIndex: 1,
    endIndex: 4,
    rows: [row('n1', [1, 1, 3, 3], 4), row('n2', [1, 1, 3, 3], 3), row('n3', [1, 1, 2], 2)],
  };

  it('lays out one column per index and one row per node, and finds the leader', () => {
    const t = buildLogTable(logs, nodes, [], null);
    expect(t.leaderId).toBe('n1');
    expect(t.rows.map((r) => r.node)).toEqual(['n1', 'n2', 'n3']);
    expect(t.rows[0]!.isLeader).toBe(true);
    expect(t.rows[2]!.status).toBe('crashed');
    // n2's nextIndex is 5, one past the window: a ghost column gives its caret a place.
    expect(t.columns.map((c) => [c.index, c.ghost])).toEqual([[1, false], [2, false], [3, false], [4, false], [5, true]]);
  });

  it('classifies cells against the leader and the row commit index', () => {
    const t = buildLogTable(logs, nodes, [], null);
    const kinds = (i: number) => t.rows[i]!.cells.map((c) => c.kind);
    expect(kinds(0)).toEqual(['committed', 'committed', 'committed', 'committed', 'empty']);
    expect(kinds(1)).toEqual(['committed', 'committed', 'committed', 'uncommitted', 'empty']);
    // n3 holds a term-2 entry at index 3 where the leader has term 3.
    expect(kinds(2)).toEqual(['committed', 'committed', 'conflicting', 'empty', 'empty']);
    expect(t.rows[2]!.cells[2]!.termColor).toBe(2);
    expect(t.rows[0]!.cells[0]!.entry?.label).toBe('write k0=v1');
  });

  it("puts the leader's markers on each follower's row only", () => {
    const t = buildLogTable(logs, nodes, [], null);
    const marks = (i: number, k: 'next' | 'match') => t.rows[i]!.cells.filter((c) => c[k]).map((c) => c.index);
    expect(marks(0, 'next')).toEqual([]);
    expect(marks(1, 'next')).toEqual([5]);
    expect(marks(1, 'match')).toEqual([4]);
    expect(marks(2, 'next')).toEqual([3]);
    expect(marks(2, 'match')).toEqual([2]);
    expect(t.rows[1]!.replication).toEqual({ matchIndex: 4, nextIndex: 5 });
    expect(t.rows[0]!.replication).toBeNull();
  });

  it('omits the ghost column when no follower is caught up, and marks the highlight', () => {
    const behind = [node('n1', { role: 'leader', term: 3, nextIndex: { n2: 3 }, matchIndex: { n2: 2 } }), nodes[1]!];
    const t = buildLogTable({ ...logs, rows: logs.rows.slice(0, 2) }, behind, ['n2'], 3);
    expect(t.columns.some((c) => c.ghost)).toBe(false);
    expect(t.columns.filter((c) => c.highlighted).map((c) => c.index)).toEqual([3]);
    expect(t.rows.map((r) => r.highlighted)).toEqual([false, true]);
    const hits = t.rows.flatMap((r) => r.cells.filter((c) => c.highlighted).map((c) => `${r.node}@${c.index}`));
    expect(hits).toEqual(['n2@3']);
  });

  it('with no leader, nothing conflicts and no markers show', () => {
    const leaderless = nodes.map((n) => ({ ...n, role: 'follower' as const }));
    const t = buildLogTable(logs, leaderless, [], null);
    expect(t.leaderId).toBeNull();
    expect(t.rows.flatMap((r) => r.cells).some((c) => c.conflicting || c.next || c.match)).toBe(false);
    expect(t.columns).toHaveLength(4);
  });

  it('draws no columns for an empty window', () => {
    const t = buildLogTable({ startIndex: 1, endIndex: 0, rows: [row('n1', [], 0)] }, [node('n1')], [], null);
    expect(t.columns).toEqual([]);
    expect(t.rows[0]!.cells).toEqual([]);
  });
});

describe('Paxos slots', () => {
  /** A slot: accepted `value` in ballot `ballot` (0: none), learned `chosen` (null: not learned). */
  function slot(index: number, ballot: number, value: string, chosen: string | null = null): LogEntryView {
    return { index, term: ballot, label: ballot === 0 ? '' : value, ballotLabel: ballot === 0 ? '-' : `${Math.floor(ballot / 16)}.n${ballot % 16}`, chosen };
  }
  function paxosNode(id: string, highestSlot: number, over: Partial<NodeSnapshot> = {}): NodeSnapshot {
    return node(id, {
      paxos: { promised: 33, promisedLabel: '2.n1', ballot: 0, ballotLabel: '-', phase: 'idle', promises: [], inFlightSlots: 0, chosenSlots: 0, heldFrom: 1, highestSlot },
      ...over,
    });
  }

  it('classifies a slot by what was accepted and what was learned chosen', () => {
    expect(classifySlot(null, 2, 5)).toMatchObject({ kind: 'gap', accepted: null, chosen: null });
    expect(classifySlot(null, 6, 5).kind).toBe('empty');
    expect(classifySlot(slot(3, 0, ''), 3, 5).kind).toBe('gap');
    expect(classifySlot(slot(3, 33, 'c1#1 write x 1'), 3, 5)).toEqual({
      kind: 'accepted', accepted: 'c1#1 write x 1', ballot: 33, ballotLabel: '2.n1', chosen: null, chosenDiffers: false,
    });
    expect(classifySlot(slot(3, 33, 'noop', 'noop'), 3, 5)).toMatchObject({ kind: 'chosen', chosenDiffers: false });
    // Accepted a value in 2.n1 that lost: the value chosen is another one.
    expect(classifySlot(slot(3, 33, 'noop', 'c2#1 write y 2'), 3, 5)).toMatchObject({ kind: 'chosen', accepted: 'noop', chosenDiffers: true });
    // Learned chosen without accepting anything (a learner catching up).
    expect(classifySlot(slot(3, 0, '', 'noop'), 3, 5)).toMatchObject({ kind: 'chosen', accepted: null, ballot: null, chosenDiffers: false });
    expect(() => classifySlot(slot(4, 33, 'noop'), 3, 5)).toThrow();
  });

  it('a slot before where the node holds values, not learned one by one, came in a snapshot', () => {
    // heldFrom 4: slots 1-3 were applied from a snapshot. What the acceptor accepted there still shows.
    expect(classifySlot(null, 2, 9, 4)).toEqual({ kind: 'snapshot', accepted: null, ballot: null, ballotLabel: null, chosen: null, chosenDiffers: false });
    expect(classifySlot(slot(3, 33, 'c1#1 write x 1'), 3, 9, 4)).toMatchObject({ kind: 'snapshot', accepted: 'c1#1 write x 1', ballotLabel: '2.n1' });
    // Learned before the snapshot came: still the value it learned.
    expect(classifySlot(slot(3, 33, 'noop', 'noop'), 3, 9, 4).kind).toBe('chosen');
    // From heldFrom on, as before.
    expect(classifySlot(slot(4, 33, 'noop'), 4, 9, 4).kind).toBe('accepted');
    expect(classifySlot(null, 5, 9, 4).kind).toBe('gap');
  });

  it('shortens a client operation to what it does', () => {
    expect(shortValue('c1#12 write x 3')).toBe('write x 3');
    expect(shortValue('c10#2 cas x 1 if 2')).toBe('cas x 1 if 2');
    expect(shortValue('noop')).toBe('noop');
    expect(shortValue('n1:v')).toBe('n1:v');
  });

  it('lays out slots per node, with gaps, the leader, and no ghost column', () => {
    const nodes = [
      paxosNode('n1', 4, { role: 'leader', term: 33, commitIndex: 2, paxos: { promised: 33, promisedLabel: '2.n1', ballot: 33, ballotLabel: '2.n1', phase: 'accept', promises: ['n1', 'n2'], inFlightSlots: 2, chosenSlots: 2, heldFrom: 1, highestSlot: 4 } }),
      paxosNode('n2', 4),
      paxosNode('n3', 3, { status: 'crashed' }),
    ];
    const logs: LogsView = {
      startIndex: 1,
      endIndex: 4,
      rows: [
        { node: 'n1', length: 4, commitIndex: 2, entries: [slot(1, 33, 'noop', 'noop'), slot(2, 33, 'c1#1 write x 1', 'c1#1 write x 1'), slot(3, 33, 'c1#2 write x 2'), slot(4, 33, 'c1#3 write x 3')] },
        // n2 missed slot 3: a gap between slots it holds.
        { node: 'n2', length: 4, commitIndex: 1, entries: [slot(1, 33, 'noop', 'noop'), slot(2, 17, 'n1:v', 'c1#1 write x 1'), slot(4, 33, 'c1#3 write x 3')] },
        { node: 'n3', length: 3, commitIndex: 0, entries: [slot(1, 17, 'noop'), slot(3, 17, 'n3:v')] },
      ],
    };
    const t = buildSlotTable(logs, nodes, ['n2'], 2);
    expect(t.leaderId).toBe('n1');
    expect(t.columns.map((c) => c.index)).toEqual([1, 2, 3, 4]);
    expect(t.columns.some((c) => c.ghost)).toBe(false);
    const kinds = (i: number) => t.rows[i]!.cells.map((c) => c.kind);
    expect(kinds(0)).toEqual(['chosen', 'chosen', 'accepted', 'accepted']);
    expect(kinds(1)).toEqual(['chosen', 'chosen', 'gap', 'accepted']);
    expect(kinds(2)).toEqual(['accepted', 'gap', 'accepted', 'empty']);
    expect(t.rows[1]!.cells[1]!.chosenDiffers).toBe(true);
    expect(t.rows[0]!.cells[0]!.termColor).toBe(termColorIndex(33));
    expect(t.rows.map((r) => [r.isLeader, r.inFlight, r.appliedUpTo, r.highestSlot])).toEqual([[true, 2, 2, 4], [false, null, 1, 4], [false, null, 0, 3]]);
    const hits = t.rows.flatMap((r) => r.cells.filter((c) => c.highlighted).map((c) => `${r.node}@${c.index}`));
    expect(hits).toEqual(['n2@2']);
    expect(t.rows.flatMap((r) => r.cells).some((c) => c.disagrees)).toBe(false);
  });

  it('marks the slots where two nodes learned different values chosen', () => {
    const logs: LogsView = {
      startIndex: 1,
      endIndex: 1,
      rows: [
        { node: 'n1', length: 1, commitIndex: 1, entries: [slot(1, 17, 'n1:v', 'n1:v')] },
        { node: 'n2', length: 1, commitIndex: 1, entries: [slot(1, 34, 'n2:v', 'n2:v')] },
        { node: 'n3', length: 1, commitIndex: 0, entries: [slot(1, 34, 'n2:v')] },
      ],
    };
    const t = buildSlotTable(logs, [paxosNode('n1', 1), paxosNode('n2', 1), paxosNode('n3', 1)], [], null);
    expect(t.rows.map((r) => r.cells[0]!.disagrees)).toEqual([true, true, false]);
    expect(t.leaderId).toBeNull();
  });
});
