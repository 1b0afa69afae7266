/**
 * The trace: the typed events of a run, their canonical binary encoding, and the trace hash.
 *
 * One encoding serves two purposes. It is what the trace hash (SHA-256) is computed over, so a run is
 * named by its bytes, identical in Node and in any browser; and it is how a long run keeps its trace:
 * an event costs about 10-20 bytes in a chunked byte store instead of a ~150-byte object, which is
 * what keeps a one-hour run well under the memory target (see BENCHMARKS.md).
 */
import { Sha256, sha256Hex } from './sha256';

/** An incremental SHA-256: what a trace hashes its events with. */
export interface TraceHasher {
  update(data: Uint8Array): unknown;
  updateVarint(n: number): unknown;
  /** An independent copy of the running state. */
  clone(): TraceHasher;
  hexDigest(): string;
}

let createHasher: () => TraceHasher = () => new Sha256();

/**
 * Swaps the SHA-256 implementation traces use from now on (the CLI installs node:crypto's, several
 * times faster than the portable one that the browser worker keeps). Trace hashes are unchanged: it
 * must be SHA-256, and is checked against the portable implementation before it is taken.
 */
export function useTraceHasher(factory: () => TraceHasher): void {
  const probe = new TextEncoder().encode('faultline trace hasher probe: more than one 64-byte block of input, to cover a compress');
  const candidate = factory();
  candidate.update(probe);
  candidate.updateVarint(300);
  const twin = candidate.clone();
  const reference = new Sha256().update(probe).updateVarint(300);
  const expected = reference.clone().hexDigest();
  if (candidate.hexDigest() !== expected || twin.hexDigest() !== expected || sha256Hex('') !== factory().hexDigest()) {
    throw new Error('trace: the hasher given to useTraceHasher does not compute SHA-256');
  }
  createHasher = factory;
}

export type NodeId = string; // "n1" .. "n9"
export type ClientId = string; // "c1" ..
export type Address = NodeId | ClientId;

/** Every kind of event a run can produce. Field order in FIELDS below is the canonical order. */
export type TraceEvent =
  | { kind: 'sent'; atMs: number; msgId: number; from: Address; to: Address; type: string; term: number; detail: string }
  | { kind: 'delivered'; atMs: number; msgId: number; from: Address; to: Address; type: string }
  | { kind: 'dropped'; atMs: number; msgId: number; from: Address; to: Address; reason: DropReason }
  | { kind: 'duplicated'; atMs: number; msgId: number; copyId: number; from: Address; to: Address }
  | { kind: 'timer'; atMs: number; node: NodeId; timer: string }
  | { kind: 'role'; atMs: number; node: NodeId; role: string; term: number }
  | { kind: 'term'; atMs: number; node: NodeId; term: number }
  | { kind: 'append'; atMs: number; node: NodeId; index: number; term: number; count: number }
  | { kind: 'commit'; atMs: number; node: NodeId; commitIndex: number }
  | { kind: 'invoke'; atMs: number; client: ClientId; opId: number; op: string; key: string; value: string }
  | { kind: 'ok'; atMs: number; client: ClientId; opId: number; value: string }
  | { kind: 'fail'; atMs: number; client: ClientId; opId: number; reason: string }
  | { kind: 'info'; atMs: number; client: ClientId; opId: number; reason: string }
  | { kind: 'fault'; atMs: number; fault: string; detail: string }
  | { kind: 'action'; atMs: number; action: string; detail: string }
  | { kind: 'violation'; atMs: number; invariant: string; nodes: string; message: string; eventIndex: number }
  // Paxos (src/protocols/paxos): ballots are integers (ballot.ts), values a command's canonical text.
  /** An acceptor raised its promise to `ballot` (phase 1b, or an accept of a higher ballot). */
  | { kind: 'promise'; atMs: number; node: NodeId; ballot: number }
  /** An acceptor accepted `value` for `slot` in `ballot` (phase 2b). */
  | { kind: 'accepted'; atMs: number; node: NodeId; slot: number; ballot: number; value: string }
  /** A proposer asked acceptors to accept `value` for `slot` in `ballot` (phase 2a). */
  | { kind: 'propose'; atMs: number; node: NodeId; slot: number; ballot: number; value: string }
  /** A learner learned that `value` is chosen for `slot`, and applies it in slot order. */
  | { kind: 'chosen'; atMs: number; node: NodeId; slot: number; value: string };

