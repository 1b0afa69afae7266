/**
 * `faultline fuzz [--protocol raft|paxos|multipaxos [--q1 K --q2 K | --grid RxC]] --seeds N [--bug NAME]
 *                 [--until DURATION] [--workers K] [--nemesis LIST|swarm|hunt] [--load OPS] [--all]
 *                 [--json] [--out DIR]`
 *
 * A seeded fuzz campaign: seeds 1..N on worker threads, each a run under a nemesis, checked for every
 * invariant of its protocol (after every event) and for linearizability of its client history (with a search
 * budget: 'unknown' is reported, and is not a violation). It stops at the first violating seed
 * (unless --all), shrinks it (src/check/shrink.ts) and writes the shrunk scenario as a file, with the
 * command that replays it and the lab link that shows it. Every failure says how to reproduce it.
 *
 * Exit codes: 0 no violation, 1 a violation was found, 2 bad input.
 */
import { availableParallelism } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Verdict } from '../check/history';
import { evaluateScenario, NOT_LINEARIZABLE, shrinkScenario, type ShrinkResult } from '../check/shrink';
import {
  buildScenario, defaultScenario, NEMESIS_FAULTS, parseScenario, paxosQuorumsText, ScenarioError, LIMITS, type NemesisFault, type OperatorAction, type Scenario,
} from '../sim/scenario';
import { RngStreams } from '../sim/rng';
import { lastFlag, parseArgs, parseDurationMs, parseGridArg, parseIntArg, parseList, parseNumberArg, UsageError } from './args';
import { campaignNemesis } from './bench';
import type { CliIo } from './main';
import { runOnWorkers } from './worker-pool';
import { formatGrid, type GridShape } from '../protocols/paxos/quorums';

export interface FuzzIo extends CliIo {
  /** Writes a file, creating its folder (default: the real file system). */
  writeFile?(path: string, text: string): void;
}

/** swarm: each seed its own fault mix and cadence (swarmNemesis); hunt: partitions, kills and slow nodes every 200 ms. */
export type FuzzNemesis = 'swarm' | 'hunt' | NemesisFault[];

export interface FuzzConfig {
  /** raft (default), paxos (single-decree) or multipaxos. */
  protocol?: 'raft' | 'paxos' | 'multipaxos';
  /** Paxos's phase-1 and phase-2 quorum sizes (Flexible Paxos); absent or null: majorities. */
  phase1Quorum?: number | null;
  phase2Quorum?: number | null;
  /** Paxos: a grid quorum system instead of sizes (the cluster is then rows x columns nodes). */
  grid?: GridShape | null;
  bugs: string[];
  untilMs: number;
  nemesis: FuzzNemesis;
  opsPerSec: number;
  /** Linearizability search budget per key (steps). */
  linMaxSteps?: number;
}

/** Interval of a fixed nemesis list (`--nemesis partition,crash`): the CLI's default, 5 s. */
const FIXED_NEMESIS_INTERVAL_MS = 5000;
const DEFAULT_SEEDS = 100;
const SEEDS_MAX = 1_000_000;
const DEFAULT_UNTIL_MS = 60_000;
const DEFAULT_LOAD_OPS_PER_SEC = 20;
const DEFAULT_OUT_DIR = 'fuzz-out';
/** With --all, only the first violations are shrunk: each shrink costs up to SHRINK_MAX_RUNS runs. */
const SHRINK_VIOLATIONS_MAX = 10;
const SHRINK_MAX_RUNS = 300;
/** The lab (`npm run dev`); a run's inputs go in its query string (src/ui/lab/url-state.ts). */
const LAB_ORIGIN = 'http://localhost:5173/';
/** What the lab accepts (src/worker/lab-session.ts: LAB_ACTIONS_MAX, LAB_DEFAULT_END_MS; actions from 1 ms). */
const LAB_ACTIONS_MAX = 500;
const LAB_END_MS = 3_600_000;

