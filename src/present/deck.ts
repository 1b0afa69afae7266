/**
 * The deck format of presenter mode (docs/PRESENTING.md): one Markdown file per talk,
 * `presentations/<id>.md`, with front matter and one `##` section per scene. Parsing is pure (text in,
 * a Deck or a list of problems out, each with its file, line and field), in the style of the lesson
 * parser (src/lessons/lesson.ts), so the page, the tests and anyone validating a deck apply the same
 * rules. Captions and notes use the lessons' safe Markdown subset (src/lessons/markdown.ts): no HTML
 * is ever produced, and raw HTML in a deck is refused.
 *
 *     ---
 *     id: raft-under-failure
 *     title: Raft under failure
 *     speed: 0.05                       <- virtual ms per wall ms between cues (default 0.05)
 *     ---
 *
 *     ## Who leads?                     <- each "##" heading starts a scene
 *     ::: run protocol=raft nodes=5 seed=3 load=0
 *     ::: action at=1s crash node=n2    <- operator actions scripted into the run
 *     ::: cue at=0 | Five followers.    <- the scene opens at its first cue...
 *     ::: cue until=leader-elected within=5s | A leader.   <- ...and "next" plays to the others
 *     The caption (Markdown), shown large.
 *
 *     Notes:
 *     Speaker notes (Markdown), shown in the notes window only.
 */
import { GOAL_KINDS, parseDurationMs, parseGoal, type GoalSpec } from '../lessons/goals';
import { parseInline, parseMarkdown, type Block, type Inline } from '../lessons/markdown';
import { REGION_IDS } from '../sim/regions';
import { SPEED_DEFAULT, SPEED_MAX, SPEED_MIN, type LabAction, type LabConfig, type LabTimedAction, type ProtocolName } from '../worker/lab-protocol';

export interface DeckProblem {
  readonly file: string;
  /** 1-based line in the file (0: the file as a whole). */
  readonly line: number;
  /** Where in the deck: "front matter › speed", "scene 2 › cue 1 › until". */
  readonly field: string;
  readonly message: string;
}

/** A cue point: a moment of virtual time, or the first moment a goal (src/lessons/goals.ts) holds. */
export type DeckCue =
  | { readonly kind: 'at'; readonly line: number; readonly atMs: number; readonly text: readonly Inline[] | null }
  | { readonly kind: 'until'; readonly line: number; readonly goal: GoalSpec; readonly withinMs: number; readonly text: readonly Inline[] | null };

export interface DeckScene {
  /** 0-based position in the deck. */
  readonly index: number;
  readonly title: string;
  /** The line of its "##" heading, and of its `::: run` directive. */
  readonly line: number;
  readonly runLine: number;
  /** The run the scene plays, as the lab's URL state would hold it (scripted actions included). */
  readonly config: LabConfig;
  /** Virtual ms per wall ms while playing from one cue to the next. */
  readonly speed: number;
  readonly cues: readonly DeckCue[];
  readonly caption: readonly Block[];
  readonly notes: readonly Block[];
}

export type DeckTheme = 'light' | 'dark';

export interface Deck {
  readonly id: string;
  readonly title: string;
  readonly author: string | null;
  readonly summary: string | null;
  /** The theme the presenter opens in (null: the viewer's own). */
  readonly theme: DeckTheme | null;
  readonly file: string;
  readonly scenes: readonly DeckScene[];
}

export type ParsedDeck = { readonly ok: true; readonly deck: Deck } | { readonly ok: false; readonly problems: readonly DeckProblem[] };

/** What a deck may name: the bundled scenarios (and, when known, the bug flags and nemesis faults). */
export interface DeckContext {
  readonly scenarios: readonly string[];
  readonly bugs?: readonly string[];
  readonly nemesis?: readonly string[];
}

/** Bounds: a deck is a talk, not a data file; a runaway file is refused, not rendered. */
export const DECK_LIMITS = {
  bytes: 128 * 1024,
  scenes: 40,
  cuesPerScene: 12,
  actionsPerScene: 60,
  titleChars: 120,
  /** A caption is read from the back of a room: a few lines at most. */
  captionChars: 600,
  cueTextChars: 160,
  notesChars: 8000,
  summaryChars: 300,
} as const;

