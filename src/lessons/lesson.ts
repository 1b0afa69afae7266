/**
 * The lesson format (lessons/README.md): one folder per lesson, `lesson.md` with front matter and
 * steps, and the scenario files it names. Parsing is pure (text in, a Lesson or a list of problems
 * out, each with its file and line), so the build, the tests, `faultline validate lessons/<id>` and
 * the page all apply the same rules.
 *
 *     ---
 *     id: leader-election
 *     title: Leader election
 *     summary: Terms, votes, randomized timeouts and split votes.
 *     protocol: raft
 *     prerequisites: [why-agree]
 *     minutes: 10
 *     scenario: scenario.json
 *     ---
 *     Introduction (Markdown).
 *
 *     ## Crash the leader                      <- each "##" heading starts a step
 *     Markdown prose.
 *     ::: play to=2s                          <- directives: one per line, "::: name key=value ... | text"
 *     ::: goal new-leader-after-crash | A new leader is elected after the crash
 *     ::: hint after=20s | Pick the leader in Operator actions and press Crash.
 *     ::: show crash node=leader
 */
import { parseGoal, parseDurationMs, ACTION_TYPES, type GoalSpec, type NodeRef } from './goals';
import { parseMarkdown, type Block } from './markdown';

export type LessonProtocol = 'raft' | 'paxos' | 'multipaxos';
const PROTOCOLS: readonly LessonProtocol[] = ['raft', 'paxos', 'multipaxos'];

export interface LessonProblem {
  readonly file: string;
  /** 1-based line in the file (0 when the problem is about the file as a whole). */
  readonly line: number;
  readonly message: string;
}

/** An operator action of a "show me" solution, with nodes that may be named by role ("leader"). */
export type SolutionAction =
  | { readonly type: 'crash' | 'restart' | 'pause' | 'resume' | 'power-loss'; readonly node: NodeRef }
  | { readonly type: 'partition'; readonly groups: readonly (readonly NodeRef[])[] }
  /** Cut the node (by role) off from every other node. */
  | { readonly type: 'isolate'; readonly node: NodeRef }
  | { readonly type: 'heal' }
  | { readonly type: 'client-request'; readonly op: 'read' | 'write' | 'cas'; readonly key: string; readonly value?: string; readonly expected?: string; readonly node?: NodeRef }
  | { readonly type: 'slow-node'; readonly node: NodeRef; readonly factor: number }
  | { readonly type: 'clock-skew'; readonly node: NodeRef; readonly rate: number }
  /** Let the run go on this long (virtual time) before the next action. */
  | { readonly type: 'wait'; readonly ms: number };

export type Directive =
  | { readonly kind: 'load'; readonly line: number; readonly file: string; readonly seed: number | null }
  | { readonly kind: 'reset'; readonly line: number }
  | { readonly kind: 'play-to'; readonly line: number; readonly ms: number }
  | { readonly kind: 'play-until'; readonly line: number; readonly goal: GoalSpec; readonly withinMs: number }
  | { readonly kind: 'pause'; readonly line: number; readonly question: string }
  | { readonly kind: 'highlight'; readonly line: number; readonly node: NodeRef | null; readonly logIndex: number | null };

export interface Goal {
  readonly line: number;
  readonly spec: GoalSpec;
  /** What the student reads ("A new leader is elected after the crash"). */
  readonly text: string;
}

export interface Hint {
  readonly afterMs: number;
  readonly text: string;
}

export interface Step {
  readonly title: string;
  /** The line of its "##" heading. */
  readonly line: number;
  readonly body: readonly Block[];
  /** Run before the student acts, in order (load, reset, play, pause, highlight). */
  readonly directives: readonly Directive[];
  readonly goals: readonly Goal[];
  readonly hints: readonly Hint[];
  /** "Show me": what solves the step, applied from where the run stands. */
  readonly solution: readonly SolutionAction[];
  /** How long after the solution the goals may take to be met (virtual time). */
  readonly solutionWithinMs: number;
}

export interface Lesson {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly protocol: LessonProtocol;
  readonly prerequisites: readonly string[];
  readonly minutes: number;
  /** The scenario file the lesson starts from (relative to its folder). */
  readonly scenario: string;
  readonly intro: readonly Block[];
  readonly steps: readonly Step[];
}

