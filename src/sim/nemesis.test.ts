import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clock';
import { Nemesis, type NemesisPort } from './nemesis';
import { Rng } from './rng';
import type { NemesisFault } from './scenario';
import type { NodeId } from './types';

const MEMBERS = ['n1', 'n2', 'n3', 'n4', 'n5'];

/** Runs a nemesis on a virtual clock for `untilMs` and returns what it did, one line per call. */
function plan(faults: NemesisFault[], seed: number, untilMs: number, leader: NodeId | null = null, members = MEMBERS, regions: string[] = []) {
  const clock = new VirtualClock();
  const calls: Array<{ atMs: number; call: string; arg: string }> = [];
  const log = (call: string, arg = ''): void => {
    calls.push({ atMs: clock.nowMs, call, arg });
  };
  const port: NemesisPort = {
    setTimer: (fn, delayMs) => clock.setTimeout(fn, delayMs),
    lastLeader: () => leader,
    partition: (groups) => log('partition', groups.map((g) => g.join(',')).join('|')),
    heal: () => log('heal'),
    crash: (node) => log('crash', node),
    restart: (node) => log('restart', node),
    pause: (node) => log('pause', node),
    resume: (node) => log('resume', node),
    cutLink: (from, to, oneWay) => log('cut', `${from}${oneWay ? '->' : '<->'}${to}`),
    healLink: (from, to, oneWay) => log('heal-link', `${from}${oneWay ? '->' : '<->'}${to}`),
    powerLoss: (node) => log('power-loss', node),
    slowNode: (node, factor) => log('slow', `${node} x${factor}`),
    clockSkew: (node, rate) => log('skew', `${node} x${rate}`),
    networkStorm: (dup, reorder) => log('storm', `dup=${dup} reorder=${reorder}`),
    partitionRegions: (groups) => log('partition-regions', groups.map((g) => g.join(',')).join('|')),
  };
  const nemesis = new Nemesis({ faults, intervalMs: 1_000 }, members, new Rng(seed), port, regions);
  nemesis.start();
  while (clock.fireNext(untilMs)) {
    /* run */
  }
  return { calls, pending: clock.pending };
}

