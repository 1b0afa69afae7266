/**
 * The embed's inputs: the attributes of `<faultline-lab>` and the query parameters of `embed.html`,
 * checked and turned into what the embed needs (a LabConfig for the worker, a moment, and how to
 * show it).
 *
 * The run's inputs have the lab URL's names and meanings (src/ui/lab/url-state.ts: `scenario`,
 * `protocol`, `nodes`, `seed`, `bug`, `load`, `nemesis`, `q1`, `q2`, `grid`, `t`, `actions`, `regions`,
 * `rtt`), so the query string of a lab link pasted as attributes gives the same run, and they are
 * parsed by the same code. On top of that the embed knows the names the worker accepts (the bundled
 * scenarios, the protocols, the bug flags), so a typo is reported here, with the allowed values,
 * before any worker starts.
 *
 * Parsing never throws: every problem names the attribute and says what is allowed. An embed with a
 * problem does not run (a docs page showing some other run than its author meant would be worse
 * than an error the author sees at once).
 */
import { PROTOCOL_NAMES, SPEED_DEFAULT, SPEED_MAX, SPEED_MIN, type LabConfig } from '../worker/lab-protocol';
import { PAXOS_BUG_VARIANTS, RAFT_BUG_VARIANTS, NO_BUG } from '../ui/lab/bug-variants';
import { formatUrlState, parseUrlState } from '../ui/lab/url-state';
import { formatSpeed } from '../ui/lab/speed';
import { BUNDLED_SCENARIOS, bundledScenario } from './scenarios';

export type ControlsMode = 'minimal' | 'full';
export type ThemeChoice = 'light' | 'dark' | 'auto';

/** The run's inputs, named as in the lab's URL (parsed by url-state.ts). */
export const RUN_ATTRIBUTES = ['scenario', 'protocol', 'nodes', 'seed', 'bug', 'load', 'nemesis', 'q1', 'q2', 'grid', 't', 'actions', 'regions', 'rtt'] as const;
/** How the embed shows the run. */
export const VIEW_ATTRIBUTES = ['controls', 'autoplay', 'speed', 'height', 'theme', 'caption', 'lab'] as const;
export const EMBED_ATTRIBUTES: readonly string[] = [...RUN_ATTRIBUTES, ...VIEW_ATTRIBUTES];

export const CONTROLS_MODES: readonly ControlsMode[] = ['minimal', 'full'];
export const THEMES: readonly ThemeChoice[] = ['light', 'dark', 'auto'];
/** `height`: the cluster drawing's largest height, in CSS pixels. */
export const HEIGHT_MIN_PX = 160;
export const HEIGHT_MAX_PX = 1200;
export const CAPTION_MAX_CHARS = 200;
/** `lab="none"`: no "Open in Faultline" link (the full lab is not hosted next to the embed). */
export const NO_LAB = 'none';

export interface EmbedOptions {
  /** What the worker loads. */
  readonly config: LabConfig;
  /** The moment shown first (`t`, virtual ms). */
  readonly atMs: number;
  readonly controls: ControlsMode;
  readonly autoplay: boolean;
  /** Virtual ms per wall ms (the lab's speed). */
  readonly speed: number;
  /** The drawing's largest height in CSS px; null = the embed's default. */
  readonly heightPx: number | null;
  readonly theme: ThemeChoice;
  /** The caption to show: null = the default (the scenario's description, or the run's facts); '' = none. */
  readonly caption: string | null;
  /** The full lab's address (absolute, http or https), or null for no link. */
  readonly labUrl: string | null;
}

export interface EmbedProblem {
  /** The attribute (or query parameter) at fault. */
  readonly attribute: string;
  /** What is wrong, in a sentence that does not repeat the attribute's name. */
  readonly message: string;
  /** The values it may take, when they are a short list of words (empty when `message` says the range). */
  readonly allowed: readonly string[];
  /** More allowed values, listed apart (the lessons' scenarios, after the scenarios). */
  readonly more?: { readonly label: string; readonly values: readonly string[] };
}

export interface ParsedEmbed {
  /** Null when there are problems. */
  readonly options: EmbedOptions | null;
  readonly problems: readonly EmbedProblem[];
}

/** Where the inputs come from: an element's attributes, or a query string. */
export interface EmbedSource {
  /** Every name given, in order (attribute names are lower case in HTML). */
  readonly names: readonly string[];
  get(name: string): string | null;
  /** `attribute` (the element) or `parameter` (embed.html), for messages. */
  readonly kind: 'attribute' | 'parameter';
}

export interface EmbedEnvironment {
  /** Relative `lab` addresses resolve against this (the page's base URL). */
  readonly baseUrl: string;
  /** The full lab's address when `lab` is absent, or null for none. */
  readonly defaultLabUrl: string | null;
}

/**
 * Attributes every HTML element may carry (and frameworks add: data-*, aria-*, event handlers).
 * Anything else not in EMBED_ATTRIBUTES is reported, so that a typo (`sead="3"`) does not silently
 * show the default run.
 */
