/**
 * The lab's record of a run, kept as it runs, so that any moment can be shown again without
 * re-running the simulator (time travel, DESIGN.md "The one rule"): scrubbing back is a lookup.
 *
 * What is kept, per step (one fired timer):
 * - the step's virtual time and the trace length after it (the trace itself holds the events, and
 *   `Trace.prefixHash` gives the hash of any prefix);
 * - per node, a small record of the fields the view shows, only when one of them changed;
 * - per node, the log edits (entries are shared with the simulator's logs, never copied);
 * - every message with the steps it was sent and delivered (or dropped) at, and when it was due;
 * - the network's partition and cut links when they changed; quorums; violations; timeline markers.
 *
 * A moment is then rebuilt by binary search in these lists. Nothing here computes protocol state: it
 * copies what the protocol nodes expose through `view()`, and what the trace says.
 */
import { percentile } from '../check/latency';
import { PAXOS_INVARIANTS } from '../check/paxos-invariants';
import { RAFT_INVARIANTS } from '../check/raft-invariants';
import type { Run } from '../check/run';
import { ballotProposer, formatBallot } from '../protocols/paxos/ballot';
import type { PaxosDurable, PaxosView } from '../protocols/paxos/node';
import { fullRow, gridRows, memberMask, type GridShape } from '../protocols/paxos/quorums';
import { highestSlot } from '../protocols/paxos/slots';
import type { RaftDurable, RaftView } from '../protocols/raft/node';
import type { LogEntry } from '../protocols/raft/types';
import { paxosQuorums } from '../sim/scenario';
import { formatEvent, type TraceEvent } from '../sim/trace';
import {
  LOG_WINDOW, MESSAGE_LIMIT, QUORUM_LIMIT, RECENT_EVENT_LIMIT,
  type ClusterSnapshot, type InvariantStatus, type LogEntryView, type LogRow, type MessageCategory, type MessageView, type NodeSnapshot,
  type PanelSnapshot, type PaxosNodeView, type QuorumView, type RoleName, type RunStats, type TimelineMarker, type UsedQuorum,
  type UsedQuorums, type ViolationView,
} from './lab-protocol';

/**
 * The fields of a node the view shows, as of one step: NodeSnapshot's scalars, with the protocol's own
 * maps and sets (copy-on-write, so records share them) instead of the plain objects sent to the page.
 */
type NodeRecord = Pick<
  NodeSnapshot,
  | 'status' | 'role' | 'term' | 'votedFor' | 'leaderId' | 'commitIndex' | 'lastApplied' | 'electionDeadlineMs' | 'electionArmedAtMs'
  | 'slowFactor' | 'clockRate' | 'snapshotIndex'
> & {
  readonly nextIndex: ReadonlyMap<string, number> | null;
  readonly matchIndex: ReadonlyMap<string, number> | null;
  /** Raft: the votes a candidate or leader holds. Paxos: the promises (candidate) or the phase-1 quorum (leader). */
  readonly votesGranted: ReadonlySet<string> | readonly string[] | null;
  readonly kv: ReadonlyMap<string, string> | null;
  /** Paxos only: the proposer's and acceptor's scalars (labels are made when a snapshot is asked for). */
  readonly paxos: PaxosRecord | null;
};

interface PaxosRecord {
  readonly promised: number;
  readonly ballot: number;
  readonly inFlightSlots: number;
  readonly chosenSlots: number;
  readonly heldFrom: number;
}

/**
 * A Paxos slot as one node holds it: what its acceptor accepted (ballot 0 and '' when nothing) and
 * what its learner learned chosen (null when nothing). Immutable: a change makes a new row.
 */
interface SlotRow {
  readonly term: number;
  readonly value: string;
  readonly chosen: string | null;
}

const EMPTY_SLOT: SlotRow = Object.freeze({ term: 0, value: '', chosen: null });

/** What the record keeps per log position: Raft's entries (shared with the simulator), Paxos's slot rows. */
type RecordedEntry = LogEntry | SlotRow;

function isSlotRow(e: RecordedEntry): e is SlotRow {
  return !('command' in e);
}

/** A log edit at a step: keep the first `keep` entries, then append `entries`. */
interface LogEdit {
  readonly step: number;
  readonly keep: number;
  readonly entries: readonly RecordedEntry[];
}

interface MessageRecord {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly type: string;
  readonly term: number;
  readonly detail: string;
  readonly sentStep: number;
  readonly sentAtMs: number;
  readonly deliverAtMs: number;
  /** The step that delivered or dropped it; Infinity while it is still on the wire. */
  endStep: number;
  endAtMs: number;
}

interface NetworkRecord {
  readonly step: number;
  readonly partition: string[][];
  readonly cutLinks: Array<[string, string]>;
  readonly storm: { readonly duplicateProbability: number; readonly reorderProbability: number };
}

type StoredViolation = Omit<ViolationView, 'explanation'>;

/** Bounds: a record that outgrows them stops growing that list (and the lab says so), never OOMs. */
/** A node's log is stored whole every this many edits (see captureNode). */
const LOG_CHECKPOINT_EDITS = 128;

/** Vote quorums kept in a snapshot next to the latest commit quorums. */
const VOTE_QUORUMS_SHOWN = 3;

/** Distinct phase-1 (and phase-2) quorums listed for the explorer: at most C(9,4) = 126 exist in a 9-node cluster. */
const USED_QUORUMS_SHOWN = 126;

/** Operations past the sorted latency prefix inserted one by one; more are sorted afresh. */
const LATENCY_INSERTS_MAX = 64;

export const RECORD_LIMITS = { steps: 50_000_000, markers: 20_000, quorums: 200_000 } as const;

