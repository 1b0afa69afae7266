/**
 * Pure helpers behind LogTable.svelte: which leader the table measures against, how each cell of the
 * log window is classified, where the leader's nextIndex / matchIndex markers go, and which cells a
 * violation highlights. Nothing here computes protocol state; it only arranges what the worker sent
 * (src/worker/lab-protocol.ts) into rows and columns.
 */
import type { LogEntryView, LogRow, LogsView, NodeSnapshot, NodeStatus, RoleName } from '../../worker/lab-protocol';

/** The log-entry palette has this many colors: --term-0 .. --term-5. */
export const TERM_COLOR_COUNT = 6;

/** Index into the term palette (--term-N) for an entry of `term`; adjacent terms never share a color. */
export function termColorIndex(term: number): number {
  if (!Number.isInteger(term)) throw new Error(`term must be an integer, got ${term}`);
  return ((term % TERM_COLOR_COUNT) + TERM_COLOR_COUNT) % TERM_COLOR_COUNT;
}

/** The CSS custom property that colors an entry of `term`. */
export function termColorVar(term: number): string {
  return `var(--term-${termColorIndex(term)})`;
}

/**
 * - `empty`: this node has no entry at the index.
 * - `conflicting`: the node has an entry whose term differs from the leader's entry at the same index
 *   (the leader will overwrite it, Raft section 5.3; if it was committed, something is badly wrong).
 * - `committed`: index <= the node's commitIndex.
 * - `uncommitted`: stored, but not known committed by this node.
 */
export type CellKind = 'empty' | 'conflicting' | 'committed' | 'uncommitted';

export interface CellClass {
  /** The single kind to show first; `conflicting` wins over committed/uncommitted. */
  readonly kind: CellKind;
  /** Both facts, for cells that are committed on this node and also differ from the leader. */
  readonly committed: boolean;
  readonly conflicting: boolean;
}

/**
 * Classifies one cell. `leaderEntry` is the leader's entry at the same index: null when there is no
 * leader or the leader's log is shorter (an entry the leader lacks is not called a conflict).
 */
export function classifyCell(
  entry: LogEntryView | null,
  commitIndex: number,
  leaderEntry: LogEntryView | null,
): CellClass {
  if (entry === null) return { kind: 'empty', committed: false, conflicting: false };
  if (leaderEntry !== null && leaderEntry.index !== entry.index) {
    throw new Error(`comparing entry ${entry.index} with the leader's entry ${leaderEntry.index}`);
  }
  const committed = entry.index <= commitIndex;
  const conflicting = leaderEntry !== null && leaderEntry.term !== entry.term;
  const kind: CellKind = conflicting ? 'conflicting' : committed ? 'committed' : 'uncommitted';
  return { kind, committed, conflicting };
}

/** The entry a row holds at `index`, or null. Entries are in index order from the window start. */
export function entryAt(row: LogRow, startIndex: number, index: number): LogEntryView | null {
  const guess = row.entries[index - startIndex];
  if (guess !== undefined && guess.index === index) return guess;
  // Not where the contract says it should be: look it up rather than show the wrong entry.
  return row.entries.find((e) => e.index === index) ?? null;
}

/**
 * The leader the table measures against: a leader that is up (or paused), of the highest term. A stale
 * leader of an older term, cut off by a partition, still thinks it leads; the newest one is the one
 * whose log the others are converging to. Ties (two leaders of one term: an ElectionSafety violation)
 * go to the lower id, so the choice is stable.
 */
export function findLeader(nodes: readonly NodeSnapshot[]): NodeSnapshot | null {
  let best: NodeSnapshot | null = null;
  for (const n of nodes) {
    if (n.role !== 'leader' || n.status === 'crashed') continue;
    if (best === null || n.term > best.term || (n.term === best.term && compareIds(n.id, best.id) < 0)) best = n;
  }
  return best;
}

/** Node ids in natural order: n2 before n10. */
export function compareIds(a: string, b: string): number {
  // Ids are a letter prefix and a number (n1 .. n9, c12): compare the prefix, then the number.
  // (localeCompare with numeric collation did the same at a hundred times the cost, once per frame.)
  const ma = ID_PARTS.exec(a);
  const mb = ID_PARTS.exec(b);
  if (ma !== null && mb !== null && ma[1] === mb[1]) return Number(ma[2]) - Number(mb[2]);
  return a < b ? -1 : a > b ? 1 : 0;
}

