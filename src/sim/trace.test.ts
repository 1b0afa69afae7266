import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEvent, formatEvent, HASH_CHECKPOINT_EVENTS, StringDetailWriter, Trace, TRACE_EVENT_KINDS, type TraceEvent, type TraceEventKind } from './trace';

// ---- a reference encoder, written from the documented canonical layout ---------------------------
// kind code (index in TRACE_EVENT_KINDS), atMs, then each field in canonical order; unsigned integers
// as LEB128 varints, strings as varint UTF-8 byte length + bytes. The trace hash is SHA-256 over
// (varint(record length) + record) for every event. Changing any of this changes every trace hash.

const CANONICAL_KINDS: TraceEventKind[] = [
  'sent', 'delivered', 'dropped', 'duplicated', 'timer', 'role', 'term', 'append', 'commit',
  'invoke', 'ok', 'fail', 'info', 'fault', 'action', 'violation',
  'promise', 'accepted', 'propose', 'chosen',
];

const FIELD_ORDER: Record<TraceEventKind, ReadonlyArray<readonly [string, 'u' | 's']>> = {
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
  promise: [['node', 's'], ['ballot', 'u']],
  accepted: [['node', 's'], ['slot', 'u'], ['ballot', 'u'], ['value', 's']],
  propose: [['node', 's'], ['slot', 'u'], ['ballot', 'u'], ['value', 's']],
  chosen: [['node', 's'], ['slot', 'u'], ['value', 's']],
};

function leb128(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return out;
}

function refEncode(e: TraceEvent): Uint8Array {
  const out: number[] = [...leb128(CANONICAL_KINDS.indexOf(e.kind)), ...leb128(e.atMs)];
  const record = e as unknown as Record<string, string | number>;
  for (const [name, type] of FIELD_ORDER[e.kind]) {
    if (type === 'u') out.push(...leb128(record[name] as number));
    else {
      const bytes = new TextEncoder().encode(record[name] as string);
      out.push(...leb128(bytes.length), ...bytes);
    }
  }
  return Uint8Array.from(out);
}

function refHash(events: readonly TraceEvent[]): string {
  const h = createHash('sha256');
  for (const e of events) {
    const rec = refEncode(e);
    h.update(Uint8Array.from(leb128(rec.length)));
    h.update(rec);
  }
  return h.digest('hex');
}

function traceOf(events: readonly TraceEvent[], keep = true): Trace {
  const t = new Trace(keep);
  for (const e of events) t.append(e);
  return t;
}

// ---- arbitraries for every kind -----------------------------------------------------------------

const u = fc.oneof(
  fc.nat({ max: 300 }),
  fc.constantFrom(0, 127, 128, 16383, 16384, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER),
  fc.maxSafeNat(),
);
const s = fc.oneof(
  fc.string({ maxLength: 12 }), // ASCII (the fast path)
  fc.string({ unit: 'grapheme', maxLength: 12 }), // any well-formed Unicode
  fc.constantFrom('', 'n1', 'héllo', '日本', '🙂', 'a'.repeat(127), 'a'.repeat(128), `${'a'.repeat(126)}é`),
  fc.tuple(fc.string({ maxLength: 130 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 })).map(([a, b]) => a + b),
  fc.string({ minLength: 120, maxLength: 300 }),
);