/** Grows a Float64Array-backed list of numbers. */
class NumberList {
  private data = new Float64Array(1024);
  length = 0;
  push(n: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = n;
  }
  get(i: number): number {
    return this.data[i]!;
  }
  /** The first n entries, as a new array. */
  prefix(n: number): number[] {
    return Array.from(this.data.subarray(0, Math.min(n, this.length)));
  }
  /** Number of entries <= value (the list must be non-decreasing). */
  countAtMost(value: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.data[mid]! <= value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Index of the last item whose key is <= k, or -1 (items sorted by key). */
function lastAtOrBefore<T>(items: readonly T[], k: number, key: (t: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(items[mid]!) <= k) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * Paxos's messages take the category of Raft's that do the same job: phase 1a (Prepare) asks for
 * votes, 1b (Promise, or a Nack) answers; phase 2a (Accept) and the leader's Heartbeat, Snapshot and
 * Learn carry values, 2b (Accepted) and HeartbeatAck answer.
 */
export function messageCategory(type: string): MessageCategory {
  switch (type) {
    case 'RequestVote':
    case 'Prepare':
      return 'vote';
    case 'RequestVoteResponse':
    case 'Promise':
    case 'Nack':
      return 'vote-reply';
    case 'AppendEntries':
    case 'Accept':
    case 'Heartbeat':
    case 'Snapshot':
    case 'Learn':
      return 'append';
    case 'AppendEntriesResponse':
    case 'Accepted':
    case 'HeartbeatAck':
      return 'append-reply';
    case 'ClientRequest':
      return 'client';
    default:
      return 'client-reply';
  }
}

/** How a log entry reads in the log table. */
export function entryLabel(entry: LogEntry): string {
  const c = entry.command;
  if (c.kind === 'noop') return 'noop';
  switch (c.op) {
    case 'write':
      return `write ${c.key}=${c.value ?? ''}`;
    case 'read':
      return `read ${c.key}`;
    case 'cas':
      return `cas ${c.key} ${c.expected ?? ''}->${c.value ?? ''}`;
  }
}

const RAFT_ROLES = new Set<string>(['follower', 'candidate', 'leader']);
/** Faults that change the network rather than a node (a node fault may change a node's status). */
const NETWORK_FAULTS = new Set<string>(['partition', 'heal', 'cut-link', 'heal-link', 'network-storm']);

function samePaxos(a: PaxosRecord | null, b: PaxosRecord | null): boolean {
  if (a === null || b === null) return a === b;
  return a.promised === b.promised && a.ballot === b.ballot && a.inFlightSlots === b.inFlightSlots && a.chosenSlots === b.chosenSlots && a.heldFrom === b.heldFrom;
}

function sameRecord(a: NodeRecord, b: NodeRecord): boolean {
  return (
    a.status === b.status && a.role === b.role && a.term === b.term && a.votedFor === b.votedFor && a.leaderId === b.leaderId &&
    a.commitIndex === b.commitIndex && a.lastApplied === b.lastApplied && a.electionDeadlineMs === b.electionDeadlineMs &&
    a.nextIndex === b.nextIndex && a.matchIndex === b.matchIndex && a.votesGranted === b.votesGranted && a.kv === b.kv &&
    a.slowFactor === b.slowFactor && a.clockRate === b.clockRate && a.snapshotIndex === b.snapshotIndex && samePaxos(a.paxos, b.paxos)
  );
}

/** Two lists of node ids with the same members in the same order. */
function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Distinct quorums used, most used first (ties: first used first), at most USED_QUORUMS_SHOWN: what
 * the quorum explorer tests pairwise for intersection.
 */
function tallyQuorums(quorums: readonly QuorumView[], members: readonly string[]): UsedQuorum[] {
  const byKey = new Map<string, { nodes: readonly string[]; count: number; first: number; lastBallot: number }>();
  quorums.forEach((q, i) => {
    const key = q.nodes.join(',');
    const have = byKey.get(key);
    if (have === undefined) byKey.set(key, { nodes: q.nodes, count: 1, first: i, lastBallot: q.term });
    else {
      have.count++;
      have.lastBallot = q.term;
    }
  });
  return [...byKey.values()]
    .sort((a, b) => b.count - a.count || a.first - b.first)
    .slice(0, USED_QUORUMS_SHOWN)
    .map((u) => ({ nodes: u.nodes, count: u.count, lastBallotLabel: formatBallot(u.lastBallot, members) }));
}

function mapToRecord(map: ReadonlyMap<string, number> | null): Record<string, number> | null {
  if (map === null) return null;
  const out: Record<string, number> = {};
  for (const [k, v] of map) out[k] = v;
  return out;
}

/** Inserts n into an ascending list, keeping it sorted. */
function insertSorted(list: number[], n: number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! <= n) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, n);
}

/** Rewrites a node's slot table from what it holds: accepted values, and the values it learned chosen (null: none). */
function replaceSlots(rows: SlotRow[], accepted: ReadonlyMap<number, { ballot: number; value: string }>, chosen: ReadonlyMap<number, string> | null): void {
  const highest = Math.max(highestSlot(accepted), chosen === null ? 0 : highestSlot(chosen));
  rows.length = 0;
  for (let slot = 1; slot <= highest; slot++) {
    const a = accepted.get(slot);
    const c = chosen?.get(slot) ?? null;
    rows.push(a === undefined && c === null ? EMPTY_SLOT : { term: a?.ballot ?? 0, value: a?.value ?? '', chosen: c });
  }
}

export class LabRecorder {
  /** Per step k (0 = after boot): its virtual time and the trace length after it. */
  private readonly times = new NumberList();
  private readonly ends = new NumberList();
  private readonly nodeSteps = new Map<string, number[]>();
  private readonly nodeRecords = new Map<string, NodeRecord[]>();
  private readonly logEdits = new Map<string, LogEdit[]>();
  private readonly editsSinceWhole = new Map<string, number>();
  /** Log length per node after the last recorded step (to spot edits the trace did not announce). */
  private readonly messages: MessageRecord[] = [];
  private readonly messageById = new Map<number, MessageRecord>();
  /** Messages still on the wire at the frontier. */
  private readonly open = new Set<MessageRecord>();
  /** Longest time any finished message spent on the wire: bounds the scan for a moment's flights. */
  private maxLifetimeMs = 0;
  private readonly network: NetworkRecord[] = [];
  private readonly voteQuorums: QuorumView[] = [];
  private readonly commitQuorums: QuorumView[] = [];
  private readonly violations: StoredViolation[] = [];
  readonly markers: TimelineMarker[] = [];
  private readonly clientSteps = { invoke: new NumberList(), ok: new NumberList(), fail: new NumberList(), info: new NumberList() };
  private readonly hashCache = new Map<number, string>();
  private recordedEvents = 0;
  /** Steps of every `sent` event (the messages the comparison counts, as the bench does). */
  private readonly sentSteps = new NumberList();
  /** Client operations: when each was invoked, and per ok (in order) its step and latency. */
  private readonly invokedAtMs = new Map<number, number>();
  private readonly okSteps = new NumberList();
  private readonly okLatencies = new NumberList();
  /** The sorted latencies of the first `sortedLatencyCount` oks (stats are asked for moments in order while playing). */
  private sortedLatencies: number[] = [];
  private usedQuorumCache: { voteEnd: number; commitEnd: number; used: UsedQuorums } | null = null;
  /** Paxos: the run's protocol is Paxos; each node's slots as of the last recorded step. */
  private readonly paxos: boolean;
  private readonly phase2Quorum: number;
  /** Paxos with a grid: phase-2 quorums are whole rows (quorums.ts), not any |Q2| acceptors. */
  private readonly grid: GridShape | null;
  private readonly slots = new Map<string, SlotRow[]>();
  /**
   * Paxos: slot -> ballot -> the value accepted there and who accepted it, in order (the trace's
   * accepted events), for phase-2 quorums. Entries of a slot every learner has learned could go;
   * they are kept (a few ids per slot and ballot).
   */
  private readonly acceptTally = new Map<number, Map<number, { value: string; nodes: string[] }>>();
  /** Set when a bounded list filled up: the lab shows it. */
  truncated: string | null = null;