describe('Nemesis', () => {
  it('region: cuts off one region of the nodes, then heals; nothing without two regions', () => {
    const regions = ['us-east', 'us-west', 'eu-west'];
    const { calls } = plan(['region'], 3, 10_000, null, MEMBERS, regions);
    const cuts = calls.filter((c) => c.call === 'partition-regions');
    expect(cuts.length).toBeGreaterThanOrEqual(3);
    for (const c of cuts) expect(regions).toContain(c.arg);
    expect(calls.map((c) => c.call)).toEqual(calls.map((_, i) => (i % 2 === 0 ? 'partition-regions' : 'heal')));
    expect(plan(['region'], 3, 10_000, null, MEMBERS, ['us-east']).calls).toEqual([]);
  });

  it('does nothing (and sets no timer) with no faults enabled', () => {
    expect(plan([], 1, 100_000)).toEqual({ calls: [], pending: 0 });
  });

  it('alternates: inject a fault, then heal exactly that fault', () => {
    const { calls } = plan(['partition', 'crash', 'pause'], 3, 60_000);
    expect(calls.length).toBeGreaterThan(40);
    const undo: Record<string, string> = { partition: 'heal', crash: 'restart', pause: 'resume' };
    for (let i = 0; i + 1 < calls.length; i += 2) {
      const inject = calls[i]!;
      const recover = calls[i + 1]!;
      expect(Object.keys(undo)).toContain(inject.call);
      expect(recover.call).toBe(undo[inject.call]);
      if (inject.call !== 'partition') expect(recover.arg).toBe(inject.arg);
    }
    // Every kind shows up over a long enough run.
    expect(new Set(calls.map((c) => c.call))).toEqual(new Set(['partition', 'heal', 'crash', 'restart', 'pause', 'resume']));
  });

  it('ticks every intervalMs, give or take 20%', () => {
    const { calls } = plan(['pause'], 5, 100_000);
    const gaps = calls.map((c, i) => c.atMs - (i === 0 ? 0 : calls[i - 1]!.atMs));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(800);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1_200);
    expect(new Set(gaps).size).toBeGreaterThan(10);
  });

  it('only injects the enabled kinds', () => {
    const { calls } = plan(['crash'], 9, 30_000);
    expect(new Set(calls.map((c) => c.call))).toEqual(new Set(['crash', 'restart']));
  });

  it('partitions split the members into two non-empty groups that cover everyone once', () => {
    const { calls } = plan(['partition'], 13, 100_000);
    const partitions = calls.filter((c) => c.call === 'partition');
    expect(partitions.length).toBeGreaterThan(20);
    for (const p of partitions) {
      const groups = p.arg.split('|').map((g) => g.split(','));
      expect(groups).toHaveLength(2);
      for (const g of groups) expect(g.length).toBeGreaterThan(0);
      expect(groups.flat().sort()).toEqual(MEMBERS);
    }
  });

  it('crashes the last leader about half the time when there is one', () => {
    const { calls } = plan(['crash'], 21, 400_000, 'n4');
    const crashed = calls.filter((c) => c.call === 'crash').map((c) => c.arg);
    const share = crashed.filter((n) => n === 'n4').length / crashed.length;
    // 1/2 (leader) + 1/2 * 1/5 (a uniform pick that happens to be the leader) = 0.6.
    expect(share).toBeGreaterThan(0.45);
    expect(share).toBeLessThan(0.75);
    expect(new Set(crashed).size).toBe(5);
  });

  it('is a pure function of the seed', () => {
    const a = plan(['partition', 'crash', 'pause'], 42, 50_000);
    expect(plan(['partition', 'crash', 'pause'], 42, 50_000)).toEqual(a);
    expect(plan(['partition', 'crash', 'pause'], 43, 50_000)).not.toEqual(a);
  });
});

