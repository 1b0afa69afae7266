import { describe, expect, it } from 'vitest';
import type { LabConfig } from '../../worker/lab-protocol';
import { decodeActions, encodeActions, formatUrlState, parseUrlState } from './url-state';

const EMPTY: LabConfig = { scenario: null, protocol: null, nodes: null, seed: null, bugs: null, loadOpsPerSec: null, nemesis: null, q1: null, q2: null, actions: [] };

describe('url state', () => {
  it('an empty query means the CLI defaults at t = 0', () => {
    expect(parseUrlState('')).toEqual({ config: EMPTY, atMs: 0, problems: [] });
  });

  it('round-trips every field, actions included', () => {
    const config: LabConfig = {
      scenario: 'figure-8-commit-old-term', protocol: 'raft', nodes: 7, seed: 4_000_000_000, bugs: ['commit-old-term', 'no-step-down'],
      loadOpsPerSec: 12.5, nemesis: ['partition', 'crash'], q1: null, q2: null,
      actions: [
        { type: 'crash', node: 'n1', atMs: 801 },
        { type: 'partition', groups: [['n1', 'n2'], ['n3']], atMs: 900 },
        { type: 'client-request', op: 'write', key: 'k1', value: 'héllo ✓', atMs: 1000 },
      ],
    };
    const search = formatUrlState(config, 1234.7);
    expect(search).toContain('t=1234');
    expect(parseUrlState(search)).toEqual({ config, atMs: 1234, problems: [] });
  });

  it('reads the CLI spellings: bug repeated or comma-separated, none', () => {
    expect(parseUrlState('?bug=commit-old-term&bug=no-step-down').config.bugs).toEqual(['commit-old-term', 'no-step-down']);
    expect(parseUrlState('?bug=none').config.bugs).toEqual([]);
    expect(parseUrlState('?nemesis=partition,crash').config.nemesis).toEqual(['partition', 'crash']);
  });

  it('names every bad parameter and ignores it', () => {
    const { config, atMs, problems } = parseUrlState('?seed=abc&nodes=12&t=-5&load=lots&scenario=../x&colour=red&actions=@@@');
    expect(config).toEqual(EMPTY);
    expect(atMs).toBe(0);
    expect(problems).toEqual([
      'colour: not a parameter Faultline knows (known: protocol, nodes, seed, bug, scenario, t, load, nemesis, q1, q2, grid, actions, regions, rtt, layout)',
      'scenario: "../x" is not a valid scenario name',
      'nodes: expected a whole number from 1 to 9, got "12"',
      'seed: expected a whole number from 0 to 4294967295, got "abc"',
      'load: expected a number of operations per second from 0 to 10000, got "lots"',
      'actions: not base64url text',
      't: expected a whole number from 0 to 86400000, got "-5"',
    ]);
  });

  it('reads and writes the Paxos quorum sizes as the CLI spells them (--q1, --q2)', () => {
    const parsed = parseUrlState('?protocol=multipaxos&q1=2&q2=2&t=500');
    expect(parsed).toEqual({ config: { ...EMPTY, protocol: 'multipaxos', q1: 2, q2: 2 }, atMs: 500, problems: [] });
    expect(formatUrlState(parsed.config, 500)).toBe('?protocol=multipaxos&q1=2&q2=2&t=500');
    // null is a majority, as an absent flag is: it is left out of the link.
    expect(formatUrlState({ ...EMPTY, protocol: 'paxos', q1: 4, q2: null }, 0)).toBe('?protocol=paxos&q1=4&t=0');
  });

  it('reads and writes a grid quorum system as the CLI spells it (--grid 3x3), and names a bad one', () => {
    const parsed = parseUrlState('?protocol=multipaxos&grid=2x3&t=0');
    expect(parsed).toEqual({ config: { ...EMPTY, protocol: 'multipaxos', grid: { rows: 2, columns: 3 } }, atMs: 0, problems: [] });
    expect(formatUrlState(parsed.config, 0)).toBe('?protocol=multipaxos&grid=2x3&t=0');
    for (const bad of ['4x4', '3', '0x2', 'big']) {
      expect(parseUrlState(`?grid=${bad}`).problems).toEqual([`grid: expected ROWSxCOLUMNS of at most 9 nodes, such as 3x3, got "${bad}"`]);
    }
  });

  it('round-trips every quorum size, and majority (null), exactly', () => {
    const sizes = [null, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    for (const q1 of sizes) {
      for (const q2 of sizes) {
        const config: LabConfig = { ...EMPTY, protocol: 'multipaxos', nodes: 9, q1, q2 };
        expect(parseUrlState(formatUrlState(config, 42)), `q1=${q1} q2=${q2}`).toEqual({ config, atMs: 42, problems: [] });
      }
    }
  });

  it('names a bad quorum size and ignores it, keeping the other', () => {
    for (const [query, problem] of [
      ['?q1=0&q2=3', 'q1: expected a whole number from 1 to 9, got "0"'],
      ['?q1=10&q2=3', 'q1: expected a whole number from 1 to 9, got "10"'],
      ['?q1=2.5&q2=3', 'q1: expected a whole number from 1 to 9, got "2.5"'],
      ['?q1=majority&q2=3', 'q1: expected a whole number from 1 to 9, got "majority"'],
      ['?q1=&q2=3', 'q1: expected a whole number from 1 to 9, got ""'],
    ] as const) {
      const { config, problems } = parseUrlState(query);
      expect(problems, query).toEqual([problem]);
      expect(config.q1, query).toBeNull();
      expect(config.q2, query).toBe(3);
    }
    expect(parseUrlState('?q1=3&q2=-1').problems).toEqual(['q2: expected a whole number from 1 to 9, got "-1"']);
  });

  it('a cut-short or malformed action list is a problem, not a crash', () => {
    const good = encodeActions([{ type: 'heal', atMs: 5 }]);
    expect(decodeActions(good)).toEqual({ actions: [{ type: 'heal', atMs: 5 }] });
    expect(decodeActions(good.slice(0, good.length - 3))).toHaveProperty('problem');
    expect(decodeActions(encodeActions([{ atMs: 1 } as never]))).toEqual({ problem: 'actions[0]: expected an object with a type and an atMs' });
  });

  it('round-trips regions, RTT overrides and the map layout', () => {
    const config: LabConfig = {
      ...EMPTY, loadOpsPerSec: 20, regions: ['us-east', 'us-west', 'eu-west', 'eu-west', 'ap-tokyo'],
      rtt: [{ between: ['us-east', 'eu-west'], ms: 70 }, { between: ['us-west', 'ap-tokyo'], ms: 95.5 }],
    };
    const search = formatUrlState(config, 5000, 'map');
    expect(search).toContain('layout=map');
    expect(parseUrlState(search)).toEqual({ config, atMs: 5000, problems: [], layout: 'map' });
    expect(parseUrlState('?regions=us-east,us-west,eu-west&load=20&t=5000').config.regions).toEqual(['us-east', 'us-west', 'eu-west']);
    expect(parseUrlState('?rtt=us-east~eu-west:70').config.rtt).toEqual([{ between: ['us-east', 'eu-west'], ms: 70 }]);
  });

  it('leaves every existing link unchanged when there are no regions', () => {
    expect(formatUrlState({ ...EMPTY, protocol: 'raft', nodes: 5 }, 10)).toBe('?protocol=raft&nodes=5&t=10');
    expect(formatUrlState({ ...EMPTY, regions: null, rtt: [] }, 10, 'ring')).toBe('?t=10');
    expect(parseUrlState('?layout=ring')).toEqual({ config: EMPTY, atMs: 0, problems: [] });
  });

  it('names unknown regions and bad RTT overrides, and ignores them', () => {
    const bad = parseUrlState('?regions=us-east,mars-north,moon&rtt=us-east~eu-west:abc&layout=globe');
    expect(bad.config).toEqual(EMPTY);
    expect(bad.layout).toBeUndefined();
    expect(bad.problems).toEqual([
      'regions: unknown regions "mars-north", "moon" (known: us-east, us-west-ca, us-west, eu-west, eu-central, ap-tokyo, ap-seoul, ap-singapore, ap-sydney, sa-saopaulo)',
      'rtt: "us-east~eu-west:abc" is not region~region:ms (e.g. us-east~eu-west:70)',
      'layout: expected ring or map, got "globe"',
    ]);
    expect(parseUrlState('?regions=').problems).toEqual(['regions: expected a list of regions such as us-east,us-west,eu-west']);
    expect(parseUrlState('?rtt=us-east~pluto:70').problems[0]).toMatch(/^rtt: unknown region "pluto"/);
    expect(parseUrlState('?rtt=us-east~us-east:70').problems).toEqual(['rtt: "us-east~us-east:70" names one region twice']);
    expect(parseUrlState('?rtt=us-east~eu-west:0').problems).toEqual(['rtt: us-east~eu-west must be from 0.1 to 2000 ms, got 0']);
    expect(parseUrlState('?rtt=us-east~eu-west:70,eu-west~us-east:71').problems).toEqual(['rtt: eu-west~us-east is given twice']);
  });
});
