/**
 * Client histories from text: Jepsen's log lines (the etcd register histories), Jepsen's EDN maps
 * (Porcupine's key-value histories, and registers written the same way), and Faultline's own JSON.
 *
 * Parsers never throw on bad input: they return the history, or up to MAX_PARSE_ERRORS errors, each
 * with its 1-based line (0 when there is no line, as for JSON paths) and a message saying what was
 * expected. Every input is bounded: lines, line length, operations and value length.
 *
 * Jepsen's semantics (see ../shared/testdata/porcupine/README.md and history.ts):
 * - `ok`: the operation happened; a read's value is its output (`nil` = no value yet).
 * - `fail`: it did not happen. A cas that failed with `[from to]` observed that the register did not
 *   hold `from`, which constrains the history: it is kept with outcome `fail`. Any other failed
 *   operation carries no information and is left out.
 * - `info`, or an invocation never completed: unknown, it returns at infinity (`completeAt` null).
 * Times of imported files are line numbers, so `invokeAt` = `invokeLine` and `completeAt` =
 * `completeLine` (except for unknown outcomes, whose `completeAt` is null but whose `info` line is kept
 * in `completeLine`, for messages).
 */
import type { History, HistoryModel, HistoryOperation, OpFunction, OpOutcome } from './history';

export type HistoryFormat = 'jepsen-log' | 'edn' | 'json';

export interface HistoryParseError {
  /** 1-based line of the input; 0 when the error has no line (JSON paths, the input as a whole). */
  readonly line: number;
  readonly message: string;
}

export type HistoryParseResult =
  | { readonly ok: true; readonly history: History }
  | { readonly ok: false; readonly errors: readonly HistoryParseError[] };

/** Bound on lines of a text history (blank lines included). */
export const MAX_HISTORY_LINES = 1_000_000;
/** Bound on operations of any history (the run workload is bounded the same way). */
export const MAX_HISTORY_OPERATIONS = 1_000_000;
/** Bound on one value, key or process name. */
export const MAX_VALUE_CHARS = 10_000;
/** Bound on one line: a few values at most, so the line readers stay linear and small. */
export const MAX_LINE_CHARS = 100_000;
/** Bound on errors reported: past a few, more of them do not help anyone fix a file. */
export const MAX_PARSE_ERRORS = 20;

/** Longest excerpt of the input quoted back in a message. */
const EXCERPT_CHARS = 60;
/** Bounds of the EDN reader: entries per map and items per vector. */
const EDN_MAX_MAP_ENTRIES = 32;
const EDN_MAX_VECTOR_ITEMS = 16;

const REGISTER_FUNCTIONS: readonly OpFunction[] = ['read', 'write', 'cas'];
const KV_FUNCTIONS: readonly OpFunction[] = ['get', 'put', 'append'];
const TYPES = ['invoke', 'ok', 'fail', 'info'] as const;
type LineType = (typeof TYPES)[number];

// ---- shared helpers -----------------------------------------------------------------------------

/** Collects errors, keeping the first MAX_PARSE_ERRORS. */
class ErrorList {
  readonly items: HistoryParseError[] = [];
  add(line: number, message: string): void {
    if (this.items.length < MAX_PARSE_ERRORS) this.items.push({ line, message });
  }
  get full(): boolean {
    return this.items.length >= MAX_PARSE_ERRORS;
  }
}

function failure(line: number, message: string): HistoryParseResult {
  return { ok: false, errors: [{ line, message }] };
}

