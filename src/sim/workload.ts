/**
 * Client workload: Jepsen-style single-threaded clients that each run one operation at a time
 * (read, write or cas on a small key space) with an exponential think time between operations, so
 * the total rate is about `opsPerSec`. Clients follow leader redirects and give up after a timeout.
 *
 * Every operation is recorded as a history: an invoke, then ok (it happened, with this value), fail
 * (it definitely did not happen) or info (unknown: it may have happened, at any time after the invoke).
 * A request that timed out is never retried under the same operation, because it may have taken effect;
 * only a redirect (a definite "not executed here") is retried.
 */
import type { Rng } from './rng';
import type { Scenario } from './scenario';
import type { ClientId, ClientMessage, ClientOpKind, ClientOperation, ClientRequest, Message, NodeId } from './types';

export interface HistoryOp extends ClientOperation {
  readonly client: ClientId;
  readonly invokeMs: number;
  /** null while pending. */
  outcome: 'ok' | 'fail' | 'info' | null;
  completeMs: number | null;
  /** Value read, for an ok read. */
  result: string | null;
}

/** Bound on recorded operations per run. Past it, new operations are not issued (and counted). */
export const HISTORY_LIMIT = 2_000_000;

export interface ClientPort {
  nowMs(): number;
  send(from: ClientId, to: NodeId, message: Message): void;
  setTimer(fn: () => void, delayMs: number): number;
  clearTimer(id: number): void;
  recordInvoke(op: HistoryOp): void;
  recordComplete(op: HistoryOp, reason: string): void;
}

interface ClientState {
  readonly id: ClientId;
  current: HistoryOp | null;
  target: NodeId;
  redirects: number;
  timeoutTimer: number | null;
}

/** Values are drawn from a small set so that cas operations sometimes succeed, as in Jepsen's tests. */
const VALUE_RANGE = 5;
const REDIRECT_BACKOFF_MS = 20;
const OPERATOR_CLIENT_LIMIT = 64;

export class Workload {
  readonly history: HistoryOp[] = [];
  private readonly clients: ClientState[];
  private readonly byId = new Map<ClientId, ClientState>();
  private nextOpId = 1;
  private droppedForLimit = 0;
  private readonly operatorClients: ClientState[] = [];
  /** Where operator requests go by default: the last node that answered one. */
  private operatorTarget: NodeId;

  constructor(
    private readonly config: Scenario['workload'],
    private readonly members: readonly NodeId[],
    private readonly rng: Rng,
    private readonly port: ClientPort,
  ) {
    this.clients = Array.from({ length: config.clients }, (_, i) => ({
      id: `c${i + 1}`,
      current: null,
      target: members[i % members.length]!,
      redirects: 0,
      timeoutTimer: null,
    }));
    for (const c of this.clients) this.byId.set(c.id, c);
    this.operatorTarget = members[0]!;
  }

  /** Schedules every background client's first operation. */
  start(): void {
    if (this.config.opsPerSec <= 0) return;
    for (const c of this.clients) this.scheduleNext(c);
  }

  private thinkTimeMs(): number {
    const meanMs = (1000 * this.config.clients) / this.config.opsPerSec;
    return Math.max(1, Math.round(this.rng.exponential(meanMs)));
  }

  private scheduleNext(c: ClientState): void {
    this.port.setTimer(() => {
      this.invokeRandom(c);
      this.scheduleNext(c);
    }, this.thinkTimeMs());
  }

  private invokeRandom(c: ClientState): void {
    if (c.current !== null) return; // single-threaded: still waiting on the last operation
    const roll = this.rng.float();
    const op: ClientOpKind = roll < this.config.readFraction ? 'read' : roll < this.config.readFraction + this.config.casFraction ? 'cas' : 'write';
    const key = `k${this.rng.int(0, this.config.keys - 1)}`;
    const value = op === 'read' ? null : String(this.rng.int(0, VALUE_RANGE - 1));
    const expected = op === 'cas' ? String(this.rng.int(0, VALUE_RANGE - 1)) : null;
    this.invoke(c, op, key, value, expected);
  }

