import { describe, expect, it } from 'vitest';
import { Run } from '../check/run';
import { buildScenario, parseScenarioText, type Scenario } from '../sim/scenario';
import { TRACE_EVENT_FIELDS, TRACE_EVENT_KINDS, type TraceEvent } from '../sim/trace';
import { eventJson, looksLikeTrace, readTraceFile, TraceFileReader, traceJsonlChunks, type TraceHeader } from './trace-jsonl';

function ran(scenario: Scenario): { events: TraceEvent[]; hash: string } {
  const run = new Run(scenario, { keepTrace: true });
  run.runUntil();
  return { events: [...run.sim.trace.slice()], hash: run.sim.trace.finalHash() };
}

const SCENARIO = buildScenario({ nodes: 3, seed: 8, untilMs: 2_500, loadOpsPerSec: 30, nemesis: ['partition', 'crash'], nemesisIntervalMs: 600, bugs: ['commit-old-term'] });

function header(events: number, traceHash: string, scenario: Scenario = SCENARIO): TraceHeader {
  return { format: 'faultline-trace', version: 1, name: scenario.name, protocol: 'raft', nodes: 3, seed: scenario.seed, atMs: scenario.untilMs, events, traceHash, scenario };
}

function fileOf(h: TraceHeader, events: TraceEvent[], chunkChars?: number): string {
  return [...traceJsonlChunks(h, events, chunkChars)].join('');
}

