/**
 * The network: per-link latency, loss, duplication and reordering; links cut one way or both;
 * partitions as sets of groups. Every message in flight has an id and can be dropped or duplicated
 * by an operator. Whether a message gets through is decided when it arrives, so cutting a link also
 * drops what is already on the wire (as a real partition does).
 */
import type { Rng } from './rng';
import type { RttTable } from './regions';
import type { JitterSpec, LatencySpec, LinkOverride } from './scenario';
import type { Address, Message, NodeId } from './types';
import type { TimerId } from './clock';

export interface InFlight {
  readonly id: number;
  readonly from: Address;
  readonly to: Address;
  readonly message: Message;
  readonly sentAtMs: number;
  readonly deliverAtMs: number;
  /** The clock timer that will deliver it (null only while it is being launched). */
  timer: TimerId | null;
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

/**
 * Geo-replication: the latency of a link between two addresses (nodes or clients) placed in regions is
 * the pair's mean one-way latency (RTT / 2; sub-millisecond inside a region) plus the jitter, drawn
 * from its own stream. The clock counts whole milliseconds, so the sum is rounded at random (down or
 * up in proportion to the fraction): the mean latency is exactly the table's, not biased by rounding.
 */
export class GeoLatency {
  constructor(
    readonly regionOf: ReadonlyMap<Address, string>,
    readonly table: RttTable,
    readonly jitter: JitterSpec,
    private readonly rng: Rng,
  ) {}

  /** Mean one-way latency between two addresses, without jitter; null when either has no region. */
  baseMs(from: Address, to: Address): number | null {
    const a = this.regionOf.get(from);
    const b = this.regionOf.get(to);
    if (a === undefined || b === undefined) return null;
    return this.table.oneWayMs(a, b);
  }

  sampleMs(baseMs: number): number {
    const j = this.jitter;
    let ms = baseMs;
    if (j.kind === 'normal') ms = Math.max(0, baseMs + this.rng.normal() * j.fraction * baseMs);
    else if (j.kind === 'pareto') ms = baseMs + j.fraction * baseMs * ((1 - this.rng.float()) ** (-1 / j.alpha) - 1);
    return Math.floor(ms + this.rng.float());
  }
}

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

  /** Clients' partition groups (a region partition cuts clients off too); empty when healed. */
  private clientGroupOf = new Map<Address, number>();

  constructor(
    private readonly config: NetworkConfig,
    private readonly rng: Rng,
    /** Latencies by region (null: every link draws from `config.latency`). */
    readonly geo: GeoLatency | null = null,
  ) {
    for (const link of config.links) this.overrides.set(linkKey(link.from, link.to), link);
  }

  allocateId(): number {
    return this.nextId++;
  }

  /** Samples the one-way latency of a send, including reordering delay. */
  latencyFor(from: Address, to: Address): number {
    // Most runs override no link: skip building the link's key (a string per message) for them.
    const override = this.overrides.size === 0 ? undefined : this.overrides.get(linkKey(from, to))?.latency;
    // A link override wins over the region table (it is the more specific statement).
    const geoBaseMs = override === undefined && this.geo !== null ? this.geo.baseMs(from, to) : null;
    const spec = override ?? this.config.latency;
    let ms = geoBaseMs === null ? sampleLatencyMs(spec, this.rng) : this.geo!.sampleMs(geoBaseMs);
    if (this.rng.chance(either(this.config.reorderProbability, this.stormReorder))) {
      // Hold the message back long enough to be overtaken by later ones on the same link.
      ms += 1 + this.rng.int(0, Math.max(1, Math.round(2 * (geoBaseMs ?? meanLatencyMs(spec)))));
    }
    return ms;
  }

  lost(from: Address, to: Address): boolean {
    const p = (this.overrides.size === 0 ? undefined : this.overrides.get(linkKey(from, to))?.lossProbability) ?? this.config.lossProbability;
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
    if (this.cut.size > 0 && this.cut.has(linkKey(from, to))) return 'link-cut';
    if (this.groupOf.size === 0 && this.clientGroupOf.size === 0) return 'ok'; // no partition
    const a = this.groupOf.get(from) ?? this.clientGroupOf.get(from);
    const b = this.groupOf.get(to) ?? this.clientGroupOf.get(to);
    if (a !== undefined && b !== undefined && a !== b) return 'partition';
    return 'ok';
  }

  /**
   * Partitions the nodes into groups; `clientGroups` (a region partition) puts clients in the same
   * numbered groups, so they are cut off with their region. Without it clients are outside partitions.
   */
  partition(groups: readonly (readonly NodeId[])[], clientGroups: readonly (readonly Address[])[] = []): void {
    this.groupOf = new Map();
    groups.forEach((group, i) => group.forEach((id) => this.groupOf.set(id, i)));
    this.clientGroupOf = new Map();
    clientGroups.forEach((group, i) => group.forEach((id) => this.clientGroupOf.set(id, i)));
  }

  /** Heals the partition and every cut link. */
  healAll(): void {
    this.groupOf = new Map();
    this.clientGroupOf = new Map();
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
