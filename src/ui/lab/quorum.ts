/**
 * Pure helpers behind QuorumPanel.svelte: majorities, the overlap of two quorums, and the sentence
 * that explains why the overlap matters. Raft's safety rests on one counting fact: any two majorities
 * of the same cluster share at least one server (Raft section 5.2 for votes, section 5.4 for commits).
 */
import type { QuorumView } from '../../worker/lab-protocol';
import { compareIds } from './log-table';
import { gridSystem, isPhase1Quorum, isPhase2Quorum, memberMask, type GridShape } from '../../protocols/paxos/quorums';

/** Distinct ids in natural order (n2 before n10). */
export function distinctSorted(nodes: readonly string[]): string[] {
  return [...new Set(nodes)].sort(compareIds);
}

/** True when `nodes` (duplicates counted once, non-members ignored) are more than half of `members`. */
export function isMajority(nodes: readonly string[], members: readonly string[]): boolean {
  const cluster = new Set(members);
  if (cluster.size === 0) return false;
  const inCluster = new Set(nodes.filter((n) => cluster.has(n)));
  return inCluster.size * 2 > cluster.size;
}

/** The nodes in both lists, distinct and in natural order. */
export function intersect(a: readonly string[], b: readonly string[]): string[] {
  const inB = new Set(b);
  return distinctSorted(a.filter((n) => inB.has(n)));
}

/** The nodes in either list, distinct and in natural order. */
export function union(a: readonly string[], b: readonly string[]): string[] {
  return distinctSorted([...a, ...b]);
}

/** "n1", "n1 and n2", "n1, n2 and n3". */
export function formatList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "entry 7" for a commit quorum; "the entries" when the worker sent no index. */
function entryName(q: QuorumView): string {
  return q.index === null ? `the entries committed in term ${q.term}` : `entry ${q.index}`;
}

/** A Paxos quorum: the worker labels its ballot (Raft quorums have none). */
export function isPaxosQuorum(q: QuorumView): boolean {
  return q.ballotLabel !== undefined;
}

function ballotOf(q: QuorumView): string {
  return q.ballotLabel ?? String(q.term);
}

/**
 * The chip's heading: "Votes for n1, term 4" or "Commit of entry 7 (term 4)"; Paxos:
 * "Phase-1 quorum (promises), ballot 3.n2" or "Phase-2 quorum, slot 7 (ballot 3.n2)".
 */
export function quorumTitle(q: QuorumView): string {
  if (isPaxosQuorum(q)) {
    if (q.kind === 'vote') return `Phase-1 quorum (promises), ballot ${ballotOf(q)}`;
    return q.index === null ? `Phase-2 quorum, ballot ${ballotOf(q)}` : `Phase-2 quorum, slot ${q.index} (ballot ${ballotOf(q)})`;
  }
  if (q.kind === 'vote') return `Votes for ${q.leader}, term ${q.term}`;
  return q.index === null ? `Commit in term ${q.term}` : `Commit of entry ${q.index} (term ${q.term})`;
}

/** Mid-sentence form: "the votes for n1 in term 4", "the commit of entry 7 in term 4". */
function quorumPhrase(q: QuorumView): string {
  if (isPaxosQuorum(q)) {
    if (q.kind === 'vote') return `the promises for ballot ${ballotOf(q)}`;
    return q.index === null ? `the acceptances in ballot ${ballotOf(q)}` : `the acceptances that chose slot ${q.index} in ballot ${ballotOf(q)}`;
  }
  if (q.kind === 'vote') return `the votes for ${q.leader} in term ${q.term}`;
  return q.index === null ? `the commit in term ${q.term}` : `the commit of entry ${q.index} in term ${q.term}`;
}

/** The chip's whole text: "Votes for n1, term 4: n1 n2 n4". */
export function quorumLabel(q: QuorumView): string {
  return `${quorumTitle(q)}: ${distinctSorted(q.nodes).join(' ')}`;
}

/**
 * One or two sentences on what the overlap of two quorums shows. Order does not matter except to
 * name things; for a vote and a commit, the reasoning depends on which came first (by term).
 */
