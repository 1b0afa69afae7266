import { describe, expect, it } from 'vitest';
import type { LabConfig } from '../../worker/lab-protocol';
import { decodeActions, encodeActions, formatUrlState, parseUrlState } from './url-state';

const EMPTY: LabConfig = { scenario: null, protocol: null, nodes: null, seed: null, bugs: null, loadOpsPerSec: null, nemesis: null, actions: [] };

describe('url state', () => {
  it('an empty query means the CLI defaults at t = 0', () => {
    expect(parseUrlState('')).toEqual({ config: EMPTY, atMs: 0, problems: [] });
  });

  it('round-trips every field, actions included', () => {
    const config: LabConfig = {
      scenario: 'figure-8-commit-old-term', protocol: 'raft', nodes: 7, seed: 4_000_000_000, bugs: ['commit-old-term', 'no-step-down'],
      loadOpsPerSec: 12.5, nemesis: ['partition', 'crash'],
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
      'colour: not a parameter Faultline knows (known: protocol, nodes, seed, bug, scenario, t, load, nemesis, actions)',
      'scenario: "../x" is not a valid scenario name',
      'nodes: expected a whole number from 1 to 9, got "12"',
      'seed: expected a whole number from 0 to 4294967295, got "abc"',
      'load: expected a number of operations per second from 0 to 10000, got "lots"',
      'actions: not base64url text',
      't: expected a whole number from 0 to 86400000, got "-5"',
    ]);
  });

  it('a cut-short or malformed action list is a problem, not a crash', () => {
    const good = encodeActions([{ type: 'heal', atMs: 5 }]);
    expect(decodeActions(good)).toEqual({ actions: [{ type: 'heal', atMs: 5 }] });
    expect(decodeActions(good.slice(0, good.length - 3))).toHaveProperty('problem');
    expect(decodeActions(encodeActions([{ atMs: 1 } as never]))).toEqual({ problem: 'actions[0]: expected an object with a type and an atMs' });
  });
});
