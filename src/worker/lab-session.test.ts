import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { okLatenciesMs, percentile } from '../check/latency';
import { runScenario } from '../check/run';
import { parseArgs } from '../cli/args';
import { scenarioFromArgs } from '../cli/main';
import type { LabConfig } from './lab-protocol';
import { defaultLabConfig, LabInputError, LabSession } from './lab-session';
import { solve } from './lesson-driver';
import { SNAPSHOT_INTERVAL_SLOTS } from '../protocols/paxos/core';
import { SNAPSHOT_INTERVAL_ENTRIES } from '../protocols/raft/core';
import { buildSlotTable } from '../ui/lab/log-table';

const SCENARIO_DIR = join(__dirname, '..', '..', 'scenarios');
const BUNDLED = new Map(
  readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json')).map((f) => [f.replace(/\.json$/, ''), readFileSync(join(SCENARIO_DIR, f), 'utf8')]),
);

/** The CLI's traceHash for `faultline run <flags> --until <t>ms --json`. */
function cliHash(flags: string[], untilMs: number): string {
  const io = { out: () => undefined, err: () => undefined, readFile: (p: string) => readFileSync(join(SCENARIO_DIR, '..', p), 'utf8') };
  const args = parseArgs([...flags, '--until', `${untilMs}ms`], ['scenario', 'protocol', 'nodes', 'seed', 'until', 'nemesis', 'nemesis-interval', 'load', 'bug', 'q1', 'q2'], ['json', 'trace']);
  return runScenario(scenarioFromArgs(args, io)).traceHash;
}

function session(config: Partial<LabConfig> = {}): LabSession {
  return new LabSession({ ...defaultLabConfig(), ...config }, BUNDLED);
}

/** Seeks to the first moment from `fromMs` on with a message in flight, and returns it. */
function busyMoment(s: LabSession, fromMs: number): number {
  for (let t = fromMs; t < fromMs + 2000; t++) {
    s.seek(t);
    if (s.snapshot().messages.length > 0) return t;
  }
  throw new Error(`no message in flight within 2 s of ${fromMs} ms`);
}

/** Everything the page is shown for the current moment. */
function moment(s: LabSession): unknown {
  return { snapshot: s.snapshot(), panels: s.panels() };
}

function leaderOf(s: LabSession): string | null {
  return s.snapshot().nodes.find((n) => n.role === 'leader' && n.status === 'up')?.id ?? null;
}

describe('LabSession: the hash at t is the CLI hash for --until t', () => {
  it('with the defaults (the app defaults are the CLI defaults)', () => {
    const s = session();
    for (const t of [1, 237, 1500, 4000]) {
      s.seek(t);
      expect(s.panels().traceHash, `t=${t}`).toBe(cliHash([], t));
    }
  });

  it('with flags and a bundled scenario', () => {
    const a = session({ nodes: 7, seed: 9, bugs: ['vote-without-log-check'], nemesis: ['partition', 'crash'] });
    a.seek(3000);
    expect(a.panels().traceHash).toBe(cliHash(['--nodes', '7', '--seed', '9', '--bug', 'vote-without-log-check', '--nemesis', 'partition,crash'], 3000));
    // 2500 ms is before some of the file's actions: the CLI runs that prefix of the scenario.
    const b = session({ scenario: 'figure-8-commit-old-term' });
    for (const t of [2500, 6000]) {
      b.seek(t);
      expect(b.panels().traceHash).toBe(cliHash(['--scenario', 'scenarios/figure-8-commit-old-term.json'], t));
    }
  });
});

