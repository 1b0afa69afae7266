/**
 * The simulator: one virtual clock, one seed, the network, the disks, the nodes, the clients, the
 * nemesis and the trace. Every step fires exactly one timer of the clock (a message delivery, a node
 * timer, an fsync completion, a client or nemesis tick, an operator action) in (deadline, sequence)
 * order, and then tells the observers (the invariant checkers) which trace events the step produced.
 */
import { VirtualClock } from './clock';
import { Disk, type PendingWrite } from './disk';
import { Nemesis } from './nemesis';
import { IN_FLIGHT_LIMIT, Network, type InFlight } from './network';
import { RngStreams } from './rng';
import { CLOCK_RATE_MAX, CLOCK_RATE_MIN, nodeIds, paxosQuorums, SLOW_FACTOR_MAX, type OperatorAction, type Scenario } from './scenario';
import { Trace, type TraceEvent } from './trace';
import type {
  ActorClock, Address, ClientId, ClientMessage, Message, NodeEnv, NodeId, ProtocolFactory, ProtocolNode, WithoutTime, NodeTraceEvent,
} from './types';
import { Workload, type HistoryOp } from './workload';

export type NodeStatus = 'up' | 'crashed' | 'paused';

interface NodeSlot {
  readonly id: NodeId;
  status: NodeStatus;
  node: ProtocolNode | null;
  durable: unknown;
  readonly disk: Disk<unknown>;
  /** Bumped on every crash, so callbacks of an old incarnation never reach a new one. */
  incarnation: number;
  /** Timers of this node that came due while it was paused, by id; they fire on resume, in order. */
  deferredTimers: Map<number, () => void>;
  /** Disk completions that came while paused; the process acts on them (in order) on resume. */
  deferredDiskAcks: Array<() => void>;
  /** Messages that arrived while paused (kept in the OS buffer); delivered on resume. */
  bufferedMessages: InFlight[];
  /** Live clock timers set by the node's actor, cancelled on a crash. */
  readonly actorTimers: Set<number>;
  /** Slow-node fault: its fsyncs and its messages take this many times as long (1 = healthy). */
  slowFactor: number;
  /**
   * Its clock (clock-skew fault): reads anchorLocalMs + floor((now - anchorVirtualMs) * rate). Faults of
   * the machine, not of the process: a slow or skewed node stays so across crashes and restarts.
   */
  clockRate: number;
  anchorVirtualMs: number;
  anchorLocalMs: number;
}

export interface StepObserver {
  /** Called after each step with the index of its first trace event (events [first, trace.length)). */
  afterStep(sim: Simulator, firstEventIndex: number, events: readonly TraceEvent[]): void;
}

export interface SimulatorOptions {
  /** Keep every event's bytes for later decoding (UI, transcripts). Implies hashTrace. */
  keepTrace?: boolean;
  /**
   * Compute the trace hash (default true). Off only for campaigns, which keep a verdict per seed: then
   * events are counted, not encoded, and a sent message's `detail` (a display string) is left empty.
   */
  hashTrace?: boolean;
}

/** Bound on steps per run: a scenario that needs more is refused, never left to spin. */
export const STEP_LIMIT = 200_000_000;
/** Bound on messages buffered for a paused node (its socket buffer). */
const PAUSED_BUFFER_LIMIT = 10_000;

export class Simulator {
  readonly clock = new VirtualClock();
  readonly streams: RngStreams;
  readonly network: Network;
  readonly trace: Trace;
  readonly workload: Workload;
  readonly members: readonly NodeId[];
  private readonly slots = new Map<NodeId, NodeSlot>();
  private readonly observers: StepObserver[] = [];
  private readonly nemesis: Nemesis;
  /** Events recorded during the current step, handed to observers. */
  private stepEvents: TraceEvent[] = [];
  private steps = 0;
  private started = false;
  /** Last node with a `role ... leader` event: what the nemesis may target. */
  private lastLeader: NodeId | null = null;

