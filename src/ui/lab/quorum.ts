/**
 * Pure helpers behind QuorumPanel.svelte: majorities, the overlap of two quorums, and the sentence
 * that explains why the overlap matters. Raft's safety rests on one counting fact: any two majorities
 * of the same cluster share at least one server (Raft section 5.2 for votes, section 5.4 for commits).
 */
import type { QuorumView } from '../../worker/lab-protocol';
import { compareIds } from './log-table';

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

/** The chip's heading: "Votes for n1, term 4" or "Commit of entry 7 (term 4)". */
export function quorumTitle(q: QuorumView): string {
  if (q.kind === 'vote') return `Votes for ${q.leader}, term ${q.term}`;
  return q.index === null ? `Commit in term ${q.term}` : `Commit of entry ${q.index} (term ${q.term})`;
}

/** Mid-sentence form: "the votes for n1 in term 4", "the commit of entry 7 in term 4". */
function quorumPhrase(q: QuorumView): string {
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