describe('LabSession: time travel', () => {
  it('seeking back and forth shows exactly the same moment as computing it fresh', () => {
    const s = session({ seed: 3 });
    s.seek(3000);
    const later = moment(s);
    s.seek(1200);
    const earlier = moment(s);
    const fresh = session({ seed: 3 });
    fresh.seek(1200);
    expect(earlier).toEqual(moment(fresh));
    s.seek(3000);
    expect(moment(s)).toEqual(later);
    expect(s.panels().traceHash).not.toBe(fresh.panels().traceHash);
  });

  it('steps one at a time, forward and back, through recorded and live steps', () => {
    const s = session();
    s.seek(500);
    const at = s.cursor.step;
    expect(s.stepBy(1)).toBe(true);
    expect(s.cursor.step).toBe(at + 1);
    expect(s.stepBy(-1)).toBe(true);
    expect(s.cursor.step).toBe(at);
    const frontier = s.frontierStep;
    s.seekStep(frontier);
    expect(s.stepBy(1)).toBe(true);
    expect(s.frontierStep).toBe(frontier + 1);
    s.seekStep(0);
    expect(s.stepBy(-1)).toBe(false);
  });

  it('messages in flight at a moment were sent at or before it and have not arrived', () => {
    const s = session({ loadOpsPerSec: 50 });
    const t = busyMoment(s, 2000);
    const snap = s.snapshot();
    expect(snap.messages.length).toBeGreaterThan(0);
    for (const m of snap.messages) {
      expect(m.sentAtMs).toBeLessThanOrEqual(snap.nowMs);
      expect(m.deliverAtMs).toBeGreaterThanOrEqual(m.sentAtMs);
    }
    const early = busyMoment(s, 900);
    const before = s.snapshot().messages.map((m) => m.id);
    expect(before.length).toBeGreaterThan(0);
    s.seek(t);
    s.seek(early);
    expect(s.snapshot().messages.map((m) => m.id)).toEqual(before);
  });
});

