/**
 * The CLI end to end, in process: `main(argv, io)` with a fake io that collects stdout and stderr and
 * reads files from an in-memory map. Exit codes: 0 ok, 1 safety violation, 2 bad input.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../check/run';
import { defaultScenario } from '../sim/scenario';
import { main, USAGE, type CliIo } from './main';

interface FakeIo extends CliIo {
  readonly stdout: string;
  readonly stderr: string;
}

function fakeIo(files: Record<string, string> = {}): FakeIo {
  let stdout = '';
  let stderr = '';
  return {
    out: (t) => {
      stdout += t;
    },
    err: (t) => {
      stderr += t;
    },
    readFile: (path) => {
      if (!Object.hasOwn(files, path)) {
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
      }
      return files[path]!;
    },
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

async function cli(argv: string[], files: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo(files);
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

async function runJson(argv: string[], files: Record<string, string> = {}): Promise<{ code: number; summary: RunSummary; err: string }> {
  const r = await cli(['run', ...argv, '--json'], files);
  return { code: r.code, summary: JSON.parse(r.out) as RunSummary, err: r.err };
}

/** A small valid scenario file: 3 nodes, 1 s, a write at 500 ms. */
const SCENARIO_FILE = JSON.stringify({
  version: 1,
  name: 'cli test',
  seed: 4,
  untilMs: 1000,
  cluster: { nodes: 3 },
  network: { latency: { kind: 'constant', ms: 5 } },
  workload: { opsPerSec: 0 },
  actions: [{ atMs: 500, type: 'client-request', op: 'write', key: 'x', value: '1' }],
});

