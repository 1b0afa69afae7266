/**
 * The address of a run that came from an imported scenario file. A link cannot carry a file, and the
 * query string describes runs a link can rebuild (url-state.ts), so such a run keeps no query: the
 * address is the page with a fragment naming the file (and a checksum of its text), then what the
 * lab laid over it, in url-state's own parameters (a new seed, regions, the operator actions taken
 * since) and the moment: `/#file=crash.json&sum=9c1d02aa&actions=...&t=1234`. Reloading the tab
 * rebuilds the run (the page keeps the file's text in this tab's sessionStorage); opened anywhere else,
 * the page says which file to import again rather than showing another run under that name.
 */
import type { LabConfig } from '../../worker/lab-protocol';
import { formatUrlState, parseUrlState } from './url-state';

const STORAGE_PREFIX = 'faultline:file:';
const NAME_MAX = 200;

/** FNV-1a (32 bits) of the text, as 8 hex digits: tells two files of one name apart. Not a security measure. */
export function textChecksum(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The fragment for a run from a file (`config.scenarioFile` set), or null for any other run. */
export function importedFragment(config: LabConfig, atMs: number, layout: 'ring' | 'map' = 'ring'): string | null {
  const file = config.scenarioFile ?? null;
  if (file === null) return null;
  const head = new URLSearchParams({ file: file.name, sum: textChecksum(file.text) });
  const rest = formatUrlState({ ...config, scenarioFile: null }, atMs, layout).slice(1);
  return `#${head.toString()}&${rest}`;
}

export interface ImportedAddress {
  readonly name: string;
  readonly sum: string;
  /** What the lab laid over the file (every field null but these), and the moment. */
  readonly config: LabConfig;
  readonly atMs: number;
  readonly layout: 'ring' | 'map';
  readonly problems: string[];
}

/** Reads a fragment written by `importedFragment`; null when the fragment names no file. */
export function parseImportedFragment(hash: string): ImportedAddress | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const name = params.get('file');
  if (name === null) return null;
  const sum = params.get('sum') ?? '';
  params.delete('file');
  params.delete('sum');
  const state = parseUrlState(`?${params.toString()}`);
  const problems = [...state.problems];
  if (name === '' || name.length > NAME_MAX) problems.push(`file: expected a file name of 1 to ${NAME_MAX} characters`);
  if (state.config.scenario !== null) problems.push('scenario: a run comes from a bundled scenario or from a file, not both; the file is used');
  return { name: name.slice(0, NAME_MAX), sum, config: { ...state.config, scenario: null }, atMs: state.atMs, layout: state.layout ?? 'ring', problems };
}

/** Keeps a file's text for this tab, so a reload finds it; false when the browser refuses (storage full, private mode). */
export function rememberFile(storage: Pick<Storage, 'setItem'> | null, name: string, text: string): boolean {
  if (storage === null) return false;
  try {
    storage.setItem(STORAGE_PREFIX + name, text);
    return true;
  } catch {
    return false;
  }
}

/** The text this tab keeps under `name`, if it is the file the address names (its checksum matches). */
export function recallFile(storage: Pick<Storage, 'getItem'> | null, name: string, sum: string): string | null {
  if (storage === null) return null;
  try {
    const text = storage.getItem(STORAGE_PREFIX + name);
    return text !== null && textChecksum(text) === sum ? text : null;
  } catch {
    return null;
  }
}

/** What the page says when a link names a file this tab does not hold. */
export function missingFileProblem(name: string): string {
  return `This link names ${name}, a scenario file imported in another tab or session: a link cannot carry a file. ` +
    'Import the file again (Export, then "Open a file", or drop it on the page); the lab shows its usual run meanwhile.';
}