const eventArbs: { [K in TraceEventKind]: fc.Arbitrary<Extract<TraceEvent, { kind: K }>> } = {
  sent: fc.record({ kind: fc.constant('sent'), atMs: u, msgId: u, from: s, to: s, type: s, term: u, detail: s }),
  delivered: fc.record({ kind: fc.constant('delivered'), atMs: u, msgId: u, from: s, to: s, type: s }),
  dropped: fc.record({
    kind: fc.constant('dropped'), atMs: u, msgId: u, from: s, to: s,
    reason: fc.constantFrom('loss', 'partition', 'crashed', 'operator', 'paused', 'link-cut'),
  }),
  duplicated: fc.record({ kind: fc.constant('duplicated'), atMs: u, msgId: u, copyId: u, from: s, to: s }),
  timer: fc.record({ kind: fc.constant('timer'), atMs: u, node: s, timer: s }),
  role: fc.record({ kind: fc.constant('role'), atMs: u, node: s, role: s, term: u }),
  term: fc.record({ kind: fc.constant('term'), atMs: u, node: s, term: u }),
  append: fc.record({ kind: fc.constant('append'), atMs: u, node: s, index: u, term: u, count: u }),
  commit: fc.record({ kind: fc.constant('commit'), atMs: u, node: s, commitIndex: u }),
  invoke: fc.record({ kind: fc.constant('invoke'), atMs: u, client: s, opId: u, op: s, key: s, value: s }),
  ok: fc.record({ kind: fc.constant('ok'), atMs: u, client: s, opId: u, value: s }),
  fail: fc.record({ kind: fc.constant('fail'), atMs: u, client: s, opId: u, reason: s }),
  info: fc.record({ kind: fc.constant('info'), atMs: u, client: s, opId: u, reason: s }),
  fault: fc.record({ kind: fc.constant('fault'), atMs: u, fault: s, detail: s }),
  action: fc.record({ kind: fc.constant('action'), atMs: u, action: s, detail: s }),
  violation: fc.record({ kind: fc.constant('violation'), atMs: u, invariant: s, nodes: s, message: s, eventIndex: u }),
  promise: fc.record({ kind: fc.constant('promise'), atMs: u, node: s, ballot: u }),
  accepted: fc.record({ kind: fc.constant('accepted'), atMs: u, node: s, slot: u, ballot: u, value: s }),
  propose: fc.record({ kind: fc.constant('propose'), atMs: u, node: s, slot: u, ballot: u, value: s }),
  chosen: fc.record({ kind: fc.constant('chosen'), atMs: u, node: s, slot: u, value: s }),
};
const anyEvent: fc.Arbitrary<TraceEvent> = fc.oneof(...Object.values(eventArbs)) as fc.Arbitrary<TraceEvent>;

const SENT: TraceEvent = { kind: 'sent', atMs: 5, msgId: 1, from: 'n1', to: 'n2', type: 'RequestVote', term: 1, detail: 'last=0/t0' };

// ---- tests --------------------------------------------------------------------------------------

describe('canonical encoding', () => {
  it('kind codes are pinned (reordering them changes every trace hash)', () => {
    expect(TRACE_EVENT_KINDS).toEqual(CANONICAL_KINDS);
  });

  it('the trace hash of one event is SHA-256 of the documented layout (pins the encoding)', () => {
    // 'sent' is code 0: [0, atMs 5, msgId 1, "n1", "n2", "RequestVote", term 1, "last=0/t0"].
    expect([...refEncode(SENT)].slice(0, 6)).toEqual([0, 5, 1, 2, 0x6e, 0x31]);
    expect(traceOf([SENT]).finalHash()).toBe(refHash([SENT]));
  });

  for (const kind of TRACE_EVENT_KINDS) {
    it(`${kind}: encodes canonically and round-trips through decodeEvent and Trace.at`, () => {
      fc.assert(
        fc.property(eventArbs[kind] as fc.Arbitrary<TraceEvent>, (event) => {
          const bytes = refEncode(event);
          expect(decodeEvent(bytes)).toEqual(event);
          const trace = traceOf([event]);
          expect(trace.at(0)).toEqual(event);
          // Same hash as the reference bytes: encodeEvent produced exactly these bytes.
          expect(trace.finalHash()).toBe(refHash([event]));
        }),
        { numRuns: 60 },
      );
    });
  }

  it('decodeEvent reads at an offset', () => {
    const bytes = refEncode(SENT);
    const padded = new Uint8Array(bytes.length + 7);
    padded.set([0xff, 0xff, 0xff], 0);
    padded.set(bytes, 3);
    expect(decodeEvent(padded, 3)).toEqual(SENT);
  });

  it('decodeEvent refuses an unknown kind code and truncated input', () => {
    expect(() => decodeEvent(Uint8Array.of(TRACE_EVENT_KINDS.length, 0))).toThrow(/kind/);
    expect(() => decodeEvent(refEncode(SENT).subarray(0, 1))).toThrow(/truncated/);
  });

  it('refuses events it cannot encode canonically, and leaves the trace untouched', () => {
    const bad: unknown[] = [
      { ...SENT, atMs: -1 },
      { ...SENT, msgId: 1.5 },
      { ...SENT, term: Number.MAX_SAFE_INTEGER + 1 },
      { ...SENT, term: Number.NaN },
      { ...SENT, kind: 'teleported' },
    ];
    const trace = new Trace();
    trace.append(SENT);
    for (const e of bad) expect(() => trace.append(e as TraceEvent)).toThrow(/trace/);
    expect(trace.length).toBe(1);
    expect(trace.storedLength).toBe(1);
    expect(trace.countOf('sent')).toBe(1);
    expect(trace.finalHash()).toBe(refHash([SENT]));
  });
});

