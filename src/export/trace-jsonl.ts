/**
 * A run's trace as JSON Lines: one event per line, each the event's canonical fields in canonical
 * order (`{"kind":"sent","atMs":12,"msgId":3,"from":"n1",...}`, the order of src/sim/trace.ts's
 * encoding), after a header line that names the run and records how many events follow and their
 * trace hash, with the scenario that reproduces them:
 *
 *   {"format":"faultline-trace","version":1,"name":...,"protocol":"raft","nodes":5,"seed":42,
 *    "atMs":12340,"events":51234,"traceHash":"3fa2...","scenario":{...}}
 *   {"kind":"timer","atMs":0,"node":"n1","timer":"election"}
 *   ...
 *
 * Reading one back (`TraceFileReader`, fed in chunks so a large file never sits in memory whole)
 * validates every line against the event kinds and their fields, re-encodes every event canonically
 * and hashes it exactly as the simulator does, so the file is verified against its recorded hash
 * (and a file without a header still gets its hash computed). The header's scenario, when valid, lets
 * the lab replay the run and compare it event for event.
 */
import { parseScenario, type Scenario } from '../sim/scenario';
import { Trace, TRACE_EVENT_FIELDS, TRACE_EVENT_KINDS, type TraceEvent, type TraceEventKind } from '../sim/trace';

export const TRACE_FORMAT = 'faultline-trace';
export const TRACE_FORMAT_VERSION = 1;
/** Most events one export holds (about 250 MB of text): past it, export an earlier moment. */
export const TRACE_EXPORT_EVENTS_MAX = 2_000_000;
/** Largest trace file read, and most events in it. */
export const TRACE_FILE_MAX_BYTES = 256 * 1024 * 1024;
export const TRACE_FILE_EVENTS_MAX = TRACE_EXPORT_EVENTS_MAX;
/** Longest line read: an event's strings are short (a message's one-line summary at most). */
export const TRACE_LINE_MAX_CHARS = 100_000;
/** Errors reported before reading stops: a few are enough to fix a file. */
const ERRORS_MAX = 5;
/** Elections and violations listed in a summary (all are counted). */
const LISTED_MAX = 20;
const NAME_MAX_CHARS = 200;
const HEADER_FIELDS = ['format', 'version', 'name', 'protocol', 'nodes', 'seed', 'atMs', 'events', 'traceHash', 'scenario'] as const;

export interface TraceHeader {
  readonly format: typeof TRACE_FORMAT;
  readonly version: typeof TRACE_FORMAT_VERSION;
  /** The scenario's name. */
  readonly name: string;
  /** The CLI's protocol name (raft, paxos, multipaxos). */
  readonly protocol: string;
  readonly nodes: number;
  readonly seed: number;
  /** The moment the trace runs to (the events are those up to it, as the lab showed it). */
  readonly atMs: number;
  readonly events: number;
  readonly traceHash: string;
  /** The scenario that reproduces the run through `atMs` (src/export/scenario-file.ts). */
  readonly scenario: Scenario;
}

/** One event as a JSON line: kind, time, then its fields in canonical order. */
export function eventJson(event: TraceEvent): string {
  const record = event as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { kind: event.kind, atMs: event.atMs };
  for (const [name] of TRACE_EVENT_FIELDS[event.kind]) out[name] = record[name];
  return JSON.stringify(out);
}

export function headerJson(header: TraceHeader): string {
  const out: Record<string, unknown> = {};
  for (const field of HEADER_FIELDS) out[field] = header[field];
  return JSON.stringify(out);
}

/**
 * The file's text in chunks of about `chunkChars` characters (the worker makes a Blob of them, so
 * no single string holds a large trace).
 */
