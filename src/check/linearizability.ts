/**
 * Linearizability checking: is there a total order of the operations, consistent with real time
 * (an operation that completed before another was invoked comes first), in which every operation's
 * output is what a single copy of the object would have returned? (Herlihy and Wing, 1990.)
 *
 * The search is Wing and Gong's, with Lowe's improvements ("Testing for linearizability", 2017), as
 * Porcupine does it: the history is a doubly linked list of call and return entries in time order;
 * the candidates at each point are the calls before the first return entry; the search linearizes one
 * the model accepts in the current state by lifting its call and return out of the list, and
 * backtracks when none is left (the first return's operation had to be linearized already). A cache of (set of linearized operations, model state) prunes every
 * configuration already explored. Keys of a key-value history are independent, so each key is checked
 * on its own (P-compositionality, Horn and Kroening 2015), which is what makes large histories cheap.
 *
 * Operations of unknown outcome return at infinity: they may be linearized anywhere after their
 * invocation; linearizing one after everything else is the same as it never having happened.
 *
 * The search is bounded: past `maxSteps` steps, `maxCacheEntries` cached configurations, or when
 * `shouldStop` says so, the answer is 'unknown', never a guess.
 */
import type { History, HistoryModel, HistoryOperation, LinearizabilityResult, PartitionResult, Verdict } from './history';

export interface CheckOptions {
  /** Check each kv key on its own (default true). */
  partition?: boolean;
  /** Check every key even after one is found not linearizable (default false: stop there). */
  checkAll?: boolean;
  /** Search steps per partition before answering 'unknown' (default 50 million). */
  maxSteps?: number;
  /** Cached configurations per partition before answering 'unknown' (default 4 million). */
  maxCacheEntries?: number;
  /** Bytes the cache may hold per partition before answering 'unknown' (default 256 MiB). */
  maxCacheBytes?: number;
  /** Polled every few thousand steps; true stops the search with 'unknown' (a wall-clock budget). */
  shouldStop?: () => boolean;
  /** Wall clock for the `ms` field; the checker itself never reads time (src/check is deterministic). */
  clockMs?: () => number;
}

const DEFAULT_MAX_STEPS = 50_000_000;
const DEFAULT_MAX_CACHE = 4_000_000;
const DEFAULT_MAX_CACHE_BYTES = 256 * 1024 * 1024;
/** Rough bytes of one cache entry besides its bitset (object, array slot, typed-array header). */
const CACHE_ENTRY_OVERHEAD_BYTES = 96;
const STOP_POLL_STEPS = 4096;

// ---- models ----------------------------------------------------------------------------------------

