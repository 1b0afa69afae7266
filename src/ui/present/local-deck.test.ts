import { describe, expect, it } from 'vitest';
import { LOCAL_DECK_KEY, readLocalDeck, writeLocalDeck } from './local-deck';

function memory(): Storage {
  const map = new Map<string, string>();
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
    clear: () => map.clear(),
    key: () => null,
    get length() {
      return map.size;
    },
  };
}

describe('a deck opened from a file', () => {
  it('is kept and read back with its file name', () => {
    const storage = memory();
    expect(writeLocalDeck({ name: 'my-talk.md', text: '---\nid: t\n---\n' }, storage)).toBeNull();
    expect(readLocalDeck(storage)).toEqual({ name: 'my-talk.md', text: '---\nid: t\n---\n' });
  });
  it('nothing kept, a foreign or corrupt value, or a storage that throws: no deck, and no exception', () => {
    const storage = memory();
    expect(readLocalDeck(storage)).toBeNull();
    for (const bad of ['not json', '42', 'null', '{"name":1,"text":"x"}', '{"name":"a"}']) {
      storage.setItem(LOCAL_DECK_KEY, bad);
      expect(readLocalDeck(storage), bad).toBeNull();
    }
    const throwing = { getItem: () => { throw new Error('blocked'); }, setItem: () => { throw new Error('full'); } };
    expect(readLocalDeck(throwing)).toBeNull();
    expect(writeLocalDeck({ name: 'a.md', text: 'x' }, throwing)).toMatch(/did not let the page keep the deck/);
    expect(writeLocalDeck({ name: 'a.md', text: 'x' }, null)).toMatch(/storage is off/);
  });
  it('refuses a file larger than a deck may be', () => {
    expect(writeLocalDeck({ name: 'huge.md', text: 'x'.repeat(200 * 1024) }, memory())).toMatch(/larger than 128 KiB/);
  });
});
