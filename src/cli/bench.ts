/**
 * `faultline bench` (`npm run bench`): the figures behind BENCHMARKS.md.
 *
 * 1. Speed: the reference workload (5-node Raft, heartbeat 50 ms, election timeout 150-300 ms, one-way
 *    latency 5 +- 2 ms, 50 client ops/s, a fault every 5 s) for one simulated hour, keeping the whole
 *    trace; and in the same process the bare kernel (a null protocol making the same number of
 *    message and timer events, no Raft) as the ceiling; then Multi-Paxos on the same workload (issue
 *    4's figure, next to Raft's). Reported: simulated seconds per wall second, trace events per
 *    second, and each protocol's ratio to the kernel.
 * 2. Memory: heap used after that hour, with the trace kept (bytes per event, and the total).
 * 3. Correctness at scale: N seeds x 60 s of a swarm of fault mixes on correct Raft (0 violations
 *    expected), and for each bug variant the first seed, of at most 200, that the hunt campaign
 *    catches it with (correct Raft must survive the same seeds). Seeds run on worker threads.
 */
import { availableParallelism } from 'node:os';
import { Run } from '../check/run';
import { buildScenario, RAFT_BUGS, type NemesisFault, type Scenario } from '../sim/scenario';
import { Simulator } from '../sim/simulator';
import type { NodeEnv, ProtocolFactory, ProtocolNode } from '../sim/types';
import { lastFlag, parseArgs, parseIntArg, type ParsedArgs } from './args';
import { benchBrowser, benchScript, benchScrub } from './bench-lab';
import { benchLincheck } from './bench-lincheck';
import { compareProtocols } from './bench-protocols';
import { runOnWorkers } from './worker-pool';
import type { CliIo } from './main';
import type { TimerId } from '../sim/clock';

export function referenceScenario(untilMs: number, seed = 1, protocol: 'raft' | 'multipaxos' = 'raft'): Scenario {
  return buildScenario({
    ...(protocol === 'multipaxos' ? { protocol: 'paxos' as const, paxosMode: 'multi' as const } : {}),
    nodes: 5,
    seed,
    untilMs,
    nemesis: ['partition', 'crash'],
    nemesisIntervalMs: 5000,
    loadOpsPerSec: 50,
  });
}

/**
 * The null protocol for the kernel ceiling: every node, every `intervalMs`, sends one message to a
 * random peer; receivers do nothing. Same clock, network, disks, trace and hash as a real run.
 */
function nullProtocol(intervalMs: number): ProtocolFactory {
  class NullNode implements ProtocolNode {
    private timer: TimerId | null = null;
    private stopped = false;
    constructor(private readonly env: NodeEnv) {
      this.tick();
    }
    private tick(): void {
      this.timer = this.env.clock.setTimeout(() => {
        if (this.stopped) return;
        const peers = this.env.members.filter((m) => m !== this.env.id);
        if (peers.length > 0) this.env.send(this.env.rng.pick(peers), { type: 'Ping', term: 0 });
        this.tick();
      }, intervalMs);
    }
    receive(): void {}
    stop(): void {
      this.stopped = true;
      if (this.timer !== null) this.env.clock.clearTimeout(this.timer);
    }
    view(): unknown {
      return null;
    }
  }
  return {
    name: 'null',
    create: (env) => new NullNode(env),
    emptyDurable: () => null,
    applyWrite: () => {},
    cloneDurable: () => null,
    describe: () => '',
  };
}

interface SpeedFigures {
  simulatedMs: number;
  wallMs: number;
  events: number;
  steps: number;
  messages: number;
  speedupX: number;
  eventsPerSec: number;
}

function timeIt(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function figures(simulatedMs: number, wallMs: number, events: number, steps: number, messages: number): SpeedFigures {
  return { simulatedMs, wallMs, events, steps, messages, speedupX: simulatedMs / wallMs, eventsPerSec: (events / wallMs) * 1000 };
}

function benchProtocol(untilMs: number, keepTrace: boolean, protocol: 'raft' | 'multipaxos' = 'raft'): { speed: SpeedFigures; run: Run } {
  const scenario = referenceScenario(untilMs, 1, protocol);
  let run!: Run;
  const wallMs = timeIt(() => {
    run = new Run(scenario, { keepTrace });
    run.runUntil();
  });
  const s = run.summary();
  if (s.violations.length > 0) throw new Error(`bench: the reference run violated ${s.violations[0]!.invariant}`);
  return { speed: figures(untilMs, wallMs, s.events, s.steps, s.messages.sent), run };
}

function benchKernel(untilMs: number, targetMessages: number): SpeedFigures {
  const base = referenceScenario(untilMs);
  const scenario: Scenario = { ...base, workload: { ...base.workload, opsPerSec: 0 } };
  const intervalMs = Math.max(1, Math.round((scenario.cluster.nodes * untilMs) / Math.max(1, targetMessages)));
  let sim!: Simulator;
  const wallMs = timeIt(() => {
    sim = new Simulator(scenario, nullProtocol(intervalMs), { keepTrace: true });
    sim.start();
    sim.runUntil();
  });
  sim.trace.finalHash();
  return figures(untilMs, wallMs, sim.trace.length, sim.stepCount, sim.trace.countOf('sent'));
}

/** JS heap plus ArrayBuffer backing stores (where the trace bytes live), after a full GC if exposed. */
function heapUsedMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1024 / 1024;
}

