import { describe, expect, it } from 'vitest';
import { fileName, momentStem, secondsText, windowStem } from './file-names';

describe('export file names', () => {
  it('say the protocol, the seed and the moment in whole milliseconds', () => {
    expect(fileName(momentStem({ protocol: 'raft', seed: 42 }, 12_340.75), 'svg')).toBe('faultline-raft-seed42-t12.340s.svg');
    expect(fileName(momentStem({ protocol: 'multipaxos', seed: 0 }, 0), 'json', 'history')).toBe('faultline-multipaxos-seed0-t0.000s-history.json');
    expect(fileName(windowStem({ protocol: 'paxos', seed: 7 }, 500, 1000), 'mmd')).toBe('faultline-paxos-seed7-0.500s-1.000s.mmd');
    expect(secondsText(3_600_000)).toBe('3600.000s');
  });

  it('keep only characters that are safe in any file system and shell', () => {
    expect(fileName(momentStem({ protocol: 'ra ft/../x', seed: 1 }, 1), 'png', 'my map!')).toBe('faultline-ra-ft-..-x-seed1-t0.001s-my-map.png');
  });
});
