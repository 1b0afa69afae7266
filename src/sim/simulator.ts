/**
 * The simulator: one virtual clock, one seed, the network, the disks, the nodes, the clients, the
 * nemesis and the trace. Every step fires exactly one timer of the clock (a message delivery, a node
 * timer, an fsync completion, a client or nemesis tick, an operator action) in (deadline, sequence)
 * order, and then tells the observers (the invariant checkers) which trace events the step produced.
 */
import { VirtualClock, type TimerId } from './clock';
import { Disk, type PendingWrite } from './disk';
import { Nemesis } from './nemesis';
import { GeoLatency, IN_FLIGHT_LIMIT, Network, type InFlight } from './network';
import { RttTable } from './regions';
import { RngStreams } from './rng';
import {
  CLOCK_RATE_MAX, CLOCK_RATE_MIN, nodeIds, paxosQuorums, SLOW_FACTOR_MAX, type OperatorAction, type OverloadConfig, type Scenario,
} from './scenario';
import { StringDetailWriter, Trace, type DetailWriter, type TraceEvent } from './trace';
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
  deferredTimers: Map<TimerId, () => void>;
  /** Disk completions that came while paused; the process acts on them (in order) on resume. */
  deferredDiskAcks: Array<() => void>;
  /** Messages that arrived while paused (kept in the OS buffer); delivered on resume. */
  bufferedMessages: InFlight[];
  /** Live clock timers set by the node's actor, cancelled on a crash. */
  readonly actorTimers: Set<TimerId>;
  /** Slow-node fault: its fsyncs and its messages take this many times as long (1 = healthy). */
  slowFactor: number;
  /**
   * Its clock (clock-skew fault): reads anchorLocalMs + floor((now - anchorVirtualMs) * rate). Faults of
   * the machine, not of the process: a slow or skewed node stays so across crashes and restarts.
   */
  clockRate: number;
  anchorVirtualMs: number;
  anchorLocalMs: number;
  /** Overload: client requests delivered and waiting for (or in) service, oldest first; lost on a crash. */
  requestQueue: InFlight[];
  /** The timer that finishes serving requestQueue[0], or null when idle. */
  serviceTimer: TimerId | null;
}

/** Trace events about single messages (sends, deliveries, drops, duplicates): most of a trace. */
export type MessageEventKind = 'sent' | 'delivered' | 'dropped' | 'duplicated';

export interface StepObserver {
  /**
   * Whether this observer is shown message events (sent, delivered, dropped, duplicated). Default no:
   * the invariant checkers and metrics read node and client events only, and when no observer asks
   * for message events the simulator encodes sends and deliveries into the trace without building an
   * object for each (they are most of a trace). The trace itself always has every event.
   */
  readonly messageEvents?: boolean;
  /**
   * Called after each step with the step's events (message events only to observers that asked) and
   * each one's index in the trace. Both arrays are reused by the next step: keep events, not arrays.
   */
  afterStep(sim: Simulator, events: readonly TraceEvent[], indexes: readonly number[]): void;
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

/** Whether an event is about a single message (what observers see only if they ask for message events). */
function isMessageEvent(e: TraceEvent): e is Extract<TraceEvent, { kind: MessageEventKind }> {
  return e.kind === 'sent' || e.kind === 'delivered' || e.kind === 'dropped' || e.kind === 'duplicated';
}

/** Bound on steps per run: a scenario that needs more is refused, never left to spin. */
export const STEP_LIMIT = 200_000_000;
/** Bound on messages buffered for a paused node (its socket buffer). */
const PAUSED_BUFFER_LIMIT = 10_000;
/** Operator clients (o1, o2, ...) the workload may create: placed in n1's region under geo-replication. */
const OPERATOR_CLIENTS_PLACED = 64;

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
  /** Events recorded during the current step and their trace indexes, handed to observers... */
  private readonly stepEvents: TraceEvent[] = [];
  private readonly stepIndexes: number[] = [];
  /** ...and the same without message events, for observers that did not ask for them. */
  private readonly stepNodeEvents: TraceEvent[] = [];
  private readonly stepNodeIndexes: number[] = [];
  /** Whether any observer asked for message events (then every event is built as an object). */
  private messageObserved = false;
  private steps = 0;
  private started = false;
  /** Last node with a `role ... leader` event: what the nemesis may target. */
  private lastLeader: NodeId | null = null;
  /** Geo-replication: the region of every node and client (empty without a regions section). */
  private readonly regions = new Map<string, string>();
  private readonly overload: OverloadConfig | null;
  /**
   * Counters of what the trace does not show on its own (admission rejections, queue drops, client
   * timeouts and retries), for summaries and metrics; `onCount` hears each as it happens.
   */
  readonly counters = new Map<string, number>();
  onCount: ((name: string, atMs: number) => void) | null = null;

