import { describe, expect, it } from 'vitest';
import { Run } from '../check/run';
import { buildScenario } from '../sim/scenario';
import { Sha256 } from '../sim/sha256';
import { useTraceHasher, type TraceHasher } from '../sim/trace';
import { createNodeSha256, installNativeTraceHasher } from './native-hash';

function hashOf(seed: number): { final: string; prefix: string } {
  const run = new Run(buildScenario({ nodes: 5, seed, untilMs: 4_000, loadOpsPerSec: 40, nemesis: ['partition', 'crash'], nemesisIntervalMs: 1_000 }), { keepTrace: true });
  run.runUntil();
  const trace = run.sim.trace;
  return { prefix: trace.prefixHash(Math.floor(trace.length / 2) + 17), final: trace.finalHash() };
}

describe('the native trace hasher', () => {
  it('gives the trace hash, final and of a prefix, that the portable SHA-256 gives', () => {
    useTraceHasher(() => new Sha256());
    const portable = hashOf(7);
    installNativeTraceHasher();
    const native = hashOf(7);
    useTraceHasher(() => new Sha256());
    expect(native).toEqual(portable);
    expect(native.final).toMatch(/^[0-9a-f]{64}$/);
  });

  it('clones independently and length-prefixes like the portable one', () => {
    const a = createNodeSha256();
    const b = new Sha256();
    const bytes = new Uint8Array(200).map((_, i) => i);
    a.update(bytes);
    b.update(bytes);
    a.updateVarint(1_000_000);
    b.updateVarint(1_000_000);
    const aCopy = a.clone();
    a.update(new Uint8Array([1]));
    expect(aCopy.hexDigest()).toBe(b.clone().hexDigest());
    expect(a.hexDigest()).not.toBe(b.hexDigest());
  });

  it('is refused when it does not compute SHA-256', () => {
    const wrong = (): TraceHasher => {
      const inner = createNodeSha256();
      return { update: (d) => inner.update(d), updateVarint: (n) => inner.updateVarint(n + 1), clone: () => wrong(), hexDigest: () => inner.hexDigest() };
    };
    expect(() => useTraceHasher(wrong)).toThrow(/does not compute SHA-256/);
  });
});