// ---- correctness at scale, on worker threads ----

export type Campaign = 'sweep' | 'hunt';

export interface SeedJob {
  seed: number;
  bug: string | null;
  untilMs: number;
  /** sweep: a fault mix and cadence per seed; hunt: partitions, kills and slow nodes every 200 ms. Default sweep. */
  campaign?: Campaign;
}

export interface SeedResult {
  seed: number;
  bug: string | null;
  violations: string[];
  traceHash: string;
}

/** Fault mixes and cadences of the sweep. */
const SWEEP_INTERVALS_MS = [200, 400, 1000, 2000] as const;
const SWEEP_FAULT_MIXES: ReadonlyArray<readonly NemesisFault[]> = [
  ['partition', 'crash'],
  ['partition', 'kill'],
  ['crash', 'kill', 'pause'],
  ['partition', 'crash', 'kill', 'pause'],
];

/**
 * The nemesis of a seed. The sweep is swarm testing in miniature: seeds cycle through every (fault
 * mix, cadence) pair, from faster than an election completes (200 ms) to letting the cluster settle
 * (2 s). The hunt is the one aggressive campaign every bug variant faces: the leader (or a random
 * node) cut off, power-cycled within milliseconds, or slowed, every 200 ms. Slow disks widen the
 * window in which a leader has appended entries it has not yet sent (its sends wait for its fsync):
 * a leader lost in that window is step (b) of the Raft paper's Figure 8, which commit-old-term needs.
 */
export function campaignNemesis(campaign: Campaign, seed: number): { faults: NemesisFault[]; intervalMs: number } {
  if (campaign === 'hunt') return { faults: ['partition', 'kill', 'slow'], intervalMs: 200 };
  return {
    intervalMs: SWEEP_INTERVALS_MS[seed % SWEEP_INTERVALS_MS.length]!,
    faults: [...SWEEP_FAULT_MIXES[Math.floor(seed / SWEEP_INTERVALS_MS.length) % SWEEP_FAULT_MIXES.length]!],
  };
}

/** Runs one seed of a campaign (also called inside the worker). */
export function runSeedJob(job: SeedJob): SeedResult {
  const nemesis = campaignNemesis(job.campaign ?? 'sweep', job.seed);
  const scenario = buildScenario({
    nodes: 5,
    seed: job.seed,
    untilMs: job.untilMs,
    nemesis: nemesis.faults,
    nemesisIntervalMs: nemesis.intervalMs,
    loadOpsPerSec: 20,
    bugs: job.bug === null ? [] : [job.bug],
  });
  const run = new Run(scenario, { keepTrace: false, stopOnViolation: job.bug !== null });
  run.runUntil();
  const s = run.summary();
  return { seed: job.seed, bug: job.bug, violations: s.violations.map((v) => v.invariant), traceHash: s.traceHash };
}

/** Runs seed jobs on `workers` threads (src/cli/worker-pool.ts); `stop` ends a batch early. */
async function runJobs(jobs: SeedJob[], workers: number, stop: (r: SeedResult) => boolean = () => false): Promise<SeedResult[]> {
  const done = await runOnWorkers<SeedJob, SeedResult>(new URL('./seed-worker.ts', import.meta.url), jobs, workers, stop);
  return done.map((d) => d.result).sort((a, b) => a.seed - b.seed);
}

function flagInt(args: ParsedArgs, name: string, fallback: number, min: number, max: number): number {
  const v = lastFlag(args, name);
  return v === undefined ? fallback : parseIntArg(v, `--${name}`, min, max);
}

/** Jitter allowed on requestAnimationFrame intervals when judging "one 60 Hz frame" (see BENCHMARKS.md). */
const FRAME_JITTER_MS = 0.5;