  constructor(private readonly run: Run) {
    this.paxos = run.scenario.protocol === 'paxos';
    this.phase2Quorum = this.paxos ? paxosQuorums(run.scenario).phase2 : 0;
    this.grid = this.paxos ? paxosQuorums(run.scenario).grid : null;
    for (const id of run.sim.members) {
      this.nodeSteps.set(id, []);
      this.nodeRecords.set(id, []);
      this.logEdits.set(id, []);
      if (this.paxos) this.slots.set(id, []);
    }
    this.network.push({ step: 0, partition: [], cutLinks: [], storm: { duplicateProbability: 0, reorderProbability: 0 } });
  }

  /** Steps recorded (the frontier is step `steps - 1`). */
  get steps(): number {
    return this.times.length;
  }

  timeOfStep(step: number): number {
    this.assertStep(step);
    return this.times.get(step);
  }

  eventsAfterStep(step: number): number {
    this.assertStep(step);
    return this.ends.get(step);
  }

  /** The last step at or before virtual time `atMs` (step 0 if none). */
  stepAt(atMs: number): number {
    return Math.max(0, this.times.countAtMost(atMs) - 1);
  }

  private assertStep(step: number): void {
    if (!(Number.isInteger(step) && step >= 0 && step < this.times.length)) throw new RangeError(`lab: no step ${step} (recorded ${this.times.length})`);
  }

  /**
   * Records the step just taken: call after boot (step 0) and after every `run.step()`. Reads the
   * step's events back from the trace, so it sees everything the step recorded (violations too).
   */
  capture(): void {
    if (this.times.length >= RECORD_LIMITS.steps) {
      this.truncated = `the record holds ${RECORD_LIMITS.steps} steps; later moments cannot be shown`;
      return;
    }
    const run = this.run;
    const trace = run.sim.trace;
    const step = this.times.length;
    const nowMs = run.sim.nowMs;
    if (step > 0 && nowMs < this.times.get(step - 1)) throw new Error('lab: time went backwards between steps');
    const first = this.recordedEvents;
    const end = trace.length;
    this.times.push(nowMs);
    this.ends.push(end);
    this.recordedEvents = end;

    const appended = new Map<string, number>();
    let statusChanged = false;
    let networkChanged = false;
    const events: TraceEvent[] = [];
    for (let i = first; i < end; i++) {
      const e = trace.at(i);
      events.push(e);
      this.captureEvent(e, step, i, appended);
      if (e.kind === 'fault') {
        if (NETWORK_FAULTS.has(e.fault)) networkChanged = true;
        else statusChanged = true;
      }
    }
    if (networkChanged) {
      const net = run.sim.network;
      const cuts = net.cutLinks().map(([a, b]) => [a, b] as [string, string]).sort((x, y) => (x[0] + x[1]).localeCompare(y[0] + y[1]));
      this.network.push({ step, partition: net.partitionGroups().map((g) => [...g].sort()), cutLinks: cuts, storm: net.storm() });
    }
    for (const id of run.sim.members) this.captureNode(id, step, nowMs, appended.get(id), statusChanged || step === 0);
    // Quorums need the nodes' state after the step, so they are read once every node is captured.
    for (const e of events) {
      if (e.kind === 'role' && e.role === 'leader') this.captureVoteQuorum(e.node, e.term, step, nowMs);
      else if (e.kind === 'commit') this.captureCommitQuorum(e.node, e.commitIndex, step, nowMs);
    }
  }