/** Interns values as small integers, so states compare and hash as numbers. */
class ValueTable {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [];
  /** Id 0 is "no value" (nil). */
  constructor() {
    this.values.push('\u0000nil');
  }
  id(value: string | null): number {
    if (value === null) return 0;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
  value(id: number): string | null {
    return id === 0 ? null : this.values[id]!;
  }
}

/**
 * A model over states encoded as one integer (a register's value, or one key's value). `step` returns
 * the next state, or -1 when the operation cannot take effect in `state` with the output it had.
 */
interface Model {
  readonly init: number;
  step(state: number, op: number): number;
}

/** One object's model (a register, or one key): its states decode to the value they stand for. */
interface KeyModel extends Model {
  /** The value `state` stands for (null = nil, a register never written). */
  valueOf(state: number): string | null;
}

/** A single register: read / write / cas (the Jepsen etcd model). Values are interned ids; 0 = nil. */
function registerModel(ops: readonly HistoryOperation[], values: ValueTable): KeyModel {
  const kind = new Uint8Array(ops.length);
  const arg = new Int32Array(ops.length);
  const expected = new Int32Array(ops.length);
  const output = new Int32Array(ops.length);
  ops.forEach((op, i) => {
    // kinds: 0 read ok, 1 read unknown, 2 write, 3 cas ok, 4 cas fail, 5 cas unknown, 6 no effect
    if (op.f === 'read') kind[i] = op.outcome === 'ok' ? 0 : op.outcome === 'info' ? 1 : 6;
    else if (op.f === 'write') kind[i] = op.outcome === 'fail' ? 6 : 2;
    else if (op.f === 'cas') kind[i] = op.outcome === 'ok' ? 3 : op.outcome === 'fail' ? 4 : 5;
    else throw new Error(`linearizability: register model cannot check ${op.f} (operation ${op.id})`);
    arg[i] = values.id(op.value);
    expected[i] = values.id(op.expected);
    output[i] = values.id(op.output);
  });
  return {
    init: 0,
    valueOf: (state) => values.value(state),
    step(state, i) {
      switch (kind[i]) {
        case 0:
          return state === output[i] ? state : -1;
        case 1:
        case 6:
          return state;
        case 2:
          return arg[i]!;
        case 3:
          return state === expected[i] ? arg[i]! : -1;
        case 4:
          return state !== expected[i] ? state : -1;
        default:
          // Unknown outcome: if the comparison held it swapped; if not, it failed and changed nothing.
          return state === expected[i] ? arg[i]! : state;
      }
    },
  };
}

/** One key of a key-value store: get / put / append (Porcupine's kv model; the initial value is ""). */
function kvKeyModel(ops: readonly HistoryOperation[]): KeyModel {
  const kind = new Uint8Array(ops.length);
  // A value is a node: a literal string (the empty initial value, or what a put wrote), or an append
  // of an argument to another node. Appends are hash-consed as (node, argument) pairs, so a step costs
  // a Map lookup on two integers instead of building and interning an ever longer string; the string
  // itself is built (once per node) only when a get compares against it. Two nodes that happen to
  // spell the same string are different states to the cache, which only costs pruning, never answers.
  const literalIds = new Map<string, number>();
  const nodeString: Array<string | undefined> = [];
  const nodePrev: number[] = [];
  const nodeArg: number[] = [];
  const pairIds = new Map<number, number>();
  const args: string[] = [];
  const argIds = new Map<string, number>();
  const argOf = new Int32Array(ops.length);
  const literalOf = new Int32Array(ops.length);
  const outputs: string[] = [];
  const literal = (value: string): number => {
    let id = literalIds.get(value);
    if (id === undefined) {
      id = nodeString.length;
      nodeString.push(value);
      nodePrev.push(-1);
      nodeArg.push(-1);
      literalIds.set(value, id);
    }
    return id;
  };
  const empty = literal('');
  ops.forEach((op, i) => {
    // kinds: 0 get ok, 1 no constraint (get unknown, or a fail), 2 put, 3 append
    if (op.f === 'get') kind[i] = op.outcome === 'ok' ? 0 : 1;
    else if (op.f === 'put') kind[i] = op.outcome === 'fail' ? 1 : 2;
    else if (op.f === 'append') kind[i] = op.outcome === 'fail' ? 1 : 3;
    else throw new Error(`linearizability: kv model cannot check ${op.f} (operation ${op.id})`);
    outputs.push(op.output ?? '');
    if (kind[i] === 2) literalOf[i] = literal(op.value ?? '');
    if (kind[i] === 3) {
      const v = op.value ?? '';
      let a = argIds.get(v);
      if (a === undefined) {
        a = args.length;
        args.push(v);
        argIds.set(v, a);
      }
      argOf[i] = a;
    }
  });
  const stringOf = (node: number): string => {
    const known = nodeString[node];
    if (known !== undefined) return known;
    // Walk back to the nearest node whose string is known, then build forward (no recursion).
    const chain: number[] = [];
    let n = node;
    while (nodeString[n] === undefined) {
      chain.push(n);
      n = nodePrev[n]!;
    }
    let value = nodeString[n]!;
    for (let k = chain.length - 1; k >= 0; k--) {
      value += args[nodeArg[chain[k]!]!]!;
      nodeString[chain[k]!] = value;
    }
    return value;
  };
  return {
    init: empty,
    valueOf: stringOf,
    step(state, i) {
      switch (kind[i]) {
        case 0:
          return stringOf(state) === outputs[i] ? state : -1;
        case 1:
          return state;
        case 2:
          return literalOf[i]!;
        default: {
          const key = state * (args.length + 1) + argOf[i]!;
          let next = pairIds.get(key);
          if (next === undefined) {
            next = nodeString.length;
            nodeString.push(undefined);
            nodePrev.push(state);
            nodeArg.push(argOf[i]!);
            pairIds.set(key, next);
          }
          return next;
        }
      }
    },
  };
}

/**
 * Several keys checked together (the unsplit search): the state is one value id per key, kept in a
 * table of tuples so that a state is still one integer. `perKey` is the one-key model.
 */
function multiKeyModel(ops: readonly HistoryOperation[], perKey: Model): Model {
  const keys = [...new Set(ops.map((o) => o.key ?? ''))].sort();
  const keyIndex = new Map(keys.map((k, i) => [k, i]));
  const slot = ops.map((o) => keyIndex.get(o.key ?? '')!);
  const tuples: Int32Array[] = [];
  const tupleIds = new Map<string, number>();
  const internTuple = (t: Int32Array): number => {
    const k = t.join(',');
    let id = tupleIds.get(k);
    if (id === undefined) {
      id = tuples.length;
      tuples.push(t);
      tupleIds.set(k, id);
    }
    return id;
  };
  const init = internTuple(new Int32Array(keys.length).fill(perKey.init));
  return {
    init,
    step(state, i) {
      const tuple = tuples[state]!;
      const s = slot[i]!;
      const next = perKey.step(tuple[s]!, i);
      if (next < 0) return -1;
      if (next === tuple[s]) return state;
      const copy = tuple.slice();
      copy[s] = next;
      return internTuple(copy);
    },
  };
}

// ---- the search ------------------------------------------------------------------------------------

interface Entry {
  /** Index of the operation within the partition. */
  readonly op: number;
  readonly isCall: boolean;
  /** For a call: its return entry. */
  match: Entry | null;
  prev: Entry | null;
  next: Entry | null;
}

/** A 32-bit mix (murmur3's finalizer). */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Builds the entry list: calls and returns in time order; unknown outcomes return after everything. */
function buildEntries(ops: readonly HistoryOperation[]): Entry {
  type Event = { time: number; order: number; entry: Entry };
  const events: Event[] = [];
  ops.forEach((op, i) => {
    const call: Entry = { op: i, isCall: true, match: null, prev: null, next: null };
    const ret: Entry = { op: i, isCall: false, match: null, prev: null, next: null };
    call.match = ret;
    if (op.completeAt !== null && op.completeAt < op.invokeAt) {
      throw new Error(`linearizability: operation ${op.id} completes (${op.completeAt}) before it is invoked (${op.invokeAt})`);
    }
    // Ties: a call before a return at the same time (treated as concurrent, the lenient reading).
    events.push({ time: op.invokeAt, order: 0, entry: call });
    events.push({ time: op.completeAt ?? Number.POSITIVE_INFINITY, order: 1, entry: ret });
  });
  events.sort((a, b) => a.time - b.time || a.order - b.order || a.entry.op - b.entry.op);
  const head: Entry = { op: -1, isCall: false, match: null, prev: null, next: null };
  let last = head;
  for (const e of events) {
    e.entry.prev = last;
    last.next = e.entry;
    last = e.entry;
  }
  return head;
}

function lift(call: Entry): void {
  call.prev!.next = call.next;
  if (call.next !== null) call.next.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next !== null) ret.next.prev = ret.prev;
}

