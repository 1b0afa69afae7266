/**
 * A deck the speaker opened from a file (a talk written without rebuilding the app): kept in this
 * browser's localStorage, so the presenter window and the notes window (same origin) both read it,
 * and a reload keeps it. Nothing leaves the browser. What storage holds is checked before use; a
 * storage that throws (privacy mode, quota) means the deck cannot be opened, said in words.
 */
import { DECK_LIMITS } from '../../present/deck';

export const LOCAL_DECK_KEY = 'faultline.present.local-deck.v1';

export interface LocalDeck {
  /** The file's name, shown in problems ("my-talk.md:12: ..."). */
  readonly name: string;
  readonly text: string;
}

export function readLocalDeck(storage: Pick<Storage, 'getItem'> | null = pageStorage()): LocalDeck | null {
  let raw: string | null = null;
  try {
    raw = storage?.getItem(LOCAL_DECK_KEY) ?? null;
  } catch {
    return null;
  }
  if (raw === null || raw.length > 4 * DECK_LIMITS.bytes) return null;
  try {
    const v = JSON.parse(raw) as unknown;
    if (typeof v !== 'object' || v === null) return null;
    const { name, text } = v as { name?: unknown; text?: unknown };
    return typeof name === 'string' && typeof text === 'string' ? { name: name.slice(0, 120), text } : null;
  } catch {
    return null;
  }
}

/** Keeps a deck file; returns why it could not be kept, or null. */
export function writeLocalDeck(deck: LocalDeck, storage: Pick<Storage, 'setItem'> | null = pageStorage()): string | null {
  if (deck.text.length > DECK_LIMITS.bytes) return `${deck.name} is larger than ${DECK_LIMITS.bytes / 1024} KiB.`;
  try {
    if (storage === null) return 'This browser does not let the page keep the deck (storage is off).';
    storage.setItem(LOCAL_DECK_KEY, JSON.stringify({ name: deck.name.slice(0, 120), text: deck.text }));
    return null;
  } catch {
    return 'This browser did not let the page keep the deck (storage is full or off).';
  }
}

function pageStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