/** The input quoted back in a message: clipped, so one huge line cannot flood the report. */
function excerpt(text: string): string {
  const clipped = text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}...` : text;
  return JSON.stringify(clipped);
}

function functionModel(f: OpFunction): HistoryModel {
  return REGISTER_FUNCTIONS.includes(f) ? 'register' : 'kv';
}

/** "3", "03" and "+3" are the same register value; the checker compares values as strings. */
function canonicalInteger(text: string): string {
  const negative = text.startsWith('-');
  const digits = text.replace(/^[-+]/, '').replace(/^0+(?=\d)/, '');
  return negative && digits !== '0' ? `-${digits}` : digits;
}

/**
 * Calls `visit` with each line (without its `\n` or `\r\n`) and its 1-based number, in order, until
 * `visit` returns false or the errors are full. Refuses lines past MAX_HISTORY_LINES and lines longer
 * than MAX_LINE_CHARS. A final newline does not start another line.
 */
function forEachLine(text: string, errors: ErrorList, visit: (line: string, lineNo: number) => boolean): void {
  let pos = 0;
  let lineNo = 0;
  while (pos < text.length && !errors.full) {
    lineNo++;
    if (lineNo > MAX_HISTORY_LINES) {
      errors.add(lineNo, `too many lines: a history holds at most ${MAX_HISTORY_LINES} lines`);
      return;
    }
    const newline = text.indexOf('\n', pos);
    const end = newline < 0 ? text.length : newline;
    const next = end + 1;
    if (end - pos > MAX_LINE_CHARS + 1) {
      errors.add(lineNo, `line too long: at most ${MAX_LINE_CHARS} characters`);
      pos = next;
      continue;
    }
    const raw = text.slice(pos, end);
    pos = next;
    if (!visit(raw.endsWith('\r') ? raw.slice(0, -1) : raw, lineNo)) return;
  }
}

// ---- one operation line, in either text format ----------------------------------------------------

/** A value as written on an operation line, with its source text for messages. */
type LineValue =
  | { readonly kind: 'nil'; readonly raw: string }
  | { readonly kind: 'scalar'; readonly text: string; readonly raw: string }
  | { readonly kind: 'pair'; readonly from: string; readonly to: string; readonly raw: string }
  | { readonly kind: 'keyword'; readonly raw: string };

/** One operation line, read but not yet paired. */
interface OpLine {
  readonly line: number;
  readonly process: string;
  readonly type: LineType;
  readonly f: OpFunction;
  readonly key: string | null;
  readonly value: LineValue;
}

/** What reading one line gave: an operation, a line to skip, or an error (with what could be read). */
type LineResult =
  | { readonly kind: 'op'; readonly op: OpLine }
  | { readonly kind: 'skip' }
  | { readonly kind: 'error'; readonly message: string; readonly process?: string; readonly type?: LineType };

/** What a line's value means, once checked against its type and function. */
type Meaning =
  | { readonly kind: 'invoke'; readonly value: string | null; readonly expected: string | null }
  /** A completion; `echo` is the invocation's argument repeated, when the line repeats it. */
  | { readonly kind: 'ok'; readonly output: string | null; readonly echo: LineValue | null }
  | { readonly kind: 'fail'; readonly observed: boolean; readonly echo: LineValue | null }
  | { readonly kind: 'info'; readonly echo: LineValue | null };

/** The argument each function takes: read/get none (nil), write/put/append a value, cas [from to]. */
function argumentShape(f: OpFunction): 'nil' | 'scalar' | 'pair' {
  if (f === 'read' || f === 'get') return 'nil';
  return f === 'cas' ? 'pair' : 'scalar';
}

function describeShape(shape: 'nil' | 'scalar' | 'pair', scalarWord: string): string {
  if (shape === 'nil') return 'nil';
  return shape === 'pair' ? '[from to]' : scalarWord;
}

/**
 * Checks a line's value against its type and function, and says what it means. `scalarWord` names a
 * plain value in this format ("an integer" in Jepsen logs).
 */
function interpretValue(type: LineType, f: OpFunction, value: LineValue, scalarWord: string): Meaning | string {
  const shape = argumentShape(f);
  const isArgument = value.kind === shape;
  const got = `got ${value.raw}`;
  switch (type) {
    case 'invoke':
      if (!isArgument) return `expected ${describeShape(shape, scalarWord)} as the argument of :${f}, ${got}`;
      if (value.kind === 'pair') return { kind: 'invoke', value: value.to, expected: value.from };
      return { kind: 'invoke', value: value.kind === 'scalar' ? value.text : null, expected: null };
    case 'ok':
      if (shape === 'nil') {
        // A read's ok carries the value read; nil = the register has no value yet.
        if (value.kind === 'nil') return { kind: 'ok', output: null, echo: null };
        if (value.kind === 'scalar') return { kind: 'ok', output: value.text, echo: null };
        return `expected nil or ${scalarWord} as the value :${f} read, ${got}`;
      }
      if (!isArgument) return `expected ${describeShape(shape, scalarWord)} (the argument of :${f}) in its :ok, ${got}`;
      return { kind: 'ok', output: null, echo: value };
    case 'fail':
      // A keyword (":timed-out") is a reason: the operation did not happen and observed nothing.
      if (value.kind === 'keyword') return { kind: 'fail', observed: false, echo: null };
      if (shape === 'nil') {
        if (value.kind === 'pair') return `expected nil, ${scalarWord} or a :keyword in the :fail of :${f}, ${got}`;
        return { kind: 'fail', observed: false, echo: null };
      }
      if (!isArgument) return `expected ${describeShape(shape, scalarWord)} or a :keyword in the :fail of :${f}, ${got}`;
      // Only a cas that failed on its comparison observed something (the register did not hold `from`).
      return { kind: 'fail', observed: f === 'cas', echo: value };
    case 'info':
      if (value.kind === 'keyword') return { kind: 'info', echo: null };
      if (shape === 'nil') {
        if (value.kind === 'pair') return `expected nil, ${scalarWord} or a :keyword in the :info of :${f}, ${got}`;
        return { kind: 'info', echo: null };
      }
      if (!isArgument) return `expected ${describeShape(shape, scalarWord)} or a :keyword in the :info of :${f}, ${got}`;
      return { kind: 'info', echo: value };
    default: {
      const never: never = type;
      return `unknown type ${String(never)}`;
    }
  }
}

// ---- pairing invocations with completions ----------------------------------------------------------

interface Draft {
  readonly process: string;
  readonly f: OpFunction;
  readonly key: string | null;
  readonly value: string | null;
  readonly expected: string | null;
  readonly invokeLine: number;
  output: string | null;
  outcome: OpOutcome;
  completeLine: number | null;
  /** Completed, and definitely without effect: left out of the history. */
  dropped: boolean;
}

/** A process whose last invocation could not be read: its completion is swallowed, not reported. */
const UNREADABLE = -1;

/**
 * Pairs each completion with its process's pending invocation (a Jepsen process runs one operation at
 * a time) and collects the operations in invocation order.
 */
class Pairing {
  private readonly drafts: Draft[] = [];
  /** process -> index in drafts of its pending invocation, or UNREADABLE. */
  private readonly pending = new Map<string, number>();
  private model: HistoryModel | null = null;
  private modelLine = 0;

  constructor(
    private readonly errors: ErrorList,
    private readonly scalarWord: string,
  ) {}

  add(op: OpLine): void {
    if (op.type !== 'invoke' && this.pending.get(op.process) === UNREADABLE) {
      // Its invocation was already reported; reporting the completion too would say the same twice.
      this.pending.delete(op.process);
      return;
    }
    const model = functionModel(op.f);
    if (this.model === null) {
      this.model = model;
      this.modelLine = op.line;
    } else if (model !== this.model) {
      this.errors.add(op.line, `expected a ${this.model} operation (the file is a ${this.model} history from line ${this.modelLine} on), got :${op.f}, a ${model} operation`);
      this.abandon(op.process, op.type);
      return;
    }
    const meaning = interpretValue(op.type, op.f, op.value, this.scalarWord);
    if (typeof meaning === 'string') {
      this.errors.add(op.line, meaning);
      this.abandon(op.process, op.type);
      return;
    }
    if (meaning.kind === 'invoke') this.invoke(op, meaning.value, meaning.expected);
    else this.complete(op, meaning);
  }

  /** After an unreadable line of `process`: forget its pending invocation, or swallow its completion. */
  abandon(process: string, type: LineType | undefined): void {
    if (type === 'invoke') this.pending.set(process, UNREADABLE);
    else if (type !== undefined) this.pending.delete(process);
  }

  finish(defaultModel: HistoryModel): History {
    // Invoked and never completed: unknown outcome (the draft already says info, completeLine null).
    const operations: HistoryOperation[] = [];
    for (const d of this.drafts) {
      if (d.dropped) continue;
      const known = d.outcome !== 'info';
      operations.push({
        id: operations.length,
        process: d.process,
        f: d.f,
        key: d.key,
        value: d.value,
        expected: d.expected,
        output: d.output,
        outcome: d.outcome,
        invokeAt: d.invokeLine,
        completeAt: known ? d.completeLine : null,
        invokeMs: null,
        completeMs: null,
        invokeLine: d.invokeLine,
        completeLine: d.completeLine,
      });
    }
    return { model: this.model ?? defaultModel, operations };
  }

  private invoke(op: OpLine, value: string | null, expected: string | null): void {
    const previous = this.pending.get(op.process);
    if (previous !== undefined && previous !== UNREADABLE) {
      const p = this.drafts[previous]!;
      this.errors.add(op.line, `expected a completion of process ${op.process}'s :${p.f} (invoked on line ${p.invokeLine}) before its next invocation, got another :invoke`);
    }
    if (this.drafts.length >= MAX_HISTORY_OPERATIONS) {
      this.errors.add(op.line, `too many operations: a history holds at most ${MAX_HISTORY_OPERATIONS}`);
      return;
    }
    this.pending.set(op.process, this.drafts.length);
    this.drafts.push({
      process: op.process,
      f: op.f,
      key: op.key,
      value,
      expected,
      invokeLine: op.line,
      output: null,
      outcome: 'info',
      completeLine: null,
      dropped: false,
    });
  }

  private complete(op: OpLine, meaning: Exclude<Meaning, { kind: 'invoke' }>): void {
    const index = this.pending.get(op.process);
    this.pending.delete(op.process);
    if (index === undefined || index === UNREADABLE) {
      this.errors.add(op.line, `expected an :invoke of process ${op.process} before its :${op.type}, got a completion with no pending invocation`);
      return;
    }
    const d = this.drafts[index]!;
    const mismatch = completionMismatch(d, op, meaning.echo);
    if (mismatch !== null) {
      this.errors.add(op.line, mismatch);
      return;
    }
    d.completeLine = op.line;
    switch (meaning.kind) {
      case 'ok':
        d.outcome = 'ok';
        d.output = meaning.output;
        break;
      case 'fail':
        d.outcome = 'fail';
        d.dropped = !meaning.observed;
        break;
      case 'info':
        d.outcome = 'info';
        break;
      default: {
        const never: never = meaning;
        throw new Error(`history formats: unknown completion ${String(never)}`);
      }
    }
  }
}