const ID_PARTS = /^([A-Za-z]*)(\d+)$/;

export interface Replication {
  /** Highest index the leader knows this follower stores (Figure 2, matchIndex). */
  readonly matchIndex: number;
  /** Next index the leader will send this follower (Figure 2, nextIndex). */
  readonly nextIndex: number;
}

/** The leader's bookkeeping for one follower, or null (no leader, the leader itself, or unknown). */
export function replicationOf(leader: NodeSnapshot | null, follower: string): Replication | null {
  if (leader === null || leader.id === follower) return null;
  const nextIndex = leader.nextIndex?.[follower];
  const matchIndex = leader.matchIndex?.[follower];
  if (nextIndex === undefined || matchIndex === undefined) return null;
  return { matchIndex, nextIndex };
}

/** "match 12 / next 13". */
export function replicationText(r: Replication): string {
  return `match ${r.matchIndex} / next ${r.nextIndex}`;
}

/**
 * Whether a violation highlight covers this cell: the named nodes at the named index; only the nodes
 * (every index) when there is no index; only the index (every node) when no node is named.
 */
export function isHighlighted(
  node: string,
  index: number,
  highlightNodes: readonly string[],
  highlightIndex: number | null,
): boolean {
  const nodeHit = highlightNodes.includes(node);
  if (highlightNodes.length > 0 && highlightIndex !== null) return nodeHit && index === highlightIndex;
  if (highlightNodes.length > 0) return nodeHit;
  if (highlightIndex !== null) return index === highlightIndex;
  return false;
}

export const ROLE_GLYPHS: Readonly<Record<RoleName, string>> = { leader: '★', candidate: '◆', follower: '○' };
export const STATUS_GLYPHS: Readonly<Record<NodeStatus, string>> = { up: '●', crashed: '✕', paused: '‖' };

export interface LogColumn {
  readonly index: number;
  /**
   * The slot just past the window, shown only so a follower's nextIndex caret has somewhere to point
   * when the follower is caught up (nextIndex = the leader's last index + 1).
   */
  readonly ghost: boolean;
  readonly highlighted: boolean;
}

export interface LogCell extends CellClass {
  readonly index: number;
  readonly entry: LogEntryView | null;
  /** Term palette index, null for an empty cell. */
  readonly termColor: number | null;
  /** The leader's nextIndex / matchIndex for this row's node is this index. */
  readonly next: boolean;
  readonly match: boolean;
  readonly highlighted: boolean;
}

export interface LogTableRow {
  readonly node: string;
  readonly role: RoleName;
  readonly status: NodeStatus;
  readonly isLeader: boolean;
  readonly commitIndex: number;
  readonly length: number;
  readonly replication: Replication | null;
  readonly highlighted: boolean;
  readonly cells: readonly LogCell[];
}

export interface LogTableModel {
  readonly leaderId: string | null;
  readonly columns: readonly LogColumn[];
  readonly rows: readonly LogTableRow[];
}

/** At most this many columns, whatever the worker sends (LOG_WINDOW is 24; one more for the ghost slot). */
export const LOG_COLUMNS_MAX = 64;

