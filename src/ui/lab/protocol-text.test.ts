import { describe, expect, it } from 'vitest';
import type { NodeSnapshot, PaxosNodeView } from '../../worker/lab-protocol';
import {
  categoryName,
  isPaxos,
  legendMessages,
  legendRoles,
  nodeLines,
  nodeSpokenState,
  promisesText,
  protocolTitle,
  reignText,
  roleBadgeText,
  roleText,
  timerName,
} from './protocol-text';

import { nodeSnapshot } from './fixtures';

function node(id: string, over: Partial<NodeSnapshot> = {}): NodeSnapshot {
  return nodeSnapshot(id, { term: 3, commitIndex: 7, lastApplied: 7, logLength: 9, ...over });
}

function paxos(over: Partial<PaxosNodeView> = {}): PaxosNodeView {
  return {
    promised: 50,
    promisedLabel: '3.n2',
    ballot: 0,
    ballotLabel: '-',
    phase: 'idle',
    promises: [],
    inFlightSlots: 0,
    chosenSlots: 7,
    heldFrom: 1,
    highestSlot: 9,
    ...over,
  };
}

describe('protocol names', () => {
  it('tells Paxos from Raft and titles each', () => {
    expect([isPaxos('raft'), isPaxos('paxos'), isPaxos('multipaxos'), isPaxos(null), isPaxos(undefined)]).toEqual([false, true, true, false, false]);
    expect(['raft', 'paxos', 'multipaxos'].map((p) => protocolTitle(p as 'raft'))).toEqual(['Raft', 'Paxos', 'Multi-Paxos']);
  });
  it('names categories and timers per protocol', () => {
    expect(categoryName('vote', 'raft')).toBe('vote request');
    expect(categoryName('vote', 'raft', 'RequestVote')).toBe('vote request');
    expect(categoryName('vote', 'multipaxos', 'Prepare')).toBe('phase 1a: prepare');
    expect(categoryName('vote-reply', 'multipaxos', 'Nack')).toMatch(/refused/);
    expect(categoryName('append-reply', 'paxos', 'Accepted')).toBe('phase 2b: accepted');
    expect(categoryName('append', 'paxos', 'SomethingNew')).toBe('phase 2a or learn');
    expect(timerName('raft')).toBe('election timer');
    expect(timerName('multipaxos')).toBe('leader timeout');
    expect(timerName('paxos')).toBe('retry timeout');
  });
});

describe('legend', () => {
  it("keeps Raft's message names", () => {
    expect(legendMessages('raft').map((m) => m.label)).toEqual([
      'RequestVote', 'vote reply', 'AppendEntries', 'heartbeat', 'append reply', 'client request', 'client reply',
    ]);
    expect(legendRoles('raft').map((r) => r.label)).toEqual(['leader', 'candidate', 'follower', 'paused', 'crashed']);
  });
  it("names Paxos messages by phase, with Heartbeat only in Multi-Paxos", () => {
    const multi = legendMessages('multipaxos').map((m) => m.label).join(' | ');
    expect(multi).toContain('Prepare (1a)');
    expect(multi).toContain('Promise, Nack (1b)');
    expect(multi).toContain('Heartbeat');
    expect(multi).toContain('Snapshot');
    expect(multi).not.toContain('Learn'); // only single-decree Paxos sends Learn
    expect(legendMessages('paxos').map((m) => m.label).join(' | ')).not.toContain('Heartbeat');
    expect(legendMessages('paxos').map((m) => m.label).join(' | ')).toContain('Learn');
    expect(categoryName('append', 'multipaxos', 'Snapshot')).toBe("leader's snapshot (catch-up)");
    // Every Paxos category is listed once: no glyph is left unexplained.
    expect(new Set(legendMessages('paxos').map((m) => m.category)).size).toBe(6);
    expect(legendRoles('multipaxos')[0]!.label).toBe('leader (phase 2)');
  });
});