/** Why a completion cannot complete this invocation, or null if it can. */
function completionMismatch(d: Draft, op: OpLine, echo: LineValue | null): string | null {
  const invoked = `process ${op.process}'s pending :${d.f} (line ${d.invokeLine})`;
  if (d.f !== op.f) return `expected :${d.f} to complete ${invoked}, got :${op.f}`;
  if (d.key !== op.key) return `expected key ${JSON.stringify(d.key)} to complete ${invoked}, got ${JSON.stringify(op.key)}`;
  if (echo === null) return null;
  const same = echo.kind === 'pair' ? echo.from === d.expected && echo.to === d.value : echo.kind === 'scalar' && echo.text === d.value;
  return same ? null : `expected the argument of ${invoked} repeated in its :${op.type}, got ${echo.raw}`;
}

/** Reads lines with `readLine` and pairs them into a history. */
function parseOpLines(text: string, readLine: (line: string, lineNo: number) => LineResult | null, scalarWord: string, defaultModel: HistoryModel): HistoryParseResult {
  const errors = new ErrorList();
  const pairing = new Pairing(errors, scalarWord);
  forEachLine(text, errors, (line, lineNo) => {
    if (line.trim() === '') return true;
    const r = readLine(line, lineNo);
    if (r === null || r.kind === 'skip') return true;
    if (r.kind === 'error') {
      errors.add(lineNo, r.message);
      if (r.process !== undefined) pairing.abandon(r.process, r.type);
      return true;
    }
    pairing.add(r.op);
    return true;
  });
  if (errors.items.length > 0) return { ok: false, errors: errors.items };
  return { ok: true, history: pairing.finish(defaultModel) };
}

// ---- Jepsen log lines ------------------------------------------------------------------------------

const LOG_PREFIX = /^INFO[ \t]+jepsen\.util[ \t]+-[ \t]+/;
/** PROCESS :TYPE :F VALUE, the value being the rest of the line ("[3 0]" holds a space). */
const LOG_FIELDS = /^(\S+)(?:[ \t]+(\S+))?(?:[ \t]+(\S+))?(?:[ \t]+(.+))?$/;
const LOG_INTEGER = /^[-+]?\d+$/;
const LOG_PAIR = /^\[[ \t]*([-+]?\d+)[ \t]+([-+]?\d+)[ \t]*\]$/;
const KEYWORD = /^:[A-Za-z*+!_?<>=.][A-Za-z0-9*+!_?<>=./-]*$/;
/** Jepsen's fault injector logs its actions with the client operations; they are not operations. */
const NEMESIS = ':nemesis';

function readLogValue(raw: string): LineValue | string {
  if (raw.length > MAX_VALUE_CHARS) return `value too long: at most ${MAX_VALUE_CHARS} characters`;
  if (raw === 'nil') return { kind: 'nil', raw };
  if (LOG_INTEGER.test(raw)) return { kind: 'scalar', text: canonicalInteger(raw), raw };
  const pair = LOG_PAIR.exec(raw);
  if (pair !== null) return { kind: 'pair', from: canonicalInteger(pair[1]!), to: canonicalInteger(pair[2]!), raw };
  if (KEYWORD.test(raw)) return { kind: 'keyword', raw };
  return `expected nil, an integer, [from to] or a :keyword (such as :timed-out) as the value, got ${excerpt(raw)}`;
}