export type ParsedLesson = { ok: true; lesson: Lesson } | { ok: false; problems: LessonProblem[] };

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const FILE = /^[a-z0-9][a-z0-9-]*\.json$/;
const FRONT_KEYS = ['id', 'title', 'summary', 'protocol', 'prerequisites', 'minutes', 'scenario'] as const;
/** Bounds: a lesson is short; a runaway file is refused, not rendered. */
export const LESSON_LIMITS = { bytes: 64 * 1024, steps: 30, directivesPerStep: 20, solutionActions: 12, textChars: 300 } as const;
const DEFAULT_WITHIN_MS = 10_000;
const WITHIN_MAX_MS = 120_000;

interface Line {
  readonly n: number;
  readonly text: string;
}

/** `key=value` and bare words of a directive, and its `| text`. */
function splitDirective(body: string): { name: string; args: Map<string, string>; words: string[]; text: string | null } {
  const bar = body.indexOf('|');
  const head = (bar < 0 ? body : body.slice(0, bar)).trim();
  const text = bar < 0 ? null : body.slice(bar + 1).trim();
  const [name = '', ...rest] = head.split(/\s+/).filter((w) => w !== '');
  const args = new Map<string, string>();
  const words: string[] = [];
  for (const w of rest) {
    const eq = w.indexOf('=');
    if (eq > 0) args.set(w.slice(0, eq), w.slice(eq + 1));
    else words.push(w);
  }
  return { name, args, words, text };
}

function nodeRef(text: string | undefined): NodeRef | string {
  if (text === undefined) return 'needs node=ID (n1 ... n9) or node=leader';
  return text === 'leader' || /^n[1-9]$/.test(text) ? text : `node must be n1 ... n9 or leader, got "${text}"`;
}

function isRef(v: string): boolean {
  return v === 'leader' || /^n[1-9]$/.test(v);
}

/** One "show me" action from `::: show ACTION key=value ...`; a string is the reason it is invalid. */
export function parseSolutionAction(name: string, args: ReadonlyMap<string, string>): SolutionAction | string {
  switch (name) {
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
    case 'power-loss':
    case 'isolate': {
      const node = nodeRef(args.get('node'));
      return isRef(node) ? { type: name, node } : node;
    }
    case 'partition': {
      const text = args.get('groups');
      if (text === undefined) return 'needs groups=n1,n2/n3,n4,n5 (groups separated by /)';
      const groups = text.split('/').map((g) => g.split(',').filter((x) => x !== ''));
      if (groups.length < 2 || groups.some((g) => g.length === 0)) return `groups needs two or more non-empty groups, got "${text}"`;
      const bad = groups.flat().find((x) => !isRef(x));
      return bad !== undefined ? `partition node must be n1 ... n9 or leader, got "${bad}"` : { type: 'partition', groups };
    }
    case 'heal':
      return { type: 'heal' };
    case 'client-request': {
      const op = args.get('op') ?? 'write';
      if (op !== 'read' && op !== 'write' && op !== 'cas') return `op must be read, write or cas, got "${op}"`;
      const key = args.get('key') ?? 'x';
      if (!/^[A-Za-z0-9_-]{1,16}$/.test(key)) return `key must be 1-16 letters, digits, _ or -, got "${key}"`;
      const value = args.get('value');
      if (op !== 'read' && (value === undefined || value.length === 0)) return `a ${op} needs value=...`;
      if (op === 'cas' && args.get('expected') === undefined) return 'a cas needs expected=...';
      const target = args.get('node');
      if (target !== undefined && !isRef(target)) return `node must be n1 ... n9 or leader, got "${target}"`;
      return {
        type: 'client-request', op, key, ...(value !== undefined ? { value } : {}), ...(args.has('expected') ? { expected: args.get('expected')! } : {}),
        ...(target !== undefined ? { node: target } : {}),
      };
    }
    case 'slow-node':
    case 'clock-skew': {
      const node = nodeRef(args.get('node'));
      if (!isRef(node)) return node;
      const key = name === 'slow-node' ? 'factor' : 'rate';
      const n = Number(args.get(key));
      if (!Number.isFinite(n) || n <= 0) return `needs ${key}=NUMBER`;
      return name === 'slow-node' ? { type: name, node, factor: n } : { type: name, node, rate: n };
    }
    case 'wait': {
      const ms = parseDurationMs(args.get('ms') ?? '');
      return ms === null || ms < 1 ? 'needs ms=TIME (e.g. 500ms or 2s)' : { type: 'wait', ms };
    }
    default:
      return `unknown action "${name}" (known: ${[...ACTION_TYPES.filter((a) => !a.includes('message') && !a.includes('link') && a !== 'network-storm'), 'isolate', 'wait'].join(', ')})`;
  }
}