export type TraceEventKind = TraceEvent['kind'];
export type DropReason = 'loss' | 'partition' | 'crashed' | 'operator' | 'paused' | 'link-cut';

type FieldType = 'u' | 's';
/** Canonical field order per kind; `u` = unsigned integer (varint), `s` = UTF-8 string. */
const FIELDS: { [K in TraceEventKind]: ReadonlyArray<readonly [string, FieldType]> } = {
  sent: [['msgId', 'u'], ['from', 's'], ['to', 's'], ['type', 's'], ['term', 'u'], ['detail', 's']],
  delivered: [['msgId', 'u'], ['from', 's'], ['to', 's'], ['type', 's']],
  dropped: [['msgId', 'u'], ['from', 's'], ['to', 's'], ['reason', 's']],
  duplicated: [['msgId', 'u'], ['copyId', 'u'], ['from', 's'], ['to', 's']],
  timer: [['node', 's'], ['timer', 's']],
  role: [['node', 's'], ['role', 's'], ['term', 'u']],
  term: [['node', 's'], ['term', 'u']],
  append: [['node', 's'], ['index', 'u'], ['term', 'u'], ['count', 'u']],
  commit: [['node', 's'], ['commitIndex', 'u']],
  invoke: [['client', 's'], ['opId', 'u'], ['op', 's'], ['key', 's'], ['value', 's']],
  ok: [['client', 's'], ['opId', 'u'], ['value', 's']],
  fail: [['client', 's'], ['opId', 'u'], ['reason', 's']],
  info: [['client', 's'], ['opId', 'u'], ['reason', 's']],
  fault: [['fault', 's'], ['detail', 's']],
  action: [['action', 's'], ['detail', 's']],
  violation: [['invariant', 's'], ['nodes', 's'], ['message', 's'], ['eventIndex', 'u']],
  // Appended after every Raft kind, so the codes (and hashes) of Raft traces are unchanged.
  promise: [['node', 's'], ['ballot', 'u']],
  accepted: [['node', 's'], ['slot', 'u'], ['ballot', 'u'], ['value', 's']],
  propose: [['node', 's'], ['slot', 'u'], ['ballot', 'u'], ['value', 's']],
  chosen: [['node', 's'], ['slot', 'u'], ['value', 's']],
};

export const TRACE_EVENT_KINDS = Object.keys(FIELDS) as TraceEventKind[];
/**
 * Each kind's fields in canonical order, with their wire type (`u` unsigned integer, `s` string): what
 * a reader of exported traces (src/export/trace-jsonl.ts) validates against. Read-only: the encoding
 * and every trace hash depend on this table.
 */
