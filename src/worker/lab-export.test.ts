/**
 * The lab's exports against the CLI and the lab itself: a scenario file exported at a moment runs, in
 * `faultline run --scenario FILE --json` and imported back into the lab, to the trace hash the lab
 * showed at that moment; a trace exported as JSON Lines reads back verified, and its header's scenario
 * replays to the same events.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main';
import { readTraceFile } from '../export/trace-jsonl';
import { parseScenarioText } from '../sim/scenario';
import type { LabConfig } from './lab-protocol';
import { cliCommandFor, defaultLabConfig, LAB_DEFAULT_END_MS, LabInputError, LabSession } from './lab-session';

const SCENARIO_DIR = join(__dirname, '..', '..', 'scenarios');
const BUNDLED = new Map(
  readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json')).map((f) => [f.replace(/\.json$/, ''), readFileSync(join(SCENARIO_DIR, f), 'utf8')]),
);

function session(config: Partial<LabConfig> = {}): LabSession {
  return new LabSession({ ...defaultLabConfig(), ...config }, BUNDLED);
}

/** What `faultline run --scenario FILE --json [extra]` prints, with FILE holding `text`. */
async function cliRun(text: string, extra: string[] = []): Promise<{ traceHash: string; events: number; simulatedMs: number }> {
  let out = '';
  let err = '';
  const code = await main(['run', '--scenario', 'exported.json', '--json', ...extra], {
    out: (t) => (out += t),
    err: (t) => (err += t),
    readFile: (p) => {
      if (p !== 'exported.json') throw new Error(`unexpected read of ${p}`);
      return text;
    },
  });
  if (code === 2) throw new Error(`the CLI refused the file: ${err}`);
  return JSON.parse(out) as { traceHash: string; events: number; simulatedMs: number };
}

/** The round trip: lab -> export -> CLI, and lab -> export -> import into the lab, at the moment shown. */
async function expectRoundTrip(s: LabSession, what: string): Promise<void> {
  const shownHash = s.panels().traceHash;
  const shownEvents = s.panels().eventCount;
  const atMs = Math.floor(s.cursor.atMs);
  const file = s.exportScenario();
  expect(file.untilMs, what).toBe(atMs);
  expect(file.traceHash, what).toBe(shownHash);
  expect(file.events, what).toBe(shownEvents);
  const parsed = parseScenarioText(file.text);
  expect(parsed.ok, what).toBe(true);
  const cli = await cliRun(file.text);
  expect(cli.traceHash, `${what}: the CLI`).toBe(shownHash);
  expect(cli.events, `${what}: the CLI`).toBe(shownEvents);
  const imported = session({ scenarioFile: { name: 'exported.json', text: file.text } });
  imported.seek(atMs);
  expect(imported.panels().traceHash, `${what}: imported into the lab`).toBe(shownHash);
  // The imported run goes on past the file's end, and the page can act on it.
  expect(imported.endMs).toBe(Math.max(LAB_DEFAULT_END_MS, atMs));
}