  constructor(
    readonly scenario: Scenario,
    private readonly factory: ProtocolFactory,
    options: SimulatorOptions = {},
  ) {
    this.streams = new RngStreams(scenario.seed);
    this.trace = new Trace(options.keepTrace ?? true, options.hashTrace ?? true);
    this.members = nodeIds(scenario.cluster.nodes);
    this.network = new Network(scenario.network, this.streams.stream('network'));
    this.workload = new Workload(scenario.workload, this.members, this.streams.stream('clients'), {
      nowMs: () => this.clock.nowMs,
      send: (from, to, message) => this.transmit(from, to, message),
      setTimer: (fn, delayMs) => this.clock.schedule(fn, delayMs),
      clearTimer: (id) => this.clock.cancel(id),
      recordInvoke: (op) => this.recordInvoke(op),
      recordComplete: (op, reason) => this.recordComplete(op, reason),
    });
    this.nemesis = new Nemesis(scenario.nemesis, this.members, this.streams.stream('nemesis'), {
      setTimer: (fn, delayMs) => this.clock.schedule(fn, delayMs),
      lastLeader: () => this.lastLeader,
      partition: (groups) => this.partition(groups),
      heal: () => this.heal(),
      crash: (node) => this.crash(node),
      restart: (node) => this.restart(node),
      pause: (node) => this.pause(node),
      resume: (node) => this.resume(node),
      cutLink: (from, to, oneWay) => this.cutLink(from, to, oneWay),
      healLink: (from, to, oneWay) => this.healLink(from, to, oneWay),
      powerLoss: (node) => this.powerLoss(node),
      slowNode: (node, factor) => this.slowNode(node, factor),
      clockSkew: (node, rate) => this.clockSkew(node, rate),
      networkStorm: (dup, reorder) => this.networkStorm(dup, reorder),
    });
    for (const id of this.members) {
      this.slots.set(id, {
        id, status: 'crashed', node: null, durable: factory.emptyDurable(), disk: new Disk(scenario.timing.fsyncMs),
        incarnation: 0, deferredTimers: new Map(), deferredDiskAcks: [], bufferedMessages: [], actorTimers: new Set(),
        slowFactor: 1, clockRate: 1, anchorVirtualMs: 0, anchorLocalMs: 0,
      });
    }
  }

  get nowMs(): number {
    return this.clock.nowMs;
  }

  get stepCount(): number {
    return this.steps;
  }

  get protocolName(): string {
    return this.factory.name;
  }

  addObserver(observer: StepObserver): void {
    this.observers.push(observer);
  }

  /** Boots every node and schedules the workload, the nemesis and the scenario's operator actions. */
  start(): void {
    if (this.started) throw new Error('simulator: started twice');
    this.started = true;
    this.stepEvents = [];
    for (const id of this.members) this.boot(this.slots.get(id)!);
    this.workload.start();
    this.nemesis.start();
    for (const action of this.scenario.actions) this.scheduleAction(action);
    this.notify(0);
  }

  /**
   * Schedules an operator action at its `atMs`, ahead of every other timer due then (see
   * VirtualClock.scheduleFirst): the scenario's actions at start, and the lab's live actions while
   * paused, take effect at the same point of the run, so a run with live actions replays exactly.
   */
  scheduleAction(action: OperatorAction): void {
    if (action.atMs < this.clock.nowMs) throw new Error(`simulator: action at ${action.atMs} ms is in the past (now ${this.clock.nowMs} ms)`);
    this.clock.scheduleFirst(() => this.act(action), action.atMs);
  }

  /** Fires the next timer due at or before `untilMs`. Returns false when there is none. */
  step(untilMs: number = this.scenario.untilMs): boolean {
    if (!this.started) throw new Error('simulator: step before start');
    if (this.steps >= STEP_LIMIT) throw new Error(`simulator: step limit ${STEP_LIMIT} reached`);
    const first = this.trace.length;
    this.stepEvents = [];
    if (!this.clock.fireNext(untilMs)) return false;
    this.steps++;
    this.notify(first);
    return true;
  }