export const DECK_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Reserved: `?deck=local` is the deck file the speaker opened in this browser (src/ui/present/local-deck.ts). */
export const LOCAL_DECK_ID = 'local';
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const NODE = /^n[1-9]$/;
const FRONT_KEYS = ['id', 'title', 'author', 'summary', 'speed', 'theme'] as const;
const RUN_KEYS = ['scenario', 'protocol', 'nodes', 'seed', 'bug', 'load', 'nemesis', 'q1', 'q2', 'regions', 'speed'] as const;
const PROTOCOLS: readonly ProtocolName[] = ['raft', 'paxos', 'multipaxos'];
const DEFAULT_WITHIN_MS = 10_000;
const WITHIN_MAX_MS = 120_000;
/** A cue or an action later than this is a typo (the lab's own runs end at one hour). */
const TIME_MAX_MS = 3_600_000;
const SEED_MAX = 0xffff_ffff;
const LOAD_MAX = 10_000;
/** Actions a deck may script (drop-message and duplicate-message need a message id, known only live). */
export const DECK_ACTIONS = [
  'crash', 'restart', 'pause', 'resume', 'power-loss', 'partition', 'heal', 'cut-link', 'heal-link', 'client-request', 'slow-node', 'clock-skew', 'network-storm',
] as const;

interface Line {
  readonly n: number;
  readonly text: string;
}

/** `key=value` arguments, bare words and `| text` of a directive line (after the `:::`). */
export function splitDirective(body: string): { name: string; args: Map<string, string>; words: string[]; text: string | null; repeated: string | null } {
  const bar = body.indexOf('|');
  const head = (bar < 0 ? body : body.slice(0, bar)).trim();
  const text = bar < 0 ? null : body.slice(bar + 1).trim();
  const [name = '', ...rest] = head.split(/\s+/).filter((w) => w !== '');
  const args = new Map<string, string>();
  const words: string[] = [];
  let repeated: string | null = null;
  for (const w of rest) {
    const eq = w.indexOf('=');
    if (eq > 0) {
      const key = w.slice(0, eq);
      if (args.has(key)) repeated ??= key;
      args.set(key, w.slice(eq + 1));
    } else words.push(w);
  }
  return { name, args, words, text, repeated };
}

/** "0.05", "0.1", "1/20": a playback speed; null when it is not one in range. */
export function parseSpeed(text: string): number | null {
  const fraction = /^1\/(\d{1,4})$/.exec(text);
  const n = fraction !== null ? 1 / Number(fraction[1]) : /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : NaN;
  return Number.isFinite(n) && n >= SPEED_MIN && n <= SPEED_MAX ? n : null;
}

/** One problem as a person reads it: `presentations/x.md:12: scene 2 › cue 1 › until: unknown goal "y"`. */
export function formatProblem(p: DeckProblem): string {
  return `${p.file}:${p.line}: ${p.field === '' ? '' : `${p.field}: `}${p.message}`;
}

/** Markdown problems speak of lessons and steps; in a deck they are about decks and scenes. */
function deckWords(message: string): string {
  return message.replace('in a lesson', 'in a deck').replace('"##" starts a step', '"##" starts a scene');
}

