import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildScenario, buildScenarioFrom, paxosQuorumsText, defaultScenario, LIMITS, nodeIds, parseScenario, parseScenarioText, paxosQuorums, RAFT_BUGS, ScenarioError,
  type ParseResult, type Scenario,
} from './scenario';

const errorsOf = (r: ParseResult) => (r.ok ? [] : r.errors);
const pathsOf = (r: ParseResult) => errorsOf(r).map((e) => e.path);
const ok = (r: ParseResult): Scenario => {
  if (!r.ok) throw new Error(`expected a valid scenario, got ${JSON.stringify(r.errors)}`);
  return r.scenario;
};

describe('defaults', () => {
  it('defaultScenario validates and parses to itself', () => {
    const d = defaultScenario();
    expect(ok(parseScenario(d))).toEqual(d);
    expect(ok(parseScenarioText(JSON.stringify(d)))).toEqual(d);
  });

  it('missing sections and fields take the defaults', () => {
    expect(ok(parseScenario({}))).toEqual(defaultScenario());
    const s = ok(parseScenario({ timing: { fsyncMs: 3 }, workload: { clients: 2 } }));
    expect(s.timing).toEqual({ ...defaultScenario().timing, fsyncMs: 3 });
    expect(s.workload).toEqual({ ...defaultScenario().workload, clients: 2 });
  });

  it('defaultScenario returns a fresh object each time', () => {
    const a = defaultScenario();
    a.cluster.nodes = 3;
    a.actions.push({ atMs: 0, type: 'heal' });
    expect(defaultScenario().cluster.nodes).toBe(5);
    expect(defaultScenario().actions).toEqual([]);
  });

  it('nodeIds numbers nodes from n1', () => {
    expect(nodeIds(3)).toEqual(['n1', 'n2', 'n3']);
    expect(nodeIds(0)).toEqual([]);
  });
});

describe('parseScenarioText', () => {
  it('bad JSON gives one error at path "" that mentions JSON', () => {
    for (const text of ['{', '', 'nodes: 3', '{"seed": 1,}']) {
      const r = parseScenarioText(text);
      expect(r.ok).toBe(false);
      expect(errorsOf(r)).toHaveLength(1);
      expect(errorsOf(r)[0]!.path).toBe('');
      expect(errorsOf(r)[0]!.message).toMatch(/JSON/);
    }
  });

  it('valid JSON that is not an object is refused at path ""', () => {
    for (const text of ['[]', 'null', '3', '"x"']) {
      expect(pathsOf(parseScenarioText(text))).toEqual(['']);
    }
  });
});

