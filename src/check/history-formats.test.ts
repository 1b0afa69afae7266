import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { History, HistoryOperation } from './history';
import {
  detectFormat,
  MAX_HISTORY_LINES,
  MAX_PARSE_ERRORS,
  MAX_VALUE_CHARS,
  parseHistory,
  parseHistoryJson,
  parseJepsenEdn,
  parseJepsenLog,
  toHistoryJson,
  toJepsenEdn,
  type HistoryParseResult,
} from './history-formats';
import { checkLinearizability } from './linearizability';
import { Run } from './run';
import { historyFromTrace } from './run-history';
import { buildScenario } from '../sim/scenario';

const PORCUPINE_DIR = fileURLToPath(new URL('../../../shared/testdata/porcupine/', import.meta.url));
const ETCD_DIR = join(PORCUPINE_DIR, 'jepsen-etcd');
const KV_DIR = join(PORCUPINE_DIR, 'kv');

function read(dir: string, name: string): string {
  return readFileSync(join(dir, name), 'utf8');
}

function historyOf(result: HistoryParseResult): History {
  if (!result.ok) throw new Error(`expected a history, got errors: ${JSON.stringify(result.errors)}`);
  return result.history;
}

function errorsOf(result: HistoryParseResult): ReadonlyArray<{ line: number; message: string }> {
  if (result.ok) throw new Error(`expected errors, got a history of ${result.history.operations.length} operations`);
  return result.errors;
}

/** Counts lines matching `pattern` (an independent count, by regex, to hold the parser to). */
function countLines(text: string, pattern: RegExp): number {
  return text.split('\n').filter((line) => pattern.test(line)).length;
}

/** Jepsen log lines from compact rows: [process, type, f, value]. */
function log(...rows: Array<[number | string, string, string, string]>): string {
  return rows.map(([p, type, f, value]) => `INFO  jepsen.util - ${p}\t:${type}\t:${f}\t${value}`).join('\n') + '\n';
}

const OP_LINE = /^INFO {2}jepsen\.util - \d+\s+:/;

describe('the Porcupine etcd histories (Jepsen log lines)', () => {
  const files = readdirSync(ETCD_DIR).filter((n) => n.endsWith('.log')).sort();

  it('are all there', () => {
    expect(files.length).toBe(103);
  });

  it('all parse, with one operation per invocation except failed reads and writes', () => {
    for (const name of files) {
      const text = read(ETCD_DIR, name);
      const result = parseJepsenLog(text);
      expect(result.ok, `${name}: ${result.ok ? '' : JSON.stringify(result.errors.slice(0, 3))}`).toBe(true);
      const history = historyOf(result);
      const invokes = countLines(text, /\s:invoke\s/);
      const droppedFails = countLines(text, /\s:fail\s+:(read|write)\s/);
      const ops = history.operations;
      expect(history.model).toBe('register');
      expect(ops.length, name).toBe(invokes - droppedFails);
      expect(ops.filter((o) => o.outcome === 'ok').length, name).toBe(countLines(text, /\s:ok\s/));
      expect(ops.filter((o) => o.outcome === 'fail').length, name).toBe(countLines(text, /\s:fail\s+:cas\s/));
      // Unknown: the info lines, plus invocations that never completed.
      expect(ops.filter((o) => o.outcome === 'info').length, name).toBeGreaterThanOrEqual(countLines(text, /\s:info\s/));
      ops.forEach((op, i) => {
        expect(op.id).toBe(i);
        expect(op.invokeAt).toBe(op.invokeLine);
        if (op.outcome === 'info') expect(op.completeAt).toBeNull();
        else expect(op.completeAt).toBe(op.completeLine);
        if (op.completeAt !== null) expect(op.completeAt).toBeGreaterThan(op.invokeAt);
        if (i > 0) expect(op.invokeAt).toBeGreaterThan(ops[i - 1]!.invokeAt);
      });
    }
  });

  it('etcd_000: 85 operations (16 unknown, 20 failed cas), and its first lines read as written', () => {
    const text = read(ETCD_DIR, 'etcd_000.log');
    const history = historyOf(parseJepsenLog(text));
    // Counted with grep: 85 ":invoke" lines, no failed read or write, 16 ":info", 20 ":fail :cas".
    expect(countLines(text, /:invoke/)).toBe(85);
    expect(history.operations.length).toBe(85);
    expect(history.operations.filter((o) => o.outcome === 'info').length).toBe(16);
    expect(history.operations.filter((o) => o.outcome === 'fail' && o.f === 'cas').length).toBe(20);
    const [first, , third] = history.operations;
    // Line 1: "0 :invoke :read nil", completed on line 7 with "0 :ok :read nil".
    expect(first).toMatchObject({ process: '0', f: 'read', key: null, value: null, output: null, outcome: 'ok', invokeAt: 1, completeAt: 7, invokeLine: 1, completeLine: 7 });
    // Line 3: "2 :invoke :write 4", ok on line 10.
    expect(third).toMatchObject({ process: '2', f: 'write', value: '4', expected: null, outcome: 'ok', invokeAt: 3, completeAt: 10 });
    // Line 19: "2 :invoke :cas [3 0]", ok on 20; lines 27/29: "1 :cas [0 3]" failed, kept.
    expect(history.operations.find((o) => o.invokeLine === 19)).toMatchObject({ f: 'cas', expected: '3', value: '0', outcome: 'ok', completeAt: 20 });
    expect(history.operations.find((o) => o.invokeLine === 27)).toMatchObject({ process: '1', f: 'cas', expected: '0', value: '3', outcome: 'fail', completeAt: 29 });
    // Line 13: "0 :ok :read 3".
    expect(history.operations.find((o) => o.completeLine === 13)).toMatchObject({ f: 'read', output: '3' });
  });

  it('the files with runs of spaces (not tabs) between fields parse the same way', () => {
    const spaced = files.filter((n) => /jepsen\.util - \d+ {2,}:/.test(read(ETCD_DIR, n)));
    expect(spaced.length).toBeGreaterThan(0);
    for (const name of spaced) expect(parseJepsenLog(read(ETCD_DIR, name)).ok, name).toBe(true);
  });

  it('etcd_100 to 102 fail reads with :timed-out; those reads are left out', () => {
    for (const name of ['etcd_100.log', 'etcd_101.log', 'etcd_102.log']) {
      const text = read(ETCD_DIR, name);
      expect(countLines(text, /:fail\s+:read\s+:timed-out/), name).toBeGreaterThan(0);
      const history = historyOf(parseJepsenLog(text));
      expect(history.operations.some((o) => o.f === 'read' && o.outcome === 'fail'), name).toBe(false);
    }
  });

  it('etcd_095 (the cluster never started) is empty: an empty history, and no format to detect without its name', () => {
    const text = read(ETCD_DIR, 'etcd_095.log');
    expect(text).toBe('');
    expect(historyOf(parseJepsenLog(text)).operations).toEqual([]);
    expect(historyOf(parseHistory(text, 'jepsen-log')).operations).toEqual([]);
    expect(historyOf(parseHistory(text, undefined, 'etcd_095.log')).model).toBe('register');
    expect(errorsOf(parseHistory(text))).toEqual([{ line: 0, message: 'expected a history, but the input is empty' }]);
  });

  it('are detected as Jepsen logs from their content alone', () => {
    for (const name of files.filter((n) => n !== 'etcd_095.log')) expect(detectFormat(read(ETCD_DIR, name)), name).toBe('jepsen-log');
  });

  it('every non-blank line of every file is an operation line (the parser is not skipping any)', () => {
    for (const name of files) {
      const lines = read(ETCD_DIR, name).split('\n').filter((l) => l.trim() !== '');
      expect(lines.every((l) => OP_LINE.test(l)), name).toBe(true);
    }
  });
});

