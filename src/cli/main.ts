/**
 * `faultline`, the headless command line.
 *
 *   faultline run [--scenario FILE] [--protocol raft] [--nodes N] [--seed S] [--until DURATION]
 *                 [--nemesis LIST] [--nemesis-interval DURATION] [--load OPS_PER_S] [--bug NAME]
 *                 [--regions LIST] [--metrics FILE] [--metrics-bucket DURATION]
 *                 [--json] [--trace] [--mermaid FROM..TO]
 *   faultline validate FILE | lessons/ID | lessons | presentations[/ID.md]
 *   faultline lincheck FILE [--model register|kv] [--format json|jepsen-log|edn] [--no-partition] [--timeout S] [--json]
 *   faultline bench [--quick] [--correctness] [--seeds N]
 *
 * Exit codes: 0 ok, 1 a safety violation was found, 2 bad input (message on stderr).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { bundledScenarioNames, formatProblem, parseDeck, type DeckContext } from '../present/deck';
import { lessonFolders, readLessonFolder, validateLessonFolder } from '../lessons/files';
import { Run, type RunSummary } from '../check/run';
import { GEO_NEMESIS_FAULTS, NEMESIS_FAULTS, PAXOS_BUGS, RAFT_BUGS, parseScenario, parseScenarioText, defaultScenario, paxosQuorumsText, type ValidationError, type Scenario } from '../sim/scenario';
import { sequenceDiagram } from '../export/mermaid';
import { formatEvent, type TraceEvent } from '../sim/trace';
import { REGION_IDS, isRegion } from '../sim/regions';
import { metricsCsv } from '../check/metrics';
import { installNativeTraceHasher } from './native-hash';
import { lastFlag, parseArgs, parseDurationMs, parseGridArg, parseIntArg, parseList, parseNumberArg, parseWindowMs, UsageError, type ParsedArgs } from './args';

export const USAGE = `faultline: Raft and Paxos under failure, headless and deterministic

Usage:
  faultline run [options]        run a scenario and check every safety property of its protocol after every event
  faultline validate FILE        check a scenario file, a lesson folder (lessons/ID) with its
                                 lesson.md and scenarios, every lesson (lessons), a presenter deck
                                 (presentations/ID.md) or every deck (presentations) (exit 0 valid, 2 invalid)
  faultline lincheck FILE        check a client history for linearizability (exit 0 yes, 1 no, 3 unknown)
  faultline bench [options]      measure simulator speed and memory (see BENCHMARKS.md)
  faultline fuzz [options]       seeds 1..N under a nemesis; the first violation shrunk to a file (--protocol NAME --q1 N --q2 N --grid RxC --seeds N --bug NAME --until DUR --nemesis LIST|swarm|hunt --load OPS --workers K --all --json --out DIR)

Run options:
  --scenario FILE          start from a scenario file (flags below override its fields)
  --protocol NAME          raft (default), paxos (single-decree) or multipaxos; Paxos takes
                           --q1 N --q2 N, the phase-1 and phase-2 quorum sizes (majorities); with
                           q1 + q2 <= N the quorums need not meet, and Agreement can break. Or
                           --grid RxC: the nodes in R rows of C (n1..nC the first row); phase 1
                           needs a whole column, phase 2 a whole row (3x3: 3 of 9 nodes per
                           command); sets --nodes to R*C unless given
  --nodes N                cluster size, 1-9 (default 5)
  --seed S                 seed, 0-4294967295 (default 1)
  --until DURATION         simulated time to run: 500ms, 60s, 2m, 1h (default 10s)
  --nemesis LIST           faults to inject: partition, asymmetric (one-way cuts), bridge, flap (a
                           link cut and healed repeatedly), crash, power (unsynced writes lost),
                           kill (a power cycle), pause, slow, skew (clock), duplicate, reorder, or
                           none (default)
  --nemesis-interval DUR   time between nemesis actions (default 5s)
  --load OPS_PER_S         client operations per second (default 5)
  --regions LIST           geo-replication: place the nodes in these regions in order, round robin
                           when fewer regions than nodes (us-east,eu-west,ap-tokyo); clients go round
                           robin over the whole list. Latency per link = the pair's RTT/2 (approximate
                           2017 averages) plus jitter; the JSON then has "geo": client latency per
                           region and quorum-ack latency (p50, p99, ms), the analytic latency budget
                           per client region and a leader-placement table. Regions: ${REGION_IDS.slice(0, 5).join(', ')},
                           ${REGION_IDS.slice(5).join(', ')}
  --metrics FILE           write the run's metrics as time series (per 1 s of virtual time): leader,
                           term, leader changes per minute, commit index per node, quorum-ack and
                           client latency p50/p99 by region, admission rejections by reason, retries,
                           timeouts, messages in flight. CSV if FILE ends in .csv, else JSON
  --metrics-bucket DUR     the time series' bucket (default 1s)
  --bug NAME               run a deliberately broken protocol (repeatable). Raft: commit-old-term,
                           vote-without-log-check, forget-vote-on-restart, skip-prev-log-check,
                           no-step-down. Paxos: acceptor-forgets-promise, ignore-accepted-value,
                           accept-lower-ballot
  --json                   print one JSON object (traceHash, events, violations, ...)
  --trace                  print every trace event, one per line
  --mermaid FROM..TO       print the time window FROM..TO (e.g. 1s..2.5s, 0..600ms) as a Mermaid
                           sequence diagram instead of the summary (with --json: the summary's
                           "mermaid" field); at most 200 arrows

Lincheck options:
  --format json|jepsen-log|edn   the file's format (default: detected)
  --model register|kv      insist on a model (default: the file's)
  --no-partition           check all keys together instead of each key on its own
  --timeout S              give up with "unknown" (exit 3) after S seconds (default 60)
  --json                   print {linearizable, ms, operations, partitions}

Exit codes: 0 ok, 1 safety violation found (lincheck: not linearizable), 2 bad input, 3 unknown.
`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): string;
  /** Writes a file (`run --metrics`); absent in fakes that never write. */
  writeFile?(path: string, text: string): void;
}

