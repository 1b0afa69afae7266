import { describe, expect, it } from 'vitest';
import type { LabConfig } from '../../worker/lab-protocol';
import { importedFragment, missingFileProblem, parseImportedFragment, recallFile, rememberFile, textChecksum } from './imported-url';

const BASE: LabConfig = { scenario: null, protocol: null, nodes: null, seed: null, bugs: null, loadOpsPerSec: null, nemesis: null, q1: null, q2: null, actions: [] };

describe('the address of a run from an imported file', () => {
  it('names the file and its checksum, then what the lab laid over it and the moment, and reads back', () => {
    const text = '{"seed": 3}';
    const config: LabConfig = {
      ...BASE, seed: 99, regions: ['us-east', 'eu-west'], scenarioFile: { name: 'my run.json', text }, actions: [{ type: 'crash', node: 'n1', atMs: 12 }],
    };
    const hash = importedFragment(config, 1234.8, 'map')!;
    expect(hash).toMatch(new RegExp(`^#file=my\\+run\\.json&sum=${textChecksum(text)}&seed=99&actions=[A-Za-z0-9_-]+&regions=us-east%2Ceu-west&layout=map&t=1234$`));
    const back = parseImportedFragment(hash)!;
    expect(back).toEqual({
      name: 'my run.json', sum: textChecksum(text), atMs: 1234, layout: 'map', problems: [],
      config: { ...BASE, seed: 99, regions: ['us-east', 'eu-west'], actions: [{ type: 'crash', node: 'n1', atMs: 12 }] },
    });
  });

  it('is null for runs a query string describes, and reports what it cannot read', () => {
    expect(importedFragment(BASE, 10)).toBeNull();
    expect(parseImportedFragment('#t=5')).toBeNull();
    expect(parseImportedFragment('')).toBeNull();
    const bad = parseImportedFragment('#file=x.json&sum=1&t=soon&actions=%%%&scenario=raft-basic')!;
    expect([...bad.problems].sort()).toEqual([
      'actions: not base64url text',
      'scenario: a run comes from a bundled scenario or from a file, not both; the file is used',
      't: expected a whole number from 0 to 86400000, got "soon"',
    ]);
    expect(bad.config.scenario).toBeNull();
  });

  it('keeps the text for this tab, gives it back only for the same file, and says what to do when it is not there', () => {
    const store = new Map<string, string>();
    const storage = { setItem: (k: string, v: string) => void store.set(k, v), getItem: (k: string) => store.get(k) ?? null };
    expect(rememberFile(storage, 'a.json', '{"seed":2}')).toBe(true);
    expect(recallFile(storage, 'a.json', textChecksum('{"seed":2}'))).toBe('{"seed":2}');
    // Another file of the same name (a different checksum) is not that file.
    expect(recallFile(storage, 'a.json', textChecksum('{"seed":3}'))).toBeNull();
    expect(recallFile(storage, 'b.json', textChecksum('{"seed":2}'))).toBeNull();
    expect(textChecksum('{"seed":2}')).toMatch(/^[0-9a-f]{8}$/);
    expect(rememberFile({ setItem: () => { throw new Error('QuotaExceededError'); } }, 'a.json', 'x')).toBe(false);
    expect(rememberFile(null, 'a.json', 'x')).toBe(false);
    expect(missingFileProblem('a.json')).toMatch(/^This link names a\.json, a scenario file imported in another tab/);
  });
});