  /** Paxos: a slot of a node's table changed; `appended` keeps the lowest slot changed this step. */
  private setSlot(node: string, slot: number, change: (row: SlotRow) => SlotRow, appended: Map<string, number>): void {
    const rows = this.slots.get(node);
    if (rows === undefined) return;
    if (!(Number.isSafeInteger(slot) && slot >= 1)) throw new Error(`lab: bad slot ${slot} for ${node}`);
    // A slot past the end fills the slots between with empty ones: they changed too, so the edit
    // recorded for this step must start at the first of them, or the rebuilt table would have a hole.
    const from = Math.min(slot, rows.length + 1);
    while (rows.length < slot) rows.push(EMPTY_SLOT);
    rows[slot - 1] = change(rows[slot - 1]!);
    const earliest = appended.get(node);
    if (earliest === undefined || from < earliest) appended.set(node, from);
  }

  /** Paxos: the phase-2 quorum that chose `slot` in `ballot` (the first acceptors to accept it there). */
  private capturePhase2Quorum(slot: number, ballot: number, nodes: readonly string[], step: number, atMs: number): void {
    const members = this.run.sim.members;
    this.addQuorum({
      id: `phase2-${slot}-${ballot}-${step}`, kind: 'commit', term: ballot, index: slot, leader: ballotProposer(ballot, members) ?? '?',
      ballotLabel: formatBallot(ballot, members), nodes: [...nodes].sort(), atMs, step,
    });
  }

  private captureEvent(e: TraceEvent, step: number, index: number, appended: Map<string, number>): void {
    switch (e.kind) {
      case 'sent': {
        this.sentSteps.push(step);
        const flight = this.run.sim.network.inFlight.get(e.msgId);
        this.addMessage({
          id: e.msgId, from: e.from, to: e.to, type: e.type, term: e.term, detail: e.detail, sentStep: step, sentAtMs: e.atMs,
          deliverAtMs: flight?.deliverAtMs ?? e.atMs, endStep: Number.POSITIVE_INFINITY, endAtMs: Number.POSITIVE_INFINITY,
        });
        return;
      }
      case 'duplicated': {
        const original = this.messageById.get(e.msgId);
        const flight = this.run.sim.network.inFlight.get(e.copyId);
        if (original === undefined) return;
        this.addMessage({
          ...original, id: e.copyId, sentStep: step, sentAtMs: e.atMs, deliverAtMs: flight?.deliverAtMs ?? e.atMs,
          endStep: Number.POSITIVE_INFINITY, endAtMs: Number.POSITIVE_INFINITY,
          detail: `${original.detail} (copy of #${original.id})`,
        });
        return;
      }
      case 'delivered':
      case 'dropped': {
        const m = this.messageById.get(e.msgId);
        if (m === undefined || m.endStep !== Number.POSITIVE_INFINITY) return;
        m.endStep = step;
        m.endAtMs = e.atMs;
        this.open.delete(m);
        this.maxLifetimeMs = Math.max(this.maxLifetimeMs, e.atMs - m.sentAtMs);
        return;
      }
      case 'append': {
        const earliest = appended.get(e.node);
        if (earliest === undefined || e.index < earliest) appended.set(e.node, e.index);
        return;
      }
      case 'role':
        if (e.role === 'leader') {
          const of = this.paxos ? `ballot ${formatBallot(e.term, this.run.sim.members)}` : `term ${e.term}`;
          this.addMarker({ kind: 'election', atMs: e.atMs, step, label: `${e.node} leader of ${of}` });
        }
        return;
      case 'accepted': {
        this.setSlot(e.node, e.slot, (row) => ({ term: e.ballot, value: e.value, chosen: row.chosen }), appended);
        let byBallot = this.acceptTally.get(e.slot);
        if (byBallot === undefined) this.acceptTally.set(e.slot, (byBallot = new Map()));
        let tally = byBallot.get(e.ballot);
        if (tally === undefined) byBallot.set(e.ballot, (tally = { value: e.value, nodes: [] }));
        if (tally.nodes.includes(e.node)) return;
        const before = tally.nodes.length;
        tally.nodes.push(e.node);
        // The value is chosen the moment a phase-2 quorum has accepted it (the omniscient observer's
        // view, as the Agreement check has it): those acceptors are the quorum that chose it.
        if (this.grid === null) {
          if (tally.nodes.length === this.phase2Quorum) this.capturePhase2Quorum(e.slot, e.ballot, tally.nodes, step, e.atMs);
          return;
        }
        // A grid: the first whole row among them (other acceptors may have accepted too).
        const members = this.run.sim.members;
        const row = fullRow(this.grid, memberMask(members, tally.nodes));
        if (row >= 0 && fullRow(this.grid, memberMask(members, tally.nodes.slice(0, before))) < 0) {
          this.capturePhase2Quorum(e.slot, e.ballot, gridRows(this.grid, members)[row]!, step, e.atMs);
        }
        return;
      }
      case 'chosen':
        this.setSlot(e.node, e.slot, (row) => ({ term: row.term, value: row.value, chosen: e.value }), appended);
        return;
      case 'fault':
        this.addMarker({ kind: 'fault', atMs: e.atMs, step, label: `${e.fault} ${e.detail}`.trim() });
        return;
      case 'action':
        this.addMarker({ kind: 'action', atMs: e.atMs, step, label: `you: ${e.action} ${e.detail}`.trim() });
        return;
      case 'violation': {
        const stored = this.run.checker.violations.find((v) => v.invariant === e.invariant && v.atMs === e.atMs && v.message === e.message);
        const causeIndex = Math.min(e.eventIndex, index);
        let cause = '';
        try {
          cause = formatEvent(this.run.sim.trace.at(causeIndex)).trim();
        } catch {
          cause = `event ${causeIndex}`;
        }
        this.violations.push({
          invariant: e.invariant, message: e.message, atMs: e.atMs, step, eventIndex: e.eventIndex,
          nodes: e.nodes === '' ? [] : e.nodes.split(','), logIndex: stored?.logIndex ?? null, cause,
        });
        this.addMarker({ kind: 'violation', atMs: e.atMs, step, label: `${e.invariant} violated` });
        return;
      }
      case 'invoke':
        this.invokedAtMs.set(e.opId, e.atMs);
        this.clientSteps.invoke.push(step);
        return;
      case 'ok': {
        const at = this.invokedAtMs.get(e.opId);
        if (at !== undefined) {
          this.okSteps.push(step);
          this.okLatencies.push(e.atMs - at);
        }
        this.clientSteps.ok.push(step);
        return;
      }
      case 'fail':
      case 'info':
        this.clientSteps[e.kind].push(step);
        return;
      default:
        return;
    }
  }