/** Arranges a LogsView into the table LogTable.svelte draws. */
export function buildLogTable(
  logs: LogsView,
  nodes: readonly NodeSnapshot[],
  highlightNodes: readonly string[],
  highlightIndex: number | null,
): LogTableModel {
  const leader = findLeader(nodes);
  const leaderRow = leader === null ? undefined : logs.rows.find((r) => r.node === leader.id);
  const byId = new Map(nodes.map((n) => [n.id, n] as const));

  const first = Math.max(1, logs.startIndex);
  const last = Math.min(logs.endIndex, first + LOG_COLUMNS_MAX - 2);
  const indexes: number[] = [];
  for (let i = first; i <= last; i++) indexes.push(i);

  const replications = new Map<string, Replication | null>(logs.rows.map((r) => [r.node, replicationOf(leader, r.node)]));
  const ghostIndex = last + 1;
  const needsGhost = [...replications.values()].some((r) => r !== null && r.nextIndex === ghostIndex);
  const columns: LogColumn[] = indexes.map((index) => ({ index, ghost: false, highlighted: index === highlightIndex }));
  if (needsGhost) columns.push({ index: ghostIndex, ghost: true, highlighted: ghostIndex === highlightIndex });

  const rows = logs.rows.map((row): LogTableRow => {
    const snapshot = byId.get(row.node);
    const replication = replications.get(row.node) ?? null;
    const cells = columns.map((col): LogCell => {
      const entry = col.ghost ? null : entryAt(row, logs.startIndex, col.index);
      const leaderEntry =
        leaderRow === undefined || leaderRow === row || col.ghost ? null : entryAt(leaderRow, logs.startIndex, col.index);
      const cls = classifyCell(entry, row.commitIndex, leaderEntry);
      return {
        ...cls,
        index: col.index,
        entry,
        termColor: entry === null ? null : termColorIndex(entry.term),
        next: replication !== null && replication.nextIndex === col.index,
        match: replication !== null && replication.matchIndex === col.index,
        highlighted: isHighlighted(row.node, col.index, highlightNodes, highlightIndex),
      };
    });
    return {
      node: row.node,
      role: snapshot?.role ?? 'follower',
      status: snapshot?.status ?? 'up',
      isLeader: leader !== null && leader.id === row.node,
      commitIndex: row.commitIndex,
      length: row.length,
      replication,
      highlighted: highlightNodes.includes(row.node),
      cells,
    };
  });

  return { leaderId: leader?.id ?? null, columns, rows };
}

// ---- Paxos: the slot table -------------------------------------------------------------------------

/**
 * A Paxos slot as one acceptor and learner holds it (lab-protocol.ts, LogEntryView):
 * - `gap`: nothing accepted or learned here, while the node has a value at a later slot (a hole a
 *   leader fills with a no-op or a value it learns in phase 1, "Paxos Made Simple" section 3);
 * - `empty`: nothing here and nothing after it either;
 * - `accepted`: a value accepted in some ballot, not (yet) known chosen by this node;
 * - `chosen`: this node learned the value chosen here (it may have accepted another, which then lost);
 * - `snapshot`: applied from a snapshot (the node's own on restart, or its leader's): its state
 *   machine includes the slot, but it never held the value chosen there (it may hold an accepted one).
 */
export type SlotKind = 'gap' | 'empty' | 'accepted' | 'chosen' | 'snapshot';

export interface SlotCell {
  readonly index: number;
  readonly kind: SlotKind;
  /** The value it accepted, or null when it accepted none. */
  readonly accepted: string | null;
  /** The ballot it accepted that value in: its number (term palette) and label; null when none. */
  readonly ballot: number | null;
  readonly ballotLabel: string | null;
  /** The value it learned chosen, or null. */
  readonly chosen: string | null;
  /** It learned a value chosen that is not the one it accepted (its accepted value lost). */
  readonly chosenDiffers: boolean;
  /**
   * Another node learned a different value chosen at this slot: Agreement is broken (the checker
   * reports it too; the table shows where).
   */
  readonly disagrees: boolean;
  /** Term palette index of the accepted ballot, null when nothing was accepted. */
  readonly termColor: number | null;
  readonly highlighted: boolean;
}

export interface SlotTableRow {
  readonly node: string;
  readonly role: RoleName;
  readonly status: NodeStatus;
  readonly isLeader: boolean;
  /** Every slot up to here is chosen and applied on this node. */
  readonly appliedUpTo: number;
  /** The highest slot it accepted or learned a value for. */
  readonly highestSlot: number;
  /** Slots before this one came in a snapshot (1: none did). */
  readonly heldFrom: number;
  /** Leader: slots proposed and not yet known chosen; null for the others. */
  readonly inFlight: number | null;
  readonly highlighted: boolean;
  readonly cells: readonly SlotCell[];
}

export interface SlotTableModel {
  readonly leaderId: string | null;
  readonly columns: readonly LogColumn[];
  readonly rows: readonly SlotTableRow[];
}

/** Shortest text a slot cell shows of a value: "c1#4 write x 3" -> "write x 3" (the full text goes in its title). */
export function shortValue(value: string): string {
  const m = CLIENT_PREFIX.exec(value);
  return m === null ? value : value.slice(m[0].length);
}

