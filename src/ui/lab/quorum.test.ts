import { describe, expect, it } from 'vitest';
import type { QuorumView } from '../../worker/lab-protocol';
import { describePair, formatList, intersect, isMajority, quorumLabel, quorumTitle, union } from './quorum';

const FIVE = ['n1', 'n2', 'n3', 'n4', 'n5'];

function vote(leader: string, term: number, nodes: string[]): QuorumView {
  return { id: `v-${leader}-${term}`, kind: 'vote', term, index: null, leader, nodes, atMs: 0, step: 0 };
}

function commit(leader: string, term: number, index: number | null, nodes: string[]): QuorumView {
  return { id: `c-${leader}-${term}-${index}`, kind: 'commit', term, index, leader, nodes, atMs: 0, step: 0 };
}

describe('isMajority', () => {
  it('needs strictly more than half', () => {
    expect(isMajority(['n1', 'n2', 'n3'], FIVE)).toBe(true);
    expect(isMajority(['n1', 'n2'], FIVE)).toBe(false);
    expect(isMajority(['n1', 'n2'], ['n1', 'n2', 'n3', 'n4'])).toBe(false);
    expect(isMajority(['n1', 'n2', 'n3'], ['n1', 'n2', 'n3', 'n4'])).toBe(true);
  });
  it('counts duplicates once and ignores non-members', () => {
    expect(isMajority(['n1', 'n1', 'n1'], FIVE)).toBe(false);
    expect(isMajority(['n1', 'n2', 'x9'], FIVE)).toBe(false);
    expect(isMajority([], [])).toBe(false);
  });
  it('agrees with the counting fact: two majorities of one cluster always intersect', () => {
    // Every pair of subsets of a 5-node cluster: if both are majorities, they share a node.
    const subsets = Array.from({ length: 32 }, (_, mask) => FIVE.filter((_, i) => mask & (1 << i)));
    for (const a of subsets) {
      for (const b of subsets) {
        if (isMajority(a, FIVE) && isMajority(b, FIVE)) expect(intersect(a, b).length, `${a} / ${b}`).toBeGreaterThan(0);
      }
    }
  });
});

describe('intersect and union', () => {
  it('are distinct and in natural order', () => {
    expect(intersect(['n10', 'n2', 'n4', 'n2'], ['n4', 'n2', 'n10', 'n7'])).toEqual(['n2', 'n4', 'n10']);
    expect(intersect(['n1'], ['n2'])).toEqual([]);
    expect(union(['n3', 'n1'], ['n1', 'n10', 'n2'])).toEqual(['n1', 'n2', 'n3', 'n10']);
  });
});

describe('labels', () => {
  it('reads like the panel shows it', () => {
    expect(quorumLabel(vote('n1', 4, ['n4', 'n1', 'n2']))).toBe('Votes for n1, term 4: n1 n2 n4');
    expect(quorumLabel(commit('n1', 4, 7, ['n1', 'n3', 'n4']))).toBe('Commit of entry 7 (term 4): n1 n3 n4');
    expect(quorumTitle(commit('n1', 4, null, ['n1']))).toBe('Commit in term 4');
    expect(formatList(['a'])).toBe('a');
    expect(formatList(['a', 'b'])).toBe('a and b');
    expect(formatList(['a', 'b', 'c'])).toBe('a, b and c');
  });
});

describe('describePair', () => {
  const v4 = vote('n1', 4, ['n1', 'n2', 'n4']);
  const c7 = commit('n1', 4, 7, ['n1', 'n3', 'n4']);

  it('explains a vote and a commit through the server in both, in either order', () => {
    const expected =
      "n1 and n4 are in both: they voted for n1 in term 4 and store entry 7, so the new leader's log holds every committed entry (Raft section 5.4).";
    expect(describePair(v4, c7)).toBe(expected);
    expect(describePair(c7, v4)).toBe(expected);
    const single = describePair(vote('n5', 5, ['n2', 'n4', 'n5']), c7);
    expect(single).toBe(
      "n4 is in both: it voted for n5 in term 5 and stores entry 7, so the new leader's log holds every committed entry (Raft section 5.4).",
    );
  });

  it('does not claim the voted-for leader holds an entry committed after the vote', () => {
    const s = describePair(vote('n2', 2, ['n2', 'n3', 'n4']), c7);
    expect(s).toMatch(/^n3 and n4 are in both: they voted for n2 in term 2 and store entry 7, committed later in term 4\./);
    expect(s).not.toMatch(/new leader's log holds/);
  });

  it('explains two elections', () => {
    expect(describePair(vote('n2', 5, ['n2', 'n3', 'n4']), v4)).toMatch(
      /^n2 and n4 are in both: they voted for n1 in term 4 and for n2 in term 5\. .*section 5\.2/,
    );
    expect(describePair(v4, vote('n3', 4, ['n3', 'n4', 'n5']))).toMatch(/n4 is in both: it voted for n1 and for n3 in term 4\. .*should be impossible/);
    expect(describePair(v4, v4)).toBe('Both are the votes that elected n1 in term 4.');
  });

  it('explains two commits, oldest first', () => {
    const c9 = commit('n2', 5, 9, ['n2', 'n3', 'n5']);
    expect(describePair(c9, c7)).toMatch(/^n3 is in both: it stores entry 7 \(term 4\) and entry 9 \(term 5\)\. /);
    expect(describePair(commit('n1', 4, 8, ['n1', 'n4', 'n5']), c7)).toBe(
      'n1 and n4 are in both: they store entry 7 and entry 8, both committed by n1 in term 4.',
    );
  });

  it('says two disjoint quorums cannot both be majorities', () => {
    expect(describePair(vote('n1', 3, ['n1', 'n2']), commit('n3', 3, 2, ['n3', 'n4']))).toMatch(
      /^The votes for n1 in term 3 and the commit of entry 2 in term 3 share no server, so at least one of them is not a majority/,
    );
  });
});