describe('LabSession: operator actions', () => {
  it('a leader is elected, and crashing it elects another', () => {
    const s = session();
    s.seek(1000);
    const first = leaderOf(s);
    expect(first).not.toBeNull();
    s.act({ type: 'crash', node: first! });
    expect(s.snapshot().nodes.find((n) => n.id === first)!.status).toBe('crashed');
    s.seek(s.cursor.atMs + 1500);
    const second = leaderOf(s);
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
    expect(s.markers().some((m) => m.kind === 'action' && m.label.includes('crash'))).toBe(true);
  });

  it('a live action replays identically from the config (the URL) and matches the CLI with it in a scenario', () => {
    const s = session({ seed: 5 });
    s.seek(800);
    s.act({ type: 'partition', groups: [['n1', 'n2'], ['n3', 'n4', 'n5']] });
    s.seek(1600);
    s.act({ type: 'client-request', op: 'write', key: 'k1', value: 'hello' });
    s.seek(3000);
    const live = moment(s);
    expect(s.config.actions.map((a) => a.atMs)).toEqual([801, 1601]);
    const replay = session({ seed: 5, actions: s.config.actions });
    replay.seek(3000);
    expect(moment(replay)).toEqual(live);
  });

  it('partitioning away a minority of followers leaves the leader and the majority committing', () => {
    const s = session({ seed: 2, loadOpsPerSec: 20 });
    s.seek(1000);
    const leader = leaderOf(s)!;
    const followers = s.members.filter((m) => m !== leader);
    const minority = followers.slice(0, 2);
    const majority = s.members.filter((m) => !minority.includes(m));
    s.act({ type: 'partition', groups: [minority, majority] });
    const at = s.snapshot().nodes.find((n) => n.id === leader)!.commitIndex;
    s.seek(s.cursor.atMs + 2000);
    const snap = s.snapshot();
    expect(leaderOf(s)).toBe(leader);
    expect(snap.nodes.find((n) => n.id === leader)!.commitIndex).toBeGreaterThan(at + 5);
    for (const id of minority) expect(snap.nodes.find((n) => n.id === id)!.commitIndex).toBeLessThanOrEqual(at);
    expect(snap.partition.map((g) => [...g])).toEqual([[...minority].sort(), [...majority].sort()]);
  });

  it('isolating the leader in a minority elects a new leader in the majority', () => {
    const s = session({ seed: 2, loadOpsPerSec: 20 });
    s.seek(1000);
    const leader = leaderOf(s)!;
    const others = s.members.filter((m) => m !== leader);
    s.act({ type: 'partition', groups: [[leader, others[0]!], others.slice(1)] });
    s.seek(s.cursor.atMs + 1500);
    const fresh = s.snapshot().nodes.find((n) => n.role === 'leader' && others.slice(1).includes(n.id));
    expect(fresh).toBeDefined();
    expect(fresh!.term).toBeGreaterThan(s.snapshot().nodes.find((n) => n.id === leader)!.term);
  });

  it('an action in the past forks: the later actions are discarded and the run is the one those inputs give', () => {
    const s = session({ seed: 4 });
    s.seek(1000);
    s.act({ type: 'crash', node: 'n1' });
    s.seek(2000);
    s.act({ type: 'crash', node: 'n2' });
    s.seek(1500);
    const result = s.act({ type: 'restart', node: 'n1' });
    expect(result.forked).toEqual({ atMs: 1501, discardedActions: 1 });
    expect(s.config.actions.map((a) => `${a.type}@${a.atMs}`)).toEqual(['crash@1001', 'restart@1501']);
    s.seek(2500);
    const fresh = session({ seed: 4, actions: s.config.actions });
    fresh.seek(2500);
    expect(moment(s)).toEqual(moment(fresh));
    expect(s.snapshot().nodes.find((n) => n.id === 'n2')!.status).toBe('up');
  });

  it('dropping a message in flight removes it and records the drop', () => {
    const s = session({ loadOpsPerSec: 50 });
    busyMoment(s, 1500);
    const victim = s.snapshot().messages[0]!;
    s.act({ type: 'drop-message', messageId: victim.id });
    expect(s.snapshot().messages.some((m) => m.id === victim.id)).toBe(false);
    expect(s.panels().recentEvents.some((e) => e.includes(`#${victim.id} (operator)`))).toBe(true);
  });

  it('refuses bad actions with a reason, and leaves the run as it was', () => {
    const s = session();
    s.seek(300);
    const before = moment(s);
    expect(() => s.act({ type: 'crash', node: 'n9' })).toThrow(/node must be one of n1, n2, n3, n4, n5, got "n9"/);
    expect(() => s.act({ type: 'partition', groups: [['n1'], ['n1', 'n2']] })).toThrow(/n1 is in two partition groups/);
    expect(() => s.act({ type: 'client-request', op: 'write', key: 'k1', value: '' })).toThrow(/needs a value/);
    expect(moment(s)).toEqual(before);
  });
});

describe('LabSession: snapshots', () => {
  it('Raft: a node shows its latest snapshot; crashed, the one on its disk; restarted, it has applied through it at once', () => {
    // 100 ops/s: past a snapshot interval (1,024 entries) by 15 s.
    const s = session({ loadOpsPerSec: 100 });
    s.seek(15_000);
    const nodes = s.snapshot().nodes;
    expect(nodes.every((n) => n.snapshotIndex >= SNAPSHOT_INTERVAL_ENTRIES && n.snapshotIndex <= n.lastApplied)).toBe(true);
    const follower = nodes.find((n) => n.role === 'follower')!;
    s.act({ type: 'crash', node: follower.id });
    s.seek(15_100);
    const crashed = s.snapshot().nodes.find((n) => n.id === follower.id)!;
    expect(crashed.status).toBe('crashed');
    expect(crashed.snapshotIndex).toBeGreaterThanOrEqual(SNAPSHOT_INTERVAL_ENTRIES);
    s.act({ type: 'restart', node: follower.id });
    const back = s.snapshot().nodes.find((n) => n.id === follower.id)!;
    expect(back.snapshotIndex).toBe(crashed.snapshotIndex);
    expect(back.lastApplied).toBe(back.snapshotIndex);
    expect(back.kv.length).toBeGreaterThan(0);
  });
});

