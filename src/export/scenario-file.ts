/**
 * A run as a scenario file: the JSON that `faultline run --scenario FILE` and the lab both read, and
 * that reproduces the run exactly. A run is a pure function of (scenario, seed, operator actions), and
 * a scenario holds all three, so the file is the run's inputs with its end set to the moment exported
 * and the operator actions taken up to then. Every field is written out, defaults included, so the
 * file means the same run even if a default changes later.
 *
 * Reading a file back (`parseScenarioFile`) validates it with the simulator's own parser and says
 * what is wrong in words a person can act on: the file, then the line and column of a JSON syntax
 * error or the path of a bad field (`actions[2].node: must be a node id of this cluster ...`).
 */
import { parseScenarioText, type Scenario } from '../sim/scenario';
import { secondsText } from './file-names';

/** Largest scenario file read (a scenario of 10,000 actions, the parser's bound, is about 1 MB). */
export const SCENARIO_FILE_MAX_CHARS = 4 * 1024 * 1024;
/** Errors listed in one message: past a few, more do not help anyone fix a file. */
const ERRORS_SHOWN = 5;
/** The scenario parser's bound on `name`. */
const NAME_MAX_CHARS = 200;

/**
 * The scenario that reproduces a run up to `atMs` (whole milliseconds): the same inputs, ending there,
 * without the actions after it (they would never fire; `faultline run --until` leaves them out the same
 * way). The trace of the result is the run's trace through `atMs`.
 */
export function scenarioUpTo(scenario: Scenario, atMs: number): Scenario {
  // A scenario runs at least 1 ms (the parser's bound); the lab's moment 0 has nothing in it anyway.
  const untilMs = Math.max(1, Math.floor(atMs));
  if (!Number.isSafeInteger(untilMs)) throw new Error(`scenario export: moment must be a whole number of ms, got ${atMs}`);
  const base = scenario.name.replace(/ \(to \d+\.\d{3}s\)$/, '');
  const suffix = ` (to ${secondsText(untilMs)})`;
  return {
    ...scenario,
    name: `${base.slice(0, NAME_MAX_CHARS - suffix.length)}${suffix}`,
    untilMs,
    actions: scenario.actions.filter((a) => a.atMs <= untilMs).map((a) => ({ ...a })),
  };
}

/** Canonical top-level order of a scenario file (the order of README's example). */
const TOP_LEVEL_ORDER: ReadonlyArray<keyof Scenario> = [
  'version', 'name', 'protocol', 'seed', 'untilMs', 'cluster', 'timing', 'network', 'workload', 'nemesis', 'paxos', 'regions', 'overload', 'bugs', 'actions',
];

/**
 * The scenario as JSON: one top-level field per line and one action per line, so files diff well and
 * a person can read the choreography down the page. `parseScenarioText` reads it back to an equal scenario.
 */
export function formatScenarioJson(scenario: Scenario): string {
  const record = scenario as unknown as Record<string, unknown>;
  const known = new Set<string>(TOP_LEVEL_ORDER);
  const extra = Object.keys(record).filter((k) => !known.has(k));
  if (extra.length > 0) throw new Error(`scenario export: unknown field ${extra.join(', ')}`);
  const lines: string[] = [];
  for (const key of TOP_LEVEL_ORDER) {
    const value = record[key];
    if (value === undefined) continue;
    if (key === 'actions') {
      const actions = value as readonly unknown[];
      lines.push(actions.length === 0 ? '  "actions": []' : `  "actions": [\n${actions.map((a) => `    ${JSON.stringify(a)}`).join(',\n')}\n  ]`);
    } else {
      lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
    }
  }
  return `{\n${lines.join(',\n')}\n}\n`;
}

export type ScenarioFileResult = { readonly ok: true; readonly scenario: Scenario } | { readonly ok: false; readonly message: string };

/** Line and column (1-based) of a character position in `text`. */
export function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const clamped = Math.max(0, Math.min(position, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < clamped; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: clamped - lineStart + 1 };
}

/** "line 3, column 5: <the engine's words>" for a JSON.parse error, when the engine says where. */
export function jsonSyntaxProblem(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = /position (\d+)/.exec(message);
  if (at !== null) {
    const { line, column } = lineAndColumn(text, Number(at[1]));
    return `line ${line}, column ${column}: ${message.replace(/ \(line \d+ column \d+\)$/, '')}`;
  }
  if (/unexpected end/i.test(message)) return `line ${text.trimEnd().split('\n').length}: the JSON ends too early (${message})`;
  return message;
}

/**
 * Reads a scenario file: JSON syntax first (line and column), then every field (its path), as
 * `faultline validate` does. `name` is the file's name, which every message starts with.
 */
export function parseScenarioFile(name: string, text: string): ScenarioFileResult {
  if (text.length > SCENARIO_FILE_MAX_CHARS) {
    return { ok: false, message: `${name}: larger than ${SCENARIO_FILE_MAX_CHARS / 1024 / 1024} MB; a scenario file is far smaller (10,000 actions take about 1 MB).` };
  }
  if (text.trim() === '') return { ok: false, message: `${name}: the file is empty; a scenario is a JSON object ({} runs the defaults).` };
  try {
    JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${name} is not valid JSON: ${jsonSyntaxProblem(text, error)}.` };
  }
  const parsed = parseScenarioText(text);
  if (parsed.ok) return parsed;
  const shown = parsed.errors.slice(0, ERRORS_SHOWN).map((e) => `${e.path || '(top level)'}: ${e.message}`);
  const more = parsed.errors.length > ERRORS_SHOWN ? ` (and ${parsed.errors.length - ERRORS_SHOWN} more)` : '';
  return { ok: false, message: `${name} is not a scenario Faultline can run: ${shown.join('; ')}${more}.` };
}