  /** Runs until virtual time `untilMs` (default: the scenario's end), then parks the clock there. */
  runUntil(untilMs: number = this.scenario.untilMs): void {
    while (this.step(untilMs)) {
      /* each step is bounded by STEP_LIMIT */
    }
    this.clock.advanceTo(untilMs);
  }

  private notify(first: number): void {
    if (this.stepEvents.length === 0) return;
    for (const o of this.observers) o.afterStep(this, first, this.stepEvents);
  }

  /** Appends an event to the trace (stamped with the current time) and returns its index. */
  record(event: TraceEvent): number {
    if (event.kind === 'role' && event.role === 'leader') this.lastLeader = event.node;
    this.stepEvents.push(event);
    return this.trace.append(event);
  }

  // ---- nodes ---------------------------------------------------------------------------------

  status(id: NodeId): NodeStatus {
    return this.slot(id).status;
  }

  /** A node's slow-node factor (1 = healthy) and clock rate (1 = in step): machine faults, for views. */
  slowFactorOf(id: NodeId): number {
    return this.slot(id).slowFactor;
  }

  clockRateOf(id: NodeId): number {
    return this.slot(id).clockRate;
  }

  /** The protocol node's view (null while crashed). */
  view(id: NodeId): unknown {
    return this.slot(id).node?.view() ?? null;
  }

  durableState(id: NodeId): unknown {
    return this.slot(id).durable;
  }

  private slot(id: NodeId): NodeSlot {
    const s = this.slots.get(id);
    if (s === undefined) throw new Error(`simulator: no node ${id}`);
    return s;
  }

  private boot(slot: NodeSlot): void {
    const incarnation = slot.incarnation;
    slot.status = 'up';
    const clock: ActorClock = {
      setTimeout: (fn, delayMs) => {
        // The node asks for a delay by its own clock; a clock running at `rate` gets there in delay/rate.
        const virtualDelayMs = slot.clockRate === 1 ? delayMs : Math.ceil(delayMs / slot.clockRate);
        const id = this.clock.schedule(() => {
          slot.actorTimers.delete(id);
          if (slot.incarnation !== incarnation) return;
          if (slot.status === 'paused') slot.deferredTimers.set(id, fn);
          else fn();
        }, virtualDelayMs);
        slot.actorTimers.add(id);
        return id;
      },
      clearTimeout: (id) => {
        slot.actorTimers.delete(id);
        // A timer that came due during a pause waits in deferredTimers: cancelling must reach it too.
        slot.deferredTimers.delete(id);
        this.clock.cancel(id);
      },
    };
    const env: NodeEnv = {
      id: slot.id,
      members: this.members,
      clock,
      nowMs: () => localNowMs(slot, this.clock.nowMs),
      localToVirtualMs: (localMs) => localToVirtualMs(slot, localMs),
      rng: this.streams.stream(`node:${slot.id}`),
      send: (to, message) => this.nodeSend(slot, incarnation, to, message),
      persist: (write, onDurable) => this.persist(slot, incarnation, write, onDurable ?? null),
      record: (event: WithoutTime<NodeTraceEvent>) => {
        // Stamped in place, not spread into a copy: the host builds a fresh object per event, and this
        // runs for every role, term, append, commit and timer event.
        (event as NodeTraceEvent).atMs = this.clock.nowMs;
        this.record(event as NodeTraceEvent);
      },
    };
    slot.node = this.factory.create(env, this.factory.cloneDurable(slot.durable), this.protocolOptions());
  }

  private protocolOptions() {
    const t = this.scenario.timing;
    const quorums = paxosQuorums(this.scenario);
    return {
      heartbeatMs: t.heartbeatMs,
      electionTimeoutMinMs: t.electionTimeoutMinMs,
      electionTimeoutMaxMs: t.electionTimeoutMaxMs,
      bugs: new Set<string>(this.scenario.bugs),
      maxEntriesPerMessage: 64,
      paxos: { mode: this.scenario.paxos.mode, phase1Quorum: quorums.phase1, phase2Quorum: quorums.phase2 },
    };
  }