describe('Trace storage', () => {
  it('keep=true returns every event via at() and slice(), in order', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 40 }), (events) => {
        const trace = traceOf(events);
        expect(trace.length).toBe(events.length);
        expect(trace.storedLength).toBe(events.length);
        events.forEach((e, i) => expect(trace.at(i)).toEqual(e));
        expect([...trace.slice()]).toEqual(events);
        expect([...trace.slice(1, 3)]).toEqual(events.slice(1, 3));
        expect([...trace.slice(-5, events.length + 5)]).toEqual(events);
      }),
      { numRuns: 100 },
    );
  });

  it('append returns the index of the event', () => {
    const trace = new Trace();
    expect(trace.append(SENT)).toBe(0);
    expect(trace.append({ ...SENT, msgId: 2 })).toBe(1);
    const unkept = new Trace(false);
    unkept.append(SENT);
    expect(unkept.append(SENT)).toBe(1);
  });

  it('keep=false still hashes identically to keep=true, but stores nothing', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 40 }), (events) => {
        const kept = traceOf(events, true);
        const unkept = traceOf(events, false);
        expect(unkept.length).toBe(events.length);
        expect(unkept.storedLength).toBe(0);
        expect([...unkept.slice()]).toEqual([]);
        expect(unkept.finalHash()).toBe(kept.finalHash());
        expect(kept.finalHash()).toBe(refHash(events));
      }),
      { numRuns: 100 },
    );
  });

  it('stores and hashes a large trace across 1 MiB chunks and 16 KiB hash batches', () => {
    // ~1.2 KB per event: 2000 events cross two chunk boundaries and many hash batches, and the
    // offset index grows past its initial 1024 slots.
    const events: TraceEvent[] = Array.from({ length: 2_000 }, (_, i) => ({
      kind: 'fault', atMs: i, fault: `f${i}`, detail: String.fromCharCode(97 + (i % 26)).repeat(1_000 + (i % 300)),
    }));
    const kept = traceOf(events, true);
    const unkept = traceOf(events, false);
    for (let i = 0; i < events.length; i++) {
      const e = kept.at(i);
      if (e.atMs !== i || (e as { detail: string }).detail !== (events[i] as { detail: string }).detail) {
        throw new Error(`event ${i} decoded wrong`);
      }
    }
    expect(kept.at(events.length - 1)).toEqual(events[events.length - 1]);
    expect(kept.storedBytes).toBeGreaterThanOrEqual(3 * (1 << 20));
    expect(kept.finalHash()).toBe(refHash(events));
    expect(unkept.finalHash()).toBe(kept.finalHash());
  });

  it('a stored trace writes events straight into its chunks: one cut by a chunk boundary moves whole, however it is written', () => {
    // Fill the first chunk to within a few hundred bytes of its end, then write sends (described piece
    // by piece, details long enough to need a two-byte length) that must move to the next chunk part-way
    // through, for every way the boundary can fall; every event decodes, and the hash is the reference one.
    const filler = (i: number): TraceEvent => ({ kind: 'fault', atMs: i, fault: 'f', detail: 'y'.repeat(1_000) });
    const storedSize = (e: TraceEvent): number => { const n = refEncode(e).length; return leb128(n).length + n; };
    const fills = Math.floor(((1 << 20) - 2_000) / storedSize(filler(1_000)));
    const describer = { describeInto: (m: string, out: { text(s: string): void; int(n: number): void }) => { out.text('op'); out.int(7); out.text(m); } };
    const fillers: TraceEvent[] = Array.from({ length: fills }, (_, i) => filler(i));
    const room = (1 << 20) - fillers.reduce((sum, e) => sum + storedSize(e), 0);
    // The hash of the fillers once; each case continues a copy of it.
    const fillerHash = createHash('sha256');
    for (const e of fillers) {
      const rec = refEncode(e);
      fillerHash.update(Uint8Array.from(leb128(rec.length)));
      fillerHash.update(rec);
    }
    const continued = (more: readonly TraceEvent[]): string => {
      const h = fillerHash.copy();
      for (const e of more) {
        const rec = refEncode(e);
        h.update(Uint8Array.from(leb128(rec.length)));
        h.update(rec);
      }
      return h.digest('hex');
    };
    const lefts = [...Array.from({ length: 40 }, (_, i) => i), 60, 100, 150, 201, 230, 260, 330];
    for (const left of lefts) {
      const pad: TraceEvent = { kind: 'fault', atMs: fills, fault: 'pad', detail: 'z'.repeat(room - left - 12) };
      const events = [...fillers, pad];
      const tail: TraceEvent[] = [pad];
      const kept = new Trace(true);
      const unkept = new Trace(false);
      for (const e of events) {
        kept.append(e);
        unkept.append(e);
      }
      for (const [k, detail] of ['', 'x'.repeat(200), '→'.repeat(50), 'w'.repeat(90)].entries()) {
        kept.appendSentDescribed(1 << 20, k, 'n1', 'n2', 'AppendEntries', 3, detail, describer);
        unkept.appendSentDescribed(1 << 20, k, 'n1', 'n2', 'AppendEntries', 3, detail, describer);
        const sent: TraceEvent = { kind: 'sent', atMs: 1 << 20, msgId: k, from: 'n1', to: 'n2', type: 'AppendEntries', term: 3, detail: `op7${detail}` };
        events.push(sent);
        tail.push(sent);
      }
      for (let i = fills - 1; i < events.length; i++) expect(kept.at(i), `event ${i}, ${left} bytes left`).toEqual(events[i]);
      expect(kept.finalHash()).toBe(continued(tail));
      expect(unkept.finalHash()).toBe(kept.finalHash());
      expect(kept.prefixHash(events.length - 1)).toBe(continued(tail.slice(0, -1)));
    }
  });

  it('refuses an event larger than a chunk, stored or not, and goes on as if it had not been offered', () => {
    const huge: TraceEvent = { kind: 'fault', atMs: 1, fault: 'huge', detail: 'h'.repeat((1 << 20) + 10) };
    for (const keep of [true, false]) {
      const t = new Trace(keep);
      t.append(SENT);
      expect(() => t.append(huge)).toThrow(/larger than a chunk/);
      const after: TraceEvent = { ...SENT, msgId: 2 };
      expect(t.append(after)).toBe(1);
      if (keep) expect(t.at(1)).toEqual(after);
      expect(t.finalHash()).toBe(refHash([SENT, after]));
    }
  });

  it('hashed=false counts events by kind without encoding or hashing them', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 40 }), (events) => {
        const kept = traceOf(events, true);
        const counted = new Trace(false, false);
        events.forEach((e, i) => expect(counted.append(e)).toBe(i));
        expect(counted.length).toBe(events.length);
        expect(counted.storedLength).toBe(0);
        for (const e of events) expect(counted.countOf(e.kind)).toBe(kept.countOf(e.kind));
      }),
      { numRuns: 50 },
    );
    const counted = new Trace(false, false);
    expect(() => counted.finalHash()).toThrow(/not hashed/);
    expect(() => counted.prefixHash(0)).toThrow(/stored trace/);
    expect(() => counted.append({ kind: 'nonsense', atMs: 0 } as unknown as TraceEvent)).toThrow(/unknown event kind nonsense/);
    expect(() => new Trace(true, false)).toThrow(/always hashed/);
  });

  it('at() out of range throws RangeError', () => {
    const trace = traceOf([SENT, SENT]);
    for (const i of [-1, 2, 100, Number.NaN]) expect(() => trace.at(i)).toThrow(RangeError);
    expect(() => new Trace().at(0)).toThrow(RangeError);
    expect(() => traceOf([SENT], false).at(0)).toThrow(RangeError);
  });

  it('countOf counts by kind', () => {
    const trace = traceOf([
      SENT,
      { kind: 'timer', atMs: 6, node: 'n1', timer: 'election' },
      { ...SENT, msgId: 2 },
      { kind: 'commit', atMs: 7, node: 'n1', commitIndex: 1 },
      { ...SENT, msgId: 3 },
    ]);
    expect(trace.countOf('sent')).toBe(3);
    expect(trace.countOf('timer')).toBe(1);
    expect(trace.countOf('commit')).toBe(1);
    expect(trace.countOf('delivered')).toBe(0);
  });

  it('finalHash is stable, and append after it throws', () => {
    const trace = traceOf([SENT]);
    const h = trace.finalHash();
    expect(trace.finalHash()).toBe(h);
    expect(() => trace.append(SENT)).toThrow(/final/);
  });
});

