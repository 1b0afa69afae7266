/**
 * The nemesis: a seeded fault plan, Jepsen style. Every `intervalMs` it either heals what it broke
 * last time or, when all is well, injects one new fault drawn from the enabled kinds (partition,
 * crash, pause, or kill: a power cycle, back within milliseconds; asymmetric: one node's messages lost
 * in one direction only; bridge: two sides that can both talk to one node but not to each other;
 * flap: one link cut and healed every few tens of milliseconds; slow: one node's disk and sends slowed;
 * skew: one node's clock running fast or slow; duplicate and reorder: a storm of duplicated or
 * reordered messages on every link; power: a node losing power, and with it its unsynced writes).
 * Each lasts until the next tick. The plan depends only on the
 * nemesis stream of the seed and on the trace (crashes and kills target the last node that announced
 * itself leader half the time), never on protocol internals.
 */
import type { Rng } from './rng';
import type { NemesisFault, Scenario } from './scenario';
import type { NodeId } from './types';
import type { TimerId } from './clock';

export interface NemesisPort {
  setTimer(fn: () => void, delayMs: number): TimerId;
  /** The node that most recently announced itself leader in the trace (any protocol), if any. */
  lastLeader(): NodeId | null;
  partition(groups: NodeId[][]): void;
  heal(): void;
  crash(node: NodeId): void;
  restart(node: NodeId): void;
  pause(node: NodeId): void;
  resume(node: NodeId): void;
  cutLink(from: NodeId, to: NodeId, oneWay: boolean): void;
  healLink(from: NodeId, to: NodeId, oneWay: boolean): void;
  powerLoss(node: NodeId): void;
  slowNode(node: NodeId, factor: number): void;
  clockSkew(node: NodeId, rate: number): void;
  networkStorm(duplicateProbability: number, reorderProbability: number): void;
  /** A partition along region lines (regions in no group on one more side together). */
  partitionRegions(groups: string[][]): void;
}

/** How much slower a slow node gets: a degraded disk or a starved process, not a dead one. */
const SLOW_FACTORS = [5, 10, 20, 50] as const;
/** Clock rates of a skewed node: drifting clocks, fast and slow, within what NTP-less hosts show. */
const SKEW_RATES = [0.5, 0.8, 1.25, 1.5, 2] as const;
/** Extra probability of duplicating or reordering each message during a storm. */
const STORM_PROBABILITIES = [0.1, 0.25, 0.5] as const;

/** Cut/heal toggles of a flapping link within one nemesis interval. */
const FLAP_TOGGLES = 8;

/** Longest time a killed node stays down. */
const KILL_RESTART_MAX_MS = 60;

type Active =
  | { kind: 'partition' }
  | { kind: 'crash'; node: NodeId }
  | { kind: 'pause'; node: NodeId }
  | { kind: 'slow'; node: NodeId }
  | { kind: 'skew'; node: NodeId }
  | { kind: 'storm' }
  /** Links cut by an asymmetric, bridge or flap fault: healed together (a flap stops flapping). */
  | { kind: 'links'; flap: { stopped: boolean } | null };

export class Nemesis {
  private active: Active | null = null;

  constructor(
    private readonly config: Scenario['nemesis'],
    private readonly members: readonly NodeId[],
    private readonly rng: Rng,
    private readonly port: NemesisPort,
    /** The regions that hold nodes (geo-replication), for the region fault; empty otherwise. */
    private readonly regions: readonly string[] = [],
  ) {}

  start(): void {
    if (this.config.faults.length === 0) return;
    this.scheduleTick();
  }

  private scheduleTick(): void {
    // +-20% jitter so faults do not line up with heartbeats or election timeouts.
    const jitterMs = Math.round(this.config.intervalMs * 0.2);
    const delayMs = this.config.intervalMs + this.rng.int(-jitterMs, jitterMs);
    this.port.setTimer(() => {
      this.tick();
      this.scheduleTick();
    }, Math.max(1, delayMs));
  }

  private tick(): void {
    if (this.active !== null) {
      this.recover(this.active);
      this.active = null;
      return;
    }
    const kind: NemesisFault = this.rng.pick(this.config.faults);
    this.active = this.inject(kind);
  }

  /** Half the time the leader, as Jepsen's primary-killing nemeses do: that is where failures hide. */
  private victim(): NodeId {
    const leader = this.port.lastLeader();
    return leader !== null && this.rng.chance(0.5) ? leader : this.rng.pick(this.members);
  }