describe('LabSession: safety', () => {
  it('a bug variant produces a violation with the step that caused it, the nodes and the log index', () => {
    const s = session({ scenario: 'figure-8-commit-old-term' });
    s.seek(6000);
    const snap = s.panels();
    expect(snap.violations.length).toBeGreaterThan(0);
    const v = snap.violations[0]!;
    expect(v.nodes.length).toBeGreaterThan(0);
    expect(v.logIndex).not.toBeNull();
    expect(v.explanation.length).toBeGreaterThan(10);
    expect(snap.invariants.find((i) => i.name === v.invariant)!.violations).toBeGreaterThan(0);
    s.seekStep(v.step - 1);
    expect(s.panels().violations).toHaveLength(0);
    s.seekStep(v.step);
    expect(s.panels().violations).toHaveLength(1);
  });

  it('correct Raft under the same choreography has no violation', () => {
    const s = session({ scenario: 'figure-8-commit-old-term', bugs: [] });
    s.seek(6000);
    expect(s.panels().violations).toEqual([]);
  });

  it('quorums: the vote quorum and the commit quorum are majorities that intersect', () => {
    const s = session({ loadOpsPerSec: 20 });
    s.seek(2000);
    const quorums = s.panels().quorums;
    const vote = quorums.find((q) => q.kind === 'vote');
    const commit = [...quorums].reverse().find((q) => q.kind === 'commit');
    expect(vote).toBeDefined();
    expect(commit).toBeDefined();
    expect(vote!.nodes.length).toBeGreaterThanOrEqual(3);
    expect(commit!.nodes.length).toBeGreaterThanOrEqual(3);
    expect(vote!.nodes.filter((n) => commit!.nodes.includes(n)).length).toBeGreaterThan(0);
  });
});

describe('LabSession: bad input', () => {
  it('names what is wrong', () => {
    expect(() => session({ scenario: 'nope' })).toThrow(LabInputError);
    expect(() => session({ scenario: 'nope' })).toThrow(/no scenario named "nope"/);
    expect(() => session({ nodes: 12 })).toThrow(/cluster.nodes/);
    expect(() => session({ bugs: ['typo'] })).toThrow(/bugs\[0\]/);
    expect(() => session({ actions: [{ type: 'crash', node: 'n1', atMs: 0 }] })).toThrow(/Action 1 \(crash\): time/);
    expect(() => session({ actions: [{ type: 'crash', node: 'x', atMs: 5 }] })).toThrow(/Action 1 \(crash\): node must be/);
  });
});

