import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { budgetModel, commitBudget, leaderPlacement } from '../check/latency-budget';
import { percentilesOf } from '../check/metrics';
import { runScenario } from '../check/run';
import { parseArgs } from '../cli/args';
import { scenarioFromArgs } from '../cli/main';
import { REGIONS_ABOUT } from '../sim/regions';
import type { LabConfig } from './lab-protocol';
import { defaultLabConfig, LabInputError, LabSession } from './lab-session';

const SCENARIO_DIR = join(__dirname, '..', '..', 'scenarios');
const BUNDLED = new Map(
  readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json')).map((f) => [f.replace(/\.json$/, ''), readFileSync(join(SCENARIO_DIR, f), 'utf8')]),
);
const FIVE = ['us-east', 'us-west', 'eu-west', 'eu-central', 'ap-tokyo'];

function cliRun(flags: string[], untilMs: number): ReturnType<typeof runScenario> {
  const io = { out: () => undefined, err: () => undefined, readFile: (p: string) => readFileSync(join(SCENARIO_DIR, '..', p), 'utf8') };
  const args = parseArgs([...flags, '--until', `${untilMs}ms`], ['scenario', 'protocol', 'nodes', 'seed', 'until', 'nemesis', 'load', 'bug', 'q1', 'q2', 'regions'], ['json']);
  return runScenario(scenarioFromArgs(args, io));
}

function session(config: Partial<LabConfig>): LabSession {
  return new LabSession({ ...defaultLabConfig(), ...config }, BUNDLED);
}

describe('LabSession with regions', () => {
  it('places nodes and clients round robin, as run --regions does, and says the RTTs are approximate', () => {
    const s = session({ regions: FIVE, loadOpsPerSec: 20 });
    const geo = s.info().geo!;
    expect(geo.nodeRegions).toEqual({ n1: 'us-east', n2: 'us-west', n3: 'eu-west', n4: 'eu-central', n5: 'ap-tokyo' });
    expect(geo.regions.map((r) => r.id)).toEqual(FIVE);
    expect(geo.regions[0]).toMatchObject({ id: 'us-east', name: 'N. Virginia', lat: 38.9, lon: -77.4 });
    expect(geo.about).toBe(REGIONS_ABOUT);
    expect(geo.about).toMatch(/approximate/i);
    // Ten pairs of five regions, each with the table's figure and its physics floor below it.
    expect(geo.rttMs).toHaveLength(10);
    const virginiaIreland = geo.rttMs.find((p) => p.between.join() === 'us-east,eu-west')!;
    expect(virginiaIreland).toMatchObject({ ms: 80.5, overridden: false });
    expect(virginiaIreland.floorMs).toBeGreaterThan(50);
    expect(virginiaIreland.floorMs).toBeLessThan(80.5);
    expect(s.info().cliCommand).toContain('--regions us-east,us-west,eu-west,eu-central,ap-tokyo');
  });

  it('the hash at t equals the CLI run --regions ... --until t, and the figures equal its summary', () => {
    const s = session({ regions: FIVE, loadOpsPerSec: 20, seed: 3 });
    const flags = ['--regions', FIVE.join(','), '--load', '20', '--seed', '3'];
    for (const t of [900, 5000]) {
      s.seek(t);
      const cli = cliRun(flags, t);
      const panels = s.panels();
      expect(panels.traceHash, `t=${t}`).toBe(cli.traceHash);
      expect(panels.geo!.clientLatencyMs, `t=${t}`).toEqual(cli.geo!.clientLatencyMs);
      expect(panels.geo!.quorumAckMs, `t=${t}`).toEqual(cli.geo!.quorumAckMs);
    }
    // Back in time, the percentiles are of the samples up to that moment only.
    s.seek(5000);
    const late = s.panels().geo!.quorumAckMs.count;
    s.seek(900);
    const early = s.panels().geo!.quorumAckMs.count;
    expect(early).toBeLessThan(late);
    expect(s.panels().geo!.quorumAckMs).toEqual(cliRun(flags, 900).geo!.quorumAckMs);
  });

  it("the budget is commitBudget's for the leader of the moment, and follows the leader when it crashes", () => {
    const s = session({ regions: FIVE, loadOpsPerSec: 20 });
    s.seek(5000);
    const before = s.panels().geo!;
    expect(before.leader).not.toBeNull();
    const model = budgetModel(s.scenario)!;
    const leaderIndex = s.members.indexOf(before.leader!);
    const clientRegions = [...new Set(Object.values(s.info().geo!.clientRegions))];
    expect(before.budget).toEqual(clientRegions.map((c) => commitBudget(model, leaderIndex, c)));
    expect(before.leaderRegion).toBe(s.info().geo!.nodeRegions[before.leader!]);
    expect(before.placement).toEqual(leaderPlacement(model, clientRegions));
    expect(before.quorum).toBe(3);

    s.act({ type: 'crash', node: before.leader! });
    expect(s.panels().geo!.leader).toBeNull();
    expect(s.panels().geo!.budget).toEqual([]);
    s.seek(9000);
    const after = s.panels().geo!;
    expect(after.leader).not.toBeNull();
    expect(after.leader).not.toBe(before.leader);
    expect(after.leaderRegion).not.toBe(before.leaderRegion);
    expect(after.budget[0]!.leader).toBe(after.leader);
  });

  it('Multi-Paxos with |Q2| = 2: the budget waits for the fastest one follower', () => {
    const s = session({ regions: FIVE, protocol: 'multipaxos', q1: 4, q2: 2, loadOpsPerSec: 10 });
    s.seek(4000);
    const geo = s.panels().geo!;
    expect(geo.quorum).toBe(2);
    expect(geo.leader).not.toBeNull();
    const model = budgetModel(s.scenario)!;
    expect(model.quorum).toBe(2);
    expect(geo.budget[0]).toEqual(commitBudget(model, s.members.indexOf(geo.leader!), geo.budget[0]!.clientRegion));
  });

  it('an RTT override reaches the run (and the budget), and unknown regions are named', () => {
    const plain = session({ regions: ['us-east', 'eu-west', 'ap-tokyo'] });
    const edited = session({ regions: ['us-east', 'eu-west', 'ap-tokyo'], rtt: [{ between: ['us-east', 'eu-west'], ms: 20 }] });
    expect(edited.info().geo!.rttMs.find((p) => p.between.join() === 'us-east,eu-west')).toMatchObject({ ms: 20, overridden: true });
    expect(edited.scenario.regions!.rttMs).toEqual([{ between: ['us-east', 'eu-west'], ms: 20 }]);
    plain.seek(3000);
    edited.seek(3000);
    expect(edited.panels().traceHash).not.toBe(plain.panels().traceHash);
    expect(() => session({ regions: ['us-east', 'mars-north', 'moon'] })).toThrow(LabInputError);
    expect(() => session({ regions: ['us-east', 'mars-north', 'moon'] })).toThrow(/unknown regions "mars-north", "moon"/);
    expect(() => session({ rtt: [{ between: ['us-east', 'eu-west'], ms: 20 }] })).toThrow(/need regions/);
  });

  it('without regions nothing changes: no geo, and the figures are measured as percentilesOf does', () => {
    const s = session({});
    expect(s.info().geo).toBeNull();
    s.seek(1000);
    expect(s.panels().geo).toBeNull();
    expect(s.info().cliCommand).not.toContain('--regions');
    expect(percentilesOf([])).toEqual({ count: 0, p50: 0, p99: 0 });
  });
});
