import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../sim/trace';
import { okLatenciesMs, percentile } from '../check/latency';
import { measureProtocol } from './bench-protocols';

describe('protocol comparison figures', () => {
  it('percentile is nearest rank over sorted numbers', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile(xs, 10)).toBe(1);
    expect(percentile([], 50)).toBe(0);
  });

  it('latency is invoke to ok, for operations that completed ok only', () => {
    const events: TraceEvent[] = [
      { kind: 'invoke', atMs: 10, client: 'c1', opId: 1, op: 'write', key: 'k', value: '1' },
      { kind: 'invoke', atMs: 12, client: 'c2', opId: 2, op: 'read', key: 'k', value: '' },
      { kind: 'ok', atMs: 30, client: 'c2', opId: 2, value: '1' },
      { kind: 'ok', atMs: 45, client: 'c1', opId: 1, value: '1' },
      { kind: 'invoke', atMs: 50, client: 'c1', opId: 3, op: 'write', key: 'k', value: '2' },
      { kind: 'info', atMs: 900, client: 'c1', opId: 3, reason: 'timeout' },
    ];
    expect(okLatenciesMs(events)).toEqual([18, 35]);
  });

  it('measures a contender on the shared workload: a smaller phase-2 quorum never waits longer at the median', () => {
    const raft = measureProtocol('raft', { protocol: 'raft' }, 1, 10_000);
    const flexible = measureProtocol('flexible', { protocol: 'paxos', paxosMode: 'multi', phase1Quorum: 4, phase2Quorum: 2 }, 1, 10_000);
    for (const f of [raft, flexible]) {
      expect(f.okOps).toBeGreaterThan(250); // 50 ops/s for 10 s, less what faults cost
      expect(f.latencyMsP50).toBeGreaterThan(0);
      expect(f.latencyMsP99).toBeGreaterThanOrEqual(f.latencyMsP50);
      expect(f.messagesPerOk).toBeGreaterThan(4);
      expect(f.violations).toBe(0);
    }
    const majority = measureProtocol('multipaxos', { protocol: 'paxos', paxosMode: 'multi' }, 1, 10_000);
    expect(flexible.latencyMsP50).toBeLessThanOrEqual(majority.latencyMsP50);
  });
});