describe('parseScenario errors name the bad field', () => {
  const g = (groups: string[][]) => ({ actions: [{ atMs: 0, type: 'partition', groups }] });
  const a = (action: Record<string, unknown>) => ({ actions: [{ atMs: 0, ...action }] });
  // [description, input, path of the (first) error, exactly one error?]
  const cases: Array<[string, unknown, string, boolean]> = [
    ['zero nodes', { cluster: { nodes: 0 } }, 'cluster.nodes', true],
    ['ten nodes', { cluster: { nodes: 10 } }, 'cluster.nodes', true],
    ['fractional nodes', { cluster: { nodes: 2.5 } }, 'cluster.nodes', true],
    ['nodes as a string', { cluster: { nodes: '3' } }, 'cluster.nodes', true],
    ['cluster not an object', { cluster: [] }, 'cluster', true],
    ['negative normal mean', { network: { latency: { kind: 'normal', meanMs: -1, jitterMs: 1 } } }, 'network.latency.meanMs', true],
    ['negative jitter', { network: { latency: { kind: 'normal', meanMs: 1, jitterMs: -1 } } }, 'network.latency.jitterMs', true],
    ['a field of another latency kind', { network: { latency: { kind: 'constant', ms: 1, jitterMs: 1 } } }, 'network.latency.jitterMs', true],
    ['uniform max below min', { network: { latency: { kind: 'uniform', minMs: 10, maxMs: 5 } } }, 'network.latency.maxMs', true],
    ['infinite-ish constant', { network: { latency: { kind: 'constant', ms: 1e9 } } }, 'network.latency.ms', true],
    // An unknown kind also reports the constant fallback's missing `ms`.
    ['unknown latency kind', { network: { latency: { kind: 'warp' } } }, 'network.latency.kind', false],
    ['loss above 1', { network: { lossProbability: 1.5 } }, 'network.lossProbability', true],
    ['negative duplication', { network: { duplicateProbability: -0.1 } }, 'network.duplicateProbability', true],
    ['link to an unknown node', { network: { links: [{ from: 'n1', to: 'n9' }] } }, 'network.links[0].to', true],
    ['link with a bad loss', { network: { links: [{ from: 'n1', to: 'n2', lossProbability: 2 }] } }, 'network.links[0].lossProbability', true],
    ['unknown link field', { network: { links: [{ from: 'n1', to: 'n2', jitter: 2 }] } }, 'network.links[0].jitter', true],
    ['unknown top-level field', { nodez: 3 }, 'nodez', true],
    ['unknown nested field', { timing: { heartbeat: 5 } }, 'timing.heartbeat', true],
    ['version 2', { version: 2 }, 'version', true],
    ['unknown protocol', { protocol: 'zab' }, 'protocol', true],
    ['a name too long', { name: 'x'.repeat(201) }, 'name', true],
    ['seed 2^32', { seed: 2 ** 32 }, 'seed', true],
    ['negative seed', { seed: -1 }, 'seed', true],
    ['fractional seed', { seed: 1.5 }, 'seed', true],
    ['seed as a string', { seed: '7' }, 'seed', true],
    ['untilMs 0', { untilMs: 0 }, 'untilMs', true],
    ['untilMs past a day', { untilMs: LIMITS.untilMsMax + 1 }, 'untilMs', true],
    ['heartbeat not below the election timeout', { timing: { heartbeatMs: 150 } }, 'timing.heartbeatMs', true],
    ['election timeout min above max', { timing: { electionTimeoutMinMs: 400 } }, 'timing.electionTimeoutMaxMs', true],
    ['negative fsync', { timing: { fsyncMs: -1 } }, 'timing.fsyncMs', true],
    ['read + cas fractions above 1', { workload: { readFraction: 0.7, casFraction: 0.4 } }, 'workload.casFraction', true],
    ['zero clients', { workload: { clients: 0 } }, 'workload.clients', true],
    ['negative load', { workload: { opsPerSec: -1 } }, 'workload.opsPerSec', true],
    ['zero keys', { workload: { keys: 0 } }, 'workload.keys', true],
    ['unknown nemesis fault', { nemesis: { faults: ['meteor'] } }, 'nemesis.faults[0]', true],
    ['nemesis interval too short', { nemesis: { intervalMs: 5 } }, 'nemesis.intervalMs', true],
    ['unknown bug', { bugs: ['nope'] }, 'bugs[0]', true],
    ['more bugs than exist', { bugs: [...RAFT_BUGS, RAFT_BUGS[0]] }, 'bugs', true],
    ['bugs not an array', { bugs: 'no-step-down' }, 'bugs', true],
    ['actions not an array', { actions: {} }, 'actions', true],
    ['action not an object', { actions: [3] }, 'actions[0]', true],
    [
      'second action names an unknown node',
      { actions: [{ atMs: 0, type: 'crash', node: 'n1' }, { atMs: 10, type: 'crash', node: 'n7' }] },
      'actions[1].node',
      true,
    ],
    ['action after the end of the run', { untilMs: 100, actions: [{ atMs: 101, type: 'heal' }] }, 'actions[0].atMs', true],
    ['action at a negative time', a({ atMs: -1, type: 'heal' }), 'actions[0].atMs', true],
    // An unknown type falls back to `crash`, which then also misses its node.
    ['unknown action type', a({ type: 'fly' }), 'actions[0].type', false],
    ['field of another action type', a({ type: 'crash', node: 'n1', groups: [] }), 'actions[0].groups', true],
    ['node in two partition groups', g([['n1', 'n2'], ['n2', 'n3']]), 'actions[0].groups[1][0]', true],
    ['partition with one group', g([['n1', 'n2']]), 'actions[0].groups', true],
    // The unknown node is replaced by the placeholder n1, which then also trips "n1 in two groups".
    ['partition group with an unknown node', g([['n1'], ['n6']]), 'actions[0].groups[1][0]', false],
    ['cut-link to itself', a({ type: 'cut-link', from: 'n1', to: 'n1' }), 'actions[0].to', true],
    ['cut-link with a non-boolean oneWay', a({ type: 'cut-link', from: 'n1', to: 'n2', oneWay: 'yes' }), 'actions[0].oneWay', true],
    ['drop of message 0', a({ type: 'drop-message', messageId: 0 }), 'actions[0].messageId', true],
    ['duplicate of a fractional message id', a({ type: 'duplicate-message', messageId: 1.5 }), 'actions[0].messageId', true],
    ['client request with an unknown op', a({ type: 'client-request', op: 'delete', key: 'k' }), 'actions[0].op', true],
    ['write without a value', a({ type: 'client-request', op: 'write', key: 'k' }), 'actions[0].value', true],
    ['cas without an expected value', a({ type: 'client-request', op: 'cas', key: 'k', value: '1' }), 'actions[0].expected', true],
    ['key too long', a({ type: 'client-request', op: 'read', key: 'k'.repeat(65) }), 'actions[0].key', true],
  ];
  for (const [description, input, path, single] of cases) {
    it(`${description} -> ${path}`, () => {
      const r = parseScenario(input);
      expect(r.ok).toBe(false);
      const paths = pathsOf(r);
      expect(paths[0]).toBe(path);
      if (single) expect(paths).toEqual([path]);
      for (const e of errorsOf(r)) expect(e.message.length).toBeGreaterThan(0);
    });
  }

  it('reports every bad field, not just the first', () => {
    const r = parseScenario({ seed: -1, cluster: { nodes: 0 }, bugs: ['x'] });
    expect(pathsOf(r)).toEqual(['seed', 'cluster.nodes', 'bugs[0]']);
  });

  it('caps the number of errors at 50', () => {
    const actions = Array.from({ length: 200 }, () => ({ atMs: 0, type: 'crash', node: 'n99' }));
    const r = parseScenario({ actions });
    expect(errorsOf(r)).toHaveLength(50);
  });

  it('checks action nodes against the cluster size of this scenario', () => {
    expect(parseScenario({ cluster: { nodes: 7 }, actions: [{ atMs: 0, type: 'crash', node: 'n7' }] }).ok).toBe(true);
    expect(pathsOf(parseScenario({ cluster: { nodes: 3 }, actions: [{ atMs: 0, type: 'crash', node: 'n4' }] }))).toEqual(['actions[0].node']);
  });
});