  private addMessage(m: MessageRecord): void {
    this.messages.push(m);
    this.messageById.set(m.id, m);
    this.open.add(m);
  }

  private addMarker(m: TimelineMarker): void {
    if (this.markers.length >= RECORD_LIMITS.markers) {
      this.truncated = `more than ${RECORD_LIMITS.markers} timeline markers; later ones are not drawn`;
      return;
    }
    this.markers.push(m);
  }

  private captureNode(id: string, step: number, nowMs: number, appendedFrom: number | undefined, statusMayHaveChanged: boolean): void {
    const sim = this.run.sim;
    const status = sim.status(id);
    const records = this.nodeRecords.get(id)!;
    const steps = this.nodeSteps.get(id)!;
    const previous = records.length > 0 ? records[records.length - 1]! : null;
    let record: NodeRecord;
    let log: readonly RecordedEntry[];
    if (this.paxos) {
      ({ record, log } = this.readPaxosNode(id, status, previous, nowMs, statusMayHaveChanged));
    } else if (status === 'crashed') {
      const durable = sim.durableState(id) as RaftDurable;
      log = durable.log;
      record = {
        status, role: 'follower', term: durable.currentTerm, votedFor: durable.votedFor, leaderId: null, commitIndex: 0, lastApplied: 0,
        snapshotIndex: durable.snapshot?.lastIncludedIndex ?? 0,
        electionDeadlineMs: null, electionArmedAtMs: null, nextIndex: null, matchIndex: null, votesGranted: null, kv: null,
        slowFactor: sim.slowFactorOf(id), clockRate: sim.clockRateOf(id), paxos: null,
      };
    } else {
      const view = sim.view(id) as RaftView;
      const s = view.state;
      const v = s.volatile;
      log = s.persistent.log;
      const role: RoleName = RAFT_ROLES.has(v.role) ? v.role : 'follower';
      const timed = role !== 'leader' && status === 'up';
      const deadline = timed ? view.electionDeadlineMs : null;
      const armed = deadline === null ? null : previous !== null && previous.electionDeadlineMs === deadline ? previous.electionArmedAtMs : nowMs;
      record = {
        status, role, term: s.persistent.currentTerm, votedFor: s.persistent.votedFor, leaderId: v.leaderId, commitIndex: v.commitIndex,
        lastApplied: v.lastApplied, snapshotIndex: s.persistent.snapshot?.lastIncludedIndex ?? 0, electionDeadlineMs: deadline, electionArmedAtMs: armed,
        nextIndex: role === 'leader' ? v.nextIndex : null, matchIndex: role === 'leader' ? v.matchIndex : null,
        votesGranted: role === 'follower' ? null : v.votesGranted, kv: v.kv,
        slowFactor: sim.slowFactorOf(id), clockRate: sim.clockRateOf(id), paxos: null,
      };
    }
    if (previous === null || !sameRecord(previous, record)) {
      records.push(record);
      steps.push(step);
    }
    // The log: a status change (crash: the disk's log; restart: booted from it) replaces it whole;
    // otherwise an append event says from where it changed.
    const edits = this.logEdits.get(id)!;
    if (statusMayHaveChanged && (previous === null || previous.status !== status)) {
      edits.push({ step, keep: 0, entries: log.slice() });
    } else if (appendedFrom !== undefined) {
      const keep = Math.max(0, appendedFrom - 1);
      // Every LOG_CHECKPOINT_EDITS edits, a whole copy (of references): rebuilding a log for a
      // moment then replays at most that many edits.
      const sinceWhole = this.editsSinceWhole.get(id) ?? 0;
      if (sinceWhole >= LOG_CHECKPOINT_EDITS) edits.push({ step, keep: 0, entries: log.slice() });
      else edits.push({ step, keep, entries: log.slice(keep) });
    }
    const lastEdit = edits[edits.length - 1];
    if (lastEdit !== undefined && lastEdit.step === step) {
      this.editsSinceWhole.set(id, lastEdit.keep === 0 ? 0 : (this.editsSinceWhole.get(id) ?? 0) + 1);
    }
  }