/** Cadences a swarm seed may draw: from a fault every 200 ms (a storm of them) to one every 2 s. */
const SWARM_INTERVALS_MS = [200, 400, 1000, 2000] as const;

/**
 * Swarm testing (Groce et al., "Swarm Testing", ISSTA 2012): each seed enables its own random subset
 * of the fault kinds (each kind in with probability 1/2, at least one) and its own cadence, so some
 * seeds hammer one fault hard while others mix many; the nemesis then draws each fault's own rates
 * (slow factors, skew rates, storm probabilities). A pure function of the seed.
 */
export function swarmNemesis(seed: number): { faults: NemesisFault[]; intervalMs: number } {
  const rng = new RngStreams(seed).stream('swarm');
  let faults = NEMESIS_FAULTS.filter(() => rng.chance(0.5));
  if (faults.length === 0) faults = [rng.pick(NEMESIS_FAULTS)];
  return { faults, intervalMs: rng.pick(SWARM_INTERVALS_MS) };
}

/**
 * What a campaign hunts, as a name for its output and files: the bugs, else the protocol and any
 * quorum sizes or grid (`multipaxos-q1-2-q2-2`, `multipaxos-grid-3x3`).
 */
export function campaignLabel(config: FuzzConfig): string {
  if (config.bugs.length > 0) return config.bugs.join('+');
  const parts: string[] = [config.protocol ?? 'raft'];
  if (config.phase1Quorum != null) parts.push(`q1-${config.phase1Quorum}`);
  if (config.phase2Quorum != null) parts.push(`q2-${config.phase2Quorum}`);
  if (config.grid != null) parts.push(`grid-${formatGrid(config.grid)}`);
  return parts.join('-');
}

/** The scenario of one seed of a campaign. */
export function fuzzScenario(config: FuzzConfig, seed: number): Scenario {
  const nemesis =
    config.nemesis === 'swarm'
      ? swarmNemesis(seed)
      : config.nemesis === 'hunt'
        ? campaignNemesis('hunt', seed)
        : { faults: config.nemesis, intervalMs: FIXED_NEMESIS_INTERVAL_MS };
  const protocol = config.protocol ?? 'raft';
  return buildScenario({
    protocol: protocol === 'multipaxos' ? 'paxos' : protocol,
    ...(protocol === 'raft' ? {} : { paxosMode: protocol === 'paxos' ? 'single' : 'multi' }),
    ...(config.phase1Quorum != null ? { phase1Quorum: config.phase1Quorum } : {}),
    ...(config.phase2Quorum != null ? { phase2Quorum: config.phase2Quorum } : {}),
    ...(config.grid != null ? { grid: config.grid } : {}),
    seed,
    untilMs: config.untilMs,
    nemesis: nemesis.faults,
    nemesisIntervalMs: nemesis.intervalMs,
    loadOpsPerSec: config.opsPerSec,
    bugs: config.bugs,
    name: `fuzz ${campaignLabel(config)} seed ${seed}`,
  });
}

export interface SeedCheck {
  seed: number;
  /** Violated invariants, in order of first violation. */
  invariants: string[];
  linearizable: Verdict;
  nonLinearizableKeys: string[];
  unknownKeys: string[];
}

export type FuzzJob = { kind: 'check'; seed: number; config: FuzzConfig } | { kind: 'shrink'; seed: number; config: FuzzConfig };

export function isViolation(c: SeedCheck): boolean {
  return c.invariants.length > 0 || c.linearizable === false;
}

/** Runs one job (inside a worker, or in tests). */
export function runFuzzJob(job: FuzzJob): SeedCheck | ShrinkResult {
  const scenario = fuzzScenario(job.config, job.seed);
  const lin = { linMaxSteps: job.config.linMaxSteps };
  if (job.kind === 'shrink') return shrinkScenario(scenario, { ...lin, maxRuns: SHRINK_MAX_RUNS });
  const e = evaluateScenario(scenario, lin);
  return {
    seed: job.seed,
    invariants: e.invariants,
    linearizable: e.linearizable ?? 'unknown',
    nonLinearizableKeys: e.nonLinearizableKeys,
    unknownKeys: e.unknownKeys,
  };
}