describe('Trace hash sensitivity', () => {
  it('the empty trace hashes to SHA-256 of nothing', () => {
    expect(new Trace().finalHash()).toBe(createHash('sha256').digest('hex'));
  });

  it('changes if any one field of any one event changes', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { minLength: 1, maxLength: 10 }), fc.nat(), fc.nat(), (events, which, fieldPick) => {
        const index = which % events.length;
        const original = events[index]!;
        const names = ['atMs', ...FIELD_ORDER[original.kind].map(([n]) => n)];
        const name = names[fieldPick % names.length]!;
        const record = { ...original } as unknown as Record<string, string | number>;
        const value = record[name]!;
        record[name] = typeof value === 'number' ? (value === 0 ? 1 : value - 1) : `${value}x`;
        const changed = events.slice();
        changed[index] = record as unknown as TraceEvent;
        expect(traceOf(changed).finalHash()).not.toBe(traceOf(events).finalHash());
      }),
      { numRuns: 200 },
    );
  });

  it('changes if two different events swap places', () => {
    const a: TraceEvent = { kind: 'commit', atMs: 10, node: 'n1', commitIndex: 1 };
    const b: TraceEvent = { kind: 'commit', atMs: 10, node: 'n2', commitIndex: 1 };
    expect(traceOf([a, b]).finalHash()).not.toBe(traceOf([b, a]).finalHash());
  });

  it('field and event boundaries cannot be confused', () => {
    const one = traceOf([{ ...SENT, from: 'n1', to: 'n23' }]).finalHash();
    const two = traceOf([{ ...SENT, from: 'n12', to: 'n3' }]).finalHash();
    expect(one).not.toBe(two);
    const split = traceOf([
      { kind: 'fault', atMs: 1, fault: 'a', detail: 'bc' },
      { kind: 'fault', atMs: 1, fault: 'd', detail: '' },
    ]).finalHash();
    const joined = traceOf([
      { kind: 'fault', atMs: 1, fault: 'a', detail: 'b' },
      { kind: 'fault', atMs: 1, fault: 'cd', detail: '' },
    ]).finalHash();
    expect(split).not.toBe(joined);
  });

  it('changes if an event is added', () => {
    expect(traceOf([SENT, SENT]).finalHash()).not.toBe(traceOf([SENT]).finalHash());
  });
});

