import type { TimerId } from './clock';
/**
 * A node's disk. A write is durable only once its fsync completes, fsyncMs after the previous one
 * finished (writes are serialised, as on one log device). A crash loses every write not yet durable.
 * Messages a node sends while writes are pending wait for them (persist before reply, Raft Figure 2).
 */
export interface PendingWrite<W> {
  readonly write: W;
  readonly durableAtMs: number;
  /**
   * Messages released when this write (and all before it) is durable, as flat pairs: destination,
   * message, destination, message... (a pair of slots rather than a closure per held message: most of a
   * run's messages wait for a write).
   */
  readonly held: unknown[];
  /** The clock timer that completes the fsync (cancelled on a crash). */
  timer: TimerId | null;
  /** Told when the write is durable, with the write (the writer's acknowledgement, as etcd's MsgStorageAppendResp). */
  onDurable: ((write: W) => void) | null;
}

/** Bound on queued writes per disk: a protocol that outruns its disk this far has a bug. */
export const DISK_QUEUE_LIMIT = 100_000;

export class Disk<W> {
  readonly pending: PendingWrite<W>[] = [];
  private lastDurableAtMs = 0;
  /** A slow-node fault: fsyncs issued from now on take this many times as long (1 = healthy). */
  slowFactor = 1;

  constructor(readonly fsyncMs: number) {}

  /** Queues a write; returns the time it will be durable. */
  enqueue(write: W, nowMs: number): PendingWrite<W> {
    if (this.pending.length >= DISK_QUEUE_LIMIT) throw new Error('disk: write queue limit exceeded');
    const fsyncMs = this.slowFactor === 1 ? this.fsyncMs : Math.round(this.fsyncMs * this.slowFactor);
    const durableAtMs = Math.max(nowMs, this.lastDurableAtMs) + fsyncMs;
    this.lastDurableAtMs = durableAtMs;
    const entry: PendingWrite<W> = { write, durableAtMs, held: [], timer: null, onDurable: null };
    this.pending.push(entry);
    return entry;
  }

  /** The last pending write, to which new sends are attached; undefined when all is durable. */
  lastPending(): PendingWrite<W> | undefined {
    return this.pending[this.pending.length - 1];
  }

  /** Completes the oldest pending write. */
  completeOldest(): PendingWrite<W> {
    const entry = this.pending.shift();
    if (entry === undefined) throw new Error('disk: no pending write to complete');
    return entry;
  }

  /**
   * A process crash: writes the process handed to the OS are not lost (the page cache survives the
   * process and the OS flushes it), so every pending write is returned to be applied now; only the
   * process's own waiting (held messages, acknowledgements) dies with it.
   */
  flushOnProcessCrash(nowMs: number): PendingWrite<W>[] {
    const flushed = this.pending.splice(0, this.pending.length);
    this.lastDurableAtMs = nowMs;
    return flushed;
  }

  /** A power loss: everything not yet durable is lost, with the messages waiting on it. */
  powerLoss(nowMs: number): PendingWrite<W>[] {
    const lost = this.pending.splice(0, this.pending.length);
    this.lastDurableAtMs = nowMs;
    return lost;
  }
}