export const TRACE_EVENT_FIELDS: { readonly [K in TraceEventKind]: ReadonlyArray<readonly [string, 'u' | 's']> } = FIELDS;
const KIND_CODE = new Map<TraceEventKind, number>(TRACE_EVENT_KINDS.map((k, i) => [k, i]));
const CODE_SENT = KIND_CODE.get('sent')!;
/** FIELDS by kind code as flat arrays: the encoder's loop reads these without destructuring pairs. */
const FIELD_NAMES: readonly (readonly string[])[] = TRACE_EVENT_KINDS.map((k) => FIELDS[k].map(([name]) => name));
const FIELD_NUMERIC: readonly (readonly boolean[])[] = TRACE_EVENT_KINDS.map((k) => FIELDS[k].map(([, type]) => type === 'u'));
const CODE_DELIVERED = KIND_CODE.get('delivered')!;
const CODE_DROPPED = KIND_CODE.get('dropped')!;
const CODE_DUPLICATED = KIND_CODE.get('duplicated')!;
const CODE_TIMER = KIND_CODE.get('timer')!;
const CODE_ROLE = KIND_CODE.get('role')!;
const CODE_TERM = KIND_CODE.get('term')!;
const CODE_APPEND = KIND_CODE.get('append')!;
const CODE_COMMIT = KIND_CODE.get('commit')!;
const CODE_INVOKE = KIND_CODE.get('invoke')!;
const CODE_OK = KIND_CODE.get('ok')!;
const CODE_FAIL = KIND_CODE.get('fail')!;
const CODE_INFO = KIND_CODE.get('info')!;
const CODE_PROMISE = KIND_CODE.get('promise')!;
const CODE_ACCEPTED = KIND_CODE.get('accepted')!;
const CODE_PROPOSE = KIND_CODE.get('propose')!;
const CODE_CHOSEN = KIND_CODE.get('chosen')!;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Growable byte writer; reused between events to avoid allocation on the hot path. */
class ByteWriter {
  bytes = new Uint8Array(256);
  length = 0;
  /**
   * Called instead of growing when the bytes are full: it must make room for `extra` more (a stored
   * trace moves the event being written to a new chunk) or throw.
   */
  overflow: ((extra: number) => void) | null = null;
  reset(): void {
    this.length = 0;
  }
  ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    if (this.overflow !== null) {
      this.overflow(extra);
      return;
    }
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
  bytesFrom(src: Uint8Array): void {
    this.ensure(src.length);
    this.bytes.set(src, this.length);
    this.length += src.length;
  }
  varint(n: number): void {
    // Most trace integers (kind codes, small counts) fit one byte: write those without the checks'
    // float arithmetic. (n >>> 0) === n holds only for integers in [0, 2^32).
    if (n < 0x80 && n >>> 0 === n) {
      if (this.length >= this.bytes.length) this.ensure(1);
      this.bytes[this.length++] = n;
      return;
    }
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`trace: varint must be a non-negative safe integer, got ${n}`);
    this.ensure(10);
    if (n < 0x80000000) {
      // Below 2^31: the same bytes in integer arithmetic.
      while (n >= 0x80) {
        this.bytes[this.length++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
      this.bytes[this.length++] = n;
      return;
    }
    while (n >= 0x80) {
      this.bytes[this.length++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.bytes[this.length++] = n;
  }
  /** DetailWriter: the UTF-8 bytes of `s`, no length prefix. */
  text(s: string): void {
    const n = s.length;
    this.ensure(n);
    const bytes = this.bytes;
    const start = this.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.length = start;
        const b = textEncoder.encode(s);
        this.ensure(b.length);
        this.bytes.set(b, this.length);
        this.length += b.length;
        return;
      }
      bytes[start + i] = c;
    }
    this.length = start + n;
  }

  /** DetailWriter: `${n}` in ASCII, without building the string for the usual non-negative integer. */
  int(n: number): void {
    if (!(n >= 0 && n <= 0x7fffffff && (n | 0) === n)) {
      this.text(`${n}`);
      return;
    }
    this.ensure(10);
    let digits = 1;
    for (let v = n; v >= 10; v = (v / 10) | 0) digits++;
    const bytes = this.bytes;
    let at = this.length + digits;
    this.length = at;
    let v = n;
    do {
      bytes[--at] = 0x30 + (v % 10);
      v = (v / 10) | 0;
    } while (v > 0);
  }

  /** Length-prefixed UTF-8. Trace strings are short and nearly always ASCII: copy those byte by byte. */
  string(s: string): void {
    const n = s.length;
    if (n < 0x80) {
      this.ensure(n + 1);
      const start = this.length;
      const bytes = this.bytes;
      bytes[start] = n;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        bytes[start + 1 + i] = c;
      }
      if (i === n) {
        this.length = start + 1 + n;
        return;
      }
    }
    const b = textEncoder.encode(s);
    this.varint(b.length);
    this.ensure(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
  }
}

/**
 * A send's detail is built by concatenation (`prev=12/t3 n=1 ...`), which V8 keeps as a rope: reading
 * it a character at a time walks the rope. Reading one character flattens it, and a substring of the
 * flat result reads at full speed: about 130 ns less per send here. The characters are the same.
 */
function flattened(s: string): string {
  if (s.length < 13) return s; // shorter concatenations are already flat in V8
  s.charCodeAt(0);
  return s.substring(0, s.length);
}

/** The canonical bytes of a `sent` event, from its fields in FIELDS order. */
function encodeSent(out: ByteWriter, atMs: number, msgId: number, from: string, to: string, type: string, term: number, detail: string): void {
  encodeSentHead(out, atMs, msgId, from, to, type, term);
  out.string(flattened(detail));
}

/** A `sent` event's fields before its detail. */
function encodeSentHead(out: ByteWriter, atMs: number, msgId: number, from: string, to: string, type: string, term: number): void {
  out.varint(CODE_SENT);
  out.varint(atMs);
  out.varint(msgId);
  out.string(from);
  out.string(to);
  out.string(type);
  out.varint(term);
}

/**
 * Writes a message's detail text a piece at a time: into the trace's bytes directly (a send that no
 * observer needs as an object), or into a string. One describing function serves both, so the two
 * cannot disagree; building a string only to encode it again was a measurable cost per send.
 */
export interface DetailWriter {
  /** Appends `s`. */
  text(s: string): void;
  /** Appends `${n}`. */
  int(n: number): void;
}

/** A DetailWriter that builds the string. */
export class StringDetailWriter implements DetailWriter {
  private parts = '';
  text(s: string): void {
    this.parts += s;
  }
  int(n: number): void {
    this.parts += `${n}`;
  }
  /** The text written since the last take. */
  take(): string {
    const s = this.parts;
    this.parts = '';
    return s;
  }
}

/** Something that describes messages into a DetailWriter (the simulator, for every message type). */
export interface MessageDescriber<M> {
  describeInto(message: M, out: DetailWriter): void;
}

/** The canonical bytes of a `delivered` event, from its fields in FIELDS order. */
function encodeDelivered(out: ByteWriter, atMs: number, msgId: number, from: string, to: string, type: string): void {
  out.varint(CODE_DELIVERED);
  out.varint(atMs);
  out.varint(msgId);
  out.string(from);
  out.string(to);
  out.string(type);
}

/**
 * Canonical encoding of one event: kind code, time, then the kind's fields in FIELDS order.
 *
 * Written out per kind rather than looped over FIELDS: every event of a run passes through here, and
 * a loop reading `event[name]` is a megamorphic keyed load per field (events come in some twenty
 * shapes), which made encoding about a quarter of a run. Each case writes exactly what the
 * table-driven `encodeEventByTable` writes (trace.test.ts checks every kind against it).
 */
export function encodeEvent(event: TraceEvent, out: ByteWriter): void {
  switch (event.kind) {
    case 'sent':
      encodeSent(out, event.atMs, event.msgId, event.from, event.to, event.type, event.term, event.detail);
      return;
    case 'delivered':
      encodeDelivered(out, event.atMs, event.msgId, event.from, event.to, event.type);
      return;
    case 'dropped':
      head(out, CODE_DROPPED, event.atMs);
      out.varint(event.msgId);
      out.string(event.from);
      out.string(event.to);
      out.string(event.reason);
      return;
    case 'duplicated':
      head(out, CODE_DUPLICATED, event.atMs);
      out.varint(event.msgId);
      out.varint(event.copyId);
      out.string(event.from);
      out.string(event.to);
      return;
    case 'timer':
      head(out, CODE_TIMER, event.atMs);
      out.string(event.node);
      out.string(event.timer);
      return;
    case 'role':
      head(out, CODE_ROLE, event.atMs);
      out.string(event.node);
      out.string(event.role);
      out.varint(event.term);
      return;
    case 'term':
      head(out, CODE_TERM, event.atMs);
      out.string(event.node);
      out.varint(event.term);
      return;
    case 'append':
      head(out, CODE_APPEND, event.atMs);
      out.string(event.node);
      out.varint(event.index);
      out.varint(event.term);
      out.varint(event.count);
      return;
    case 'commit':
      head(out, CODE_COMMIT, event.atMs);
      out.string(event.node);
      out.varint(event.commitIndex);
      return;
    case 'invoke':
      head(out, CODE_INVOKE, event.atMs);
      out.string(event.client);
      out.varint(event.opId);
      out.string(event.op);
      out.string(event.key);
      out.string(event.value);
      return;
    case 'ok':
      head(out, CODE_OK, event.atMs);
      out.string(event.client);
      out.varint(event.opId);
      out.string(event.value);
      return;
    case 'fail':
      head(out, CODE_FAIL, event.atMs);
      out.string(event.client);
      out.varint(event.opId);
      out.string(event.reason);
      return;
    case 'info':
      head(out, CODE_INFO, event.atMs);
      out.string(event.client);
      out.varint(event.opId);
      out.string(event.reason);
      return;
    case 'promise':
      head(out, CODE_PROMISE, event.atMs);
      out.string(event.node);
      out.varint(event.ballot);
      return;
    case 'accepted':
      head(out, CODE_ACCEPTED, event.atMs);
      out.string(event.node);
      out.varint(event.slot);
      out.varint(event.ballot);
      out.string(event.value);
      return;
    case 'propose':
      head(out, CODE_PROPOSE, event.atMs);
      out.string(event.node);
      out.varint(event.slot);
      out.varint(event.ballot);
      out.string(event.value);
      return;
    case 'chosen':
      head(out, CODE_CHOSEN, event.atMs);
      out.string(event.node);
      out.varint(event.slot);
      out.string(event.value);
      return;
    default:
      // Rare kinds (faults, actions, violations) and anything not listed above: the table.
      encodeEventByTable(event, out);
  }
}

function head(out: ByteWriter, code: number, atMs: number): void {
  out.varint(code);
  out.varint(atMs);
}

/** The canonical encoding read off the FIELDS table: the definition `encodeEvent` must agree with. */
export function encodeEventByTable(event: TraceEvent, out: ByteWriter): void {
  const code = KIND_CODE.get(event.kind);
  if (code === undefined) throw new Error(`trace: unknown event kind ${String(event.kind)}`);
  out.varint(code);
  out.varint(event.atMs);
  const record = event as unknown as Record<string, string | number>;
  const names = FIELD_NAMES[code]!;
  const numeric = FIELD_NUMERIC[code]!;
  for (let i = 0; i < names.length; i++) {
    const value = record[names[i]!];
    if (numeric[i]) out.varint(value as number);
    else out.string(value as string);
  }
}

class ByteReader {
  constructor(
    private readonly bytes: Uint8Array,
    public offset: number,
  ) {}
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.bytes[this.offset++];
      if (b === undefined) throw new Error('trace: truncated varint');
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
    throw new Error('trace: varint too long');
  }
  string(): string {
    const n = this.varint();
    const s = textDecoder.decode(this.bytes.subarray(this.offset, this.offset + n));
    this.offset += n;
    return s;
  }
}

