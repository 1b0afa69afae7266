import { describe, expect, it } from 'vitest';
import type { QuorumView } from '../../worker/lab-protocol';
import { describePair, formatList, intersect, isFullQuorum, isMajority, quorumCount, quorumLabel, quorumShortfall, quorumTitle, union } from './quorum';

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

describe('Paxos quorums', () => {
  /** Ballot round.proposer as the worker encodes it: round * 16 + the proposer's number. */
  const b = (round: number, proposer: number) => round * 16 + proposer;
  function promises(round: number, proposer: number, nodes: string[]): QuorumView {
    return { id: `p-${round}-${proposer}`, kind: 'vote', term: b(round, proposer), index: null, ballotLabel: `${round}.n${proposer}`, leader: `n${proposer}`, nodes, atMs: 0, step: 0 };
  }
  function chose(round: number, proposer: number, slot: number, nodes: string[]): QuorumView {
    return { id: `a-${round}-${proposer}-${slot}`, kind: 'commit', term: b(round, proposer), index: slot, ballotLabel: `${round}.n${proposer}`, leader: `n${proposer}`, nodes, atMs: 0, step: 0 };
  }

  it('titles phase-1 and phase-2 quorums by ballot and slot', () => {
    expect(quorumTitle(promises(3, 2, ['n1', 'n2', 'n3']))).toBe('Phase-1 quorum (promises), ballot 3.n2');
    expect(quorumLabel(chose(3, 2, 7, ['n3', 'n2']))).toBe('Phase-2 quorum, slot 7 (ballot 3.n2): n2 n3');
    expect(quorumTitle({ ...chose(3, 2, 7, []), index: null })).toBe('Phase-2 quorum, ballot 3.n2');
  });

  it('judges size against |Q1| and |Q2|, not a majority (Flexible Paxos)', () => {
    const q2 = chose(1, 1, 1, ['n1', 'n2']);
    expect(isFullQuorum(q2, FIVE, 4, 2)).toBe(true);
    expect(quorumCount(q2, FIVE, 4, 2)).toBe('2/5');
    expect(quorumShortfall(q2, FIVE, 4, 2)).toBeNull();
    const q1 = promises(1, 1, ['n1', 'n2', 'n3']);
    expect(isFullQuorum(q1, FIVE, 4, 2)).toBe(false);
    expect(quorumCount(q1, FIVE, 4, 2)).toBe('3/5, below |Q1| = 4');
    // Unknown sizes: majorities, as Raft.
    expect(quorumShortfall(q2, FIVE, null, null)).toBe('not a majority');
    // Raft is unchanged.
    expect(quorumCount(commit('n1', 4, 7, ['n1', 'n2']), FIVE, null, null)).toBe('2/5 not a majority');
    expect(quorumCount(commit('n1', 4, 7, ['n1', 'n2', 'n3']), FIVE, 1, 1)).toBe('3/5');
  });

  it('with a grid, judges shape, not size: a whole row for phase 2, a whole column for phase 1', () => {
    const NINE = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 'n9'];
    const grid = { rows: 3, columns: 3 };
    expect(quorumCount(chose(1, 1, 1, ['n4', 'n5', 'n6']), NINE, 3, 3, grid)).toBe('3/9');
    // Three acceptors, but not a row: the size alone would pass it.
    expect(isFullQuorum(chose(1, 1, 1, ['n1', 'n2', 'n4']), NINE, 3, 3)).toBe(true);
    expect(isFullQuorum(chose(1, 1, 1, ['n1', 'n2', 'n4']), NINE, 3, 3, grid)).toBe(false);
    expect(quorumCount(chose(1, 1, 1, ['n1', 'n2', 'n4']), NINE, 3, 3, grid)).toBe('3/9, no whole row');
    expect(isFullQuorum(promises(1, 1, ['n2', 'n5', 'n8', 'n1']), NINE, 3, 3, grid)).toBe(true);
    expect(quorumShortfall(promises(1, 1, ['n1', 'n2', 'n3']), NINE, 3, 3, grid)).toBe('no whole column');
  });

  it('explains a phase-1 quorum meeting an earlier phase-2 quorum as adopting the value', () => {
    const s = describePair(promises(4, 3, ['n3', 'n4', 'n5']), chose(3, 2, 7, ['n2', 'n3', 'n4']));
    expect(s).toMatch(/^n3 and n4 are in both: they accepted slot 7 in ballot 3\.n2 before promising 4\.n3, .*had to adopt it/);
    expect(describePair(promises(3, 2, ['n1', 'n2', 'n3']), chose(3, 2, 7, ['n2', 'n3']))).toMatch(/leader's own phases 1 and 2/);
    expect(describePair(promises(2, 1, ['n1', 'n2', 'n3']), chose(3, 2, 7, ['n2', 'n3', 'n4']))).toMatch(/later accepted slot 7 in the higher ballot 3\.n2/);
  });

  it('says disjoint phase-1 and phase-2 quorums are unsafe, and other disjoint pairs are not', () => {
    expect(describePair(promises(2, 1, ['n1', 'n2']), chose(3, 3, 1, ['n3', 'n4']))).toMatch(
      /^The promises for ballot 2\.n1 and the acceptances that chose slot 1 in ballot 3\.n3 share no acceptor: .*\|Q1\| \+ \|Q2\| > N/,
    );
    expect(describePair(chose(1, 1, 1, ['n1', 'n2']), chose(1, 1, 2, ['n3', 'n4']))).toMatch(/does not need these two to meet/);
    expect(describePair(promises(1, 1, ['n1', 'n2']), promises(2, 2, ['n2', 'n3']))).toMatch(/promised ballot 1\.n1 and then 2\.n2/);
    expect(describePair(chose(1, 1, 5, ['n1', 'n2']), chose(2, 2, 5, ['n2', 'n3']))).toMatch(/slot 5 in ballot 1\.n1 and in 2\.n2\. .*Agreement/);
  });
});
