/**
 * Snapshots in a whole run (section 7): a node restarted after the cluster applied more than one
 * snapshot interval resumes from its snapshot, and ends with the same state machine as everyone else.
 */
import { describe, expect, it } from 'vitest';
import { Run } from '../../check/run';
import { buildScenario, type Scenario } from '../../sim/scenario';
import type { RaftView } from './node';
import { SNAPSHOT_INTERVAL_ENTRIES } from './core';
import { SessionApplier } from '../common';

function withActions(s: Scenario, actions: Scenario['actions']): Scenario {
  return { ...s, actions };
}

describe('Raft snapshots in a run', () => {
  it('a node restarted late resumes from its snapshot and converges on the same key-value state', () => {
    // 100 ops/s for 30 s: about 3,000 entries, so every node has snapshotted at least twice by 25 s.
    const base = buildScenario({ nodes: 3, seed: 7, untilMs: 30_000, loadOpsPerSec: 100 });
    const scenario = withActions(base, [
      { atMs: 25_000, type: 'crash', node: 'n2' },
      { atMs: 25_500, type: 'restart', node: 'n2' },
    ]);
    const run = new Run(scenario, { keepTrace: false });
    run.runUntil(25_500);
    const restarted = run.sim.view('n2') as RaftView;
    // Right after the restart: applied up to its snapshot, without having heard from anyone.
    const snap = restarted.state.persistent.snapshot;
    expect(snap).not.toBeNull();
    expect(snap!.lastIncludedIndex).toBeGreaterThanOrEqual(SNAPSHOT_INTERVAL_ENTRIES);
    expect(restarted.state.volatile.lastApplied).toBe(snap!.lastIncludedIndex);
    expect(restarted.state.volatile.commitIndex).toBe(snap!.lastIncludedIndex);
    expect(restarted.state.volatile.kv.size).toBeGreaterThan(0);
    run.runUntil();
    const s = run.summary();
    expect(s.violations).toEqual([]);
    // Every node's state machine is what applying its log from the start gives: for n2, part of it
    // came from the snapshot and part from entries applied since.
    for (const id of run.sim.members) {
      const v = (run.sim.view(id) as RaftView).state;
      expect(v.volatile.lastApplied).toBeGreaterThan(snap!.lastIncludedIndex);
      const replay = new SessionApplier(new Map(), new Map());
      for (const e of v.persistent.log.slice(0, v.volatile.lastApplied)) if (e.command.kind === 'client') replay.run(e.command);
      expect([...v.volatile.kv].sort(), id).toEqual([...replay.kvNow()].sort());
      expect([...v.volatile.sessions].sort(), id).toEqual([...replay.sessionsNow()].sort());
    }
  });
});