describe('role badge and role text', () => {
  it('leaves Raft as it was', () => {
    expect(roleBadgeText(node('n1', { role: 'candidate' }), 'raft', null)).toBe('CANDIDATE');
    expect(roleBadgeText(node('n1', { role: 'leader', status: 'crashed' }), 'raft', null)).toBe('CRASHED');
    expect(roleText(node('n1', { role: 'leader' }), 'raft', null)).toBe('leader');
  });
  it('names the Paxos phase and counts promises against |Q1|', () => {
    const candidate = node('n1', { role: 'candidate', paxos: paxos({ phase: 'prepare', promises: ['n1', 'n3'], ballot: 65, ballotLabel: '4.n1' }) });
    expect(roleBadgeText(candidate, 'multipaxos', 3)).toBe('PHASE 1 · 2/3');
    expect(roleText(candidate, 'multipaxos', 3)).toBe('phase 1 (2/3 promises)');
    expect(promisesText(candidate, null)).toBe('2');
    const leader = node('n1', { role: 'leader', paxos: paxos({ phase: 'accept' }) });
    expect(roleBadgeText(leader, 'multipaxos', 3)).toBe('LEADER · PHASE 2');
    expect(roleText(leader, 'paxos', 3)).toBe('leader · phase 2');
    expect(roleBadgeText(node('n2', { paxos: paxos() }), 'multipaxos', 3)).toBe('FOLLOWER');
    expect(roleBadgeText(node('n2', { paxos: paxos() }), 'paxos', 3)).toBe('ACCEPTOR');
    expect(roleBadgeText(node('n2', { status: 'crashed', paxos: paxos() }), 'paxos', 3)).toBe('CRASHED');
  });
});

describe('nodeLines', () => {
  it('shows Raft term, vote and commit, or the disk when crashed', () => {
    expect(nodeLines(node('n1', { votedFor: 'n2' }), 'raft')).toEqual(['term 3', 'voted n2', 'commit 7']);
    expect(nodeLines(node('n1', { status: 'crashed' }), 'raft')).toEqual(['term 3', 'no vote', 'on disk']);
  });
  it('shows the promised ballot, then the own ballot while proposing, else the leader followed', () => {
    const leader = node('n1', { role: 'leader', paxos: paxos({ promisedLabel: '4.n1', ballot: 65, ballotLabel: '4.n1', phase: 'accept' }) });
    expect(nodeLines(leader, 'multipaxos')).toEqual(['b 4.n1', 'own 4.n1', 'applied 7']);
    expect(nodeLines(node('n2', { leaderId: 'n1', paxos: paxos() }), 'multipaxos')).toEqual(['b 3.n2', 'follows n1', 'applied 7']);
    expect(nodeLines(node('n2', { paxos: paxos() }), 'multipaxos')[1]).toBe('no leader');
    expect(nodeLines(node('n2', { status: 'crashed', paxos: paxos({ ballot: 34, ballotLabel: '2.n2' }) }), 'multipaxos')).toEqual([
      'b 3.n2',
      'own 2.n2',
      'on disk',
    ]);
  });
  it('says whether single-decree Paxos has learned its value', () => {
    expect(nodeLines(node('n2', { paxos: paxos({ chosenSlots: 0 }) }), 'paxos')).toEqual(['b 3.n2', 'no ballot', 'undecided']);
    expect(nodeLines(node('n2', { paxos: paxos({ chosenSlots: 1, ballot: 34, ballotLabel: '2.n2' }) }), 'paxos')).toEqual([
      'b 3.n2',
      'tried 2.n2',
      'learned ✓',
    ]);
  });
  it('keeps every line short enough for the circle', () => {
    const n = node('n10', { leaderId: 'n10', commitIndex: 9999, paxos: paxos({ promisedLabel: '99.n10', ballotLabel: '99.n10', ballot: 1594 }) });
    for (const protocol of ['multipaxos', 'paxos'] as const) {
      for (const role of ['leader', 'candidate', 'follower'] as const) {
        for (const line of nodeLines({ ...n, role }, protocol)) expect(line.length, line).toBeLessThanOrEqual(12);
      }
    }
  });
});

describe('spoken state and reign', () => {
  it('starts with the id and the role, as the page objects look for', () => {
    expect(nodeSpokenState(node('n1', { role: 'leader' }), 'raft', null)).toEqual(['n1', 'leader', 'term 3']);
    const leader = node('n1', { role: 'leader', paxos: paxos({ ballot: 65, ballotLabel: '4.n1', promisedLabel: '4.n1' }) });
    expect(nodeSpokenState(leader, 'multipaxos', 3).join(', ')).toBe('n1, leader, phase 2, promised 4.n1, own ballot 4.n1');
    expect(nodeSpokenState(node('n2', { status: 'crashed', paxos: paxos() }), 'paxos', 3).join(', ')).toBe('n2, crashed, promised 3.n2');
    expect(reignText(leader, 'multipaxos')).toBe('ballot 4.n1');
    expect(reignText(node('n1', { role: 'leader', term: 4 }), 'raft')).toBe('term 4');
  });
});
