import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PAXOS_INVARIANTS } from '../../check/paxos-invariants';
import { RAFT_INVARIANTS } from '../../check/raft-invariants';
import { runScenario } from '../../check/run';
import { campaignNemesis, runSeedJob } from '../../cli/bench';
import { buildScenario, BUGS_BY_PROTOCOL, PAXOS_BUGS, parseScenario, RAFT_BUGS } from '../../sim/scenario';
import { PROTOCOL_NAMES } from '../../worker/lab-protocol';
import { bugVariant, bugVariantsFor, NO_BUG, PAXOS_BUG_VARIANTS, PROTOCOL_TITLES, RAFT_BUG_VARIANTS } from './bug-variants';

describe('the page list of bug variants stays in step with the simulator', () => {
  it('has exactly the simulator flags, in the same order', () => {
    expect(RAFT_BUG_VARIANTS.map((v) => v.name)).toEqual([...RAFT_BUGS]);
  });

  it('names only invariants the checker has, and says something about each', () => {
    const known = Object.keys(RAFT_INVARIANTS);
    for (const v of RAFT_BUG_VARIANTS) {
      expect(v.breaks.length, v.name).toBeGreaterThan(0);
      for (const inv of v.breaks) expect(known, `${v.name} breaks ${inv}`).toContain(inv);
      expect(v.description.length, v.name).toBeGreaterThan(60);
      expect(v.title.length, v.name).toBeGreaterThan(10);
      expect(v.rule, v.name).toMatch(/Raft (section|Figure)/);
    }
  });

  it('describes flags the Raft core really checks', () => {
    const core = readFileSync(new URL('../../protocols/raft/core.ts', import.meta.url), 'utf8');
    for (const v of RAFT_BUG_VARIANTS) expect(core, v.name).toContain(`bugs.has('${v.name}')`);
  });

  it('looks variants up by name, and none is correct Raft', () => {
    expect(bugVariant('no-step-down')?.breaks).toEqual(['ElectionSafety']);
    expect(bugVariant(NO_BUG)).toBeNull();
    expect(bugVariant('no-such-bug')).toBeNull();
  });
});

describe('the Paxos variants stay in step with the simulator too', () => {
  it('has exactly the simulator flags, in the same order', () => {
    expect(PAXOS_BUG_VARIANTS.map((v) => v.name)).toEqual([...PAXOS_BUGS]);
  });

  it('names only Paxos invariants, and cites the rule in "Paxos Made Simple"', () => {
    const known = Object.keys(PAXOS_INVARIANTS);
    for (const v of PAXOS_BUG_VARIANTS) {
      expect(v.breaks.length, v.name).toBeGreaterThan(0);
      for (const inv of v.breaks) expect(known, `${v.name} breaks ${inv}`).toContain(inv);
      expect(v.description.length, v.name).toBeGreaterThan(60);
      expect(v.title.length, v.name).toBeGreaterThan(10);
      expect(v.rule, v.name).toMatch(/^Paxos Made Simple, section 2\.\d/);
    }
  });

  it('describes flags the Paxos core really checks', () => {
    const core = readFileSync(new URL('../../protocols/paxos/core.ts', import.meta.url), 'utf8');
    for (const v of PAXOS_BUG_VARIANTS) expect(core, v.name).toContain(`bugs.has('${v.name}')`);
  });

  it('offers each protocol its own flags (the simulator refuses the other protocol\'s)', () => {
    expect(bugVariantsFor('raft').map((v) => v.name)).toEqual([...BUGS_BY_PROTOCOL.raft]);
    expect(bugVariantsFor('paxos').map((v) => v.name)).toEqual([...BUGS_BY_PROTOCOL.paxos]);
    expect(bugVariantsFor('multipaxos').map((v) => v.name)).toEqual([...BUGS_BY_PROTOCOL.paxos]);
    expect(bugVariant('accept-lower-ballot', 'multipaxos')?.breaks[0]).toBe('AcceptedBallotNotAbovePromise');
    expect(bugVariant('accept-lower-ballot', 'raft')).toBeNull();
    expect(bugVariant('no-step-down', 'paxos')).toBeNull();
    expect(bugVariant('accept-lower-ballot')?.name).toBe('accept-lower-ballot');
  });

  it('has a menu title for every protocol the lab knows', () => {
    expect(Object.keys(PROTOCOL_TITLES).sort()).toEqual([...PROTOCOL_NAMES].sort());
  });
});

describe('each variant breaks the invariant the page says it does', () => {
  // The first seeds of `faultline bench`'s hunt campaign that catch each variant (BENCHMARKS.md).
  const HUNT_SEEDS: Record<string, number> = {
    'commit-old-term': 2,
    'vote-without-log-check': 1,
    'forget-vote-on-restart': 93,
    'skip-prev-log-check': 2,
    'no-step-down': 1,
  };
  for (const v of RAFT_BUG_VARIANTS) {
    it(`${v.name}: hunt seed ${HUNT_SEEDS[v.name]} violates ${v.breaks[0]}`, () => {
      const seed = HUNT_SEEDS[v.name];
      expect(seed, `no hunt seed for ${v.name}`).toBeDefined();
      const result = runSeedJob({ seed: seed!, bug: v.name, untilMs: 60_000, campaign: 'hunt' });
      expect(result.violations, `seed ${seed}, bug ${v.name}`).toContain(v.breaks[0]);
    });
  }

  // The first seeds of the hunt campaign (partitions, kills and slow nodes every 200 ms) that catch each
  // Paxos variant in Multi-Paxos (as src/check/run.test.ts); every invariant the page names must break.
  const PAXOS_HUNT_SEEDS: Record<string, number> = {
    'acceptor-forgets-promise': 1,
    'ignore-accepted-value': 1,
    'accept-lower-ballot': 1,
  };
  for (const v of PAXOS_BUG_VARIANTS) {
    it(`${v.name}: hunt seed ${PAXOS_HUNT_SEEDS[v.name]} violates ${v.breaks.join(' and ')}`, () => {
      const seed = PAXOS_HUNT_SEEDS[v.name];
      expect(seed, `no hunt seed for ${v.name}`).toBeDefined();
      const n = campaignNemesis('hunt', seed!);
      const scenario = buildScenario({
        protocol: 'paxos', paxosMode: 'multi', seed: seed!, untilMs: 30_000, nemesis: n.faults, nemesisIntervalMs: n.intervalMs, loadOpsPerSec: 20, bugs: [v.name],
      });
      const violated = runScenario(scenario).violations.map((x) => x.invariant);
      for (const inv of v.breaks) expect(violated, `seed ${seed}, bug ${v.name}`).toContain(inv);
    });
  }

  it('commit-old-term: the Figure 8 scenario violates StateMachineSafety too', () => {
    const json: unknown = JSON.parse(readFileSync(new URL('../../../scenarios/figure-8-commit-old-term.json', import.meta.url), 'utf8'));
    const parsed = parseScenario(json);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(bugVariant('commit-old-term')?.breaks).toContain('StateMachineSafety');
    expect(runScenario(parsed.scenario).violations.map((x) => x.invariant)).toContain('StateMachineSafety');
  });
});