const GLOBAL_ATTRIBUTES = new Set([
  'id', 'class', 'style', 'title', 'hidden', 'lang', 'dir', 'tabindex', 'slot', 'part', 'exportparts', 'role', 'translate', 'inert',
  'nonce', 'is', 'autofocus', 'draggable', 'spellcheck', 'contenteditable', 'accesskey', 'popover', 'enterkeyhint', 'inputmode',
  'autocapitalize', 'autocorrect', 'writingsuggestions', 'itemscope', 'itemprop', 'itemtype', 'itemid', 'itemref', 'xmlns',
]);
const GLOBAL_PREFIXES = /^(data-|aria-|on)/;

/** Longest attribute text quoted back in a message. */
const QUOTE_MAX = 40;

function quote(text: string): string {
  return JSON.stringify(text.length > QUOTE_MAX ? `${text.slice(0, QUOTE_MAX)}…` : text);
}

const KNOWN_BUGS: readonly string[] = [NO_BUG, ...RAFT_BUG_VARIANTS.map((b) => b.name), ...PAXOS_BUG_VARIANTS.map((b) => b.name)];

/** `speed`: "1/20", "0.05", "2", with an optional "x" or "×". */
export function parseSpeed(text: string): number | null {
  const m = /^\s*(?:(\d+(?:\.\d+)?)|1\s*\/\s*(\d+(?:\.\d+)?))\s*[x×]?\s*$/i.exec(text);
  if (m === null) return null;
  const speed = m[1] !== undefined ? Number(m[1]) : 1 / Number(m[2]);
  return Number.isFinite(speed) && speed >= SPEED_MIN * (1 - 1e-9) && speed <= SPEED_MAX ? Math.max(SPEED_MIN, speed) : null;
}

/** `height`: "420" or "420px". */
function parseHeight(text: string): number | null {
  const m = /^\s*(\d{1,5})\s*(?:px)?\s*$/i.exec(text);
  if (m === null) return null;
  const px = Number(m[1]);
  return px >= HEIGHT_MIN_PX && px <= HEIGHT_MAX_PX ? px : null;
}