export function describePair(a: QuorumView, b: QuorumView): string {
  if (isPaxosQuorum(a) && isPaxosQuorum(b)) return describePaxosPair(a, b);
  const both = intersect(a.nodes, b.nodes);
  if (both.length === 0) {
    const sentence = `${quorumPhrase(a)} and ${quorumPhrase(b)} share no server, so at least one of them is not a majority of the cluster: two majorities of the same cluster always overlap.`;
    return sentence.charAt(0).toUpperCase() + sentence.slice(1);
  }
  const one = both.length === 1;
  const subject = `${formatList(both)} ${one ? 'is' : 'are'} in both`;
  const they = one ? 'it' : 'they';
  const store = one ? 'stores' : 'store';

  if (a.kind === 'vote' && b.kind === 'vote') {
    if (a.term === b.term && a.leader === b.leader) {
      return `Both are the votes that elected ${a.leader} in term ${a.term}.`;
    }
    if (a.term === b.term) {
      return `${subject}: ${they} voted for ${a.leader} and for ${b.leader} in term ${a.term}. A server votes at most once per term, so two leaders in one term should be impossible (Election Safety, Raft section 5.2).`;
    }
    const [early, late] = a.term < b.term ? [a, b] : [b, a];
    return `${subject}: ${they} voted for ${early.leader} in term ${early.term} and for ${late.leader} in term ${late.term}. Two majorities always share a server, and a server votes at most once per term, so no term can have two leaders (Raft section 5.2).`;
  }

  if (a.kind === 'commit' && b.kind === 'commit') {
    const [early, late] = orderCommits(a, b);
    if (early.term === late.term && early.leader === late.leader) {
      return `${subject}: ${they} ${store} ${entryName(early)} and ${entryName(late)}, both committed by ${early.leader} in term ${early.term}.`;
    }
    return `${subject}: ${they} ${store} ${entryName(early)} (term ${early.term}) and ${entryName(late)} (term ${late.term}). Any two majorities share a server, so every later election meets a server holding each committed entry (Raft section 5.4).`;
  }

  const vote = a.kind === 'vote' ? a : b;
  const commit = a.kind === 'vote' ? b : a;
  if (vote.term >= commit.term) {
    return `${subject}: ${they} voted for ${vote.leader} in term ${vote.term} and ${store} ${entryName(commit)}, so the new leader's log holds every committed entry (Raft section 5.4).`;
  }
  return `${subject}: ${they} voted for ${vote.leader} in term ${vote.term} and ${store} ${entryName(commit)}, committed later in term ${commit.term}. Any two majorities share a server; that is what lets every later election see each committed entry (Raft section 5.4).`;
}

function orderCommits(a: QuorumView, b: QuorumView): [QuorumView, QuorumView] {
  if (a.term !== b.term) return a.term < b.term ? [a, b] : [b, a];
  return (a.index ?? 0) <= (b.index ?? 0) ? [a, b] : [b, a];
}

/** "slot 7" for a phase-2 quorum; "its slots" when the worker sent no slot. */
function slotName(q: QuorumView): string {
  return q.index === null ? 'its slots' : `slot ${q.index}`;
}

/**
 * Paxos: why two quorums' overlap matters. Only a phase-1 and a phase-2 quorum must meet ("Paxos Made
 * Simple" section 2.2: the higher ballot's proposer hears of any value chosen in a lower one and
 * adopts it); two phase-1 or two phase-2 quorums need not (Flexible Paxos, Howard et al. 2016).
 */