  private nodeSend(slot: NodeSlot, incarnation: number, to: Address, message: Message): void {
    if (slot.incarnation !== incarnation || slot.status === 'crashed') return;
    const pending = slot.disk.lastPending();
    if (pending === undefined) this.transmit(slot.id, to, message);
    else pending.held.push(() => this.transmit(slot.id, to, message));
  }

  private persist(slot: NodeSlot, incarnation: number, write: unknown, onDurable: (() => void) | null): void {
    if (slot.incarnation !== incarnation || slot.status === 'crashed') return;
    const entry: PendingWrite<unknown> = slot.disk.enqueue(write, this.clock.nowMs);
    entry.onDurable = onDurable;
    entry.timer = this.clock.schedule(() => this.fsyncDone(slot), entry.durableAtMs - this.clock.nowMs);
  }

  private fsyncDone(slot: NodeSlot): void {
    const entry = slot.disk.completeOldest();
    this.factory.applyWrite(slot.durable, entry.write);
    // The disk is hardware: the write is durable even while the node is paused, but the paused
    // process only learns of it (and sends the replies that waited for it) on resume.
    const acknowledge = (): void => {
      for (const release of entry.held) release();
      entry.onDurable?.();
    };
    if (slot.status === 'paused') slot.deferredDiskAcks.push(acknowledge);
    else acknowledge();
  }

  // ---- network -------------------------------------------------------------------------------

  private transmit(from: Address, to: Address, message: Message): void {
    const id = this.network.allocateId();
    const detail = this.trace.hashed ? this.describe(message) : '';
    this.record({ kind: 'sent', atMs: this.nowMs, msgId: id, from, to, type: message.type, term: message.term, detail });
    if (this.network.lost(from, to)) {
      this.record({ kind: 'dropped', atMs: this.nowMs, msgId: id, from, to, reason: 'loss' });
      return;
    }
    this.launch(id, from, to, message);
    if (this.network.duplicated()) this.duplicateInFlight(id);
  }

  private describe(message: Message): string {
    switch (message.type) {
      case 'ClientRequest': {
        const m = message as ClientMessage & { type: 'ClientRequest' };
        return `op${m.opId} ${m.op} ${m.key}${m.value !== null ? ` ${m.value}` : ''}${m.expected !== null ? ` if ${m.expected}` : ''}`;
      }
      case 'ClientReply': {
        const m = message as ClientMessage & { type: 'ClientReply' };
        return `op${m.opId} ${m.ok ? 'ok' : 'fail'} ${m.value}`;
      }
      case 'ClientRedirect': {
        const m = message as ClientMessage & { type: 'ClientRedirect' };
        return `op${m.opId} leader=${m.leaderHint ?? '?'}`;
      }
      default:
        return this.factory.describe(message);
    }
  }

  private launch(id: number, from: Address, to: Address, message: Message): void {
    const sampledMs = this.network.latencyFor(from, to);
    // A slow node is slow to get its messages out (a starved process, a saturated NIC).
    const factor = this.slots.get(from)?.slowFactor ?? 1;
    const latencyMs = factor === 1 ? sampledMs : Math.round(sampledMs * factor);
    if (this.network.inFlight.size >= IN_FLIGHT_LIMIT) {
      this.record({ kind: 'dropped', atMs: this.nowMs, msgId: id, from, to, reason: 'loss' });
      return;
    }
    const flight: InFlight = { id, from, to, message, sentAtMs: this.nowMs, deliverAtMs: this.nowMs + latencyMs, timer: 0 };
    flight.timer = this.clock.schedule(() => this.arrive(flight), latencyMs);
    this.network.inFlight.set(id, flight);
  }

  private duplicateInFlight(id: number): boolean {
    const original = this.network.inFlight.get(id);
    if (original === undefined) return false;
    const copyId = this.network.allocateId();
    this.record({ kind: 'duplicated', atMs: this.nowMs, msgId: id, copyId, from: original.from, to: original.to });
    this.launch(copyId, original.from, original.to, original.message);
    return true;
  }