describe('the Porcupine kv histories (EDN maps)', () => {
  const files = readdirSync(KV_DIR).filter((n) => n.endsWith('.txt')).sort();

  it('all parse as kv histories, every invocation completed ok', () => {
    expect(files.length).toBe(6);
    for (const name of files) {
      const text = read(KV_DIR, name);
      const history = historyOf(parseJepsenEdn(text));
      expect(history.model, name).toBe('kv');
      expect(history.operations.length, name).toBe(countLines(text, /:type :invoke/));
      expect(history.operations.filter((o) => o.outcome === 'ok').length, name).toBe(countLines(text, /:type :ok/));
      for (const op of history.operations) {
        expect(op.key, name).not.toBeNull();
        if (op.f === 'get') expect(typeof op.output, name).toBe('string');
        else expect(op.output, name).toBeNull();
      }
      expect(detectFormat(text), name).toBe('edn');
      expect(parseHistory(text).ok, name).toBe(true);
    }
  });

  it('c01-ok reads as written: an append, and a get of a missing key that read ""', () => {
    const history = historyOf(parseJepsenEdn(read(KV_DIR, 'c01-ok.txt')));
    expect(history.operations.length).toBe(58);
    expect(history.operations[0]).toMatchObject({ id: 0, process: '0', f: 'append', key: '0', value: 'x 0 0 y', output: null, outcome: 'ok', invokeAt: 1, completeAt: 2 });
    const firstGet = history.operations.find((o) => o.f === 'get')!;
    expect(firstGet).toMatchObject({ key: '5', value: null, output: '' });
  });
});