function unlift(call: Entry): void {
  const ret = call.match!;
  ret.prev!.next = ret;
  if (ret.next !== null) ret.next.prev = ret;
  call.prev!.next = call;
  if (call.next !== null) call.next.prev = call;
}

/** Checks one independent part of a history with `model`. */
function searchPartition(key: string | null, ops: readonly HistoryOperation[], model: Model, options: CheckOptions): PartitionResult {
  const n = ops.length;
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  // A cached configuration holds a bitset of every operation: on a history of many concurrent
  // operations the cache fills memory long before the entry count does, so bytes bound it too.
  const entryBytes = 4 * ((n + 31) >>> 5) + CACHE_ENTRY_OVERHEAD_BYTES;
  const maxCache = Math.min(options.maxCacheEntries ?? DEFAULT_MAX_CACHE, Math.floor((options.maxCacheBytes ?? DEFAULT_MAX_CACHE_BYTES) / entryBytes));
  const result = (verdict: Verdict, steps: number, extra: Partial<PartitionResult> = {}): PartitionResult => ({
    key, verdict, operations: n, linearization: [], placedCount: 0, longestPrefix: [], blocking: [], steps, ...extra,
  });
  if (n === 0) return result(true, 0);

  const head = buildEntries(ops);
  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(words);
  // Operations of unknown outcome never have to be linearized: left pending, one can always go last,
  // which is the same as never having happened. So the search succeeds once every operation with a
  // known outcome is linearized, and a configuration with the same known operations linearized and
  // the same state as one already explored, but with only MORE unknown ones linearized, is no better
  // and is pruned (subsumption). This stops the 2^k blow-up of k timed-out writes.
  const unknownMask = new Uint32Array(words);
  let knownLeft = 0;
  ops.forEach((o, i) => {
    if (o.completeAt === null) unknownMask[i >>> 5]! |= 1 << (i & 31);
    else knownLeft++;
  });
  // Zobrist hashing of the known operations linearized: one random word per operation, XORed in and out.
  const zobrist = new Uint32Array(n);
  for (let i = 0; i < n; i++) zobrist[i] = ops[i]!.completeAt === null ? 0 : mix32(i + 0x9e3779b9);
  let setHash = 0;
  const cache = new Map<number, Array<{ bits: Uint32Array; state: number }>>();
  let cacheSize = 0;

  // Return time of each operation (Infinity for unknown outcomes). Candidates are tried in invocation
  // order, those of unknown outcome last (they may go anywhere after their invocation, and deferring
  // them is nearly always what works). Any order is complete: every candidate is tried before
  // backtracking.
  const returnAt = new Float64Array(n);
  ops.forEach((o, i) => {
    returnAt[i] = o.completeAt ?? Number.POSITIVE_INFINITY;
  });
  interface Frame {
    readonly candidates: Entry[];
    index: number;
    readonly state: number;
    /** The candidate lifted from this frame (null until one is). */
    chosen: Entry | null;
  }
  const candidatesNow = (): Entry[] => {
    const c: Entry[] = [];
    // Known outcomes in invocation order, then unknown ones (no sort: a node of a 50-client history
    // has about 50 candidates, and sorting them at every node cost more than it saved).
    for (let e = head.next; e !== null && e.isCall; e = e.next) if (returnAt[e.op] !== Number.POSITIVE_INFINITY) c.push(e);
    for (let e = head.next; e !== null && e.isCall; e = e.next) if (returnAt[e.op] === Number.POSITIVE_INFINITY) c.push(e);
    return c;
  };
  const frames: Frame[] = [{ candidates: candidatesNow(), index: 0, state: model.init, chosen: null }];
  let steps = 0;
  let deepest = -1;
  let longestPrefix: number[] = [];
  let blocking: number[] = [];
  const chosenPath = (): number[] => frames.slice(0, -1).map((f) => ops[f.chosen!.op]!.id);

  const cached = (s: number): boolean => {
    const h = (setHash ^ mix32(s + 0x7f4a7c15)) >>> 0;
    const bucket = cache.get(h);
    if (bucket !== undefined) {
      outer: for (const c of bucket) {
        if (c.state !== s) continue;
        for (let w = 0; w < words; w++) {
          const known = ~unknownMask[w]!;
          if ((c.bits[w]! & known) !== (bits[w]! & known)) continue outer;
          // Subsumed only if everything the explored one had linearized, this one has too.
          if ((c.bits[w]! & unknownMask[w]! & ~bits[w]!) !== 0) continue outer;
        }
        return true;
      }
    }
    const item = { bits: bits.slice(), state: s };
    if (bucket === undefined) cache.set(h, [item]);
    else bucket.push(item);
    cacheSize++;
    return false;
  };

  while (knownLeft > 0) {
    if (++steps > maxSteps || cacheSize > maxCache) return result('unknown', steps);
    if (steps % STOP_POLL_STEPS === 0 && options.shouldStop?.() === true) return result('unknown', steps);
    const frame = frames[frames.length - 1]!;
    if (frame.index < frame.candidates.length) {
      const entry = frame.candidates[frame.index++]!;
      const next = model.step(frame.state, entry.op);
      if (next < 0) continue;
      const op = entry.op;
      bits[op >>> 5]! |= 1 << (op & 31);
      setHash ^= zobrist[op]!;
      if (cached(next)) {
        bits[op >>> 5]! &= ~(1 << (op & 31));
        setHash ^= zobrist[op]!;
        continue;
      }
      frame.chosen = entry;
      lift(entry);
      if (ops[op]!.completeAt !== null) knownLeft--;
      frames.push({ candidates: candidatesNow(), index: 0, state: next, chosen: null });
      continue;
    }
    // Every candidate tried: the first return entry's operation cannot be linearized here. Record
    // how far we got, and backtrack.
    if (frames.length - 1 > deepest) {
      deepest = frames.length - 1;
      longestPrefix = chosenPath();
      blocking = frame.candidates.map((e) => ops[e.op]!.id);
      let stuck: Entry | null = head.next;
      while (stuck !== null && stuck.isCall) stuck = stuck.next;
      if (stuck !== null) blocking.push(ops[stuck.op]!.id);
    }
    frames.pop();
    if (frames.length === 0) return result(false, steps, { longestPrefix, blocking });
    const parent = frames[frames.length - 1]!;
    const undone = parent.chosen!;
    parent.chosen = null;
    bits[undone.op >>> 5]! &= ~(1 << (undone.op & 31));
    setHash ^= zobrist[undone.op]!;
    unlift(undone);
    if (ops[undone.op]!.completeAt !== null) knownLeft++;
  }
  // The unknown operations still pending go last (or never happened): list them after the rest.
  const pendingUnknown: number[] = [];
  for (let e = head.next; e !== null; e = e.next) if (e.isCall) pendingUnknown.push(ops[e.op]!.id);
  const placed = chosenPath();
  return result(true, steps, { linearization: [...placed, ...pendingUnknown], placedCount: placed.length });

}