describe('formatEvent', () => {
  const cases: Array<[TraceEvent, string]> = [
    [SENT, '     5ms send n1->n2 RequestVote t1 last=0/t0 #1'],
    [{ kind: 'delivered', atMs: 15, msgId: 1, from: 'n1', to: 'n2', type: 'RequestVote' }, '    15ms deliver n1->n2 RequestVote #1'],
    [{ kind: 'dropped', atMs: 123456, msgId: 9, from: 'n3', to: 'c1', reason: 'partition' }, '123456ms drop n3->c1 #9 (partition)'],
    [{ kind: 'duplicated', atMs: 7, msgId: 4, copyId: 5, from: 'n1', to: 'n2' }, '     7ms duplicate n1->n2 #4 as #5'],
    [{ kind: 'timer', atMs: 150, node: 'n2', timer: 'election' }, '   150ms timer n2 election'],
    [{ kind: 'role', atMs: 150, node: 'n2', role: 'candidate', term: 2 }, '   150ms role n2 candidate t2'],
    [{ kind: 'term', atMs: 150, node: 'n2', term: 2 }, '   150ms term n2 t2'],
    [{ kind: 'append', atMs: 200, node: 'n1', index: 3, term: 2, count: 4 }, '   200ms append n1 [3..6] t2'],
    [{ kind: 'commit', atMs: 210, node: 'n1', commitIndex: 6 }, '   210ms commit n1 6'],
    [{ kind: 'invoke', atMs: 1, client: 'c1', opId: 3, op: 'write', key: 'k0', value: '4' }, '     1ms invoke c1 op3 write k0 4'],
    [{ kind: 'invoke', atMs: 1, client: 'c1', opId: 3, op: 'read', key: 'k0', value: '' }, '     1ms invoke c1 op3 read k0'],
    [{ kind: 'ok', atMs: 2, client: 'c1', opId: 3, value: 'nil' }, '     2ms ok c1 op3 nil'],
    [{ kind: 'fail', atMs: 2, client: 'c1', opId: 3, reason: 'no-leader' }, '     2ms fail c1 op3 no-leader'],
    [{ kind: 'info', atMs: 2, client: 'c1', opId: 3, reason: 'timeout' }, '     2ms info c1 op3 timeout'],
    [{ kind: 'fault', atMs: 3, fault: 'heal', detail: '' }, '     3ms fault heal'],
    [{ kind: 'fault', atMs: 3, fault: 'partition', detail: 'n1 | n2,n3' }, '     3ms fault partition n1 | n2,n3'],
    [{ kind: 'action', atMs: 4, action: 'crash', detail: 'n2' }, '     4ms action crash n2'],
    [
      { kind: 'violation', atMs: 9, invariant: 'election-safety', nodes: 'n1,n2', message: 'two leaders in t3', eventIndex: 42 },
      '     9ms VIOLATION election-safety [n1,n2] two leaders in t3 (event 42)',
    ],
  ];
  for (const [event, line] of cases) {
    it(`formats ${event.kind}: ${line.trim()}`, () => {
      expect(formatEvent(event)).toBe(line);
    });
  }

  it('formats every kind without throwing', () => {
    fc.assert(
      fc.property(anyEvent, (e) => {
        expect(formatEvent(e)).toContain('ms ');
      }),
      { numRuns: 100 },
    );
  });
});