export function decodeEvent(bytes: Uint8Array, offset = 0): TraceEvent {
  const r = new ByteReader(bytes, offset);
  const kind = TRACE_EVENT_KINDS[r.varint()];
  if (kind === undefined) throw new Error('trace: unknown event kind code');
  const event: Record<string, string | number> = { kind, atMs: r.varint() };
  for (const [name, type] of FIELDS[kind]) event[name] = type === 'u' ? r.varint() : r.string();
  return event as unknown as TraceEvent;
}

const CHUNK_BYTES = 1 << 20;
const HASH_BATCH_BYTES = 1 << 14;
/** A stored trace keeps the hash state every this many events, so any prefix's hash is cheap. */
export const HASH_CHECKPOINT_EVENTS = 4096;
/** Upper bound on stored events: a run that outgrows it stops storing (and says so), never OOMs. */
export const TRACE_EVENT_LIMIT = 50_000_000;

/**
 * The trace of a run: hashes every event as it is appended, and (when `keep` is on) stores its
 * canonical bytes in 1 MiB chunks with an offset index, so any event can be decoded again later.
 *
 * The hash input is each event's length (varint) followed by its bytes. A stored trace encodes every
 * event straight into its current chunk, length first, so the chunk *is* the hash input: it is hashed
 * from there in batches and nothing is copied (copying each event from a staging buffer into its
 * chunk was about 7% of a run). An unstored trace encodes into one reused batch buffer instead.
 */