function modelFor(model: HistoryModel, ops: readonly HistoryOperation[], values: ValueTable): Model {
  const perKey = model === 'register' ? registerModel(ops, values) : kvKeyModel(ops);
  return new Set(ops.map((o) => o.key)).size <= 1 ? perKey : multiKeyModel(ops, perKey);
}

/** An operation's key before and after it takes effect (null = nil, a register never written). */
export interface StateChange {
  readonly before: string | null;
  readonly after: string | null;
}

/**
 * Replays `order` (operations taking effect one after another, as in an order the checker found:
 * a linearization or a longest prefix) through the checker's own models, each key from its initial
 * value (register: nil; kv: ""), and returns, per operation, its key's value before and after it.
 * Reusing the search's `step` means the states shown are the ones the search went through.
 * Throws when the model rejects an operation at its place: then `order` is not an order the checker
 * found for these operations (a precondition, not an answer).
 */
export function statesAlong(model: HistoryModel, order: readonly HistoryOperation[]): StateChange[] {
  const byKey = new Map<string | null, number[]>();
  order.forEach((op, i) => {
    let places = byKey.get(op.key);
    if (places === undefined) byKey.set(op.key, (places = []));
    places.push(i);
  });
  const changes = new Array<StateChange>(order.length);
  for (const places of byKey.values()) {
    const ops = places.map((i) => order[i]!);
    const keyModel = model === 'register' ? registerModel(ops, new ValueTable()) : kvKeyModel(ops);
    let state = keyModel.init;
    ops.forEach((op, k) => {
      const next = keyModel.step(state, k);
      if (next < 0) {
        throw new Error(`linearizability: operation ${op.id} (${op.f}) cannot take effect at place ${places[k]! + 1} of the order given`);
      }
      changes[places[k]!] = { before: keyModel.valueOf(state), after: keyModel.valueOf(next) };
      state = next;
    });
  }
  return changes;
}

