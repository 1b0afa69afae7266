import { describe, expect, it } from 'vitest';
import { campaignNemesis } from '../cli/bench';
import { buildScenario } from '../sim/scenario';
import { checkLinearizability } from './linearizability';
import { Run } from './run';
import { historyFromTrace } from './run-history';

function runHistory(seed: number, bugs: string[], campaign: 'sweep' | 'hunt' = 'sweep', untilMs = 20_000, loadOpsPerSec = 40) {
  const nemesis = campaignNemesis(campaign, seed);
  const scenario = buildScenario({ seed, untilMs, loadOpsPerSec, nemesis: nemesis.faults, nemesisIntervalMs: nemesis.intervalMs, bugs });
  const run = new Run(scenario, { keepTrace: true });
  run.runUntil();
  return { history: historyFromTrace(run.sim.trace.slice()), violations: run.checker.violations };
}

describe('histories of our runs', () => {
  it('correct Raft under faults gives linearizable histories', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const { history } = runHistory(seed, []);
      expect(history.operations.length).toBeGreaterThan(100);
      const r = checkLinearizability(history);
      expect(r.verdict, `seed ${seed}`).toBe(true);
    }
  });

  it('broken Raft loses or reorders acknowledged writes, and the checker sees it from the clients alone', () => {
    // Seeds found by running the hunt campaign (bench.ts) for 30 s at 20 ops/s.
    for (const [bug, seed] of [['vote-without-log-check', 1], ['no-step-down', 5]] as const) {
      const { history } = runHistory(seed, [bug], 'hunt', 30_000, 20);
      const r = checkLinearizability(history, { maxSteps: 2_000_000 });
      expect(r.verdict, `${bug} seed ${seed}`).toBe(false);
      const bad = r.partitions.find((p) => p.verdict === false)!;
      expect(bad.blocking.length).toBeGreaterThan(0);
    }
  });

  it('reads "nil" as no value, drops operations that never executed, and keeps unfinished ones as unknown', () => {
    const events = [
      { kind: 'invoke', atMs: 1, client: 'c1', opId: 1, op: 'read', key: 'k0', value: '' },
      { kind: 'ok', atMs: 2, client: 'c1', opId: 1, value: 'nil' },
      { kind: 'invoke', atMs: 3, client: 'c1', opId: 2, op: 'write', key: 'k0', value: '5' },
      { kind: 'fail', atMs: 4, client: 'c1', opId: 2, reason: 'no-leader' },
      { kind: 'invoke', atMs: 5, client: 'c2', opId: 3, op: 'cas', key: 'k0', value: '1->2' },
      { kind: 'fail', atMs: 6, client: 'c2', opId: 3, reason: 'cas-mismatch' },
      { kind: 'invoke', atMs: 7, client: 'c3', opId: 4, op: 'write', key: 'k1', value: '9' },
    ] as const;
    const h = historyFromTrace(events);
    expect(h.operations.map((o) => [o.f, o.key, o.value, o.expected, o.output, o.outcome, o.invokeAt, o.completeAt])).toEqual([
      ['read', 'k0', null, null, null, 'ok', 0, 1],
      ['cas', 'k0', '2', '1', null, 'fail', 4, 5],
      ['write', 'k1', '9', null, null, 'info', 6, null],
    ]);
  });

  it('correct Raft stays safe and linearizable under one-way cuts, bridge partitions and flapping links', () => {
    for (const seed of [1, 2, 3, 4]) {
      const scenario = buildScenario({ seed, untilMs: 20_000, loadOpsPerSec: 20, nemesis: ['asymmetric', 'bridge', 'flap'], nemesisIntervalMs: 400 });
      const run = new Run(scenario, { keepTrace: true });
      run.runUntil();
      expect(run.checker.violations, `seed ${seed}`).toEqual([]);
      const faults = new Set([...run.sim.trace.slice()].filter((e) => e.kind === 'fault').map((e) => (e as { fault: string }).fault));
      expect(faults.has('cut-link') && faults.has('heal-link') && faults.has('heal'), `seed ${seed}`).toBe(true);
      expect(checkLinearizability(historyFromTrace(run.sim.trace.slice())).verdict, `seed ${seed}`).toBe(true);
    }
  });
});
