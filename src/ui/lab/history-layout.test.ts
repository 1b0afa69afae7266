import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { History, HistoryOperation, LinearizabilityResult, OpFunction, OpOutcome, PartitionResult } from '../../check/history';
import { checkLinearizability } from '../../check/linearizability';
import {
  MIN_SPAN,
  axisBase,
  axisTicks,
  barsInWindow,
  blockingByKey,
  clampWindow,
  compareNatural,
  faultRows,
  focusWindow,
  keyOrder,
  keySummaries,
  summaryItems,
  laneOrder,
  linearizationPoints,
  navigate,
  opDescription,
  opLabels,
  opSpans,
  opStateWords,
  panWindow,
  partitionFor,
  revealInWindow,
  timeExtent,
  truncateValue,
  windowScale,
  zoomWindow,
  type AxisBase,
} from './history-layout';

interface Spec {
  p?: string;
  f?: OpFunction;
  key?: string | null;
  value?: string | null;
  expected?: string | null;
  output?: string | null;
  outcome?: OpOutcome;
  at: number;
  done: number | null;
  /** Milliseconds; default: none (an imported file). */
  ms?: [number, number | null];
}

function ops(specs: Spec[]): HistoryOperation[] {
  return specs.map((s, id) => ({
    id,
    process: s.p ?? 'c1',
    f: s.f ?? 'write',
    key: s.key === undefined ? 'k1' : s.key,
    value: s.value ?? null,
    expected: s.expected ?? null,
    output: s.output ?? null,
    outcome: s.outcome ?? (s.done === null ? 'info' : 'ok'),
    invokeAt: s.at,
    completeAt: s.done,
    invokeMs: s.ms?.[0] ?? null,
    completeMs: s.ms?.[1] ?? null,
    invokeLine: null,
    completeLine: null,
  }));
}

function partition(key: string | null, fields: Partial<PartitionResult>): PartitionResult {
  return { key, verdict: true, operations: 0, linearization: [], placedCount: fields.linearization?.length ?? 0, longestPrefix: [], blocking: [], steps: 0, ...fields };
}

function result(partitions: PartitionResult[]): LinearizabilityResult {
  const verdict = partitions.some((p) => p.verdict === false) ? false : partitions.some((p) => p.verdict === 'unknown') ? 'unknown' : true;
  return { verdict, partitions, operations: 0, ms: 0 };
}