  private inject(kind: NemesisFault): Active | null {
    switch (kind) {
      case 'partition': {
        const shuffled = this.rng.shuffled(this.members);
        // Half the time the leader goes to the minority side (Jepsen's "isolate the primary"): a
        // deposed leader still taking writes is where divergent logs come from.
        const leader = this.port.lastLeader();
        const isolateLeader = leader !== null && this.rng.chance(0.5);
        if (isolateLeader) {
          shuffled.splice(shuffled.indexOf(leader), 1);
          shuffled.unshift(leader);
        }
        const minority = Math.max(1, Math.floor((shuffled.length - 1) / 2));
        const cut = isolateLeader ? this.rng.int(1, minority) : this.rng.int(1, Math.max(1, shuffled.length - 1));
        this.port.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
        return { kind: 'partition' };
      }
      case 'crash': {
        const node = this.victim();
        this.port.crash(node);
        return { kind: 'crash', node };
      }
      case 'kill': {
        // A hard kill under a supervisor (a VM reset, a power cycle): the node is back within a few
        // milliseconds, with only what its disk had synced. Fast enough to come back inside the
        // election it was voting in; losing the unsynced writes is what made forget-vote-on-restart
        // findable at random (a plain process crash keeps them: BENCHMARKS.md, correctness).
        const node = this.victim();
        this.port.powerLoss(node);
        this.port.setTimer(() => this.port.restart(node), this.rng.int(1, KILL_RESTART_MAX_MS));
        return null;
      }
      case 'pause': {
        const node = this.rng.pick(this.members);
        this.port.pause(node);
        return { kind: 'pause', node };
      }
      case 'asymmetric': {
        // The victim's messages to everyone are lost, but it still hears them (or the reverse): a
        // leader that cannot be heard keeps believing it leads; a node that cannot hear keeps
        // starting elections. Both are classic one-way failures of real networks.
        const node = this.victim();
        const outbound = this.rng.chance(0.5);
        for (const other of this.members) {
          if (other === node) continue;
          if (outbound) this.port.cutLink(node, other, true);
          else this.port.cutLink(other, node, true);
        }
        return { kind: 'links', flap: null };
      }
      case 'bridge': {
        // Two sides that cannot talk to each other, and one node that talks to both (Jepsen's
        // "bridge" partition): both sides can reach a majority through different views.
        if (this.members.length < 3) return null;
        // shuffled[0] is the bridge: no link of it is cut.
        const rest = this.rng.shuffled(this.members).slice(1);
        const half = Math.ceil(rest.length / 2);
        for (const a of rest.slice(0, half)) for (const b of rest.slice(half)) this.port.cutLink(a, b, false);
        return { kind: 'links', flap: null };
      }
      case 'flap': {
        // A link that goes down and up every few tens of milliseconds (a flaky cable, a congested
        // switch): messages sent in the gaps get through, the rest are lost.
        if (this.members.length < 2) return null;
        const [a, b] = this.rng.shuffled(this.members);
        const flap = { stopped: false };
        const periodMs = Math.max(1, Math.floor(this.config.intervalMs / FLAP_TOGGLES));
        let cut = false;
        const toggle = (left: number): void => {
          if (flap.stopped || left === 0) return;
          if (cut) this.port.healLink(a!, b!, false);
          else this.port.cutLink(a!, b!, false);
          cut = !cut;
          this.port.setTimer(() => toggle(left - 1), periodMs);
        };
        toggle(FLAP_TOGGLES - 1);
        return { kind: 'links', flap };
      }
      case 'slow': {
        const node = this.victim();
        this.port.slowNode(node, this.rng.pick(SLOW_FACTORS));
        return { kind: 'slow', node };
      }
      case 'skew': {
        // A fast clock on a follower times out early and starts needless elections; a slow one on a
        // leader sends heartbeats late. Raft stays safe either way (it never trusts clocks for safety).
        const node = this.victim();
        this.port.clockSkew(node, this.rng.pick(SKEW_RATES));
        return { kind: 'skew', node };
      }
      case 'duplicate':
        this.port.networkStorm(this.rng.pick(STORM_PROBABILITIES), 0);
        return { kind: 'storm' };
      case 'reorder':
        this.port.networkStorm(0, this.rng.pick(STORM_PROBABILITIES));
        return { kind: 'storm' };
      case 'region': {
        // A whole region cut off (a cable cut, a regional outage of the backbone): its nodes and clients
        // on one side, every other region on the other.
        if (this.regions.length < 2) return null;
        this.port.partitionRegions([[this.rng.pick(this.regions)]]);
        return { kind: 'partition' };
      }
      case 'power': {
        // Power loss: unlike a process crash, writes still waiting for their fsync are gone.
        const node = this.victim();
        this.port.powerLoss(node);
        return { kind: 'crash', node };
      }
      default: {
        const never: never = kind;
        throw new Error(`nemesis: unknown fault ${String(never)}`);
      }
    }
  }

  private recover(active: Active): void {
    switch (active.kind) {
      case 'partition':
        this.port.heal();
        return;
      case 'crash':
        this.port.restart(active.node);
        return;
      case 'pause':
        this.port.resume(active.node);
        return;
      case 'links':
        if (active.flap !== null) active.flap.stopped = true;
        this.port.heal();
        return;
      case 'slow':
        this.port.slowNode(active.node, 1);
        return;
      case 'skew':
        this.port.clockSkew(active.node, 1);
        return;
      case 'storm':
        this.port.networkStorm(0, 0);
        return;
      default: {
        const never: never = active;
        throw new Error(`nemesis: unknown fault ${JSON.stringify(never)}`);
      }
    }
  }
}