  private arrive(flight: InFlight): void {
    this.network.inFlight.delete(flight.id);
    const { from, to } = flight;
    const link = this.network.connected(from, to);
    if (link !== 'ok') {
      this.record({ kind: 'dropped', atMs: this.nowMs, msgId: flight.id, from, to, reason: link });
      return;
    }
    const slot = this.slots.get(to);
    if (slot === undefined) {
      this.record({ kind: 'delivered', atMs: this.nowMs, msgId: flight.id, from, to, type: flight.message.type });
      this.workload.receive(to as ClientId, from as NodeId, flight.message as ClientMessage);
      return;
    }
    if (slot.status === 'crashed') {
      this.record({ kind: 'dropped', atMs: this.nowMs, msgId: flight.id, from, to, reason: 'crashed' });
      return;
    }
    if (slot.status === 'paused') {
      if (slot.bufferedMessages.length >= PAUSED_BUFFER_LIMIT) {
        this.record({ kind: 'dropped', atMs: this.nowMs, msgId: flight.id, from, to, reason: 'paused' });
      } else {
        slot.bufferedMessages.push(flight);
      }
      return;
    }
    this.record({ kind: 'delivered', atMs: this.nowMs, msgId: flight.id, from, to, type: flight.message.type });
    slot.node!.receive(from, flight.message);
  }

  // ---- clients -------------------------------------------------------------------------------

  private recordInvoke(op: HistoryOp): void {
    const value = op.op === 'cas' ? `${op.expected}->${op.value}` : (op.value ?? '');
    this.record({ kind: 'invoke', atMs: this.nowMs, client: op.client, opId: op.opId, op: op.op, key: op.key, value });
  }

  private recordComplete(op: HistoryOp, reason: string): void {
    const base = { atMs: this.nowMs, client: op.client, opId: op.opId };
    if (op.outcome === 'ok') this.record({ kind: 'ok', ...base, value: op.result ?? op.value ?? '' });
    else if (op.outcome === 'fail') this.record({ kind: 'fail', ...base, reason });
    else this.record({ kind: 'info', ...base, reason });
  }

  // ---- faults and operator actions -----------------------------------------------------------

