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
