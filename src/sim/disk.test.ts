import { describe, expect, it } from 'vitest';
import { Disk } from './disk';

describe('Disk', () => {
  it('a write is durable fsyncMs after it is queued when the disk is idle', () => {
    const disk = new Disk<string>(5);
    expect(disk.enqueue('a', 100).durableAtMs).toBe(105);
  });

  it('writes are serialised: each waits for the previous fsync', () => {
    const disk = new Disk<string>(5);
    expect(disk.enqueue('a', 100).durableAtMs).toBe(105);
    expect(disk.enqueue('b', 100).durableAtMs).toBe(110);
    expect(disk.enqueue('c', 103).durableAtMs).toBe(115);
    // After the queue has drained in time, a new write starts from now again.
    expect(disk.enqueue('d', 200).durableAtMs).toBe(205);
  });

  it('lastPending is the newest pending write, undefined when all is durable', () => {
    const disk = new Disk<string>(1);
    expect(disk.lastPending()).toBeUndefined();
    disk.enqueue('a', 0);
    const b = disk.enqueue('b', 0);
    expect(disk.lastPending()).toBe(b);
    expect(disk.completeOldest().write).toBe('a');
    expect(disk.completeOldest().write).toBe('b');
    expect(disk.lastPending()).toBeUndefined();
    expect(() => disk.completeOldest()).toThrow(/no pending/);
  });

  it('a power loss loses every pending write and restarts the fsync schedule from the crash time', () => {
    const disk = new Disk<string>(10);
    disk.enqueue('a', 0);
    disk.enqueue('b', 0);
    disk.enqueue('c', 0); // would be durable at 30
    const lost = disk.powerLoss(12);
    expect(lost.map((w) => w.write)).toEqual(['a', 'b', 'c']);
    expect(disk.pending).toEqual([]);
    expect(disk.enqueue('d', 12).durableAtMs).toBe(22);
  });

  it('fsyncMs 0 makes a write durable at the time it is queued', () => {
    const disk = new Disk<string>(0);
    expect(disk.enqueue('a', 7).durableAtMs).toBe(7);
    expect(disk.enqueue('b', 7).durableAtMs).toBe(7);
  });

  it('a process crash hands back every pending write to be kept (the OS has them), and empties the queue', () => {
    const disk = new Disk<string>(10);
    disk.enqueue('a', 0);
    disk.enqueue('b', 0);
    expect(disk.flushOnProcessCrash(5).map((w) => w.write)).toEqual(['a', 'b']);
    expect(disk.pending).toEqual([]);
    expect(disk.enqueue('c', 5).durableAtMs).toBe(15);
  });

  it('a slow disk takes slowFactor times fsyncMs per write, from the next write on', () => {
    const disk = new Disk<string>(4);
    expect(disk.enqueue('a', 0).durableAtMs).toBe(4);
    disk.slowFactor = 10;
    expect(disk.enqueue('b', 0).durableAtMs).toBe(44);
    disk.slowFactor = 2.5;
    expect(disk.enqueue('c', 100).durableAtMs).toBe(110);
    disk.slowFactor = 1;
    expect(disk.enqueue('d', 200).durableAtMs).toBe(204);
  });
});