  constructor(
    readonly scenario: Scenario,
    private readonly factory: ProtocolFactory,
    options: SimulatorOptions = {},
  ) {
    this.streams = new RngStreams(scenario.seed);
    this.trace = new Trace(options.keepTrace ?? true, options.hashTrace ?? true);
    this.members = nodeIds(scenario.cluster.nodes);
    this.overload = scenario.overload ?? null;
    let initialTargets: NodeId[] | null = null;
    let geo: GeoLatency | null = null;
    const r = scenario.regions;
    if (r !== undefined) {
      // New named streams ('regions', 'retries'): runs without these sections draw exactly as before.
      this.members.forEach((id, i) => this.regions.set(id, r.nodes[i]!));
      initialTargets = [];
      for (let i = 0; i < scenario.workload.clients; i++) {
        const home = r.clients?.[i] ?? r.nodes[i % r.nodes.length]!;
        this.regions.set(`c${i + 1}`, home);
        // A client starts at a node of its own region (redirected to the leader from there).
        initialTargets.push(this.members.find((id) => this.regions.get(id) === home) ?? this.members[i % this.members.length]!);
      }
      for (let i = 1; i <= OPERATOR_CLIENTS_PLACED; i++) this.regions.set(`o${i}`, r.nodes[0]!);
      geo = new GeoLatency(this.regions, new RttTable(r.rttMs), r.jitter, this.streams.stream('regions'));
    }
    this.network = new Network(scenario.network, this.streams.stream('network'), geo);
    const retryRng = scenario.workload.retry !== undefined ? this.streams.stream('retries') : null;
    this.workload = new Workload(scenario.workload, this.members, this.streams.stream('clients'), {
      nowMs: () => this.clock.nowMs,
      send: (from, to, message) => this.transmit(from, to, message),
      setTimer: (fn, delayMs) => this.clock.schedule(fn, delayMs),
      clearTimer: (id) => this.clock.cancel(id),
      recordInvoke: (op) => this.recordInvoke(op),
      recordComplete: (op, reason) => this.recordComplete(op, reason),
      count: (name) => this.count(name),
    }, initialTargets, retryRng);
    const nodeRegions = r === undefined ? [] : [...new Set(r.nodes)];
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
      partitionRegions: (groups) => this.partitionRegions(groups),
    }, nodeRegions);
    for (const id of this.members) {
      this.slots.set(id, {
        id, status: 'crashed', node: null, durable: factory.emptyDurable(), disk: new Disk(scenario.timing.fsyncMs),
        incarnation: 0, deferredTimers: new Map(), deferredDiskAcks: [], bufferedMessages: [], actorTimers: new Set(),
        slowFactor: 1, clockRate: 1, anchorVirtualMs: 0, anchorLocalMs: 0, requestQueue: [], serviceTimer: null,
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

  /** The region of a node or client under geo-replication, else null. */
  regionOf(address: Address): string | null {
    return this.regions.get(address) ?? null;
  }

  /** The latency model by region (null without a regions section). */
  get geo(): GeoLatency | null {
    return this.network.geo;
  }

  private count(name: string): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + 1);
    this.onCount?.(name, this.clock.nowMs);
  }

  addObserver(observer: StepObserver): void {
    this.observers.push(observer);
    if (observer.messageEvents === true) this.messageObserved = true;
  }

  /** Boots every node and schedules the workload, the nemesis and the scenario's operator actions. */
  start(): void {
    if (this.started) throw new Error('simulator: started twice');
    this.started = true;
    this.clearStepEvents();
    for (const id of this.members) this.boot(this.slots.get(id)!);
    this.workload.start();
    this.nemesis.start();
    for (const action of this.scenario.actions) this.scheduleAction(action);
    this.notify();
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
    this.clearStepEvents();
    if (!this.clock.fireNext(untilMs)) return false;
    this.steps++;
    this.notify();
    return true;
  }

  /** Runs until virtual time `untilMs` (default: the scenario's end), then parks the clock there. */
  runUntil(untilMs: number = this.scenario.untilMs): void {
    while (this.step(untilMs)) {
      /* each step is bounded by STEP_LIMIT */
    }
    this.clock.advanceTo(untilMs);
  }

  /** One set of arrays serves every step (observers keep events, not the arrays). */
  private clearStepEvents(): void {
    // Most steps record no node event, and without a message observer nothing in the first pair.
    if (this.stepEvents.length > 0) {
      this.stepEvents.length = 0;
      this.stepIndexes.length = 0;
    }
    if (this.stepNodeEvents.length > 0) {
      this.stepNodeEvents.length = 0;
      this.stepNodeIndexes.length = 0;
    }
  }

  private notify(): void {
    if (this.stepEvents.length === 0 && this.stepNodeEvents.length === 0) return;
    for (const o of this.observers) {
      if (o.messageEvents === true) o.afterStep(this, this.stepEvents, this.stepIndexes);
      else if (this.stepNodeEvents.length > 0) o.afterStep(this, this.stepNodeEvents, this.stepNodeIndexes);
    }
  }

  /** Appends an event to the trace (stamped with the current time) and returns its index. */
  record(event: TraceEvent): number {
    if (event.kind === 'role' && event.role === 'leader') this.lastLeader = event.node;
    const index = this.trace.append(event);
    if (this.messageObserved) {
      this.stepEvents.push(event);
      this.stepIndexes.push(index);
    }
    if (!isMessageEvent(event)) {
      this.stepNodeEvents.push(event);
      this.stepNodeIndexes.push(index);
    }
    return index;
  }

  /** Records a delivery: straight into the trace unless an observer wants it as an object. */
  private recordDelivered(msgId: number, from: Address, to: Address, type: string): void {
    if (this.messageObserved) this.record({ kind: 'delivered', atMs: this.nowMs, msgId, from, to, type });
    else this.trace.appendDelivered(this.nowMs, msgId, from, to, type);
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
      persist: (write, onDurable) => this.persist(slot, incarnation, write, (onDurable as ((w: unknown) => void) | undefined) ?? null),
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
      paxos: { mode: this.scenario.paxos.mode, phase1Quorum: quorums.phase1, phase2Quorum: quorums.phase2, grid: quorums.grid },
    };
  }

  private nodeSend(slot: NodeSlot, incarnation: number, to: Address, message: Message): void {
    if (slot.incarnation !== incarnation || slot.status === 'crashed') return;
    const pending = slot.disk.lastPending();
    if (pending === undefined) this.transmit(slot.id, to, message);
    else pending.held.push(to, message);
  }

  private persist(slot: NodeSlot, incarnation: number, write: unknown, onDurable: ((write: unknown) => void) | null): void {
    if (slot.incarnation !== incarnation || slot.status === 'crashed') return;
    const entry: PendingWrite<unknown> = slot.disk.enqueue(write, this.clock.nowMs);
    entry.onDurable = onDurable;
    entry.timer = this.clock.scheduleCall(this.fsyncDoneCall, slot, entry.durableAtMs - this.clock.nowMs);
  }

  /** `arrive` and `fsyncDone` bound once, for the clock's closure-free timers (one per message, one per write). */
  private readonly arriveCall = (flight: InFlight): void => this.arrive(flight);
  private readonly fsyncDoneCall = (slot: NodeSlot): void => this.fsyncDone(slot);

  private fsyncDone(slot: NodeSlot): void {
    const entry = slot.disk.completeOldest();
    this.factory.applyWrite(slot.durable, entry.write);
    // The disk is hardware: the write is durable even while the node is paused, but the paused
    // process only learns of it (and sends the replies that waited for it) on resume. (No closure
    // on the common path: under tsx every named closure costs a defineProperty, 1.7% of a run.)
    if (slot.status === 'paused') slot.deferredDiskAcks.push(() => this.acknowledgeWrite(slot, entry));
    else this.acknowledgeWrite(slot, entry);
  }

  /** A durable write releases the messages held for it, then tells the node. */
  private acknowledgeWrite(slot: NodeSlot, entry: PendingWrite<unknown>): void {
    const held = entry.held;
    for (let i = 0; i < held.length; i += 2) this.transmit(slot.id, held[i] as Address, held[i + 1] as Message);
    if (entry.onDurable !== null) entry.onDurable(entry.write);
  }

  // ---- network -------------------------------------------------------------------------------

  private transmit(from: Address, to: Address, message: Message): void {
    const id = this.network.allocateId();
    if (this.messageObserved) {
      const detail = this.trace.hashed ? this.describe(message) : '';
      this.record({ kind: 'sent', atMs: this.nowMs, msgId: id, from, to, type: message.type, term: message.term, detail });
    } else {
      // No observer needs the send as an object: its detail is written into the trace as it is
      // described (an unhashed trace only counts it, and describes nothing).
      this.trace.appendSentDescribed(this.nowMs, id, from, to, message.type, message.term, message, this);
    }
    if (this.network.lost(from, to)) {
      this.record({ kind: 'dropped', atMs: this.nowMs, msgId: id, from, to, reason: 'loss' });
      return;
    }
    this.launch(id, from, to, message);
    if (this.network.duplicated()) this.duplicateInFlight(id);
  }

  private readonly detailText = new StringDetailWriter();

  private describe(message: Message): string {
    this.describeInto(message, this.detailText);
    return this.detailText.take();
  }

  /** A message's detail (MessageDescriber): client messages here, protocol messages by their factory. */
  describeInto(message: Message, out: DetailWriter): void {
    switch (message.type) {
      case 'ClientRequest': {
        const m = message as ClientMessage & { type: 'ClientRequest' };
        out.text('op');
        out.int(m.opId);
        out.text(' ');
        out.text(`${m.op}`);
        out.text(' ');
        out.text(`${m.key}`);
        if (m.value !== null) {
          out.text(' ');
          out.text(`${m.value}`);
        }
        if (m.expected !== null) {
          out.text(' if ');
          out.text(`${m.expected}`);
        }
        return;
      }
      case 'ClientReply': {
        const m = message as ClientMessage & { type: 'ClientReply' };
        out.text('op');
        out.int(m.opId);
        out.text(m.ok ? ' ok ' : ' fail ');
        out.text(`${m.value}`);
        if (m.reason !== undefined) {
          out.text(' ');
          out.text(`${m.reason}`);
        }
        return;
      }
      case 'ClientRedirect': {
        const m = message as ClientMessage & { type: 'ClientRedirect' };
        out.text('op');
        out.int(m.opId);
        out.text(' leader=');
        out.text(`${m.leaderHint ?? '?'}`);
        return;
      }
      default:
        if (this.factory.describeInto !== undefined) this.factory.describeInto(message, out);
        else out.text(this.factory.describe(message));
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
    const flight: InFlight = { id, from, to, message, sentAtMs: this.nowMs, deliverAtMs: this.nowMs + latencyMs, timer: null };
    flight.timer = this.clock.scheduleCall(this.arriveCall, flight, latencyMs);
    this.network.inFlight.set(id, flight);
  }

  private duplicateInFlight(id: number): boolean {
    const original = this.network.inFlight.get(id);
    if (original === undefined) return false;
    const copyId = this.network.allocateId();
    this.record({ kind: 'duplicated', atMs: this.nowMs, msgId: id, copyId, from: original.from, to: original.to });
    this.workload.requestCopied(original.from, original.message);
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
      this.recordDelivered(flight.id, from, to, flight.message.type);
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
    this.deliver(slot, flight);
  }

  /** Hands an arrived message to an up node: a client request through its request queue under overload. */
  private deliver(slot: NodeSlot, flight: InFlight): void {
    this.recordDelivered(flight.id, flight.from, flight.to, flight.message.type);
    if (this.overload !== null && flight.message.type === 'ClientRequest') this.enqueueRequest(slot, flight, this.overload);
    else slot.node!.receive(flight.from, flight.message);
  }

  // ---- overload: request queues and admission control --------------------------------------

  /**
   * A client request joins the node's queue (the one in service counts). Admission control refuses it
   * at once past `admitLimit` ("retry later": it never reaches the protocol, so it certainly did not
   * run); past `queueLimit` it is dropped unanswered, as a full accept queue drops connections.
   */
  private enqueueRequest(slot: NodeSlot, flight: InFlight, o: OverloadConfig): void {
    const queued = slot.requestQueue.length;
    if (o.admitLimit !== null && queued >= o.admitLimit) {
      this.count('rejected:overloaded');
      const m = flight.message as ClientMessage & { type: 'ClientRequest' };
      this.transmit(slot.id, flight.from, { type: 'ClientReply', term: 0, opId: m.opId, ok: false, value: 'nil', rejected: true, reason: 'overloaded' } as Message);
      return;
    }
    if (queued >= o.queueLimit) {
      this.count('rejected:queue-full');
      return;
    }
    slot.requestQueue.push(flight);
    if (slot.serviceTimer === null) this.startService(slot, o);
  }

  private startService(slot: NodeSlot, o: OverloadConfig): void {
    const incarnation = slot.incarnation;
    // A slow node is slow at serving requests too.
    const timer = this.clock.schedule(() => {
      if (slot.incarnation !== incarnation) return;
      if (slot.status === 'paused') slot.deferredTimers.set(timer, () => this.serviceDone(slot, o, incarnation));
      else this.serviceDone(slot, o, incarnation);
    }, Math.round(o.serviceMs * slot.slowFactor));
    slot.serviceTimer = timer;
  }

  private serviceDone(slot: NodeSlot, o: OverloadConfig, incarnation: number): void {
    slot.serviceTimer = null;
    const flight = slot.requestQueue.shift()!;
    slot.node!.receive(flight.from, flight.message);
    if (slot.incarnation === incarnation && slot.status === 'up' && slot.requestQueue.length > 0 && slot.serviceTimer === null) this.startService(slot, o);
  }

  /** Requests waiting at (or in service by) a node, for metrics and views. */
  queueLength(id: NodeId): number {
    return this.slot(id).requestQueue.length;
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
      case 'partition-regions':
        return this.partitionRegions(action.groups);
      default: {
        const never: never = action;
        throw new Error(`simulator: unknown action ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * A partition along region lines: the nodes and the clients of each group of regions on their own
   * side; regions in no group form one more side together. Recorded as a `partition` fault of the
   * nodes (the format views and the shrinker read), the clients' side being implied by their regions.
   */
  partitionRegions(groups: readonly (readonly string[])[]): void {
    if (this.regions.size === 0) throw new Error('simulator: a region partition needs a regions section');
    const listed = new Set(groups.flat());
    const sides: string[][] = groups.map((g) => [...g]);
    const rest = [...new Set(this.regions.values())].filter((r) => !listed.has(r));
    if (rest.length > 0) sides.push(rest);
    const nodeGroups: NodeId[][] = sides.map(() => []);
    const clientGroups: ClientId[][] = sides.map(() => []);
    for (const [address, where] of this.regions) {
      const side = sides.findIndex((g) => g.includes(where));
      if (side < 0) continue;
      if (this.slots.has(address)) nodeGroups[side]!.push(address);
      else clientGroups[side]!.push(address);
    }
    const nonEmpty = nodeGroups.filter((g) => g.length > 0);
    this.fault('partition', nonEmpty.map((g) => g.join(',')).join(' | '));
    this.network.partition(nodeGroups, clientGroups);
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
    // Requests waiting in the process's queue die with it (their clients time out).
    if (slot.serviceTimer !== null) this.clock.cancel(slot.serviceTimer);
    slot.serviceTimer = null;
    slot.requestQueue = [];
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
      this.deliver(slot, flight);
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
    case 'partition-regions':
      return action.groups.map((g) => g.join(',')).join(' | ');
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

