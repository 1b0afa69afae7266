/**
 * A map from slot numbers (1, 2, 3, ...) to values, kept in an array indexed by slot. Paxos's
 * per-slot maps (an acceptor's accepted values, a learner's chosen ones) fill densely from slot 1 and
 * only grow, so an array holds them in a fraction of a Map's memory, answers "the highest slot" at
 * once, and copies with one slice: a restart late in a long run copies the disk's accepted values
 * (every slot ever accepted), and a Map copy of 180,000 entries cost about 10 ms per restart, an
 * array slice a small fraction of that. It reads as a ReadonlyMap (ascending slot order), so views and
 * tests use it like one. Entries are never deleted: neither map ever forgets a slot.
 */

/** Slots past this are refused: a slot number this high is a bug, and would turn the array sparse. */
export const SLOT_LIMIT = 50_000_000;

export class SlotArray<V> implements ReadonlyMap<number, V> {
  private constructor(
    /** items[i] is slot base + i. */
    private items: (V | undefined)[],
    /**
     * The slot of items[0]: the first slot ever set, lowered (with slack) when a lower one is set.
     * A node that restarts from a snapshot late in a run learns slot 150,000 first; indexing from slot
     * 1 filled 150,000 holes at every restart (a few percent of an hour-long Multi-Paxos run).
     */
    private base: number,
    private count: number,
  ) {}

  static empty<V>(): SlotArray<V> {
    return new SlotArray<V>([], 1, 0);
  }

  /** A SlotArray holding the same entries as `map` (itself copied when it is one). */
  static from<V>(map: ReadonlyMap<number, V>): SlotArray<V> {
    if (map instanceof SlotArray) return (map as SlotArray<V>).clone();
    const out = SlotArray.empty<V>();
    for (const [slot, value] of map) out.set(slot, value);
    return out;
  }

  /** An independent copy (the values themselves are shared: they are immutable). */
  clone(): SlotArray<V> {
    return new SlotArray(this.items.slice(), this.base, this.count);
  }

  set(slot: number, value: V): this {
    if (!(Number.isInteger(slot) && slot >= 1 && slot <= SLOT_LIMIT)) throw new Error(`paxos: slot ${slot} is not in 1..${SLOT_LIMIT}`);
    if (value === undefined) throw new Error(`paxos: slot ${slot} set to undefined`);
    if (this.items.length === 0) this.base = slot;
    else if (slot < this.base) this.growDownTo(slot);
    const index = slot - this.base;
    // Fill any gap with holes explicitly, so the array stays a packed-elements array for V8.
    while (this.items.length < index) this.items.push(undefined);
    if (this.items[index] === undefined) this.count++;
    this.items[index] = value;
    return this;
  }

  /**
   * Moves base down to `slot` or further: by at least the array's length (down to slot 1), so that
   * filling slots downwards one at a time costs amortized constant time per slot.
   */
  private growDownTo(slot: number): void {
    const newBase = Math.max(1, Math.min(slot, this.base - this.items.length));
    const grown: (V | undefined)[] = [];
    for (let i = newBase; i < this.base; i++) grown.push(undefined);
    for (let i = 0; i < this.items.length; i++) grown.push(this.items[i]);
    this.items = grown;
    this.base = newBase;
  }

  get(slot: number): V | undefined {
    const index = slot - this.base;
    return index >= 0 ? this.items[index] : undefined;
  }

  has(slot: number): boolean {
    return this.get(slot) !== undefined;
  }

  get size(): number {
    return this.count;
  }

  /** The highest slot with a value, or 0 when there is none (entries are never deleted, so it is the last one). */
  lastKey(): number {
    return this.count === 0 ? 0 : this.base + this.items.length - 1;
  }

  /** The largest `score(value)` over the entries, or `floor` when it is larger (an indexed loop, no iterator). */
  maxOf(score: (value: V) => number, floor: number): number {
    let max = floor;
    for (let i = 0; i < this.items.length; i++) {
      const v = this.items[i];
      if (v !== undefined) {
        const x = score(v);
        if (x > max) max = x;
      }
    }
    return max;
  }

  forEach(fn: (value: V, slot: number, map: ReadonlyMap<number, V>) => void): void {
    for (let i = 0; i < this.items.length; i++) {
      const v = this.items[i];
      if (v !== undefined) fn(v, this.base + i, this);
    }
  }

  *entries(): MapIterator<[number, V]> {
    for (let i = 0; i < this.items.length; i++) {
      const v = this.items[i];
      if (v !== undefined) yield [this.base + i, v];
    }
  }

  *keys(): MapIterator<number> {
    for (let i = 0; i < this.items.length; i++) if (this.items[i] !== undefined) yield this.base + i;
  }

  *values(): MapIterator<V> {
    for (let i = 0; i < this.items.length; i++) {
      const v = this.items[i];
      if (v !== undefined) yield v;
    }
  }

  [Symbol.iterator](): MapIterator<[number, V]> {
    return this.entries();
  }
}

/** The highest slot in a slot map: at once for a SlotArray, by a scan for any other map (tests build Maps). */
export function highestSlot(map: ReadonlyMap<number, unknown>): number {
  if (map instanceof SlotArray) return map.lastKey();
  let last = 0;
  for (const slot of map.keys()) if (slot > last) last = slot;
  return last;
}