  /**
   * An operator's request (from the UI or a scenario action). Each runs on an idle operator client
   * (o1, o2, ...; a new one when all are busy), so requests sent by hand never queue behind each other.
   * `target` picks the node to send it to; by default the last node an operator client heard from.
   * Returns false (and does nothing) past OPERATOR_CLIENT_LIMIT busy clients.
   */
  operatorRequest(op: ClientOpKind, key: string, value: string | null, expected: string | null, target: NodeId | null = null): boolean {
    let c = this.operatorClients.find((o) => o.current === null);
    if (c === undefined) {
      if (this.operatorClients.length >= OPERATOR_CLIENT_LIMIT) return false;
      c = { id: `o${this.operatorClients.length + 1}`, current: null, target: this.operatorTarget, redirects: 0, timeoutTimer: null };
      this.operatorClients.push(c);
      this.byId.set(c.id, c);
    }
    c.target = target ?? this.operatorTarget;
    this.invoke(c, op, key, value, expected);
    return true;
  }

  private invoke(c: ClientState, op: ClientOpKind, key: string, value: string | null, expected: string | null): void {
    if (this.history.length >= HISTORY_LIMIT) {
      this.droppedForLimit++;
      return;
    }
    const entry: HistoryOp = {
      client: c.id, opId: this.nextOpId++, op, key, value, expected,
      invokeMs: this.port.nowMs(), outcome: null, completeMs: null, result: null,
    };
    this.history.push(entry);
    c.current = entry;
    c.redirects = 0;
    this.port.recordInvoke(entry);
    c.timeoutTimer = this.port.setTimer(() => this.timeout(c, entry), this.config.timeoutMs);
    this.sendCurrent(c);
  }

  private sendCurrent(c: ClientState): void {
    const op = c.current;
    if (op === null) return;
    const request: ClientRequest = {
      type: 'ClientRequest', term: 0, opId: op.opId, op: op.op, key: op.key, value: op.value, expected: op.expected,
    };
    this.port.send(c.id, c.target, request);
  }

  private complete(c: ClientState, outcome: 'ok' | 'fail' | 'info', result: string | null, reason: string): void {
    const op = c.current!;
    op.outcome = outcome;
    op.completeMs = this.port.nowMs();
    op.result = result;
    c.current = null;
    if (c.timeoutTimer !== null) this.port.clearTimer(c.timeoutTimer);
    c.timeoutTimer = null;
    this.port.recordComplete(op, reason);
  }

  private timeout(c: ClientState, op: HistoryOp): void {
    if (c.current !== op) return;
    c.timeoutTimer = null;
    this.complete(c, 'info', null, 'timeout');
    // The node we tried may be down or cut off: try another next time.
    c.target = this.members[(this.members.indexOf(c.target) + 1) % this.members.length]!;
  }

  receive(clientId: ClientId, from: NodeId, message: ClientMessage): void {
    const c = this.byId.get(clientId);
    if (c === undefined) throw new Error(`workload: message for unknown client ${clientId}`);
    const op = c.current;
    // Late or duplicated replies to an operation already completed are ignored.
    if (op === null || !('opId' in message) || message.opId !== op.opId) return;
    switch (message.type) {
      case 'ClientReply':
        c.target = from;
        if (clientId.startsWith('o')) this.operatorTarget = from;
        this.complete(c, message.ok ? 'ok' : 'fail', op.op === 'read' ? message.value : null, message.ok ? '' : message.rejected === true ? 'rejected' : 'cas-mismatch');
        return;
      case 'ClientRedirect':
        if (c.redirects >= this.config.maxRedirects) {
          // Every attempt was refused before execution: the operation definitely did not happen.
          this.complete(c, 'fail', null, 'no-leader');
          return;
        }
        c.redirects++;
        c.target =
          message.leaderHint !== null && message.leaderHint !== from
            ? message.leaderHint
            : this.members[(this.members.indexOf(from) + 1) % this.members.length]!;
        // Back off a little: mid-election nobody knows the leader, and hammering helps no one.
        this.port.setTimer(() => {
          if (c.current === op) this.sendCurrent(c);
        }, REDIRECT_BACKOFF_MS * c.redirects);
        return;
      case 'ClientRequest':
        throw new Error('workload: a client received a request');
      default: {
        const never: never = message;
        throw new Error(`workload: unknown message ${JSON.stringify(never)}`);
      }
    }
  }

  get operationsNotIssued(): number {
    return this.droppedForLimit;
  }
}
