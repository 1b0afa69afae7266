/**
 * File names of the lab's exports: what the file holds, read from the name alone
 * (`faultline-raft-seed42-t12.340s.svg`, `faultline-multipaxos-seed7-0.500s-1.000s.mmd`). Only
 * letters, digits, `.`, `-` and `_`, so a name is safe on every file system and in a shell.
 */

/** What identifies a run in a file name: its protocol (the CLI's name) and seed. */
export interface RunName {
  readonly protocol: string;
  readonly seed: number;
}

/** Seconds with three decimals ("12.340s"): whole milliseconds, as the lab and the CLI count them. */
export function secondsText(ms: number): string {
  return `${(Math.max(0, Math.floor(ms)) / 1000).toFixed(3)}s`;
}

function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
}

/** `faultline-raft-seed42-t12.340s`: the run at one moment. */
export function momentStem(run: RunName, atMs: number): string {
  return `faultline-${safe(run.protocol)}-seed${run.seed}-t${secondsText(atMs)}`;
}

/** `faultline-raft-seed42-0.500s-1.000s`: the run between two moments. */
export function windowStem(run: RunName, fromMs: number, toMs: number): string {
  return `faultline-${safe(run.protocol)}-seed${run.seed}-${secondsText(fromMs)}-${secondsText(toMs)}`;
}

/** A stem with a suffix and an extension: `withExtension('faultline-raft-seed1-t1.000s', 'svg', 'map')`. */
export function fileName(stem: string, extension: string, suffix?: string): string {
  return `${stem}${suffix === undefined ? '' : `-${safe(suffix)}`}.${extension}`;
}