interface FrameFigures {
  frameMsP50: number;
  frameMsP95: number;
  frameMsMax: number;
  framesSampled: number;
  framesDropped: number;
}

function frameText(f: FrameFigures): string {
  return `p50 ${f.frameMsP50.toFixed(1)} ms, p95 ${f.frameMsP95.toFixed(1)} ms, max ${f.frameMsMax.toFixed(1)} ms, ${f.framesDropped} of ${f.framesSampled} frames dropped`;
}

/**
 * Issue 8's targets: the embed bundle's size and two embeds playing (scripts/bench-embed.mjs, which
 * builds the lab and the element), then presenter mode's scene advance on that build
 * (scripts/bench-present.mjs). Returns whether a target was missed.
 */
function benchEmbedsAndPresenter(say: (t: string) => void, report: Record<string, unknown>): boolean {
  let missed = false;
  say('Embeds in Chromium: the <faultline-lab> bundle and two embeds playing on one page (scripts/bench-embed.mjs)');
  const embed = benchScript('bench-embed.mjs');
  if (embed.ok) {
    const r = embed.report as { embedGzipKb: number; twoEmbeds: FrameFigures; twoEmbedsHeavy: FrameFigures };
    say(`  element + worker ${r.embedGzipKb.toFixed(1)} KB gzipped (target: at most 200 KB)`);
    say(`  two embeds as a docs page has them: ${frameText(r.twoEmbeds)} (target: p95 at most 16.7 ms)`);
    say(`  two embeds, one with 300+ messages in flight (a stress case, no target): ${frameText(r.twoEmbedsHeavy)}`);
    report.embed = r;
    if (r.embedGzipKb > 200 || r.twoEmbeds.frameMsP95 > 16.7 + FRAME_JITTER_MS) missed = true;
  } else {
    say(`  the embed bench failed: ${embed.error}`);
    missed = true;
  }
  say('Presenter mode in Chromium: keypress to the next scene drawn at its cue (scripts/bench-present.mjs)');
  const present = benchScript('bench-present.mjs', ['--no-build']);
  if (present.ok) {
    const r = present.report as { medianMs: number; maxMs: number; targetMs: number };
    say(`  advancing a scene: median ${r.medianMs.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms (target: under ${r.targetMs} ms)`);
    report.presenter = r;
    if (r.maxMs >= r.targetMs) missed = true;
  } else {
    say(`  the presenter bench failed: ${present.error}`);
    missed = true;
  }
  return missed;
}