describe('Trace.prefixHash', () => {
  function eventAt(i: number): TraceEvent {
    // Long details every few events, so the stored bytes cross 1 MiB chunk boundaries.
    if (i % 3 === 0) return { kind: 'sent', atMs: i, msgId: i, from: 'n1', to: 'n2', type: 'AppendEntries', term: i % 7, detail: 'x'.repeat(200 + (i % 50)) };
    if (i % 3 === 1) return { kind: 'delivered', atMs: i, msgId: i - 1, from: 'n1', to: 'n2', type: 'AppendEntries' };
    return { kind: 'commit', atMs: i, node: 'n3', commitIndex: i };
  }

  it('equals the final hash of a trace cut at that length, at checkpoint boundaries and across chunks', () => {
    const total = 3 * HASH_CHECKPOINT_EVENTS + 17;
    const full = new Trace(true);
    for (let i = 0; i < total; i++) full.append(eventAt(i));
    const cuts = [0, 1, 2, HASH_CHECKPOINT_EVENTS - 1, HASH_CHECKPOINT_EVENTS, HASH_CHECKPOINT_EVENTS + 1, 2 * HASH_CHECKPOINT_EVENTS + 333, total - 1, total];
    expect(full.storedBytes).toBeGreaterThan(2 * (1 << 20));
    for (const n of cuts) {
      const cut = new Trace(false);
      for (let i = 0; i < n; i++) cut.append(eventAt(i));
      expect(full.prefixHash(n), `prefix of ${n}`).toBe(cut.finalHash());
    }
    // The running hash is untouched: appending more and finishing still gives the whole trace's hash.
    full.append(eventAt(total));
    const whole = new Trace(false);
    for (let i = 0; i <= total; i++) whole.append(eventAt(i));
    expect(full.prefixHash(total + 1)).toBe(whole.finalHash());
    expect(full.finalHash()).toBe(whole.finalHash());
  });

  it('refuses a length it does not hold, and an unstored trace', () => {
    const t = new Trace(true);
    t.append(eventAt(0));
    expect(() => t.prefixHash(2)).toThrow(RangeError);
    expect(() => new Trace(false).prefixHash(0)).toThrow(/stored trace/);
  });
});

