/**
 * Client workload: Jepsen-style single-threaded clients that each run one operation at a time
 * (read, write or cas on a small key space) with an exponential think time between operations, so
 * the total rate is about `opsPerSec`. Clients follow leader redirects and give up after a timeout.
 *
 * Every operation is recorded as a history: an invoke, then ok (it happened, with this value), fail
 * (it definitely did not happen) or info (unknown: it may have happened, at any time after the invoke).
 * A request that timed out is never retried under the same operation, because it may have taken effect;
 * only a redirect (a definite "not executed here") is retried. Unless the scenario sets a retry policy
 * (`workload.retry`): then a timed-out or refused attempt (overloaded, no leader) is sent again as the
 * SAME operation (same opId), which the cluster's client sessions execute at most once (Raft section
 * 8), so the history keeps one operation: invoked at the first attempt, completed by the reply to any
 * attempt. An operation that gives up after an attempt that timed out is `info` (that attempt may yet
 * take effect), never `fail`, so the linearizability checker is not told it did not happen; so is one
 * whose request the network duplicated (requestCopied).
 */
import { clientId } from './ids';
import type { Rng } from './rng';
import type { RetryPolicy, Scenario } from './scenario';
import type { ClientId, ClientMessage, ClientOpKind, ClientOperation, ClientRequest, Message, NodeId } from './types';
import type { TimerId } from './clock';

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
  setTimer(fn: () => void, delayMs: number): TimerId;
  clearTimer(id: TimerId): void;
  recordInvoke(op: HistoryOp): void;
  recordComplete(op: HistoryOp, reason: string): void;
  /** Counts a client-side happening for the metrics (timeout, retry, rejected:overloaded, ...). */
  count?(name: string): void;
}

interface ClientState {
  readonly id: ClientId;
  current: HistoryOp | null;
  target: NodeId;
  redirects: number;
  timeoutTimer: TimerId | null;
  /** Attempts of the current operation after the first (retry policy), and whether one may have run. */
  retries: number;
  maybeExecuted: boolean;
  /** Bumped per attempt, so a redirect's resend from an earlier attempt does nothing. */
  attempt: number;
  /** Retry budget tokens (RetryPolicy.budget). */
  tokens: number;
}

