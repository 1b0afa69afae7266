/**
 * The history view's maths, kept out of the component so it can be tested: which time axis a
 * history is drawn on, its lanes and extent, the zoom window and its scale, where each operation's
 * linearization point goes, the text on and about each bar, and keyboard moves between bars.
 *
 * Times here are in axis units: virtual milliseconds for our runs (`invokeMs`/`completeMs`), or
 * positions (`invokeAt`/`completeAt`, line numbers of an imported file) when a history has no
 * milliseconds. A time window is a closed interval [start, end] of those units.
 */
import { scaleLinear } from 'd3';
import type { History, HistoryOperation, LinearizabilityResult, PartitionResult, Verdict } from '../../check/history';
import { UNPLACED_WORDS, type OpState } from '../../check/linearization-states';
import { formatClockMs } from './speed';

/** 'ms': our runs, virtual milliseconds; 'position': imported files, line numbers. */
export type AxisBase = 'ms' | 'position';

export interface Interval {
  readonly start: number;
  readonly end: number;
}

/** Bars drawn at once, at most: beyond this the view draws the first ones in its window. */
export const MAX_BARS = 5000;

/** The narrowest window a zoom may reach: 10 ms, or 4 lines of a file. */
export const MIN_SPAN: Record<AxisBase, number> = { ms: 10, position: 4 };

/**
 * Milliseconds when every operation has them (our runs), positions otherwise. An operation that
 * completed must also have a completion time in ms, or the bars could not be drawn in ms.
 */
export function axisBase(history: History): AxisBase {
  const allMs = history.operations.every((op) => op.invokeMs !== null && (op.completeAt === null || op.completeMs !== null));
  return allMs && history.operations.length > 0 ? 'ms' : 'position';
}

/** When the operation was invoked, in axis units. */
export function invokeTime(op: HistoryOperation, base: AxisBase): number {
  return base === 'ms' ? (op.invokeMs as number) : op.invokeAt;
}

/** When it completed, in axis units, or null when its outcome is unknown (it returns at infinity). */
export function completeTime(op: HistoryOperation, base: AxisBase): number | null {
  if (op.completeAt === null) return null;
  return base === 'ms' ? (op.completeMs as number) : op.completeAt;
}

