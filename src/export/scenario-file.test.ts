import { describe, expect, it } from 'vitest';
import { runScenario } from '../check/run';
import { buildScenario, parseScenarioText, type Scenario } from '../sim/scenario';
import { formatScenarioJson, jsonSyntaxProblem, lineAndColumn, parseScenarioFile, scenarioUpTo, SCENARIO_FILE_MAX_CHARS } from './scenario-file';

function withEverything(): Scenario {
  const base = buildScenario({ protocol: 'paxos', paxosMode: 'multi', nodes: 5, seed: 77, untilMs: 9_000, nemesis: ['partition'], loadOpsPerSec: 12, phase1Quorum: 4, phase2Quorum: 2 });
  return {
    ...base,
    name: 'everything "quoted"',
    workload: { ...base.workload, retry: { policy: 'backoff', maxRetries: 3, baseMs: 50, maxMs: 2000, budget: null } },
    regions: { nodes: ['us-east', 'us-east', 'eu-west', 'eu-west', 'ap-tokyo'], clients: null, rttMs: [{ between: ['us-east', 'eu-west'], ms: 70 }], jitter: { kind: 'pareto', fraction: 0.1, alpha: 2 } },
    overload: { serviceMs: 2, queueLimit: 100, admitLimit: 8 },
    actions: [
      { atMs: 1200, type: 'crash', node: 'n2' },
      { atMs: 2500, type: 'client-request', op: 'cas', key: 'x', value: 'b', expected: 'a', node: 'n1' },
      { atMs: 4000, type: 'partition-regions', groups: [['eu-west']] },
      { atMs: 8000, type: 'heal' },
    ],
  };
}

describe('scenario files', () => {
  it('write every field and read back to an equal scenario (regions, overload, retries, Flexible Paxos)', () => {
    const s = withEverything();
    const text = formatScenarioJson(s);
    const back = parseScenarioText(text);
    expect(back.ok && back.scenario).toEqual(s);
    // One action per line, one top-level field per line.
    expect(text.split('\n').filter((l) => l.startsWith('    {"atMs"'))).toHaveLength(4);
    expect(text).toMatch(/^ {2}"overload": \{"serviceMs":2,"queueLimit":100,"admitLimit":8\},$/m);
    expect(formatScenarioJson({ ...s, actions: [] })).toContain('"actions": []');
  });

  it('end at the moment exported, without the later actions, and run to the same trace as the whole run does there', () => {
    const s = buildScenario({ nodes: 3, seed: 4, untilMs: 6_000, loadOpsPerSec: 20 });
    const whole: Scenario = { ...s, actions: [{ atMs: 1000, type: 'crash', node: 'n1' }, { atMs: 3000, type: 'restart', node: 'n1' }] };
    const cut = scenarioUpTo(whole, 2_345.9);
    expect(cut.untilMs).toBe(2345);
    expect(cut.actions).toEqual([{ atMs: 1000, type: 'crash', node: 'n1' }]);
    expect(cut.name).toBe('untitled (to 2.345s)');
    // Exporting an export again replaces the suffix rather than stacking it.
    expect(scenarioUpTo(cut, 1000).name).toBe('untitled (to 1.000s)');
    expect(scenarioUpTo(whole, 0).untilMs).toBe(1);
    const parsed = parseScenarioText(formatScenarioJson(cut));
    expect(parsed.ok).toBe(true);
    expect(runScenario(parsed.ok ? parsed.scenario : cut).traceHash).toBe(runScenario({ ...whole, untilMs: 2345 }).traceHash);
  });

  it('name the file and the line and column of a JSON syntax error', () => {
    const r = parseScenarioFile('run.json', '{\n  "seed": 3,\n  "nodes" 5\n}');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/^run\.json is not valid JSON: line 3, column 11: /);
    expect(lineAndColumn('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(jsonSyntaxProblem('{"a":', new SyntaxError('Unexpected end of JSON input'))).toMatch(/^line 1: the JSON ends too early/);
  });

  it('name the file and the path of every bad field, and refuse empty and oversized files', () => {
    const r = parseScenarioFile('crash.json', JSON.stringify({ cluster: { nodes: 3 }, actions: [{ atMs: 5, type: 'crash', node: 'n7' }], sed: 1 }));
    expect(r.ok).toBe(false);
    const message = r.ok ? '' : r.message;
    expect(message).toMatch(/^crash\.json is not a scenario Faultline can run: /);
    expect(message).toContain('sed: unknown field');
    expect(message).toContain('actions[0].node: must be a node id of this cluster (n1, n2, n3), got "n7"');
    const empty = parseScenarioFile('empty.json', '  \n');
    expect(!empty.ok && empty.message).toMatch(/^empty\.json: the file is empty/);
    const big = parseScenarioFile('big.json', ' '.repeat(SCENARIO_FILE_MAX_CHARS + 1));
    expect(!big.ok && big.message).toMatch(/^big\.json: larger than 4 MB/);
    const ok = parseScenarioFile('defaults.json', '{}');
    expect(ok.ok && ok.scenario.cluster.nodes).toBe(5);
  });
});