function describePaxosPair(a: QuorumView, b: QuorumView): string {
  const both = intersect(a.nodes, b.nodes);
  const mixed = a.kind !== b.kind;
  if (both.length === 0) {
    const start = `${quorumPhrase(a)} and ${quorumPhrase(b)} share no acceptor`;
    const sentence = mixed
      ? `${start}: a proposer could then miss a value chosen in a lower ballot and propose another. Every phase-1 quorum must meet every phase-2 quorum (|Q1| + |Q2| > N).`
      : `${start}. Paxos does not need these two to meet: only phase-1 and phase-2 quorums must (Flexible Paxos).`;
    return sentence.charAt(0).toUpperCase() + sentence.slice(1);
  }
  const one = both.length === 1;
  const subject = `${formatList(both)} ${one ? 'is' : 'are'} in both`;
  const they = one ? 'it' : 'they';

  if (mixed) {
    const promise = a.kind === 'vote' ? a : b;
    const accept = a.kind === 'vote' ? b : a;
    if (promise.term === accept.term) {
      return `${subject}: ${they} promised ballot ${ballotOf(promise)} and then accepted ${slotName(accept)} in it, the leader's own phases 1 and 2.`;
    }
    if (promise.term > accept.term) {
      // An acceptor that promised the higher ballot refuses the lower one's accepts: it accepted first.
      return `${subject}: ${they} accepted ${slotName(accept)} in ballot ${ballotOf(accept)} before promising ${ballotOf(promise)}, so ${one ? 'its promise' : 'their promises'} reported that value and the proposer of ${ballotOf(promise)} had to adopt it (Paxos Made Simple, section 2.2).`;
    }
    return `${subject}: ${they} promised ballot ${ballotOf(promise)} and later accepted ${slotName(accept)} in the higher ballot ${ballotOf(accept)}, whose proposer learned in its phase 1 what ${ballotOf(promise)} might have chosen.`;
  }

  if (a.kind === 'vote') {
    if (a.term === b.term) return `Both are the promises for ballot ${ballotOf(a)}.`;
    const [low, high] = a.term < b.term ? [a, b] : [b, a];
    return `${subject}: ${they} promised ballot ${ballotOf(low)} and then ${ballotOf(high)}. An acceptor promises only ever higher ballots; phase-1 quorums need not meet each other, only every phase-2 quorum.`;
  }

  const [early, late] = orderCommits(a, b);
  if (early.index !== null && early.index === late.index) {
    return `${subject}: ${they} accepted slot ${early.index} in ballot ${ballotOf(early)} and in ${ballotOf(late)}. Once a value is chosen, every higher ballot proposes that same value, so both chose one value (Agreement).`;
  }
  return `${subject}: ${they} accepted ${slotName(early)} (ballot ${ballotOf(early)}) and ${slotName(late)} (ballot ${ballotOf(late)}). Phase-2 quorums need not meet each other; each must meet every phase-1 quorum.`;
}

/**
 * Whether a quorum is big enough. Raft: a majority of the members. Paxos: at least the phase's quorum
 * size in force (|Q1| for promises, |Q2| for acceptances; Flexible Paxos lets them differ), or a
 * majority when the size is unknown; with a grid, a whole column (promises) or a whole row (acceptances).
 */
export function isFullQuorum(
  q: QuorumView, members: readonly string[], phase1Quorum: number | null, phase2Quorum: number | null, grid: GridShape | null = null,
): boolean {
  if (grid !== null && isPaxosQuorum(q)) {
    // A grid: promises must hold a whole column, acceptances a whole row (quorums.ts).
    const mask = memberMask(members, q.nodes);
    return q.kind === 'vote' ? isPhase1Quorum(gridSystem(grid), mask) : isPhase2Quorum(gridSystem(grid), mask);
  }
  const size = isPaxosQuorum(q) ? (q.kind === 'vote' ? phase1Quorum : phase2Quorum) : null;
  if (size === null) return isMajority(q.nodes, members);
  const cluster = new Set(members);
  return distinctSorted(q.nodes).filter((n) => cluster.has(n)).length >= size;
}

/** What a quorum lacks, in words: null when it is big enough, else "not a majority" or "below |Q2| = 3". */
export function quorumShortfall(
  q: QuorumView, members: readonly string[], phase1Quorum: number | null, phase2Quorum: number | null, grid: GridShape | null = null,
): string | null {
  if (isFullQuorum(q, members, phase1Quorum, phase2Quorum, grid)) return null;
  if (grid !== null && isPaxosQuorum(q)) return q.kind === 'vote' ? 'no whole column' : 'no whole row';
  const size = isPaxosQuorum(q) ? (q.kind === 'vote' ? phase1Quorum : phase2Quorum) : null;
  if (size === null) return 'not a majority';
  return `below ${q.kind === 'vote' ? '|Q1|' : '|Q2|'} = ${size}`;
}

/** The chip's count: "3/5", "2/5 not a majority" (Raft) or "2/5, below |Q1| = 3" (Paxos). */
export function quorumCount(
  q: QuorumView, members: readonly string[], phase1Quorum: number | null, phase2Quorum: number | null, grid: GridShape | null = null,
): string {
  const count = `${distinctSorted(q.nodes).length}/${members.length}`;
  const short = quorumShortfall(q, members, phase1Quorum, phase2Quorum, grid);
  if (short === null) return count;
  return isPaxosQuorum(q) ? `${count}, ${short}` : `${count} ${short}`;
}