  /**
   * A Paxos node's record and slot table. Its slots follow the trace (accepted and chosen events,
   * applied in captureEvent); when its status changed they are read whole from what it holds: the
   * disk's accepted values when crashed (its learner's chosen values died with it), or, restarted,
   * what it booted from.
   */
  private readPaxosNode(
    id: string, status: NodeSnapshot['status'], previous: NodeRecord | null, nowMs: number, statusMayHaveChanged: boolean,
  ): { record: NodeRecord; log: readonly SlotRow[] } {
    const sim = this.run.sim;
    const rows = this.slots.get(id)!;
    const reread = statusMayHaveChanged && (previous === null || previous.status !== status);
    const common = { status, slowFactor: sim.slowFactorOf(id), clockRate: sim.clockRateOf(id), nextIndex: null, matchIndex: null, votedFor: null };
    if (status === 'crashed') {
      const durable = sim.durableState(id) as PaxosDurable;
      if (reread) replaceSlots(rows, durable.accepted, null);
      const heldFrom = (durable.snapshot?.throughSlot ?? 0) + 1;
      const paxos: PaxosRecord = { promised: durable.promised, ballot: durable.ballot, inFlightSlots: 0, chosenSlots: 0, heldFrom };
      const record: NodeRecord = {
        ...common, role: 'follower', term: durable.promised, leaderId: null, commitIndex: 0, lastApplied: 0,
        snapshotIndex: durable.snapshot?.throughSlot ?? 0,
        electionDeadlineMs: null, electionArmedAtMs: null, votesGranted: null, kv: null, paxos,
      };
      return { record, log: rows };
    }
    const view = sim.view(id) as PaxosView;
    const v = view.state.volatile;
    if (reread) replaceSlots(rows, view.state.persistent.accepted, view.chosen);
    const role: RoleName = RAFT_ROLES.has(v.role) ? v.role : 'follower';
    const timed = role !== 'leader' && status === 'up';
    const deadline = timed ? view.electionDeadlineMs : null;
    const armed = deadline === null ? null : previous !== null && previous.electionDeadlineMs === deadline ? previous.electionArmedAtMs : nowMs;
    const promises = role === 'candidate' && v.phase1 !== null ? [...v.phase1.promises.keys()].sort() : role === 'leader' ? v.wonWith : null;
    const before = previous?.votesGranted;
    const votesGranted = promises !== null && Array.isArray(before) && sameIds(before, promises) ? before : promises;
    const paxos: PaxosRecord = { promised: view.promised, ballot: view.ballot, inFlightSlots: v.inFlight.size, chosenSlots: view.chosen.size, heldFrom: view.heldFrom };
    const record: NodeRecord = {
      ...common, role, term: view.promised, leaderId: v.leaderId, commitIndex: v.appliedUpTo, lastApplied: v.appliedUpTo,
      snapshotIndex: view.state.persistent.snapshot?.throughSlot ?? 0, electionDeadlineMs: deadline, electionArmedAtMs: armed, votesGranted, kv: v.kv,
      paxos: previous !== null && samePaxos(previous.paxos, paxos) ? previous.paxos : paxos,
    };
    return { record, log: rows };
  }

  private captureVoteQuorum(leader: string, term: number, step: number, atMs: number): void {
    if (this.paxos) {
      const view = this.run.sim.view(leader) as PaxosView | null;
      if (view === null || view.state.volatile.wonWith.length === 0) return;
      const members = this.run.sim.members;
      this.addQuorum({
        id: `phase1-${term}-${leader}-${step}`, kind: 'vote', term, index: null, leader, ballotLabel: formatBallot(term, members),
        nodes: view.state.volatile.wonWith, atMs, step,
      });
      return;
    }
    const view = this.run.sim.view(leader) as RaftView | null;
    if (view === null) return;
    const nodes = new Set(view.state.volatile.votesGranted);
    nodes.add(leader);
    this.addQuorum({ id: `vote-${term}-${leader}-${step}`, kind: 'vote', term, index: null, leader, nodes: [...nodes].sort(), atMs, step });
  }

  private captureCommitQuorum(node: string, commitIndex: number, step: number, atMs: number): void {
    if (this.paxos) return; // Paxos's phase-2 quorums come from accepted and chosen events (capturePhase2Quorum)
    const view = this.run.sim.view(node) as RaftView | null;
    if (view === null || view.state.volatile.role !== 'leader' || commitIndex === 0) return;
    const v = view.state.volatile;
    const nodes: string[] = [];
    if (v.durableIndex >= commitIndex) nodes.push(node);
    for (const [follower, match] of v.matchIndex) if (match >= commitIndex) nodes.push(follower);
    const term = view.state.persistent.currentTerm;
    this.addQuorum({ id: `commit-${commitIndex}-${node}-${step}`, kind: 'commit', term, index: commitIndex, leader: node, nodes: nodes.sort(), atMs, step });
  }

  private addQuorum(q: QuorumView): void {
    const list = q.kind === 'vote' ? this.voteQuorums : this.commitQuorums;
    if (list.length >= RECORD_LIMITS.quorums) {
      this.truncated = `more than ${RECORD_LIMITS.quorums} quorums recorded`;
      return;
    }
    list.push(q);
  }

  /** The first violation recorded at a step in (after, upTo], or null. */
  firstViolationBetween(after: number, upTo: number): StoredViolation | null {
    for (const v of this.violations) if (v.step > after && v.step <= upTo) return v;
    return null;
  }

  traceHashAt(step: number): string {
    const cached = this.hashCache.get(step);
    if (cached !== undefined) return cached;
    const hash = this.run.sim.trace.prefixHash(this.eventsAfterStep(step));
    if (this.hashCache.size > 256) this.hashCache.clear();
    this.hashCache.set(step, hash);
    return hash;
  }