export class Trace {
  private readonly hash = createHasher();
  /** Where events are encoded: the current chunk (stored trace) or the reused batch buffer. */
  private stage = new ByteWriter();
  /** Bytes of the stage already given to the hash. */
  private hashedTo = 0;
  /** Where the event being encoded starts in the stage (at its length prefix). */
  private eventAt = 0;
  /** Whether events still go into chunks (a stored trace, below TRACE_EVENT_LIMIT). */
  private storing: boolean;
  private readonly chunks: Uint8Array[] = [];
  /** Per stored event: chunk number * CHUNK_BYTES + offset of its length prefix within the chunk. */
  private offsets = new Float64Array(1024);
  private countStored = 0;
  private countTotal = 0;
  private readonly countByKind = new Float64Array(TRACE_EVENT_KINDS.length);
  private digest: string | null = null;
  /** Kept traces only: the hash state before event k * HASH_CHECKPOINT_EVENTS. */
  private readonly hashCheckpoints: TraceHasher[] = [];

  /**
   * `keep`: store every event's bytes. `hashed`: compute the trace hash (default). A trace that is
   * neither only counts events: what fuzz campaigns use, where a seed's verdict is all that is kept
   * and encoding plus SHA-256 were a sixth of the time (BENCHMARKS.md, "Fault campaigns").
   */
  constructor(
    readonly keep: boolean = true,
    readonly hashed: boolean = true,
  ) {
    if (keep && !hashed) throw new Error('trace: a stored trace is always hashed (prefixHash reads it)');
    this.storing = keep;
    if (keep) {
      // The first chunk is made on the first event (many short-lived traces in tests store nothing).
      this.stage.bytes = new Uint8Array(0);
      this.stage.overflow = (extra) => this.nextChunk(extra);
    }
  }