describe('Nemesis: kill and leader isolation', () => {
  it('a kill power-cycles a node (back within 60 ms, unsynced writes lost), then the next tick injects a new fault', () => {
    const { calls } = plan(['kill'], 11, 30_000);
    expect(calls.length).toBeGreaterThan(40);
    for (let i = 0; i + 1 < calls.length; i += 2) {
      const crash = calls[i]!;
      const restart = calls[i + 1]!;
      expect([crash.call, restart.call]).toEqual(['power-loss', 'restart']);
      expect(restart.arg).toBe(crash.arg);
      expect(restart.atMs - crash.atMs).toBeGreaterThanOrEqual(1);
      expect(restart.atMs - crash.atMs).toBeLessThanOrEqual(60);
    }
    // No heal tick in between: kills follow each other about every interval.
    const crashes = calls.filter((c) => c.call === 'power-loss').map((c) => c.atMs);
    expect(crashes[1]! - crashes[0]!).toBeLessThan(1_300);
  });

  it('puts the leader on the minority side of about half of its partitions', () => {
    const { calls } = plan(['partition'], 13, 400_000, 'n3');
    const partitions = calls.filter((c) => c.call === 'partition').map((c) => c.arg.split('|').map((g) => g.split(',')));
    expect(partitions.length).toBeGreaterThan(100);
    const leaderInMinority = partitions.filter((groups) => {
      const side = groups.find((g) => g.includes('n3'))!;
      return side.length <= 2;
    }).length;
    // Half isolate the leader deliberately (always a minority of 1-2); random splits add some more.
    expect(leaderInMinority / partitions.length).toBeGreaterThan(0.55);
    expect(leaderInMinority / partitions.length).toBeLessThan(0.95);
  });

  it('asymmetric: cuts one direction of every link of one node, then heals', () => {
    const { calls } = plan(['asymmetric'], 3, 2_500);
    const cuts = calls.filter((c) => c.call === 'cut');
    expect(cuts).toHaveLength(4);
    expect(cuts.every((c) => c.arg.includes('->') && !c.arg.includes('<->'))).toBe(true);
    const ends = cuts.map((c) => c.arg.split('->'));
    // All four share one endpoint on the same side: that node's outbound (or inbound) messages are lost.
    const side = ends.every((e) => e[0] === ends[0]![0]) ? 0 : 1;
    expect(new Set(ends.map((e) => e[side])).size).toBe(1);
    expect(calls.some((c) => c.call === 'heal' && c.atMs > cuts[0]!.atMs)).toBe(true);
  });

  it('bridge: two sides cut from each other, one node connected to both', () => {
    const { calls } = plan(['bridge'], 5, 1_500);
    const cut = calls.filter((c) => c.call === 'cut').map((c) => c.arg.split('<->'));
    const touched = new Set(cut.flat());
    // Four non-bridge nodes split two and two: 2 x 2 = 4 links cut; the bridge appears in none.
    expect(cut).toHaveLength(4);
    expect(touched.size).toBe(4);
    expect(MEMBERS.filter((m) => !touched.has(m))).toHaveLength(1);
  });

  it('flap: one link toggles down and up within the interval, and is healed at the end', () => {
    const { calls } = plan(['flap'], 7, 2_500);
    const toggles = calls.filter((c) => c.call === 'cut' || c.call === 'heal-link');
    expect(toggles.length).toBeGreaterThanOrEqual(4);
    expect(new Set(toggles.map((c) => c.arg)).size).toBe(1);
    expect(toggles.map((c) => c.call).slice(0, 4)).toEqual(['cut', 'heal-link', 'cut', 'heal-link']);
    expect(calls.some((c) => c.call === 'heal')).toBe(true);
  });

  it('slow: slows one node by a factor, then restores it to 1 at the next tick', () => {
    const { calls } = plan(['slow'], 17, 30_000);
    expect(calls.length).toBeGreaterThan(20);
    const factors = new Set<string>();
    for (let i = 0; i + 1 < calls.length; i += 2) {
      const [node, factor] = calls[i]!.arg.split(' x');
      expect(calls[i]!.call).toBe('slow');
      expect(Number(factor)).toBeGreaterThanOrEqual(5);
      factors.add(factor!);
      expect(calls[i + 1]!).toMatchObject({ call: 'slow', arg: `${node} x1` });
    }
    expect(factors.size).toBeGreaterThan(1);
  });

  it('skew: sets one node clock fast or slow, then back in step', () => {
    const { calls } = plan(['skew'], 19, 40_000);
    const rates = calls.filter((_, i) => i % 2 === 0).map((c) => Number(c.arg.split(' x')[1]));
    expect(rates.some((r) => r > 1)).toBe(true);
    expect(rates.some((r) => r < 1)).toBe(true);
    for (let i = 1; i < calls.length; i += 2) expect(calls[i]!.arg).toMatch(/ x1$/);
  });

  it('duplicate and reorder: a storm of one kind on every link, calmed at the next tick', () => {
    const { calls } = plan(['duplicate', 'reorder'], 23, 40_000);
    const storms = calls.filter((_, i) => i % 2 === 0).map((c) => c.arg);
    expect(storms.some((a) => /^dup=0\.\d+ reorder=0$/.test(a))).toBe(true);
    expect(storms.some((a) => /^dup=0 reorder=0\.\d+$/.test(a))).toBe(true);
    for (let i = 1; i < calls.length; i += 2) expect(calls[i]!.arg).toBe('dup=0 reorder=0');
  });

  it('power: a node loses power (not a plain crash) and restarts at the next tick', () => {
    const { calls } = plan(['power'], 29, 20_000);
    for (let i = 0; i + 1 < calls.length; i += 2) {
      expect(calls[i]!.call).toBe('power-loss');
      expect(calls[i + 1]!).toMatchObject({ call: 'restart', arg: calls[i]!.arg });
    }
  });
});