describe('faultline run', () => {
  it('runs a scenario and prints a JSON summary with a 64-hex trace hash', async () => {
    const { code, summary, err } = await runJson(['--nodes', '3', '--seed', '5', '--until', '2s']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(summary.traceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(summary.simulatedMs).toBe(2000);
    expect(summary.violations).toEqual([]);
    expect(summary.nodes).toBe(3);
    expect(summary.seed).toBe(5);
    expect(Object.keys(summary.commitIndexes)).toEqual(['n1', 'n2', 'n3']);
    expect(summary.leaderChanges).toBeGreaterThanOrEqual(1);
  });

  it('is deterministic: the same arguments give the same hash, another seed another hash', async () => {
    const args = ['--nodes', '3', '--seed', '5', '--until', '2s'];
    const a = await runJson(args);
    const b = await runJson(args);
    const c = await runJson(['--nodes', '3', '--seed', '6', '--until', '2s']);
    expect(b.summary.traceHash).toBe(a.summary.traceHash);
    expect(b.summary.events).toBe(a.summary.events);
    expect(c.summary.traceHash).not.toBe(a.summary.traceHash);
  });

  it('prints a human summary without --json', async () => {
    const { code, out } = await cli(['run', '--nodes', '3', '--seed', '5', '--until', '2s']);
    const { summary } = await runJson(['--nodes', '3', '--seed', '5', '--until', '2s']);
    expect(code).toBe(0);
    expect(out).toContain('Faultline: raft, 3 nodes, seed 5');
    expect(out).toContain(`trace hash     ${summary.traceHash}`);
    expect(out).toContain('all invariants held after every event');
  });

  it('--trace prints every trace event as a formatted line, then the summary', async () => {
    const { code, out } = await cli(['run', '--nodes', '3', '--seed', '5', '--until', '500ms', '--trace']);
    expect(code).toBe(0);
    const lines = out.split('\n');
    const eventLines = lines.filter((l) => /^ *\d+ms \S+/.test(l));
    expect(eventLines.length).toBeGreaterThan(10);
    expect(eventLines.some((l) => / send n\d->n\d RequestVote t1 last=0\/t0 #\d+$/.test(l))).toBe(true);
    expect(eventLines.some((l) => / role n\d leader t\d+$/.test(l))).toBe(true);
    expect(eventLines.some((l) => / timer n\d election$/.test(l))).toBe(true);
    // Events first, in time order, then the summary.
    const times = eventLines.map((l) => Number(/(\d+)ms/.exec(l)![1]));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(out.indexOf('Faultline: raft')).toBeGreaterThan(out.lastIndexOf(eventLines.at(-1)!));
  });

  it('without --trace prints no event lines', async () => {
    const { out } = await cli(['run', '--nodes', '3', '--seed', '5', '--until', '500ms']);
    expect(out.split('\n').filter((l) => /^ *\d+ms /.test(l))).toEqual([]);
  });

  it('exits 1 and reports LeaderCompleteness for vote-without-log-check under partitions and crashes', async () => {
    // Seed 6 with a 1 s nemesis is caught within 5 s; the same run of correct Raft is clean.
    const faults = ['--nodes', '5', '--seed', '6', '--until', '5s', '--nemesis', 'partition,crash', '--nemesis-interval', '1s', '--load', '20'];
    const buggy = await runJson(['--bug', 'vote-without-log-check', ...faults]);
    expect(buggy.code).toBe(1);
    expect(buggy.summary.bugs).toEqual(['vote-without-log-check']);
    expect(buggy.summary.violations.map((v) => v.invariant)).toContain('LeaderCompleteness');
    expect(buggy.err).toBe('');

    const correct = await runJson(faults);
    expect(correct.code).toBe(0);
    expect(correct.summary.violations).toEqual([]);
  });

  it('the human summary lists the violations', async () => {
    const { code, out } = await cli([
      'run', '--bug', 'vote-without-log-check', '--nodes', '5', '--seed', '6', '--until', '5s',
      '--nemesis', 'partition,crash', '--nemesis-interval', '1s', '--load', '20',
    ]);
    expect(code).toBe(1);
    expect(out).toMatch(/SAFETY VIOLATED \(\d+\):/);
    expect(out).toMatch(/^ {4}LeaderCompleteness at \d+ ms \(event \d+\) \[n\d\]: /m);
  });

  describe('bad input exits 2 with a message on stderr that names what was wrong', () => {
    it.each([
      [['--until', '60'], /--until: expected a duration/],
      [['--until', '-1s'], /--until/],
      [['--nodes', '12'], /--nodes: must be from 1 to 9, got 12/],
      [['--nodes', 'three'], /--nodes: expected an integer/],
      [['--seed', '4294967296'], /--seed/],
      [['--frobnicate', '1'], /unknown option --frobnicate/],
      [['--json=yes'], /--json takes no value/],
      [['--seed'], /--seed needs a value/],
      [['--bug', 'no-such-bug'], /options: bugs\[0\]: must be one of/],
      [['--nemesis', 'flood'], /options: nemesis\.faults\[0\]: must be one of/],
      [['--load', 'lots'], /--load: expected a number/],
      [['stray'], /run: unexpected argument "stray"/],
    ])('run %j', async (args, message) => {
      const { code, out, err } = await cli(['run', ...args]);
      expect(code).toBe(2);
      expect(err).toMatch(/^faultline: /);
      expect(err).toMatch(message);
      expect(out).toBe('');
    });
  });

  describe('--scenario FILE', () => {
    it('runs the file, and flags override its fields', async () => {
      const files = { 'cli.json': SCENARIO_FILE };
      const plain = await runJson(['--scenario', 'cli.json'], files);
      expect(plain.code).toBe(0);
      expect(plain.summary).toMatchObject({ name: 'cli test', seed: 4, nodes: 3, simulatedMs: 1000 });
      expect(plain.summary.clientOps.invoked).toBe(1);

      const reseeded = await runJson(['--scenario', 'cli.json', '--seed', '9'], files);
      expect(reseeded.summary).toMatchObject({ name: 'cli test', seed: 9, nodes: 3, simulatedMs: 1000 });
      expect(reseeded.summary.traceHash).not.toBe(plain.summary.traceHash);

      // The override is the same run as a file that says seed 9 itself.
      const seed9 = JSON.stringify({ ...JSON.parse(SCENARIO_FILE), seed: 9 });
      const fromFile = await runJson(['--scenario', 'seed9.json'], { 'seed9.json': seed9 });
      expect(fromFile.summary.traceHash).toBe(reseeded.summary.traceHash);
    });

    it('a bad file exits 2, naming the file and the field', async () => {
      const bad = JSON.stringify({ cluster: { nodes: 12 } });
      const { code, err } = await cli(['run', '--scenario', 'bad.json'], { 'bad.json': bad });
      expect(code).toBe(2);
      expect(err).toMatch(/^faultline: bad\.json: cluster\.nodes: must be an integer from 1 to 9, got 12$/m);
    });

    it('a flag that makes the file invalid is reported against the file', async () => {
      const { code, err } = await cli(['run', '--scenario', 'cli.json', '--nodes', '2'], {
        'cli.json': JSON.stringify({ ...JSON.parse(SCENARIO_FILE), actions: [{ atMs: 10, type: 'crash', node: 'n3' }] }),
      });
      expect(code).toBe(2);
      expect(err).toMatch(/cli\.json: actions\[0\]\.node: must be a node id of this cluster/);
    });

    it('--until before some of the file\'s actions runs that prefix of the scenario (as the lab shows it)', async () => {
      const files = { 'cli.json': SCENARIO_FILE }; // its one action is at 500 ms
      const prefix = await runJson(['--scenario', 'cli.json', '--until', '400ms'], files);
      expect(prefix.code).toBe(0);
      expect(prefix.summary.clientOps.invoked).toBe(0);
      const whole = await runJson(['--scenario', 'cli.json', '--until', '600ms'], files);
      expect(whole.summary.clientOps.invoked).toBe(1);
    });
  });
});

describe('faultline run --mermaid', () => {
  const args = ['run', '--nodes', '3', '--seed', '1', '--until', '1s'];

  it('prints the window as a Mermaid sequence diagram instead of the summary', async () => {
    const { code, out, err } = await cli([...args, '--mermaid', '0..600ms']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines.slice(0, 7)).toEqual([
      'sequenceDiagram',
      '  title raft, 3 nodes, seed 1, 0ms..600ms',
      '  participant n1',
      '  participant n2',
      '  participant n3',
      '  participant c1',
      '  participant c2',
    ]);
    expect(lines).toContain('  Note over n1: 203ms leader t1');
    expect(lines.filter((l) => /^ {2}n1->>n[23]: RequestVote t1 /.test(l))).toHaveLength(2);
    expect(out).not.toContain('trace hash');
    expect(out.endsWith('\n')).toBe(true);
  });

  it('is deterministic, and the same window of a longer run gives the same diagram', async () => {
    const a = await cli([...args, '--mermaid', '1200ms..1500ms', '--until', '2s']);
    const b = await cli([...args, '--mermaid', '1.2s..1.5s', '--until', '2s']);
    expect(a.code).toBe(0);
    expect(b.out).toBe(a.out);
    const c = await cli([...args, '--mermaid', '1.2s..1.5s', '--until', '3s']);
    expect(c.out).toBe(a.out);
  });

  it('with --json puts the diagram in the summary as "mermaid", and the trace hash is unchanged', async () => {
    const plain = await runJson(args.slice(1));
    const withDiagram = await runJson([...args.slice(1), '--mermaid', '0..600ms']);
    const text = (await cli([...args, '--mermaid', '0..600ms'])).out;
    const summary = withDiagram.summary as RunSummary & { mermaid: { fromMs: number; toMs: number; arrows: number; truncated: boolean; text: string } };
    expect(summary.traceHash).toBe(plain.summary.traceHash);
    expect(summary.mermaid).toEqual({ fromMs: 0, toMs: 600, arrows: text.split('\n').filter((l) => /^ {2}\w+(->>|-x|--x)\w+:/.test(l)).length, truncated: false, text });
    expect((plain.summary as RunSummary & { mermaid?: unknown }).mermaid).toBeUndefined();
  });

  it('draws messages a scenario\'s partition dropped as lost arrows', async () => {
    const file = JSON.stringify({ ...JSON.parse(SCENARIO_FILE), actions: [{ atMs: 400, type: 'partition', groups: [['n1'], ['n2', 'n3']] }] });
    const { code, out } = await cli(['run', '--scenario', 'p.json', '--mermaid', '350ms..700ms'], { 'p.json': file });
    expect(code).toBe(0);
    expect(out).toMatch(/^ {2}Note over n1,n3: 400ms operator: partition n1 vs n2,n3$/m);
    expect(out).toMatch(/^ {2}n\d-xn\d: AppendEntries t\d+ n=0 commit=\d+, lost: partition$/m);
  });

  it('exits 1 when the run breaks an invariant, and the diagram notes the violation', async () => {
    const faults = ['run', '--bug', 'vote-without-log-check', '--nodes', '5', '--seed', '6', '--until', '5s', '--nemesis', 'partition,crash', '--nemesis-interval', '1s', '--load', '20'];
    const { summary } = await runJson(faults.slice(1));
    const v = summary.violations[0]!;
    const { code, out } = await cli([...faults, '--mermaid', `${v.atMs}ms..${v.atMs}ms`]);
    expect(code).toBe(1);
    expect(out).toMatch(new RegExp(`^ {2}Note over n\\d(,n\\d)?: ${v.atMs}ms VIOLATION ${v.invariant}: `, 'm'));
  });

  it.each([
    ['2s..1s', '--mermaid: the window starts after it ends (2000 ms > 1000 ms) in "2s..1s"'],
    ['1s', '--mermaid: expected a time window FROM..TO such as 1s..2.5s or 0..600ms, got "1s"'],
    ['0..soon', '--mermaid: expected a duration such as 500ms, 60s, 2m or 1h, got "soon"'],
    ['500ms..2s', '--mermaid: the window 500ms..2000ms ends after the run does (1000 ms; see --until)'],
  ])('refuses the window %s with exit 2, naming the flag', async (window, message) => {
    const { code, out, err } = await cli([...args, '--mermaid', window]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(`faultline: ${message}\n`);
  });
});

describe('faultline run --protocol paxos', () => {
  it('runs Multi-Paxos deterministically, safe under faults, with each node\'s applied slot as its commit point', async () => {
    const args = ['run', '--protocol', 'multipaxos', '--nodes', '5', '--seed', '42', '--until', '10s', '--nemesis', 'partition,crash', '--nemesis-interval', '1s', '--load', '20', '--json'];
    const a = await cli(args);
    const b = await cli(args);
    expect(a.code).toBe(0);
    const summary = JSON.parse(a.out) as { protocol: string; traceHash: string; violations: unknown[]; clientOps: { ok: number }; commitIndexes: Record<string, number | null> };
    expect(summary.protocol).toBe('paxos');
    expect(summary.violations).toEqual([]);
    expect(summary.clientOps.ok).toBeGreaterThan(50);
    expect(Object.values(summary.commitIndexes).some((c) => c !== null && c > 10)).toBe(true);
    expect((JSON.parse(b.out) as { traceHash: string }).traceHash).toBe(summary.traceHash);
  });

  it('with quorums that need not meet (--q1 2 --q2 2 of 5), Agreement breaks: exit 1', async () => {
    const r = await cli(['run', '--protocol', 'multipaxos', '--nodes', '5', '--seed', '3', '--until', '30s', '--nemesis', 'partition', '--nemesis-interval', '1s', '--load', '20', '--q1', '2', '--q2', '2']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Agreement at \d+ ms/);
  });

  it('--protocol paxos is single-decree: one value chosen, in slot 1 only', async () => {
    const r = await cli(['run', '--protocol', 'paxos', '--nodes', '5', '--seed', '4', '--until', '5s', '--load', '5', '--trace']);
    expect(r.code).toBe(0);
    const chosen = r.out.split('\n').filter((l) => / chosen n\d slot /.test(l));
    expect(chosen).toHaveLength(5);
    expect(new Set(chosen.map((l) => l.replace(/^.* chosen n\d /, '')))).toEqual(new Set([chosen[0]!.replace(/^.* chosen n\d /, '')]));
    expect(chosen.every((l) => / slot 1 /.test(l))).toBe(true);
  });

  it('refuses a quorum larger than the cluster and a Raft bug on Paxos, naming the field (exit 2)', async () => {
    const big = await cli(['run', '--protocol', 'multipaxos', '--nodes', '3', '--q1', '5']);
    expect(big.code).toBe(2);
    expect(big.err).toMatch(/options: paxos\.phase1Quorum: must be an integer from 1 to 3, got 5/);
    const bug = await cli(['run', '--protocol', 'paxos', '--bug', 'no-step-down']);
    expect(bug.code).toBe(2);
    expect(bug.err).toMatch(/bugs\[0\]: must be one of "acceptor-forgets-promise"/);
  });
});

describe('faultline validate lessons', () => {
  it('checks one lesson, or every lesson of a folder, naming file, line and reason (exit 2)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'faultline-lessons-'));
    try {
      cpSync(join(process.cwd(), 'lessons', 'leader-election'), join(root, 'leader-election'), { recursive: true });
      cpSync(join(process.cwd(), 'lessons', 'why-agree'), join(root, 'why-agree'), { recursive: true });
      const ok = await cli(['validate', join(root, 'leader-election')]);
      expect(ok.code).toBe(0);
      expect(ok.out).toMatch(/leader-election: valid lesson "Leader election" \(raft, \d+ steps/);
      expect((await cli(['validate', root])).code).toBe(0);
      const file = join(root, 'why-agree', 'lesson.md');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^minutes: .*$/m, 'minutes: soon'));
      const bad = await cli(['validate', root]);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/lessons\/why-agree\/lesson.md:\d+: minutes must be a whole number from 1 to 120, got "soon"/);
      expect(bad.out).toMatch(/leader-election: valid lesson/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('faultline validate presentations', () => {
  it('checks one deck or every deck against the scenarios beside them, naming file, line and field (exit 2)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'faultline-decks-'));
    try {
      cpSync(join(process.cwd(), 'presentations'), join(root, 'presentations'), { recursive: true });
      cpSync(join(process.cwd(), 'scenarios'), join(root, 'scenarios'), { recursive: true });
      cpSync(join(process.cwd(), 'lessons'), join(root, 'lessons'), { recursive: true });
      const all = await cli(['validate', join(root, 'presentations')]);
      expect(all.code).toBe(0);
      expect(all.out).toMatch(/raft-under-failure.md: valid deck "Raft under failure" \(\d+ scenes\)/);
      const file = join(root, 'presentations', 'raft-under-failure.md');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/scenario=figure-8-commit-old-term/, 'scenario=figure-9'));
      const bad = await cli(['validate', file]);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/presentations\/raft-under-failure.md:\d+: .*figure-9/);
      // Without the scenarios beside it, the deck's bundled scenarios are unknown: invalid too.
      rmSync(join(root, 'scenarios'), { recursive: true });
      expect((await cli(['validate', join(root, 'presentations')])).code).toBe(2);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('faultline validate', () => {
  it('a valid file exits 0 and says what it holds', async () => {
    const { code, out, err } = await cli(['validate', 'ok.json'], { 'ok.json': SCENARIO_FILE });
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toBe('ok.json: valid scenario "cli test" (raft, 3 nodes, 1000 ms, 1 actions)\n');
  });

  it('the default scenario is valid', async () => {
    expect((await cli(['validate', 'd.json'], { 'd.json': JSON.stringify(defaultScenario()) })).code).toBe(0);
  });

  it('a file with a bad field exits 2, and stderr names the file and the path of the field', async () => {
    const bad = JSON.stringify({ ...JSON.parse(SCENARIO_FILE), cluster: { nodes: 0 }, timing: { heartbeatMs: 'fast' } });
    const { code, out, err } = await cli(['validate', 'bad.json'], { 'bad.json': bad });
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('bad.json: cluster.nodes: must be an integer from 1 to 9, got 0');
    expect(err).toContain('bad.json: timing.heartbeatMs: must be an integer');
  });

  it('an unknown field is an error, not silently ignored', async () => {
    const { code, err } = await cli(['validate', 'typo.json'], { 'typo.json': JSON.stringify({ clustr: { nodes: 3 } }) });
    expect(code).toBe(2);
    expect(err).toMatch(/typo\.json: clustr: unknown field/);
  });

  it('a file that is not JSON exits 2', async () => {
    const { code, err } = await cli(['validate', 'x.json'], { 'x.json': '{ nodes: 3' });
    expect(code).toBe(2);
    expect(err).toMatch(/x\.json: \(top level\): not valid JSON/);
  });

  it('a missing file exits 2 and names it', async () => {
    const { code, err } = await cli(['validate', 'nowhere.json']);
    expect(code).toBe(2);
    expect(err).toBe('faultline: nowhere.json: cannot read the file (ENOENT)\n');
  });

  it('needs exactly one FILE', async () => {
    expect((await cli(['validate'])).code).toBe(2);
    const two = await cli(['validate', 'a.json', 'b.json'], { 'a.json': SCENARIO_FILE, 'b.json': SCENARIO_FILE });
    expect(two.code).toBe(2);
    expect(two.err).toMatch(/validate: expected exactly one FILE/);
  });
});

describe('usage', () => {
  it('no command prints the usage and exits 2', async () => {
    const { code, out } = await cli([]);
    expect(code).toBe(2);
    expect(out).toBe(USAGE);
  });

  it.each(['help', '--help', '-h'])('%s prints the usage and exits 0', async (command) => {
    const { code, out, err } = await cli([command]);
    expect(code).toBe(0);
    expect(out).toBe(USAGE);
    expect(err).toBe('');
  });

  it('the usage names every command and run option', () => {
    for (const word of ['run', 'validate', 'bench', '--scenario', '--nodes', '--seed', '--until', '--nemesis', '--load', '--bug', '--json', '--trace', '--mermaid']) {
      expect(USAGE).toContain(word);
    }
  });

  it('an unknown command exits 2 and names it', async () => {
    const { code, err } = await cli(['fly']);
    expect(code).toBe(2);
    expect(err).toMatch(/^faultline: unknown command "fly" \(run, validate, lincheck, /);
  });
});

describe('faultline lincheck', () => {
  const LOG_OK = [
    'INFO  jepsen.util - 0\t:invoke\t:write\t1',
    'INFO  jepsen.util - 0\t:ok\t:write\t1',
    'INFO  jepsen.util - 1\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 1\t:ok\t:read\t1',
  ].join('\n');
  const LOG_BAD = LOG_OK.replace(':ok\t:read\t1', ':ok\t:read\t7');

  it('a linearizable history exits 0, and --json says so', async () => {
    const { code, out } = await cli(['lincheck', 'h.log', '--json'], { 'h.log': LOG_OK });
    expect(code).toBe(0);
    const r = JSON.parse(out) as { linearizable: unknown; operations: number };
    expect(r).toMatchObject({ linearizable: true, operations: 2 });
  });

  it('a history that is not linearizable exits 1 and names the operations that cannot be ordered', async () => {
    const { code, out } = await cli(['lincheck', 'h.log'], { 'h.log': LOG_BAD });
    expect(code).toBe(1);
    expect(out).toMatch(/NOT linearizable/);
    expect(out).toMatch(/1 read = 7 \(line 3\)/);
  });

  it('bad input exits 2 with the line and what was expected', async () => {
    const { code, err } = await cli(['lincheck', 'h.log'], { 'h.log': LOG_OK + '\nINFO  jepsen.util - 1\t:oops\t:read\tnil' });
    expect(code).toBe(2);
    expect(err).toMatch(/h\.log:5:/);
    expect((await cli(['lincheck', 'h.log', '--format', 'xml'], { 'h.log': LOG_OK })).code).toBe(2);
    expect((await cli(['lincheck', 'missing.log'])).err).toMatch(/missing\.log: cannot read the file/);
  });

  it('a budget too small answers unknown with exit 3', async () => {
    const ops: string[] = [];
    for (let i = 0; i < 30; i++) ops.push(`INFO  jepsen.util - ${i}\t:invoke\t:write\t${i}`);
    ops.push('INFO  jepsen.util - 99\t:invoke\t:read\tnil', 'INFO  jepsen.util - 99\t:ok\t:read\t1000');
    const { code } = await cli(['lincheck', 'h.log', '--timeout', '0.001'], { 'h.log': ops.join('\n') });
    expect(code).toBe(3);
  });
});

describe('faultline run --regions and --metrics', () => {
  it('places nodes round robin and reports per-region latency, quorum-ack latency and the budget in the JSON', async () => {
    const { code, summary } = await runJson(['--regions', 'us-east,eu-west', '--nodes', '3', '--seed', '4', '--until', '6s', '--load', '20']);
    expect(code).toBe(0);
    const geo = summary.geo!;
    expect(geo.nodeRegions).toEqual({ n1: 'us-east', n2: 'eu-west', n3: 'us-east' });
    expect(geo.clientRegions).toEqual(['us-east', 'eu-west']);
    expect(geo.note).toMatch(/pproximate/);
    for (const region of ['us-east', 'eu-west']) {
      expect(geo.clientLatencyMs[region]!.count).toBeGreaterThan(0);
      expect(geo.clientLatencyMs[region]!.p99).toBeGreaterThanOrEqual(geo.clientLatencyMs[region]!.p50);
    }
    expect(geo.quorumAckMs.count).toBeGreaterThan(0);
    expect(geo.budget!.map((b) => b.clientRegion)).toEqual(['us-east', 'eu-west']);
    expect(geo.leaderPlacement.map((r) => r.leaderRegion)).toEqual(['us-east', 'eu-west']);
  });

  it('refuses unknown regions, naming them', async () => {
    const r = await cli(['run', '--regions', 'us-east,mars,atlantis']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown regions "mars", "atlantis" \(known: us-east, /);
  });

  it('writes the metrics time series as CSV or JSON by the file extension', async () => {
    const written = new Map<string, string>();
    const io: FakeIo = Object.assign(fakeIo(), { writeFile: (path: string, text: string) => void written.set(path, text) });
    const argv = ['run', '--regions', 'us-east,us-west,eu-west', '--seed', '2', '--until', '3s', '--load', '10'];
    expect(await main([...argv, '--metrics', 'out.csv'], io)).toBe(0);
    const csv = written.get('out.csv')!.trimEnd().split('\n');
    expect(csv[0]).toMatch(/^start_s,leader,term,leader_changes_per_min,commit_index_n1,.*quorum_ack_p50_ms,quorum_ack_p99_ms,.*client_us-east_p99_ms.*rejected_overloaded,rejected_queue-full,retries,timeouts,in_flight_max$/);
    expect(csv).toHaveLength(4);
    expect(await main([...argv, '--metrics', 'out.json', '--metrics-bucket', '500ms'], io)).toBe(0);
    const series = JSON.parse(written.get('out.json')!) as { bucketMs: number; regions: string[]; buckets: Array<{ startMs: number; leader: string | null }> };
    expect(series.bucketMs).toBe(500);
    expect(series.regions).toEqual(['us-east', 'us-west', 'eu-west']);
    expect(series.buckets.map((b) => b.startMs)).toEqual([0, 500, 1000, 1500, 2000, 2500]);
    expect(series.buckets[5]!.leader).toMatch(/^n[1-5]$/);
  });

  it('--metrics without regions works too, and the summary has no geo', async () => {
    const written = new Map<string, string>();
    const io: FakeIo = Object.assign(fakeIo(), { writeFile: (path: string, text: string) => void written.set(path, text) });
    expect(await main(['run', '--until', '2s', '--metrics', 'm.json', '--json'], io)).toBe(0);
    expect(JSON.parse(io.stdout)).not.toHaveProperty('geo');
    expect(JSON.parse(written.get('m.json')!).buckets).toHaveLength(2);
    expect((await cli(['run', '--metrics-bucket', '1s'])).err).toMatch(/--metrics-bucket: goes with --metrics FILE/);
  });
});