function readLogLine(text: string, lineNo: number): LineResult {
  const line = text.trim();
  const prefix = LOG_PREFIX.exec(line);
  if (prefix === null) return { kind: 'error', message: `expected a Jepsen operation line "INFO  jepsen.util - PROCESS :TYPE :F VALUE", got ${excerpt(line)}` };
  const rest = line.slice(prefix[0].length);
  const fields = LOG_FIELDS.exec(rest);
  if (fields === null) return { kind: 'error', message: `expected PROCESS :TYPE :F VALUE (separated by tabs or spaces) after "INFO  jepsen.util - ", got ${excerpt(rest)}` };
  const [, processText, typeText, fText, valueText] = fields;
  if (processText === NEMESIS) return { kind: 'skip' };
  if (!/^\d+$/.test(processText!) || processText!.length > MAX_VALUE_CHARS) {
    return { kind: 'error', message: `expected a process number, got ${excerpt(processText!)}` };
  }
  const process = canonicalInteger(processText!);
  if (typeText === undefined) return { kind: 'error', message: 'expected ":invoke", ":ok", ":fail" or ":info" after the process, got end of line' };
  const type = TYPES.find((t) => `:${t}` === typeText);
  if (type === undefined) return { kind: 'error', message: `expected ":invoke", ":ok", ":fail" or ":info", got ${excerpt(typeText)}`, process };
  if (fText === undefined) return { kind: 'error', message: `expected ":read", ":write" or ":cas" after ":${type}", got end of line`, process, type };
  const f = REGISTER_FUNCTIONS.find((name) => `:${name}` === fText);
  if (f === undefined) return { kind: 'error', message: `expected ":read", ":write" or ":cas", got ${excerpt(fText)}`, process, type };
  if (valueText === undefined) return { kind: 'error', message: `expected a value after ":${f}" (nil, an integer, [from to] or :timed-out), got end of line`, process, type };
  const value = readLogValue(valueText);
  if (typeof value === 'string') return { kind: 'error', message: value, process, type };
  return { kind: 'op', op: { line: lineNo, process, type, f, key: null, value } };
}

/**
 * A register history from Jepsen log lines (`INFO  jepsen.util - 3	:invoke	:cas	[3 0]`). Blank lines
 * and the nemesis's lines are skipped; any other line is an error. An empty input is an empty history.
 */
export function parseJepsenLog(text: string): HistoryParseResult {
  return parseOpLines(text, readLogLine, 'an integer', 'register');
}

// ---- Jepsen EDN maps -------------------------------------------------------------------------------

type EdnValue =
  | { readonly kind: 'nil' }
  | { readonly kind: 'keyword'; readonly name: string }
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'integer'; readonly text: string }
  | { readonly kind: 'vector'; readonly items: readonly EdnValue[] };

interface EdnItem {
  readonly value: EdnValue;
  /** Source text, for messages. */
  readonly raw: string;
}

/** A cursor over one line of EDN. */
interface EdnCursor {
  readonly text: string;
  pos: number;
}

class EdnError {
  constructor(readonly message: string) {}
}

function ednFail(c: EdnCursor, expected: string): EdnError {
  const got = c.pos >= c.text.length ? 'end of line' : excerpt(c.text.slice(c.pos, c.pos + 20));
  return new EdnError(`column ${c.pos + 1}: expected ${expected}, got ${got}`);
}

/** Commas are whitespace in EDN. */
const EDN_SPACE = new Set([' ', '\t', ',']);
/** Characters that end a token (a keyword, an integer, nil). */
const EDN_DELIMITERS = new Set([' ', '\t', ',', '{', '}', '[', ']', '(', ')', '"']);

function skipEdnSpace(c: EdnCursor): void {
  while (c.pos < c.text.length && EDN_SPACE.has(c.text[c.pos]!)) c.pos++;
}

const EDN_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };

function readEdnString(c: EdnCursor): EdnValue | EdnError {
  const start = c.pos;
  c.pos++; // the opening quote
  let out = '';
  while (c.pos < c.text.length) {
    // Every step appends to `out` and comes back here, so this bounds the string.
    if (out.length > MAX_VALUE_CHARS) return new EdnError(`column ${start + 1}: string too long: at most ${MAX_VALUE_CHARS} characters`);
    const ch = c.text[c.pos]!;
    if (ch === '"') {
      c.pos++;
      return { kind: 'string', text: out };
    }
    if (ch !== '\\') {
      // Copy the run of plain characters up to the next quote or backslash in one slice.
      let end = c.pos + 1;
      while (end < c.text.length && c.text[end] !== '"' && c.text[end] !== '\\') end++;
      out += c.text.slice(c.pos, end);
      c.pos = end;
      continue;
    }
    const esc = c.text[c.pos + 1];
    if (esc === 'u') {
      const hex = c.text.slice(c.pos + 2, c.pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return new EdnError(`column ${c.pos + 1}: expected four hex digits after \\u, got ${excerpt(hex)}`);
      out += String.fromCharCode(parseInt(hex, 16));
      c.pos += 6;
      continue;
    }
    const decoded = esc === undefined ? undefined : EDN_ESCAPES[esc];
    if (decoded === undefined) return new EdnError(`column ${c.pos + 1}: expected an escape \\" \\\\ \\n \\t \\r \\b \\f or \\uXXXX, got ${excerpt(`\\${esc ?? ''}`)}`);
    out += decoded;
    c.pos += 2;
  }
  return new EdnError(`column ${start + 1}: expected a closing " for the string, got end of line`);
}

/** A token up to the next delimiter: a keyword, an integer or a symbol (of which only nil is read). */
function readEdnToken(c: EdnCursor): EdnValue | EdnError {
  const start = c.pos;
  while (c.pos < c.text.length && !EDN_DELIMITERS.has(c.text[c.pos]!)) c.pos++;
  const token = c.text.slice(start, c.pos);
  if (token.length > MAX_VALUE_CHARS) return new EdnError(`column ${start + 1}: value too long: at most ${MAX_VALUE_CHARS} characters`);
  if (token === 'nil') return { kind: 'nil' };
  if (KEYWORD.test(token)) return { kind: 'keyword', name: token.slice(1) };
  if (LOG_INTEGER.test(token)) return { kind: 'integer', text: canonicalInteger(token) };
  c.pos = start;
  return ednFail(c, 'a keyword, a string, an integer, nil or a vector');
}

function readEdnVector(c: EdnCursor): EdnValue | EdnError {
  c.pos++; // the opening bracket
  const items: EdnValue[] = [];
  for (;;) {
    skipEdnSpace(c);
    if (c.text[c.pos] === ']') {
      c.pos++;
      return { kind: 'vector', items };
    }
    if (items.length >= EDN_MAX_VECTOR_ITEMS) return ednFail(c, `"]" (a vector holds at most ${EDN_MAX_VECTOR_ITEMS} items here)`);
    if (c.pos >= c.text.length) return ednFail(c, '"]" to close the vector');
    const ch = c.text[c.pos];
    // Operation values are flat: [from to] at most.
    if (ch === '[' || ch === '{') return ednFail(c, 'a keyword, a string, an integer or nil (vectors here are flat)');
    const item = readEdnScalar(c);
    if (item instanceof EdnError) return item;
    items.push(item);
  }
}

function readEdnScalar(c: EdnCursor): EdnValue | EdnError {
  if (c.text[c.pos] === '"') return readEdnString(c);
  return readEdnToken(c);
}

function readEdnValue(c: EdnCursor): EdnItem | EdnError {
  const start = c.pos;
  if (c.pos >= c.text.length || c.text[c.pos] === '}') return ednFail(c, 'a value');
  const value = c.text[c.pos] === '[' ? readEdnVector(c) : readEdnScalar(c);
  if (value instanceof EdnError) return value;
  return { value, raw: c.text.slice(start, c.pos) };
}

/** Reads one line holding exactly one flat EDN map with keyword keys: `{:a 1, :b "x", :c [1 2]}`. */
function readEdnMap(line: string): Map<string, EdnItem> | EdnError {
  const c: EdnCursor = { text: line, pos: 0 };
  skipEdnSpace(c);
  if (c.text[c.pos] !== '{') return ednFail(c, 'an EDN map "{:process ..., :type ..., :f ..., :value ...}"');
  c.pos++;
  const entries = new Map<string, EdnItem>();
  for (;;) {
    skipEdnSpace(c);
    if (c.text[c.pos] === '}') {
      c.pos++;
      break;
    }
    if (c.pos >= c.text.length) return ednFail(c, '"}" to close the map');
    if (entries.size >= EDN_MAX_MAP_ENTRIES) return ednFail(c, `"}" (a map holds at most ${EDN_MAX_MAP_ENTRIES} entries here)`);
    const keyStart = c.pos;
    const key = c.text[c.pos] === '[' || c.text[c.pos] === '"' ? null : readEdnToken(c);
    if (key === null || key instanceof EdnError || key.kind !== 'keyword') {
      c.pos = keyStart;
      return ednFail(c, 'a :keyword as the key of a map entry');
    }
    if (entries.has(key.name)) {
      c.pos = keyStart;
      return ednFail(c, `each key once, but :${key.name} is repeated`);
    }
    skipEdnSpace(c);
    const value = readEdnValue(c);
    if (value instanceof EdnError) return value;
    entries.set(key.name, value);
  }
  skipEdnSpace(c);
  if (c.pos < c.text.length) return ednFail(c, 'end of line after the map');
  return entries;
}

/** Keys of a Jepsen operation map; :time, :index and :error are Jepsen's own and ignored. */
const EDN_KEYS = ['process', 'type', 'f', 'key', 'value', 'time', 'index', 'error'];

function ednLineValue(item: EdnItem): LineValue | string {
  const v = item.value;
  switch (v.kind) {
    case 'nil':
      return { kind: 'nil', raw: item.raw };
    case 'keyword':
      return { kind: 'keyword', raw: item.raw };
    case 'string':
    case 'integer':
      return { kind: 'scalar', text: v.text, raw: item.raw };
    case 'vector': {
      const [from, to] = v.items;
      const plain = (x: EdnValue | undefined): x is Extract<EdnValue, { text: string }> => x !== undefined && (x.kind === 'string' || x.kind === 'integer');
      if (v.items.length !== 2 || !plain(from) || !plain(to)) return `expected [from to] (two values) as a vector value, got ${excerpt(item.raw)}`;
      return { kind: 'pair', from: from.text, to: to.text, raw: item.raw };
    }
    default: {
      const never: never = v;
      return `unknown value ${String(never)}`;
    }
  }
}

function readEdnLine(line: string, lineNo: number): LineResult {
  const entries = readEdnMap(line);
  if (entries instanceof EdnError) return { kind: 'error', message: entries.message };
  for (const name of entries.keys()) {
    if (!EDN_KEYS.includes(name)) return { kind: 'error', message: `expected only the keys ${EDN_KEYS.map((k) => `:${k}`).join(', ')}, got :${name}` };
  }
  const processItem = entries.get('process');
  if (processItem === undefined) return { kind: 'error', message: 'expected a :process entry, got none' };
  if (processItem.raw === NEMESIS) return { kind: 'skip' };
  if (processItem.value.kind !== 'integer' && processItem.value.kind !== 'string') {
    return { kind: 'error', message: `expected an integer or a string as the :process, got ${excerpt(processItem.raw)}` };
  }
  const process = processItem.value.text;
  const typeItem = entries.get('type');
  const type = TYPES.find((t) => `:${t}` === typeItem?.raw);
  if (type === undefined) return { kind: 'error', message: `expected :type :invoke, :ok, :fail or :info, got ${typeItem === undefined ? 'none' : excerpt(typeItem.raw)}`, process };
  const fItem = entries.get('f');
  const f = [...REGISTER_FUNCTIONS, ...KV_FUNCTIONS].find((name) => `:${name}` === fItem?.raw);
  if (f === undefined) {
    return { kind: 'error', message: `expected :f :read, :write, :cas (a register) or :get, :put, :append (a key-value store), got ${fItem === undefined ? 'none' : excerpt(fItem.raw)}`, process, type };
  }
  const keyItem = entries.get('key');
  let key: string | null = null;
  if (keyItem !== undefined) {
    if (keyItem.value.kind !== 'string' && keyItem.value.kind !== 'integer') return { kind: 'error', message: `expected a string or an integer as the :key, got ${excerpt(keyItem.raw)}`, process, type };
    key = keyItem.value.text;
  } else if (functionModel(f) === 'kv') {
    return { kind: 'error', message: `expected a :key entry for :${f}, got none`, process, type };
  }
  const valueItem = entries.get('value');
  if (valueItem === undefined) return { kind: 'error', message: 'expected a :value entry (nil when there is none), got none', process, type };
  const value = ednLineValue(valueItem);
  if (typeof value === 'string') return { kind: 'error', message: value, process, type };
  return { kind: 'op', op: { line: lineNo, process, type, f, key, value } };
}

/**
 * A history from Jepsen EDN maps, one per line: key-value (`:get`/`:put`/`:append` with `:key`) or
 * register (`:read`/`:write`/`:cas`, `:value [from to]` for cas), never both in one file. An empty
 * input is an empty kv history.
 */
export function parseJepsenEdn(text: string): HistoryParseResult {
  return parseOpLines(text, readEdnLine, 'a string or an integer', 'kv');
}

// ---- Faultline's JSON ----------------------------------------------------------------------------

const JSON_OP_FIELDS = ['id', 'process', 'f', 'key', 'value', 'expected', 'output', 'outcome', 'invokeAt', 'completeAt', 'invokeMs', 'completeMs', 'invokeLine', 'completeLine'];

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * The 1-based line of a JSON.parse error when the engine says where it failed (V8 gives a position for
 * some errors, and an excerpt for others), the last line when the text ended too early, else 0.
 */
function jsonErrorLine(text: string, message: string): number {
  if (/unexpected end/i.test(message)) return text.trimEnd().split('\n').length;
  const at = /position (\d+)/.exec(message);
  if (at === null) return 0;
  const position = Math.min(Number(at[1]), text.length);
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < position; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Reads the fields of one JSON operation; each check adds at most one error, named by its path. */
class JsonOperationReader {
  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly path: string,
    private readonly errors: ErrorList,
  ) {}

  private error(field: string, message: string): void {
    this.errors.add(0, `${this.path}.${field}: ${message}`);
  }

  /** A string (or, if `nullable`, null) of at most MAX_VALUE_CHARS; undefined when invalid. */
  text(field: string, nullable: boolean): string | null | undefined {
    const v = this.raw[field];
    if (v === null && nullable) return null;
    if (typeof v !== 'string') {
      this.error(field, `must be a string${nullable ? ' or null' : ''}, got ${describeJson(v)}`);
      return undefined;
    }
    if (v.length > MAX_VALUE_CHARS) {
      this.error(field, `must be at most ${MAX_VALUE_CHARS} characters`);
      return undefined;
    }
    return v;
  }

  /** A null required by the function or outcome; `why` says why. */
  nothing(field: string, why: string): null | undefined {
    if (this.raw[field] === null) return null;
    this.error(field, `must be null ${why}, got ${describeJson(this.raw[field])}`);
    return undefined;
  }

  /** An integer >= `min` (or, if `nullable`, null; an optional field may be absent = null). */
  integer(field: string, min: number, nullable: boolean, optional = false): number | null | undefined {
    const v = this.raw[field];
    if ((v === null && nullable) || (v === undefined && optional)) return null;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      this.error(field, `must be an integer >= ${min}${nullable ? ' or null' : ''}, got ${describeJson(v)}`);
      return undefined;
    }
    return v;
  }

  /** An optional finite number >= 0, or null. */
  milliseconds(field: string): number | null | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      this.error(field, `must be a number of milliseconds >= 0 or null, got ${describeJson(v)}`);
      return undefined;
    }
    return v;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[]): T | undefined {
    const v = this.raw[field];
    const found = allowed.find((a) => a === v);
    if (found === undefined) this.error(field, `must be ${allowed.join(', ').replace(/, ([^,]*)$/, ' or $1')}, got ${describeJson(v)}`);
    return found;
  }

  unknownFields(): void {
    for (const field of Object.keys(this.raw)) {
      if (!JSON_OP_FIELDS.includes(field)) this.error(field, `unknown field (expected ${JSON_OP_FIELDS.join(', ')})`);
    }
  }
}

