/**
 * The virtual clock: the one source of time in a run.
 *
 * Integer milliseconds. Timers fire in (deadline, sequence number) order, so two timers due at the
 * same millisecond fire in the order they were set, on every machine. It implements XState's clock
 * interface (`setTimeout`, `clearTimeout`) and is passed to every node actor. xstate's own
 * SimulatedClock fires all due timers at the end time without breaking ties, so it is not used.
 */
/**
 * A scheduled timer, as its caller holds it: opaque, good only for `cancel`. It is the clock's own
 * entry (a handle needs no lookup table: a map from ids to entries was set and deleted for every
 * message and timer of a run).
 */
export interface TimerId {
  readonly __timerId: never;
}

const PENDING = 0;
const FIRED = 1;
const CANCELLED = 2;

interface TimerEntry {
  deadlineMs: number;
  /** Order of creation. */
  seq: number;
  /** Order among timers due at the same millisecond: seq, or below every seq for `scheduleFirst`. */
  rank: number;
  /** Called with `arg` when the timer fires (`scheduleCall`); `schedule`'s closures ignore it. */
  fn: (arg: unknown) => void;
  arg: unknown;
  state: typeof PENDING | typeof FIRED | typeof CANCELLED;
}

/** Hard bound on pending timers: a run that needs more has a bug (a timer leak), not a big cluster. */
export const TIMER_LIMIT = 1_000_000;
/** Ranks of `scheduleFirst` timers sit this far below every ordinary sequence number. */
const FIRST_RANK_OFFSET = 2 ** 51;

export class VirtualClock {
  private now = 0;
  private nextSeq = 1;
  /** Binary min-heap ordered by (deadlineMs, rank). Cancelled entries stay until they reach the top. */
  private heap: TimerEntry[] = [];
  /** Timers pending (set, neither fired nor cancelled). */
  private live = 0;

  get nowMs(): number {
    return this.now;
  }

  /** Number of timers still pending (not cancelled). */
  get pending(): number {
    return this.live;
  }

  /** Runs `fn` after `delayMs` of virtual time; returns a handle for `cancel`. */
  schedule(fn: () => void, delayMs: number): TimerId {
    return this.scheduleCall(fn, undefined, delayMs);
  }

  /**
   * Runs `fn(arg)` after `delayMs`, exactly as `schedule(() => fn(arg), delayMs)` would, without a
   * closure per timer: the kernel schedules one for every message and every disk write, and `fn` is
   * made once (a bound method).
   */
  scheduleCall<T>(fn: (arg: T) => void, arg: T, delayMs: number): TimerId {
    // XState may pass fractional or non-finite delays from user configuration; the clock is integral.
    if (!Number.isFinite(delayMs)) throw new Error(`clock: delay must be finite, got ${delayMs}`);
    const delay = Math.max(0, Math.round(delayMs));
    if (this.live >= TIMER_LIMIT) throw new Error(`clock: more than ${TIMER_LIMIT} pending timers`);
    const seq = this.nextSeq++;
    return this.add({ deadlineMs: this.now + delay, seq, rank: seq, fn: fn as (arg: unknown) => void, arg, state: PENDING });
  }

  /**
   * Runs `fn` at virtual time `atMs`, before every other timer due at that millisecond (in the order
   * such timers were set). This is how operator actions enter a run: an action at t happens at the
   * start of millisecond t whether it was in the scenario from the beginning or added live while the
   * run was paused at t - 1, so a recorded run replays identically.
   */
  scheduleFirst(fn: () => void, atMs: number): TimerId {
    if (!Number.isSafeInteger(atMs) || atMs < this.now) throw new Error(`clock: scheduleFirst at ${atMs} ms, now is ${this.now} ms`);
    if (this.live >= TIMER_LIMIT) throw new Error(`clock: more than ${TIMER_LIMIT} pending timers`);
    const seq = this.nextSeq++;
    return this.add({ deadlineMs: atMs, seq, rank: seq - FIRST_RANK_OFFSET, fn, arg: undefined, state: PENDING });
  }

  private add(entry: TimerEntry): TimerId {
    this.push(entry);
    this.live++;
    return entry as unknown as TimerId;
  }

  /** Cancels a scheduled timer; cancelling a fired, cancelled or unknown handle does nothing. */
  cancel(id: TimerId | null): void {
    const entry = id as unknown as TimerEntry | null | undefined;
    if (entry === null || typeof entry !== 'object' || entry.state !== PENDING) return;
    entry.state = CANCELLED;
    entry.arg = undefined;
    this.live--;
    // Lazy deletion: cancelled entries are skipped when they reach the top. Compact if they pile up.
    if (this.heap.length > 1024 && this.heap.length > 4 * this.live) this.compact();
  }

  /** Deadline of the next live timer, or null if none. */
  peekDeadlineMs(): number | null {
    this.dropCancelledTop();
    const top = this.heap[0];
    return top === undefined ? null : top.deadlineMs;
  }

  /**
   * Fires the next timer if its deadline is at or before `limitMs`; advances time to its deadline.
   * Returns false (and leaves time alone) when there is nothing due.
   */
  fireNext(limitMs: number = Number.POSITIVE_INFINITY): boolean {
    this.dropCancelledTop();
    const top = this.heap[0];
    if (top === undefined || top.deadlineMs > limitMs) return false;
    this.pop();
    top.state = FIRED;
    this.live--;
    if (top.deadlineMs < this.now) throw new Error('clock: time went backwards');
    this.now = top.deadlineMs;
    const { fn, arg } = top;
    top.arg = undefined; // a fired entry may be held as a handle: do not keep its message alive
    fn(arg);
    return true;
  }

  /** Moves time forward to `ms` without firing anything (only when nothing is due before it). */
  advanceTo(ms: number): void {
    const next = this.peekDeadlineMs();
    if (next !== null && next < ms) throw new Error('clock: cannot skip a due timer');
    if (ms > this.now) this.now = ms;
  }

  // XState's clock interface, by the names it expects (as properties, so the kernel's own code reads
  // `schedule`/`cancel` and never looks like a call to the global timers).
  readonly setTimeout = (fn: () => void, delayMs: number): TimerId => this.schedule(fn, delayMs);
  readonly clearTimeout = (id: TimerId | null): void => this.cancel(id);

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && this.heap[0]!.state === CANCELLED) this.pop();
  }

  private compact(): void {
    this.heap = this.heap.filter((e) => e.state !== CANCELLED);
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private static before(a: TimerEntry, b: TimerEntry): boolean {
    return a.deadlineMs < b.deadlineMs || (a.deadlineMs === b.deadlineMs && a.rank < b.rank);
  }

  // Sifting moves a hole rather than swapping pairs (a destructuring swap allocates an array), and
  // places the moving entry once at the end: the heap is touched on every step of every run.
  private push(entry: TimerEntry): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!VirtualClock.before(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    this.siftDown(0);
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const n = heap.length;
    const moving = heap[start]!;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let child = l;
      let c = heap[l]!;
      if (r < n && VirtualClock.before(heap[r]!, c)) {
        child = r;
        c = heap[r]!;
      }
      if (!VirtualClock.before(c, moving)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = moving;
  }
}