// ---- the lab link --------------------------------------------------------------------------------

/** base64url(JSON) of the actions: the lab's `actions` parameter (url-state.ts encodeActions). */
export function encodeActionsParam(actions: readonly OperatorAction[]): string {
  return Buffer.from(JSON.stringify(actions), 'utf8').toString('base64url');
}

/**
 * The lab link that computes the same run, or why there is none. The lab takes the protocol (Paxos
 * with its quorum sizes), seed, nodes, bugs, load, nemesis kinds and actions over the default scenario; it cannot carry timing, network,
 * workload fields other than the load, or the nemesis interval.
 */
export function labUrl(s: Scenario): { url: string | null; why: string | null } {
  const d = defaultScenario();
  const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  if (!sameJson(s.timing, d.timing) || !sameJson(s.network, d.network)) return { url: null, why: 'the lab cannot set timing or network fields' };
  if (!sameJson({ ...s.workload, opsPerSec: 0 }, { ...d.workload, opsPerSec: 0 })) return { url: null, why: 'the lab can set only the load of the workload' };
  if (s.nemesis.faults.length > 0 && s.nemesis.intervalMs !== d.nemesis.intervalMs) {
    return { url: null, why: `the lab cannot set the nemesis interval (${s.nemesis.intervalMs} ms)` };
  }
  if (s.actions.length > LAB_ACTIONS_MAX) return { url: null, why: `the lab takes at most ${LAB_ACTIONS_MAX} actions, this has ${s.actions.length}` };
  if (s.untilMs > LAB_END_MS) return { url: null, why: `the lab runs at most ${LAB_END_MS / 60_000} minutes` };
  if (s.actions.some((a) => a.atMs < 1)) return { url: null, why: 'the lab takes actions from 1 ms on' };
  const params: string[] = [];
  // Paxos first, as the lab's own links put it: the protocol in the CLI's names, then any quorum sizes.
  if (s.protocol === 'paxos') {
    params.push(`protocol=${s.paxos.mode === 'single' ? 'paxos' : 'multipaxos'}`);
    if (s.paxos.phase1Quorum !== null) params.push(`q1=${s.paxos.phase1Quorum}`);
    if (s.paxos.phase2Quorum !== null) params.push(`q2=${s.paxos.phase2Quorum}`);
    if (s.paxos.grid !== undefined) params.push(`grid=${formatGrid(s.paxos.grid)}`);
  }
  params.push(`seed=${s.seed}`, `nodes=${s.cluster.nodes}`, `bug=${s.bugs.length ? s.bugs.join(',') : 'none'}`, `load=${s.workload.opsPerSec}`);
  if (s.nemesis.faults.length > 0) params.push(`nemesis=${s.nemesis.faults.join(',')}`);
  if (s.actions.length > 0) params.push(`actions=${encodeActionsParam(s.actions)}`);
  params.push(`t=${s.untilMs}`);
  return { url: `${LAB_ORIGIN}?${params.join('&')}`, why: null };
}

// ---- the command ---------------------------------------------------------------------------------

interface ShrunkReport {
  /** The scenario file written, or null if it could not be written (the scenario is then below). */
  file: string | null;
  scenario: Scenario | null;
  /** The shrunk scenario: nemesis faults in its run, operator actions, length, load. */
  faults: number;
  actions: number;
  untilMs: number;
  opsPerSec: number;
  /** The original run, for comparison. */
  original: ShrinkResult['original'];
  target: string;
  converted: boolean;
  runs: number;
  budgetExhausted: boolean;
  notes: string[];
  command: string;
  url: string | null;
  urlProblem: string | null;
}

interface ViolationReport {
  seed: number;
  /** The command that runs this seed's scenario as the campaign did (invariants only). */
  replay: string;
  invariants: string[];
  linearizable: Verdict;
  nonLinearizableKeys: string[];
  shrunk: ShrunkReport | null;
}