function describeJson(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  const text = JSON.stringify(v);
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}...` : text;
}

/** One operation of a JSON history, or null (with errors added) when it is invalid. */
function readJsonOperation(raw: unknown, index: number, model: HistoryModel, errors: ErrorList): HistoryOperation | null {
  const path = `operations[${index}]`;
  if (!isRecord(raw)) {
    errors.add(0, `${path}: must be an object, got ${describeJson(raw)}`);
    return null;
  }
  const before = errors.items.length;
  const r = new JsonOperationReader(raw, path, errors);
  r.unknownFields();
  if (raw.id !== undefined && raw.id !== index) errors.add(0, `${path}.id: must be ${index} (its index) when given, got ${describeJson(raw.id)}`);
  const process = r.text('process', false);
  const f = r.oneOf('f', model === 'register' ? REGISTER_FUNCTIONS : KV_FUNCTIONS);
  // Our own runs keep one register per key, so a register operation may name its key.
  const key = r.text('key', model === 'register');
  const outcome = r.oneOf<OpOutcome>('outcome', ['ok', 'fail', 'info']);
  const shape = f === undefined ? undefined : argumentShape(f);
  const value = shape === undefined ? undefined : shape === 'nil' ? r.nothing('value', `for ${f}`) : r.text('value', false);
  const expected = shape === undefined ? undefined : shape === 'pair' ? r.text('expected', true) : r.nothing('expected', `for ${f} (only cas has one)`);
  const output = shape === undefined || outcome === undefined ? undefined : shape === 'nil' && outcome === 'ok' ? r.text('output', true) : r.nothing('output', '(only a read or get with outcome ok has one)');
  const invokeAt = r.integer('invokeAt', 0, false);
  const completeAt =
    outcome === undefined || invokeAt === undefined || invokeAt === null
      ? undefined
      : outcome === 'info'
        ? r.nothing('completeAt', '(an operation of unknown outcome returns at infinity)')
        : r.integer('completeAt', invokeAt + 1, false);
  const invokeMs = r.milliseconds('invokeMs');
  const completeMs = r.milliseconds('completeMs');
  const invokeLine = r.integer('invokeLine', 1, true, true);
  const completeLine = r.integer('completeLine', 1, true, true);
  if (errors.items.length > before) return null;
  // Every field was read without error, so none is undefined; the checks narrow the types.
  if (process == null || f === undefined || key === undefined || outcome === undefined || value === undefined || expected === undefined) return null;
  if (output === undefined || invokeAt == null || completeAt === undefined || invokeMs === undefined || completeMs === undefined) return null;
  if (invokeLine === undefined || completeLine === undefined) return null;
  return { id: index, process, f, key, value, expected, output, outcome, invokeAt, completeAt, invokeMs, completeMs, invokeLine, completeLine };
}

/**
 * Faultline's own JSON history: `{ "model": "register" | "kv", "operations": [ ... ] }`, checked field
 * by field; errors name the path (`operations[3].outcome: ...`) and have line 0, except JSON syntax
 * errors, which carry the line when the engine reports a position.
 */
export function parseHistoryJson(text: string): HistoryParseResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return failure(jsonErrorLine(text, message), `expected a JSON history, but the text is not valid JSON: ${message}`);
  }
  if (!isRecord(doc)) return failure(0, `expected a JSON object {"model": ..., "operations": [...]}, got ${describeJson(doc)}`);
  const errors = new ErrorList();
  for (const field of Object.keys(doc)) {
    if (field !== 'model' && field !== 'operations') errors.add(0, `${field}: unknown field (expected model and operations)`);
  }
  const model = doc.model === 'register' || doc.model === 'kv' ? doc.model : null;
  if (model === null) errors.add(0, `model: must be register or kv, got ${describeJson(doc.model)}`);
  const raw = doc.operations;
  if (!Array.isArray(raw)) errors.add(0, `operations: must be an array, got ${describeJson(raw)}`);
  else if (raw.length > MAX_HISTORY_OPERATIONS) errors.add(0, `operations: too many, a history holds at most ${MAX_HISTORY_OPERATIONS}`);
  if (errors.items.length > 0 || model === null || !Array.isArray(raw)) return { ok: false, errors: errors.items };
  const operations: HistoryOperation[] = [];
  for (let i = 0; i < raw.length && !errors.full; i++) {
    const op = readJsonOperation(raw[i], i, model, errors);
    if (op !== null) operations.push(op);
  }
  if (errors.items.length > 0) return { ok: false, errors: errors.items };
  return { ok: true, history: { model, operations } };
}

/** One operation as JSON, in a fixed field order; display-only fields only when they hold something. */
function operationJson(op: HistoryOperation): Record<string, unknown> {
  const out: Record<string, unknown> = {
    process: op.process,
    f: op.f,
    key: op.key,
    value: op.value,
    expected: op.expected,
    output: op.output,
    outcome: op.outcome,
    invokeAt: op.invokeAt,
    completeAt: op.completeAt,
  };
  if (op.invokeMs !== null) out.invokeMs = op.invokeMs;
  if (op.completeMs !== null) out.completeMs = op.completeMs;
  if (op.invokeLine !== null) out.invokeLine = op.invokeLine;
  if (op.completeLine !== null) out.completeLine = op.completeLine;
  return out;
}

/**
 * The history as Faultline's JSON, one operation per line (so large files diff and stream well);
 * `parseHistoryJson` reads it back to an equal history (ids are the indexes).
 */
export function toHistoryJson(history: History): string {
  const ops = history.operations.map((op) => `    ${JSON.stringify(operationJson(op))}`);
  const list = ops.length === 0 ? '[]' : `[\n${ops.join(',\n')}\n  ]`;
  return `{\n  "model": ${JSON.stringify(history.model)},\n  "operations": ${list}\n}\n`;
}

// ---- writing Jepsen EDN ---------------------------------------------------------------------------

/** An EDN string literal: the escapes `parseJepsenEdn` reads, `\uXXXX` for other control characters. */
function ednString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Integers in canonical form are written as EDN integers (as Jepsen writes register values and processes). */
const CANONICAL_INTEGER = /^-?(0|[1-9]\d{0,14})$/;

/** A value or process as EDN: an integer when its text is one, else a string. Reading it back gives the same text. */
function ednScalar(text: string): string {
  return CANONICAL_INTEGER.test(text) ? text : ednString(text);
}

/** One line of the EDN history, before it is ordered. */
interface EdnLine {
  /** Position on the history's total order; ties keep `sub` order. */
  readonly at: number;
  readonly sub: number;
  readonly op: HistoryOperation;
  readonly type: LineType;
  /** Display time (virtual ms) when the history has one, for Jepsen's :time. */
  readonly ms: number | null;
}

/** The EDN `:value` of an operation's line of `type`. */
function ednValue(op: HistoryOperation, type: LineType): string {
  const shape = argumentShape(op.f);
  if (shape === 'nil') return type === 'ok' && op.output !== null ? ednScalar(op.output) : 'nil';
  if (shape === 'pair') {
    if (op.expected === null || op.value === null) throw new Error(`EDN export: operation ${op.id} (a cas of process ${op.process}) has no [from to]`);
    return `[${ednScalar(op.expected)} ${ednScalar(op.value)}]`;
  }
  if (op.value === null) throw new Error(`EDN export: operation ${op.id} (a ${op.f} of process ${op.process}) has no value`);
  return ednScalar(op.value);
}

/**
 * The history as Jepsen EDN, one map per line in real-time order (`{:process 0, :type :invoke, :f :cas,
 * :key "k1", :value [1 2], :index 0, :time 3000000}`), which `parseJepsenEdn` reads back to the same
 * operations in the same real-time order. `:time` (nanoseconds) is written when the history has
 * virtual times (a run's), `:index` always.
 *
 * An operation of unknown outcome returns at infinity wherever its `:info` line stands, so that line
 * goes where the file says it was (`completeLine`, for an imported file) or just before the process's
 * next invocation, else at the end. A `fail` of anything but a cas observed nothing: it is written,
 * and reading the file leaves it out, as Jepsen's semantics say. An empty history reads back as an
 * empty key-value history (EDN has no header to say "register").
 *
 * Throws when the history cannot be written as Jepsen EDN: a process with two operations open at once
 * (Jepsen processes are single-threaded), or a cas without its [from to].
 */
export function toJepsenEdn(history: History): string {
  const ops = history.operations;
  const byProcess = new Map<string, HistoryOperation[]>();
  for (const op of ops) {
    const list = byProcess.get(op.process);
    if (list === undefined) byProcess.set(op.process, [op]);
    else list.push(op);
  }
  const lines: EdnLine[] = [];
  for (const list of byProcess.values()) {
    list.sort((a, b) => a.invokeAt - b.invokeAt);
    list.forEach((op, i) => {
      const next = list[i + 1];
      lines.push({ at: op.invokeAt, sub: 0, op, type: 'invoke', ms: op.invokeMs });
      if (op.completeAt !== null) {
        if (next !== undefined && op.completeAt > next.invokeAt) {
          throw new Error(`EDN export: process ${op.process} invokes operation ${next.id} before operation ${op.id} completes; a Jepsen process runs one operation at a time`);
        }
        lines.push({ at: op.completeAt, sub: 0, op, type: op.outcome === 'ok' ? 'ok' : op.outcome === 'fail' ? 'fail' : 'info', ms: op.completeMs });
        return;
      }
      // Unknown outcome: the info line where the file had it (line-numbered histories), else just
      // before the process's next invocation (sub -1 sorts it there), else at the end.
      const linePositioned = op.completeLine !== null && op.invokeLine !== null && op.invokeAt === op.invokeLine && (next === undefined || op.completeLine < next.invokeAt);
      if (linePositioned) lines.push({ at: op.completeLine!, sub: 0, op, type: 'info', ms: null });
      else if (next !== undefined) lines.push({ at: next.invokeAt, sub: -1, op, type: 'info', ms: next.invokeMs });
      else lines.push({ at: Number.POSITIVE_INFINITY, sub: op.id, op, type: 'info', ms: null });
    });
  }
  lines.sort((a, b) => a.at - b.at || a.sub - b.sub);
  const timed = ops.length > 0 && ops.every((op) => op.invokeMs !== null);
  let lastMs = 0;
  const out: string[] = [];
  lines.forEach((line, index) => {
    const { op, type } = line;
    const parts = [`:process ${ednScalar(op.process)}`, `:type :${type}`, `:f :${op.f}`];
    if (op.key !== null) parts.push(`:key ${ednString(op.key)}`);
    parts.push(`:value ${ednValue(op, type)}`, `:index ${index}`);
    if (timed) {
      // Jepsen's :time is monotonic nanoseconds; an info line with no time of its own takes the last one.
      lastMs = Math.max(lastMs, line.ms ?? lastMs);
      parts.push(`:time ${Math.round(lastMs * 1_000_000)}`);
    }
    out.push(`{${parts.join(', ')}}`);
  });
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

// ---- which format ----------------------------------------------------------------------------------

const EXTENSION_FORMATS: ReadonlyArray<readonly [string, HistoryFormat]> = [
  ['.json', 'json'],
  ['.edn', 'edn'],
  ['.log', 'jepsen-log'],
];

/**
 * The format of a history, from its first non-blank line, else from the file name's extension (so a
 * mislabeled file still parses, and a broken one still gets line-by-line errors); null if neither says.
 */
export function detectFormat(text: string, fileName?: string): HistoryFormat | null {
  const start = text.search(/\S/);
  if (start >= 0) {
    const head = text.slice(start, start + 200);
    if (/^INFO[ \t]+jepsen\.util[ \t]/.test(head)) return 'jepsen-log';
    if (/^\{\s*:/.test(head)) return 'edn';
    if (/^\{\s*["}]/.test(head)) return 'json';
  }
  const name = fileName?.toLowerCase() ?? '';
  return EXTENSION_FORMATS.find(([ext]) => name.endsWith(ext))?.[1] ?? null;
}

/** Parses a history in `format`, or in the format `detectFormat` finds. */
export function parseHistory(text: string, format?: HistoryFormat, fileName?: string): HistoryParseResult {
  const chosen = format ?? detectFormat(text, fileName);
  switch (chosen) {
    case 'jepsen-log':
      return parseJepsenLog(text);
    case 'edn':
      return parseJepsenEdn(text);
    case 'json':
      return parseHistoryJson(text);
    case null: {
      const start = text.search(/\S/);
      if (start < 0) return failure(0, 'expected a history, but the input is empty');
      const line = text.slice(0, start).split('\n').length;
      const firstLine = text.slice(start).split('\n', 1)[0]!;
      return failure(line, `expected Jepsen log lines ("INFO  jepsen.util - ..."), EDN maps ("{:process ...}") or a JSON history ({"model": ...}), got ${excerpt(firstLine)}`);
    }
    default: {
      const never: never = chosen;
      return failure(0, `unknown format ${String(never)}`);
    }
  }
}