describe('lanes, keys and the axis', () => {
  it('orders processes naturally, one lane each', () => {
    const h = ops(['c10', 'o1', 'c2', 'c1', 'c2', 'c10'].map((p, i) => ({ p, at: i, done: i + 1 })));
    expect(laneOrder(h)).toEqual(['c1', 'c2', 'c10', 'o1']);
    expect(laneOrder(ops(['10', '9', '100', '0'].map((p) => ({ p, at: 0, done: 1 }))))).toEqual(['0', '9', '10', '100']);
    expect(compareNatural('k2', 'k10')).toBeLessThan(0);
    expect(compareNatural('a', 'A')).not.toBe(0);
  });

  it('lists keys naturally, the register (null) first', () => {
    expect(keyOrder(ops([{ key: 'k10', at: 0, done: 1 }, { key: 'k2', at: 0, done: 1 }, { key: null, at: 0, done: 1 }]))).toEqual([
      null,
      'k2',
      'k10',
    ]);
  });

  it('uses milliseconds only when every operation has them', () => {
    const withMs = ops([{ at: 1, done: 2, ms: [10, 12] }, { at: 3, done: null, ms: [11, null] }]);
    expect(axisBase({ model: 'register', operations: withMs })).toBe('ms');
    const imported = ops([{ at: 1, done: 2 }]);
    expect(axisBase({ model: 'register', operations: imported })).toBe('position');
    const mixed = ops([{ at: 1, done: 2, ms: [10, 12] }, { at: 3, done: 4, ms: [11, null] }]);
    expect(axisBase({ model: 'register', operations: mixed })).toBe('position');
    expect(axisBase({ model: 'register', operations: [] })).toBe('position');
  });

  it('spans the history from 0 (runs) or the first line (files), with room for unknown outcomes', () => {
    const run = ops([{ at: 1, done: 2, ms: [190, 240] }, { at: 3, done: 9, ms: [300, 1000] }]);
    expect(timeExtent(run, 'ms')).toEqual({ start: 0, end: 1000 });
    // A fault period past the last operation widens it.
    expect(timeExtent(run, 'ms', [1500])).toEqual({ start: 0, end: 1500 });
    const unknown = ops([{ at: 1, done: 2, ms: [100, 200] }, { at: 3, done: null, ms: [1000, null] }]);
    expect(timeExtent(unknown, 'ms')).toEqual({ start: 0, end: 1040 });
    const file = ops([{ at: 12, done: 15 }, { at: 13, done: 40 }]);
    expect(timeExtent(file, 'position')).toEqual({ start: 12, end: 40 });
    expect(timeExtent([], 'position')).toEqual({ start: 0, end: 10 });
    // Never narrower than the minimum span.
    expect(timeExtent(ops([{ at: 5, done: 5 }]), 'position')).toEqual({ start: 5, end: 5 + MIN_SPAN.position });
  });

  it('ends an unknown bar where its process invokes again, or at the edge', () => {
    const h = ops([
      { p: 'c1', at: 10, done: null },
      { p: 'c1', at: 30, done: 35 },
      { p: 'c2', at: 12, done: null },
      { p: 'c1', at: 40, done: null },
    ]);
    const spans = opSpans(h, 'position', 100);
    expect(spans.get(0)).toEqual({ start: 10, end: 30, unknown: true });
    expect(spans.get(1)).toEqual({ start: 30, end: 35, unknown: false });
    expect(spans.get(2)).toEqual({ start: 12, end: 100, unknown: true });
    expect(spans.get(3)).toEqual({ start: 40, end: 100, unknown: true });
  });
});

