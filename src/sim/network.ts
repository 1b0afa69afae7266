/**
 * The network: per-link latency, loss, duplication and reordering; links cut one way or both;
 * partitions as sets of groups. Every message in flight has an id and can be dropped or duplicated
 * by an operator. Whether a message gets through is decided when it arrives, so cutting a link also
 * drops what is already on the wire (as a real partition does).
 */
import type { Rng } from './rng';
import type { LatencySpec, LinkOverride } from './scenario';
import type { Address, Message, NodeId } from './types';

export interface InFlight {
  readonly id: number;
  readonly from: Address;
  readonly to: Address;
  readonly message: Message;
  readonly sentAtMs: number;
  readonly deliverAtMs: number;
  /** The clock timer that will deliver it. */
  timer: number;
}

export interface NetworkConfig {
  latency: LatencySpec;
  lossProbability: number;
  duplicateProbability: number;
  reorderProbability: number;
  links: LinkOverride[];
}

/** Bound on messages in flight: beyond it the network drops (as a full NIC queue would). */
export const IN_FLIGHT_LIMIT = 100_000;

export function sampleLatencyMs(spec: LatencySpec, rng: Rng): number {
  switch (spec.kind) {
    case 'constant':
      return Math.round(spec.ms);
    case 'uniform':
      return Math.round(spec.minMs + rng.float() * (spec.maxMs - spec.minMs));
    case 'normal':
      // Truncated at zero: a message never arrives before it was sent.
      return Math.max(0, Math.round(spec.meanMs + rng.normal() * spec.jitterMs));
    default: {
      const never: never = spec;
      throw new Error(`network: unknown latency ${JSON.stringify(never)}`);
    }
  }
}

export function meanLatencyMs(spec: LatencySpec): number {
  switch (spec.kind) {
    case 'constant':
      return spec.ms;
    case 'uniform':
      return (spec.minMs + spec.maxMs) / 2;
    case 'normal':
      return spec.meanMs;
    default: {
      const never: never = spec;
      throw new Error(`network: unknown latency ${JSON.stringify(never)}`);
    }
  }
}

const linkKey = (from: Address, to: Address): string => `${from}>${to}`;

/** The probability that either of two independent events happens (a storm on top of a configured rate). */
function either(p: number, q: number): number {
  return q === 0 ? p : p + q - p * q;
}

export class Network {
  private readonly overrides = new Map<string, LinkOverride>();
  /** Directed links that are cut ("from>to"). */
  private readonly cut = new Set<string>();
  /** Partition group per node; nodes in different groups cannot talk. Empty when healed. */
  private groupOf = new Map<NodeId, number>();
  readonly inFlight = new Map<number, InFlight>();
  private nextId = 1;
  /** A network-storm fault: extra duplication and reordering on every link, over the configured rates. */
  private stormDuplicate = 0;
  private stormReorder = 0;

  constructor(
    private readonly config: NetworkConfig,
    private readonly rng: Rng,
  ) {
    for (const link of config.links) this.overrides.set(linkKey(link.from, link.to), link);
  }

  allocateId(): number {
    return this.nextId++;
  }

  /** Samples the one-way latency of a send, including reordering delay. */
  latencyFor(from: Address, to: Address): number {
    const spec = this.overrides.get(linkKey(from, to))?.latency ?? this.config.latency;
    let ms = sampleLatencyMs(spec, this.rng);
    if (this.rng.chance(either(this.config.reorderProbability, this.stormReorder))) {
      // Hold the message back long enough to be overtaken by later ones on the same link.
      ms += 1 + this.rng.int(0, Math.max(1, Math.round(2 * meanLatencyMs(spec))));
    }
    return ms;
  }

  lost(from: Address, to: Address): boolean {
    const p = this.overrides.get(linkKey(from, to))?.lossProbability ?? this.config.lossProbability;
    return this.rng.chance(p);
  }

  duplicated(): boolean {
    return this.rng.chance(either(this.config.duplicateProbability, this.stormDuplicate));
  }

  setStorm(duplicateProbability: number, reorderProbability: number): void {
    for (const p of [duplicateProbability, reorderProbability]) {
      if (!(p >= 0 && p <= 1)) throw new Error(`network: storm probability ${p} out of [0, 1]`);
    }
    this.stormDuplicate = duplicateProbability;
    this.stormReorder = reorderProbability;
  }

  /** The storm's extra duplication and reordering probabilities (0 and 0 when calm), for views. */
  storm(): { duplicateProbability: number; reorderProbability: number } {
    return { duplicateProbability: this.stormDuplicate, reorderProbability: this.stormReorder };
  }

  /** Can a message from `from` reach `to` right now? Clients are outside partitions. */
  connected(from: Address, to: Address): 'ok' | 'partition' | 'link-cut' {
    if (this.cut.has(linkKey(from, to))) return 'link-cut';
    const a = this.groupOf.get(from);
    const b = this.groupOf.get(to);
    if (a !== undefined && b !== undefined && a !== b) return 'partition';
    return 'ok';
  }

  partition(groups: readonly (readonly NodeId[])[]): void {
    this.groupOf = new Map();
    groups.forEach((group, i) => group.forEach((id) => this.groupOf.set(id, i)));
  }

  /** Heals the partition and every cut link. */
  healAll(): void {
    this.groupOf = new Map();
    this.cut.clear();
  }

  cutLink(from: NodeId, to: NodeId, oneWay: boolean): void {
    this.cut.add(linkKey(from, to));
    if (!oneWay) this.cut.add(linkKey(to, from));
  }

  healLink(from: NodeId, to: NodeId, oneWay: boolean): void {
    this.cut.delete(linkKey(from, to));
    if (!oneWay) this.cut.delete(linkKey(to, from));
  }

  /** Current partition as groups (nodes not listed are with everyone), for views and tests. */
  partitionGroups(): NodeId[][] {
    const groups: NodeId[][] = [];
    for (const [id, g] of this.groupOf) (groups[g] ??= []).push(id);
    return groups.filter((g) => g !== undefined);
  }

  cutLinks(): Array<[Address, Address]> {
    return [...this.cut].map((k) => k.split('>') as [Address, Address]);
  }
}