const COLLATOR = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Natural order: c2 before c10, "9" before "10"; plain code-unit order breaks ties, so it is total. */
export function compareNatural(a: string, b: string): number {
  return COLLATOR.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** One lane per process, in natural order (c1, c2, ..., c10, o1). */
export function laneOrder(ops: readonly HistoryOperation[]): string[] {
  return [...new Set(ops.map((op) => op.process))].sort(compareNatural);
}

/** The keys of a history, in natural order (null, a register's, first). */
export function keyOrder(ops: readonly HistoryOperation[]): (string | null)[] {
  return [...new Set(ops.map((op) => op.key))].sort((a, b) =>
    a === null ? (b === null ? 0 : -1) : b === null ? 1 : compareNatural(a, b),
  );
}

/**
 * The whole time axis: from the first invocation (from 0 for a run, so it lines up with the run's
 * own timeline) to the last time anything happened (`extraTimes`: fault periods, say). When some
 * outcome is unknown, 4% more on the right, so an operation of unknown outcome invoked last still
 * shows a bar running off to the edge. Never narrower than MIN_SPAN.
 */
export function timeExtent(ops: readonly HistoryOperation[], base: AxisBase, extraTimes: readonly number[] = []): Interval {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let unknown = false;
  for (const op of ops) {
    const invoke = invokeTime(op, base);
    const complete = completeTime(op, base);
    first = Math.min(first, invoke);
    last = Math.max(last, invoke, complete ?? invoke);
    if (complete === null) unknown = true;
  }
  for (const t of extraTimes) if (Number.isFinite(t)) last = Math.max(last, t);
  if (!Number.isFinite(first)) return { start: 0, end: base === 'ms' ? 1000 : 10 };
  const start = base === 'ms' ? Math.min(0, first) : first;
  last = Math.max(last, start);
  const pad = unknown ? Math.max((last - start) * 0.04, MIN_SPAN[base]) : 0;
  return { start, end: Math.max(last + pad, start + MIN_SPAN[base]) };
}

/** Where an operation's bar runs, in axis units. */
export interface OpSpan {
  readonly start: number;
  /** Its completion; for an unknown outcome, the end of the extent or, sooner, the process's next invocation. */
  readonly end: number;
  /** Outcome unknown: the bar has no real end, it fades out. */
  readonly unknown: boolean;
}

/**
 * The bar of every operation. An operation of unknown outcome runs to the right edge, except that a
 * process that went on to invoke something else (our clients do, after a timeout) gets its lane
 * back there: the unknown bar stops (fading) where the next one starts, so bars in a lane never
 * overlap.
 */
export function opSpans(ops: readonly HistoryOperation[], base: AxisBase, extentEnd: number): Map<number, OpSpan> {
  const byProcess = new Map<string, HistoryOperation[]>();
  for (const op of ops) {
    let lane = byProcess.get(op.process);
    if (lane === undefined) byProcess.set(op.process, (lane = []));
    lane.push(op);
  }
  const spans = new Map<number, OpSpan>();
  for (const lane of byProcess.values()) {
    lane.sort((a, b) => invokeTime(a, base) - invokeTime(b, base) || a.id - b.id);
    lane.forEach((op, i) => {
      const start = invokeTime(op, base);
      const complete = completeTime(op, base);
      const next = lane[i + 1];
      const end = complete ?? (next === undefined ? extentEnd : Math.max(start, invokeTime(next, base)));
      spans.set(op.id, { start, end: Math.max(start, end), unknown: complete === null });
    });
  }
  return spans;
}

// ---- zoom window -----------------------------------------------------------------------------------

/** A window of `span` starting at `start`, moved (and shrunk if need be) to lie inside the extent. */
export function clampWindow(start: number, span: number, extent: Interval): Interval {
  const full = extent.end - extent.start;
  const width = Math.min(Math.max(span, 0), full);
  const from = Math.min(Math.max(start, extent.start), extent.end - width);
  return { start: from, end: from + width };
}

/**
 * Zooms by `factor` (> 1 in, < 1 out) around `anchor`: the time under the pointer stays under the
 * pointer (d3-zoom's rule), unless the window would leave the extent; the span stays within
 * [minSpan, the extent's span].
 */
export function zoomWindow(window: Interval, extent: Interval, factor: number, anchor: number, minSpan: number): Interval {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`zoom factor must be > 0, got ${factor}`);
  const span = window.end - window.start;
  const full = extent.end - extent.start;
  const nextSpan = Math.min(full, Math.max(Math.min(minSpan, full), span / factor));
  const fraction = span > 0 ? (anchor - window.start) / span : 0.5;
  return clampWindow(anchor - fraction * nextSpan, nextSpan, extent);
}

/** Moves the window by `delta` axis units, stopping at the extent's ends. */
export function panWindow(window: Interval, extent: Interval, delta: number): Interval {
  return clampWindow(window.start + delta, window.end - window.start, extent);
}

/**
 * The smallest move of the window that shows [start, end], keeping `marginFraction` of the window
 * free on the side it comes in from. An interval too long for the window only needs its start in
 * view. The window itself when nothing needs to move.
 */
export function revealInWindow(window: Interval, extent: Interval, start: number, end: number, marginFraction = 0.1): Interval {
  const span = window.end - window.start;
  const margin = span * marginFraction;
  const long = end - start > span - 2 * margin;
  if (start >= window.start && (end <= window.end || (long && start <= window.end - margin))) return window;
  if (long || start < window.start) return clampWindow(start - margin, span, extent);
  return clampWindow(end + margin - span, span, extent);
}

/**
 * A window that shows an interval with context: `contextFactor` times its length (at least
 * `minSpan`, at most the extent), centred on it where the extent allows.
 */
export function focusWindow(extent: Interval, start: number, end: number, minSpan: number, contextFactor = 12): Interval {
  const span = Math.max(minSpan, (end - start) * contextFactor);
  return clampWindow((start + end) / 2 - span / 2, span, extent);
}