describe('zoom window', () => {
  const extent = { start: 0, end: 1000 };

  it('zooms around the anchor, which stays where it was on screen', () => {
    const w = zoomWindow(extent, extent, 2, 250, 10);
    expect(w).toEqual({ start: 125, end: 625 });
    const scaleBefore = windowScale(extent, 0, 1000);
    const scaleAfter = windowScale(w, 0, 1000);
    expect(scaleAfter.x(250)).toBeCloseTo(scaleBefore.x(250), 9);
    // Zooming back out by the same factor around the same point gives the extent again.
    expect(zoomWindow(w, extent, 0.5, 250, 10)).toEqual(extent);
  });

  it('keeps the window inside the extent and between the minimum span and the whole', () => {
    expect(zoomWindow({ start: 900, end: 1000 }, extent, 0.25, 990, 10)).toEqual({ start: 600, end: 1000 });
    expect(zoomWindow(extent, extent, 0.1, 500, 10)).toEqual(extent);
    const deep = zoomWindow({ start: 100, end: 120 }, extent, 100, 110, 10);
    expect(deep.end - deep.start).toBeCloseTo(10, 9);
    expect(deep.start).toBeCloseTo(105, 9);
    expect(() => zoomWindow(extent, extent, 0, 1, 10)).toThrow(RangeError);
  });

  it('pans and stops at the ends', () => {
    expect(panWindow({ start: 100, end: 300 }, extent, 50)).toEqual({ start: 150, end: 350 });
    expect(panWindow({ start: 100, end: 300 }, extent, -500)).toEqual({ start: 0, end: 200 });
    expect(panWindow({ start: 100, end: 300 }, extent, 5000)).toEqual({ start: 800, end: 1000 });
    expect(clampWindow(-50, 5000, extent)).toEqual(extent);
  });

  it('moves the window as little as possible to reveal an operation', () => {
    const w = { start: 200, end: 400 };
    expect(revealInWindow(w, extent, 250, 300)).toBe(w);
    // Off to the right: its end comes in, with a 10% margin.
    expect(revealInWindow(w, extent, 450, 470)).toEqual({ start: 290, end: 490 });
    // Off to the left: its start comes in, with the margin.
    expect(revealInWindow(w, extent, 100, 120)).toEqual({ start: 80, end: 280 });
    // Longer than the window: its start is enough.
    expect(revealInWindow(w, extent, 300, 900)).toBe(w);
    expect(revealInWindow(w, extent, 700, 1000)).toEqual({ start: 680, end: 880 });
  });

  it('frames an operation with context, inside the extent', () => {
    expect(focusWindow(extent, 500, 510, 10)).toEqual({ start: 445, end: 565 });
    expect(focusWindow(extent, 0, 2, 10)).toEqual({ start: 0, end: 24 });
    expect(focusWindow(extent, 500, 500, 10)).toEqual({ start: 495, end: 505 });
    expect(focusWindow(extent, 100, 900, 10)).toEqual(extent);
  });

  it('maps the window onto the pixel range and back', () => {
    const s = windowScale({ start: 100, end: 200 }, 50, 1050);
    expect(s.x(100)).toBe(50);
    expect(s.x(150)).toBe(550);
    expect(s.x(300)).toBe(2050);
    expect(s.t(550)).toBe(150);
  });

  it('labels ticks in seconds with the decimals the step needs, and lines as integers', () => {
    expect(axisTicks({ start: 0, end: 10_000 }, 900, 'ms').map((t) => t.label)).toEqual([
      '0 s', '1 s', '2 s', '3 s', '4 s', '5 s', '6 s', '7 s', '8 s', '9 s', '10 s',
    ]);
    expect(axisTicks({ start: 1000, end: 1100 }, 450, 'ms').map((t) => t.label)).toEqual([
      '1.00 s', '1.02 s', '1.04 s', '1.06 s', '1.08 s', '1.10 s',
    ]);
    expect(axisTicks({ start: 0, end: 3 }, 900, 'position').map((t) => t.value)).toEqual([0, 1, 2, 3]);
  });

  it('keeps ticks at least the minimum spacing apart', () => {
    for (const [start, end] of [[0, 31_000], [25_600, 29_500], [1000, 1013], [12, 4048], [0, 1]] as const) {
      for (const trackPx of [200, 640, 1192]) {
        const ticks = axisTicks({ start, end }, trackPx, 'ms', 90);
        const pxPerUnit = trackPx / (end - start);
        expect(ticks.length).toBeGreaterThanOrEqual(1);
        for (let i = 1; i < ticks.length; i++) {
          expect((ticks[i]!.value - ticks[i - 1]!.value) * pxPerUnit).toBeGreaterThanOrEqual(90 - 1e-9);
        }
      }
    }
  });
});