/** A client operation's canonical text starts with "client#opId " (protocols/paxos/core.ts commandText). */
const CLIENT_PREFIX = /^[^\s#]+#\d+ /;

/**
 * Classifies one node's slot: what it accepted (and in which ballot) and what it learned chosen.
 * Slots before `heldFrom` that it did not learn one by one came in a snapshot.
 */
export function classifySlot(
  entry: LogEntryView | null, index: number, highestSlot: number, heldFrom = 1,
): Pick<SlotCell, 'kind' | 'accepted' | 'ballot' | 'ballotLabel' | 'chosen' | 'chosenDiffers'> {
  if (entry !== null && entry.index !== index) throw new Error(`slot ${index} holds the entry of slot ${entry.index}`);
  const accepted = entry !== null && entry.term > 0 ? entry.label : null;
  const chosen = entry?.chosen ?? null;
  if (chosen === null && index < heldFrom) {
    const ballot = accepted === null ? null : (entry as LogEntryView).term;
    const ballotLabel = accepted === null ? null : ((entry as LogEntryView).ballotLabel ?? String(ballot));
    return { kind: 'snapshot', accepted, ballot, ballotLabel, chosen: null, chosenDiffers: false };
  }
  if (accepted === null && chosen === null) {
    return { kind: index < highestSlot ? 'gap' : 'empty', accepted: null, ballot: null, ballotLabel: null, chosen: null, chosenDiffers: false };
  }
  const ballot = accepted === null ? null : (entry as LogEntryView).term;
  return {
    kind: chosen !== null ? 'chosen' : 'accepted',
    accepted,
    ballot,
    ballotLabel: accepted === null ? null : ((entry as LogEntryView).ballotLabel ?? String(ballot)),
    chosen,
    chosenDiffers: chosen !== null && accepted !== null && chosen !== accepted,
  };
}

/** Arranges a Paxos LogsView (one row per acceptor, one column per slot) into the table LogTable.svelte draws. */
export function buildSlotTable(
  logs: LogsView,
  nodes: readonly NodeSnapshot[],
  highlightNodes: readonly string[],
  highlightIndex: number | null,
): SlotTableModel {
  const leader = findLeader(nodes);
  const byId = new Map(nodes.map((n) => [n.id, n] as const));
  const first = Math.max(1, logs.startIndex);
  const last = Math.min(logs.endIndex, first + LOG_COLUMNS_MAX - 1);
  const columns: LogColumn[] = [];
  for (let index = first; index <= last; index++) columns.push({ index, ghost: false, highlighted: index === highlightIndex });

  // Per slot, the distinct values learned chosen across nodes: more than one breaks Agreement.
  const chosenBySlot = new Map<number, Set<string>>();
  for (const row of logs.rows) {
    for (const e of row.entries) {
      if (e.chosen === undefined || e.chosen === null || e.index < first || e.index > last) continue;
      let values = chosenBySlot.get(e.index);
      if (values === undefined) chosenBySlot.set(e.index, (values = new Set()));
      values.add(e.chosen);
    }
  }

  const rows = logs.rows.map((row): SlotTableRow => {
    const snapshot = byId.get(row.node);
    const highestSlot = snapshot?.paxos?.highestSlot ?? row.length;
    const cells = columns.map((col): SlotCell => {
      const slot = classifySlot(entryAt(row, logs.startIndex, col.index), col.index, highestSlot, snapshot?.paxos?.heldFrom ?? 1);
      return {
        ...slot,
        index: col.index,
        disagrees: slot.chosen !== null && (chosenBySlot.get(col.index)?.size ?? 0) > 1,
        termColor: slot.ballot === null ? null : termColorIndex(slot.ballot),
        highlighted: isHighlighted(row.node, col.index, highlightNodes, highlightIndex),
      };
    });
    const isLeader = leader !== null && leader.id === row.node;
    return {
      node: row.node,
      role: snapshot?.role ?? 'follower',
      status: snapshot?.status ?? 'up',
      isLeader,
      appliedUpTo: row.commitIndex,
      highestSlot,
      heldFrom: snapshot?.paxos?.heldFrom ?? 1,
      inFlight: isLeader ? (snapshot?.paxos?.inFlightSlots ?? null) : null,
      highlighted: highlightNodes.includes(row.node),
      cells,
    };
  });
  return { leaderId: leader?.id ?? null, columns, rows };
}