/** The most retry tokens a client can save up (RetryPolicy.budget). */
const RETRY_TOKENS_MAX = 10;

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
  private readonly retry: RetryPolicy | null;

  constructor(
    private readonly config: Scenario['workload'],
    private readonly members: readonly NodeId[],
    private readonly rng: Rng,
    private readonly port: ClientPort,
    /** Geo-replication: each client's first node (one in its region); null = c(i) starts at n(i mod N). */
    initialTargets: readonly NodeId[] | null = null,
    /** Draws of the retry backoff's jitter (only used with a backoff retry policy). */
    private readonly retryRng: Rng | null = null,
  ) {
    this.retry = config.retry !== undefined && config.retry.policy !== 'none' ? config.retry : null;
    this.clients = Array.from({ length: config.clients }, (_, i) => ({
      id: clientId(i),
      current: null,
      target: initialTargets?.[i] ?? members[i % members.length]!,
      redirects: 0,
      timeoutTimer: null,
      retries: 0,
      maybeExecuted: false,
      attempt: 0,
      tokens: 0,
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
      c = {
        id: `o${this.operatorClients.length + 1}`, current: null, target: this.operatorTarget, redirects: 0, timeoutTimer: null,
        retries: 0, maybeExecuted: false, attempt: 0, tokens: 0,
      };
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
    c.retries = 0;
    c.maybeExecuted = false;
    if (this.retry?.budget !== undefined && this.retry.budget !== null) c.tokens = Math.min(RETRY_TOKENS_MAX, c.tokens + this.retry.budget);
    this.port.recordInvoke(entry);
    c.timeoutTimer = this.port.setTimer(() => this.timeout(c, entry), this.config.timeoutMs);
    this.sendCurrent(c);
  }

  /** Another attempt of the current operation: the same request, a fresh per-attempt timeout. */
  private reattempt(c: ClientState, op: HistoryOp): void {
    c.attempt++;
    c.redirects = 0;
    c.timeoutTimer = this.port.setTimer(() => this.timeout(c, op), this.config.timeoutMs);
    this.sendCurrent(c);
  }

  /**
   * Schedules a retry of the current operation if the policy, its per-operation limit and the retry
   * budget allow one; returns false (the caller completes the operation) otherwise.
   */
  private retryLater(c: ClientState, op: HistoryOp): boolean {
    const r = this.retry;
    if (r === null || c.retries >= r.maxRetries) return false;
    if (r.budget !== null) {
      if (c.tokens < 1) {
        this.port.count?.('retry-budget-exhausted');
        return false;
      }
      c.tokens -= 1;
    }
    c.retries++;
    this.port.count?.('retry');
    if (c.timeoutTimer !== null) this.port.clearTimer(c.timeoutTimer);
    c.timeoutTimer = null;
    // Full-range jitter in [0.5, 1) of the exponential step, so clients that failed together spread out.
    const delayMs = r.policy === 'immediate' ? 0 : Math.round(Math.min(r.maxMs, r.baseMs * 2 ** (c.retries - 1)) * (0.5 + 0.5 * this.retryRng!.float()));
    const attempt = ++c.attempt;
    this.port.setTimer(() => {
      if (c.current === op && c.attempt === attempt) this.reattempt(c, op);
    }, delayMs);
    return true;
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
    this.port.count?.('timeout');
    // The node we tried may be down or cut off: try another next time.
    c.target = this.members[(this.members.indexOf(c.target) + 1) % this.members.length]!;
    // The attempt may still take effect: from now on the operation can only end ok or info.
    c.maybeExecuted = true;
    if (this.retryLater(c, op)) return;
    this.complete(c, 'info', null, 'timeout');
  }

  /**
   * The network made a second copy of a message a client sent. If it is a request of the client's
   * operation in progress, a copy may reach a node after every other copy was refused, and run there
   * (a redirect or a refusal answers one copy, not all of them): from now on the operation can only end
   * ok or info, never fail. Found by fuzzing a Paxos grid: a duplicated request was redirected, the
   * client recorded fail, and the other copy reached the new leader and ran.
   */
  requestCopied(from: string, message: Message): void {
    if (message.type !== 'ClientRequest') return;
    const c = this.byId.get(from as ClientId);
    if (c === undefined || c.current === null || c.current.opId !== (message as ClientRequest).opId) return;
    c.maybeExecuted = true;
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
        if (!message.ok && message.reason !== undefined) {
          // Refused before execution ("retry later"): this attempt definitely did not run.
          if (this.retryLater(c, op)) return;
          this.complete(c, c.maybeExecuted ? 'info' : 'fail', null, message.reason);
          return;
        }
        this.complete(c, message.ok ? 'ok' : 'fail', op.op === 'read' ? message.value : null, message.ok ? '' : message.rejected === true ? 'rejected' : 'cas-mismatch');
        return;
      case 'ClientRedirect':
        if (c.redirects >= this.config.maxRedirects) {
          if (this.retryLater(c, op)) return;
          // Every attempt was refused before execution: the operation definitely did not happen
          // (unless an earlier attempt timed out: then it may have).
          this.complete(c, c.maybeExecuted ? 'info' : 'fail', null, 'no-leader');
          return;
        }
        c.redirects++;
        c.target =
          message.leaderHint !== null && message.leaderHint !== from
            ? message.leaderHint
            : this.members[(this.members.indexOf(from) + 1) % this.members.length]!;
        // Back off a little: mid-election nobody knows the leader, and hammering helps no one.
        {
          const attempt = c.attempt;
          this.port.setTimer(() => {
            if (c.current === op && c.attempt === attempt) this.sendCurrent(c);
          }, REDIRECT_BACKOFF_MS * c.redirects);
        }
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
