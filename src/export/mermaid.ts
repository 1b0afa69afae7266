/**
 * A time window of a run as a Mermaid `sequenceDiagram`: participants are the nodes (in member
 * order) and then the clients seen in the window (sorted); arrows are messages; notes are role
 * changes, commits, chosen values, faults, operator actions, client operations and violations.
 * Pure: a function of (events, options) only, so the same run and window give the same bytes in
 * Node (the CLI's `--mermaid`) and in any browser (the lab's export).
 *
 * Choices, and why:
 * - The window is closed, [fromMs, toMs]: the events at both ends are in it, so `0..600ms` of a
 *   600 ms run shows everything that run did.
 * - One arrow per message sent in the window (a duplicate's copy counts as sent when the network
 *   made it). The arrow is drawn where the message's fate is known, in trace order: at its delivery
 *   (`->>`, solid), at its drop (`-x`, labelled with the reason), or, for a message still in flight
 *   when the window ends, after everything else (`--x`, dotted: its fate is not in the window).
 *   Drawing at arrival keeps cause before effect: the receiver's reaction (a vote, a new leader)
 *   comes right below the arrow that caused it. Messages sent before the window are not drawn.
 * - Heartbeats (Raft AppendEntries with n=0, Paxos Heartbeat) are drawn as they are, not collapsed:
 *   the diagram stays one arrow per message, a lost heartbeat (what starts an election) stays
 *   visible, and maxArrows bounds the size. Their labels say n=0, which is what a heartbeat is.
 * - Notes carry the event's time ("203ms leader t1"); arrows do not (their order is the time).
 * - Left out on purpose, as detail the arrows and notes already imply: timers, term changes
 *   (a role note gives the term), appends (the AppendEntries n=k arrow), Paxos promise / accepted /
 *   propose (the Promise / Accepted / Accept arrows), and an operator's client-request (its invoke
 *   note follows). A fault that repeats the operator action just recorded is not drawn twice.
 * - Text safety: participant ids are kept only when they are a plain word that is not a Mermaid
 *   keyword, otherwise replaced by a generated id with the name as an alias. Every text (labels,
 *   notes, aliases, title) passes a whitelist, [A-Za-z0-9 _.,:=>-]; anything else becomes `_`.
 *   `#` is not allowed (in Mermaid's sequence grammar it starts a comment that swallows the rest
 *   of the line), nor `;` (a statement separator), `%` (comments), `<` (HTML), or newlines.
 * - Bounded: at most maxArrows arrows (default 200). The diagram then stops where the next arrow
 *   would have been, and ends with a note saying how many messages and notes were left out.
 */
import { formatBallot } from '../protocols/paxos/ballot';
import type { TraceEvent } from '../sim/trace';

export interface SequenceDiagramOptions {
  /** The window, closed at both ends, in virtual milliseconds. */
  fromMs: number;
  toMs: number;
  /** The cluster's node ids, in member order (the first participants). */
  members: readonly string[];
  /** Bound on arrows drawn (default DEFAULT_MAX_ARROWS, at most MAX_ARROWS_LIMIT). */
  maxArrows?: number;
  /** How to read terms and ballots; detected from the events when absent. */
  protocol?: 'raft' | 'paxos';
  /** Shown as the diagram's title, before the window (default "Faultline"). */
  title?: string;
}

export interface SequenceDiagram {
  /** Mermaid source, starting `sequenceDiagram`, ending in a newline. */
  text: string;
  /** Arrows drawn (at most maxArrows). */
  arrows: number;
  /** True when arrows (and the notes after them) were left out to stay within maxArrows. */
  truncated: boolean;
}

export const DEFAULT_MAX_ARROWS = 200;
/** Hard bound on maxArrows: beyond this Mermaid's layout takes seconds and the picture is unreadable. */
export const MAX_ARROWS_LIMIT = 5000;
/** Bound on one arrow label or note text (characters). */
const LABEL_MAX_CHARS = 60;
const NOTE_MAX_CHARS = 90;

/** Words the sequence-diagram lexer reads as keywords (case-insensitively): never a participant id. */
const MERMAID_KEYWORDS = new Set([
  'accdescr', 'acctitle', 'activate', 'actor', 'alt', 'and', 'as', 'autonumber', 'box', 'break', 'create',
  'critical', 'deactivate', 'destroy', 'details', 'else', 'end', 'left', 'link', 'links', 'loop', 'note',
  'off', 'opt', 'option', 'over', 'par', 'par_over', 'participant', 'properties', 'rect', 'right',
  'sequencediagram', 'title',
]);