describe('linearization points', () => {
  it('puts each point at the middle of the room the order leaves it', () => {
    // [0,10], [2,4], [5,20] in the order 1, 0, 2: lower bounds 2, 2, 5; upper bounds 4, 10, 20.
    const h = ops([{ at: 0, done: 10 }, { at: 2, done: 4 }, { at: 5, done: 20 }]);
    expect(linearizationPoints([h[1]!, h[0]!, h[2]!], 'position', 100)).toEqual([3, 6, 12.5]);
    // Unknown outcomes may go up to the end of the extent.
    const u = ops([{ at: 0, done: 4 }, { at: 2, done: null }]);
    expect(linearizationPoints([u[0]!, u[1]!], 'position', 12)).toEqual([2, 7]);
  });

  it('stays monotone for an order that is not a valid linearization', () => {
    // [10,12] cannot come before [0,2]: the second point is pushed right, out of its interval.
    const h = ops([{ at: 0, done: 2 }, { at: 10, done: 12 }]);
    const points = linearizationPoints([h[1]!, h[0]!], 'position', 100);
    expect(points[0]).toBeGreaterThanOrEqual(10);
    expect(points[0]).toBeLessThanOrEqual(12);
    expect(points[1]).toBe(points[0]);
  });

  /** A random sequential execution of registers, each operation stretched around its moment. */
  const steps = fc.array(
    fc.record({
      f: fc.constantFrom<'read' | 'write' | 'cas'>('read', 'write', 'cas'),
      v: fc.integer({ min: 0, max: 3 }),
      e: fc.integer({ min: 0, max: 3 }),
      key: fc.constantFrom('k0', 'k1'),
      lead: fc.integer({ min: 0, max: 250 }),
      lag: fc.integer({ min: 0, max: 250 }),
      unknown: fc.boolean(),
    }),
    { minLength: 1, maxLength: 30 },
  );

  type Step = { f: 'read' | 'write' | 'cas'; v: number; e: number; key: string; lead: number; lag: number; unknown: boolean };

  /**
   * Operation i takes effect at 100 i + 50 and is invoked `lead` before, completed `lag` after (or
   * never: unknown, though it did take effect). Positions are distinct; milliseconds are positions
   * / 37, rounded down, so several events share one, as in our runs. Each operation its own process
   * (a process's operations would never overlap, which only makes the history easier).
   */
  function execution(list: Step[]): History {
    const state = new Map<string, string | null>();
    const operations = list.map((s, i): HistoryOperation => {
      const moment = 100 * i + 50;
      const invokeAt = 2 * (moment - s.lead);
      const completeAt = s.unknown ? null : 2 * (moment + s.lag) + 1;
      const before = state.get(s.key) ?? null;
      let outcome: OpOutcome = s.unknown ? 'info' : 'ok';
      let output: string | null = null;
      if (s.f === 'read') output = before;
      else if (s.f === 'write') state.set(s.key, String(s.v));
      else if (before === String(s.e)) state.set(s.key, String(s.v));
      else if (!s.unknown) outcome = 'fail';
      return {
        id: i,
        process: `c${i}`,
        f: s.f,
        key: s.key,
        value: s.f === 'read' ? null : String(s.v),
        expected: s.f === 'cas' ? String(s.e) : null,
        output: s.f === 'read' && outcome === 'ok' ? output : null,
        outcome: s.f === 'read' && s.unknown ? 'info' : outcome,
        invokeAt,
        completeAt,
        invokeMs: Math.floor(invokeAt / 37),
        completeMs: completeAt === null ? null : Math.floor(completeAt / 37),
        invokeLine: null,
        completeLine: null,
      };
    });
    return { model: 'register', operations };
  }

  function expectInsideAndMonotone(order: readonly HistoryOperation[], base: AxisBase, extentEnd: number): void {
    const points = linearizationPoints(order, base, extentEnd);
    expect(points).toHaveLength(order.length);
    order.forEach((op, k) => {
      const start = base === 'ms' ? op.invokeMs! : op.invokeAt;
      const end = op.completeAt === null ? extentEnd : base === 'ms' ? op.completeMs! : op.completeAt;
      expect(points[k]).toBeGreaterThanOrEqual(start);
      expect(points[k]).toBeLessThanOrEqual(end);
      if (k > 0) expect(points[k]).toBeGreaterThanOrEqual(points[k - 1]!);
    });
  }

  it('places the execution order inside every interval, monotone, in positions and in ms', () => {
    fc.assert(
      fc.property(steps, (list) => {
        const h = execution(list);
        for (const base of ['position', 'ms'] as const) {
          for (const key of ['k0', 'k1']) {
            const order = h.operations.filter((op) => op.key === key);
            expectInsideAndMonotone(order, base, timeExtent(h.operations, base).end);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("places the checker's own linearization inside every interval, monotone", () => {
    fc.assert(
      fc.property(steps, (list) => {
        const h = execution(list);
        const r = checkLinearizability(h);
        expect(r.verdict).toBe(true);
        for (const p of r.partitions) {
          const order = p.linearization.map((id) => h.operations[id]!);
          expect(order).toHaveLength(p.operations);
          for (const base of ['position', 'ms'] as const) expectInsideAndMonotone(order, base, timeExtent(h.operations, base).end);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('the checker result, per key', () => {
  const r = result([
    partition('k0', { verdict: false, blocking: [43, 43, 7], longestPrefix: [1, 2] }),
    partition('k1', { verdict: true, linearization: [3, 4] }),
    partition('k2', { verdict: 'unknown' }),
  ]);

  it('summarises each partition in one line', () => {
    expect(keySummaries(r).map((s) => s.text)).toEqual([
      'k0 NOT linearizable: 2 operations cannot be ordered',
      'k1 linearizable',
      'k2 unknown: the search ran out of budget',
    ]);
    expect(keySummaries(result([partition(null, { verdict: false, blocking: [1] })]))[0]!.text).toBe(
      'History NOT linearizable: 1 operation cannot be ordered',
    );
  });

  it('puts the worst first, and folds many keys into one item per verdict', () => {
    expect(summaryItems(r).map((s) => s.verdict)).toEqual([false, 'unknown', true]);
    const many = result([
      ...Array.from({ length: 12 }, (_, i) => partition(`k${i}`, { verdict: i === 3 || i === 7 ? false : true, blocking: i === 3 ? [1, 2] : [5] })),
      partition('k12', { verdict: 'unknown' }),
    ]);
    expect(summaryItems(many, 6).map((s) => s.text)).toEqual([
      '2 keys NOT linearizable (k3, k7): 3 operations cannot be ordered',
      '1 key unknown (k12): the search ran out of budget',
      '10 keys linearizable',
    ]);
    expect(summaryItems(many, 20)).toHaveLength(13);
    expect(summaryItems(many, 20)[0]).toEqual({ verdict: false, text: 'k3 NOT linearizable: 2 operations cannot be ordered', key: { key: 'k3' } });
    expect(summaryItems(many, 6).every((item) => item.key === null)).toBe(true);
  });

  it('lists the blocking operations of each non-linearizable key, once each', () => {
    const blocking = blockingByKey(r);
    expect([...blocking.keys()]).toEqual(['k0']);
    expect([...blocking.get('k0')!].sort((a, b) => a - b)).toEqual([7, 43]);
    expect(blockingByKey(null).size).toBe(0);
  });

  it("finds an operation's partition, or the unsplit one", () => {
    expect(partitionFor(r, 'k1')?.linearization).toEqual([3, 4]);
    expect(partitionFor(r, 'k9')).toBeUndefined();
    const unsplit = result([partition(null, { linearization: [0] })]);
    expect(partitionFor(unsplit, 'k9')?.linearization).toEqual([0]);
  });
});

describe('text', () => {
  it('labels bars, longest first', () => {
    const [w, rd, cas, unknownRead, nilRead, put] = ops([
      { f: 'write', value: '3', at: 0, done: 1 },
      { f: 'read', output: '3', at: 0, done: 1 },
      { f: 'cas', expected: '1', value: '2', at: 0, done: 1, outcome: 'fail' },
      { f: 'read', at: 0, done: null },
      { f: 'read', output: null, at: 0, done: 1 },
      { f: 'append', key: 'x', value: 'y 1', at: 0, done: 1 },
    ]);
    expect(opLabels(w!)).toEqual(['w k1 3', 'w 3', 'w']);
    expect(opLabels(rd!)).toEqual(['r k1 = 3', 'r = 3', 'r']);
    expect(opLabels(cas!)).toEqual(['cas k1 1→2', 'cas 1→2', 'cas']);
    expect(opLabels(unknownRead!)).toEqual(['r k1 ?', 'r ?', 'r']);
    expect(opLabels(nilRead!)).toEqual(['r k1 = nil', 'r = nil', 'r']);
    expect(opLabels(put!, false)).toEqual(['app y 1', 'app']);
    expect(opLabels(ops([{ key: null, value: '4', at: 0, done: 1 }])[0]!)).toEqual(['w 4', 'w']);
  });

  it('names bars for screen readers', () => {
    const [w, c, u] = ops([
      { p: 'c3', f: 'write', value: '3', at: 5, done: 9, ms: [1204, 1230] },
      { p: 'c1', f: 'cas', expected: '1', value: '2', at: 12, done: 15, outcome: 'fail' },
      { p: 'c2', f: 'read', at: 5, done: null, ms: [2000, null] },
    ]);
    expect(opDescription(w!, 'ms')).toBe('c3 write k1 3, ok, 1.204 s to 1.230 s');
    expect(opDescription(c!, 'position')).toBe('c1 cas k1 1 to 2, fail, line 12 to line 15');
    expect(opDescription(u!, 'ms')).toBe('c2 read k1, unknown outcome, from 2.000 s, never completed');
  });

  it('shortens long values in the middle, to the limit, keeping both ends', () => {
    const forty = 'x'.repeat(40);
    expect(truncateValue(forty)).toBe(forty);
    const long = `${'a'.repeat(12)}${'m'.repeat(100)}${'z'.repeat(27)}`;
    expect(truncateValue(long)).toBe(`${'a'.repeat(12)}…${'z'.repeat(27)}`);
    expect(truncateValue(long).length).toBe(40);
    expect(truncateValue('abcdefghij', 5)).toBe('ab…ij');
  });

  it('says an operation\'s state in the order, or why it has none', () => {
    expect(opStateWords({ placed: true, before: 'nil', after: '5', place: 1, orderLength: 2, complete: true })).toBe('before nil, after 5');
    const appended = 'x'.repeat(50);
    expect(opStateWords({ placed: true, before: '(empty)', after: appended, place: 1, orderLength: 1, complete: false })).toBe(
      `before (empty), after ${truncateValue(appended)}`,
    );
    expect(opStateWords({ placed: false, reason: 'unneeded' })).toBe('not placed: its outcome is unknown and no order needs it');
    expect(opStateWords({ placed: false, reason: 'blocking' })).toMatch(/^not placed: it blocks the order/);
  });
});

describe('what to draw', () => {
  const h = ops(Array.from({ length: 10 }, (_, i) => ({ p: `c${i % 2}`, at: i * 10, done: i * 10 + 5 })));
  const spans = opSpans(h, 'position', 100);

  it('draws the bars that meet the window', () => {
    expect(barsInWindow(h, spans, { start: 12, end: 41 }, 100)).toEqual({ ids: [1, 2, 3, 4], inWindow: 4 });
  });

  it('caps them at the limit, earliest first, always keeping the ones asked for', () => {
    expect(barsInWindow(h, spans, { start: 0, end: 100 }, 3)).toEqual({ ids: [0, 1, 2], inWindow: 10 });
    expect(barsInWindow(h, spans, { start: 0, end: 100 }, 3, new Set([8]))).toEqual({ ids: [0, 1, 8], inWindow: 10 });
  });

  it('stacks overlapping fault periods in rows', () => {
    const periods = [
      { fromMs: 0, toMs: 100 },
      { fromMs: 50, toMs: 60 },
      { fromMs: 55, toMs: 70 },
      { fromMs: 58, toMs: 59 },
      { fromMs: 100, toMs: 120 },
    ];
    expect(faultRows(periods, 3)).toEqual([0, 1, 2, 1, 0]);
    expect(faultRows([], 3)).toEqual([]);
  });
});

describe('keyboard moves', () => {
  const lanes = [
    [{ id: 0, start: 0 }, { id: 1, start: 50 }, { id: 2, start: 100 }],
    [],
    [{ id: 3, start: 40 }, { id: 4, start: 90 }],
  ];

  it('moves along a lane', () => {
    expect(navigate(lanes, 1, 'next')).toBe(2);
    expect(navigate(lanes, 2, 'next')).toBeNull();
    expect(navigate(lanes, 1, 'previous')).toBe(0);
    expect(navigate(lanes, 4, 'first')).toBe(3);
    expect(navigate(lanes, 0, 'last')).toBe(2);
  });

  it('moves to the nearest bar in time of the next non-empty lane', () => {
    expect(navigate(lanes, 1, 'down')).toBe(3);
    expect(navigate(lanes, 2, 'down')).toBe(4);
    expect(navigate(lanes, 4, 'up')).toBe(2);
    expect(navigate(lanes, 3, 'up')).toBe(1);
    expect(navigate(lanes, 0, 'up')).toBeNull();
    expect(navigate(lanes, 99, 'next')).toBeNull();
  });
});