function parseFrontMatter(lines: readonly Line[], file: string, problems: LessonProblem[]): Map<string, { value: string; line: number }> {
  const out = new Map<string, { value: string; line: number }>();
  for (const { n, text } of lines) {
    if (text.trim() === '' || text.trim().startsWith('#')) continue;
    const m = /^([a-z]+):\s*(.*)$/.exec(text);
    if (m === null) {
      problems.push({ file, line: n, message: `front matter: expected "key: value", got "${text.slice(0, 60)}"` });
      continue;
    }
    const key = m[1]!;
    if (!(FRONT_KEYS as readonly string[]).includes(key)) {
      problems.push({ file, line: n, message: `front matter: unknown key "${key}" (known: ${FRONT_KEYS.join(', ')})` });
      continue;
    }
    if (out.has(key)) problems.push({ file, line: n, message: `front matter: "${key}" is given twice` });
    // A value may be quoted (YAML habit): the quotes are not part of it.
    const value = m[2]!.replace(/\s+#.*$/, '').trim();
    const unquoted = /^(["'])(.*)\1$/.exec(value);
    out.set(key, { value: unquoted !== null ? unquoted[2]! : value, line: n });
  }
  return out;
}

/**
 * Parses lesson.md. `folder` is the lesson's folder name (its id must match); `files` are the other
 * files in the folder (scenario references are checked against them).
 */
export function parseLesson(text: string, folder: string, files: readonly string[], file = `lessons/${folder}/lesson.md`): ParsedLesson {
  const problems: LessonProblem[] = [];
  const fail = (line: number, message: string): void => {
    problems.push({ file, line, message });
  };
  if (text.length > LESSON_LIMITS.bytes) return { ok: false, problems: [{ file, line: 0, message: `larger than ${LESSON_LIMITS.bytes} bytes` }] };
  const all: Line[] = text.replace(/\r\n?/g, '\n').split('\n').map((t, i) => ({ n: i + 1, text: t }));
  if (all[0]?.text.trim() !== '---') return { ok: false, problems: [{ file, line: 1, message: 'a lesson starts with front matter: a "---" line' }] };
  const close = all.findIndex((l, i) => i > 0 && l.text.trim() === '---');
  if (close < 0) return { ok: false, problems: [{ file, line: 1, message: 'the front matter is never closed with a "---" line' }] };
  const front = parseFrontMatter(all.slice(1, close), file, problems);
  const field = (key: string): { value: string; line: number } | null => {
    const f = front.get(key);
    if (f === undefined || f.value === '') {
      fail(2, `front matter: "${key}" is required`);
      return null;
    }
    return f;
  };
  const id = field('id');
  if (id !== null && !ID.test(id.value)) fail(id.line, `id must be lowercase letters, digits and dashes, got "${id.value}"`);
  if (id !== null && id.value !== folder) fail(id.line, `id "${id.value}" must equal the folder name "${folder}"`);
  const title = field('title');
  const summary = field('summary');
  for (const f of [title, summary]) if (f !== null && f.value.length > LESSON_LIMITS.textChars) fail(f.line, `longer than ${LESSON_LIMITS.textChars} characters`);
  const protocol = field('protocol');
  if (protocol !== null && !(PROTOCOLS as readonly string[]).includes(protocol.value)) fail(protocol.line, `protocol must be one of ${PROTOCOLS.join(', ')}, got "${protocol.value}"`);
  const minutes = field('minutes');
  if (minutes !== null && !(/^\d+$/.test(minutes.value) && Number(minutes.value) >= 1 && Number(minutes.value) <= 120)) {
    fail(minutes.line, `minutes must be a whole number from 1 to 120, got "${minutes.value}"`);
  }
  const scenario = field('scenario');
  const checkFile = (name: string, line: number): void => {
    if (!FILE.test(name)) fail(line, `scenario file must be a name like scenario.json in the lesson folder, got "${name}"`);
    else if (!files.includes(name)) fail(line, `scenario file "${name}" is not in lessons/${folder}/`);
  };
  if (scenario !== null) checkFile(scenario.value, scenario.line);
  const prereqText = front.get('prerequisites')?.value ?? '[]';
  const prereqLine = front.get('prerequisites')?.line ?? 2;
  let prerequisites: string[] = [];
  const list = /^\[(.*)\]$/.exec(prereqText);
  if (list === null) fail(prereqLine, `prerequisites must be a list like [why-agree, leader-election], got "${prereqText}"`);
  else {
    prerequisites = list[1]!.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const bad = prerequisites.find((p) => !ID.test(p));
    if (bad !== undefined) fail(prereqLine, `prerequisite "${bad}" is not a lesson id`);
  }

  // The body: an introduction, then steps, each from its "##" heading to the next.
  const body = all.slice(close + 1);
  const sections: { title: string; line: number; lines: Line[] }[] = [];
  let current: { title: string; line: number; lines: Line[] } = { title: '', line: 0, lines: [] };
  let inFence = false;
  for (const l of body) {
    if (/^```/.test(l.text)) inFence = !inFence;
    const h2 = !inFence ? /^##\s+(.*)$/.exec(l.text) : null;
    if (h2 !== null && !l.text.startsWith('###')) {
      sections.push(current);
      current = { title: h2[1]!.trim(), line: l.n, lines: [] };
    } else current.lines.push(l);
  }
  sections.push(current);
  const [introSection, ...stepSections] = sections;
  if (stepSections.length === 0) fail(close + 2, 'a lesson needs at least one step (a "## Title" heading)');
  if (stepSections.length > LESSON_LIMITS.steps) fail(stepSections[LESSON_LIMITS.steps]!.line, `at most ${LESSON_LIMITS.steps} steps`);

  const markdown = (lines: readonly Line[]): Block[] => {
    if (lines.length === 0) return [];
    const { blocks, problems: mdProblems } = parseMarkdown(lines.map((l) => l.text).join('\n'));
    for (const p of mdProblems) fail(lines[0]!.n + p.line - 1, p.message);
    return blocks;
  };
  const introLines = introSection!.lines;
  for (const l of introLines) if (l.text.startsWith(':::')) fail(l.n, 'directives belong in a step (after a "## Title" heading)');
  const intro = markdown(introLines.filter((l) => !l.text.startsWith(':::')));

  const steps: Step[] = stepSections.map((section) => parseStep(section, fail, markdown, checkFile));
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    lesson: {
      id: id!.value, title: title!.value, summary: summary!.value, protocol: protocol!.value as LessonProtocol, prerequisites,
      minutes: Number(minutes!.value), scenario: scenario!.value, intro, steps,
    },
  };
}

function parseStep(
  section: { title: string; line: number; lines: Line[] },
  fail: (line: number, message: string) => void,
  markdown: (lines: readonly Line[]) => Block[],
  checkFile: (name: string, line: number) => void,
): Step {
  const directives: Directive[] = [];
  const goals: Goal[] = [];
  const hints: Hint[] = [];
  const solution: SolutionAction[] = [];
  let solutionWithinMs = DEFAULT_WITHIN_MS;
  const prose: Line[] = [];
  if (section.title === '') fail(section.line, 'a step needs a title after "##"');
  if (section.title.length > LESSON_LIMITS.textChars) fail(section.line, `step title longer than ${LESSON_LIMITS.textChars} characters`);
  let inFence = false;
  for (const l of section.lines) {
    if (/^```/.test(l.text)) inFence = !inFence;
    if (inFence || !l.text.startsWith(':::')) {
      prose.push(l);
      continue;
    }
    const { name, args, words, text } = splitDirective(l.text.slice(3));
    const at = (message: string): void => fail(l.n, `${name || 'directive'}: ${message}`);
    if (words.length > 0 && name !== 'goal' && name !== 'show') at(`unexpected "${words[0]}" (arguments are key=value)`);
    if (text !== null && text.length > LESSON_LIMITS.textChars) at(`text longer than ${LESSON_LIMITS.textChars} characters`);
    if (directives.length + goals.length + hints.length > LESSON_LIMITS.directivesPerStep) {
      at(`at most ${LESSON_LIMITS.directivesPerStep} directives in a step`);
      continue;
    }
    switch (name) {
      case 'load': {
        const fileName = args.get('file');
        if (fileName === undefined) {
          at('needs file=NAME.json');
          break;
        }
        checkFile(fileName, l.n);
        const seedText = args.get('seed');
        const seed = seedText === undefined ? null : /^\d+$/.test(seedText) ? Number(seedText) : NaN;
        if (Number.isNaN(seed)) at(`seed must be a whole number, got "${seedText}"`);
        directives.push({ kind: 'load', line: l.n, file: fileName, seed: Number.isNaN(seed) ? null : seed });
        break;
      }
      case 'reset':
        directives.push({ kind: 'reset', line: l.n });
        break;
      case 'play': {
        if (args.has('to')) {
          const ms = parseDurationMs(args.get('to')!);
          if (ms === null) at(`to must be a time like 500ms or 2s, got "${args.get('to')}"`);
          else directives.push({ kind: 'play-to', line: l.n, ms });
        } else if (args.has('until')) {
          const goalArgs = new Map(args);
          goalArgs.delete('until');
          goalArgs.delete('within');
          const goal = parseGoal(args.get('until')!, goalArgs);
          const within = parseDurationMs(args.get('within') ?? '10s');
          if (typeof goal === 'string') at(goal);
          else if (within === null || within > WITHIN_MAX_MS) at(`within must be a time up to ${WITHIN_MAX_MS / 1000}s`);
          else directives.push({ kind: 'play-until', line: l.n, goal, withinMs: within });
        } else at('needs to=TIME or until=GOAL');
        break;
      }
      case 'pause':
        if (text === null || text === '') at('needs a question: "::: pause | Which node wins, and why?"');
        else directives.push({ kind: 'pause', line: l.n, question: text });
        break;
      case 'highlight': {
        const node = args.get('node');
        const index = args.get('index');
        if (node === undefined && index === undefined) at('needs node=ID|leader or index=N');
        else if (node !== undefined && !isRef(node)) at(`node must be n1 ... n9 or leader, got "${node}"`);
        else if (index !== undefined && !/^\d+$/.test(index)) at(`index must be a whole number, got "${index}"`);
        else directives.push({ kind: 'highlight', line: l.n, node: node ?? null, logIndex: index === undefined ? null : Number(index) });
        break;
      }
      case 'goal': {
        const goalName = words[0];
        if (goalName === undefined) {
          at('needs a goal name, e.g. "::: goal leader-elected | A leader is elected"');
          break;
        }
        if (text === null || text === '') at('needs the text the student reads, after "|"');
        const spec = parseGoal(goalName, args);
        if (typeof spec === 'string') at(spec);
        else goals.push({ line: l.n, spec, text: text ?? '' });
        break;
      }
      case 'hint': {
        const after = parseDurationMs(args.get('after') ?? '30s');
        if (text === null || text === '') at('needs the hint text after "|"');
        else if (after === null) at(`after must be a time like 30s, got "${args.get('after')}"`);
        else hints.push({ afterMs: after, text });
        break;
      }
      case 'show': {
        const actionName = words[0];
        if (actionName === undefined) {
          at('needs an action, e.g. "::: show crash node=leader"');
          break;
        }
        if (args.has('within')) {
          const within = parseDurationMs(args.get('within')!);
          if (within === null || within > WITHIN_MAX_MS) at(`within must be a time up to ${WITHIN_MAX_MS / 1000}s`);
          else solutionWithinMs = within;
          args.delete('within');
        }
        const action = parseSolutionAction(actionName, args);
        if (typeof action === 'string') at(action);
        else if (solution.length >= LESSON_LIMITS.solutionActions) at(`at most ${LESSON_LIMITS.solutionActions} actions in a solution`);
        else solution.push(action);
        break;
      }
      default:
        at('unknown directive (known: load, reset, play, pause, highlight, goal, hint, show)');
    }
  }
  if (goals.length > 0 && solution.length === 0) fail(section.line, `step "${section.title}" has goals but no "::: show" solution`);
  return { title: section.title, line: section.line, body: markdown(prose), directives, goals, hints, solution, solutionWithinMs };
}
