/**
 * The linearizability checker's benchmark (issue 5 targets), run by `npm run bench`: every history in
 * ../shared/testdata/porcupine (102 etcd registers, 6 kv stores split by key) against its expected
 * answer, timed as a whole; then kv c10-ok and c10-bad without splitting by key (the search alone).
 * Parsing is timed apart from checking.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHistory } from '../check/history-formats';
import type { History } from '../check/history';
import { checkLinearizability } from '../check/linearizability';

export interface LincheckFigures {
  histories: number;
  wrong: string[];
  unknown: string[];
  parseMs: number;
  checkMs: number;
  unsplit: Array<{ file: string; expected: boolean; verdict: string; ms: number }>;
}

export const PORCUPINE_DIR = join(process.cwd(), '..', 'shared', 'testdata', 'porcupine');

/** The porcupine histories with an expected answer, parsed. */
export function loadPorcupine(dir = PORCUPINE_DIR): Array<{ file: string; expected: boolean; history: History; parseMs: number }> {
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { linearizable: Record<string, boolean> };
  const out = [];
  for (const sub of ['jepsen-etcd', 'kv']) {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const file = `${sub}/${name}`;
      const answer = expected.linearizable[file];
      if (answer === undefined) continue; // etcd_095: the cluster never started; no answer
      const started = performance.now();
      const parsed = parseHistory(readFileSync(join(dir, file), 'utf8'));
      const parseMs = performance.now() - started;
      if (!parsed.ok) throw new Error(`${file}: ${parsed.errors.map((e) => `line ${e.line}: ${e.message}`).join('; ')}`);
      out.push({ file, expected: answer, history: parsed.history, parseMs });
    }
  }
  return out;
}

export function benchLincheck(): LincheckFigures {
  const all = loadPorcupine();
  const wrong: string[] = [];
  const unknown: string[] = [];
  const started = performance.now();
  for (const { file, expected, history } of all) {
    const r = checkLinearizability(history);
    if (r.verdict === 'unknown') unknown.push(file);
    else if (r.verdict !== expected) wrong.push(file);
  }
  const checkMs = performance.now() - started;
  const unsplit = all
    .filter((h) => h.file === 'kv/c10-ok.txt' || h.file === 'kv/c10-bad.txt')
    .map(({ file, expected, history }) => {
      const t0 = performance.now();
      const r = checkLinearizability(history, { partition: false });
      return { file, expected, verdict: String(r.verdict), ms: performance.now() - t0 };
    });
  return { histories: all.length, wrong, unknown, parseMs: all.reduce((s, h) => s + h.parseMs, 0), checkMs, unsplit };
}