/**
 * Checks a history. Keys are independent objects (a kv store, or a register per key as in our Raft
 * runs), so each key is checked on its own unless `partition` is false.
 */
export function checkLinearizability(history: History, options: CheckOptions = {}): LinearizabilityResult {
  const started = options.clockMs?.() ?? 0;
  const values = new ValueTable();
  const groups = new Map<string | null, HistoryOperation[]>();
  const split = options.partition !== false;
  for (const op of history.operations) {
    // A read of unknown outcome constrains nothing and changes nothing: it is left out of the search.
    if (op.outcome === 'info' && (op.f === 'read' || op.f === 'get')) continue;
    const key = split ? op.key : null;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = []));
    g.push(op);
  }
  const partitions: PartitionResult[] = [];
  // Smaller parts first, and none after the first that is not linearizable: the verdict is then
  // known, and the rest are reported as not checked (unknown). Porcupine stops the same way.
  const keys = [...groups.keys()].sort((a, b) => groups.get(a)!.length - groups.get(b)!.length || String(a).localeCompare(String(b)));
  let failed = false;
  for (const key of keys) {
    const ops = groups.get(key)!;
    if (failed && options.checkAll !== true) {
      partitions.push({ key, verdict: 'unknown', operations: ops.length, linearization: [], placedCount: 0, longestPrefix: [], blocking: [], steps: 0 });
      continue;
    }
    const r = searchPartition(key, ops, modelFor(history.model, ops, values), options);
    partitions.push(r);
    if (r.verdict === false) failed = true;
  }
  partitions.sort((a, b) => String(a.key).localeCompare(String(b.key)));
  const verdict: Verdict = partitions.some((p) => p.verdict === false)
    ? false
    : partitions.some((p) => p.verdict === 'unknown')
      ? 'unknown'
      : true;
  return { verdict, partitions, operations: history.operations.length, ms: (options.clockMs?.() ?? 0) - started };
}