  /** The cluster as it was after `step`, drawn at virtual time `nowMs` (>= the step's time). */
  snapshot(step: number, nowMs: number): ClusterSnapshot {
    this.assertStep(step);
    const members = this.run.sim.members;
    const { messages, total } = this.messagesAt(step);
    const net = this.network[lastAtOrBefore(this.network, step, (n) => n.step)]!;
    return {
      nowMs,
      step,
      nodes: members.map((id) => this.nodeAt(id, step)),
      messages,
      messagesInFlight: total,
      partition: net.partition,
      cutLinks: net.cutLinks,
      storm: net.storm,
      clientOps: {
        invoked: this.clientSteps.invoke.countAtMost(step),
        ok: this.clientSteps.ok.countAtMost(step),
        fail: this.clientSteps.fail.countAtMost(step),
        info: this.clientSteps.info.countAtMost(step),
      },
      violationCount: lastAtOrBefore(this.violations, step, (v) => v.step) + 1,
    };
  }

  /** The tables' view of the moment after `step`: logs, quorums, safety, recent events, the hash. */
  panels(step: number, nowMs: number): PanelSnapshot {
    this.assertStep(step);
    const members = this.run.sim.members;
    const logs = members.map((id) => this.logAt(id, step));
    const commitIndexes = members.map((id) => this.recordAt(id, step).commitIndex);
    const longest = Math.max(0, ...logs.map((l) => l.length));
    const startIndex = Math.max(1, longest - LOG_WINDOW + 1);
    const rows: LogRow[] = members.map((id, i) => {
      const log = logs[i]!;
      const entries: LogEntryView[] = [];
      for (let index = startIndex; index <= log.length; index++) {
        const e = log[index - 1]!;
        if (isSlotRow(e)) entries.push({ index, term: e.term, label: e.value, ballotLabel: formatBallot(e.term, members), chosen: e.chosen });
        else entries.push({ index, term: e.term, label: entryLabel(e) });
      }
      return { node: id, length: log.length, commitIndex: commitIndexes[i]!, entries };
    });
    // The latest elections' vote quorums stay in view however many commits followed them.
    const voteEnd = lastAtOrBefore(this.voteQuorums, step, (q) => q.step) + 1;
    const commitEnd = lastAtOrBefore(this.commitQuorums, step, (q) => q.step) + 1;
    const votes = this.voteQuorums.slice(Math.max(0, voteEnd - VOTE_QUORUMS_SHOWN), voteEnd);
    const commits = this.commitQuorums.slice(Math.max(0, commitEnd - (QUORUM_LIMIT - votes.length)), commitEnd);
    const quorums = [...votes, ...commits].sort((a, b) => a.step - b.step);
    const violations = this.violations.filter((v) => v.step <= step).map((v) => ({ ...v, explanation: explain(v.invariant) }));
    const names = Object.keys(this.paxos ? PAXOS_INVARIANTS : RAFT_INVARIANTS);
    const invariants: InvariantStatus[] = [...names, 'Assertion'].map((name) => ({
      name, explanation: explain(name), violations: violations.filter((v) => v.invariant === name).length,
    })).filter((s) => s.name !== 'Assertion' || s.violations > 0);
    const end = this.eventsAfterStep(step);
    const recentEvents: string[] = [];
    for (let i = Math.max(0, end - RECENT_EVENT_LIMIT); i < end; i++) recentEvents.push(formatEvent(this.run.sim.trace.at(i)).trim());
    return {
      nowMs,
      step,
      eventCount: end,
      traceHash: this.traceHashAt(step),
      nodes: members.map((id) => this.nodeAt(id, step)),
      logs: { startIndex, endIndex: longest, rows },
      quorums,
      invariants,
      violations,
      recentEvents,
      recordNote: this.truncated,
      stats: this.statsAt(step),
      usedQuorums: this.paxos ? this.usedQuorumsUpTo(voteEnd, commitEnd) : null,
      goals: [], // the session fills these in (a lesson step's goals, LabSession.setGoals)
      geo: null, // the session fills this in for a run with regions (lab-geo.ts)
    };
  }

  /** Latency and message figures up to `step`, as `npm run bench` computes them for a whole run. */
  statsAt(step: number): RunStats {
    const okOps = this.okSteps.countAtMost(step);
    const messagesSent = this.sentSteps.countAtMost(step);
    // While playing, moments are asked for in order and a few operations apart: extend the sorted
    // prefix by insertion. A jump back, or far ahead, sorts the prefix afresh.
    const have = this.sortedLatencies.length;
    if (okOps < have || okOps - have > LATENCY_INSERTS_MAX) {
      this.sortedLatencies = this.okLatencies.prefix(okOps).sort((a, b) => a - b);
    } else {
      for (let i = have; i < okOps; i++) insertSorted(this.sortedLatencies, this.okLatencies.get(i));
    }
    const sorted = this.sortedLatencies;
    if (okOps === 0) return { okOps, latencyP50Ms: null, latencyP99Ms: null, messagesSent, messagesPerOk: null };
    return { okOps, latencyP50Ms: percentile(sorted, 50), latencyP99Ms: percentile(sorted, 99), messagesSent, messagesPerOk: messagesSent / okOps };
  }

  /** The distinct phase-1 and phase-2 quorums among the first voteEnd and commitEnd recorded. */
  private usedQuorumsUpTo(voteEnd: number, commitEnd: number): UsedQuorums {
    const cached = this.usedQuorumCache;
    if (cached !== null && cached.voteEnd === voteEnd && cached.commitEnd === commitEnd) return cached.used;
    const members = this.run.sim.members;
    const used = { phase1: tallyQuorums(this.voteQuorums.slice(0, voteEnd), members), phase2: tallyQuorums(this.commitQuorums.slice(0, commitEnd), members) };
    this.usedQuorumCache = { voteEnd, commitEnd, used };
    return used;
  }