describe('LabSession: machine and network faults are shown where they apply', () => {
  const actions: LabConfig['actions'] = [
    { atMs: 100, type: 'slow-node', node: 'n1', factor: 20 },
    { atMs: 200, type: 'clock-skew', node: 'n3', rate: 2 },
    { atMs: 300, type: 'network-storm', duplicateProbability: 0.3, reorderProbability: 0 },
    { atMs: 400, type: 'power-loss', node: 'n2' },
    { atMs: 500, type: 'slow-node', node: 'n1', factor: 1 },
    { atMs: 600, type: 'network-storm', duplicateProbability: 0, reorderProbability: 0 },
  ];

  it('in the snapshot of each moment, forward and back', () => {
    const s = session({ seed: 3, actions });
    const at = (t: number) => {
      s.seek(t);
      const snap = s.snapshot();
      const node = (id: string) => snap.nodes.find((n) => n.id === id)!;
      return { n1: node('n1').slowFactor, n3: node('n3').clockRate, n2: node('n2').status, storm: snap.storm.duplicateProbability };
    };
    expect(at(700)).toEqual({ n1: 1, n3: 2, n2: 'crashed', storm: 0 });
    expect(at(450)).toEqual({ n1: 20, n3: 2, n2: 'crashed', storm: 0.3 });
    expect(at(250)).toEqual({ n1: 20, n3: 2, n2: 'up', storm: 0 });
    expect(at(50)).toEqual({ n1: 1, n3: 1, n2: 'up', storm: 0 });
  });

  it('as fault periods on the history time axis', () => {
    const s = session({ seed: 3, actions });
    s.seek(800);
    const labels = s.historyNow().faults.map((f) => `${f.fromMs}-${f.toMs} ${f.label}`);
    expect(labels).toEqual(['100-500 n1 slow x20', '200-800 n3 clock x2', '300-600 network storm dup=0.3 reorder=0', '400-800 n2 lost power']);
  });

  it('takes a scripted cas client request (what a shrunk history scenario holds), and refuses one without its expected value', () => {
    const s = session({ seed: 3, actions: [{ atMs: 500, type: 'client-request', op: 'cas', key: 'k0', expected: 'nil', value: '9', node: 'n1' }] });
    s.seek(700);
    expect(s.historyNow().history.operations.some((o) => o.f === 'cas' && o.process === 'o1' && o.value === '9' && o.expected === 'nil')).toBe(true);
    expect(() => session({ actions: [{ atMs: 10, type: 'client-request', op: 'cas', key: 'k0', value: '9' }] })).toThrow(/a cas needs the value it expects/);
  });

  it('refuses a live action out of range, naming the field', () => {
    expect(() => session({ actions: [{ atMs: 10, type: 'clock-skew', node: 'n1', rate: 50 }] })).toThrow(/rate must be a number from 0.1 to 10, got 50/);
    expect(() => session({ actions: [{ atMs: 10, type: 'slow-node', node: 'n9', factor: 2 }] })).toThrow(/node must be one of n1/);
  });
});