describe('parseScenario normalisation', () => {
  it('sorts actions by atMs, keeping the given order for ties', () => {
    const s = ok(
      parseScenario({
        actions: [
          { atMs: 300, type: 'heal' },
          { atMs: 100, type: 'crash', node: 'n2' },
          { atMs: 200, type: 'restart', node: 'n2' },
          { atMs: 100, type: 'crash', node: 'n1' },
          { atMs: 0, type: 'pause', node: 'n3' },
        ],
      }),
    );
    expect(s.actions.map((x) => [x.atMs, x.type, 'node' in x ? x.node : ''])).toEqual([
      [0, 'pause', 'n3'],
      [100, 'crash', 'n2'],
      [100, 'crash', 'n1'],
      [200, 'restart', 'n2'],
      [300, 'heal', ''],
    ]);
  });

  it('fills cut-link oneWay with false and keeps every action kind', () => {
    const s = ok(
      parseScenario({
        actions: [
          { atMs: 1, type: 'cut-link', from: 'n1', to: 'n2' },
          { atMs: 2, type: 'heal-link', from: 'n1', to: 'n2', oneWay: true },
          { atMs: 3, type: 'partition', groups: [['n1'], ['n2', 'n3']] },
          { atMs: 4, type: 'drop-message', messageId: 7 },
          { atMs: 5, type: 'duplicate-message', messageId: 8 },
          { atMs: 6, type: 'client-request', op: 'cas', key: 'k1', value: '2', expected: '1' },
          { atMs: 7, type: 'client-request', op: 'read', key: 'k1' },
          { atMs: 8, type: 'resume', node: 'n3' },
        ],
      }),
    );
    expect(s.actions).toEqual([
      { atMs: 1, type: 'cut-link', from: 'n1', to: 'n2', oneWay: false },
      { atMs: 2, type: 'heal-link', from: 'n1', to: 'n2', oneWay: true },
      { atMs: 3, type: 'partition', groups: [['n1'], ['n2', 'n3']] },
      { atMs: 4, type: 'drop-message', messageId: 7 },
      { atMs: 5, type: 'duplicate-message', messageId: 8 },
      { atMs: 6, type: 'client-request', op: 'cas', key: 'k1', value: '2', expected: '1' },
      { atMs: 7, type: 'client-request', op: 'read', key: 'k1' },
      { atMs: 8, type: 'resume', node: 'n3' },
    ]);
  });

  it('removes duplicate bugs', () => {
    expect(ok(parseScenario({ bugs: ['no-step-down', 'no-step-down'] })).bugs).toEqual(['no-step-down']);
  });

  it('does not alias the input actions array', () => {
    const input = { actions: [{ atMs: 5, type: 'heal' }, { atMs: 1, type: 'heal' }] };
    const s = ok(parseScenario(input));
    expect(input.actions.map((x) => x.atMs)).toEqual([5, 1]);
    expect(s.actions.map((x) => x.atMs)).toEqual([1, 5]);
  });

  it('accepts the boundary values', () => {
    const s = ok(
      parseScenario({
        seed: 0xffffffff,
        untilMs: LIMITS.untilMsMax,
        cluster: { nodes: 9 },
        timing: { heartbeatMs: 1, electionTimeoutMinMs: 2, electionTimeoutMaxMs: 2, fsyncMs: 0 },
        network: { latency: { kind: 'uniform', minMs: 0, maxMs: 0 }, lossProbability: 1 },
        workload: { readFraction: 0.5, casFraction: 0.5, opsPerSec: 0.5 },
        nemesis: { faults: ['partition', 'crash', 'pause'], intervalMs: 10 },
        bugs: [...RAFT_BUGS],
      }),
    );
    expect(s.cluster.nodes).toBe(9);
    expect(s.seed).toBe(0xffffffff);
  });
});

