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
    /** items[slot]; items[0] is always empty. */
    private readonly items: (V | undefined)[],
    private count: number,
  ) {}

  static empty<V>(): SlotArray<V> {
    return new SlotArray<V>([], 0);
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
    return new SlotArray(this.items.slice(), this.count);
  }

  set(slot: number, value: V): this {
    if (!(Number.isInteger(slot) && slot >= 1 && slot <= SLOT_LIMIT)) throw new Error(`paxos: slot ${slot} is not in 1..${SLOT_LIMIT}`);
    if (value === undefined) throw new Error(`paxos: slot ${slot} set to undefined`);
    // Fill any gap with holes explicitly, so the array stays a packed-elements array for V8.
    while (this.items.length < slot) this.items.push(undefined);
    if (this.items[slot] === undefined) this.count++;
    this.items[slot] = value;
    return this;
  }

  get(slot: number): V | undefined {
    return this.items[slot];
  }

  has(slot: number): boolean {
    return this.items[slot] !== undefined;
  }

  get size(): number {
    return this.count;
  }

  /** The highest slot with a value, or 0 when there is none (entries are never deleted, so it is the last one). */
  lastKey(): number {
    return this.count === 0 ? 0 : this.items.length - 1;
  }

  forEach(fn: (value: V, slot: number, map: ReadonlyMap<number, V>) => void): void {
    for (let slot = 1; slot < this.items.length; slot++) {
      const v = this.items[slot];
      if (v !== undefined) fn(v, slot, this);
    }
  }

  *entries(): MapIterator<[number, V]> {
    for (let slot = 1; slot < this.items.length; slot++) {
      const v = this.items[slot];
      if (v !== undefined) yield [slot, v];
    }
  }

  *keys(): MapIterator<number> {
    for (let slot = 1; slot < this.items.length; slot++) if (this.items[slot] !== undefined) yield slot;
  }

  *values(): MapIterator<V> {
    for (let slot = 1; slot < this.items.length; slot++) {
      const v = this.items[slot];
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