describe('LabSession: Paxos', () => {
  const MULTI = ['--protocol', 'multipaxos'];

  it('the hash at t is the CLI hash, for single-decree, Multi- and Flexible Paxos', () => {
    const cases: Array<[Partial<LabConfig>, string[]]> = [
      [{ protocol: 'multipaxos' }, [...MULTI]],
      [{ protocol: 'paxos', seed: 4 }, ['--protocol', 'paxos', '--seed', '4']],
      [{ protocol: 'multipaxos', q1: 4, q2: 2, nemesis: ['partition'] }, [...MULTI, '--q1', '4', '--q2', '2', '--nemesis', 'partition']],
    ];
    for (const [config, flags] of cases) {
      const s = session(config);
      for (const t of [900, 4000]) {
        s.seek(t);
        expect(s.panels().traceHash, `${flags.join(' ')} t=${t}`).toBe(cliHash(flags, t));
      }
      expect(s.info().cliCommand).toContain(`--protocol ${config.protocol}`);
    }
  });

  it('seeking back shows exactly the moment computed fresh', () => {
    const s = session({ protocol: 'multipaxos', seed: 2, nemesis: ['partition', 'crash'], loadOpsPerSec: 20 });
    s.seek(9000);
    s.seek(3500);
    const fresh = session({ protocol: 'multipaxos', seed: 2, nemesis: ['partition', 'crash'], loadOpsPerSec: 20 });
    fresh.seek(3500);
    expect(moment(s)).toEqual(moment(fresh));
  });

  it('a Multi-Paxos leader in phase 2 won with a phase-1 quorum; slots are accepted with ballots and chosen', () => {
    const s = session({ protocol: 'multipaxos', loadOpsPerSec: 20 });
    s.seek(5000);
    const snap = s.snapshot();
    const leader = snap.nodes.find((n) => n.role === 'leader')!;
    expect(leader.paxos).not.toBeNull();
    expect(leader.paxos!.phase).toBe('accept');
    expect(leader.paxos!.ballot).toBeGreaterThan(0);
    expect(leader.paxos!.ballotLabel).toMatch(new RegExp(`^\\d+\\.${leader.id}$`));
    expect(leader.paxos!.promises.length).toBeGreaterThanOrEqual(3);
    expect(leader.paxos!.promises).toContain(leader.id);
    for (const n of snap.nodes) {
      expect(n.paxos!.promised, n.id).toBe(leader.paxos!.ballot);
      expect(n.commitIndex, n.id).toBeGreaterThan(10);
      expect(n.votedFor).toBeNull();
    }
    const panels = s.panels();
    expect(panels.invariants.map((i) => i.name)).toEqual(['Agreement', 'Validity', 'PromiseMonotonic', 'AcceptedBallotNotAbovePromise', 'StateMachineSafety']);
    const row = panels.logs.rows.find((r) => r.node === leader.id)!;
    const chosen = row.entries.filter((e) => e.chosen !== null && e.chosen !== undefined);
    expect(chosen.length).toBeGreaterThan(5);
    for (const e of chosen) {
      expect(e.ballotLabel).toBe(leader.paxos!.ballotLabel);
      expect(e.chosen).toBe(e.label);
    }
    // Quorums: the phase-1 quorum that made it leader, and phase-2 quorums of majorities that meet it.
    const phase1 = panels.quorums.filter((q) => q.kind === 'vote');
    const phase2 = panels.quorums.filter((q) => q.kind === 'commit');
    expect(phase1.at(-1)!.nodes).toEqual(leader.paxos!.promises);
    expect(phase2.length).toBeGreaterThan(0);
    for (const q of phase2) {
      expect(q.nodes).toHaveLength(3); // exactly |Q2|: the acceptors whose accepts made the value chosen
      expect(q.nodes.some((n) => phase1.at(-1)!.nodes.includes(n))).toBe(true);
      expect(q.ballotLabel).toBe(leader.paxos!.ballotLabel);
    }
    expect(panels.usedQuorums!.phase1.length).toBeGreaterThan(0);
    expect(panels.usedQuorums!.phase2.reduce((n, u) => n + u.count, 0)).toBeGreaterThan(10);
    expect(s.info().phase1Quorum).toBe(3);
    expect(s.info().quorumWarning).toBeNull();
  });

  it('a crashed acceptor shows what its disk holds: its promise and accepted values, no chosen ones', () => {
    const s = session({ protocol: 'multipaxos', loadOpsPerSec: 20 });
    s.seek(4000);
    const follower = s.snapshot().nodes.find((n) => n.role === 'follower')!;
    const promised = follower.paxos!.promised;
    s.act({ type: 'crash', node: follower.id });
    s.seek(4500);
    const crashed = s.snapshot().nodes.find((n) => n.id === follower.id)!;
    expect(crashed.status).toBe('crashed');
    expect(crashed.paxos!.promised).toBe(promised);
    const row = s.panels().logs.rows.find((r) => r.node === follower.id)!;
    expect(row.entries.length).toBeGreaterThan(0);
    expect(row.entries.every((e) => e.chosen === null)).toBe(true);
    expect(row.entries.some((e) => e.term > 0 && e.label !== '')).toBe(true);
  });

  it('a Multi-Paxos node restarts from its snapshot, is caught up with the leader\'s, and its slots show as applied from a snapshot', () => {
    // 100 ops/s: more than a snapshot interval (1,024 slots) by 15 s.
    const s = session({ protocol: 'multipaxos', loadOpsPerSec: 100 });
    s.seek(15_000);
    const follower = s.snapshot().nodes.find((n) => n.role === 'follower')!;
    s.act({ type: 'crash', node: follower.id });
    s.seek(25_000);
    const crashed = s.snapshot().nodes.find((n) => n.id === follower.id)!;
    expect(crashed.paxos!.heldFrom).toBeGreaterThan(SNAPSHOT_INTERVAL_SLOTS); // its snapshot, on disk
    expect(crashed.snapshotIndex).toBe(crashed.paxos!.heldFrom - 1);
    s.act({ type: 'restart', node: follower.id });
    const back = s.snapshot().nodes.find((n) => n.id === follower.id)!;
    expect(back.status).toBe('up');
    expect(back.paxos!.heldFrom).toBe(crashed.paxos!.heldFrom);
    expect(back.commitIndex).toBe(back.paxos!.heldFrom - 1); // applied through it before hearing from anyone
    expect(back.kv.length).toBeGreaterThan(0);
    // Ten seconds away is about 1,000 slots behind: the leader sends its own snapshot, and the node's
    // slots up to it read as applied from a snapshot in the slot table, on that node only.
    // (The table shows the last 24 slots: look right after the snapshot arrives.)
    let caughtUp = back;
    for (let t = 25_010; t <= 26_000 && caughtUp.paxos!.heldFrom === back.paxos!.heldFrom; t += 10) {
      s.seek(t);
      caughtUp = s.snapshot().nodes.find((n) => n.id === follower.id)!;
    }
    expect(caughtUp.paxos!.heldFrom).toBeGreaterThan(back.paxos!.heldFrom + 256);
    const panels = s.panels();
    const table = buildSlotTable(panels.logs, s.snapshot().nodes, [], null);
    const row = table.rows.find((r) => r.node === follower.id)!;
    expect(row.heldFrom).toBe(caughtUp.paxos!.heldFrom);
    const covered = row.cells.filter((c) => c.index < row.heldFrom);
    expect(covered.length).toBeGreaterThan(0);
    expect(covered.every((c) => c.kind === 'snapshot' || c.kind === 'chosen')).toBe(true);
    expect(covered.some((c) => c.kind === 'snapshot')).toBe(true);
    const others = table.rows.filter((r) => r.node !== follower.id);
    expect(others.every((r) => r.cells.every((c) => c.kind !== 'snapshot'))).toBe(true);
  });

  it('single-decree Paxos chooses one value for slot 1, and every node learns it', () => {
    const s = session({ protocol: 'paxos', loadOpsPerSec: 5 });
    s.seek(6000);
    expect(s.info().protocol).toBe('paxos');
    const rows = s.panels().logs.rows;
    const values = new Set(rows.map((r) => r.entries[0]?.chosen));
    expect(values.size).toBe(1);
    expect([...values][0]).toBeTruthy();
  });

  it('|Q1| + |Q2| <= N: warned, run anyway, and the quorums used include a phase-1 and a phase-2 quorum that do not meet', () => {
    const s = session({ protocol: 'multipaxos', q1: 2, q2: 2, nemesis: ['partition'], seed: 1 });
    expect(s.info().quorumWarning).toMatch(/2 \+ 2 <= 5/);
    s.seek(20000);
    const panels = s.panels();
    expect(panels.violations.map((v) => v.invariant)).toContain('Agreement');
    const used = panels.usedQuorums!;
    const disjoint = used.phase1.some((p) => used.phase2.some((q) => !q.nodes.some((n) => p.nodes.includes(n))));
    expect(disjoint).toBe(true);
  });

  it('stats count what the bench counts: every sent message, and invoke-to-ok latency of each ok', () => {
    const s = session({ protocol: 'multipaxos', loadOpsPerSec: 20 });
    s.seek(6000);
    const stats = s.panels().stats;
    const events = Array.from({ length: s.run.sim.trace.length }, (_, i) => s.run.sim.trace.at(i)).filter((e) => e.atMs <= 6000);
    const latencies = okLatenciesMs(events);
    expect(stats.okOps).toBe(latencies.length);
    expect(stats.okOps).toBeGreaterThan(50);
    expect(stats.latencyP50Ms).toBe(percentile(latencies, 50));
    expect(stats.latencyP99Ms).toBe(percentile(latencies, 99));
    expect(stats.messagesSent).toBe(events.filter((e) => e.kind === 'sent').length);
    // Scrubbing back gives the figures of that moment, not the latest.
    s.seek(3000);
    const early = s.panels().stats;
    expect(early.okOps).toBeLessThan(stats.okOps);
    s.seek(6000);
    expect(s.panels().stats).toEqual(stats);
  });

  it('the bundled Paxos scenarios show what they are named for', () => {
    const miss = session({ scenario: 'flexible-paxos-quorums-miss' });
    expect(miss.info()).toMatchObject({ protocol: 'multipaxos', phase1Quorum: 2, phase2Quorum: 2 });
    expect(miss.info().quorumWarning).not.toBeNull();
    miss.seek(20000);
    expect(miss.panels().violations[0]).toMatchObject({ invariant: 'Agreement' });
    const duel = session({ scenario: 'paxos-duelling-proposers' });
    duel.seek(2000);
    expect(duel.panels().logs.rows.every((r) => r.entries.every((e) => e.chosen === null))).toBe(true);
    expect(duel.panels().quorums).toEqual([]);
    const adopt = session({ scenario: 'paxos-adopt-accepted-value' });
    adopt.seek(1000);
    expect(adopt.panels().logs.rows.map((r) => r.entries[0]?.chosen)).toEqual(['n2:v', 'n2:v', 'n2:v']);
  });

  it('refuses quorum sizes for Raft, and sizes past the cluster, naming them', () => {
    expect(() => session({ protocol: 'raft', q1: 2 })).toThrow(/q1, q2\) and grids are for Paxos/);
    expect(() => session({ protocol: 'raft', grid: { rows: 2, columns: 2 } })).toThrow(/grids are for Paxos/);
    expect(() => session({ protocol: 'multipaxos', q2: 7 })).toThrow(LabInputError);
    expect(() => session({ protocol: 'multipaxos', q2: 7 })).toThrow(/phase2Quorum/);
    expect(() => session({ protocol: 'multipaxos', nodes: 5, grid: { rows: 3, columns: 3 } })).toThrow(/a grid of 3 x 3 is 9 nodes, but the cluster has 5/);
  });

  it('runs a grid: nine nodes from a 3x3 link, no warning, the CLI command and the phase-2 quorums it drew are rows', () => {
    const s = session({ protocol: 'multipaxos', grid: { rows: 3, columns: 3 }, seed: 4, loadOpsPerSec: 20 });
    const info = s.info();
    expect([info.nodes, info.phase1Quorum, info.phase2Quorum, info.grid, info.quorumWarning]).toEqual([9, 3, 3, { rows: 3, columns: 3 }, null]);
    expect(info.cliCommand).toContain('--protocol multipaxos --nodes 9 --seed 4 --load 20 --grid 3x3');
    s.seek(3000);
    const rows = [['n1', 'n2', 'n3'], ['n4', 'n5', 'n6'], ['n7', 'n8', 'n9']].map((r) => r.join(','));
    const commits = s.panels().quorums.filter((q) => q.kind === 'commit');
    expect(commits.length).toBeGreaterThan(5);
    for (const q of commits) expect(rows).toContain([...q.nodes].sort().join(','));
  });
});

describe('LabSession: lesson goals and "show me"', () => {
  it('goals are checked with every panels snapshot, and the solution reaches them from where the run stands', () => {
    const s = session({ seed: 3 });
    s.seek(1500);
    s.setGoals([{ kind: 'new-leader-after-crash' }, { kind: 'leader-elected' }]);
    expect(s.panels().goals.map((g) => g.met)).toEqual([false, true]);
    const leader = leaderOf(s)!;
    const result = solve(s, s.events, [{ type: 'crash', node: 'leader' }], [{ kind: 'new-leader-after-crash' }], 5000);
    expect(result.met).toBe(true);
    expect(result.applied).toEqual([{ type: 'crash', node: leader }]);
    expect(s.config.actions.map((a) => a.type)).toEqual(['crash']);
    const goals = s.panels().goals;
    expect(goals[0]).toMatchObject({ met: true });
    expect(goals[0]!.progress).toContain(`${leader} was crashed`);
    // Scrubbing back before the crash: the goal no longer holds at that moment.
    s.seek(1400);
    expect(s.panels().goals[0]!.met).toBe(false);
    s.setGoals([]);
    expect(s.panels().goals).toEqual([]);
  });
});
