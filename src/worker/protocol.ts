/**
 * The typed message protocol between the page and the run worker.
 *
 * Commands go in, replies come out; both are discriminated unions on `type`, and every switch over
 * them ends in `assertNever`, so adding a message kind is a compile error until each side handles it.
 * The page only ever sends options and displays what comes back: protocol state is computed in the
 * worker, by the simulator, never in the UI (DESIGN.md, "Layers").
 *
 * This first version carries one whole run per command. The streaming commands of the lab
 * (`load`, `play`, `pause`, `step`, `seek`, `act`) and their frames will join these unions.
 */
import type { runScenario } from '../check/run';
import type { BugName, buildScenario, NemesisFault } from '../sim/scenario';

/** What a finished run reports; owned by src/check, re-exported here for the page. */
export type RunSummary = ReturnType<typeof runScenario>;
export type Violation = RunSummary['violations'][number];
/** The input to `buildScenario`, owned by src/sim. */
export type ScenarioOptions = NonNullable<Parameters<typeof buildScenario>[0]>;

export const NODE_COUNTS = [3, 5, 7] as const;
export type NodeCount = (typeof NODE_COUNTS)[number];

/**
 * Nemesis ids as `buildScenario` knows them, with the label the page shows. The lists here are kept
 * apart from src/sim so the page bundle does not load the simulator; `satisfies` keeps them in step.
 */
export const NEMESES = [
  { id: 'partition', label: 'Partitions' },
  { id: 'crash', label: 'Crashes' },
] as const satisfies ReadonlyArray<{ id: NemesisFault; label: string }>;
export type NemesisId = (typeof NEMESES)[number]['id'];

/** Deliberately broken protocol variants; each one violates an invariant (DESIGN.md, "Invariants are code"). */
export const BUG_VARIANTS = [
  'commit-old-term',
  'vote-without-log-check',
  'forget-vote-on-restart',
  'skip-prev-log-check',
  'no-step-down',
] as const satisfies readonly BugName[];
export type BugVariant = (typeof BUG_VARIANTS)[number];

/** Limits on what one run may ask for: a run in the page must finish in seconds, not minutes. */
export const LIMITS = {
  seedMax: 0xffff_ffff,
  simulatedSecondsMin: 1,
  simulatedSecondsMax: 600,
  loadOpsPerSecMax: 1000,
} as const;

/** The run as the page describes it; units last in names. */
export interface RunOptions {
  nodes: NodeCount;
  seed: number;
  simulatedSeconds: number;
  nemesis: NemesisId[];
  loadOpsPerSec: number;
  bug: BugVariant | 'none';
}

export type WorkerCommand = { type: 'run'; requestId: number; options: RunOptions };

export type WorkerReply =
  | { type: 'summary'; requestId: number; summary: RunSummary; wallMs: number }
  | { type: 'error'; requestId: number; message: string };

/** Ends every exhaustive switch: unreachable at compile time, a loud error at run time. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

/** Returns why `options` cannot run, or null when they can. Checked on both sides of the worker. */
export function validateRunOptions(options: RunOptions): string | null {
  const { nodes, seed, simulatedSeconds, nemesis, loadOpsPerSec, bug } = options;
  if (!NODE_COUNTS.includes(nodes)) return `Nodes must be one of ${NODE_COUNTS.join(', ')}.`;
  if (!Number.isInteger(seed) || seed < 0 || seed > LIMITS.seedMax) {
    return `Seed must be a whole number from 0 to ${LIMITS.seedMax}.`;
  }
  if (
    !Number.isInteger(simulatedSeconds) ||
    simulatedSeconds < LIMITS.simulatedSecondsMin ||
    simulatedSeconds > LIMITS.simulatedSecondsMax
  ) {
    return `Simulated seconds must be a whole number from ${LIMITS.simulatedSecondsMin} to ${LIMITS.simulatedSecondsMax}.`;
  }
  if (!Number.isInteger(loadOpsPerSec) || loadOpsPerSec < 0 || loadOpsPerSec > LIMITS.loadOpsPerSecMax) {
    return `Client load must be a whole number of ops/s from 0 to ${LIMITS.loadOpsPerSecMax}.`;
  }
  const known = new Set<string>(NEMESES.map((n) => n.id));
  const unknown = nemesis.filter((id) => !known.has(id));
  if (unknown.length > 0) return `Unknown nemesis: ${unknown.join(', ')}.`;
  if (bug !== 'none' && !BUG_VARIANTS.includes(bug)) return `Unknown bug variant: ${String(bug)}.`;
  return null;
}

/** Maps the page's options onto `buildScenario`'s: seconds to milliseconds, 'none' to no bugs. */
export function toScenarioOptions(options: RunOptions): ScenarioOptions {
  return {
    nodes: options.nodes,
    seed: options.seed,
    untilMs: options.simulatedSeconds * 1000,
    nemesis: [...options.nemesis],
    loadOpsPerSec: options.loadOpsPerSec,
    bugs: options.bug === 'none' ? [] : [options.bug],
  };
}
