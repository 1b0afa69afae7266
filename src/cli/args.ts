/**
 * Command-line parsing for `faultline`: small, strict, and with errors that say what was wrong.
 * Exit code 2 is reserved for bad input; UsageError carries the message for stderr.
 */
import { parseGrid, type GridShape } from '../protocols/paxos/quorums';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "60s", "500ms", "2m", "1h" -> milliseconds. A bare number is refused: the unit must be said. */
export function parseDurationMs(text: string, flag: string): number {
  const m = DURATION.exec(text.trim());
  if (m === null) throw new UsageError(`${flag}: expected a duration such as 500ms, 60s, 2m or 1h, got "${text}"`);
  const ms = Math.round(Number(m[1]) * UNIT_MS[m[2]!]!);
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new UsageError(`${flag}: duration must be positive, got "${text}"`);
  return ms;
}

/**
 * "1s..2.5s", "0..600ms", "1200ms..1500ms" -> [fromMs, toMs], each end a duration as parseDurationMs
 * reads it, except that the start may also be 0 (written "0", "0ms", "0s", ...). FROM <= TO.
 */
export function parseWindowMs(text: string, flag: string): [number, number] {
  const at = text.indexOf('..');
  if (at === -1) throw new UsageError(`${flag}: expected a time window FROM..TO such as 1s..2.5s or 0..600ms, got "${text}"`);
  const point = (part: string): number => (/^0+(\.0+)?(ms|s|m|h)?$/.test(part.trim()) ? 0 : parseDurationMs(part, flag));
  const fromMs = point(text.slice(0, at));
  const toMs = point(text.slice(at + 2));
  if (fromMs > toMs) throw new UsageError(`${flag}: the window starts after it ends (${fromMs} ms > ${toMs} ms) in "${text}"`);
  return [fromMs, toMs];
}

export function parseIntArg(text: string, flag: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`${flag}: expected an integer, got "${text}"`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${flag}: must be from ${min} to ${max}, got ${n}`);
  return n;
}

export function parseNumberArg(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag}: expected a number, got "${text}"`);
  if (n < min || n > max) throw new UsageError(`${flag}: must be from ${min} to ${max}, got ${n}`);
  return n;
}

/** "a,b" -> ["a", "b"]; "none" or "" -> []. */
export function parseList(text: string): string[] {
  if (text.trim() === '' || text.trim() === 'none') return [];
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string[]>;
}

/**
 * Splits argv into positionals and flags. `--flag value` and `--flag=value`; flags listed in
 * `booleans` take no value. Unknown flags are errors.
 */
export function parseArgs(argv: readonly string[], valued: readonly string[], booleans: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (booleans.includes(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      flags.set(name, ['true']);
      continue;
    }
    if (!valued.includes(name)) {
      const known = [...valued, ...booleans].map((f) => `--${f}`).join(', ');
      throw new UsageError(`unknown option --${name} (known: ${known})`);
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { positional, flags };
}

export function lastFlag(args: ParsedArgs, name: string): string | undefined {
  const values = args.flags.get(name);
  return values === undefined ? undefined : values[values.length - 1];
}

/** `--grid RxC`: a grid quorum system of R rows and C columns, at most 9 nodes in all. */
export function parseGridArg(text: string): GridShape {
  const grid = parseGrid(text);
  if (grid === null || grid.rows * grid.columns > 9) throw new UsageError(`--grid: expected ROWSxCOLUMNS of at most 9 nodes, such as 3x3 or 2x2, got "${text}"`);
  return grid;
}
