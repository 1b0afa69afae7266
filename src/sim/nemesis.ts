/**
 * The nemesis: a seeded fault plan, Jepsen style. Every `intervalMs` it either heals what it broke
 * last time or, when all is well, injects one new fault drawn from the enabled kinds (partition,
 * crash, pause). The plan depends only on the nemesis stream of the seed and on the trace (crashes
 * target the last node that announced itself leader half the time), never on protocol internals.
 */
import type { Rng } from './rng';
import type { NemesisFault, Scenario } from './scenario';
import type { NodeId } from './types';

export interface NemesisPort {
  setTimer(fn: () => void, delayMs: number): number;
  /** The node that most recently announced itself leader in the trace (any protocol), if any. */
  lastLeader(): NodeId | null;
  partition(groups: NodeId[][]): void;
  heal(): void;
  crash(node: NodeId): void;
  restart(node: NodeId): void;
  pause(node: NodeId): void;
  resume(node: NodeId): void;
}

type Active = { kind: 'partition' } | { kind: 'crash'; node: NodeId } | { kind: 'pause'; node: NodeId };

export class Nemesis {
  private active: Active | null = null;

  constructor(
    private readonly config: Scenario['nemesis'],
    private readonly members: readonly NodeId[],
    private readonly rng: Rng,
    private readonly port: NemesisPort,
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

  private inject(kind: NemesisFault): Active {
    switch (kind) {
      case 'partition': {
        const shuffled = this.rng.shuffled(this.members);
        const cut = this.rng.int(1, Math.max(1, shuffled.length - 1));
        this.port.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
        return { kind: 'partition' };
      }
      case 'crash': {
        // Half the time the nemesis kills the leader, as Jepsen's primary-killing nemeses do: that is
        // where the interesting failures are. The choice depends only on the seed and the trace.
        const leader = this.port.lastLeader();
        const node = leader !== null && this.rng.chance(0.5) ? leader : this.rng.pick(this.members);
        this.port.crash(node);
        return { kind: 'crash', node };
      }
      case 'pause': {
        const node = this.rng.pick(this.members);
        this.port.pause(node);
        return { kind: 'pause', node };
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
      default: {
        const never: never = active;
        throw new Error(`nemesis: unknown fault ${JSON.stringify(never)}`);
      }
    }
  }
}