/** Caption text: control characters (which would garble one line) become spaces; trimmed. */
function cleanCaption(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

export function parseEmbedOptions(source: EmbedSource, env: EmbedEnvironment): ParsedEmbed {
  const problems: EmbedProblem[] = [];
  const problem = (attribute: string, message: string, allowed: readonly string[] = [], more?: EmbedProblem['more']): void => {
    problems.push(more === undefined ? { attribute, message, allowed } : { attribute, message, allowed, more });
  };
  const known = new Set(EMBED_ATTRIBUTES);
  for (const name of source.names) {
    if (known.has(name)) continue;
    if (source.kind === 'attribute' && (GLOBAL_ATTRIBUTES.has(name) || GLOBAL_PREFIXES.test(name))) continue;
    problem(name, `is not ${source.kind === 'attribute' ? 'an attribute of <faultline-lab>' : 'a parameter of the embed'}.`, EMBED_ATTRIBUTES);
  }

  // The run's inputs: the lab URL's parser, on a query string made of these attributes only.
  const params = new URLSearchParams();
  for (const name of RUN_ATTRIBUTES) {
    const value = source.get(name);
    if (value !== null) params.set(name, value);
  }
  const { config, atMs, problems: urlProblems } = parseUrlState(params.toString());
  for (const text of urlProblems) {
    // url-state says "name: what is wrong" (or "actions[2]: ..."); keep the attribute, drop the prefix.
    const m = /^([a-z0-9]+)(?:\[\d+\])?:\s*(.*)$/s.exec(text);
    problem(m?.[1] ?? 'attribute', m?.[2] ?? text);
  }
  const scenarioText = source.get('scenario');
  if (scenarioText !== null && bundledScenario(scenarioText) === null) {
    // Replaces url-state's format message, if any: this one lists the choices.
    removeProblems(problems, 'scenario');
    const guess = closestName(scenarioText, BUNDLED_SCENARIOS.map((s) => s.name));
    problem(
      'scenario',
      `${scenarioText === '' ? 'is empty' : `${quote(scenarioText)} is not a scenario this embed bundles`}.${guess === null ? '' : ` Did you mean ${quote(guess)}?`}`,
      BUNDLED_SCENARIOS.filter((s) => !s.lesson).map((s) => s.name),
      { label: 'the lessons\' scenarios', values: BUNDLED_SCENARIOS.filter((s) => s.lesson).map((s) => s.name) },
    );
  }
  const protocol = source.get('protocol');
  if (protocol !== null && !(PROTOCOL_NAMES as readonly string[]).includes(protocol)) {
    // Replaces url-state's format message, if any: this one lists the choices.
    removeProblems(problems, 'protocol');
    problem('protocol', `${quote(protocol)} is not a protocol the lab runs.`, PROTOCOL_NAMES);
  }
  if (config.bugs !== null) {
    const unknown = config.bugs.filter((b) => !KNOWN_BUGS.includes(b));
    if (unknown.length > 0) problem('bug', `${unknown.map(quote).join(', ')} ${unknown.length === 1 ? 'is not a bug flag' : 'are not bug flags'}.`, KNOWN_BUGS);
  }

  // How to show it.
  const controlsText = source.get('controls');
  let controls: ControlsMode = 'minimal';
  if (controlsText !== null) {
    if ((CONTROLS_MODES as readonly string[]).includes(controlsText)) controls = controlsText as ControlsMode;
    else problem('controls', `${quote(controlsText)} is not a kind of controls.`, CONTROLS_MODES);
  }
  const autoplayText = source.get('autoplay');
  let autoplay = false;
  if (autoplayText !== null) {
    // A boolean attribute: present (with no value) means yes; "false" is accepted as no, for frameworks that write it.
    if (autoplayText === '' || autoplayText === 'autoplay' || autoplayText === 'true') autoplay = true;
    else if (autoplayText !== 'false') problem('autoplay', `${quote(autoplayText)} is not allowed: write autoplay on its own to play at once, or leave it out.`, ['(no value)', 'true', 'false']);
  }
  const speedText = source.get('speed');
  let speed = SPEED_DEFAULT;
  if (speedText !== null) {
    const parsed = parseSpeed(speedText);
    if (parsed === null) {
      problem('speed', `${quote(speedText)} is not a speed from ${formatSpeed(SPEED_MIN)} to ${formatSpeed(SPEED_MAX)} real time (virtual ms per wall ms, such as 1/20, 0.5 or 2).`);
    } else speed = parsed;
  }
  const heightText = source.get('height');
  let heightPx: number | null = null;
  if (heightText !== null) {
    heightPx = parseHeight(heightText);
    if (heightPx === null) problem('height', `${quote(heightText)} is not a height in CSS pixels from ${HEIGHT_MIN_PX} to ${HEIGHT_MAX_PX} (such as 360 or 360px).`);
  }
  const themeText = source.get('theme');
  let theme: ThemeChoice = 'auto';
  if (themeText !== null) {
    if ((THEMES as readonly string[]).includes(themeText)) theme = themeText as ThemeChoice;
    else problem('theme', `${quote(themeText)} is not a theme.`, THEMES);
  }
  const captionText = source.get('caption');
  let caption: string | null = null;
  if (captionText !== null) {
    caption = cleanCaption(captionText);
    if (caption.length > CAPTION_MAX_CHARS) problem('caption', `is ${caption.length} characters long; at most ${CAPTION_MAX_CHARS} are allowed.`);
  }
  const labText = source.get('lab');
  let labUrl = env.defaultLabUrl;
  if (labText !== null) {
    if (labText.trim() === NO_LAB) labUrl = null;
    else {
      let url: URL | null = null;
      try {
        url = new URL(labText.trim(), env.baseUrl);
      } catch {
        url = null;
      }
      if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
        problem('lab', `${quote(labText)} is not an http or https address of the full lab (or "${NO_LAB}" for no link).`);
      } else labUrl = url.href;
    }
  }

  if (problems.length > 0) return { options: null, problems };
  return { options: { config, atMs, controls, autoplay, speed, heightPx, theme, caption, labUrl }, problems };
}

/** Edit distance (Levenshtein), bounded: only small distances matter for a suggestion. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 4;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/**
 * The name a typo most likely meant: one within three edits, else the only one that starts with (or
 * contains) what was written. Null when nothing is close or the guess would be a coin toss.
 */
export function closestName(text: string, names: readonly string[]): string | null {
  const given = text.trim().toLowerCase();
  if (given.length < 3) return null;
  let best: string | null = null;
  let bestDistance = 4;
  for (const name of names) {
    const d = editDistance(given, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  if (best !== null) return best;
  const starting = names.filter((n) => n.startsWith(given));
  if (starting.length === 1) return starting[0]!;
  const containing = names.filter((n) => n.includes(given));
  return containing.length === 1 ? containing[0]! : null;
}

function removeProblems(problems: EmbedProblem[], attribute: string): void {
  for (let i = problems.length - 1; i >= 0; i--) if (problems[i]!.attribute === attribute) problems.splice(i, 1);
}

/** The full lab at the run's inputs and moment ("Open in Faultline"), or null without a lab address. */
export function labLink(labUrl: string | null, config: LabConfig, atMs: number): string | null {
  if (labUrl === null) return null;
  const url = new URL(labUrl);
  url.search = formatUrlState(config, atMs);
  url.hash = '';
  return url.href;
}

/** An element's attributes as an EmbedSource. */
export function attributeSource(element: Element): EmbedSource {
  return { names: element.getAttributeNames(), get: (name) => element.getAttribute(name), kind: 'attribute' };
}

/** A query string as an EmbedSource (the last of a repeated parameter wins, as in the lab). */
export function querySource(search: string): EmbedSource {
  const params = new URLSearchParams(search);
  return {
    names: [...new Set(params.keys())],
    get: (name) => {
      const all = params.getAll(name);
      return all.length === 0 ? null : all[all.length - 1]!;
    },
    kind: 'parameter',
  };
}
