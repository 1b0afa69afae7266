/**
 * The checker against a peer's answers: every history in ../shared/testdata/porcupine (102 Jepsen etcd
 * registers and 6 key-value stores) must get the verdict Porcupine's own test suite asserts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPorcupine } from '../cli/bench-lincheck';
import { checkLinearizability } from './linearizability';

const histories = loadPorcupine(join(__dirname, '..', '..', '..', 'shared', 'testdata', 'porcupine'));

describe('porcupine histories', () => {
  it('holds all 108 histories with an expected answer', () => {
    expect(histories).toHaveLength(108);
  });

  it.each(histories.map((h) => [h.file, h] as const))('%s', (_file, h) => {
    const r = checkLinearizability(h.history);
    expect(r.verdict).toBe(h.expected);
    if (r.verdict === false) {
      const bad = r.partitions.find((p) => p.verdict === false)!;
      expect(bad.blocking.length).toBeGreaterThan(0);
    } else {
      // The linearization found is a permutation of every operation of each part.
      for (const p of r.partitions) expect(new Set(p.linearization).size).toBe(p.operations);
    }
  });
});