export async function commandBench(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['seeds', 'bug-seeds', 'minutes', 'workers'], ['quick', 'json', 'skip-speed', 'skip-correctness', 'skip-lab', 'skip-browser', 'skip-lincheck', 'skip-compare']);
  const quick = args.flags.has('quick');
  const minutes = flagInt(args, 'minutes', quick ? 5 : 60, 1, 24 * 60);
  const seeds = flagInt(args, 'seeds', quick ? 40 : 1000, 0, 100_000);
  const bugSeeds = flagInt(args, 'bug-seeds', 200, 1, 10_000);
  const workers = flagInt(args, 'workers', Math.max(1, Math.min(availableParallelism(), 8)), 1, 64);
  const report: Record<string, unknown> = { node: process.version, cores: availableParallelism() };
  const say = (t: string): void => io.out(t + '\n');

  if (!args.flags.has('skip-speed')) {
    const untilMs = minutes * 60_000;
    say(`Speed: reference workload, ${minutes} simulated minute(s), trace kept`);
    // The Raft run in a function of its own, so nothing keeps its trace alive once it is measured.
    const { raft, heapBeforeMb, heapAfterMb, traceBytes, storedEvents } = ((): {
      raft: SpeedFigures; heapBeforeMb: number; heapAfterMb: number; traceBytes: number; storedEvents: number;
    } => {
      const heapBefore = heapUsedMb();
      const { speed, run } = benchProtocol(untilMs, true);
      return { raft: speed, heapBeforeMb: heapBefore, heapAfterMb: heapUsedMb(), traceBytes: run.sim.trace.storedBytes, storedEvents: run.sim.trace.storedLength };
    })();
    say(`  raft   ${raft.speedupX.toFixed(1)}x real time, ${Math.round(raft.eventsPerSec)} events/s (${raft.events} events, ${raft.messages} messages, ${(raft.wallMs / 1000).toFixed(2)} s wall)`);
    say(`  memory heap+buffers ${heapBeforeMb.toFixed(0)} MB -> ${heapAfterMb.toFixed(0)} MB with the run alive${(globalThis as { gc?: unknown }).gc ? '' : ' (run with --expose-gc for exact figures)'}; trace store ${(traceBytes / 1024 / 1024).toFixed(1)} MB for ${storedEvents} events (${(traceBytes / Math.max(1, storedEvents)).toFixed(1)} B/event)`);
    const kernel = benchKernel(untilMs, raft.messages);
    say(`  kernel ${kernel.speedupX.toFixed(1)}x real time, ${Math.round(kernel.eventsPerSec)} events/s (${kernel.events} events, ${kernel.messages} messages; null protocol)`);
    say(`  raft / kernel speed ratio ${(raft.speedupX / kernel.speedupX).toFixed(3)}`);
    // Issue 4: Multi-Paxos on the same workload, next to Raft's figure.
    const { speed: multipaxos } = benchProtocol(untilMs, true, 'multipaxos');
    say(`  multipaxos ${multipaxos.speedupX.toFixed(1)}x real time, ${Math.round(multipaxos.eventsPerSec)} events/s (${multipaxos.events} events, ${multipaxos.messages} messages, ${(multipaxos.wallMs / 1000).toFixed(2)} s wall); multipaxos / kernel ${(multipaxos.speedupX / kernel.speedupX).toFixed(3)}`);
    report.speed = {
      raft, kernel, multipaxos, ratio: raft.speedupX / kernel.speedupX, heapBeforeMb, heapAfterMb, traceStoreBytes: traceBytes, storedEvents,
    };
  }

  let failed = false;
  if (!args.flags.has('skip-correctness')) {
    say(`Correctness: ${seeds} seeds x 60 s, a fault mix and cadence (0.2-2 s) per seed, 20 ops/s, ${workers} worker(s)`);
    const wallMs0 = Date.now();
    const correct = await runJobs(Array.from({ length: seeds }, (_, i) => ({ seed: i + 1, bug: null, untilMs: 60_000 })), workers);
    const bad = correct.filter((r) => r.violations.length > 0);
    say(`  correct raft: ${bad.length} of ${correct.length} seeds violated an invariant${bad.length ? `: ${bad.slice(0, 5).map((r) => `seed ${r.seed} (${r.violations.join(',')})`).join('; ')}` : ''} [${((Date.now() - wallMs0) / 1000).toFixed(0)} s]`);
    if (bad.length > 0) failed = true;
    say(`Bug hunt: seeds 1-${bugSeeds} x 60 s, partitions, kills and slow nodes every 200 ms, 20 ops/s (the same campaign for every variant)`);
    const huntClean = await runJobs(Array.from({ length: bugSeeds }, (_, i) => ({ seed: i + 1, bug: null, untilMs: 60_000, campaign: 'hunt' as const })), workers);
    const huntBad = huntClean.filter((r) => r.violations.length > 0);
    say(`  correct raft under the hunt: ${huntBad.length} of ${huntClean.length} seeds violated an invariant`);
    if (huntBad.length > 0) failed = true;
    const bugs: Record<string, unknown> = {};
    for (const bug of RAFT_BUGS) {
      const t0 = Date.now();
      const jobs = Array.from({ length: bugSeeds }, (_, i) => ({ seed: i + 1, bug, untilMs: 60_000, campaign: 'hunt' as const }));
      const results = await runJobs(jobs, workers, (r) => r.violations.length > 0);
      const caught = results.find((r) => r.violations.length > 0);
      say(`  bug ${bug.padEnd(24)} ${caught ? `caught at seed ${caught.seed} (${caught.violations.join(', ')})` : `NOT caught in ${bugSeeds} seeds`} [${((Date.now() - t0) / 1000).toFixed(0)} s]`);
      bugs[bug] = caught ? { seed: caught.seed, invariants: caught.violations } : null;
      if (!caught) failed = true;
    }
    report.correctness = { seeds, violatingSeeds: bad.map((r) => r.seed), huntViolatingSeeds: huntBad.map((r) => r.seed), bugs };
  }
  if (!args.flags.has('skip-lincheck')) {
    say('Linearizability: every porcupine history (102 etcd registers, 6 kv stores split by key) against its expected answer');
    const lin = benchLincheck();
    say(`  ${lin.histories} histories checked in ${lin.checkMs.toFixed(0)} ms (parsing ${lin.parseMs.toFixed(0)} ms apart); ${lin.wrong.length} wrong answers${lin.wrong.length ? ` (${lin.wrong.join(', ')})` : ''}, ${lin.unknown.length} unknown (target: all in at most 1 s)`);
    for (const u of lin.unsplit) say(`  ${u.file} without splitting by key: ${u.verdict} (expected ${u.expected}) in ${u.ms.toFixed(0)} ms (target: at most 4 s)`);
    report.lincheck = lin;
    if (lin.wrong.length > 0 || lin.unknown.length > 0 || lin.checkMs > 1000) failed = true;
    if (lin.unsplit.some((u) => u.verdict !== String(u.expected) || u.ms > 4000)) failed = true;
  }

  if (!args.flags.has('skip-compare')) {
    const minutesCompared = quick ? 1 : 5;
    say(`Protocols side by side: 5 nodes, 50 client ops/s, a partition or crash every 5 s, seed 1, ${minutesCompared} simulated minute(s)`);
    say('  protocol                          ok ops   latency p50   latency p99   messages per ok op   violations');
    const figures = compareProtocols(1, minutesCompared * 60_000);
    for (const f of figures) {
      say(`  ${f.name.padEnd(32)} ${String(f.okOps).padStart(7)}   ${`${f.latencyMsP50} ms`.padStart(11)}   ${`${f.latencyMsP99} ms`.padStart(11)}   ${f.messagesPerOk.toFixed(1).padStart(18)}   ${String(f.violations).padStart(10)}`);
    }
    report.protocols = figures;
    if (figures.some((f) => f.violations > 0)) failed = true;
  }

  if (!args.flags.has('skip-lab')) {
    say('Lab scrub: a 10-minute lab run (20 ops/s, partitions and crashes) recorded, then 200 seeks to random moments');
    const scrub = benchScrub(10, 200);
    say(`  recorded ${scrub.steps} steps, ${scrub.events} events in ${(scrub.recordWallMs / 1000).toFixed(1)} s (the same run without the record: ${(scrub.plainRunWallMs / 1000).toFixed(1)} s, so recording costs ${scrub.recordOverheadX.toFixed(2)}x); record ${scrub.recordHeapMb.toFixed(0)} MB`);
    say(`  seek + frame (cluster, tables, trace hash): p50 ${scrub.seekMsP50.toFixed(1)} ms, p95 ${scrub.seekMsP95.toFixed(1)} ms, max ${scrub.seekMsMax.toFixed(1)} ms (target: at most 200 ms)`);
    report.scrub = scrub;
    if (scrub.seekMsMax > 200) failed = true;
    if (!args.flags.has('skip-browser')) {
      say('Lab in Chromium: production build, initial JavaScript, time to interactive, frame times (scripts/bench-browser.mjs)');
      const browser = benchBrowser();
      if (browser.ok) {
        const r = browser.report as {
          initialJsGzipKb: number;
          interactiveMs: number;
          lessonInteractiveMs: number;
          smooth: { framesSampled: number; framesDropped: number; frameMsP50: number; frameMsP95: number; frameMsMax: number; messagesInFlight: number; nodes: number; idle: { frameMsP95: number } };
        };
        say(`  initial JavaScript ${r.initialJsGzipKb.toFixed(1)} KB gzipped (target: at most 250 KB); interactive ${r.interactiveMs.toFixed(0)} ms after navigation (target: at most 1500 ms)`);
        say(`  a lesson page (leader-election, step 2) interactive ${r.lessonInteractiveMs.toFixed(0)} ms after navigation (target: at most 1500 ms)`);
        say(`  ${r.smooth.nodes} nodes, ${r.smooth.messagesInFlight} messages in flight: frame time p50 ${r.smooth.frameMsP50.toFixed(1)} ms, p95 ${r.smooth.frameMsP95.toFixed(1)} ms, max ${r.smooth.frameMsMax.toFixed(1)} ms, ${r.smooth.framesDropped} of ${r.smooth.framesSampled} frames dropped; the idle page's p95 in the same run ${r.smooth.idle.frameMsP95.toFixed(1)} ms (target: p95 at most 16.7 ms, one 60 Hz frame)`);
        report.browser = r;
        // requestAnimationFrame timestamps jitter around the 16.67 ms vsync (an idle page reads 16.7-16.8 ms
        // at p95), so one frame's worth is judged with that jitter: p95 within 0.5 ms of a vsync.
        if (r.initialJsGzipKb > 250 || r.interactiveMs > 1500 || r.lessonInteractiveMs > 1500 || r.smooth.frameMsP95 > 16.7 + FRAME_JITTER_MS) failed = true;
      } else {
        say(`  the browser bench failed: ${browser.error}`);
        failed = true;
      }
      failed = benchEmbedsAndPresenter(say, report) || failed;
    }
  }
  if (args.flags.has('json')) say(JSON.stringify(report, null, 2));
  return failed ? 1 : 0;
}