describe('scenario export: lab -> file -> CLI and lab give the lab\'s trace hash', () => {
  it('with load, a nemesis, live operator actions (a fork among them) and a client request', async () => {
    const s = session({ seed: 42, loadOpsPerSec: 20, nemesis: ['partition', 'crash'], bugs: [] });
    s.seek(700);
    s.act({ type: 'crash', node: 'n2' });
    s.seek(1500);
    s.act({ type: 'client-request', op: 'write', key: 'k1', value: 'hello', node: 'n1' });
    s.seek(1900);
    s.act({ type: 'partition', groups: [['n1', 'n2'], ['n3', 'n4', 'n5']] });
    // Back in time: an action there forks, discarding the partition.
    s.seek(1700);
    s.act({ type: 'slow-node', node: 'n4', factor: 10 });
    expect(s.config.actions.map((a) => a.type)).toEqual(['crash', 'client-request', 'slow-node']);
    s.seek(3210);
    await expectRoundTrip(s, 'defaults + actions');
    const actions = (parseScenarioText(s.exportScenario().text) as { ok: true; scenario: { actions: unknown[] } }).scenario.actions;
    expect(actions).toEqual([
      { atMs: 701, type: 'crash', node: 'n2' },
      { atMs: 1501, type: 'client-request', op: 'write', key: 'k1', value: 'hello', node: 'n1' },
      { atMs: 1701, type: 'slow-node', node: 'n4', factor: 10 },
    ]);
    // Seeking back before an action leaves it out of the file (it has not happened at that moment).
    s.seek(1600);
    await expectRoundTrip(s, 'before the last action');
    expect(s.exportScenario().scenario.actions).toHaveLength(2);
  });

  it('with a bug variant that violates safety, Flexible Paxos quorums, and regions with an RTT override', async () => {
    // Figure 8 with the commit-old-term bug, past the moment a safety property broke (the violation
    // is a trace event: the file must reproduce it too), with an operator action of ours on top.
    const raft = session({ scenario: 'figure-8-commit-old-term' });
    raft.seek(4000);
    expect(raft.panels().violations.map((v) => v.invariant)).toContain('LeaderCompleteness');
    raft.act({ type: 'clock-skew', node: 'n2', rate: 1.5 });
    raft.seek(6000);
    expect(raft.panels().violations.length).toBeGreaterThan(0);
    await expectRoundTrip(raft, 'bug');
    expect(raft.exportScenario().scenario.bugs).toEqual(['commit-old-term']);
    const paxos = session({ protocol: 'multipaxos', nodes: 5, q1: 4, q2: 2, seed: 9, loadOpsPerSec: 15 });
    paxos.seek(2500);
    paxos.act({ type: 'pause', node: 'n1' });
    paxos.seek(3100);
    await expectRoundTrip(paxos, 'flexible paxos');
    expect(paxos.exportScenario().scenario.paxos).toEqual({ mode: 'multi', phase1Quorum: 4, phase2Quorum: 2 });
    const geo = session({ regions: ['us-east', 'eu-west', 'ap-tokyo'], rtt: [{ between: ['us-east', 'eu-west'], ms: 90 }], loadOpsPerSec: 10, seed: 2 });
    geo.seek(2000);
    await expectRoundTrip(geo, 'regions');
    expect(geo.exportScenario().scenario.regions?.rttMs).toEqual([{ between: ['us-east', 'eu-west'], ms: 90 }]);
  });

  it('from a bundled scenario, before some of its own actions, and from an imported file exported again', async () => {
    const s = session({ scenario: 'figure-8-commit-old-term' });
    s.seek(2500);
    await expectRoundTrip(s, 'bundled');
    const first = s.exportScenario();
    const again = session({ scenarioFile: { name: 'a.json', text: first.text } });
    again.seek(2500);
    again.act({ type: 'restart', node: 'n1' });
    again.seek(2800);
    await expectRoundTrip(again, 'imported, acted on, exported again');
    expect(again.exportScenario().scenario.name).toBe(`${s.scenario.name} (to 2.800s)`);
  });

  it('between two steps of one millisecond: the file holds the whole millisecond, and says its own hash', async () => {
    const s = session({ loadOpsPerSec: 50 });
    s.seek(1500);
    // A millisecond that holds two steps or more: show the first of them.
    let k = s.cursor.step;
    while (k > 1 && s.recorder.timeOfStep(k - 1) !== s.recorder.timeOfStep(k)) k--;
    expect(k).toBeGreaterThan(1);
    s.seekStep(k - 1);
    expect(s.recorder.timeOfStep(s.cursor.step + 1)).toBe(s.cursor.atMs);
    const file = s.exportScenario();
    const cli = await cliRun(file.text);
    expect(cli.traceHash).toBe(file.traceHash);
    // The page shows fewer events than the whole millisecond holds; the export says the file's hash, not the page's.
    expect(file.events).toBeGreaterThan(s.panels().eventCount);
    s.seek(file.untilMs);
    expect(s.panels().traceHash).toBe(file.traceHash);
  });

  it('runs the same twice (determinism) and refuses a bad file with its name and the field', () => {
    const a = session({ seed: 11, loadOpsPerSec: 25, nemesis: ['crash'] });
    a.seek(2000);
    const text = a.exportScenario().text;
    const h1 = session({ scenarioFile: { name: 'x.json', text } });
    const h2 = session({ scenarioFile: { name: 'x.json', text } });
    h1.seek(2000);
    h2.seek(2000);
    expect(h1.panels().traceHash).toBe(h2.panels().traceHash);
    expect(h1.panels().traceHash).toBe(a.panels().traceHash);
    const bad = JSON.parse(text) as { actions: unknown[] };
    bad.actions = [{ atMs: 10, type: 'crash', node: 'n9' }];
    expect(() => session({ scenarioFile: { name: 'bad.json', text: JSON.stringify(bad) } })).toThrow(LabInputError);
    expect(() => session({ scenarioFile: { name: 'bad.json', text: JSON.stringify(bad) } })).toThrow(/^bad\.json is not a scenario Faultline can run: actions\[0\]\.node: must be a node id of this cluster \(n1, n2, n3, n4, n5\), got "n9"/);
    expect(() => session({ scenarioFile: { name: 'c.json', text: '{"seed": 1,}' } })).toThrow(/^c\.json is not valid JSON: line 1, column 12/);
    expect(() => session({ scenario: 'figure-8-commit-old-term', scenarioFile: { name: 'x.json', text } })).toThrow(/bundled scenario or from a file, not both/);
  });

  it('names the file in the CLI command the footer shows', () => {
    const s = session({ scenarioFile: { name: "my run's.json", text: '{"seed": 4}' } });
    expect(cliCommandFor(s.config, s.scenario)).toBe("npm run -s faultline -- run --scenario 'my run'\\''s.json' --until <t>ms --json");
    expect(s.info().seed).toBe(4);
  });
});

describe('trace export: JSON Lines that verify, and replay to the same events', () => {
  it('holds exactly the events shown, verifies against its header, and its scenario replays them', async () => {
    const s = session({ seed: 7, loadOpsPerSec: 30, nemesis: ['partition'] });
    s.seek(900);
    s.act({ type: 'crash', node: 'n3' });
    s.seek(1800);
    s.stepBy(1);
    const shown = s.panels();
    const exported = s.exportTrace();
    expect(exported.header).toMatchObject({ events: shown.eventCount, traceHash: shown.traceHash, protocol: 'raft', nodes: 5, seed: 7, atMs: Math.floor(s.cursor.atMs) });
    const text = [...exported.chunks].join('');
    const read = readTraceFile('t.jsonl', text);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.summary.verdict).toBe('verified');
    expect(read.summary.computedHash).toBe(shown.traceHash);
    expect(read.summary.actions).toBe(1);
    // Replaying the header's scenario: the step after exactly those events has that hash.
    const replay = session({ scenarioFile: { name: 'replay', text: read.summary.scenarioText! } });
    expect(replay.seekEvents(read.summary.events)).toBe(true);
    expect(replay.recorder.traceHashAt(replay.cursor.step)).toBe(shown.traceHash);
    expect(replay.cursor.step).toBe(s.cursor.step);
    // A run that is not the file's has no step ending after exactly that many events, or another hash there.
    const other = session({ seed: 8, loadOpsPerSec: 30 });
    const found = other.seekEvents(read.summary.events);
    expect(found ? other.recorder.traceHashAt(other.cursor.step) : null).not.toBe(shown.traceHash);
  });
});