describe('parseJepsenLog rules', () => {
  it('ok: read output, nil read as null; write and cas with their arguments', () => {
    const h = historyOf(
      parseJepsenLog(
        log([0, 'invoke', 'read', 'nil'], [0, 'ok', 'read', 'nil'], [1, 'invoke', 'write', '7'], [1, 'ok', 'write', '7'], [2, 'invoke', 'cas', '[7 8]'], [2, 'ok', 'cas', '[7 8]'], [0, 'invoke', 'read', 'nil'], [0, 'ok', 'read', '8']),
      ),
    );
    expect(h.operations.map((o) => [o.f, o.value, o.expected, o.output, o.outcome])).toEqual([
      ['read', null, null, null, 'ok'],
      ['write', '7', null, null, 'ok'],
      ['cas', '8', '7', null, 'ok'],
      ['read', null, null, '8', 'ok'],
    ]);
  });

  it('info: unknown, returning at infinity, its info line kept for messages', () => {
    const h = historyOf(parseJepsenLog(log([3, 'invoke', 'write', '1'], [3, 'info', 'write', ':timed-out'])));
    expect(h.operations).toEqual([
      { id: 0, process: '3', f: 'write', key: null, value: '1', expected: null, output: null, outcome: 'info', invokeAt: 1, completeAt: null, invokeMs: null, completeMs: null, invokeLine: 1, completeLine: 2 },
    ]);
  });

  it('an invocation never completed is unknown, with no completion line', () => {
    const h = historyOf(parseJepsenLog(log([0, 'invoke', 'write', '1'], [1, 'invoke', 'read', 'nil'], [1, 'ok', 'read', '1'])));
    expect(h.operations[0]).toMatchObject({ f: 'write', outcome: 'info', completeAt: null, completeLine: null });
    expect(h.operations[1]).toMatchObject({ f: 'read', outcome: 'ok', completeAt: 3 });
  });

  it('a failed cas is kept (it observed the register); failed reads and writes are left out', () => {
    const h = historyOf(
      parseJepsenLog(
        log([0, 'invoke', 'cas', '[1 2]'], [1, 'invoke', 'write', '5'], [2, 'invoke', 'read', 'nil'], [0, 'fail', 'cas', '[1 2]'], [1, 'fail', 'write', '5'], [2, 'fail', 'read', ':timed-out']),
      ),
    );
    expect(h.operations).toHaveLength(1);
    expect(h.operations[0]).toMatchObject({ id: 0, f: 'cas', expected: '1', value: '2', outcome: 'fail', invokeAt: 1, completeAt: 4 });
  });

  it('a cas failed with a reason (not [from to]) observed nothing and is left out', () => {
    const h = historyOf(parseJepsenLog(log([0, 'invoke', 'cas', '[1 2]'], [0, 'fail', 'cas', ':timed-out'])));
    expect(h.operations).toEqual([]);
  });

  it('pairs each completion with the same process, however they interleave', () => {
    const h = historyOf(parseJepsenLog(log([0, 'invoke', 'write', '1'], [1, 'invoke', 'write', '2'], [1, 'ok', 'write', '2'], [0, 'ok', 'write', '1'])));
    expect(h.operations.map((o) => [o.process, o.value, o.invokeAt, o.completeAt])).toEqual([
      ['0', '1', 1, 4],
      ['1', '2', 2, 3],
    ]);
  });

  it('a process may invoke again after an info (Jepsen would retire it; we do not need to)', () => {
    const h = historyOf(parseJepsenLog(log([0, 'invoke', 'write', '1'], [0, 'info', 'write', ':timed-out'], [0, 'invoke', 'read', 'nil'], [0, 'ok', 'read', '1'])));
    expect(h.operations.map((o) => o.outcome)).toEqual(['info', 'ok']);
  });

  it('accepts runs of spaces, trailing spaces, CRLF line ends, blank lines and the nemesis', () => {
    const text = 'INFO  jepsen.util - 0   :invoke :write  3  \r\n\r\n   \nINFO  jepsen.util - :nemesis\t:info\t:start\tnil\r\nINFO jepsen.util - 0 :ok :write 3';
    const h = historyOf(parseJepsenLog(text));
    expect(h.operations).toHaveLength(1);
    expect(h.operations[0]).toMatchObject({ value: '3', invokeLine: 1, completeLine: 5 });
  });

  it('writes integers canonically, so "03" and "3" are one value', () => {
    const h = historyOf(parseJepsenLog(log([0, 'invoke', 'cas', '[03 -0]'], [0, 'ok', 'cas', '[3 0]'])));
    expect(h.operations[0]).toMatchObject({ expected: '3', value: '0', outcome: 'ok' });
  });

  it('reports a bad type, function or value with its line and what was expected', () => {
    const text = log([0, 'invoke', 'read', 'nil'], [0, 'oops', 'read', 'nil'], [1, 'invoke', 'get', 'nil'], [2, 'invoke', 'write', 'x'], [3, 'invoke', 'cas', '4']);
    expect(errorsOf(parseJepsenLog(text))).toEqual([
      { line: 2, message: 'expected ":invoke", ":ok", ":fail" or ":info", got ":oops"' },
      { line: 3, message: 'expected ":read", ":write" or ":cas", got ":get"' },
      { line: 4, message: 'expected nil, an integer, [from to] or a :keyword (such as :timed-out) as the value, got "x"' },
      { line: 5, message: 'expected [from to] as the argument of :cas, got 4' },
    ]);
  });

  it('reports a completion with no pending invocation, and a process invoking twice', () => {
    const errors = errorsOf(parseJepsenLog(log([0, 'ok', 'read', '1'], [1, 'invoke', 'write', '1'], [1, 'invoke', 'write', '2'])));
    expect(errors).toEqual([
      { line: 1, message: 'expected an :invoke of process 0 before its :ok, got a completion with no pending invocation' },
      { line: 3, message: "expected a completion of process 1's :write (invoked on line 2) before its next invocation, got another :invoke" },
    ]);
  });

  it('reports a completion of another function, or with other arguments, than the invocation', () => {
    const errors = errorsOf(parseJepsenLog(log([0, 'invoke', 'write', '1'], [0, 'ok', 'read', '1'], [1, 'invoke', 'cas', '[1 2]'], [1, 'ok', 'cas', '[1 3]'])));
    expect(errors.map((e) => e.line)).toEqual([2, 4]);
    expect(errors[0]!.message).toContain("expected :write to complete process 0's pending :write (line 1), got :read");
    expect(errors[1]!.message).toContain('repeated in its :ok, got [1 3]');
  });

  it('reports log noise and a truncated last line by line number', () => {
    const text = `${log([0, 'invoke', 'write', '1'], [0, 'ok', 'write', '1'])}INFO  jepsen.core - Run complete, writing\nINFO  jepsen.util - 1\t:invoke\t:wri`;
    expect(errorsOf(parseJepsenLog(text))).toEqual([
      { line: 3, message: 'expected a Jepsen operation line "INFO  jepsen.util - PROCESS :TYPE :F VALUE", got "INFO  jepsen.core - Run complete, writing"' },
      { line: 4, message: 'expected ":read", ":write" or ":cas", got ":wri"' },
    ]);
    expect(errorsOf(parseJepsenLog('INFO  jepsen.util - 1\t:invoke\t:write'))[0]).toEqual({ line: 1, message: 'expected a value after ":write" (nil, an integer, [from to] or :timed-out), got end of line' });
    expect(errorsOf(parseJepsenLog('INFO  jepsen.util - 1\t:invoke\t:cas\t[1'))[0]!.message).toContain('got "[1"');
  });

  it('does not report the completion of an invocation it could not read', () => {
    const errors = errorsOf(parseJepsenLog(log([0, 'invoke', 'cas', '7'], [0, 'ok', 'cas', '[1 2]'], [0, 'invoke', 'write', '1'], [0, 'ok', 'write', '1'])));
    expect(errors.map((e) => e.line)).toEqual([1]);
  });

  it('reports at most 20 errors', () => {
    const text = 'noise\n'.repeat(50);
    const errors = errorsOf(parseJepsenLog(text));
    expect(errors).toHaveLength(MAX_PARSE_ERRORS);
    expect(errors.map((e) => e.line)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('refuses more than a million lines, and values longer than 10,000 characters', () => {
    const tooMany = errorsOf(parseJepsenLog('\n'.repeat(MAX_HISTORY_LINES + 1)));
    expect(tooMany).toEqual([{ line: MAX_HISTORY_LINES + 1, message: `too many lines: a history holds at most ${MAX_HISTORY_LINES} lines` }]);
    expect(parseJepsenLog('\n'.repeat(MAX_HISTORY_LINES)).ok).toBe(true);
    const long = errorsOf(parseJepsenLog(log([0, 'invoke', 'write', '1'.repeat(MAX_VALUE_CHARS + 1)])));
    expect(long[0]).toEqual({ line: 1, message: `value too long: at most ${MAX_VALUE_CHARS} characters` });
    expect(parseJepsenLog(log([0, 'invoke', 'write', '1'.repeat(MAX_VALUE_CHARS)])).ok).toBe(true);
  });
});

describe('parseJepsenEdn rules', () => {
  const edn = (...maps: string[]): string => maps.map((m) => `{${m}}`).join('\n');

  it('reads kv operations; fails are left out; info and never completed are unknown', () => {
    const h = historyOf(
      parseJepsenEdn(
        edn(
          ':process 0, :type :invoke, :f :put, :key "a", :value "x"',
          ':process 1, :type :invoke, :f :get, :key "a", :value nil',
          ':process 0, :type :ok, :f :put, :key "a", :value "x"',
          ':process 1, :type :ok, :f :get, :key "a", :value "x"',
          ':process 2, :type :invoke, :f :append, :key "b", :value "y"',
          ':process 2, :type :fail, :f :append, :key "b", :value "y"',
          ':process 3, :type :invoke, :f :append, :key "b", :value "z"',
          ':process 3, :type :info, :f :append, :key "b", :value :timed-out',
          ':process 4, :type :invoke, :f :get, :key "b", :value nil',
        ),
      ),
    );
    expect(h.model).toBe('kv');
    expect(h.operations.map((o) => [o.process, o.f, o.key, o.value, o.output, o.outcome, o.invokeAt, o.completeAt])).toEqual([
      ['0', 'put', 'a', 'x', null, 'ok', 1, 3],
      ['1', 'get', 'a', null, 'x', 'ok', 2, 4],
      ['3', 'append', 'b', 'z', null, 'info', 7, null],
      ['4', 'get', 'b', null, null, 'info', 9, null],
    ]);
  });

  it('reads string escapes and keeps a get of "" as ""', () => {
    const h = historyOf(parseJepsenEdn(edn(':process 0, :type :invoke, :f :put, :key "k\\"1", :value "a\\\\b\\n\\u00e9"', ':process 0 :type :ok :f :put :key "k\\"1" :value "a\\\\b\\n\\u00e9"', ':process 0, :type :invoke, :f :get, :key "", :value nil', ':process 0, :type :ok, :f :get, :key "", :value ""')));
    expect(h.operations[0]).toMatchObject({ key: 'k"1', value: 'a\\b\né' });
    expect(h.operations[1]).toMatchObject({ key: '', output: '' });
  });

  it('reads register operations, with [from to] for cas, a failed cas kept', () => {
    const h = historyOf(
      parseJepsenEdn(
        edn(
          ':process 0, :type :invoke, :f :write, :value 1, :time 100, :index 0',
          ':process 0, :type :ok, :f :write, :value 1',
          ':process 1, :type :invoke, :f :cas, :value [1 2]',
          ':process 1, :type :fail, :f :cas, :value [1 2]',
          ':process 2, :type :invoke, :f :read, :value nil',
          ':process 2, :type :ok, :f :read, :value 1',
          ':process :nemesis, :type :info, :f :start, :value nil',
        ),
      ),
    );
    expect(h.model).toBe('register');
    expect(h.operations.map((o) => [o.f, o.key, o.value, o.expected, o.output, o.outcome])).toEqual([
      ['write', null, '1', null, null, 'ok'],
      ['cas', null, '2', '1', null, 'fail'],
      ['read', null, null, null, '1', 'ok'],
    ]);
  });

  it('refuses a file that mixes kv and register operations', () => {
    const errors = errorsOf(parseJepsenEdn(edn(':process 0, :type :invoke, :f :get, :key "a", :value nil', ':process 0, :type :ok, :f :get, :key "a", :value ""', ':process 1, :type :invoke, :f :read, :value nil', ':process 1, :type :ok, :f :read, :value nil')));
    // The register invocation is reported; its completion is not reported again.
    expect(errors).toEqual([{ line: 3, message: 'expected a kv operation (the file is a kv history from line 1 on), got :read, a register operation' }]);
  });

  it('reports malformed maps with line and column: truncation, bad keys, repeats, unknown keys, missing entries', () => {
    const text = [
      '{:process 0, :type :invoke, :f :put, :key "a", :value "x"}',
      '{:process 0, :type :ok, :f :put, :key "a", :value "x"',
      '{:process 1, :type :invoke, :f :put, :key "a", :value "unterminated}',
      '{process 1}',
      '{:process 1, :process 2}',
      '{:process 1, :type :invoke, :f :put, :key "a", :value "x", :colour :red}',
      '{:process 1, :type :invoke, :f :put, :value "x"}',
      '{:process 1, :type :invoke, :f :delete, :key "a", :value "x"}',
      '{:process 1, :type :invoke, :f :put, :key "a", :value "x"} trailing',
      '{:process 1, :type :invoke, :f :put, :key "a", :value true}',
      '[:process 1]',
      '{:process 2, :type :invoke, :f :put, :key "a", :value "x\\q"}',
    ].join('\n');
    expect(errorsOf(parseJepsenEdn(text))).toEqual([
      { line: 2, message: 'column 54: expected "}" to close the map, got end of line' },
      { line: 3, message: 'column 55: expected a closing " for the string, got end of line' },
      { line: 4, message: 'column 2: expected a :keyword as the key of a map entry, got "process 1}"' },
      { line: 5, message: 'column 14: expected each key once, but :process is repeated, got ":process 2}"' },
      { line: 6, message: 'expected only the keys :process, :type, :f, :key, :value, :time, :index, :error, got :colour' },
      { line: 7, message: 'expected a :key entry for :put, got none' },
      { line: 8, message: 'expected :f :read, :write, :cas (a register) or :get, :put, :append (a key-value store), got ":delete"' },
      { line: 9, message: 'column 60: expected end of line after the map, got "trailing"' },
      { line: 10, message: 'column 55: expected a keyword, a string, an integer, nil or a vector, got "true}"' },
      { line: 11, message: 'column 1: expected an EDN map "{:process ..., :type ..., :f ..., :value ...}", got "[:process 1]"' },
      { line: 12, message: 'column 57: expected an escape \\" \\\\ \\n \\t \\r \\b \\f or \\uXXXX, got "\\\\q"' },
    ]);
  });

  it('reports a get whose ok is not a value, and a process invoking twice', () => {
    const errors = errorsOf(parseJepsenEdn(edn(':process 0, :type :invoke, :f :get, :key "a", :value nil', ':process 0, :type :ok, :f :get, :key "a", :value [1 2]', ':process 1, :type :invoke, :f :get, :key "a", :value nil', ':process 1, :type :invoke, :f :get, :key "b", :value nil')));
    expect(errors.map((e) => e.line)).toEqual([2, 4]);
    expect(errors[0]!.message).toBe('expected nil or a string or an integer as the value :get read, got [1 2]');
  });

  it('reports a completion of another key than the invocation', () => {
    const errors = errorsOf(parseJepsenEdn(edn(':process 0, :type :invoke, :f :put, :key "a", :value "x"', ':process 0, :type :ok, :f :put, :key "b", :value "x"')));
    expect(errors).toEqual([{ line: 2, message: `expected key "a" to complete process 0's pending :put (line 1), got "b"` }]);
  });

  it('refuses strings longer than 10,000 characters', () => {
    const ok = parseJepsenEdn(edn(`:process 0, :type :invoke, :f :put, :key "a", :value "${'x'.repeat(MAX_VALUE_CHARS)}"`));
    expect(ok.ok).toBe(true);
    const errors = errorsOf(parseJepsenEdn(edn(`:process 0, :type :invoke, :f :put, :key "a", :value "${'x'.repeat(MAX_VALUE_CHARS + 1)}"`)));
    expect(errors).toEqual([{ line: 1, message: `column 55: string too long: at most ${MAX_VALUE_CHARS} characters` }]);
  });
});

describe('Faultline JSON histories', () => {
  function op(over: Partial<HistoryOperation> & Pick<HistoryOperation, 'id'>): HistoryOperation {
    return {
      process: 'c1', f: 'write', key: null, value: '1', expected: null, output: null, outcome: 'ok',
      invokeAt: over.id * 10, completeAt: over.id * 10 + 5, invokeMs: null, completeMs: null, invokeLine: null, completeLine: null, ...over,
    };
  }

  it('round-trips the Porcupine histories and a history with display times and keyed registers', () => {
    for (const h of [historyOf(parseJepsenLog(read(ETCD_DIR, 'etcd_000.log'))), historyOf(parseJepsenEdn(read(KV_DIR, 'c10-bad.txt')))]) {
      const json = toHistoryJson(h);
      expect(detectFormat(json)).toBe('json');
      expect(historyOf(parseHistoryJson(json))).toEqual(h);
      expect(historyOf(parseHistory(json))).toEqual(h);
    }
    const ours: History = {
      model: 'register',
      operations: [
        op({ id: 0, key: 'k0', invokeMs: 1.5, completeMs: 12 }),
        op({ id: 1, key: 'k1', f: 'cas', value: 'b', expected: null, outcome: 'fail', invokeMs: 3, completeMs: 4 }),
        op({ id: 2, key: 'k0', f: 'read', value: null, output: null, outcome: 'ok' }),
        op({ id: 3, key: 'k0', f: 'read', value: null, outcome: 'info', completeAt: null, invokeMs: 30 }),
      ],
    };
    expect(historyOf(parseHistoryJson(toHistoryJson(ours)))).toEqual(ours);
    const empty: History = { model: 'kv', operations: [] };
    expect(historyOf(parseHistoryJson(toHistoryJson(empty)))).toEqual(empty);
  });

  it('writes one operation per line', () => {
    const json = toHistoryJson({ model: 'register', operations: [op({ id: 0 }), op({ id: 1 })] });
    expect(json.split('\n').filter((l) => l.includes('"process"'))).toHaveLength(2);
  });

  it('names the path of every bad field', () => {
    const good = JSON.parse(toHistoryJson({ model: 'register', operations: [op({ id: 0 })] })).operations[0];
    const doc = {
      model: 'register',
      operations: [
        good,
        { ...good, outcome: 'done' },
        { ...good, f: 'get' },
        { ...good, value: null },
        { ...good, outcome: 'info' },
        { ...good, completeAt: good.invokeAt },
        { ...good, f: 'read', value: null, output: '3', outcome: 'fail' },
        { ...good, f: 'read', value: null, expected: '1' },
        { ...good, process: 7, invokeMs: -1, colour: 'red' },
        { ...good, invokeAt: 1.5 },
        'not an operation',
      ],
    };
    const errors = errorsOf(parseHistoryJson(JSON.stringify(doc)));
    expect(errors.every((e) => e.line === 0)).toBe(true);
    expect(errors.map((e) => e.message)).toEqual([
      'operations[1].outcome: must be ok, fail or info, got "done"',
      'operations[2].f: must be read, write or cas, got "get"',
      'operations[3].value: must be a string, got null',
      'operations[4].completeAt: must be null (an operation of unknown outcome returns at infinity), got 5',
      'operations[5].completeAt: must be an integer >= 1, got 0',
      'operations[6].output: must be null (only a read or get with outcome ok has one), got "3"',
      'operations[7].expected: must be null for read (only cas has one), got "1"',
      'operations[8].colour: unknown field (expected id, process, f, key, value, expected, output, outcome, invokeAt, completeAt, invokeMs, completeMs, invokeLine, completeLine)',
      'operations[8].process: must be a string, got 7',
      'operations[8].invokeMs: must be a number of milliseconds >= 0 or null, got -1',
      'operations[9].invokeAt: must be an integer >= 0, got 1.5',
      'operations[10]: must be an object, got "not an operation"',
    ]);
  });

  it('requires a kv operation to name its key, and checks the top level', () => {
    const kv = { model: 'kv', operations: [{ process: '0', f: 'get', key: null, value: null, expected: null, output: '', outcome: 'ok', invokeAt: 0, completeAt: 1 }] };
    expect(errorsOf(parseHistoryJson(JSON.stringify(kv))).map((e) => e.message)).toEqual(['operations[0].key: must be a string, got null']);
    expect(errorsOf(parseHistoryJson('{"model": "queue", "operations": {}, "extra": 1}')).map((e) => e.message)).toEqual([
      'extra: unknown field (expected model and operations)',
      'model: must be register or kv, got "queue"',
      'operations: must be an array, got {}',
    ]);
    expect(errorsOf(parseHistoryJson('[1, 2]'))[0]!.message).toContain('expected a JSON object');
  });

  it('gives the line of a JSON syntax error', () => {
    // A missing comma: V8 says at which position.
    const errors = errorsOf(parseHistoryJson('{\n  "model": "kv"\n  "operations": []\n}'));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.line).toBe(3);
    expect(errors[0]!.message).toMatch(/^expected a JSON history, but the text is not valid JSON/);
    // Cut short: the last line.
    expect(errorsOf(parseHistoryJson('{\n  "model": "kv",\n  "operations": [')).map((e) => e.line)).toEqual([3]);
  });

  it('reports at most 20 errors', () => {
    const doc = { model: 'kv', operations: Array.from({ length: 50 }, () => 'x') };
    expect(errorsOf(parseHistoryJson(JSON.stringify(doc)))).toHaveLength(MAX_PARSE_ERRORS);
  });
});

describe('detectFormat and parseHistory', () => {
  it('detects from content first, then from the file extension', () => {
    expect(detectFormat('\n\n  INFO  jepsen.util - 0\t:invoke\t:read\tnil')).toBe('jepsen-log');
    expect(detectFormat('{:process 0}')).toBe('edn');
    expect(detectFormat('{\n  "model": "kv"}')).toBe('json');
    expect(detectFormat('{}')).toBe('json');
    expect(detectFormat('{:process 0}', 'history.json')).toBe('edn');
    expect(detectFormat('garbage', 'history.JSON')).toBe('json');
    expect(detectFormat('', 'run.edn')).toBe('edn');
    expect(detectFormat('', 'etcd.log')).toBe('jepsen-log');
    expect(detectFormat('garbage')).toBeNull();
    expect(detectFormat('garbage', 'notes.txt')).toBeNull();
  });

  it('dispatches to the format given, even over what the content looks like', () => {
    const text = log([0, 'invoke', 'read', 'nil'], [0, 'ok', 'read', '2']);
    expect(historyOf(parseHistory(text)).operations[0]!.output).toBe('2');
    expect(errorsOf(parseHistory(text, 'edn'))[0]!.line).toBe(1);
    expect(errorsOf(parseHistory(text, 'json'))[0]!.message).toMatch(/not valid JSON/);
  });

  it('says what it expected when it cannot tell the format, on the first non-blank line', () => {
    expect(errorsOf(parseHistory('\n\nhello world\n'))).toEqual([
      { line: 3, message: 'expected Jepsen log lines ("INFO  jepsen.util - ..."), EDN maps ("{:process ...}") or a JSON history ({"model": ...}), got "hello world"' },
    ]);
  });

  it('never throws, whatever the text (property)', () => {
    const pieces = fc.constantFrom('INFO  jepsen.util - ', '0', '1', '\t', ' ', ':invoke', ':ok', ':fail', ':info', ':read', ':write', ':cas', ':get', ':put', ':append', 'nil', '[1 2]', '\n', '{', '}', '[', ']', ':process', ':type', ':f', ':key', ':value', '"', '\\', '"a"', ',', '\r', '{"model": "kv", "operations": [', '{"process": "0"}');
    const texts = fc.oneof(fc.string(), fc.array(pieces, { maxLength: 40 }).map((a) => a.join('')));
    fc.assert(
      fc.property(texts, fc.constantFrom(undefined, 'jepsen-log' as const, 'edn' as const, 'json' as const), (text, format) => {
        const r = parseHistory(text, format);
        if (!r.ok) {
          expect(r.errors.length).toBeGreaterThan(0);
          expect(r.errors.length).toBeLessThanOrEqual(MAX_PARSE_ERRORS);
        }
      }),
      { seed: 20240601, numRuns: 2000 },
    );
  });

  it('round-trips any well-formed register log through JSON (property)', () => {
    // Random per-process sequences of invoke/complete, interleaved, printed as Jepsen lines.
    const opArb = fc.record({
      process: fc.integer({ min: 0, max: 4 }),
      f: fc.constantFrom('read', 'write', 'cas'),
      a: fc.integer({ min: 0, max: 4 }),
      b: fc.integer({ min: 0, max: 4 }),
      end: fc.constantFrom('ok', 'fail', 'info', 'none'),
    });
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), (ops) => {
        const rows: Array<[number, string, string, string]> = [];
        const busy = new Set<number>();
        for (const o of ops) {
          if (busy.has(o.process)) continue;
          const arg = o.f === 'read' ? 'nil' : o.f === 'write' ? String(o.a) : `[${o.a} ${o.b}]`;
          rows.push([o.process, 'invoke', o.f, arg]);
          if (o.end === 'none') busy.add(o.process);
          else rows.push([o.process, o.end, o.f, o.end === 'info' ? ':timed-out' : o.f === 'read' ? (o.end === 'ok' ? String(o.b) : ':timed-out') : arg]);
        }
        if (rows.length === 0) return;
        const h = historyOf(parseJepsenLog(log(...rows)));
        const expected = rows.filter((r) => r[1] === 'invoke').length - rows.filter((r) => r[1] === 'fail' && r[2] !== 'cas').length;
        expect(h.operations.length).toBe(expected);
        expect(historyOf(parseHistoryJson(toHistoryJson(h)))).toEqual(h);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

/**
 * What a history means, independent of how its positions are numbered: the operations in invocation
 * order with their fields, and each one's invocation and completion as ranks on the one total order
 * (an unknown outcome returns at infinity: null).
 */
function meaning(h: History): unknown {
  const positions = h.operations.flatMap((op) => (op.completeAt === null ? [op.invokeAt] : [op.invokeAt, op.completeAt])).sort((a, b) => a - b);
  const rank = new Map(positions.map((p, i) => [p, i]));
  const ops = [...h.operations].sort((a, b) => a.invokeAt - b.invokeAt);
  return {
    model: h.model,
    operations: ops.map((op) => ({
      process: op.process, f: op.f, key: op.key, value: op.value, expected: op.expected, output: op.output, outcome: op.outcome,
      invoke: rank.get(op.invokeAt), complete: op.completeAt === null ? null : rank.get(op.completeAt),
    })),
  };
}

describe('Jepsen EDN writer', () => {
  it('round-trips every Porcupine etcd history: same operations, same real-time order, same verdict', () => {
    const files = readdirSync(ETCD_DIR).filter((n) => n.endsWith('.log') && n !== 'etcd_095.log').sort();
    expect(files.length).toBe(102);
    for (const name of files) {
      const h = historyOf(parseJepsenLog(read(ETCD_DIR, name)));
      const edn = toJepsenEdn(h);
      expect(detectFormat(edn), name).toBe('edn');
      const back = historyOf(parseJepsenEdn(edn));
      expect(meaning(back), name).toEqual(meaning(h));
      // A second trip is byte-for-byte stable (line numbers are the only positions left).
      expect(toJepsenEdn(back), name).toBe(edn);
    }
    // The verdicts Porcupine asserts survive the trip (a linearizable file and one that is not).
    const expected = (JSON.parse(read(PORCUPINE_DIR, 'expected.json')) as { linearizable: Record<string, boolean> }).linearizable;
    for (const name of ['etcd_000.log', 'etcd_002.log', 'etcd_006.log']) {
      const back = historyOf(parseJepsenEdn(toJepsenEdn(historyOf(parseJepsenLog(read(ETCD_DIR, name))))));
      const answer = expected[`jepsen-etcd/${name}`];
      expect(typeof answer, name).toBe('boolean');
      expect(checkLinearizability(back).verdict, name).toBe(answer);
    }
  });

  it('writes the etcd register as Jepsen does: integer processes and values, [from to] for cas, :info for timeouts', () => {
    const edn = toJepsenEdn(historyOf(parseJepsenLog(read(ETCD_DIR, 'etcd_000.log'))));
    const lines = edn.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\{:process \d+, :type :invoke, :f :(read|write|cas), :value (nil|\d+|\[\d+ \d+\]), :index 0\}$/);
    expect(lines.some((l) => /:type :info, :f :\w+, :value (nil|\d+|\[\d+ \d+\])/.test(l))).toBe(true);
    expect(lines.some((l) => /:type :fail, :f :cas, :value \[\d+ \d+\]/.test(l))).toBe(true);
    lines.forEach((l, i) => expect(l).toContain(`:index ${i}}`));
  });

  it('round-trips the Porcupine kv histories (string keys and values)', () => {
    for (const name of readdirSync(KV_DIR).sort()) {
      const h = historyOf(parseJepsenEdn(read(KV_DIR, name)));
      const back = historyOf(parseJepsenEdn(toJepsenEdn(h)));
      expect(meaning(back), name).toEqual(meaning(h));
    }
  });

  it('round-trips a simulated run\'s history: keyed registers, string values, timeouts of unknown outcome, :time from virtual ms', () => {
    const scenario = buildScenario({ nodes: 3, seed: 5, untilMs: 6000, loadOpsPerSec: 40, nemesis: ['partition', 'crash'], nemesisIntervalMs: 700 });
    const run = new Run(scenario, { keepTrace: true });
    run.runUntil();
    const h = historyFromTrace(run.sim.trace.slice());
    const counts = { ok: 0, fail: 0, info: 0 };
    for (const op of h.operations) counts[op.outcome]++;
    // The run must exercise every outcome, or the round trip proves less than it claims.
    expect(counts.ok).toBeGreaterThan(30);
    expect(counts.fail).toBeGreaterThan(0);
    expect(counts.info).toBeGreaterThan(0);
    const edn = toJepsenEdn(h);
    expect(edn).toMatch(/^\{:process "c\d+", :type :invoke, :f :\w+, :key "k\d+", :value [^,]+, :index 0, :time \d+\}$/m);
    const back = historyOf(parseHistory(edn));
    expect(meaning(back)).toEqual(meaning(h));
    // :time never goes back (Jepsen's tools sort by it).
    const times = [...edn.matchAll(/:time (\d+)\}/g)].map((m) => Number(m[1]));
    expect(times.length).toBe(edn.trimEnd().split('\n').length);
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
  });

  it('escapes strings so that quotes, backslashes, newlines and control characters read back', () => {
    const op = (over: Partial<HistoryOperation>): HistoryOperation => ({
      id: 0, process: 'p "1"', f: 'put', key: 'a\\b', value: 'x\n"y"\t\u0001é😀', expected: null, output: null, outcome: 'ok',
      invokeAt: 1, completeAt: 2, invokeMs: null, completeMs: null, invokeLine: null, completeLine: null, ...over,
    });
    const h: History = { model: 'kv', operations: [op({}), op({ id: 1, f: 'get', value: null, output: '007', invokeAt: 3, completeAt: 4 })] };
    const edn = toJepsenEdn(h);
    expect(edn).toContain(String.raw`:value "x\n\"y\"\t\u0001é😀"`);
    // "007" is not a canonical integer: it stays a string, so it reads back as "007", not "7".
    expect(edn).toContain(':value "007"');
    expect(meaning(historyOf(parseJepsenEdn(edn)))).toEqual(meaning(h));
  });

  it('places an unknown outcome before its process invokes again, and refuses what Jepsen cannot say', () => {
    const base = { key: 'k', expected: null, output: null, invokeMs: null, completeMs: null, invokeLine: null, completeLine: null } as const;
    const h: History = {
      model: 'register',
      operations: [
        { ...base, id: 0, process: 'c1', f: 'write', value: '1', outcome: 'info', invokeAt: 0, completeAt: null },
        { ...base, id: 1, process: 'c2', f: 'read', value: null, outcome: 'ok', output: '1', invokeAt: 1, completeAt: 2 },
        { ...base, id: 2, process: 'c1', f: 'write', value: '2', outcome: 'ok', invokeAt: 3, completeAt: 4 },
        { ...base, id: 3, process: 'c2', f: 'read', value: null, outcome: 'info', invokeAt: 5, completeAt: null },
      ],
    };
    const lines = toJepsenEdn(h).trimEnd().split('\n');
    expect(lines.map((l) => /:process (\S+), :type :(\w+)/.exec(l)!.slice(1).join(' '))).toEqual([
      '"c1" invoke', '"c2" invoke', '"c2" ok', '"c1" info', '"c1" invoke', '"c1" ok', '"c2" invoke', '"c2" info',
    ]);
    expect(meaning(historyOf(parseJepsenEdn(lines.join('\n'))))).toEqual(meaning(h));
    // Two operations of one process open at once: Jepsen processes are single-threaded.
    const overlapping: History = { model: 'register', operations: [{ ...h.operations[2]!, id: 0, invokeAt: 0, completeAt: 10 }, { ...h.operations[2]!, id: 1, invokeAt: 5, completeAt: 12 }] };
    expect(() => toJepsenEdn(overlapping)).toThrow(/process c1 invokes operation 1 before operation 0 completes/);
    expect(() => toJepsenEdn({ model: 'register', operations: [{ ...h.operations[2]!, f: 'cas', expected: null }] })).toThrow(/has no \[from to\]/);
    expect(toJepsenEdn({ model: 'kv', operations: [] })).toBe('');
  });

  it('round-trips concurrent histories with every outcome (property)', () => {
    const stepArb = fc.record({
      process: fc.integer({ min: 0, max: 3 }),
      f: fc.constantFrom<OpFunctionName>('read', 'write', 'cas'),
      a: fc.integer({ min: 0, max: 3 }),
      b: fc.integer({ min: 0, max: 3 }),
      end: fc.constantFrom('ok', 'fail', 'info'),
    });
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        // Each step invokes on an idle process or completes its open operation: real concurrency.
        const ops: HistoryOperation[] = [];
        const open = new Map<number, number>();
        let at = 0;
        for (const st of steps) {
          const index = open.get(st.process);
          if (index === undefined) {
            const value = st.f === 'read' ? null : String(st.b);
            ops.push({
              id: ops.length, process: String(st.process), f: st.f, key: null, value, expected: st.f === 'cas' ? String(st.a) : null, output: null,
              outcome: 'info', invokeAt: at++, completeAt: null, invokeMs: null, completeMs: null, invokeLine: null, completeLine: null,
            });
            open.set(st.process, ops.length - 1);
          } else {
            open.delete(st.process);
            const op = ops[index]!;
            // A failed read or write carries nothing and is not in a history; a failed cas is.
            const outcome = st.end === 'fail' && op.f !== 'cas' ? 'ok' : (st.end as 'ok' | 'fail' | 'info');
            ops[index] = { ...op, outcome, completeAt: outcome === 'info' ? null : at++, output: op.f === 'read' && outcome === 'ok' ? String(st.a) : null };
          }
        }
        const h: History = { model: 'register', operations: ops };
        const back = historyOf(parseJepsenEdn(toJepsenEdn(h)));
        expect(meaning(back)).toEqual(meaning(h.operations.length === 0 ? { model: 'kv', operations: [] } : h));
      }),
      { seed: 11, numRuns: 400 },
    );
  });
});

type OpFunctionName = 'read' | 'write' | 'cas';
