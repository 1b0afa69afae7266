/**
 * The decks bundled into the presenter (presentations/<id>.md as text, parsed once when presenter
 * mode opens: this module is only in the presenter's lazily loaded chunk, never the lab's), and a
 * deck the speaker opened from a file in this browser (local-deck.ts, `?deck=local`). A deck that
 * does not parse is kept with its problems (file, line, field) so the page shows them instead of
 * failing.
 *
 * The scenario files themselves are bundled into the lab worker; here only their names are needed,
 * for the parser's check that a scene names one that exists (the lazy globs give the names and never
 * load the files).
 */
import { bundledScenarioNames, deckIdOfPath, LOCAL_DECK_ID, parseDeck, type Deck, type DeckContext, type DeckProblem } from '../../present/deck';
import { PAXOS_BUG_VARIANTS, RAFT_BUG_VARIANTS } from '../lab/bug-variants';
import { readLocalDeck } from './local-deck';

const texts = import.meta.glob('../../../presentations/*.md', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const scenarioPaths = [
  ...Object.keys(import.meta.glob('../../../scenarios/*.json', { query: '?raw', import: 'default' })),
  ...Object.keys(import.meta.glob('../../../lessons/*/*.json', { query: '?raw', import: 'default' })),
];

export const DECK_CONTEXT: DeckContext = {
  scenarios: bundledScenarioNames(scenarioPaths),
  bugs: [...RAFT_BUG_VARIANTS, ...PAXOS_BUG_VARIANTS].map((v) => v.name),
};

export type DeckEntry =
  | { readonly id: string; readonly ok: true; readonly deck: Deck }
  | { readonly id: string; readonly ok: false; readonly title: string; readonly problems: readonly DeckProblem[] };

function entry(id: string, text: string, fileId: string | null, file?: string): DeckEntry {
  const parsed = parseDeck(text, fileId, DECK_CONTEXT, file);
  if (parsed.ok) return { id, ok: true, deck: parsed.deck };
  const title = /^title:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? id;
  return { id, ok: false, title, problems: parsed.problems };
}

/** The bundled decks, by id, in name order. */
export const DECKS: readonly DeckEntry[] = Object.entries(texts)
  .flatMap(([path, text]) => {
    const id = deckIdOfPath(path);
    return id === null ? [] : [entry(id, text, id)];
  })
  .sort((a, b) => a.id.localeCompare(b.id));

/** The deck a URL's `deck` names: a bundled one, the local one, or null when there is none. */
export function findDeck(id: string): DeckEntry | null {
  if (id === LOCAL_DECK_ID) {
    const local = readLocalDeck();
    return local === null ? null : entry(LOCAL_DECK_ID, local.text, null, local.name);
  }
  return DECKS.find((d) => d.id === id) ?? null;
}
