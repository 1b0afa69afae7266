/**
 * node:crypto's SHA-256 behind the trace's hasher interface: the CLI installs it (useTraceHasher) so
 * that hashing a trace costs a few percent of a run instead of about a tenth (BENCHMARKS.md). The
 * browser worker keeps the portable implementation; both give the same trace hash (native-hash.test.ts).
 */
import { createHash, type Hash } from 'node:crypto';
import { useTraceHasher, type TraceHasher } from '../sim/trace';

class NodeSha256 implements TraceHasher {
  private readonly varint = new Uint8Array(10);

  constructor(private readonly hash: Hash = createHash('sha256')) {}

  update(data: Uint8Array): this {
    this.hash.update(data);
    return this;
  }

  updateVarint(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`native-hash: varint must be a non-negative safe integer, got ${n}`);
    let len = 0;
    while (n >= 0x80) {
      this.varint[len++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.varint[len++] = n;
    this.hash.update(this.varint.subarray(0, len));
    return this;
  }

  clone(): NodeSha256 {
    return new NodeSha256(this.hash.copy());
  }

  hexDigest(): string {
    return this.hash.digest('hex');
  }
}

export function createNodeSha256(): TraceHasher {
  return new NodeSha256();
}

/** Makes every trace created from now on in this thread hash with node:crypto. */
export function installNativeTraceHasher(): void {
  useTraceHasher(createNodeSha256);
}