/** The `faultline run` command that computes a fuzz scenario as it is (before shrinking). */
export function runCommandFor(s: Scenario): string {
  const parts = ['npm run -s faultline -- run', `--seed ${s.seed}`, `--nodes ${s.cluster.nodes}`, `--until ${s.untilMs}ms`, `--load ${s.workload.opsPerSec}`];
  if (s.protocol !== 'raft') {
    parts.splice(1, 0, `--protocol ${s.paxos.mode === 'single' ? 'paxos' : 'multipaxos'}`);
    if (s.paxos.phase1Quorum !== null) parts.push(`--q1 ${s.paxos.phase1Quorum}`);
    if (s.paxos.phase2Quorum !== null) parts.push(`--q2 ${s.paxos.phase2Quorum}`);
    if (s.paxos.grid !== undefined) parts.push(`--grid ${formatGrid(s.paxos.grid)}`);
  }
  if (s.nemesis.faults.length > 0) parts.push(`--nemesis ${s.nemesis.faults.join(',')}`, `--nemesis-interval ${s.nemesis.intervalMs}ms`);
  for (const b of s.bugs) parts.push(`--bug ${b}`);
  return parts.join(' ');
}

function shellWord(text: string): string {
  return /^[\w./:=+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function parseNemesis(text: string | undefined): FuzzNemesis {
  if (text === undefined || text === 'swarm') return 'swarm';
  if (text === 'hunt') return 'hunt';
  const faults = parseList(text);
  for (const f of faults) {
    if (!(NEMESIS_FAULTS as readonly string[]).includes(f)) {
      throw new UsageError(`--nemesis: "${f}" is not a fault (expected swarm, hunt, none, or a list of ${NEMESIS_FAULTS.join(', ')})`);
    }
  }
  return faults as NemesisFault[];
}

function describeNemesis(n: FuzzNemesis): string {
  if (n === 'swarm') return 'swarm nemesis (each seed its own fault mix, cadence and rates)';
  if (n === 'hunt') return 'hunt nemesis (partitions, kills and slow nodes every 200 ms)';
  return n.length === 0 ? 'no nemesis' : `nemesis ${n.join(',')} every ${FIXED_NEMESIS_INTERVAL_MS / 1000} s`;
}

/** The quorums of a Paxos campaign, and a warning when a phase-1 and a phase-2 quorum need not meet. */
function quorumNote(config: FuzzConfig): string {
  const text = paxosQuorumsText(fuzzScenario(config, 1));
  return text === null ? '' : ` (${text})`;
}

function whatBroke(c: SeedCheck): string {
  const parts: string[] = [];
  if (c.invariants.length > 0) parts.push(c.invariants.join(', '));
  if (c.linearizable === false) parts.push(`${NOT_LINEARIZABLE} (key ${c.nonLinearizableKeys.join(', ')})`);
  return parts.join('; ');
}

function writeScenarioFile(io: FuzzIo, path: string, scenario: Scenario): void {
  // The file must load as it is: validate before writing (a shrinker bug must not ship a bad file).
  const parsed = parseScenario(JSON.parse(JSON.stringify(scenario)));
  if (!parsed.ok) throw new Error(`fuzz: the shrunk scenario does not validate: ${JSON.stringify(parsed.errors)}`);
  const text = JSON.stringify(scenario, null, 2) + '\n';
  if (io.writeFile !== undefined) {
    io.writeFile(path, text);
    return;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export async function commandFuzz(argv: readonly string[], io: FuzzIo): Promise<number> {
  const started = performance.now();
  const args = parseArgs(argv, ['protocol', 'q1', 'q2', 'grid', 'seeds', 'bug', 'until', 'workers', 'nemesis', 'load', 'out'], ['all', 'json']);
  if (args.positional.length > 0) throw new UsageError(`fuzz: unexpected argument "${args.positional[0]}"`);
  const protocol = lastFlag(args, 'protocol') ?? 'raft';
  if (protocol !== 'raft' && protocol !== 'paxos' && protocol !== 'multipaxos') {
    throw new UsageError(`--protocol: must be raft, paxos or multipaxos, got "${protocol}"`);
  }
  const seedsText = lastFlag(args, 'seeds');
  const seeds = seedsText === undefined ? DEFAULT_SEEDS : parseIntArg(seedsText, '--seeds', 1, SEEDS_MAX);
  const untilText = lastFlag(args, 'until');
  const untilMs = untilText === undefined ? DEFAULT_UNTIL_MS : parseDurationMs(untilText, '--until');
  if (untilMs > LIMITS.untilMsMax) throw new UsageError(`--until: at most ${LIMITS.untilMsMax / 3_600_000} h`);
  const workersText = lastFlag(args, 'workers');
  const workers = workersText === undefined ? Math.max(1, Math.min(availableParallelism(), 8)) : parseIntArg(workersText, '--workers', 1, 64);
  const loadText = lastFlag(args, 'load');
  const opsPerSec = loadText === undefined ? DEFAULT_LOAD_OPS_PER_SEC : parseNumberArg(loadText, '--load', 0, LIMITS.opsPerSecMax);
  const q1Text = lastFlag(args, 'q1');
  const q2Text = lastFlag(args, 'q2');
  const gridText = lastFlag(args, 'grid');
  if (protocol === 'raft' && (q1Text !== undefined || q2Text !== undefined || gridText !== undefined)) {
    throw new UsageError('--q1, --q2 and --grid are Paxos quorums: add --protocol paxos or --protocol multipaxos (Raft always uses majorities)');
  }
  const config: FuzzConfig = {
    protocol,
    phase1Quorum: q1Text === undefined ? null : parseIntArg(q1Text, '--q1', 1, 9),
    phase2Quorum: q2Text === undefined ? null : parseIntArg(q2Text, '--q2', 1, 9),
    grid: gridText === undefined ? null : parseGridArg(gridText),
    bugs: (args.flags.get('bug') ?? []).flatMap(parseList),
    untilMs,
    nemesis: parseNemesis(lastFlag(args, 'nemesis')),
    opsPerSec,
  };
  const outDir = lastFlag(args, 'out') ?? DEFAULT_OUT_DIR;
  const all = args.flags.has('all');
  const json = args.flags.has('json');
  try {
    fuzzScenario(config, 1); // validates the bugs and the rest before any worker starts
  } catch (err) {
    if (err instanceof ScenarioError) throw new UsageError(err.errors.map((e) => `options: ${e.path}: ${e.message}`).join('\n'));
    throw err;
  }
  const say = (t: string): void => {
    if (!json) io.out(t + '\n');
  };
  const label = campaignLabel(config);
  say(`fuzz: ${label}${quorumNote(config)}, seeds 1-${seeds} x ${untilMs / 1000} s, ${describeNemesis(config.nemesis)}, ${opsPerSec} ops/s, ${Math.min(workers, seeds)} worker(s)`);

  const entry = new URL('./fuzz-worker.ts', import.meta.url);
  const jobs: FuzzJob[] = Array.from({ length: seeds }, (_, i) => ({ kind: 'check', seed: i + 1, config }));
  const checked = (await runOnWorkers<FuzzJob, SeedCheck>(entry, jobs, workers, (r) => !all && isViolation(r))).map((c) => c.result);
  // Seeds run in order, and a stop lets the running ones finish: every seed below the first violating
  // one was checked, so that seed (and the count below) do not depend on thread timing.
  const violating = checked.filter(isViolation);
  const firstViolating = violating[0]?.seed ?? null;
  const reported = all ? violating : violating.slice(0, 1);
  const seedsChecked = all || firstViolating === null ? checked.length : firstViolating;
  const unknown = checked.filter((c) => c.linearizable === 'unknown' && c.seed <= (all || firstViolating === null ? Infinity : firstViolating)).map((c) => c.seed);

  const toShrink = reported.slice(0, SHRINK_VIOLATIONS_MAX);
  const shrinkJobs: FuzzJob[] = toShrink.map((c) => ({ kind: 'shrink', seed: c.seed, config }));
  const shrunk = toShrink.length === 0 ? [] : (await runOnWorkers<FuzzJob, ShrinkResult>(entry, shrinkJobs, workers)).map((c) => c.result);

  const violations: ViolationReport[] = [];
  for (const [i, c] of reported.entries()) {
    const replay = runCommandFor(fuzzScenario(config, c.seed));
    say(`seed ${c.seed}: VIOLATION: ${whatBroke(c)}`);
    say(`  original  ${replay}`);
    const r = shrunk[i];
    let report: ShrunkReport | null = null;
    if (r === undefined) {
      say(`  not shrunk (only the first ${SHRINK_VIOLATIONS_MAX} violations are)`);
    } else {
      const file = join(outDir, `${label}-seed${c.seed}.json`);
      const scenario = { ...r.scenario, name: `fuzz ${label} seed ${c.seed}, shrunk to ${r.target}` };
      let written = true;
      try {
        writeScenarioFile(io, file, scenario);
      } catch (err) {
        // The violation stands (exit 1) even if its file cannot be saved; say why, and go on.
        const code = (err as NodeJS.ErrnoException).code;
        if (code === undefined) throw err;
        io.err(`faultline: fuzz: cannot write ${file} (${code}); the scenario is in the report instead\n`);
        written = false;
      }
      const command = `npm run -s faultline -- run --scenario ${shellWord(file)}`;
      const lab = labUrl(scenario);
      report = {
        file: written ? file : null,
        scenario: written ? null : scenario,
        faults: r.shrunk.faults,
        actions: r.shrunk.actions,
        untilMs: r.shrunk.untilMs,
        opsPerSec: r.shrunk.opsPerSec,
        original: r.original,
        target: r.target,
        converted: r.converted,
        runs: r.runs,
        budgetExhausted: r.budgetExhausted,
        notes: r.notes,
        command,
        url: lab.url,
        urlProblem: lab.why,
      };
      const o = r.original;
      const s = r.shrunk;
      say(`  shrunk to ${r.target} in ${r.runs} runs: ${o.faults} faults + ${o.actions} actions, ${o.untilMs} ms, ${o.opsPerSec} ops/s -> ${s.faults} faults + ${s.actions} actions, ${s.untilMs} ms, ${s.opsPerSec} ops/s`);
      for (const note of r.notes) say(`  note: ${note}`);
      say(`  scenario  ${written ? file : `(not written) ${JSON.stringify(scenario)}`}`);
      if (written) say(`  replay    ${command}${r.target === NOT_LINEARIZABLE ? '   (checks invariants only: the lab checks the history)' : ''}`);
      say(`  lab       ${lab.url ?? `(no link: ${lab.why})`}`);
    }
    violations.push({ seed: c.seed, replay, invariants: c.invariants, linearizable: c.linearizable, nonLinearizableKeys: c.nonLinearizableKeys, shrunk: report });
  }
  const ms = Math.round(performance.now() - started);
  if (unknown.length > 0) say(`linearizability unknown (search budget spent) for seed(s) ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ', ...' : ''}: not counted as violations`);
  say(
    violations.length === 0
      ? `no violation in ${seedsChecked} seeds (${(ms / 1000).toFixed(1)} s)`
      : all
        ? `${violations.length} violating seed(s) of ${seedsChecked} checked (${(ms / 1000).toFixed(1)} s)`
        : `stopped at the first violating seed, ${firstViolating} (${(ms / 1000).toFixed(1)} s; --all checks every seed)`,
  );
  if (json) io.out(JSON.stringify({ seeds: seedsChecked, violations, unknown, ms }, null, 2) + '\n');
  return violations.length > 0 ? 1 : 0;
}