function parseFrontMatter(lines: readonly Line[], add: (line: number, field: string, message: string) => void): Map<string, { value: string; line: number }> {
  const out = new Map<string, { value: string; line: number }>();
  for (const { n, text } of lines) {
    if (text.trim() === '' || text.trim().startsWith('#')) continue;
    const m = /^([a-z]+):\s*(.*)$/.exec(text);
    if (m === null) {
      add(n, 'front matter', `expected "key: value", got "${text.slice(0, 60)}"`);
      continue;
    }
    const key = m[1]!;
    if (!(FRONT_KEYS as readonly string[]).includes(key)) {
      add(n, `front matter › ${key}`, `unknown key (known: ${FRONT_KEYS.join(', ')})`);
      continue;
    }
    if (out.has(key)) add(n, `front matter › ${key}`, 'given twice');
    const value = m[2]!.replace(/\s+#.*$/, '').trim();
    const unquoted = /^(["'])(.*)\1$/.exec(value);
    out.set(key, { value: unquoted !== null ? unquoted[2]! : value, line: n });
  }
  return out;
}

/**
 * Parses a deck. `fileId` is the file's name without `.md` (the deck's id must equal it), or null for a
 * deck opened from a file of any name (its id must then only be well formed).
 */
export function parseDeck(text: string, fileId: string | null, context: DeckContext, file = fileId === null ? 'deck.md' : `presentations/${fileId}.md`): ParsedDeck {
  const problems: DeckProblem[] = [];
  const add = (line: number, field: string, message: string): void => {
    problems.push({ file, line, field, message });
  };
  if (text.length > DECK_LIMITS.bytes) return { ok: false, problems: [{ file, line: 0, field: '', message: `larger than ${DECK_LIMITS.bytes / 1024} KiB` }] };
  const all: Line[] = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n').map((t, i) => ({ n: i + 1, text: t }));
  if (all[0]?.text.trim() !== '---') return { ok: false, problems: [{ file, line: 1, field: 'front matter', message: 'a deck starts with front matter: a "---" line' }] };
  const close = all.findIndex((l, i) => i > 0 && l.text.trim() === '---');
  if (close < 0) return { ok: false, problems: [{ file, line: 1, field: 'front matter', message: 'the front matter is never closed with a "---" line' }] };
  const front = parseFrontMatter(all.slice(1, close), add);
  const required = (key: string): { value: string; line: number } | null => {
    const f = front.get(key);
    if (f === undefined || f.value === '') {
      add(f?.line ?? 1, `front matter › ${key}`, 'required');
      return null;
    }
    return f;
  };
  const id = required('id');
  if (id !== null) {
    if (!DECK_ID.test(id.value)) add(id.line, 'front matter › id', `must be lowercase letters, digits and dashes, got "${id.value.slice(0, 64)}"`);
    else if (id.value === LOCAL_DECK_ID) add(id.line, 'front matter › id', `"${LOCAL_DECK_ID}" is reserved for a deck opened from a file`);
    else if (fileId !== null && id.value !== fileId) add(id.line, 'front matter › id', `"${id.value}" must equal the file name "${fileId}"`);
  }
  const title = required('title');
  if (title !== null && title.value.length > DECK_LIMITS.titleChars) add(title.line, 'front matter › title', `longer than ${DECK_LIMITS.titleChars} characters`);
  const summary = front.get('summary') ?? null;
  if (summary !== null && summary.value.length > DECK_LIMITS.summaryChars) add(summary.line, 'front matter › summary', `longer than ${DECK_LIMITS.summaryChars} characters`);
  const author = front.get('author') ?? null;
  if (author !== null && author.value.length > DECK_LIMITS.titleChars) add(author.line, 'front matter › author', `longer than ${DECK_LIMITS.titleChars} characters`);
  let deckSpeed = SPEED_DEFAULT;
  const speed = front.get('speed');
  if (speed !== undefined) {
    const s = parseSpeed(speed.value);
    if (s === null) add(speed.line, 'front matter › speed', `must be a number from ${SPEED_MIN} to ${SPEED_MAX} (or 1/N), got "${speed.value.slice(0, 40)}"`);
    else deckSpeed = s;
  }
  const themeField = front.get('theme');
  let theme: DeckTheme | null = null;
  if (themeField !== undefined) {
    if (themeField.value === 'light' || themeField.value === 'dark') theme = themeField.value;
    else add(themeField.line, 'front matter › theme', `must be light or dark, got "${themeField.value.slice(0, 40)}"`);
  }

  // The body: nothing but blank lines, then scenes, each from its "##" heading to the next.
  const sections: { title: string; line: number; lines: Line[] }[] = [];
  let inFence = false;
  for (const l of all.slice(close + 1)) {
    if (/^```/.test(l.text)) inFence = !inFence;
    const h2 = !inFence && !l.text.startsWith('###') ? /^##\s*(.*)$/.exec(l.text) : null;
    if (h2 !== null) sections.push({ title: h2[1]!.trim(), line: l.n, lines: [] });
    else if (sections.length > 0) sections[sections.length - 1]!.lines.push(l);
    else if (l.text.trim() !== '') add(l.n, 'body', 'text before the first scene is not shown anywhere: start a scene with a "## Title" line');
  }
  if (sections.length === 0) add(close + 2, 'body', 'a deck needs at least one scene (a "## Title" line)');
  if (sections.length > DECK_LIMITS.scenes) add(sections[DECK_LIMITS.scenes]!.line, `scene ${DECK_LIMITS.scenes + 1}`, `at most ${DECK_LIMITS.scenes} scenes`);
  const scenes = sections.slice(0, DECK_LIMITS.scenes).map((s, i) => parseScene(s, i, deckSpeed, context, add));
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
  return {
    ok: true,
    deck: {
      id: id!.value, title: title!.value, author: author?.value ?? null, summary: summary?.value ?? null, theme, file,
      scenes: scenes as DeckScene[],
    },
  };
}

type Add = (line: number, field: string, message: string) => void;

interface RunSpec {
  line: number;
  config: Omit<LabConfig, 'actions'>;
  speed: number | null;
}

function parseScene(section: { title: string; line: number; lines: Line[] }, index: number, deckSpeed: number, context: DeckContext, add: Add): DeckScene | null {
  const where = `scene ${index + 1}`;
  const before = (field: string): string => `${where} › ${field}`;
  if (section.title === '') add(section.line, where, 'needs a title after "##"');
  if (section.title.length > DECK_LIMITS.titleChars) add(section.line, before('title'), `longer than ${DECK_LIMITS.titleChars} characters`);
  // Split caption from notes: a "Notes:" line (reveal.js's habit) outside a code fence.
  const caption: Line[] = [];
  const notes: Line[] = [];
  const directives: Line[] = [];
  let inFence = false;
  let inNotes = false;
  let notesLine = 0;
  for (const l of section.lines) {
    if (/^```/.test(l.text)) inFence = !inFence;
    if (!inFence && !inNotes && /^notes?:\s*$/i.test(l.text.trim())) {
      inNotes = true;
      notesLine = l.n;
      continue;
    }
    if (!inFence && l.text.startsWith(':::')) {
      if (inNotes) add(l.n, before('notes'), `directives belong above the "Notes:" line (line ${notesLine})`);
      else directives.push(l);
      continue;
    }
    (inNotes ? notes : caption).push(l);
  }

  let run: RunSpec | null = null;
  const actions: { action: LabTimedAction; line: number }[] = [];
  const cues: DeckCue[] = [];
  let cueLines = 0;
  for (const l of directives) {
    const { name, args, words, text, repeated } = splitDirective(l.text.slice(3));
    if (repeated !== null) add(l.n, before(`${name || 'directive'} › ${repeated}`), 'given twice');
    switch (name) {
      case 'run': {
        if (run !== null) add(l.n, before('run'), `a scene has one run (the first is at line ${run.line})`);
        if (words.length > 0) add(l.n, before('run'), `unexpected "${words[0]!.slice(0, 40)}" (arguments are key=value)`);
        if (text !== null) add(l.n, before('run'), 'takes no text after "|"');
        const parsed = parseRun(args, l.n, (field, message) => add(l.n, before(`run › ${field}`), message), context);
        run ??= parsed;
        break;
      }
      case 'action': {
        const field = `action ${actions.length + 1}`;
        if (actions.length >= DECK_LIMITS.actionsPerScene) {
          add(l.n, before(field), `at most ${DECK_LIMITS.actionsPerScene} actions in a scene`);
          break;
        }
        if (text !== null) add(l.n, before(field), 'takes no text after "|"');
        const action = parseDeckAction(words, args, (f, message) => add(l.n, before(f === '' ? field : `${field} › ${f}`), message));
        if (action !== null) actions.push({ action, line: l.n });
        break;
      }
      case 'cue': {
        cueLines++;
        const field = `cue ${cueLines}`;
        if (cues.length >= DECK_LIMITS.cuesPerScene) {
          add(l.n, before(field), `at most ${DECK_LIMITS.cuesPerScene} cues in a scene`);
          break;
        }
        const cue = parseCue(args, words, text, l.n, (f, message) => add(l.n, before(f === '' ? field : `${field} › ${f}`), message));
        if (cue !== null) cues.push(cue);
        break;
      }
      default:
        add(l.n, before(name === '' ? 'directive' : name), 'unknown directive (known: run, action, cue)');
    }
  }
  if (run === null) add(section.line, before('run'), 'every scene needs a "::: run ..." line (e.g. "::: run protocol=raft nodes=5 seed=1 load=0")');
  if (cueLines === 0) add(section.line, before('cue'), 'every scene needs at least one "::: cue at=TIME" or "::: cue until=GOAL" line');
  // Times of cues only go forward (an event cue may come between: then a later time cue must be after it).
  let lastAt = -1;
  cues.forEach((c, i) => {
    if (c.kind !== 'at') return;
    if (c.atMs <= lastAt && i > 0) add(c.line, before(`cue ${i + 1} › at`), `cue times must increase: ${c.atMs} ms is not after ${lastAt} ms`);
    lastAt = Math.max(lastAt, c.atMs);
  });
  // Node ids of scripted actions must exist, when the scene says how many nodes it has.
  const nodes = run?.config.nodes ?? null;
  if (nodes !== null) {
    actions.forEach(({ action, line }, i) => {
      const bad = actionNodes(action).find((id) => Number(id.slice(1)) > nodes);
      if (bad !== undefined) add(line, before(`action ${i + 1} › node`), `must be one of n1 ... n${nodes} (the scene has ${nodes} nodes), got "${bad}"`);
    });
  }

  const markdown = (lines: readonly Line[], field: string, limit: number): Block[] => {
    const body = trimBlank(lines);
    if (body.length === 0) return [];
    const chars = body.reduce((k, l) => k + l.text.trim().length, 0);
    if (chars > limit) add(body[0]!.n, before(field), `longer than ${limit} characters (${chars})${field === 'caption' ? ': a caption is read from the back of the room; move the rest to the notes' : ''}`);
    const { blocks, problems } = parseMarkdown(body.map((l) => l.text).join('\n'));
    for (const p of problems) add(body[0]!.n + p.line - 1, before(field), deckWords(p.message));
    return blocks;
  };
  const captionBlocks = markdown(caption, 'caption', DECK_LIMITS.captionChars);
  const notesBlocks = markdown(notes, 'notes', DECK_LIMITS.notesChars);
  if (run === null) return null;
  // Scripted actions in time order; at the same moment, in the order written (a stable sort).
  const timed = actions.map((a) => a.action).sort((a, b) => a.atMs - b.atMs);
  return {
    index,
    title: section.title,
    line: section.line,
    runLine: run.line,
    config: { ...run.config, actions: timed },
    speed: run.speed ?? deckSpeed,
    cues,
    caption: captionBlocks,
    notes: notesBlocks,
  };
}

function trimBlank(lines: readonly Line[]): Line[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.text.trim() === '') start++;
  while (end > start && lines[end - 1]!.text.trim() === '') end--;
  return lines.slice(start, end);
}

function whole(text: string, min: number, max: number): number | null {
  return /^\d{1,10}$/.test(text) && Number(text) >= min && Number(text) <= max ? Number(text) : null;
}

function names(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== 'none');
}

function parseRun(args: ReadonlyMap<string, string>, line: number, fail: (field: string, message: string) => void, context: DeckContext): RunSpec {
  const config: { -readonly [K in keyof Omit<LabConfig, 'actions'>]: Omit<LabConfig, 'actions'>[K] } = {
    scenario: null, protocol: null, nodes: null, seed: null, bugs: null, loadOpsPerSec: null, nemesis: null, q1: null, q2: null,
  };
  let speed: number | null = null;
  for (const [key, value] of args) {
    switch (key) {
      case 'scenario':
        if (!NAME.test(value)) fail(key, `"${value.slice(0, 64)}" is not a scenario name`);
        else if (!context.scenarios.includes(value)) fail(key, `there is no bundled scenario "${value}" (bundled: ${context.scenarios.join(', ') || 'none'})`);
        else config.scenario = value;
        break;
      case 'protocol':
        if ((PROTOCOLS as readonly string[]).includes(value)) config.protocol = value;
        else fail(key, `must be one of ${PROTOCOLS.join(', ')}, got "${value.slice(0, 40)}"`);
        break;
      case 'nodes':
        config.nodes = whole(value, 1, 9);
        if (config.nodes === null) fail(key, `must be a whole number from 1 to 9, got "${value.slice(0, 40)}"`);
        break;
      case 'seed':
        config.seed = whole(value, 0, SEED_MAX);
        if (config.seed === null) fail(key, `must be a whole number from 0 to ${SEED_MAX}, got "${value.slice(0, 40)}"`);
        break;
      case 'q1':
      case 'q2': {
        const q = whole(value, 1, 9);
        if (q === null) fail(key, `must be a whole number from 1 to 9, got "${value.slice(0, 40)}"`);
        config[key] = q;
        break;
      }
      case 'load': {
        const n = /^\d+(?:\.\d+)?$/.test(value) ? Number(value) : NaN;
        if (!(n >= 0 && n <= LOAD_MAX)) fail(key, `must be operations per second from 0 to ${LOAD_MAX}, got "${value.slice(0, 40)}"`);
        else config.loadOpsPerSec = n;
        break;
      }
      case 'bug':
      case 'nemesis': {
        const list = names(value);
        const bad = list.find((s) => !NAME.test(s));
        const known = key === 'bug' ? context.bugs : context.nemesis;
        const unknown = known === undefined ? undefined : list.find((s) => !known.includes(s));
        if (bad !== undefined) fail(key, `"${bad.slice(0, 40)}" is not a name`);
        else if (unknown !== undefined) fail(key, `unknown ${key === 'bug' ? 'bug variant' : 'fault'} "${unknown}" (known: ${known!.join(', ')}, or none)`);
        else if (key === 'bug') config.bugs = list;
        else config.nemesis = list;
        break;
      }
      case 'regions': {
        const list = value.split(',').filter((s) => s !== '');
        const unknown = list.find((r) => !REGION_IDS.includes(r));
        if (list.length === 0 || unknown !== undefined) fail(key, `unknown region "${(unknown ?? value).slice(0, 40)}" (known: ${REGION_IDS.join(', ')})`);
        else config.regions = list;
        break;
      }
      case 'speed':
        speed = parseSpeed(value);
        if (speed === null) fail(key, `must be a number from ${SPEED_MIN} to ${SPEED_MAX} (or 1/N), got "${value.slice(0, 40)}"`);
        break;
      default:
        fail(key, `unknown argument (known: ${RUN_KEYS.join(', ')})`);
    }
  }
  if ((config.q1 !== null || config.q2 !== null) && config.protocol === 'raft') fail('q1', 'quorum sizes are for paxos or multipaxos: Raft always uses majorities');
  return { line, config, speed };
}

function nodeArg(args: ReadonlyMap<string, string>, key: string, fail: (field: string, message: string) => void): string | null {
  const v = args.get(key);
  if (v === undefined) {
    fail(key, `needs ${key}=ID (n1 ... n9)`);
    return null;
  }
  if (!NODE.test(v)) {
    fail(key, `must be a node id n1 ... n9, got "${v.slice(0, 40)}"`);
    return null;
  }
  return v;
}

function numberArg(args: ReadonlyMap<string, string>, key: string, min: number, max: number, fail: (field: string, message: string) => void): number | null {
  const v = args.get(key);
  const n = v !== undefined && /^\d+(?:\.\d+)?$/.test(v) ? Number(v) : NaN;
  if (!(n >= min && n <= max)) {
    fail(key, v === undefined ? `needs ${key}=NUMBER (${min} to ${max})` : `must be a number from ${min} to ${max}, got "${v.slice(0, 40)}"`);
    return null;
  }
  return n;
}

/** The nodes an action names (for the check against the scene's node count). */
function actionNodes(a: LabAction): string[] {
  switch (a.type) {
    case 'partition':
      return a.groups.flat();
    case 'cut-link':
    case 'heal-link':
      return [a.from, a.to];
    case 'client-request':
      return a.node === undefined ? [] : [a.node];
    case 'heal':
    case 'network-storm':
    case 'drop-message':
    case 'duplicate-message':
      return [];
    default:
      return [a.node];
  }
}

/** `::: action at=TIME NAME key=value ...`: an operator action scripted into the scene's run. */
export function parseDeckAction(words: readonly string[], args: ReadonlyMap<string, string>, fail: (field: string, message: string) => void): LabTimedAction | null {
  const name = words[0];
  if (name === undefined) {
    fail('', `needs an action name, e.g. "::: action at=1s crash node=n1" (known: ${DECK_ACTIONS.join(', ')})`);
    return null;
  }
  if (words.length > 1) fail('', `unexpected "${words[1]!.slice(0, 40)}" (arguments are key=value)`);
  const atText = args.get('at');
  const atMs = atText === undefined ? null : parseDurationMs(atText);
  if (atMs === null || atMs < 1 || atMs > TIME_MAX_MS) {
    fail('at', atText === undefined ? 'needs at=TIME (e.g. at=1500ms or at=2s)' : `must be a time from 1ms to 1h, like 1500ms or 2s, got "${atText.slice(0, 40)}"`);
  }
  const allowed = (...keys: string[]): boolean => {
    const bad = [...args.keys()].find((k) => k !== 'at' && !keys.includes(k));
    if (bad !== undefined) fail(bad, `${name} takes ${keys.length === 0 ? 'only at=' : ['at', ...keys].map((k) => `${k}=`).join(', ')}`);
    return bad === undefined;
  };
  let action: LabAction | null = null;
  switch (name) {
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
    case 'power-loss': {
      const node = nodeArg(args, 'node', fail);
      if (allowed('node') && node !== null) action = { type: name, node };
      break;
    }
    case 'partition': {
      const text = args.get('groups');
      if (!allowed('groups')) break;
      if (text === undefined) {
        fail('groups', 'needs groups=n1,n2/n3,n4,n5 (groups separated by /)');
        break;
      }
      const groups = text.split('/').map((g) => g.split(',').filter((x) => x !== ''));
      const flat = groups.flat();
      const bad = flat.find((x) => !NODE.test(x));
      if (groups.length < 2 || groups.some((g) => g.length === 0)) fail('groups', `needs two or more non-empty groups, got "${text.slice(0, 60)}"`);
      else if (bad !== undefined) fail('groups', `must list node ids n1 ... n9, got "${bad.slice(0, 40)}"`);
      else if (new Set(flat).size !== flat.length) fail('groups', 'a node is in two groups');
      else action = { type: 'partition', groups };
      break;
    }
    case 'heal':
      if (allowed()) action = { type: 'heal' };
      break;
    case 'cut-link':
    case 'heal-link': {
      const from = nodeArg(args, 'from', fail);
      const to = nodeArg(args, 'to', fail);
      const oneWayText = args.get('one-way') ?? 'false';
      if (oneWayText !== 'true' && oneWayText !== 'false') fail('one-way', `must be true or false, got "${oneWayText.slice(0, 40)}"`);
      if (!allowed('from', 'to', 'one-way') || from === null || to === null) break;
      if (from === to) fail('to', 'a link joins two different nodes');
      else action = { type: name, from, to, oneWay: oneWayText === 'true' };
      break;
    }
    case 'client-request': {
      if (!allowed('op', 'key', 'value', 'expected', 'node')) break;
      const op = args.get('op') ?? 'write';
      if (op !== 'read' && op !== 'write' && op !== 'cas') {
        fail('op', `must be read, write or cas, got "${op.slice(0, 40)}"`);
        break;
      }
      const key = args.get('key') ?? 'x';
      if (!/^[A-Za-z0-9_-]{1,16}$/.test(key)) fail('key', `must be 1-16 letters, digits, _ or -, got "${key.slice(0, 40)}"`);
      const value = args.get('value');
      if (op !== 'read' && (value === undefined || value.length === 0 || value.length > 32)) fail('value', `a ${op} needs value= (1-32 characters)`);
      const expected = args.get('expected');
      if (op === 'cas' && (expected === undefined || expected.length > 32)) fail('expected', 'a cas needs expected= (at most 32 characters)');
      const target = args.get('node');
      if (target !== undefined && !NODE.test(target)) fail('node', `must be a node id n1 ... n9, got "${target.slice(0, 40)}"`);
      action = {
        type: 'client-request', op, key,
        ...(value !== undefined ? { value } : {}), ...(expected !== undefined ? { expected } : {}), ...(target !== undefined ? { node: target } : {}),
      };
      break;
    }
    case 'slow-node': {
      const node = nodeArg(args, 'node', fail);
      const factor = numberArg(args, 'factor', 1, 1000, fail);
      if (allowed('node', 'factor') && node !== null && factor !== null) action = { type: 'slow-node', node, factor };
      break;
    }
    case 'clock-skew': {
      const node = nodeArg(args, 'node', fail);
      const rate = numberArg(args, 'rate', 0.1, 10, fail);
      if (allowed('node', 'rate') && node !== null && rate !== null) action = { type: 'clock-skew', node, rate };
      break;
    }
    case 'network-storm': {
      const duplicate = numberArg(args, 'duplicate', 0, 1, fail);
      const reorder = numberArg(args, 'reorder', 0, 1, fail);
      if (allowed('duplicate', 'reorder') && duplicate !== null && reorder !== null) action = { type: 'network-storm', duplicateProbability: duplicate, reorderProbability: reorder };
      break;
    }
    default:
      fail('', `unknown action "${name.slice(0, 40)}" (known: ${DECK_ACTIONS.join(', ')})`);
  }
  return action === null || atMs === null || atMs < 1 || atMs > TIME_MAX_MS ? null : ({ ...action, atMs } as LabTimedAction);
}

/** `::: cue at=TIME | text` or `::: cue until=GOAL [goal args] [within=TIME] | text`. */
function parseCue(args: ReadonlyMap<string, string>, words: readonly string[], text: string | null, line: number, fail: (field: string, message: string) => void): DeckCue | null {
  if (words.length > 0) fail('', `unexpected "${words[0]!.slice(0, 40)}" (arguments are key=value)`);
  let inline: Inline[] | null = null;
  if (text !== null && text !== '') {
    if (text.length > DECK_LIMITS.cueTextChars) fail('text', `longer than ${DECK_LIMITS.cueTextChars} characters`);
    const { problems } = parseMarkdown(text);
    for (const p of problems) fail('text', deckWords(p.message));
    inline = parseInline(text);
  }
  const at = args.get('at');
  const until = args.get('until');
  if (at !== undefined && until !== undefined) {
    fail('', 'takes at=TIME or until=GOAL, not both');
    return null;
  }
  if (at !== undefined) {
    const extra = [...args.keys()].find((k) => k !== 'at');
    if (extra !== undefined) fail(extra, 'a cue at a time takes only at= (and text after "|")');
    const atMs = parseDurationMs(at);
    if (atMs === null || atMs > TIME_MAX_MS) {
      fail('at', `must be a time like 0, 1500ms or 2s (at most 1h), got "${at.slice(0, 40)}"`);
      return null;
    }
    return extra === undefined ? { kind: 'at', line, atMs, text: inline } : null;
  }
  if (until !== undefined) {
    const goalArgs = new Map(args);
    goalArgs.delete('until');
    goalArgs.delete('within');
    const goal = parseGoal(until, goalArgs);
    const withinText = args.get('within');
    const withinMs = withinText === undefined ? DEFAULT_WITHIN_MS : parseDurationMs(withinText);
    if (typeof goal === 'string') fail('until', goal.startsWith('unknown goal') ? goal : `${until}: ${goal}`);
    if (withinMs === null || withinMs < 1 || withinMs > WITHIN_MAX_MS) fail('within', `must be a time up to ${WITHIN_MAX_MS / 1000}s, got "${(withinText ?? '').slice(0, 40)}"`);
    if (typeof goal === 'string' || withinMs === null || withinMs < 1 || withinMs > WITHIN_MAX_MS) return null;
    return { kind: 'until', line, goal, withinMs, text: inline };
  }
  fail('', `needs at=TIME (e.g. at=2s) or until=GOAL (one of ${GOAL_KINDS.join(', ')})`);
  return null;
}

/** The scenario names the lab worker bundles, from their paths (scenarios/<name>.json, lessons/<id>/<file>.json). */
export function bundledScenarioNames(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const lesson = /(?:^|\/)lessons\/([^/]+)\/([^/]+)\.json$/.exec(p);
    // As src/worker/lesson-driver.ts's lessonScenarioName names them.
    if (lesson !== null) out.push(`lesson-${lesson[1]}-${lesson[2]}`);
    else {
      const scenario = /(?:^|\/)scenarios\/([^/]+)\.json$/.exec(p);
      if (scenario !== null) out.push(scenario[1]!);
    }
  }
  return out.sort();
}