const PAXOS_MESSAGE_TYPES = new Set(['Prepare', 'Promise', 'Nack', 'Accept', 'Accepted', 'Heartbeat', 'HeartbeatAck', 'Snapshot', 'Learn']);
const CLIENT_MESSAGE_TYPES = new Set(['ClientRequest', 'ClientReply', 'ClientRedirect']);

/**
 * Text as Mermaid will show it and never parse as syntax: whitelisted characters only, spaces
 * collapsed, at most `maxChars` (cut with ".."), never empty.
 */
export function safeText(text: string, maxChars: number = NOTE_MAX_CHARS): string {
  let s = text.replace(/\s+/g, ' ').replace(/[^A-Za-z0-9 _.,:=>-]/g, '_').trim();
  if (s.length > maxChars) s = s.slice(0, Math.max(1, maxChars - 2)).trimEnd() + '..';
  return s === '' ? '_' : s;
}

/** Numeric-aware, locale-free order for client ids ("c2" before "c10"), the same in every runtime. */
function compareNames(a: string, b: string): number {
  const ma = /^(.*?)(\d+)$/.exec(a);
  const mb = /^(.*?)(\d+)$/.exec(b);
  if (ma !== null && mb !== null && ma[1] === mb[1]) {
    const diff = Number(ma[2]) - Number(mb[2]);
    if (diff !== 0) return diff;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function detectProtocol(events: readonly TraceEvent[]): 'raft' | 'paxos' {
  for (const e of events) {
    if (e.kind === 'promise' || e.kind === 'accepted' || e.kind === 'propose' || e.kind === 'chosen') return 'paxos';
    if (e.kind === 'sent' && PAXOS_MESSAGE_TYPES.has(e.type)) return 'paxos';
  }
  return 'raft';
}

function inWindow(e: TraceEvent, fromMs: number, toMs: number): boolean {
  return e.atMs >= fromMs && e.atMs <= toMs;
}

/** The addresses an event names as a participant (message ends and clients). */
function addressesOf(e: TraceEvent): string[] {
  switch (e.kind) {
    case 'sent':
    case 'delivered':
    case 'dropped':
    case 'duplicated':
      return [e.from, e.to];
    case 'invoke':
    case 'ok':
    case 'fail':
    case 'info':
      return [e.client];
    default:
      return [];
  }
}

interface Pending {
  from: string;
  to: string;
  /** null: a copy of a message sent before the window (its label is unknown until it arrives). */
  label: string | null;
}

/** Builds the diagram. Throws RangeError for a bad window, member list or bound. */
export function sequenceDiagram(events: readonly TraceEvent[], options: SequenceDiagramOptions): SequenceDiagram {
  const { fromMs, toMs, members } = options;
  const maxArrows = options.maxArrows ?? DEFAULT_MAX_ARROWS;
  if (!(Number.isSafeInteger(fromMs) && Number.isSafeInteger(toMs) && fromMs >= 0 && fromMs <= toMs)) {
    throw new RangeError(`mermaid: bad window ${fromMs}..${toMs} (integer milliseconds, 0 <= from <= to)`);
  }
  if (!(Number.isSafeInteger(maxArrows) && maxArrows >= 1 && maxArrows <= MAX_ARROWS_LIMIT)) {
    throw new RangeError(`mermaid: maxArrows must be an integer from 1 to ${MAX_ARROWS_LIMIT}, got ${maxArrows}`);
  }
  if (members.length === 0 || new Set(members).size !== members.length) {
    throw new RangeError('mermaid: members must be a non-empty list of distinct node ids');
  }
  const protocol = options.protocol ?? detectProtocol(events);

  // ---- participants: the nodes in member order, then the clients seen in the window, sorted.
  const memberSet = new Set(members);
  const others = new Set<string>();
  for (const e of events) {
    if (!inWindow(e, fromMs, toMs)) continue;
    for (const a of addressesOf(e)) if (!memberSet.has(a)) others.add(a);
  }
  const names = [...members, ...[...others].sort(compareNames)];
  const ids = new Map<string, string>();
  const position = new Map<string, number>();
  const lines: string[] = ['sequenceDiagram'];
  lines.push(`  title ${safeText(`${options.title ?? 'Faultline'}, ${fromMs}ms..${toMs}ms`)}`);
  names.forEach((name, i) => {
    // A plain word keeps its name as the id; anything else gets `P_k` (ids with `_` are never kept,
    // so a generated id cannot collide with a kept one) and shows its name as an alias.
    const plain = /^[A-Za-z][A-Za-z0-9]*$/.test(name) && !MERMAID_KEYWORDS.has(name.toLowerCase());
    const id = plain ? name : `P_${i + 1}`;
    ids.set(name, id);
    position.set(name, i);
    lines.push(plain ? `  participant ${id}` : `  participant ${id} as ${safeText(name, 40)}`);
  });
  const idOf = (name: string): string => ids.get(name)!;
  const everyone = [members[0]!, names[names.length - 1]!];
  const allMembers = [members[0]!, members[members.length - 1]!];

  /** A note's placement: over the one participant, or spanning the leftmost to the rightmost named. */
  const over = (named: readonly string[]): string => {
    const known = named.filter((n) => position.has(n)).sort((a, b) => position.get(a)! - position.get(b)!);
    const span = known.length === 0 ? allMembers : [known[0]!, known[known.length - 1]!];
    return span[0] === span[1] ? idOf(span[0]!) : `${idOf(span[0]!)},${idOf(span[1]!)}`;
  };
  /** The participants a free-text detail mentions ("n1,n2 | n3", "n1<->n2", "n2 x3"). */
  const mentioned = (text: string): string[] => text.split(/[^A-Za-z0-9_]+/).filter((w) => position.has(w));
  const ballot = (b: number): string => `b${formatBallot(b, members)}`;
  const termText = (t: number): string => (protocol === 'paxos' ? ballot(t) : `t${t}`);

  const label = (type: string, term: number, detail: string): string => {
    let text: string;
    if (CLIENT_MESSAGE_TYPES.has(type)) {
      text = `${type} ${detail}`;
    } else if (protocol === 'paxos') {
      // Ballots as the views write them (b1.n1); values (Learn) pass through safeText.
      const withBallots = detail.replace(/^b(\d+)/, (_m, d: string) => ballot(Number(d))).replace(/promised=b(\d+)/, (_m, d: string) => `promised=${ballot(Number(d))}`);
      text = `${type} ${commandText(withBallots)}`;
    } else if (type === 'AppendEntries') {
      // prev=i/t is for log repair; the entry count and commit index are what a reader follows.
      text = `${type} t${term} ${detail.replace(/prev=\S+\s*/, '')}`;
    } else {
      text = `${type} t${term} ${detail.replace(/(\d+)\/t(\d+)/g, '$1:t$2')}`;
    }
    return safeText(text, LABEL_MAX_CHARS);
  };

  // ---- rows, in trace order, bounded by maxArrows.
  const rows: string[] = [];
  let arrows = 0;
  let truncated = false;
  let cutAtMs = toMs;
  let leftOutArrows = 0;
  let leftOutNotes = 0;
  const arrow = (atMs: number, from: string, to: string, kind: '->>' | '-x' | '--x', text: string): void => {
    if (!truncated && arrows === maxArrows) {
      truncated = true;
      cutAtMs = atMs;
    }
    if (truncated) {
      leftOutArrows++;
      return;
    }
    arrows++;
    rows.push(`  ${idOf(from)}${kind}${idOf(to)}: ${text}`);
  };
  const note = (atMs: number, named: readonly string[], text: string): void => {
    if (truncated) {
      leftOutNotes++;
      return;
    }
    rows.push(`  Note over ${over(named)}: ${safeText(`${atMs}ms ${text}`)}`);
  };

  // Messages sent in the window whose fate is not yet known; bounded by the network's in-flight limit.
  const pending = new Map<number, Pending>();
  let lastAction: { atMs: number; action: string; detail: string } | null = null;
  for (const e of events) {
    if (!inWindow(e, fromMs, toMs)) continue;
    switch (e.kind) {
      case 'sent':
        pending.set(e.msgId, { from: e.from, to: e.to, label: label(e.type, e.term, e.detail) });
        break;
      case 'delivered': {
        const p = pending.get(e.msgId);
        if (p === undefined) break; // sent before the window
        pending.delete(e.msgId);
        arrow(e.atMs, p.from, p.to, '->>', p.label ?? safeText(`${e.type}, copy`, LABEL_MAX_CHARS));
        break;
      }
      case 'dropped': {
        const p = pending.get(e.msgId);
        if (p === undefined) break;
        pending.delete(e.msgId);
        arrow(e.atMs, p.from, p.to, '-x', safeText(`${p.label ?? 'message, copy'}, lost: ${e.reason}`, LABEL_MAX_CHARS + 20));
        break;
      }
      case 'duplicated': {
        const original = pending.get(e.msgId);
        const what = original?.label ?? 'a message sent before the window';
        note(e.atMs, [e.from, e.to], `duplicated: ${what}`);
        pending.set(e.copyId, { from: e.from, to: e.to, label: original === undefined ? null : safeText(`${original.label}, copy`, LABEL_MAX_CHARS + 6) });
        break;
      }
      case 'role':
        note(e.atMs, [e.node], `${e.role} ${termText(e.term)}`);
        break;
      case 'commit':
        note(e.atMs, [e.node], `commit ${e.commitIndex}`);
        break;
      case 'chosen':
        note(e.atMs, [e.node], `chosen slot ${e.slot} = ${commandText(e.value)}`);
        break;
      case 'invoke':
        note(e.atMs, [e.client], `invoke op${e.opId} ${e.op} ${e.key} ${e.value}`);
        break;
      case 'ok':
        note(e.atMs, [e.client], `ok op${e.opId} ${e.value}`);
        break;
      case 'fail':
        note(e.atMs, [e.client], `fail op${e.opId} ${e.reason}`);
        break;
      case 'info':
        note(e.atMs, [e.client], `info op${e.opId} ${e.reason}, outcome unknown`);
        break;
      case 'action':
        lastAction = { atMs: e.atMs, action: e.action, detail: e.detail };
        if (e.action === 'client-request') break; // its invoke note follows
        note(e.atMs, mentioned(e.detail), `operator: ${e.action} ${readableDetail(e.detail)}`);
        break;
      case 'fault':
        if (lastAction !== null && lastAction.atMs === e.atMs && lastAction.action === e.fault && lastAction.detail === e.detail) break;
        note(e.atMs, mentioned(e.detail), `fault: ${e.fault} ${readableDetail(e.detail)}`);
        break;
      case 'violation':
        note(e.atMs, e.nodes === '' ? [] : e.nodes.split(','), `VIOLATION ${e.invariant}: ${e.message}`);
        break;
      case 'timer':
      case 'term':
      case 'append':
      case 'promise':
      case 'accepted':
      case 'propose':
        break; // implied by the arrows and notes drawn (see the module comment)
      default: {
        const never: never = e;
        throw new Error(`mermaid: unhandled event ${JSON.stringify(never)}`);
      }
    }
  }
  // Still in flight when the window ends: dotted and crossed, in the order they were sent.
  for (const p of pending.values()) {
    arrow(toMs, p.from, p.to, '--x', safeText(`${p.label ?? 'message, copy'}, in flight at ${toMs}ms`, LABEL_MAX_CHARS + 25));
  }

  if (rows.length === 0) rows.push(`  Note over ${over(everyone)}: ${safeText(`nothing happened from ${fromMs}ms to ${toMs}ms`)}`);
  lines.push(...rows);
  if (truncated) {
    const notes = leftOutNotes > 0 ? ` and ${leftOutNotes} notes` : '';
    lines.push(`  Note over ${over(everyone)}: ${safeText(`cut at ${cutAtMs}ms after ${maxArrows} arrows: ${leftOutArrows} more messages${notes} left out`)}`);
  }
  return { text: lines.join('\n') + '\n', arrows, truncated };
}

/** Free text from the simulator's describe functions, with the few symbols safeText would mangle spelled out. */
function readableDetail(detail: string): string {
  return detail
    .replace(/<->/g, '-')
    .replace(/\s*\|\s*/g, ' vs ')
    .replace(/#(\d+)/g, 'message $1');
}

/** A Paxos command's canonical text names its operation "c1#2" (client c1, op 2): written "c1 op2" here. */
function commandText(text: string): string {
  return text.replace(/\b(c\d+)#(\d+)/g, '$1 op$2');
}