  private recordAt(id: string, step: number): NodeRecord {
    const i = lastAtOrBefore(this.nodeSteps.get(id)!, step, (s) => s);
    if (i < 0) throw new Error(`lab: no record of ${id} at step ${step}`);
    return this.nodeRecords.get(id)![i]!;
  }

  private nodeAt(id: string, step: number): NodeSnapshot {
    const r = this.recordAt(id, step);
    const { length: logLength, lastTerm } = this.logTipAt(id, step);
    const kv = r.kv === null ? [] : [...r.kv].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return {
      id, status: r.status, role: r.role, term: r.term, votedFor: r.votedFor, leaderId: r.leaderId, commitIndex: r.commitIndex,
      lastApplied: r.lastApplied, snapshotIndex: r.snapshotIndex, logLength, lastLogTerm: lastTerm,
      electionDeadlineMs: r.electionDeadlineMs, electionArmedAtMs: r.electionArmedAtMs,
      nextIndex: mapToRecord(r.nextIndex), matchIndex: mapToRecord(r.matchIndex),
      votesGranted: r.votesGranted === null ? [] : [...r.votesGranted].sort(), kv,
      slowFactor: r.slowFactor, clockRate: r.clockRate,
      paxos: r.paxos === null ? null : this.paxosView(r, logLength),
    };
  }

  private paxosView(r: NodeRecord, highestSlot: number): PaxosNodeView {
    const p = r.paxos!;
    const members = this.run.sim.members;
    return {
      promised: p.promised, promisedLabel: formatBallot(p.promised, members), ballot: p.ballot, ballotLabel: formatBallot(p.ballot, members),
      phase: r.status === 'crashed' ? 'idle' : r.role === 'candidate' ? 'prepare' : r.role === 'leader' ? 'accept' : 'idle',
      promises: r.votesGranted === null ? [] : [...r.votesGranted].sort(),
      inFlightSlots: p.inFlightSlots, chosenSlots: p.chosenSlots, heldFrom: p.heldFrom, highestSlot,
    };
  }

  /** The node's log after `step`, rebuilt from its edits. */
  logAt(id: string, step: number): RecordedEntry[] {
    const edits = this.logEdits.get(id)!;
    const last = lastAtOrBefore(edits, step, (e) => e.step);
    // Start from the latest whole-log edit at or before the step, then apply the rest in order.
    let start = last;
    while (start > 0 && edits[start]!.keep !== 0) start--;
    const log: RecordedEntry[] = [];
    for (let i = Math.max(0, start); i <= last; i++) {
      const edit = edits[i]!;
      log.length = Math.min(log.length, edit.keep);
      for (const e of edit.entries) log.push(e);
    }
    return log;
  }

  /** The node's log length and last entry's term after `step`, without rebuilding the log. */
  private logTipAt(id: string, step: number): { length: number; lastTerm: number } {
    const edits = this.logEdits.get(id)!;
    const last = lastAtOrBefore(edits, step, (e) => e.step);
    let start = last;
    while (start > 0 && edits[start]!.keep !== 0) start--;
    let length = 0;
    for (let i = Math.max(0, start); i <= last; i++) length = Math.min(length, edits[i]!.keep) + edits[i]!.entries.length;
    if (length === 0) return { length, lastTerm: 0 };
    const position = length - 1;
    // The latest edit that wrote the last position holds it (a later truncation below it would have
    // been followed by a later edit rewriting it, which the backwards walk meets first).
    for (let i = last; i >= Math.max(0, start); i--) {
      const e = edits[i]!;
      if (e.keep <= position && position < e.keep + e.entries.length) return { length, lastTerm: e.entries[position - e.keep]!.term };
    }
    throw new Error(`lab: log of ${id} at step ${step} has no entry ${length}`);
  }

  /** Messages on the wire after `step`: sent at or before it, not yet delivered or dropped. */
  private messagesAt(step: number): { messages: MessageView[]; total: number } {
    const atMs = this.times.get(step);
    const found: MessageRecord[] = [];
    const last = lastAtOrBefore(this.messages, step, (m) => m.sentStep);
    for (let i = last; i >= 0; i--) {
      const m = this.messages[i]!;
      if (m.sentAtMs < atMs - this.maxLifetimeMs && m.endStep !== Number.POSITIVE_INFINITY) {
        // Older than any finished message lived: only still-open ones can be in flight; they are added below.
        break;
      }
      if (m.endStep > step && m.endStep !== Number.POSITIVE_INFINITY) found.push(m);
    }
    for (const m of this.open) if (m.sentStep <= step) found.push(m);
    found.sort((a, b) => a.id - b.id);
    const shown = found.slice(Math.max(0, found.length - MESSAGE_LIMIT));
    return {
      total: found.length,
      messages: shown.map((m) => ({
        id: m.id, from: m.from, to: m.to, type: m.type, category: messageCategory(m.type), term: m.term, detail: m.detail,
        sentAtMs: m.sentAtMs, deliverAtMs: m.deliverAtMs,
        heartbeat: (m.type === 'AppendEntries' || m.type === 'Heartbeat') && m.detail.includes(' n=0 '),
        ...(this.paxos ? { ballotLabel: formatBallot(m.term, this.run.sim.members) } : {}),
      })),
    };
  }

}

/** The one-line statement of an invariant, for the safety panel and the banner. */
export function explain(invariant: string): string {
  if (invariant in RAFT_INVARIANTS) return RAFT_INVARIANTS[invariant as keyof typeof RAFT_INVARIANTS];
  if (invariant in PAXOS_INVARIANTS) return PAXOS_INVARIANTS[invariant as keyof typeof PAXOS_INVARIANTS];
  if (invariant === 'Assertion') return 'A node reached a state its own assertions rule out, and the run stopped there.';
  return '';
}
