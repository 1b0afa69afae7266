import { describe, expect, it } from 'vitest';
import type { PanelSnapshot, TimelineMarker } from '../../worker/lab-protocol';
import { compareUrlFor, formatCompareUrl, isCompareUrl, leaderChanges, parseCompareUrl, statRows } from './compare';

describe('compare URL', () => {
  it('is the lab URL of the left run plus view, with, wq1 and wq2, and round-trips', () => {
    const state = parseCompareUrl('?view=compare&protocol=multipaxos&q1=4&q2=2&with=raft&seed=7&load=20&nemesis=partition,crash&t=5000');
    expect(state.problems).toEqual([]);
    expect(state.left).toMatchObject({ protocol: 'multipaxos', q1: 4, q2: 2, seed: 7, loadOpsPerSec: 20, nemesis: ['partition', 'crash'] });
    expect(state.right).toMatchObject({ protocol: 'raft', q1: null, q2: null, seed: 7, loadOpsPerSec: 20, nemesis: ['partition', 'crash'] });
    expect(state.atMs).toBe(5000);
    const again = parseCompareUrl(formatCompareUrl(state.left, state.right, state.atMs));
    expect(again).toEqual(state);
    expect(isCompareUrl(formatCompareUrl(state.left, state.right, 0))).toBe(true);
    expect(isCompareUrl('?protocol=raft')).toBe(false);
  });

  it('defaults to Raft against Multi-Paxos, and gives the right run its own quorum sizes', () => {
    const state = parseCompareUrl('?view=compare&wq2=2');
    expect(state.left.protocol).toBe('raft');
    expect(state.right).toMatchObject({ protocol: 'multipaxos', q1: null, q2: 2 });
    expect(parseCompareUrl('?view=compare&protocol=paxos').right.protocol).toBe('raft');
  });

  it('names bad parameters and ignores them', () => {
    const state = parseCompareUrl('?view=compare&with=zab&wq2=12&seed=x');
    expect(state.problems).toEqual([
      expect.stringMatching(/^seed: /),
      'with: expected one of raft, paxos, multipaxos, got "zab"',
      'wq2: expected a whole number from 1 to 9, got "12"',
    ]);
    expect(state.right.protocol).toBe('multipaxos');
    expect(state.right.q2).toBeNull();
  });

  it('the lab links the run it shows to a comparison with the other protocol family', () => {
    const config = { scenario: null, protocol: null, nodes: 5, seed: 3, bugs: null, loadOpsPerSec: 20, nemesis: ['crash'], q1: null, q2: null, actions: [] };
    const state = parseCompareUrl(compareUrlFor(config, 'raft', 1200));
    expect(state.left).toMatchObject({ protocol: 'raft', seed: 3, nodes: 5 });
    expect(state.right).toMatchObject({ protocol: 'multipaxos', seed: 3, nodes: 5, nemesis: ['crash'] });
    expect(state.atMs).toBe(1200);
  });

  it('a grid run is compared on the same nine nodes, the other side without the grid', () => {
    const config = { scenario: null, protocol: 'multipaxos', nodes: null, seed: 3, bugs: null, loadOpsPerSec: 20, nemesis: null, q1: null, q2: null, grid: { rows: 3, columns: 3 }, actions: [] };
    const state = parseCompareUrl(compareUrlFor(config, 'multipaxos', 0));
    expect(state.problems).toEqual([]);
    expect(state.left).toMatchObject({ protocol: 'multipaxos', grid: { rows: 3, columns: 3 }, nodes: null });
    expect(state.right).toMatchObject({ protocol: 'raft', grid: null, nodes: 9 });
  });
});

function panels(over: Partial<PanelSnapshot['stats']>, violations = 0, nowMs = 10_000): PanelSnapshot {
  return {
    nowMs, step: 1, eventCount: 1, traceHash: '', nodes: [], logs: { startIndex: 1, endIndex: 0, rows: [] }, quorums: [], invariants: [],
    violations: Array.from({ length: violations }, () => ({
      invariant: 'Agreement', explanation: '', message: '', atMs: 1, step: 1, eventIndex: 1, nodes: [], logIndex: null, cause: '',
    })),
    recentEvents: [], recordNote: null, usedQuorums: null, goals: [], geo: null,
    stats: { okOps: 0, latencyP50Ms: null, latencyP99Ms: null, messagesSent: 0, messagesPerOk: null, ...over },
  };
}

describe('comparison rows', () => {
  const election = (atMs: number): TimelineMarker => ({ kind: 'election', atMs, step: 1, label: '' });

  it('counts elections up to the moment shown', () => {
    expect(leaderChanges([election(100), { kind: 'fault', atMs: 200, step: 2, label: '' }, election(5000)], 1000)).toBe(1);
  });

  it('says which side does better and by how much', () => {
    const rows = statRows(
      { panels: panels({ okOps: 100, latencyP50Ms: 40, latencyP99Ms: 200, messagesSent: 3000, messagesPerOk: 30 }), markers: [election(1)] },
      { panels: panels({ okOps: 120, latencyP50Ms: 20, latencyP99Ms: 200, messagesSent: 2400, messagesPerOk: 20 }, 1), markers: [election(1), election(2)] },
    );
    const by = Object.fromEntries(rows.map((r) => [r.label, r]));
    expect(by['Operations completed (ok)']).toMatchObject({ left: '100', right: '120', better: 'right', ratio: '1.20x' });
    expect(by['Client latency p50']).toMatchObject({ left: '40 ms', right: '20 ms', better: 'right', ratio: '0.50x' });
    expect(by['Client latency p99']).toMatchObject({ better: null, ratio: '1.00x' });
    expect(by['Messages per ok operation']).toMatchObject({ left: '30.0', right: '20.0', better: 'right' });
    expect(by['Leaders elected']).toMatchObject({ left: '1', right: '2', better: 'left' });
    expect(by['Safety violations']).toMatchObject({ left: '0', right: '1', better: 'left', ratio: '' });
  });

  it('shows dashes before a run has figures', () => {
    const rows = statRows({ panels: null, markers: [] }, { panels: panels({}), markers: [] });
    expect(rows.find((r) => r.label === 'Client latency p50')).toMatchObject({ left: '-', right: '-', better: null, ratio: '' });
  });
});
