/**
 * Multi-Paxos snapshots in a whole run: a node restarted after more than one snapshot interval
 * resumes from its own snapshot; a node that was down long is caught up with the leader's snapshot
 * rather than value by value; and every replica ends with the state machine that applying the chosen
 * values in slot order gives.
 */
import { describe, expect, it } from 'vitest';
import { Run } from '../../check/run';
import { buildScenario, type Scenario } from '../../sim/scenario';
import { SessionApplier } from '../common';
import { SNAPSHOT_CATCH_UP_SLOTS, SNAPSHOT_INTERVAL_SLOTS } from './core';
import type { PaxosView } from './node';

const base = (): Scenario => buildScenario({ protocol: 'paxos', paxosMode: 'multi', nodes: 5, seed: 7, untilMs: 30_000, loadOpsPerSec: 100 });

describe('Multi-Paxos snapshots in a run', () => {
  it('restarts resume from the node\'s snapshot, a long-gone node gets the leader\'s, and every replica converges', () => {
    // Which node leads once the run has settled (the run is deterministic): the crashes below spare it.
    const probe = new Run(base(), { keepTrace: false });
    probe.runUntil(9_000);
    const leader = probe.sim.members.find((id) => (probe.sim.view(id) as PaxosView).role === 'leader')!;
    expect(leader).toBeDefined();
    const [away, late] = probe.sim.members.filter((id) => id !== leader);
    // `away` is down for 10 s (about 1,000 slots at 100 ops/s); `late` restarts at 25.5 s.
    const scenario: Scenario = {
      ...base(),
      actions: [
        { atMs: 10_000, type: 'crash', node: away! },
        { atMs: 20_000, type: 'restart', node: away! },
        { atMs: 25_000, type: 'crash', node: late! },
        { atMs: 25_500, type: 'restart', node: late! },
      ],
    };
    const run = new Run(scenario, { keepTrace: true });
    run.runUntil(25_500);
    const restarted = run.sim.view(late!) as PaxosView;
    // Right after the restart, before hearing from anyone: applied through its snapshot.
    const snap = restarted.state.persistent.snapshot;
    expect(snap).not.toBeNull();
    expect(snap!.throughSlot).toBeGreaterThanOrEqual(SNAPSHOT_INTERVAL_SLOTS);
    expect(restarted.appliedUpTo).toBe(snap!.throughSlot);
    expect(restarted.heldFrom).toBe(snap!.throughSlot + 1);
    expect(restarted.kv.size).toBeGreaterThan(0);
    run.runUntil();
    expect(run.summary().violations).toEqual([]);

    // The node that was away was more than SNAPSHOT_CATCH_UP_SLOTS behind: the leader sent it a snapshot.
    const events = Array.from(run.sim.trace.slice());
    const snapshotsToAway = events.filter((e) => e.kind === 'sent' && e.type === 'Snapshot' && e.to === away && e.atMs >= 20_000);
    expect(snapshotsToAway.length).toBeGreaterThanOrEqual(1);
    const lag = (snapshotsToAway[0] as { detail: string }).detail.match(/through=(\d+)/);
    expect(Number(lag![1])).toBeGreaterThan(SNAPSHOT_CATCH_UP_SLOTS);

    // Every replica's state machine is the leader's chosen values applied in order up to where it is.
    const lead = run.sim.view(leader) as PaxosView;
    expect(lead.heldFrom).toBe(1); // never restarted: it holds every value
    for (const id of run.sim.members) {
      const v = run.sim.view(id) as PaxosView;
      expect(v.appliedUpTo, id).toBeGreaterThan(lead.appliedUpTo - 10);
      expect(v.appliedUpTo, id).toBeLessThanOrEqual(lead.appliedUpTo);
      const replay = new SessionApplier(new Map(), new Map());
      for (let slot = 1; slot <= v.appliedUpTo; slot++) {
        const op = lead.state.volatile.chosenOps.get(slot);
        if (op !== undefined && op !== null) replay.run(op);
      }
      expect([...v.kv].sort(), id).toEqual([...replay.kvNow()].sort());
      expect([...v.state.volatile.sessions].sort(), id).toEqual([...replay.sessionsNow()].sort());
    }
  });
});