describe('buildScenario', () => {
  it('with no options is the default scenario', () => {
    expect(buildScenario()).toEqual(defaultScenario());
  });

  it('applies CLI-style options and validates the result', () => {
    const s = buildScenario({
      nodes: 3, seed: 9, untilMs: 5_000, nemesis: ['crash'], nemesisIntervalMs: 800, loadOpsPerSec: 20, bugs: ['no-step-down'], name: 'x',
    });
    expect(s).toEqual({
      ...defaultScenario(),
      name: 'x',
      seed: 9,
      untilMs: 5_000,
      cluster: { nodes: 3 },
      nemesis: { faults: ['crash'], intervalMs: 800 },
      workload: { ...defaultScenario().workload, opsPerSec: 20 },
      bugs: ['no-step-down'],
    });
    expect(parseScenario(s)).toEqual({ ok: true, scenario: s });
  });

  it('a nemesis interval alone keeps no faults', () => {
    expect(buildScenario({ nemesisIntervalMs: 700 }).nemesis).toEqual({ faults: [], intervalMs: 700 });
  });

  it('throws ScenarioError with the errors for nodes: 12', () => {
    let caught: unknown;
    try {
      buildScenario({ nodes: 12 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ScenarioError);
    const err = caught as ScenarioError;
    expect(err.name).toBe('ScenarioError');
    expect(err.errors.map((e) => e.path)).toEqual(['cluster.nodes']);
    expect(err.message).toMatch(/^cluster\.nodes: /);
  });

  it('throws ScenarioError for an unknown protocol, nemesis or bug', () => {
    expect(() => buildScenario({ protocol: 'zab' })).toThrow(ScenarioError);
    expect(() => buildScenario({ nemesis: ['meteor'] })).toThrow(/nemesis\.faults\[0\]/);
    expect(() => buildScenario({ bugs: ['off-by-one'] })).toThrow(/bugs\[0\]/);
  });

  it('ScenarioError names a root error "(scenario)"', () => {
    expect(new ScenarioError([{ path: '', message: 'must be an object' }]).message).toBe('(scenario): must be an object');
  });
});

describe('parseScenario on arbitrary input', () => {
  it('never throws on arbitrary JSON values; it returns ok or path-named errors', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const r = parseScenario(value);
        if (!r.ok) {
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) expect(typeof e.path === 'string' && e.message.length > 0).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on JSON text either', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const r = parseScenarioText(text);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 200 },
    );
  });

  // Nearly-valid scenarios: every field present or absent, each drawn from good and bad values.
  const maybe = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) => fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: bad });
  const node = fc.constantFrom('n1', 'n2', 'n3', 'n4', 'n5', 'n6');
  const action = fc.oneof(
    fc.record({ atMs: fc.nat(2_000), type: fc.constantFrom('crash', 'restart', 'pause', 'resume'), node }),
    fc.record({ atMs: fc.nat(2_000), type: fc.constant('partition'), groups: fc.array(fc.array(node, { maxLength: 3 }), { maxLength: 3 }) }),
    fc.record({ atMs: fc.nat(2_000), type: fc.constant('heal') }),
    fc.record({ atMs: fc.nat(2_000), type: fc.constantFrom('cut-link', 'heal-link'), from: node, to: node, oneWay: fc.boolean() }, { requiredKeys: ['atMs', 'type', 'from', 'to'] }),
    fc.record({ atMs: fc.nat(2_000), type: fc.constantFrom('drop-message', 'duplicate-message'), messageId: fc.integer({ min: 0, max: 50 }) }),
  );
  const nearlyValid = fc.record(
    {
      seed: maybe(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(-1, 2 ** 32, 0.5, '1')),
      untilMs: maybe(fc.integer({ min: 1, max: 5_000 }), fc.constantFrom(0, -5, null)),
      cluster: fc.record({ nodes: maybe(fc.integer({ min: 1, max: 9 }), fc.constantFrom(0, 10, 'x')) }, { requiredKeys: [] }),
      timing: fc.record(
        {
          heartbeatMs: maybe(fc.integer({ min: 1, max: 100 }), fc.constant(0)),
          electionTimeoutMinMs: fc.integer({ min: 1, max: 400 }),
          electionTimeoutMaxMs: fc.integer({ min: 1, max: 400 }),
          fsyncMs: maybe(fc.integer({ min: 0, max: 20 }), fc.constant(-1)),
        },
        { requiredKeys: [] },
      ),
      network: fc.record(
        {
          latency: fc.oneof(
            fc.record({ kind: fc.constant('constant'), ms: fc.integer({ min: -2, max: 50 }) }),
            fc.record({ kind: fc.constant('uniform'), minMs: fc.nat(50), maxMs: fc.nat(50) }),
            fc.record({ kind: fc.constant('normal'), meanMs: fc.integer({ min: -2, max: 50 }), jitterMs: fc.nat(10) }),
          ),
          lossProbability: fc.double({ min: -0.5, max: 1.5, noNaN: true }),
        },
        { requiredKeys: [] },
      ),
      workload: fc.record({ readFraction: fc.double({ min: 0, max: 1, noNaN: true }), casFraction: fc.double({ min: 0, max: 1, noNaN: true }) }, { requiredKeys: [] }),
      actions: fc.array(action, { maxLength: 6 }),
      bugs: fc.array(fc.constantFrom(...RAFT_BUGS, 'nope'), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  );

  it('on nearly-valid scenarios: errors point into the input, and valid results re-parse to themselves', () => {
    let valid = 0;
    fc.assert(
      fc.property(nearlyValid, (input) => {
        const r = parseScenario(input);
        if (r.ok) {
          valid++;
          const s = r.scenario;
          // Through JSON, as a saved scenario travels (JSON has no -0, so compare the JSON forms).
          const json = JSON.parse(JSON.stringify(s)) as unknown;
          expect(parseScenario(json)).toEqual({ ok: true, scenario: json });
          for (let i = 1; i < s.actions.length; i++) expect(s.actions[i - 1]!.atMs).toBeLessThanOrEqual(s.actions[i]!.atMs);
          expect(s.timing.heartbeatMs).toBeLessThan(s.timing.electionTimeoutMinMs);
          expect(s.timing.electionTimeoutMinMs).toBeLessThanOrEqual(s.timing.electionTimeoutMaxMs);
        } else {
          for (const e of r.errors) {
            const top = e.path.split(/[.[]/)[0]!;
            expect(Object.keys(input), `error path ${e.path}`).toContain(top);
          }
        }
      }),
      // Seeded: how many generated inputs happen to be valid varies by seed (9 was seen), and the
      // count below must not flake. Change the seed on purpose to explore other inputs.
      { numRuns: 400, seed: 20261125 },
    );
    // The generator must reach valid scenarios too, or the first branch tests nothing.
    expect(valid).toBeGreaterThan(10);
  });
});

describe('one mistake, one error', () => {
  it('does not add knock-on errors from a bad field standing in as a placeholder', () => {
    const r = parseScenario({
      cluster: { nodes: 3 },
      timing: { electionTimeoutMinMs: 0 },
      workload: { readFraction: 2 },
      actions: [{ atMs: 1, type: 'partition', groups: [['n1', 'n9'], ['n2', 'n3']] }],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path)).toEqual(['timing.electionTimeoutMinMs', 'workload.readFraction', 'actions[0].groups[0][1]']);
  });
});

describe('strings must be valid Unicode', () => {
  it('refuses a lone surrogate (it would hash like U+FFFD) and accepts a full pair', () => {
    const action = (value: string) => ({ actions: [{ atMs: 1, type: 'client-request', op: 'write', key: 'k', value }] });
    const bad = parseScenario(action('a\ud800b'));
    expect(bad.ok ? [] : bad.errors.map((e) => e.path)).toEqual(['actions[0].value']);
    expect(parseScenario(action('\ud83d\ude00')).ok).toBe(true);
  });
});

describe('Paxos fields', () => {
  it('take the mode and the quorum sizes, majorities by default, and Paxos bug names only for Paxos', () => {
    const s = buildScenario({ protocol: 'paxos', nodes: 5, paxosMode: 'single', phase1Quorum: 4, phase2Quorum: 2, bugs: ['ignore-accepted-value'] });
    expect(s.paxos).toEqual({ mode: 'single', phase1Quorum: 4, phase2Quorum: 2 });
    expect(paxosQuorums(s)).toEqual({ phase1: 4, phase2: 2, grid: null });
    expect(paxosQuorums(buildScenario({ protocol: 'paxos', nodes: 7 }))).toEqual({ phase1: 4, phase2: 4, grid: null });
    expect(() => buildScenario({ protocol: 'raft', bugs: ['ignore-accepted-value'] })).toThrow(/bugs\[0\]: must be one of "commit-old-term"/);
    expect(() => buildScenario({ protocol: 'paxos', bugs: ['commit-old-term'] })).toThrow(/bugs\[0\]: must be one of "acceptor-forgets-promise"/);
  });

  it('take a grid of rows x columns = nodes instead of sizes: a column for phase 1, a row for phase 2', () => {
    const s = buildScenario({ protocol: 'paxos', nodes: 6, grid: { rows: 2, columns: 3 } });
    expect(s.paxos).toEqual({ mode: 'multi', phase1Quorum: null, phase2Quorum: null, grid: { rows: 2, columns: 3 } });
    expect(paxosQuorums(s)).toEqual({ phase1: 2, phase2: 3, grid: { rows: 2, columns: 3 } });
    // Without `nodes`, the grid sizes the cluster (as the CLI's --grid does).
    expect(buildScenario({ protocol: 'paxos', grid: { rows: 3, columns: 3 } }).cluster.nodes).toBe(9);
    expect(paxosQuorumsText(s)).toBe('grid 2x3, phase 1 a column of 2, phase 2 a row of 3');
    expect(paxosQuorumsText(buildScenario({ protocol: 'paxos', phase1Quorum: 2, phase2Quorum: 2 }))).toBe('|Q1| = 2, |Q2| = 2 of 5: the quorums need not meet, so Agreement can break');
    expect(paxosQuorumsText(buildScenario({ protocol: 'paxos' }))).toBe('|Q1| = 3, |Q2| = 3 of 5');
    expect(paxosQuorumsText(buildScenario({}))).toBeNull();
    // A scenario without a grid has no grid key at all (files and exports are as before).
    expect('grid' in buildScenario({ protocol: 'paxos' }).paxos).toBe(false);
    expect('grid' in buildScenarioFrom(s, { grid: null }).paxos).toBe(false);
    const wrongSize = parseScenario({ protocol: 'paxos', cluster: { nodes: 5 }, paxos: { grid: { rows: 2, columns: 2 } } });
    expect(wrongSize.ok).toBe(false);
    if (!wrongSize.ok) expect(wrongSize.errors).toEqual([{ path: 'paxos.grid', message: 'a grid of 2 x 2 is 4 nodes, but the cluster has 5' }]);
    const both = parseScenario({ protocol: 'paxos', cluster: { nodes: 4 }, paxos: { phase2Quorum: 2, grid: { rows: 2, columns: 2 } } });
    expect(both.ok).toBe(false);
    if (!both.ok) expect(both.errors[0]!.message).toMatch(/a grid sets both quorums/);
    const bad = parseScenario({ protocol: 'paxos', cluster: { nodes: 4 }, paxos: { grid: { rows: 0, columns: 'two', cells: 4 } } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.path).sort()).toEqual(['paxos.grid', 'paxos.grid.cells', 'paxos.grid.columns', 'paxos.grid.rows']);
  });

  it('refuse a quorum larger than the cluster or a mode that is not one, naming the field', () => {
    const parsed = parseScenario({ protocol: 'paxos', cluster: { nodes: 3 }, paxos: { mode: 'fast', phase1Quorum: 4, phase2Quorum: 0 } });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.map((e) => e.path).sort()).toEqual(['paxos.mode', 'paxos.phase1Quorum', 'paxos.phase2Quorum']);
  });
});