  get length(): number {
    return this.countTotal;
  }

  get storedLength(): number {
    return this.countStored;
  }

  countOf(kind: TraceEventKind): number {
    return this.countByKind[KIND_CODE.get(kind)!]!;
  }

  /** Appends an event; returns its index in the trace. */
  append(event: TraceEvent): number {
    const code = KIND_CODE.get(event.kind);
    if (code === undefined) throw new Error(`trace: unknown event kind ${String(event.kind)}`);
    if (!this.begin(code)) return this.countTotal++;
    try {
      encodeEvent(event, this.stage);
    } catch (error) {
      this.stage.length = this.eventAt; // a refused event leaves nothing behind in the hash input
      throw error;
    }
    return this.finish(code);
  }

  /**
   * Appends a `sent` event whose detail `describer` writes straight into the trace's bytes: the same
   * bytes as `append` of the event whose detail is what the describer writes into a StringDetailWriter.
   * The simulator's path when no observer needs message events as objects (most of a trace is sends
   * and deliveries, and building an object for each only to encode it was measurable).
   */
  appendSentDescribed<M>(atMs: number, msgId: number, from: Address, to: Address, type: string, term: number, message: M, describer: MessageDescriber<M>): number {
    if (!this.begin(CODE_SENT)) return this.countTotal++;
    const stage = this.stage;
    try {
      encodeSentHead(stage, atMs, msgId, from, to, type, term);
      // The detail is a length-prefixed string: a one-byte length, patched once the text is written.
      // Kept relative to the event's start: describing may move the event to a new chunk.
      const detailFromEvent = stage.length - this.eventAt;
      stage.varint(0);
      describer.describeInto(message, stage);
      const detailAt = this.eventAt + detailFromEvent;
      const n = stage.length - detailAt - 1;
      if (n < 0x80) stage.bytes[detailAt] = n;
      else this.widenAt(detailAt, n);
    } catch (error) {
      stage.length = this.eventAt;
      throw error;
    }
    return this.finish(CODE_SENT);
  }

  /** The stage's last `n` bytes sit behind a one-byte length at `at`: rewrites it as the varint of `n`. */
  private widenAt(at: number, n: number): void {
    const stage = this.stage;
    const text = stage.bytes.slice(at + 1, at + 1 + n);
    stage.length = at;
    stage.varint(n);
    stage.bytesFrom(text);
  }

  /** Appends a `delivered` event from its fields (see appendSentDescribed). */
  appendDelivered(atMs: number, msgId: number, from: Address, to: Address, type: string): number {
    if (!this.begin(CODE_DELIVERED)) return this.countTotal++;
    try {
      encodeDelivered(this.stage, atMs, msgId, from, to, type);
    } catch (error) {
      this.stage.length = this.eventAt;
      throw error;
    }
    return this.finish(CODE_DELIVERED);
  }

  /**
   * Before encoding an event of kind `code`: false for an unhashed trace (which only counts it: the
   * caller returns countTotal++), else takes a hash checkpoint when one is due and writes the
   * event's one-byte length placeholder.
   */
  private begin(code: number): boolean {
    if (this.digest !== null) throw new Error('trace: append after the hash was finalised');
    if (!this.hashed) {
      this.countByKind[code]!++;
      return false;
    }
    if (this.storing && this.countTotal % HASH_CHECKPOINT_EVENTS === 0) {
      this.flushHash();
      this.hashCheckpoints.push(this.hash.clone());
    }
    this.eventAt = this.stage.length;
    this.stage.varint(0);
    return true;
  }