  /** Applies an operator action now; it is recorded in the trace as part of the run's input. */
  act(action: OperatorAction): void {
    const detail = describeAction(action);
    this.record({ kind: 'action', atMs: this.nowMs, action: action.type, detail });
    switch (action.type) {
      case 'crash':
        return this.crash(action.node);
      case 'restart':
        return this.restart(action.node);
      case 'pause':
        return this.pause(action.node);
      case 'resume':
        return this.resume(action.node);
      case 'partition':
        return this.partition(action.groups);
      case 'heal':
        return this.heal();
      case 'cut-link':
        return this.cutLink(action.from, action.to, action.oneWay);
      case 'heal-link':
        return this.healLink(action.from, action.to, action.oneWay);
      case 'drop-message': {
        const flight = this.network.inFlight.get(action.messageId);
        if (flight === undefined) return; // already delivered: the action is recorded, and does nothing
        this.clock.cancel(flight.timer);
        this.network.inFlight.delete(flight.id);
        this.record({ kind: 'dropped', atMs: this.nowMs, msgId: flight.id, from: flight.from, to: flight.to, reason: 'operator' });
        return;
      }
      case 'duplicate-message':
        this.duplicateInFlight(action.messageId);
        return;
      case 'client-request':
        this.workload.operatorRequest(action.op, action.key, action.value ?? null, action.expected ?? null, action.node ?? null);
        return;
      case 'power-loss':
        return this.powerLoss(action.node);
      case 'slow-node':
        return this.slowNode(action.node, action.factor);
      case 'clock-skew':
        return this.clockSkew(action.node, action.rate);
      case 'network-storm':
        return this.networkStorm(action.duplicateProbability, action.reorderProbability);
      default: {
        const never: never = action;
        throw new Error(`simulator: unknown action ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * A fault that took effect, whoever caused it: the operator's `action` event is the input, this is
   * its effect (an action that changes nothing, such as crashing a crashed node, records no fault).
   */
  private fault(fault: string, detail: string): void {
    this.record({ kind: 'fault', atMs: this.nowMs, fault, detail });
  }

  /** A process crash (kill -9): volatile state is lost; what the process wrote stays, even unsynced. */
  crash(id: NodeId): void {
    this.down(id, 'crash');
  }

  /** A power loss: down like a crash, and the disk loses every write whose fsync had not completed. */
  powerLoss(id: NodeId): void {
    this.down(id, 'power-loss');
  }

  private down(id: NodeId, how: 'crash' | 'power-loss'): void {
    const slot = this.slot(id);
    if (slot.status === 'crashed') return;
    this.fault(how, id);
    slot.node?.stop();
    slot.node = null;
    slot.status = 'crashed';
    slot.incarnation++;
    for (const timer of slot.actorTimers) this.clock.cancel(timer);
    slot.actorTimers.clear();
    if (how === 'power-loss') {
      // Unsynced writes are lost, and with them the replies that waited for them.
      for (const lost of slot.disk.powerLoss(this.nowMs)) this.clock.cancel(lost.timer);
    } else {
      // The OS holds what the process wrote and flushes it: on restart the node reads it back. Only the
      // process's waiting dies: replies held for those writes are never sent.
      for (const kept of slot.disk.flushOnProcessCrash(this.nowMs)) {
        this.clock.cancel(kept.timer);
        this.factory.applyWrite(slot.durable, kept.write);
      }
    }
    // Messages held in a paused node's buffer die with it: every sent message ends delivered or dropped.
    for (const flight of slot.bufferedMessages) {
      this.record({ kind: 'dropped', atMs: this.nowMs, msgId: flight.id, from: flight.from, to: flight.to, reason: 'crashed' });
    }
    slot.deferredTimers = new Map();
    slot.deferredDiskAcks = [];
    slot.bufferedMessages = [];
  }

  /** Slows a node's fsyncs and outgoing messages by `factor` (1 heals it). Applies to what starts from now. */
  slowNode(id: NodeId, factor: number): void {
    if (!(Number.isFinite(factor) && factor >= 1 && factor <= SLOW_FACTOR_MAX)) throw new Error(`simulator: slow factor ${factor} out of range`);
    const slot = this.slot(id);
    this.fault('slow-node', `${id} x${factor}`);
    slot.slowFactor = factor;
    slot.disk.slowFactor = factor;
  }

  /**
   * Sets how fast a node's clock runs (1 = in step). Its reading carries on from where it is (a clock
   * that ran fast stays ahead); timers it sets from now on fire by the new rate, those already set at
   * their old times.
   */
  clockSkew(id: NodeId, rate: number): void {
    if (!(Number.isFinite(rate) && rate >= CLOCK_RATE_MIN && rate <= CLOCK_RATE_MAX)) throw new Error(`simulator: clock rate ${rate} out of range`);
    const slot = this.slot(id);
    this.fault('clock-skew', `${id} x${rate}`);
    slot.anchorLocalMs = localNowMs(slot, this.nowMs);
    slot.anchorVirtualMs = this.nowMs;
    slot.clockRate = rate;
  }

  /** Extra duplication and reordering on every link (0 and 0 end the storm). */
  networkStorm(duplicateProbability: number, reorderProbability: number): void {
    this.fault('network-storm', `dup=${duplicateProbability} reorder=${reorderProbability}`);
    this.network.setStorm(duplicateProbability, reorderProbability);
  }

  restart(id: NodeId): void {
    const slot = this.slot(id);
    if (slot.status !== 'crashed') return;
    this.fault('restart', id);
    this.boot(slot);
  }

  pause(id: NodeId): void {
    const slot = this.slot(id);
    if (slot.status !== 'up') return;
    this.fault('pause', id);
    slot.status = 'paused';
  }

  resume(id: NodeId): void {
    const slot = this.slot(id);
    if (slot.status !== 'paused') return;
    this.fault('resume', id);
    slot.status = 'up';
    const incarnation = slot.incarnation;
    const acks = slot.deferredDiskAcks;
    slot.deferredDiskAcks = [];
    for (const acknowledge of acks) {
      if (slot.incarnation !== incarnation || slot.status !== 'up') return;
      acknowledge();
    }
    const messages = slot.bufferedMessages;
    slot.bufferedMessages = [];
    for (const flight of messages) {
      if (slot.incarnation !== incarnation || slot.status !== 'up') break;
      this.record({ kind: 'delivered', atMs: this.nowMs, msgId: flight.id, from: flight.from, to: flight.to, type: flight.message.type });
      slot.node!.receive(flight.from, flight.message);
    }
    // Iterate the live map: a buffered message or an earlier callback may cancel a later timer
    // (clearTimeout deletes it from this map, and Map iteration skips deleted entries).
    const timers = slot.deferredTimers;
    for (const [id, fn] of timers) {
      if (slot.incarnation !== incarnation || slot.status !== 'up') break;
      timers.delete(id);
      fn();
    }
  }

  /** Cuts a link (recorded as a fault like partitions, so anything listing faults shows it). */
  cutLink(from: NodeId, to: NodeId, oneWay: boolean): void {
    this.fault('cut-link', `${from}${oneWay ? '->' : '<->'}${to}`);
    this.network.cutLink(from, to, oneWay);
  }

  healLink(from: NodeId, to: NodeId, oneWay: boolean): void {
    this.fault('heal-link', `${from}${oneWay ? '->' : '<->'}${to}`);
    this.network.healLink(from, to, oneWay);
  }

  partition(groups: NodeId[][]): void {
    this.fault('partition', groups.map((g) => g.join(',')).join(' | '));
    this.network.partition(groups);
  }

  heal(): void {
    this.fault('heal', '');
    this.network.healAll();
  }
}

/** A node's own clock reading at virtual time `virtualMs` (see NodeSlot.clockRate). */
function localNowMs(slot: NodeSlot, virtualMs: number): number {
  if (slot.clockRate === 1) return slot.anchorLocalMs + (virtualMs - slot.anchorVirtualMs);
  return slot.anchorLocalMs + Math.floor((virtualMs - slot.anchorVirtualMs) * slot.clockRate);
}

/** The first virtual time at which the node's clock reads at least `localMs`. */
function localToVirtualMs(slot: NodeSlot, localMs: number): number {
  if (slot.clockRate === 1) return slot.anchorVirtualMs + (localMs - slot.anchorLocalMs);
  return slot.anchorVirtualMs + Math.ceil((localMs - slot.anchorLocalMs) / slot.clockRate);
}

export function describeAction(action: OperatorAction): string {
  switch (action.type) {
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
    case 'power-loss':
      return action.node;
    case 'slow-node':
      return `${action.node} x${action.factor}`;
    case 'clock-skew':
      return `${action.node} x${action.rate}`;
    case 'network-storm':
      return `dup=${action.duplicateProbability} reorder=${action.reorderProbability}`;
    case 'partition':
      return action.groups.map((g) => g.join(',')).join(' | ');
    case 'heal':
      return '';
    case 'cut-link':
    case 'heal-link':
      return `${action.from}${action.oneWay ? '->' : '<->'}${action.to}`;
    case 'drop-message':
    case 'duplicate-message':
      return `#${action.messageId}`;
    case 'client-request':
      return `${action.op} ${action.key}${action.value !== undefined ? ` ${action.value}` : ''}${action.expected !== undefined ? ` if ${action.expected}` : ''}${action.node !== undefined ? ` to ${action.node}` : ''}`;
    default: {
      const never: never = action;
      throw new Error(`simulator: unknown action ${JSON.stringify(never)}`);
    }
  }
}