describe('regions, overload and retry sections', () => {
  const regions = { nodes: ['us-east', 'us-east', 'us-west', 'eu-west', 'eu-west'] };

  it('are absent unless given (a scenario without them is exactly as before)', () => {
    const s = ok(parseScenario({}));
    expect('regions' in s).toBe(false);
    expect('overload' in s).toBe(false);
    expect('retry' in s.workload).toBe(false);
  });

  it('parse with their defaults, and round-trip', () => {
    const s = ok(parseScenario({ regions, overload: { serviceMs: 2 }, workload: { retry: { policy: 'backoff' } } }));
    expect(s.regions).toEqual({ nodes: regions.nodes, clients: null, rttMs: [], jitter: { kind: 'normal', fraction: 0.02 } });
    expect(s.overload).toEqual({ serviceMs: 2, queueLimit: 10_000, admitLimit: null });
    expect(s.workload.retry).toEqual({ policy: 'backoff', maxRetries: 3, baseMs: 50, maxMs: 2000, budget: null });
    expect(ok(parseScenarioText(JSON.stringify(s)))).toEqual(s);
  });

  it('name the path of every bad field', () => {
    const r = parseScenario({
      regions: { nodes: ['us-east', 'mars'], clients: ['eu-west'], rttMs: [{ between: ['us-east'], ms: -1 }], jitter: { kind: 'pareto', fraction: 0.1 } },
      overload: { serviceMs: 1, queueLimit: 5, admitLimit: 9 },
      workload: { retry: { policy: 'sometimes' } },
    });
    expect(pathsOf(r)).toEqual(expect.arrayContaining([
      'regions.nodes[1]', 'regions.clients', 'regions.rttMs[0].between', 'regions.rttMs[0].ms', 'regions.jitter.alpha', 'overload.admitLimit', 'workload.retry.policy',
    ]));
    expect(errorsOf(r).find((e) => e.path === 'regions.nodes[1]')!.message).toMatch(/mars/);
    expect(errorsOf(parseScenario({ regions: { nodes: ['us-east'] } }))[0]).toEqual({ path: 'regions.nodes', message: 'must list one region per node (5), has 1' });
  });

  it('region partitions and the region fault need a regions section and name only its regions', () => {
    expect(pathsOf(parseScenario({ actions: [{ atMs: 1, type: 'partition-regions', groups: [['us-east']] }] }))).toEqual(['actions[0].type']);
    expect(pathsOf(parseScenario({ nemesis: { faults: ['region'] } }))).toEqual(['nemesis.faults[0]']);
    expect(pathsOf(parseScenario({ regions, actions: [{ atMs: 1, type: 'partition-regions', groups: [['ap-tokyo'], ['us-east', 'us-east']] }] }))).toEqual([
      'actions[0].groups[0][0]', 'actions[0].groups[1][1]',
    ]);
    const s = ok(parseScenario({ regions, nemesis: { faults: ['region', 'crash'] }, actions: [{ atMs: 1, type: 'partition-regions', groups: [['eu-west']] }] }));
    expect(s.actions[0]).toEqual({ atMs: 1, type: 'partition-regions', groups: [['eu-west']] });
    expect(s.nemesis.faults).toEqual(['region', 'crash']);
  });
});
