/**
 * Shrinking: ddmin on synthetic predicates, the nemesis's fault events read back as operator actions,
 * and real bug-variant violations shrunk to a small fraction of their faults.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { campaignNemesis } from '../cli/bench';
import { buildScenario, parseScenario, type BugName, type Scenario } from '../sim/scenario';
import type { TraceEvent } from '../sim/trace';
import {
  clientRequestsOf, ddmin, earliestNonLinearizableMs, evaluateScenario, faultActionsFromTrace, FaultRecorder, NOT_LINEARIZABLE, parsePartitionDetail, shrinkScenario, violationKinds,
} from './shrink';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const containsAll = (needed: readonly number[]) => (subset: readonly number[]) => needed.every((x) => subset.includes(x));

/** 1-minimal: the subset passes, and removing any one item makes it fail. */
function expectOneMinimal(result: readonly number[], test: (s: readonly number[]) => boolean): void {
  expect(test(result)).toBe(true);
  for (let i = 0; i < result.length; i++) expect(test(result.filter((_, j) => j !== i))).toBe(false);
}

describe('ddmin (Zeller and Hildebrandt 2002)', () => {
  it('finds the two items a failure needs among fifty', () => {
    const test = containsAll([7, 31]);
    const r = ddmin(range(50), test, 1000);
    expect(r.items).toEqual([7, 31]);
    expect(r.exhausted).toBe(false);
    expectOneMinimal(r.items, test);
    // Far fewer tests than the 2^50 subsets, or even than trying each item alone twice over.
    expect(r.tests).toBeLessThan(60);
  });

  it('returns a 1-minimal subset when several minimal ones exist (any 3 of 5 items)', () => {
    const special = [2, 5, 9, 14, 30];
    const test = (s: readonly number[]): boolean => s.filter((x) => special.includes(x)).length >= 3;
    const r = ddmin(range(40), test, 1000);
    expect(r.items).toHaveLength(3);
    expectOneMinimal(r.items, test);
  });

  it('shrinks to nothing when the empty set already fails the test, in one test', () => {
    const r = ddmin(range(20), () => true, 1000);
    expect(r).toEqual({ items: [], tests: 1, exhausted: false });
  });

  it('stops at its test budget with a subset that still fails the test', () => {
    const test = containsAll([3, 5, 9, 12]);
    // The empty set, then the first half and the first quarter pass: the budget ends it there.
    const r = ddmin(range(64), test, 3);
    expect(r.tests).toBe(3);
    expect(r.exhausted).toBe(true);
    expect(test(r.items)).toBe(true);
    expect(r.items).toEqual(range(16));
  });

  it('never repeats a subset: cached answers cost no test', () => {
    const seen = new Set<string>();
    let repeats = 0;
    const test = (s: readonly number[]): boolean => {
      const key = s.join(',');
      if (seen.has(key)) repeats++;
      seen.add(key);
      return s.includes(4) && s.includes(5);
    };
    ddmin(range(16), test, 1000);
    expect(repeats).toBe(0);
  });

  it('finds exactly the needed items, for any needed subset of any list (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }).chain((n) => fc.tuple(fc.constant(n), fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 6 }))),
        ([n, needed]) => {
          const r = ddmin(range(n), containsAll(needed), 10_000);
          expect(r.exhausted).toBe(false);
          expect(r.items).toEqual([...needed].sort((a, b) => a - b));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('fault events as operator actions', () => {
  const fault = (atMs: number, f: string, detail: string): TraceEvent => ({ kind: 'fault', atMs, fault: f, detail });
  const action = (atMs: number, a: string, detail: string): TraceEvent => ({ kind: 'action', atMs, action: a, detail });

  it('reads partitions, heals, crashes, restarts, pauses, resumes and links, skipping the effects of operator actions', () => {
    const trace: TraceEvent[] = [
      { kind: 'role', atMs: 0, node: 'n1', role: 'follower', term: 0 },
      fault(400, 'partition', 'n1,n2 | n3,n4,n5'),
      { kind: 'dropped', atMs: 405, msgId: 9, from: 'n1', to: 'n3', reason: 'partition' },
      fault(600, 'heal', ''),
      fault(800, 'crash', 'n3'),
      fault(820, 'restart', 'n3'),
      // An operator's pause: its fault is its effect, already in the scenario's actions.
      action(900, 'pause', 'n2'),
      fault(900, 'pause', 'n2'),
      // An operator's crash of a crashed node changes nothing: no fault follows it...
      action(950, 'crash', 'n3'),
      { kind: 'timer', atMs: 950, node: 'n1', timer: 'heartbeat' },
      // ...so this later pause is the nemesis's.
      fault(1000, 'pause', 'n4'),
      fault(1200, 'resume', 'n4'),
      fault(1300, 'cut-link', 'n1->n3'),
      fault(1400, 'heal-link', 'n1<->n3'),
    ];
    const { actions, problem } = faultActionsFromTrace(trace);
    expect(problem).toBeNull();
    expect(actions).toEqual([
      { atMs: 400, type: 'partition', groups: [['n1', 'n2'], ['n3', 'n4', 'n5']] },
      { atMs: 600, type: 'heal' },
      { atMs: 800, type: 'crash', node: 'n3' },
      { atMs: 820, type: 'restart', node: 'n3' },
      { atMs: 1000, type: 'pause', node: 'n4' },
      { atMs: 1200, type: 'resume', node: 'n4' },
      { atMs: 1300, type: 'cut-link', from: 'n1', to: 'n3', oneWay: true },
      { atMs: 1400, type: 'heal-link', from: 'n1', to: 'n3', oneWay: false },
    ]);
    // The actions are a valid scenario input.
    const parsed = parseScenario({ untilMs: 2000, actions });
    expect(parsed.ok).toBe(true);
  });

  it('tells an action\'s effect from a nemesis fault by trace index, so events it was not shown cannot blur them', () => {
    // Observers are not shown message events: an ineffective action, a message event the recorder never
    // sees (index 11), then a nemesis fault. Adjacency among the events it saw would call the fault the
    // action's effect; the trace indexes say it is not.
    const recorder = new FaultRecorder();
    recorder.push(action(950, 'crash', 'n3'), 10);
    recorder.push(fault(1000, 'pause', 'n4'), 12);
    // An action and the fault right after it in the trace: its effect, not the nemesis's.
    recorder.push(action(1100, 'resume', 'n4'), 20);
    recorder.push(fault(1100, 'resume', 'n4'), 21);
    expect(recorder.actions).toEqual([{ atMs: 1000, type: 'pause', node: 'n4' }]);
    expect(recorder.count).toBe(1);
  });

  it('says what it cannot convert, and stops at its limit', () => {
    expect(faultActionsFromTrace([fault(5, 'skew-clock', 'n1 +50ms')]).problem).toMatch(/unknown fault "skew-clock" at 5 ms/);
    expect(faultActionsFromTrace([fault(6, 'clock-skew', 'n1 +50ms')]).problem).toMatch(/unreadable clock-skew detail "n1 \+50ms" at 6 ms/);
    const many = range(5).map((i) => fault(10 * (i + 1), 'heal', ''));
    const r = faultActionsFromTrace(many, 3);
    expect(r.actions).toHaveLength(3);
    expect(r.problem).toMatch(/more than 3 faults/);
  });

  it('parses partition details with any spacing', () => {
    expect(parsePartitionDetail('n1 | n2,n3')).toEqual([['n1'], ['n2', 'n3']]);
    expect(parsePartitionDetail('n4,n5|n1,n2,n3')).toEqual([['n4', 'n5'], ['n1', 'n2', 'n3']]);
  });

  it('reads power losses, slow nodes, clock skews and network storms', () => {
    const { actions, problem } = faultActionsFromTrace([
      fault(10, 'power-loss', 'n2'),
      fault(20, 'slow-node', 'n3 x20'),
      fault(30, 'clock-skew', 'n4 x1.25'),
      fault(40, 'network-storm', 'dup=0.25 reorder=0'),
      fault(50, 'slow-node', 'n3 x1'),
    ]);
    expect(problem).toBeNull();
    expect(actions).toEqual([
      { atMs: 10, type: 'power-loss', node: 'n2' },
      { atMs: 20, type: 'slow-node', node: 'n3', factor: 20 },
      { atMs: 30, type: 'clock-skew', node: 'n4', rate: 1.25 },
      { atMs: 40, type: 'network-storm', duplicateProbability: 0.25, reorderProbability: 0 },
      { atMs: 50, type: 'slow-node', node: 'n3', factor: 1 },
    ]);
    expect(parseScenario({ untilMs: 100, actions }).ok).toBe(true);
  });

  it.each([
    ['slow', 'skew', 'power'],
    ['duplicate', 'reorder', 'crash'],
  ] as const)('replays a run of the new faults %s, %s, %s exactly as actions, nemesis off', (...faults) => {
    const scenario = buildScenario({ seed: 8, untilMs: 8000, nemesis: [...faults], nemesisIntervalMs: 300, loadOpsPerSec: 20 });
    const original = evaluateScenario(scenario, { collect: true });
    expect(original.nemesisFaults).toBeGreaterThan(10);
    expect(original.faultActions).toHaveLength(original.nemesisFaults);
    const kinds = new Set(original.faultActions.map((a) => a.type));
    expect(kinds.size).toBeGreaterThanOrEqual(3);
    const converted: Scenario = { ...scenario, nemesis: { ...scenario.nemesis, faults: [] }, actions: original.faultActions };
    const replay = evaluateScenario(converted, { collect: true });
    expect(replay.nemesisFaults).toBe(0);
    expect(replay.clientEvents).toEqual(original.clientEvents);
    expect(replay.invariants).toEqual([]);
  });

  it('replays a nemesis run exactly: the same faults at the same times, nemesis off', () => {
    const n = campaignNemesis('sweep', 6);
    const scenario = buildScenario({ seed: 6, untilMs: 8000, nemesis: n.faults, nemesisIntervalMs: n.intervalMs, loadOpsPerSec: 20 });
    const original = evaluateScenario(scenario, { collect: true });
    expect(original.nemesisFaults).toBeGreaterThan(4);
    expect(original.faultActions).toHaveLength(original.nemesisFaults);
    const converted: Scenario = { ...scenario, nemesis: { ...scenario.nemesis, faults: [] }, actions: original.faultActions };
    const replay = evaluateScenario(converted, { collect: true });
    expect(replay.nemesisFaults).toBe(0);
    expect(replay.faultActions).toEqual([]);
    expect(replay.clientEvents).toEqual(original.clientEvents);
  });
});

/** The bench's hunt campaign on a bug variant: partitions, kills and slow nodes every 200 ms, 20 ops/s. */
function hunt(bug: BugName, seed: number, untilMs = 30_000): Scenario {
  const n = campaignNemesis('hunt', seed);
  return buildScenario({ seed, untilMs, nemesis: n.faults, nemesisIntervalMs: n.intervalMs, loadOpsPerSec: 20, bugs: [bug] });
}

describe('shrinking a violation', () => {
  it.each([
    ['vote-without-log-check', 2],
    ['no-step-down', 1],
  ] as const)('shrinks %s (hunt seed %d, 30 s) to at most a fifth of its faults, and the result still violates', (bug, seed) => {
    const scenario = hunt(bug, seed);
    const r = shrinkScenario(scenario);
    expect(r.converted).toBe(true);
    expect(r.budgetExhausted).toBe(false);
    expect(r.runs).toBeLessThanOrEqual(300);
    const before = r.original.faults + r.original.actions;
    const after = r.shrunk.faults + r.shrunk.actions;
    expect(before).toBeGreaterThan(100);
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThanOrEqual(0.2 * before);
    expect(r.shrunk.untilMs).toBeLessThan(scenario.untilMs);
    // The shrunk scenario is a valid file, with the nemesis off, and on its own shows the same violation.
    const parsed = parseScenario(JSON.parse(JSON.stringify(r.scenario)));
    expect(parsed.ok).toBe(true);
    expect(r.scenario.nemesis.faults).toEqual([]);
    expect(r.scenario.actions).toHaveLength(r.shrunk.actions);
    const again = evaluateScenario(r.scenario);
    expect(again.invariants[0]).toBe(r.target);
    // Same seed, bugs and cluster: only faults, length and load shrink.
    expect([r.scenario.seed, r.scenario.bugs, r.scenario.cluster]).toEqual([scenario.seed, scenario.bugs, scenario.cluster]);
  });

  it('is deterministic, and each action it keeps is needed', () => {
    const n = campaignNemesis('sweep', 1);
    const scenario = buildScenario({ seed: 1, untilMs: 5000, nemesis: n.faults, nemesisIntervalMs: n.intervalMs, loadOpsPerSec: 20, bugs: ['no-step-down'] });
    const a = shrinkScenario(scenario);
    const b = shrinkScenario(scenario);
    expect(b).toEqual(a);
    for (let i = 0; i < a.scenario.actions.length; i++) {
      const without = { ...a.scenario, actions: a.scenario.actions.filter((_, j) => j !== i) };
      expect(violationKinds(evaluateScenario(without, { target: a.target }))).not.toContain(a.target);
    }
  });

  it('shrinks a non-linearizable history, keeping it non-linearizable', () => {
    const n = campaignNemesis('sweep', 1);
    const scenario = buildScenario({ seed: 1, untilMs: 5000, nemesis: n.faults, nemesisIntervalMs: n.intervalMs, loadOpsPerSec: 20, bugs: ['no-step-down'] });
    const r = shrinkScenario(scenario, { target: NOT_LINEARIZABLE });
    expect(r.target).toBe(NOT_LINEARIZABLE);
    expect(r.shrunk.actions).toBeLessThan(r.original.faults);
    expect(r.shrunk.untilMs).toBeLessThan(scenario.untilMs);
    const again = evaluateScenario(r.scenario, { collect: true });
    expect(again.linearizable).toBe(false);
    // The run ends within the margin (100 ms) of the moment the history stopped being linearizable.
    const atMs = earliestNonLinearizableMs(again.clientEvents);
    expect(atMs).not.toBeNull();
    expect(r.scenario.untilMs - atMs!).toBeLessThanOrEqual(100);
  });

  it('says when the run budget stopped it, and still returns a violating scenario', () => {
    const r = shrinkScenario(hunt('no-step-down', 1, 10_000), { maxRuns: 4 });
    expect(r.runs).toBe(4);
    expect(r.budgetExhausted).toBe(true);
    expect(r.notes.join(' ')).toMatch(/budget of 4 runs/);
    expect(evaluateScenario(r.scenario, { target: r.target }).invariants).toContain(r.target);
  });

  it('refuses a scenario that violates nothing', () => {
    expect(() => shrinkScenario(buildScenario({ seed: 3, untilMs: 1000 }))).toThrow(/violates nothing/);
  });
});

describe('shrinking client operations one by one', () => {
  it('reads the workload clients\' invocations as client requests, sent where the client last sent them', () => {
    const events: TraceEvent[] = [
      { kind: 'invoke', atMs: 0, client: 'c1', opId: 1, op: 'write', key: 'k0', value: '5' },
      { kind: 'sent', atMs: 0, msgId: 1, from: 'c1', to: 'n1', type: 'ClientRequest', term: 0, detail: '' },
      { kind: 'invoke', atMs: 3, client: 'c2', opId: 2, op: 'cas', key: 'k1', value: '1->2' },
      { kind: 'sent', atMs: 3, msgId: 2, from: 'c2', to: 'n2', type: 'ClientRequest', term: 0, detail: '' },
      // c1 was redirected: its write ran (or not) on n3.
      { kind: 'sent', atMs: 9, msgId: 3, from: 'c1', to: 'n3', type: 'ClientRequest', term: 0, detail: '' },
      { kind: 'ok', atMs: 14, client: 'c1', opId: 1, value: '5' },
      // After completing, c1's next request belongs to its next operation.
      { kind: 'invoke', atMs: 20, client: 'c1', opId: 3, op: 'read', key: 'k0', value: '' },
      { kind: 'sent', atMs: 20, msgId: 4, from: 'c1', to: 'n4', type: 'ClientRequest', term: 0, detail: '' },
      // An operator's request is already an action of the scenario.
      { kind: 'invoke', atMs: 21, client: 'o1', opId: 4, op: 'write', key: 'k2', value: '7' },
      { kind: 'invoke', atMs: 40, client: 'c3', opId: 5, op: 'read', key: 'k0', value: '' },
    ];
    expect(clientRequestsOf(events, 30)).toEqual([
      { atMs: 1, type: 'client-request', op: 'write', key: 'k0', value: '5', node: 'n3' },
      { atMs: 3, type: 'client-request', op: 'cas', key: 'k1', expected: '1', value: '2', node: 'n2' },
      { atMs: 20, type: 'client-request', op: 'read', key: 'k0', node: 'n4' },
    ]);
  });

  it('drops the client operations a non-linearizable history does not need', () => {
    const scenario = hunt('vote-without-log-check', 1, 8000);
    const before = evaluateScenario(scenario, { collect: true });
    expect(before.linearizable).toBe(false);
    const invoked = before.clientEvents.filter((e) => e.kind === 'invoke').length;
    const r = shrinkScenario(scenario, { target: NOT_LINEARIZABLE });
    expect(r.notes.join(' ')).toMatch(/client operations written as \d+ client requests, then shrunk one by one/);
    expect(r.scenario.workload.opsPerSec).toBe(0);
    const requests = r.scenario.actions.filter((a) => a.type === 'client-request');
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.length).toBeLessThanOrEqual(0.2 * invoked);
    const after = evaluateScenario(r.scenario, { collect: true });
    expect(after.linearizable).toBe(false);
    expect(parseScenario(JSON.parse(JSON.stringify(r.scenario))).ok).toBe(true);
  });
});