describe('traces as JSON Lines', () => {
  it('write each event with its canonical fields in canonical order', () => {
    const e: TraceEvent = { kind: 'sent', atMs: 12, msgId: 3, from: 'n1', to: 'n2', type: 'AppendEntries', term: 2, detail: 'prev=1/1 n=0 commit=1' };
    // Field order comes from the encoding's table, not from the object's own order.
    const shuffled = { detail: e.detail, term: 2, type: e.type, to: 'n2', from: 'n1', msgId: 3, atMs: 12, kind: 'sent' } as unknown as TraceEvent;
    expect(eventJson(shuffled)).toBe('{"kind":"sent","atMs":12,"msgId":3,"from":"n1","to":"n2","type":"AppendEntries","term":2,"detail":"prev=1/1 n=0 commit=1"}');
    // Every kind's line holds exactly its table's fields.
    for (const kind of TRACE_EVENT_KINDS) {
      const fake = Object.fromEntries([['kind', kind], ['atMs', 1], ...TRACE_EVENT_FIELDS[kind].map(([f, t]) => [f, t === 'u' ? 1 : 'x'])]) as unknown as TraceEvent;
      expect(Object.keys(JSON.parse(eventJson({ ...fake, extra: 1 } as unknown as TraceEvent)))).toEqual(['kind', 'atMs', ...TRACE_EVENT_FIELDS[kind].map(([f]) => f)]);
    }
  });

  it('read back verified: every event, the recorded hash recomputed from the canonical encoding, and a summary', () => {
    const { events, hash } = ran(SCENARIO);
    // Small chunks: lines cross chunk boundaries, as they do when the worker streams a file.
    const text = fileOf(header(events.length, hash), events, 4096);
    expect(text.split('\n').length).toBe(events.length + 2);
    expect(looksLikeTrace(text)).toBe(true);
    const reader = new TraceFileReader('run.jsonl');
    for (let i = 0; i < text.length; i += 777) reader.push(text.slice(i, i + 777));
    const result = reader.finish();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const s = result.summary;
    expect(s.verdict).toBe('verified');
    expect(s.computedHash).toBe(hash);
    expect(s.events).toBe(events.length);
    expect(s.firstMs).toBe(events[0]!.atMs);
    expect(s.lastMs).toBe(events[events.length - 1]!.atMs);
    expect(s.byKind.sent).toBe(events.filter((e) => e.kind === 'sent').length);
    expect(s.nodes).toEqual(['n1', 'n2', 'n3']);
    expect(s.electionCount).toBe(events.filter((e) => e.kind === 'role' && e.role === 'leader').length);
    expect(s.electionCount).toBeGreaterThan(0);
    expect(s.faults).toBeGreaterThan(0);
    expect(s.clientOps.invoked).toBe(events.filter((e) => e.kind === 'invoke').length);
    expect(s.header).toMatchObject({ protocol: 'raft', nodes: 3, seed: 8, events: events.length, traceHash: hash });
    // The header's scenario comes back as a scenario file that runs to the same trace.
    const replay = parseScenarioText(s.scenarioText!);
    expect(replay.ok).toBe(true);
    expect(ran(replay.ok ? replay.scenario : SCENARIO).hash).toBe(hash);
  });

  it('notice a file that was changed or cut short, and compute the hash of a file without a header', () => {
    const { events, hash } = ran(SCENARIO);
    const good = fileOf(header(events.length, hash), events);
    const lines = good.trimEnd().split('\n');
    // One event's term changed: still well-formed, but not the recorded run.
    const i = lines.findIndex((l) => l.includes('"kind":"role"'));
    const changed = [...lines];
    changed[i] = changed[i]!.replace(/"term":(\d+)/, (_, t: string) => `"term":${Number(t) + 1}`);
    const r1 = readTraceFile('changed.jsonl', changed.join('\n'));
    expect(r1.ok && r1.summary.verdict).toBe('mismatch');
    expect(r1.ok && r1.summary.verdictText).toMatch(/not to the [0-9a-f]{64} the header records: the file was changed/);
    const r2 = readTraceFile('cut.jsonl', lines.slice(0, -10).join('\n'));
    expect(r2.ok && r2.summary.verdictText).toBe(`The header records ${events.length} events but the file holds ${events.length - 10}: it was cut short or changed.`);
    const r3 = readTraceFile('bare.jsonl', lines.slice(1).join('\n'));
    expect(r3.ok && r3.summary.verdict).toBe('unverified');
    expect(r3.ok && r3.summary.computedHash).toBe(hash);
    expect(r3.ok && r3.summary.scenarioText).toBe(null);
  });

  it('name the file, the line and the field of every problem', () => {
    const { events, hash } = ran(SCENARIO);
    const lines = fileOf(header(events.length, hash), events).trimEnd().split('\n');
    const cases: Array<[string, (ls: string[]) => string[], RegExp]> = [
      ['bad JSON', (ls) => [ls[0]!, '{"kind":"sent",', ...ls.slice(2)], /^x\.jsonl is not a trace Faultline can read: line 2: not valid JSON/],
      ['unknown kind', (ls) => [ls[0]!, '{"kind":"teleport","atMs":1}'], /line 2: kind must be one of sent, delivered, .*got "teleport"/],
      ['missing field', (ls) => [ls[0]!, '{"kind":"timer","atMs":1,"node":"n1"}'], /line 2: timer must be a string, got nothing \(the field is missing\)/],
      ['unknown field', (ls) => [ls[0]!, '{"kind":"timer","atMs":1,"node":"n1","timer":"election","x":1}'], /line 2: unknown field "x" for a timer event/],
      ['negative number', (ls) => [ls[0]!, '{"kind":"commit","atMs":1,"node":"n1","commitIndex":-1}'], /line 2: commitIndex must be a whole number >= 0, got -1/],
      ['time going back', (ls) => [ls[0]!, '{"kind":"commit","atMs":9,"node":"n1","commitIndex":1}', '{"kind":"commit","atMs":3,"node":"n1","commitIndex":1}'], /line 3: atMs 3 is before the previous event's 9/],
      ['header not first', (ls) => [ls[1]!, ls[0]!], /line 2: a header line \(with "format"\) belongs on the first line only/],
      ['bad header', (ls) => [ls[0]!.replace(/"traceHash":"[0-9a-f]+"/, '"traceHash":"nope"'), ...ls.slice(1)], /line 1 \(the header\): traceHash must be 64 lowercase hex digits/],
      ['other version', (ls) => [ls[0]!.replace('"version":1', '"version":2'), ...ls.slice(1)], /line 1 \(the header\): version must be 1/],
      ['not an object', (ls) => [ls[0]!, '[1,2]'], /line 2: expected an event object/],
    ];
    for (const [what, edit, pattern] of cases) {
      const r = readTraceFile('x.jsonl', edit(lines).join('\n'));
      expect(r.ok, what).toBe(false);
      expect(r.ok ? '' : r.message, what).toMatch(pattern);
    }
    const empty = readTraceFile('empty.jsonl', '\n\n');
    expect(!empty.ok && empty.message).toMatch(/^empty\.jsonl .*the file is empty/);
    const long = readTraceFile('long.jsonl', `{"kind":"fault","atMs":1,"fault":"x","detail":"${'y'.repeat(100_001)}"}`);
    expect(!long.ok && long.message).toMatch(/line 1: longer than 100000 characters/);
  });

  it('keep a trace whose header scenario is invalid readable, but say it cannot be replayed', () => {
    const { events, hash } = ran(SCENARIO);
    const bad = { ...SCENARIO, cluster: { nodes: 99 } } as Scenario;
    const text = fileOf(header(events.length, hash, bad), events);
    const r = readTraceFile('odd.jsonl', text);
    expect(r.ok && r.summary.verdict).toBe('verified');
    expect(r.ok && r.summary.scenarioText).toBe(null);
    expect(r.ok && r.summary.scenarioProblem).toMatch(/scenario\.cluster\.nodes: must be an integer from 1 to 9/);
  });

  it('round-trip every event exactly (the decoded event equals the one written)', () => {
    const { events } = ran(buildScenario({ protocol: 'paxos', paxosMode: 'multi', nodes: 3, seed: 2, untilMs: 800, loadOpsPerSec: 30 }));
    expect(new Set(events.map((e) => e.kind)).has('accepted')).toBe(true);
    for (const e of events) expect(JSON.parse(eventJson(e))).toEqual(e);
  });
});
