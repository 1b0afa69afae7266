/**
 * A leader's per-follower indexes (Figure 2: nextIndex[], matchIndex[]) as an immutable map over a
 * fixed list of peers. Handlers replace one follower's value on nearly every AppendEntries response;
 * copying a Map for that cost about 0.4 us and a few hundred bytes of garbage each time, copying a
 * five-element array a tenth of it. It reads as a ReadonlyMap, so views and tests use it like one.
 */
import type { NodeId } from '../../sim/types';

export class PeerIndexes implements ReadonlyMap<NodeId, number> {
  private constructor(
    private readonly peers: readonly NodeId[],
    private readonly indexes: readonly number[],
  ) {}

  /** No peers: what a follower or candidate holds. */
  static readonly EMPTY = new PeerIndexes([], []);

  /** Every peer with `initial(peer)`, in the given order (the membership order). */
  static of(peers: readonly NodeId[], initial: (peer: NodeId) => number): PeerIndexes {
    return new PeerIndexes(peers, peers.map(initial));
  }

  /** A copy with `peer`'s value replaced; `peer` must be one of the peers. */
  with(peer: NodeId, value: number): PeerIndexes {
    const i = this.peers.indexOf(peer);
    if (i < 0) throw new Error(`raft: ${peer} is not a peer (${this.peers.join(', ')})`);
    if (this.indexes[i] === value) return this;
    const indexes = this.indexes.slice();
    indexes[i] = value;
    return new PeerIndexes(this.peers, indexes);
  }

  get(peer: NodeId): number | undefined {
    const i = this.peers.indexOf(peer);
    return i < 0 ? undefined : this.indexes[i];
  }

  has(peer: NodeId): boolean {
    return this.peers.includes(peer);
  }

  get size(): number {
    return this.peers.length;
  }

  forEach(fn: (value: number, peer: NodeId, map: ReadonlyMap<NodeId, number>) => void): void {
    for (let i = 0; i < this.peers.length; i++) fn(this.indexes[i]!, this.peers[i]!, this);
  }

  *entries(): MapIterator<[NodeId, number]> {
    for (let i = 0; i < this.peers.length; i++) yield [this.peers[i]!, this.indexes[i]!];
  }

  *keys(): MapIterator<NodeId> {
    yield* this.peers;
  }

  *values(): MapIterator<number> {
    yield* this.indexes;
  }

  [Symbol.iterator](): MapIterator<[NodeId, number]> {
    return this.entries();
  }
}
