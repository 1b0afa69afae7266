/**
 * Paxos transcript tests, as Raft's (src/protocols/raft/transcript.test.ts): a small scenario
 * (testdata/<name>.json) and its checked-in story (testdata/<name>.expected.txt), one formatEvent line
 * per role, promise, propose, accepted, chosen, fault, action, client and violation event.
 *
 *     UPDATE_TRANSCRIPTS=1 npx vitest run src/protocols/paxos/transcript.test.ts
 *
 * regenerates them; READ the diff before committing: the story checks below (one value per slot,
 * one leader per ballot, a later ballot proposing what an earlier one got accepted) must hold anyway.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Run } from '../../check/run';
import { parseScenarioText, type Scenario } from '../../sim/scenario';
import { formatEvent, type TraceEvent, type TraceEventKind } from '../../sim/trace';

const TESTDATA = new URL('./testdata/', import.meta.url);
const UPDATE = process.env.UPDATE_TRANSCRIPTS === '1';
const TRANSCRIPT_KINDS: ReadonlySet<TraceEventKind> = new Set<TraceEventKind>([
  'role', 'promise', 'propose', 'accepted', 'chosen', 'fault', 'action', 'invoke', 'ok', 'fail', 'info', 'violation',
]);

function loadScenario(name: string): Scenario {
  const parsed = parseScenarioText(readFileSync(new URL(`${name}.json`, TESTDATA), 'utf8'));
  if (!parsed.ok) throw new Error(`testdata/${name}.json: ${JSON.stringify(parsed.errors)}`);
  return parsed.scenario;
}

function storyOf(scenario: Scenario): TraceEvent[] {
  const run = new Run(scenario, { keepTrace: true });
  run.runUntil();
  return [...run.sim.trace.slice()].filter((e) => TRANSCRIPT_KINDS.has(e.kind));
}

/** What any Paxos story must show, whatever the transcript says: a broken regeneration cannot pass. */
function checkStory(events: readonly TraceEvent[]): void {
  const chosen = new Map<number, string>();
  const leaders = new Map<number, string>();
  for (const e of events) {
    if (e.kind === 'chosen') {
      expect(chosen.get(e.slot) ?? e.value, `one value for slot ${e.slot}`).toBe(e.value);
      chosen.set(e.slot, e.value);
    }
    if (e.kind === 'role' && e.role === 'leader') {
      expect(leaders.get(e.term) ?? e.node, `one leader for ballot ${e.term}`).toBe(e.node);
      leaders.set(e.term, e.node);
    }
    expect(e.kind).not.toBe('violation');
  }
}

const CASES = [
  {
    name: 'leader-takeover-adopts-value',
    // The dead leader's value reached one acceptor only (2 of 5: not chosen); the next leader's phase 1
    // hears of it from that acceptor and proposes it again, in its own ballot ("Paxos Made Simple" 2.2).
    story: (events: readonly TraceEvent[]) => {
      const proposals = events.filter((e): e is Extract<TraceEvent, { kind: 'propose' }> => e.kind === 'propose' && e.slot === 1);
      expect(proposals.map((p) => p.node)).toEqual(['n1', 'n5']);
      expect(proposals[1]!.value).toBe(proposals[0]!.value);
      expect(proposals[1]!.ballot).toBeGreaterThan(proposals[0]!.ballot);
      expect(events.filter((e) => e.kind === 'chosen').every((e) => (e as { value: string }).value === 'o1#1 write x 7')).toBe(true);
    },
  },
  {
    name: 'preempted-proposer-adopts-value',
    // n1's higher ballot preempts n2, whose value n3 had already accepted: n1 must propose n2's value.
    story: (events: readonly TraceEvent[]) => {
      const proposals = events.filter((e): e is Extract<TraceEvent, { kind: 'propose' }> => e.kind === 'propose');
      expect(proposals.map((p) => `${p.node} ${p.value}`)).toEqual(['n2 n2:v', 'n1 n2:v']);
      expect(events.filter((e) => e.kind === 'chosen')).toHaveLength(3);
    },
  },
  {
    name: 'duelling-proposers-livelock',
    // "Paxos Made Simple" section 2.4: two proposers can each keep issuing a higher-numbered prepare
    // before the other's accept lands, and neither ever gets a value chosen. n3 is down, so every
    // quorum needs both n1 and n2; their retry timers are not randomized (min = max), so each retry
    // preempts the other's ballot again, every 150 ms, for ever.
    story: (events: readonly TraceEvent[]) => {
      expect(events.filter((e) => e.kind === 'chosen' || e.kind === 'propose')).toEqual([]);
      const promised = events.filter((e): e is Extract<TraceEvent, { kind: 'promise' }> => e.kind === 'promise').map((e) => e.ballot);
      // Both proposers keep raising the ballot: at least 10 distinct ballots, each of n1 and n2 many times.
      const ballots = [...new Set(promised)];
      expect(ballots.length).toBeGreaterThanOrEqual(10);
      expect(ballots.filter((b) => b % 16 === 1).length).toBeGreaterThanOrEqual(5);
      expect(ballots.filter((b) => b % 16 === 2).length).toBeGreaterThanOrEqual(5);
    },
  },
] as const;

describe('Paxos transcripts', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const events = storyOf(loadScenario(c.name));
      checkStory(events);
      c.story(events);
      const actual = events.map(formatEvent).join('\n') + '\n';
      const file = new URL(`${c.name}.expected.txt`, TESTDATA);
      if (UPDATE || !existsSync(file)) writeFileSync(file, actual);
      expect(actual).toBe(readFileSync(file, 'utf8'));
    });
  }

  it('randomized backoff ends the duel: the same scenario with retries drawn from 150-600 ms chooses a value, for every seed', () => {
    const base = loadScenario('duelling-proposers-livelock');
    for (let seed = 1; seed <= 10; seed++) {
      const events = storyOf({ ...base, seed, timing: { ...base.timing, electionTimeoutMaxMs: 600 } });
      checkStory(events);
      const firstChosen = events.find((e) => e.kind === 'chosen');
      expect(firstChosen, `seed ${seed}`).toBeDefined();
      expect(firstChosen!.atMs, `seed ${seed}`).toBeLessThan(2000);
    }
  });

  it('with ignore-accepted-value, the new leader proposes its own value instead (the story the bug breaks)', () => {
    const events = storyOf({ ...loadScenario('leader-takeover-adopts-value'), bugs: ['ignore-accepted-value'] });
    const proposals = events.filter((e): e is Extract<TraceEvent, { kind: 'propose' }> => e.kind === 'propose' && e.slot === 1);
    expect(proposals).toHaveLength(2);
    expect(proposals[1]!.value).not.toBe(proposals[0]!.value);
  });
});