export function* traceJsonlChunks(header: TraceHeader, events: Iterable<TraceEvent>, chunkChars = 1 << 20): Generator<string> {
  let lines: string[] = [headerJson(header)];
  let size = lines[0]!.length;
  for (const event of events) {
    const line = eventJson(event);
    lines.push(line);
    size += line.length + 1;
    if (size >= chunkChars) {
      yield `${lines.join('\n')}\n`;
      lines = [];
      size = 0;
    }
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
}

/** The header of a trace file as read, without its scenario (the summary carries that as text). */
export type TraceHeaderInfo = Omit<TraceHeader, 'scenario' | 'format' | 'version'>;

export interface TraceSummary {
  /** The file's name. */
  readonly name: string;
  readonly events: number;
  readonly firstMs: number | null;
  readonly lastMs: number | null;
  /** Events per kind, for the kinds present. */
  readonly byKind: Readonly<Record<string, number>>;
  /** Nodes named by node events, sorted (n1, n2, ..., n10). */
  readonly nodes: readonly string[];
  readonly clients: number;
  readonly clientOps: { readonly invoked: number; readonly ok: number; readonly fail: number; readonly info: number };
  /** A node becoming leader: the first LISTED_MAX, and how many in all. */
  readonly elections: ReadonlyArray<{ readonly atMs: number; readonly node: string; readonly term: number }>;
  readonly electionCount: number;
  readonly violations: ReadonlyArray<{ readonly atMs: number; readonly invariant: string; readonly nodes: string; readonly message: string }>;
  readonly violationCount: number;
  readonly faults: number;
  readonly actions: number;
  /** SHA-256 of the events' canonical encodings, as the simulator computes a trace hash. */
  readonly computedHash: string;
  readonly header: TraceHeaderInfo | null;
  /** verified: the header's event count and hash match the events; mismatch: they do not; unverified: no header. */
  readonly verdict: 'verified' | 'mismatch' | 'unverified';
  readonly verdictText: string;
  /** The header's scenario as a scenario file's text, when it is valid: the run can be replayed. */
  readonly scenarioText: string | null;
  /** Why the header's scenario cannot be replayed (invalid), or null. */
  readonly scenarioProblem: string | null;
}

export type TraceFileResult = { readonly ok: true; readonly summary: TraceSummary } | { readonly ok: false; readonly message: string };

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const KIND_SET = new Set<string>(TRACE_EVENT_KINDS);
const NODE_ORDER = (a: string, b: string): number => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/**
 * Reads a trace file fed in chunks (`push`), then `finish`. Stops at the first ERRORS_MAX problems;
 * each names the line and the field.
 */
export class TraceFileReader {
  private rest = '';
  private line = 0;
  private readonly errors: string[] = [];
  private readonly trace = new Trace(false, true);
  private count = 0;
  private firstMs: number | null = null;
  private lastMs: number | null = null;
  private readonly byKind = new Map<string, number>();
  private readonly nodes = new Set<string>();
  private readonly clients = new Set<string>();
  private readonly clientOps = { invoked: 0, ok: 0, fail: 0, info: 0 };
  private readonly elections: Array<{ atMs: number; node: string; term: number }> = [];
  private electionCount = 0;
  private readonly violations: Array<{ atMs: number; invariant: string; nodes: string; message: string }> = [];
  private violationCount = 0;
  private faults = 0;
  private actions = 0;
  private header: TraceHeaderInfo | null = null;
  private scenarioText: string | null = null;
  private scenarioProblem: string | null = null;
  private sawContent = false;

  constructor(private readonly name: string) {}

  get failed(): boolean {
    return this.errors.length > 0;
  }

  /** Feeds the next piece of the file's text. */
  push(chunk: string): void {
    if (this.failed) return;
    let text = this.rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl >= 0 && !this.failed; nl = text.indexOf('\n', start)) {
      this.readLine(text.slice(start, nl));
      start = nl + 1;
    }
    text = text.slice(start);
    if (text.length > TRACE_LINE_MAX_CHARS) {
      this.line++;
      this.error(`line ${this.line}: longer than ${TRACE_LINE_MAX_CHARS} characters; an event line is far shorter`);
      text = '';
    }
    this.rest = text;
  }

  /** The end of the file: the summary, or what is wrong. */
  finish(): TraceFileResult {
    if (!this.failed && this.rest !== '') this.readLine(this.rest);
    this.rest = '';
    if (!this.failed && !this.sawContent) this.error('the file is empty; a trace file has one JSON event per line');
    if (this.failed) {
      const more = this.errors.length >= ERRORS_MAX ? ' (reading stopped there)' : '';
      return { ok: false, message: `${this.name} is not a trace Faultline can read: ${this.errors.join('; ')}${more}.` };
    }
    const computedHash = this.trace.finalHash();
    const h = this.header;
    let verdict: TraceSummary['verdict'] = 'unverified';
    let verdictText = `No header with a recorded hash: the ${this.count} events hash to ${computedHash}.`;
    if (h !== null) {
      if (h.events !== this.count) {
        verdict = 'mismatch';
        verdictText = `The header records ${h.events} events but the file holds ${this.count}: it was cut short or changed.`;
      } else if (h.traceHash !== computedHash) {
        verdict = 'mismatch';
        verdictText = `The events hash to ${computedHash}, not to the ${h.traceHash} the header records: the file was changed.`;
      } else {
        verdict = 'verified';
        verdictText = `Verified: the ${this.count} events hash to ${computedHash}, the trace hash the header records.`;
      }
    }
    return {
      ok: true,
      summary: {
        name: this.name,
        events: this.count,
        firstMs: this.firstMs,
        lastMs: this.lastMs,
        byKind: Object.fromEntries(this.byKind),
        nodes: [...this.nodes].sort(NODE_ORDER),
        clients: this.clients.size,
        clientOps: { ...this.clientOps },
        elections: this.elections,
        electionCount: this.electionCount,
        violations: this.violations,
        violationCount: this.violationCount,
        faults: this.faults,
        actions: this.actions,
        computedHash,
        header: h,
        verdict,
        verdictText,
        scenarioText: this.scenarioText,
        scenarioProblem: this.scenarioProblem,
      },
    };
  }

  private error(message: string): void {
    if (this.errors.length < ERRORS_MAX) this.errors.push(message);
  }

  private readLine(raw: string): void {
    this.line++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return;
    if (text.length > TRACE_LINE_MAX_CHARS) {
      this.error(`line ${this.line}: longer than ${TRACE_LINE_MAX_CHARS} characters; an event line is far shorter`);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.error(`line ${this.line}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    const first = !this.sawContent;
    this.sawContent = true;
    if (isRecord(value) && 'format' in value) {
      if (!first) this.error(`line ${this.line}: a header line (with "format") belongs on the first line only`);
      else this.readHeader(value);
      return;
    }
    this.readEvent(value);
  }

  private readHeader(raw: Record<string, unknown>): void {
    const at = `line ${this.line} (the header)`;
    const before = this.errors.length;
    for (const key of Object.keys(raw)) if (!(HEADER_FIELDS as readonly string[]).includes(key)) this.error(`${at}: unknown field "${key}" (expected ${HEADER_FIELDS.join(', ')})`);
    if (raw.format !== TRACE_FORMAT) this.error(`${at}: format must be "${TRACE_FORMAT}", got ${describe(raw.format)}`);
    if (raw.version !== TRACE_FORMAT_VERSION) this.error(`${at}: version must be ${TRACE_FORMAT_VERSION} (this lab reads version ${TRACE_FORMAT_VERSION}), got ${describe(raw.version)}`);
    const text = (field: string, max: number): string => {
      const v = raw[field];
      if (typeof v === 'string' && v.length <= max) return v;
      this.error(`${at}: ${field} must be a string of at most ${max} characters, got ${describe(v)}`);
      return '';
    };
    const whole = (field: string): number => {
      const v = raw[field];
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
      this.error(`${at}: ${field} must be a whole number >= 0, got ${describe(v)}`);
      return 0;
    };
    const name = text('name', NAME_MAX_CHARS);
    const protocol = text('protocol', 32);
    const nodes = whole('nodes');
    const seed = whole('seed');
    const atMs = whole('atMs');
    const events = whole('events');
    const traceHash = typeof raw.traceHash === 'string' && /^[0-9a-f]{64}$/.test(raw.traceHash) ? raw.traceHash : '';
    if (traceHash === '') this.error(`${at}: traceHash must be 64 lowercase hex digits (a SHA-256), got ${describe(raw.traceHash)}`);
    if (events > TRACE_FILE_EVENTS_MAX) this.error(`${at}: events: at most ${TRACE_FILE_EVENTS_MAX} events, the header says ${events}`);
    if (this.errors.length > before) return;
    this.header = { name, protocol, nodes, seed, atMs, events, traceHash };
    if (raw.scenario === undefined) {
      this.scenarioProblem = 'The header has no scenario, so the run cannot be replayed.';
      return;
    }
    const parsed = parseScenario(raw.scenario);
    if (parsed.ok) {
      this.scenarioText = JSON.stringify(parsed.scenario);
    } else {
      const shown = parsed.errors.slice(0, 3).map((e) => `scenario.${e.path || '(top level)'}: ${e.message}`);
      this.scenarioProblem = `The header's scenario is not valid, so the run cannot be replayed: ${shown.join('; ')}.`;
    }
  }

  private readEvent(value: unknown): void {
    const at = `line ${this.line}`;
    if (!isRecord(value)) {
      this.error(`${at}: expected an event object {"kind": ..., "atMs": ...}, got ${describe(value)}`);
      return;
    }
    if (this.count >= TRACE_FILE_EVENTS_MAX) {
      this.error(`${at}: more than ${TRACE_FILE_EVENTS_MAX} events; the lab reads at most that many`);
      return;
    }
    const kind = value.kind;
    if (typeof kind !== 'string' || !KIND_SET.has(kind)) {
      this.error(`${at}: kind must be one of ${TRACE_EVENT_KINDS.join(', ')}, got ${describe(kind)}`);
      return;
    }
    const fields = TRACE_EVENT_FIELDS[kind as TraceEventKind];
    const before = this.errors.length;
    const allowed = new Set(['kind', 'atMs', ...fields.map(([f]) => f)]);
    for (const key of Object.keys(value)) {
      if (!allowed.has(key)) this.error(`${at}: unknown field "${key}" for a ${kind} event (it has ${[...allowed].join(', ')})`);
    }
    const atMs = value.atMs;
    if (typeof atMs !== 'number' || !Number.isSafeInteger(atMs) || atMs < 0) this.error(`${at}: atMs must be a whole number of ms >= 0, got ${describe(atMs)}`);
    else if (this.lastMs !== null && atMs < this.lastMs) this.error(`${at}: atMs ${atMs} is before the previous event's ${this.lastMs}: events must be in time order`);
    for (const [field, type] of fields) {
      const v = value[field];
      if (type === 'u' && !(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) this.error(`${at}: ${field} must be a whole number >= 0, got ${describe(v)}`);
      if (type === 's' && typeof v !== 'string') this.error(`${at}: ${field} must be a string, got ${describe(v)}`);
    }
    if (this.errors.length > before) return;
    const event = value as unknown as TraceEvent;
    this.trace.append(event);
    this.count++;
    this.firstMs ??= event.atMs;
    this.lastMs = event.atMs;
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
    this.tally(event);
  }

  private tally(e: TraceEvent): void {
    switch (e.kind) {
      case 'timer':
      case 'term':
      case 'append':
      case 'commit':
      case 'promise':
      case 'accepted':
      case 'propose':
      case 'chosen':
        this.nodes.add(e.node);
        return;
      case 'role':
        this.nodes.add(e.node);
        if (e.role === 'leader') {
          this.electionCount++;
          if (this.elections.length < LISTED_MAX) this.elections.push({ atMs: e.atMs, node: e.node, term: e.term });
        }
        return;
      case 'invoke':
        this.clients.add(e.client);
        this.clientOps.invoked++;
        return;
      case 'ok':
      case 'fail':
      case 'info':
        this.clientOps[e.kind]++;
        return;
      case 'violation':
        this.violationCount++;
        if (this.violations.length < LISTED_MAX) this.violations.push({ atMs: e.atMs, invariant: e.invariant, nodes: e.nodes, message: e.message });
        return;
      case 'fault':
        this.faults++;
        return;
      case 'action':
        this.actions++;
        return;
      default:
        return;
    }
  }
}

/** Reads a whole trace file's text (tests, small files); the worker feeds a stream to TraceFileReader. */
export function readTraceFile(name: string, text: string): TraceFileResult {
  const reader = new TraceFileReader(name);
  reader.push(text);
  return reader.finish();
}

/** Whether text that starts like this is a trace file: its first non-blank line is a header or an event object. */
export function looksLikeTrace(head: string): boolean {
  const line = head.trimStart().split('\n', 1)[0] ?? '';
  return /^\{\s*"format"\s*:\s*"faultline-trace"/.test(line) || /^\{\s*"kind"\s*:\s*"[a-z]+"\s*,\s*"atMs"\s*:/.test(line);
}
