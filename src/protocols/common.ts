/** Small helpers every protocol's handlers share. */
import type { Address, ClientId, ClientRequest, Message, NodeEnv, NodeId, ProtocolOptions } from '../sim/types';
import type { Command, SessionResult } from './raft/types';

type ClientCommand = Extract<Command, { kind: 'client' }>;

/** Per members array (it never changes in a run): each member's peers, in membership order. */
const peersCache = new WeakMap<readonly NodeId[], Map<NodeId, readonly NodeId[]>>();

/** The members other than `id`, in membership order; cached, since handlers ask on every message. */
export function peersOf(members: readonly NodeId[], id: NodeId): readonly NodeId[] {
  let byId = peersCache.get(members);
  if (byId === undefined) {
    byId = new Map();
    peersCache.set(members, byId);
  }
  let list = byId.get(id);
  if (list === undefined) {
    list = Object.freeze(members.filter((m) => m !== id));
    byId.set(id, list);
  }
  return list;
}

/**
 * A copy of a map, in the same order. `new Map(m)` walks `m` with the iterator protocol, allocating an
 * entry pair and a result object per element; handlers copy small maps on most messages (leader
 * bookkeeping, sessions), and forEach copies them without that garbage (about 1.6x faster here).
 */
export function copyMap<K, V>(m: ReadonlyMap<K, V>): Map<K, V> {
  const copy = new Map<K, V>();
  m.forEach((v, k) => copy.set(k, v));
  return copy;
}

/** The number of bits set in a 32-bit mask (acceptors tallied as bits of one). */
export function bitCount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}

/** A copy of a set, in the same order, without the iterator protocol's garbage (see copyMap). */
export function copySet<T>(s: ReadonlySet<T>): Set<T> {
  const copy = new Set<T>();
  s.forEach((v) => copy.add(v));
  return copy;
}

/** What a node host hands its handlers: a client's request, or a protocol message of type M. */
export type HandlerInput<M> = { type: 'client'; from: Address; request: ClientRequest } | { type: 'message'; from: Address; message: M };

/** Sorts an arriving message into a handler input; a message of no type the protocol knows is a bug. */
export function inputOf<M>(protocol: string, node: NodeId, from: Address, message: Message, messageTypes: ReadonlySet<string>): HandlerInput<M> {
  if (message.type === 'ClientRequest') return { type: 'client', from, request: message as ClientRequest };
  if (messageTypes.has(message.type)) return { type: 'message', from, message: message as M };
  throw new Error(`${protocol}: ${node} got an unknown message type ${message.type}`);
}

/**
 * Applies client commands to a key-value state machine exactly once per client operation (Raft
 * section 8's sessions; Multi-Paxos the same), over immutable maps: the key-value map and the sessions
 * are copied on their first change only (most applied commands are no-ops and reads), so a state that
 * records them keeps sharing them. Raft's and Paxos's apply loops both run their commands through it.
 */
export class SessionApplier {
  private kv: Map<string, string> | null = null;
  private sessions: Map<ClientId, SessionResult> | null = null;

  constructor(
    private readonly baseKv: ReadonlyMap<string, string>,
    private readonly baseSessions: ReadonlyMap<ClientId, SessionResult>,
  ) {}

  /** Runs `command` unless its client's session shows it (or a later one) already ran; returns its result. */
  run(command: ClientCommand): SessionResult {
    const previous = this.sessionsNow().get(command.client);
    if (previous !== undefined && previous.opId >= command.opId) return previous; // already executed: do not run it twice
    // A read leaves the map alone, so it can run against the current one without a copy.
    const target = command.op === 'read' ? ((this.kv ?? this.baseKv) as Map<string, string>) : (this.kv ??= copyMap(this.baseKv));
    const result = execute(target, command);
    (this.sessions ??= copyMap(this.baseSessions)).set(command.client, result);
    return result;
  }

  kvNow(): ReadonlyMap<string, string> {
    return this.kv ?? this.baseKv;
  }

  sessionsNow(): ReadonlyMap<ClientId, SessionResult> {
    return this.sessions ?? this.baseSessions;
  }
}

/** Executes one command against the key-value map; pure apart from writing into `kv`. */
export function execute(kv: Map<string, string>, c: ClientCommand): SessionResult {
  const current = kv.get(c.key);
  switch (c.op) {
    case 'read':
      return { opId: c.opId, ok: true, value: current ?? 'nil' };
    case 'write':
      kv.set(c.key, c.value ?? '');
      return { opId: c.opId, ok: true, value: c.value ?? '' };
    case 'cas':
      if (current !== c.expected) return { opId: c.opId, ok: false, value: current ?? 'nil' };
      kv.set(c.key, c.value ?? '');
      return { opId: c.opId, ok: true, value: c.value ?? '' };
    default: {
      const never: never = c.op;
      throw new Error(`raft: unknown op ${String(never)}`);
    }
  }
}

/**
 * A fresh election deadline by the node's own clock: a timeout drawn at random from [min, max] each
 * time (Raft section 5.2, so split votes are rare; Paxos section 2.4, the backoff that lets one
 * proposer finish).
 */
export function drawElectionDeadlineMs(env: NodeEnv, options: ProtocolOptions): number {
  return env.nowMs() + env.rng.int(options.electionTimeoutMinMs, options.electionTimeoutMaxMs);
}