export interface WindowScale {
  readonly window: Interval;
  readonly startPx: number;
  readonly endPx: number;
  /** x of a time (not clamped: bars running off the window are cut by the view's clip path). */
  x(t: number): number;
  /** The time at x. */
  t(xPx: number): number;
}

/** Maps the window onto [startPx, endPx] (a d3 linear scale: the axis's domain is the window). */
export function windowScale(window: Interval, startPx: number, endPx: number): WindowScale {
  const right = Math.max(startPx + 1, endPx);
  const scale = scaleLinear().domain([window.start, window.end]).range([startPx, right]);
  return { window, startPx, endPx: right, x: (t) => scale(t), t: (xPx) => scale.invert(xPx) };
}

export interface AxisTick {
  readonly value: number;
  readonly label: string;
}

/**
 * Ticks for the window, about one per `minSpacingPx`: d3's nice steps; seconds with as many
 * decimals as the step needs for ms ("1.25 s"), whole line numbers for positions.
 */
export function axisTicks(window: Interval, trackPx: number, base: AxisBase, minSpacingPx = 90): AxisTick[] {
  const scale = scaleLinear().domain([window.start, window.end]);
  const pxPerUnit = trackPx / Math.max(Number.MIN_VALUE, window.end - window.start);
  // d3's ticks(count) may return more than `count`: ask for fewer until they are far enough apart.
  let values: number[] = [];
  for (let count = Math.max(1, Math.floor(trackPx / minSpacingPx)); count >= 1; count--) {
    values = scale.ticks(count).filter((v) => base === 'ms' || Number.isInteger(v));
    const [first, second] = values;
    if (first === undefined || second === undefined || (second - first) * pxPerUnit >= minSpacingPx) break;
  }
  if (base === 'position') return values.map((value) => ({ value, label: String(value) }));
  const step = values.length > 1 ? (values[1] as number) - (values[0] as number) : 1000;
  const decimals = Math.min(3, Math.max(0, Math.ceil(-Math.log10(step / 1000) - 1e-9)));
  return values.map((value) => ({ value, label: `${(value / 1000).toFixed(decimals)} s` }));
}

// ---- linearization points ----------------------------------------------------------------------------

/**
 * Where to draw each operation's linearization point, for operations in linearization order: one
 * time per operation, never decreasing along the order, inside the operation's interval
 * [invoke, complete] (unknown outcome: [invoke, extentEnd]) whenever the order allows it.
 *
 * Why it always can for a valid linearization: if a comes before b in it, a was invoked before b
 * completed (real-time order), so the latest invocation up to b, L(b), is at most b's completion,
 * and, likewise, at most every later completion; the earliest completion from b on, U(b), is at
 * least b's invocation. So L(b) <= U(b), both never decrease, and the midpoint of [L(b), U(b)]
 * lies in b's interval and never decreases. (Our runs display milliseconds, several events per
 * millisecond: the inequalities only become non-strict, which is enough.)
 *
 * For an order that is not a valid linearization, each point is the midpoint clamped into its
 * interval and then pushed right as far as the order needs: monotone first, inside where it can.
 */
export function linearizationPoints(order: readonly HistoryOperation[], base: AxisBase, extentEnd: number): number[] {
  const n = order.length;
  const starts = order.map((op) => invokeTime(op, base));
  const ends = order.map((op) => Math.max(invokeTime(op, base), completeTime(op, base) ?? extentEnd));
  const upper = new Array<number>(n);
  let u = Number.POSITIVE_INFINITY;
  for (let k = n - 1; k >= 0; k--) upper[k] = u = Math.min(u, ends[k] as number);
  const points: number[] = [];
  let lower = Number.NEGATIVE_INFINITY;
  let previous = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < n; k++) {
    const start = starts[k] as number;
    const end = ends[k] as number;
    lower = Math.max(lower, start);
    const mid = (lower + (upper[k] as number)) / 2;
    previous = Math.max(previous, Math.min(end, Math.max(start, mid)));
    points.push(previous);
  }
  return points;
}