  /**
   * After an event was encoded into the stage behind its one-byte length at `eventAt`: fixes the
   * length, counts, indexes and returns the event's index. Length-prefixing each event in the hash
   * input makes the byte stream parse one way only; the hash takes the stage in 16 KiB batches
   * (per-call overhead dominates for 20-byte records). Nearly every event is shorter than 128 bytes;
   * a longer one moves up to make room for its longer length.
   */
  private finish(code: number): number {
    const stage = this.stage;
    const length = stage.length - this.eventAt - 1;
    // Refuse before hashing, so a refused event leaves the hash, the counts and the store in step.
    if (length > CHUNK_BYTES) {
      stage.length = this.eventAt;
      throw new Error(`trace: event of ${length} bytes is larger than a chunk`);
    }
    if (length < 0x80) stage.bytes[this.eventAt] = length;
    else this.widenLengthPrefix(length);
    this.countByKind[code]!++;
    const index = this.countTotal++;
    if (this.storing) this.index();
    if (stage.length - this.hashedTo >= HASH_BATCH_BYTES) this.flushHash();
    return index;
  }

  /** Rewrites the one-byte length at `eventAt` as the varint of `length`, moving the event up. */
  private widenLengthPrefix(length: number): void {
    const stage = this.stage;
    const encoded = stage.bytes.slice(this.eventAt + 1, this.eventAt + 1 + length);
    stage.length = this.eventAt;
    stage.varint(length);
    stage.bytesFrom(encoded);
  }

