import { describe, expect, it } from 'vitest';
import { PeerIndexes } from './peer-indexes';

describe('PeerIndexes', () => {
  const peers = ['n2', 'n3', 'n4'];

  it('reads like a map in membership order', () => {
    const m = PeerIndexes.of(peers, (p) => Number(p.slice(1)) * 10);
    expect(m.size).toBe(3);
    expect(m.get('n3')).toBe(30);
    expect(m.get('n9')).toBeUndefined();
    expect(m.has('n4')).toBe(true);
    expect(m.has('n1')).toBe(false);
    expect([...m]).toEqual([['n2', 20], ['n3', 30], ['n4', 40]]);
    expect([...m.keys()]).toEqual(peers);
    expect([...m.values()]).toEqual([20, 30, 40]);
    const seen: string[] = [];
    m.forEach((v, k) => seen.push(`${k}=${v}`));
    expect(seen).toEqual(['n2=20', 'n3=30', 'n4=40']);
    expect(Object.fromEntries(m)).toEqual({ n2: 20, n3: 30, n4: 40 });
  });

  it('with() copies: the original is unchanged, and an unchanged value returns the same object', () => {
    const a = PeerIndexes.of(peers, () => 0);
    const b = a.with('n3', 7);
    expect(b).not.toBe(a);
    expect(a.get('n3')).toBe(0);
    expect(b.get('n3')).toBe(7);
    expect(b.get('n2')).toBe(0);
    expect(b.with('n3', 7)).toBe(b);
  });

  it('refuses a node that is not a peer, and the empty one has none', () => {
    expect(() => PeerIndexes.of(peers, () => 0).with('n1', 1)).toThrow(/n1 is not a peer/);
    expect(PeerIndexes.EMPTY.size).toBe(0);
    expect([...PeerIndexes.EMPTY]).toEqual([]);
  });
});