/** Writes a file, creating its folder first (`fuzz --out DIR` names a folder that need not exist). */
export function writeFileCreatingFolder(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const nodeIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  readFile: (p) => readFileSync(p, 'utf8'),
  writeFile: writeFileCreatingFolder,
};

function formatErrors(source: string, errors: readonly ValidationError[]): string {
  return errors.map((e) => `${source}: ${e.path === '' ? '(top level)' : e.path}: ${e.message}`).join('\n') + '\n';
}

function loadScenarioFile(path: string, io: CliIo): Record<string, unknown> {
  let text: string;
  try {
    text = io.readFile(path);
  } catch (err) {
    throw new UsageError(`${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const parsed = parseScenarioText(text);
  if (!parsed.ok) throw new UsageError(formatErrors(path, parsed.errors).trimEnd());
  return parsed.scenario as unknown as Record<string, unknown>;
}

/** Builds the scenario for `run`: the file (or the defaults), with the flags laid over it, validated once. */
export function scenarioFromArgs(args: ParsedArgs, io: CliIo): Scenario {
  const file = lastFlag(args, 'scenario');
  const base = file !== undefined ? loadScenarioFile(file, io) : (defaultScenario() as unknown as Record<string, unknown>);
  const raw: Record<string, unknown> = structuredClone(base);
  const section = (name: string): Record<string, unknown> => {
    raw[name] = { ...(raw[name] as Record<string, unknown>) };
    return raw[name] as Record<string, unknown>;
  };
  // `--protocol paxos` is single-decree Paxos and `multipaxos` Multi-Paxos (both the scenario protocol
  // "paxos", told apart by paxos.mode); --paxos-mode, if given, has the last word.
  const protocol = lastFlag(args, 'protocol');
  if (protocol === 'paxos' || protocol === 'multipaxos') {
    raw.protocol = 'paxos';
    section('paxos').mode = protocol === 'paxos' ? 'single' : 'multi';
  } else if (protocol !== undefined) {
    raw.protocol = protocol;
  }
  const nodes = lastFlag(args, 'nodes');
  if (nodes !== undefined) section('cluster').nodes = parseIntArg(nodes, '--nodes', 1, 9);
  const seed = lastFlag(args, 'seed');
  if (seed !== undefined) raw.seed = parseIntArg(seed, '--seed', 0, 0xffffffff);
  const until = lastFlag(args, 'until');
  if (until !== undefined) {
    raw.untilMs = parseDurationMs(until, '--until');
    // Running a prefix of a scenario: actions after the end would never fire, so they are left out
    // (the trace is the same as the whole scenario's up to that moment, which is what the lab shows).
    if (Array.isArray(raw.actions)) raw.actions = (raw.actions as Array<{ atMs?: unknown }>).filter((a) => !(typeof a?.atMs === 'number' && a.atMs > (raw.untilMs as number)));
  }
  const nemesis = lastFlag(args, 'nemesis');
  if (nemesis !== undefined) section('nemesis').faults = parseList(nemesis);
  const interval = lastFlag(args, 'nemesis-interval');
  if (interval !== undefined) section('nemesis').intervalMs = parseDurationMs(interval, '--nemesis-interval');
  const load = lastFlag(args, 'load');
  if (load !== undefined) section('workload').opsPerSec = parseNumberArg(load, '--load', 0, 10_000);
  const bugs = args.flags.get('bug');
  if (bugs !== undefined) raw.bugs = bugs.flatMap(parseList);
  // Paxos: the mode and the Flexible Paxos quorum sizes (validated against the cluster by the schema).
  const mode = lastFlag(args, 'paxos-mode');
  if (mode !== undefined) section('paxos').mode = mode;
  const q1 = lastFlag(args, 'q1');
  if (q1 !== undefined) section('paxos').phase1Quorum = parseIntArg(q1, '--q1', 1, 9);
  const q2 = lastFlag(args, 'q2');
  if (q2 !== undefined) section('paxos').phase2Quorum = parseIntArg(q2, '--q2', 1, 9);
  const gridText = lastFlag(args, 'grid');
  if (gridText !== undefined) {
    const grid = parseGridArg(gridText);
    section('paxos').grid = grid;
    // A grid of R x C is R * C nodes: the cluster takes that size unless --nodes says otherwise.
    if (nodes === undefined) section('cluster').nodes = grid.rows * grid.columns;
  }
  const regions = lastFlag(args, 'regions');
  if (regions !== undefined) placeInRegions(raw, section, regions);
  const parsed = parseScenario(raw);
  if (!parsed.ok) throw new UsageError(formatErrors(file ?? 'options', parsed.errors).trimEnd());
  return parsed.scenario;
}

/**
 * `--regions LIST`: node i in LIST[i mod len], client i likewise (so with more regions than nodes, the
 * extra regions hold clients only). A scenario file's RTT overrides and jitter are kept.
 */
function placeInRegions(raw: Record<string, unknown>, section: (name: string) => Record<string, unknown>, text: string): void {
  const list = parseList(text);
  if (list.length === 0) throw new UsageError('--regions: expected a list of regions such as us-east,us-west,eu-west');
  const unknown = list.filter((r) => !isRegion(r));
  if (unknown.length > 0) {
    throw new UsageError(`--regions: unknown region${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `"${r}"`).join(', ')} (known: ${REGION_IDS.join(', ')})`);
  }
  const nodes = (raw.cluster as { nodes?: unknown } | undefined)?.nodes;
  const clients = (raw.workload as { clients?: unknown } | undefined)?.clients;
  // Bad counts are reported by the schema; placing needs numbers.
  if (typeof nodes !== 'number' || typeof clients !== 'number' || !Number.isInteger(nodes) || !Number.isInteger(clients)) return;
  const roundRobin = (n: number): string[] => Array.from({ length: Math.max(0, Math.min(n, 64)) }, (_, i) => list[i % list.length]!);
  const r = section('regions');
  r.nodes = roundRobin(nodes);
  r.clients = roundRobin(clients);
}

/** A Paxos run's quorums, for the summary's first line: only when chosen (sizes or a grid), not for majorities. */
function quorumsText(scenario: Scenario): string {
  const p = scenario.paxos;
  const chosen = p.grid !== undefined || p.phase1Quorum !== null || p.phase2Quorum !== null;
  const text = chosen ? paxosQuorumsText(scenario) : null;
  return text === null ? '' : `, ${text}`;
}

function humanSummary(s: RunSummary, scenario: Scenario): string {
  const lines = [
    `Faultline: ${s.protocol}, ${s.nodes} nodes${quorumsText(scenario)}, seed ${s.seed}${s.bugs.length ? `, bugs: ${s.bugs.join(', ')}` : ''}`,
    `  simulated      ${(s.simulatedMs / 1000).toFixed(3)} s in ${s.steps} steps, ${s.events} trace events`,
    `  trace hash     ${s.traceHash}`,
    `  leaders        ${s.leaderChanges} elected${s.leaders.length ? ` (last: ${s.leaders[s.leaders.length - 1]!.node} in term ${s.leaders[s.leaders.length - 1]!.term})` : ''}`,
    `  commit index   ${Object.entries(s.commitIndexes).map(([n, c]) => `${n}=${c ?? 'down'}`).join(' ')}`,
    `  client ops     ${s.clientOps.invoked} invoked: ${s.clientOps.ok} ok, ${s.clientOps.fail} fail, ${s.clientOps.info} info (unknown outcome)`,
    `  messages       ${s.messages.sent} sent, ${s.messages.delivered} delivered, ${s.messages.dropped} dropped`,
  ];
  if (s.geo !== undefined) {
    const g = s.geo;
    lines.push(`  regions        ${Object.entries(g.nodeRegions).map(([n, r]) => `${n}=${r}`).join(' ')} (RTTs approximate)`);
    lines.push(`  quorum ack     p50 ${g.quorumAckMs.p50} ms, p99 ${g.quorumAckMs.p99} ms (${g.quorumAckMs.count} entries)`);
    for (const [region, p] of Object.entries(g.clientLatencyMs)) {
      const budget = g.budget?.find((b) => b.clientRegion === region);
      lines.push(`  clients ${region.padEnd(13)} p50 ${p.p50} ms, p99 ${p.p99} ms (${p.count} ok)${budget ? `; budget ${budget.expectedMs} ms via ${budget.leaderRegion}, floor ${budget.floorMs} ms` : ''}`);
    }
  }
  if (s.overload !== undefined) lines.push(`  overload       ${Object.entries(s.overload).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (s.violations.length === 0) {
    lines.push('  safety         all invariants held after every event');
  } else {
    lines.push(`  SAFETY VIOLATED (${s.violations.length}):`);
    for (const v of s.violations) lines.push(`    ${v.invariant} at ${v.atMs} ms (event ${v.eventIndex}) [${v.nodes.join(',')}]: ${v.message}`);
  }
  if (s.stoppedEarly) lines.push(`  stopped early: ${s.stoppedEarly}`);
  return lines.join('\n') + '\n';
}

/** `--mermaid FROM..TO`: the window, which must lie within the run (0..untilMs). */
function mermaidWindow(args: ParsedArgs, scenario: Scenario): [number, number] | null {
  const text = lastFlag(args, 'mermaid');
  if (text === undefined) return null;
  const [fromMs, toMs] = parseWindowMs(text, '--mermaid');
  if (toMs > scenario.untilMs) {
    throw new UsageError(`--mermaid: the window ${fromMs}ms..${toMs}ms ends after the run does (${scenario.untilMs} ms; see --until)`);
  }
  return [fromMs, toMs];
}

/** The `mermaid` field of `run --json --mermaid`. */
export interface MermaidExport {
  fromMs: number;
  toMs: number;
  arrows: number;
  truncated: boolean;
  text: string;
}

function commandRun(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(
    argv,
    ['scenario', 'protocol', 'nodes', 'seed', 'until', 'nemesis', 'nemesis-interval', 'load', 'bug', 'paxos-mode', 'q1', 'q2', 'grid', 'mermaid', 'regions', 'metrics', 'metrics-bucket'],
    ['json', 'trace'],
  );
  if (args.positional.length > 0) throw new UsageError(`run: unexpected argument "${args.positional[0]}"`);
  const scenario = scenarioFromArgs(args, io);
  const window = mermaidWindow(args, scenario);
  const trace = args.flags.has('trace');
  const metricsFile = lastFlag(args, 'metrics');
  const bucket = lastFlag(args, 'metrics-bucket');
  const metricsBucketMs = bucket === undefined ? 1000 : parseDurationMs(bucket, '--metrics-bucket');
  if (bucket !== undefined && metricsFile === undefined) throw new UsageError('--metrics-bucket: goes with --metrics FILE');
  if (metricsFile !== undefined && io.writeFile === undefined) throw new UsageError('--metrics: this environment cannot write files');
  // The diagram is drawn from the stored trace, as --trace prints it.
  const run = new Run(scenario, { keepTrace: trace || window !== null, ...(metricsFile !== undefined ? { metricsBucketMs } : {}) });
  run.runUntil();
  const summary = run.summary();
  if (metricsFile !== undefined) {
    const series = run.metricsSeries()!;
    const text = metricsFile.toLowerCase().endsWith('.csv') ? metricsCsv(series) : JSON.stringify(series, null, 2) + '\n';
    try {
      io.writeFile!(metricsFile, text);
    } catch (err) {
      throw new UsageError(`--metrics: cannot write ${metricsFile} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  if (trace) {
    const lines: string[] = [];
    for (const e of run.sim.trace.slice()) lines.push(formatEvent(e));
    io.out(lines.join('\n') + '\n');
  }
  let mermaid: MermaidExport | null = null;
  if (window !== null) {
    const [fromMs, toMs] = window;
    // The trace is in time order: decode only up to the window's end.
    const events: TraceEvent[] = [];
    for (const e of run.sim.trace.slice()) {
      if (e.atMs > toMs) break;
      if (e.atMs >= fromMs) events.push(e);
    }
    const title = `${scenario.protocol === 'paxos' ? (scenario.paxos.mode === 'multi' ? 'multipaxos' : 'paxos') : scenario.protocol}, ${scenario.cluster.nodes} nodes, seed ${scenario.seed}`;
    const diagram = sequenceDiagram(events, { fromMs, toMs, members: run.sim.members, protocol: scenario.protocol, title });
    mermaid = { fromMs, toMs, arrows: diagram.arrows, truncated: diagram.truncated, text: diagram.text };
  }
  if (args.flags.has('json')) io.out(JSON.stringify(mermaid === null ? summary : { ...summary, mermaid }, null, 2) + '\n');
  else if (mermaid !== null) io.out(mermaid.text);
  else io.out(humanSummary(summary, scenario));
  return summary.violations.length > 0 ? 1 : 0;
}

function commandValidate(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(argv, [], []);
  if (args.positional.length !== 1) throw new UsageError('validate: expected exactly one FILE');
  const path = args.positional[0]!;
  if (isDeckPath(path)) return validateDecks(path, io);
  if (existsSync(path) && statSync(path).isDirectory() && !existsSync(`${path}/lesson.md`)) return validateCourse(path, io);
  if (path.endsWith('lesson.md') || (existsSync(path) && statSync(path).isDirectory())) return validateLesson(path, io);
  const raw = loadScenarioFile(path, io) as unknown as Scenario;
  io.out(`${path}: valid scenario "${raw.name}" (${raw.protocol}, ${raw.cluster.nodes} nodes, ${raw.untilMs} ms, ${raw.actions.length} actions)\n`);
  return 0;
}

/** A presenter deck (presentations/ID.md) or the folder of decks. */
function isDeckPath(path: string): boolean {
  const trimmed = path.replace(/\/+$/, '');
  if (basename(trimmed) === 'presentations' && existsSync(trimmed) && statSync(trimmed).isDirectory()) return true;
  return trimmed.endsWith('.md') && basename(dirname(trimmed)) === 'presentations';
}

/**
 * `validate presentations` (every deck; the build runs this) or `validate presentations/ID.md`:
 * each deck parsed as presenter mode parses it, against the scenarios the app bundles (scenarios/ and
 * the lessons' files beside the presentations folder). Every problem with file, line and field: exit 2.
 */
function validateDecks(path: string, io: CliIo): number {
  const trimmed = path.replace(/\/+$/, '');
  const dir = trimmed.endsWith('.md') ? dirname(trimmed) : trimmed;
  const files = trimmed.endsWith('.md') ? [basename(trimmed)] : readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
  if (files.length === 0) throw new UsageError(`validate: ${dir} holds no decks (ID.md)`);
  const root = dirname(dir);
  const scenarioPaths = [
    ...(existsSync(join(root, 'scenarios')) ? readdirSync(join(root, 'scenarios')).filter((f) => f.endsWith('.json')).map((f) => `scenarios/${f}`) : []),
    ...(existsSync(join(root, 'lessons')) ? lessonFolders(join(root, 'lessons')).flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.json')).map((f) => `lessons/${basename(d)}/${f}`)) : []),
  ];
  const context: DeckContext = { scenarios: bundledScenarioNames(scenarioPaths), bugs: [...RAFT_BUGS, ...PAXOS_BUGS], nemesis: [...NEMESIS_FAULTS, ...GEO_NEMESIS_FAULTS] };
  let status = 0;
  for (const file of files) {
    const full = join(dir, file);
    if (!existsSync(full)) throw new UsageError(`validate: no such deck ${full}`);
    const parsed = parseDeck(readFileSync(full, 'utf8'), file.replace(/\.md$/, ''), context);
    if (parsed.ok) {
      io.out(`${full}: valid deck "${parsed.deck.title}" (${parsed.deck.scenes.length} scenes)\n`);
    } else {
      io.err(parsed.problems.map(formatProblem).join('\n') + '\n');
      status = 2;
    }
  }
  return status;
}

/** `validate lessons`: every lesson folder in it; exit 2 if any is invalid (the build runs this). */
function validateCourse(dir: string, io: CliIo): number {
  const folders = lessonFolders(dir);
  if (folders.length === 0) throw new UsageError(`validate: ${dir} holds no lesson folders (each with a lesson.md)`);
  let status = 0;
  for (const folder of folders) status = Math.max(status, validateLesson(folder, io));
  return status;
}

/** `validate lessons/ID` (or its lesson.md): every problem with its file and line, exit 2; else a summary, exit 0. */
function validateLesson(path: string, io: CliIo): number {
  const dir = path.endsWith('lesson.md') ? dirname(path) : path.replace(/\/+$/, '');
  if (!existsSync(`${dir}/lesson.md`)) throw new UsageError(`validate: ${dir} has no lesson.md`);
  const folder = readLessonFolder(dir);
  const known = lessonFolders(dirname(dir)).map((d) => basename(d));
  const { lesson, problems } = validateLessonFolder(folder, known);
  if (lesson === null) {
    io.err(problems.map((p) => `${p.file}${p.line > 0 ? `:${p.line}` : ''}: ${p.message}`).join('\n') + '\n');
    return 2;
  }
  const goals = lesson.steps.reduce((n, st) => n + st.goals.length, 0);
  io.out(`${dir}: valid lesson "${lesson.title}" (${lesson.protocol}, ${lesson.steps.length} steps, ${goals} goals, ${lesson.minutes} min)\n`);
  return 0;
}

/** Runs the CLI; returns the exit code. Never throws for bad input. */
export async function main(argv: readonly string[], io: CliIo = nodeIo): Promise<number> {
  installNativeTraceHasher();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return commandRun(rest, io);
      case 'validate':
        return commandValidate(rest, io);
      case 'lincheck': {
        const { commandLincheck } = await import('./lincheck');
        return commandLincheck(rest, io);
      }
      case 'bench': {
        const { commandBench } = await import('./bench');
        return await commandBench(rest, io);
      }
      case 'fuzz': {
        const { commandFuzz } = await import('./fuzz');
        return await commandFuzz(rest, io);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}" (run, validate, lincheck, fuzz, bench, help)`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`faultline: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

const invokedDirectly = typeof process !== 'undefined' && process.argv[1] !== undefined && /main\.ts$|faultline(\.js)?$/.test(process.argv[1]);
if (invokedDirectly) {
  // `faultline run --trace | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`faultline: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 3;
    },
  );
}