/** The deck id a bundled path names ("../../../presentations/raft-under-failure.md"), or null. */
export function deckIdOfPath(path: string): string | null {
  const m = /(?:^|\/)presentations\/([^/]+)\.md$/.exec(path);
  return m === null ? null : m[1]!;
}

/**
 * How a run standing at `fromMs` gets to a cue: play until this goal holds, for at most this long
 * (virtual time). A time cue is the goal "time-at-least" with exactly the time left, so the run lands
 * on the cue's millisecond. Null: already there (a time cue not after `fromMs`). The presenter
 * prepares scenes this way in the worker (the `solve` command), and the deck tests headless, alike.
 */
export function cueTarget(cue: DeckCue, fromMs: number): { goal: GoalSpec; withinMs: number } | null {
  if (cue.kind === 'until') return { goal: cue.goal, withinMs: cue.withinMs };
  const left = cue.atMs - Math.floor(fromMs);
  return left <= 0 ? null : { goal: { kind: 'time-at-least', ms: cue.atMs }, withinMs: left };
}

/** Plain text of a cue's text (for the notes window and accessible names). */
export function cueLabel(cue: DeckCue): string {
  if (cue.kind === 'at') return `at ${formatCueMs(cue.atMs)}`;
  return `until ${cue.goal.kind}`;
}

export function formatCueMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(3).replace(/0+$/, '')} s`;
}