// ---- the checker's result, per key -------------------------------------------------------------------

/** The partition that holds an operation of this key: its own, or the one of an unsplit history. */
export function partitionFor(result: LinearizabilityResult, key: string | null): PartitionResult | undefined {
  return result.partitions.find((p) => p.key === key) ?? result.partitions.find((p) => p.key === null);
}

/** Per non-linearizable partition (by its key), the operations that could not be ordered, each once. */
export function blockingByKey(result: LinearizabilityResult | null): Map<string | null, Set<number>> {
  const map = new Map<string | null, Set<number>>();
  if (result === null) return map;
  for (const p of result.partitions) if (p.verdict === false) map.set(p.key, new Set(p.blocking));
  return map;
}

export interface KeySummary {
  readonly key: string | null;
  readonly verdict: Verdict;
  /** Not linearizable: how many operations could not be ordered. */
  readonly blocking: number;
  readonly text: string;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** One line per partition: "k0 linearizable", "k1 NOT linearizable: 3 operations cannot be ordered". */
export function keySummaries(result: LinearizabilityResult): KeySummary[] {
  return result.partitions.map((p) => {
    const name = p.key ?? 'History';
    const blocking = new Set(p.blocking).size;
    const text =
      p.verdict === true
        ? `${name} linearizable`
        : p.verdict === false
          ? `${name} NOT linearizable: ${plural(blocking, 'operation cannot', 'operations cannot')} be ordered`
          : `${name} unknown: the search ran out of budget`;
    return { key: p.key, verdict: p.verdict, blocking, text };
  });
}

export interface SummaryItem {
  readonly verdict: Verdict;
  readonly text: string;
  /** The one partition the item is about, or null for an item about several. */
  readonly key: { readonly key: string | null } | null;
}

/**
 * The summary line: one item per partition while there are at most `maxItems`; beyond that one
 * item per verdict, naming the keys that are not linearizable or unknown (a kv history can have
 * hundreds of keys): "40 keys linearizable", "2 keys NOT linearizable (k3, k7): 5 operations cannot
 * be ordered", "1 key unknown (k9): the search ran out of budget". Worst first.
 */
export function summaryItems(result: LinearizabilityResult, maxItems = 6): SummaryItem[] {
  const each = keySummaries(result);
  const rank = (v: Verdict): number => (v === false ? 0 : v === 'unknown' ? 1 : 2);
  if (each.length <= maxItems) {
    return [...each].sort((a, b) => rank(a.verdict) - rank(b.verdict)).map((s) => ({ verdict: s.verdict, text: s.text, key: { key: s.key } }));
  }
  const items: SummaryItem[] = [];
  const names = (list: KeySummary[]): string => {
    const shown = list.slice(0, 8).map((s) => s.key ?? 'History');
    return shown.join(', ') + (list.length > shown.length ? `, and ${list.length - shown.length} more` : '');
  };
  const bad = each.filter((s) => s.verdict === false);
  const unknown = each.filter((s) => s.verdict === 'unknown');
  const good = each.filter((s) => s.verdict === true);
  if (bad.length > 0) {
    const blocking = bad.reduce((sum, s) => sum + s.blocking, 0);
    items.push({
      verdict: false,
      text: `${plural(bad.length, 'key', 'keys')} NOT linearizable (${names(bad)}): ${plural(blocking, 'operation cannot', 'operations cannot')} be ordered`,
      key: null,
    });
  }
  if (unknown.length > 0) {
    items.push({ verdict: 'unknown', text: `${plural(unknown.length, 'key', 'keys')} unknown (${names(unknown)}): the search ran out of budget`, key: null });
  }
  if (good.length > 0) items.push({ verdict: true, text: `${plural(good.length, 'key', 'keys')} linearizable`, key: null });
  return items;
}

// ---- text ----------------------------------------------------------------------------------------------

const FN_SHORT: Record<HistoryOperation['f'], string> = { read: 'r', write: 'w', cas: 'cas', get: 'get', put: 'put', append: 'app' };

function isRead(op: HistoryOperation): boolean {
  return op.f === 'read' || op.f === 'get';
}

/**
 * The text inside a bar, longest first: the whole operation ("w k1 3", "r k1 = 3", "cas k1 1→2";
 * a read of unknown outcome "r k1 ?"), then without the key, then the function alone. The view
 * draws the first that fits. `withKey` false (one key shown) leaves the key out of all of them.
 */
export function opLabels(op: HistoryOperation, withKey = true): string[] {
  const fn = FN_SHORT[op.f];
  const args = isRead(op)
    ? op.outcome === 'ok'
      ? `= ${op.output ?? 'nil'}`
      : '?'
    : op.f === 'cas'
      ? `${op.expected ?? 'nil'}→${op.value ?? 'nil'}`
      : (op.value ?? 'nil');
  const labels = [`${fn} ${args}`, fn];
  if (withKey && op.key !== null) labels.unshift(`${fn} ${op.key} ${args}`);
  return labels;
}

/** "write k1 3", "read k1 = 3", "cas k1 1 to 2": the operation in words (no process, no outcome). */
export function opWords(op: HistoryOperation): string {
  const key = op.key === null ? '' : ` ${op.key}`;
  if (isRead(op)) return `${op.f}${key}${op.outcome === 'ok' ? ` = ${op.output ?? 'nil'}` : ''}`;
  if (op.f === 'cas') return `cas${key} ${op.expected ?? 'nil'} to ${op.value ?? 'nil'}`;
  return `${op.f}${key} ${op.value ?? 'nil'}`;
}

export const OUTCOME_WORDS: Record<HistoryOperation['outcome'], string> = { ok: 'ok', fail: 'fail', info: 'unknown outcome' };

/** "1.204 s" for ms, "line 12" for positions. */
export function formatTime(t: number, base: AxisBase): string {
  return base === 'ms' ? formatClockMs(Math.max(0, t)) : `line ${t}`;
}

/** When it ran: "1.204 s to 1.230 s", "line 12 to line 15", or "from 1.204 s, never completed". */
export function opTimes(op: HistoryOperation, base: AxisBase): string {
  const complete = completeTime(op, base);
  const invoke = formatTime(invokeTime(op, base), base);
  return complete === null ? `from ${invoke}, never completed` : `${invoke} to ${formatTime(complete, base)}`;
}

/** The accessible name of a bar: "c3 write k1 3, ok, 1.204 s to 1.230 s". */
export function opDescription(op: HistoryOperation, base: AxisBase): string {
  return `${op.process} ${opWords(op)}, ${OUTCOME_WORDS[op.outcome]}, ${opTimes(op, base)}`;
}

/** Values longer than this many characters are shortened in the tooltip and accessible names. */
export const VALUE_CHARS_MAX = 40;
/** Characters kept from a shortened value's start; the rest of the budget goes to its end. */
const VALUE_HEAD_CHARS = 12;

/**
 * A value shortened to `maxChars` with an ellipsis in the middle: its start says which value it is,
 * and its end holds what changed last (a kv key's latest appends), so both are kept.
 */
export function truncateValue(value: string, maxChars = VALUE_CHARS_MAX): string {
  if (value.length <= maxChars) return value;
  const head = Math.min(VALUE_HEAD_CHARS, Math.floor((maxChars - 1) / 2));
  return `${value.slice(0, head)}…${value.slice(value.length - (maxChars - 1 - head))}`;
}

/**
 * An operation's state in the order found, in words: "before 3, after 5", or why it has no place
 * in the order ("not placed: it blocks the order ..."). Values shortened as in the tooltip.
 */
export function opStateWords(state: OpState): string {
  return state.placed ? `before ${truncateValue(state.before)}, after ${truncateValue(state.after)}` : UNPLACED_WORDS[state.reason];
}

// ---- what to draw ----------------------------------------------------------------------------------------

/**
 * The bars to draw: the operations whose span meets the window, the first `limit` of them in time
 * order, and always those in `keep` (the active bar, operations that cannot be ordered) that meet
 * it. Returns the ids drawn and how many met the window.
 */
export function barsInWindow(
  ops: readonly HistoryOperation[],
  spans: ReadonlyMap<number, OpSpan>,
  window: Interval,
  limit: number,
  keep: ReadonlySet<number> = new Set(),
): { ids: number[]; inWindow: number } {
  const meeting = ops.filter((op) => {
    const span = spans.get(op.id);
    return span !== undefined && span.end >= window.start && span.start <= window.end;
  });
  if (meeting.length <= limit) return { ids: meeting.map((op) => op.id), inWindow: meeting.length };
  const sorted = [...meeting].sort((a, b) => (spans.get(a.id)?.start ?? 0) - (spans.get(b.id)?.start ?? 0) || a.id - b.id);
  const kept = sorted.filter((op) => keep.has(op.id));
  const room = Math.max(0, limit - kept.length);
  const ids = new Set(kept.map((op) => op.id));
  for (const op of sorted) {
    if (ids.size >= kept.length + room) break;
    ids.add(op.id);
  }
  return { ids: sorted.filter((op) => ids.has(op.id)).map((op) => op.id), inWindow: meeting.length };
}

/**
 * Rows for fault periods so that overlapping ones do not share one (greedy, by start time), at most
 * `maxRows`: past that, a period goes to the row that frees up first.
 */
export function faultRows(periods: ReadonlyArray<{ fromMs: number; toMs: number }>, maxRows = 3): number[] {
  const order = periods.map((_, i) => i).sort((a, b) => (periods[a]?.fromMs ?? 0) - (periods[b]?.fromMs ?? 0) || a - b);
  const rowEnds: number[] = [];
  const rows = new Array<number>(periods.length).fill(0);
  for (const i of order) {
    const p = periods[i] as { fromMs: number; toMs: number };
    let row = rowEnds.findIndex((end) => end <= p.fromMs);
    if (row < 0 && rowEnds.length < maxRows) row = rowEnds.length;
    if (row < 0) row = rowEnds.indexOf(Math.min(...rowEnds));
    rowEnds[row] = Math.max(rowEnds[row] ?? Number.NEGATIVE_INFINITY, p.toMs);
    rows[i] = row;
  }
  return rows;
}

// ---- keyboard ----------------------------------------------------------------------------------------------

/** A bar in a lane, as the keyboard moves between them. */
export interface LaneItem {
  readonly id: number;
  readonly start: number;
}

export type NavigationMove = 'previous' | 'next' | 'up' | 'down' | 'first' | 'last';

/**
 * The bar a key moves to: previous/next in time within the lane, first/last of the lane, or, up and
 * down, the bar of the nearest non-empty lane that starts nearest in time to the current one
 * (earlier on a tie). `lanes` are sorted by start. Null when there is nowhere to go.
 */
export function navigate(lanes: ReadonlyArray<readonly LaneItem[]>, currentId: number, move: NavigationMove): number | null {
  const laneIndex = lanes.findIndex((lane) => lane.some((item) => item.id === currentId));
  if (laneIndex < 0) return null;
  const lane = lanes[laneIndex] as readonly LaneItem[];
  const index = lane.findIndex((item) => item.id === currentId);
  const current = lane[index] as LaneItem;
  switch (move) {
    case 'previous':
      return lane[index - 1]?.id ?? null;
    case 'next':
      return lane[index + 1]?.id ?? null;
    case 'first':
      return lane[0]?.id ?? null;
    case 'last':
      return lane.at(-1)?.id ?? null;
    case 'up':
    case 'down': {
      const step = move === 'up' ? -1 : 1;
      for (let l = laneIndex + step; l >= 0 && l < lanes.length; l += step) {
        const target = lanes[l] as readonly LaneItem[];
        if (target.length === 0) continue;
        let best = target[0] as LaneItem;
        for (const item of target) {
          if (Math.abs(item.start - current.start) < Math.abs(best.start - current.start)) best = item;
        }
        return best.id;
      }
      return null;
    }
    default: {
      const never: never = move;
      throw new Error(`history view: unknown move ${String(never)}`);
    }
  }
}