describe('details written straight into the trace', () => {
  const piece = fc.oneof(
    fc.string({ maxLength: 20 }).map((s) => ({ text: s })),
    fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => ({ text: s })),
    fc.string({ minLength: 120, maxLength: 200 }).map((s) => ({ text: s })),
    fc.oneof(fc.nat(), fc.constantFrom(0, 9, 10, 2 ** 31 - 1, 2 ** 31, 2 ** 53 - 1, -1, -42, 0.5, 1e21, Number.NaN)).map((n) => ({ int: n })),
  );
  type Piece = { text: string } | { int: number };

  it('appendSentDescribed writes what append writes for the same detail as a string, for any pieces', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces: Piece[]) => {
        const describer = {
          describeInto: (_m: null, out: { text(s: string): void; int(n: number): void }) => {
            for (const p of pieces) if ('text' in p) out.text(p.text); else out.int(p.int);
          },
        };
        const w = new StringDetailWriter();
        describer.describeInto(null, w);
        const detail = w.take();
        expect(detail).toBe(pieces.map((p) => ('text' in p ? p.text : `${p.int}`)).join(''));
        const direct = new Trace();
        direct.appendSentDescribed(7, 3, 'n1', 'c2', 'ClientReply', 0, null, describer);
        const viaString = new Trace();
        viaString.append({ kind: 'sent', atMs: 7, msgId: 3, from: 'n1', to: 'c2', type: 'ClientReply', term: 0, detail });
        expect(direct.at(0)).toEqual({ kind: 'sent', atMs: 7, msgId: 3, from: 'n1', to: 'c2', type: 'ClientReply', term: 0, detail });
        expect(direct.finalHash()).toBe(viaString.finalHash());
        expect(direct.finalHash()).toBe(refHash([{ kind: 'sent', atMs: 7, msgId: 3, from: 'n1', to: 'c2', type: 'ClientReply', term: 0, detail }]));
      }),
      { numRuns: 200 },
    );
  });

  it('an unhashed trace counts a described send without asking for its detail', () => {
    const t = new Trace(false, false);
    let asked = 0;
    t.appendSentDescribed(1, 1, 'n1', 'n2', 'X', 1, null, { describeInto: () => { asked++; } });
    expect(t.length).toBe(1);
    expect(t.countOf('sent')).toBe(1);
    expect(asked).toBe(0);
  });

  it('a describer that throws leaves the trace as it was', () => {
    const t = new Trace();
    t.append(SENT);
    expect(() => t.appendSentDescribed(9, 2, 'n1', 'n2', 'X', 1, null, { describeInto: (_m: null, out) => { out.text('half'); throw new Error('trace: boom'); } })).toThrow(/boom/);
    expect(t.length).toBe(1);
    expect(t.finalHash()).toBe(refHash([SENT]));
  });
});