  /** Records where the event just finished is stored; stops storing at TRACE_EVENT_LIMIT. */
  private index(): void {
    if (this.countStored === this.offsets.length) {
      const grown = new Float64Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[this.countStored++] = (this.chunks.length - 1) * CHUNK_BYTES + this.eventAt;
    if (this.countStored >= TRACE_EVENT_LIMIT) {
      // From here on the trace is hashed only: later events go through a reused batch buffer.
      this.flushHash();
      this.storing = false;
      this.stage = new ByteWriter();
      this.hashedTo = 0;
    }
  }

  /**
   * The current chunk cannot take `extra` more bytes: hashes what it holds before the event being
   * written, and moves that event's bytes so far to the start of a new chunk.
   */
  private nextChunk(extra: number): void {
    const stage = this.stage;
    const partial = stage.length - this.eventAt;
    if (partial + extra > CHUNK_BYTES) throw new Error(`trace: event of more than ${CHUNK_BYTES} bytes is larger than a chunk`);
    if (this.eventAt > this.hashedTo) this.hash.update(stage.bytes.subarray(this.hashedTo, this.eventAt));
    const chunk = new Uint8Array(CHUNK_BYTES);
    if (partial > 0) chunk.set(stage.bytes.subarray(this.eventAt, stage.length), 0);
    this.chunks.push(chunk);
    stage.bytes = chunk;
    stage.length = partial;
    this.eventAt = 0;
    this.hashedTo = 0;
  }

  /** Where the stored event at `index` starts (its length prefix): chunk and offset. */
  private locate(index: number): { chunk: Uint8Array; reader: ByteReader } {
    const position = this.offsets[index]!;
    const chunk = this.chunks[Math.floor(position / CHUNK_BYTES)]!;
    return { chunk, reader: new ByteReader(chunk, position % CHUNK_BYTES) };
  }

  /** Decodes the stored event at `index`. */
  at(index: number): TraceEvent {
    if (!(Number.isInteger(index) && index >= 0 && index < this.countStored)) throw new RangeError(`trace: no stored event ${index}`);
    const { chunk, reader } = this.locate(index);
    reader.varint(); // the length
    return decodeEvent(chunk, reader.offset);
  }

  /** The hash input of the stored event at `index`: its length prefix and canonical bytes. */
  private hashInputAt(index: number): Uint8Array {
    const { chunk, reader } = this.locate(index);
    const start = reader.offset;
    const length = reader.varint();
    return chunk.subarray(start, reader.offset + length);
  }

  /**
   * The hash of the first `count` events, as `finalHash` would have returned had the run stopped
   * there (what `faultline run --until` prints). Needs a stored trace; costs at most
   * HASH_CHECKPOINT_EVENTS events of hashing, and leaves the running hash untouched.
   */
  prefixHash(count: number): string {
    if (!this.keep) throw new Error('trace: prefixHash needs a stored trace');
    if (!(Number.isInteger(count) && count >= 0 && count <= this.countStored)) {
      throw new RangeError(`trace: no prefix of ${count} events (stored ${this.countStored})`);
    }
    const k = Math.floor(count / HASH_CHECKPOINT_EVENTS);
    const checkpoint = k < this.hashCheckpoints.length ? this.hashCheckpoints[k]! : null;
    if (checkpoint === null) {
      // Only the running state (no checkpoint yet at this boundary): that is the whole trace so far.
      if (count !== this.countTotal) throw new Error('trace: missing hash checkpoint');
      const hash = this.hash.clone();
      hash.update(this.stage.bytes.subarray(this.hashedTo, this.stage.length));
      return hash.hexDigest();
    }
    const hash = checkpoint.clone();
    for (let i = k * HASH_CHECKPOINT_EVENTS; i < count; i++) hash.update(this.hashInputAt(i));
    return hash.hexDigest();
  }

  /** Iterates stored events from `start` (inclusive) to `end` (exclusive). */
  *slice(start = 0, end = this.countStored): IterableIterator<TraceEvent> {
    const last = Math.min(end, this.countStored);
    for (let i = Math.max(0, start); i < last; i++) yield this.at(i);
  }

  /** Bytes held by the stored trace (chunks plus index). */
  get storedBytes(): number {
    return this.chunks.length * CHUNK_BYTES + this.offsets.byteLength;
  }

  /** The trace hash: SHA-256 over the length-prefixed canonical encoding of every event, hex. */
  finalHash(): string {
    if (!this.hashed) throw new Error('trace: this run was not hashed (Trace hashed: false)');
    if (this.digest === null) {
      this.flushHash();
      this.digest = this.hash.hexDigest();
    }
    return this.digest;
  }

  /** Gives the hash what the stage holds beyond what it already has; a batch buffer is then reused. */
  private flushHash(): void {
    const stage = this.stage;
    if (stage.length > this.hashedTo) this.hash.update(stage.bytes.subarray(this.hashedTo, stage.length));
    if (this.storing) this.hashedTo = stage.length;
    else stage.reset();
  }
}

/** One event as a human-readable line (transcript tests, CLI verbose output). */
export function formatEvent(e: TraceEvent): string {
  const t = `${String(e.atMs).padStart(6)}ms`;
  switch (e.kind) {
    case 'sent':
      return `${t} send ${e.from}->${e.to} ${e.type} t${e.term} ${e.detail} #${e.msgId}`.trimEnd();
    case 'delivered':
      return `${t} deliver ${e.from}->${e.to} ${e.type} #${e.msgId}`;
    case 'dropped':
      return `${t} drop ${e.from}->${e.to} #${e.msgId} (${e.reason})`;
    case 'duplicated':
      return `${t} duplicate ${e.from}->${e.to} #${e.msgId} as #${e.copyId}`;
    case 'timer':
      return `${t} timer ${e.node} ${e.timer}`;
    case 'role':
      return `${t} role ${e.node} ${e.role} t${e.term}`;
    case 'term':
      return `${t} term ${e.node} t${e.term}`;
    case 'append':
      return `${t} append ${e.node} [${e.index}..${e.index + e.count - 1}] t${e.term}`;
    case 'commit':
      return `${t} commit ${e.node} ${e.commitIndex}`;
    case 'invoke':
      return `${t} invoke ${e.client} op${e.opId} ${e.op} ${e.key} ${e.value}`.trimEnd();
    case 'ok':
      return `${t} ok ${e.client} op${e.opId} ${e.value}`.trimEnd();
    case 'fail':
      return `${t} fail ${e.client} op${e.opId} ${e.reason}`;
    case 'info':
      return `${t} info ${e.client} op${e.opId} ${e.reason}`;
    case 'fault':
      return `${t} fault ${e.fault} ${e.detail}`.trimEnd();
    case 'action':
      return `${t} action ${e.action} ${e.detail}`.trimEnd();
    case 'violation':
      return `${t} VIOLATION ${e.invariant} [${e.nodes}] ${e.message} (event ${e.eventIndex})`;
    case 'promise':
      return `${t} promise ${e.node} b${e.ballot}`;
    case 'accepted':
      return `${t} accepted ${e.node} slot ${e.slot} b${e.ballot} ${e.value}`;
    case 'propose':
      return `${t} propose ${e.node} slot ${e.slot} b${e.ballot} ${e.value}`;
    case 'chosen':
      return `${t} chosen ${e.node} slot ${e.slot} ${e.value}`;
    default: {
      const never: never = e;
      throw new Error(`trace: unhandled event ${JSON.stringify(never)}`);
    }
  }
}
