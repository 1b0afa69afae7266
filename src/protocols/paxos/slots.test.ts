import { describe, expect, it } from 'vitest';
import { highestSlot, SLOT_LIMIT, SlotArray } from './slots';

describe('SlotArray', () => {
  it('reads like a Map of its slots, in ascending slot order, with gaps skipped', () => {
    const a = SlotArray.empty<string>();
    a.set(3, 'c').set(1, 'a').set(7, 'g');
    expect(a.size).toBe(3);
    expect(a.get(3)).toBe('c');
    expect(a.get(2)).toBeUndefined();
    expect(a.has(2)).toBe(false);
    expect(a.has(7)).toBe(true);
    expect([...a.keys()]).toEqual([1, 3, 7]);
    expect([...a.values()]).toEqual(['a', 'c', 'g']);
    expect([...a]).toEqual([[1, 'a'], [3, 'c'], [7, 'g']]);
    const seen: Array<[number, string]> = [];
    a.forEach((v, k) => seen.push([k, v]));
    expect(seen).toEqual([...a.entries()]);
    expect(new Map(a)).toEqual(new Map([[1, 'a'], [3, 'c'], [7, 'g']]));
    a.set(3, 'C');
    expect(a.size).toBe(3);
    expect(a.get(3)).toBe('C');
  });

  it('knows its highest slot at once; highestSlot scans other maps', () => {
    const a = SlotArray.empty<number>();
    expect(a.lastKey()).toBe(0);
    a.set(5, 50).set(2, 20);
    expect(a.lastKey()).toBe(5);
    expect(highestSlot(a)).toBe(5);
    expect(highestSlot(new Map([[9, 1], [4, 2]]))).toBe(9);
    expect(highestSlot(new Map())).toBe(0);
  });

  it('copies are independent (a restart gets its own copy of the disk)', () => {
    const disk = SlotArray.from(new Map([[1, 'a'], [2, 'b']]));
    const boot = disk.clone();
    boot.set(3, 'c');
    disk.set(1, 'A');
    expect([...disk]).toEqual([[1, 'A'], [2, 'b']]);
    expect([...boot]).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
    expect(SlotArray.from(disk)).not.toBe(disk);
    expect([...SlotArray.from(disk)]).toEqual([...disk]);
  });

  it('refuses slots that are not positive integers up to the limit, and undefined values', () => {
    const a = SlotArray.empty<string>();
    expect(() => a.set(0, 'x')).toThrow(/slot 0 is not in 1\.\./);
    expect(() => a.set(1.5, 'x')).toThrow(/slot 1.5/);
    expect(() => a.set(SLOT_LIMIT + 1, 'x')).toThrow(/not in 1\.\./);
    expect(() => a.set(1, undefined as unknown as string)).toThrow(/undefined/);
    expect(a.size).toBe(0);
  });

  it('starts at the first slot set: a high slot first, then lower ones, filled downwards or at random', () => {
    const a = SlotArray.empty<number>();
    a.set(150_000, 1);
    expect(a.lastKey()).toBe(150_000);
    expect(a.get(1)).toBeUndefined();
    expect(a.get(149_999)).toBeUndefined();
    expect(a.has(150_000)).toBe(true);
    for (let slot = 149_999; slot >= 149_000; slot--) a.set(slot, slot);
    a.set(3, 3);
    a.set(150_002, 2);
    expect(a.size).toBe(1003);
    expect(a.lastKey()).toBe(150_002);
    expect([...a.keys()].slice(0, 3)).toEqual([3, 149_000, 149_001]);
    expect([...a.keys()].slice(-3)).toEqual([149_999, 150_000, 150_002]);
    expect(a.get(150_001)).toBeUndefined();
    expect(a.get(2)).toBeUndefined();
    const seen: number[] = [];
    a.forEach((_v, slot) => seen.push(slot));
    expect(seen).toEqual([...a.keys()]);
    const copy = a.clone();
    copy.set(1, 9);
    expect(a.has(1)).toBe(false);
    expect([...copy.keys()].slice(0, 2)).toEqual([1, 3]);
    expect(copy.lastKey()).toBe(150_002);
  });

  it('fills downwards one slot at a time in linear time (the array grows down with slack)', () => {
    const a = SlotArray.empty<number>();
    const top = 200_000;
    for (let slot = top; slot >= 1; slot--) a.set(slot, slot);
    expect(a.size).toBe(top);
    expect([...a.values()].slice(0, 3)).toEqual([1, 2, 3]);
    expect(a.lastKey()).toBe(top);
  });

  it('maxOf scores every entry and keeps the floor when nothing beats it', () => {
    const a = SlotArray.empty<{ ballot: number }>();
    expect(a.maxOf((e) => e.ballot, 7)).toBe(7);
    a.set(9, { ballot: 3 }).set(4, { ballot: 12 }).set(20, { ballot: 5 });
    expect(a.maxOf((e) => e.ballot, 7)).toBe(12);
    expect(a.maxOf((e) => e.ballot, 40)).toBe(40);
  });
});
