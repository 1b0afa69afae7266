/**
 * What the lab calls things, per protocol. Raft and Paxos share the worker's snapshot shape
 * (src/worker/lab-protocol.ts: for Paxos, `term` is the promised ballot and `NodeSnapshot.paxos` holds
 * the proposer's side), but not their words: a Raft node has a term and a vote; a Paxos acceptor has a
 * promised ballot, and a proposer its own ballot, a phase and the promises it gathered (Lamport,
 * "Paxos Made Simple", section 2.2). Pure formatting of what the worker sent; nothing here computes
 * protocol state.
 */
import type { MessageCategory, NodeSnapshot, ProtocolName, RoleName } from '../../worker/lab-protocol';

export function isPaxos(protocol: ProtocolName | null | undefined): boolean {
  return protocol === 'paxos' || protocol === 'multipaxos';
}

/** "Raft", "Paxos" (single-decree) or "Multi-Paxos": the name a page title or sentence uses. */
export function protocolTitle(protocol: ProtocolName): string {
  switch (protocol) {
    case 'raft':
      return 'Raft';
    case 'paxos':
      return 'Paxos';
    case 'multipaxos':
      return 'Multi-Paxos';
    default: {
      const unreachable: never = protocol;
      throw new Error(`unknown protocol ${String(unreachable)}`);
    }
  }
}

/**
 * A message category in words, for the message inspector. Paxos reuses Raft's categories for its
 * messages (lab-protocol.ts): vote = Prepare (phase 1a), vote-reply = Promise or Nack (1b),
 * append = Accept (2a), Learn, Heartbeat and Snapshot, append-reply = Accepted (2b) and HeartbeatAck.
 */
export function categoryName(category: MessageCategory, protocol: ProtocolName, type?: string): string {
  if (!isPaxos(protocol)) return RAFT_CATEGORY_NAMES[category];
  return (type !== undefined ? PAXOS_TYPE_NAMES[type] : undefined) ?? PAXOS_CATEGORY_NAMES[category];
}

/** Paxos message types in the paper's terms, where the category alone is vaguer. */
const PAXOS_TYPE_NAMES: Readonly<Record<string, string>> = {
  Prepare: 'phase 1a: prepare',
  Promise: 'phase 1b: promise',
  Nack: 'phase 1b: refused (nack)',
  Accept: 'phase 2a: accept',
  Accepted: 'phase 2b: accepted',
  Learn: 'learn a chosen value',
  Heartbeat: "leader's heartbeat",
  HeartbeatAck: 'heartbeat ack',
  Snapshot: "leader's snapshot (catch-up)",
};

const RAFT_CATEGORY_NAMES: Readonly<Record<MessageCategory, string>> = {
  vote: 'vote request',
  'vote-reply': 'vote reply',
  append: 'append entries',
  'append-reply': 'append reply',
  client: 'client request',
  'client-reply': 'client reply',
};

const PAXOS_CATEGORY_NAMES: Readonly<Record<MessageCategory, string>> = {
  vote: 'phase 1a',
  'vote-reply': 'phase 1b',
  append: 'phase 2a or learn',
  'append-reply': 'phase 2b or ack',
  client: 'client request',
  'client-reply': 'client reply',
};

export interface LegendMessage {
  readonly category: MessageCategory;
  readonly heartbeat: boolean;
  readonly label: string;
}

/** The message key of the cluster view's legend: one entry per glyph the protocol's messages use. */
export function legendMessages(protocol: ProtocolName): readonly LegendMessage[] {
  if (!isPaxos(protocol)) {
    return [
      { category: 'vote', heartbeat: false, label: 'RequestVote' },
      { category: 'vote-reply', heartbeat: false, label: 'vote reply' },
      { category: 'append', heartbeat: false, label: 'AppendEntries' },
      { category: 'append', heartbeat: true, label: 'heartbeat' },
      { category: 'append-reply', heartbeat: false, label: 'append reply' },
      { category: 'client', heartbeat: false, label: 'client request' },
      { category: 'client-reply', heartbeat: false, label: 'client reply' },
    ];
  }
  // Multi-Paxos never sends Learn (single-decree's proposer does); its leader sends heartbeats and snapshots.
  const learn = protocol === 'multipaxos' ? 'Accept, Heartbeat, Snapshot' : 'Accept, Learn';
  const reply = protocol === 'multipaxos' ? 'Accepted, HeartbeatAck' : 'Accepted';
  return [
    { category: 'vote', heartbeat: false, label: 'Prepare (1a)' },
    { category: 'vote-reply', heartbeat: false, label: 'Promise, Nack (1b)' },
    { category: 'append', heartbeat: false, label: `${learn} (2a)` },
    { category: 'append-reply', heartbeat: false, label: `${reply} (2b)` },
    { category: 'client', heartbeat: false, label: 'client request' },
    { category: 'client-reply', heartbeat: false, label: 'client reply' },
  ];
}

/** The node roles of the legend, as the cluster view's badges name them. */
export function legendRoles(protocol: ProtocolName): ReadonlyArray<{ kind: RoleName | 'paused' | 'crashed'; label: string }> {
  const paxos = isPaxos(protocol);
  return [
    { kind: 'leader', label: paxos ? 'leader (phase 2)' : 'leader' },
    { kind: 'candidate', label: paxos ? 'proposer in phase 1' : 'candidate' },
    { kind: 'follower', label: protocol === 'paxos' ? 'acceptor only' : paxos ? 'follower (acceptor)' : 'follower' },
    { kind: 'paused', label: 'paused' },
    { kind: 'crashed', label: 'crashed' },
  ];
}

/**
 * The countdown arc around a node: Raft's election timer; in Paxos the timer that, when it runs out,
 * starts phase 1 (Multi-Paxos: no word from a leader; single-decree: the backoff before trying again).
 */
export function timerName(protocol: ProtocolName): string {
  if (protocol === 'multipaxos') return 'leader timeout';
  if (protocol === 'paxos') return 'retry timeout';
  return 'election timer';
}

/**
 * What a proposer's promises are counted against: the phase-1 quorum size, or null (count only) with a
 * grid, where three promises of a 3x3 grid are a quorum only if they are a whole column.
 */
export function promiseTarget(info: { readonly phase1Quorum: number | null; readonly grid: unknown }): number | null {
  return info.grid === null ? info.phase1Quorum : null;
}

/** "2/3": the promises a proposer gathered for its ballot, out of the phase-1 quorum it needs. */
export function promisesText(node: NodeSnapshot, phase1Quorum: number | null): string {
  const got = node.paxos?.promises.length ?? node.votesGranted.length;
  return phase1Quorum === null ? String(got) : `${got}/${phase1Quorum}`;
}

/**
 * The role badge under a node. Raft: LEADER, CANDIDATE, FOLLOWER. Paxos names the proposer's phase:
 * "LEADER · PHASE 2", "PHASE 1 · 2/3" (promises gathered of |Q1|); a follower is only an acceptor
 * and learner ("FOLLOWER" in Multi-Paxos, where it follows a leader; "ACCEPTOR" in single-decree
 * Paxos, which has no standing leader). A crashed node: CRASHED.
 */
export function roleBadgeText(node: NodeSnapshot, protocol: ProtocolName, phase1Quorum: number | null): string {
  if (node.status === 'crashed') return 'CRASHED';
  if (node.paxos === null || !isPaxos(protocol)) return node.role.toUpperCase();
  switch (node.role) {
    case 'leader':
      return 'LEADER · PHASE 2';
    case 'candidate':
      return `PHASE 1 · ${promisesText(node, phase1Quorum)}`;
    case 'follower':
      return protocol === 'paxos' ? 'ACCEPTOR' : 'FOLLOWER';
    default: {
      const unreachable: never = node.role;
      throw new Error(`unknown role ${String(unreachable)}`);
    }
  }
}

/** A role as a table cell says it: "leader · phase 2", "phase 1 (2/3 promises)", "follower". */
export function roleText(node: NodeSnapshot, protocol: ProtocolName, phase1Quorum: number | null): string {
  if (node.paxos === null || !isPaxos(protocol)) return node.role;
  switch (node.role) {
    case 'leader':
      return 'leader · phase 2';
    case 'candidate':
      return `phase 1 (${promisesText(node, phase1Quorum)} promises)`;
    case 'follower':
      return protocol === 'paxos' ? 'acceptor' : 'follower';
    default: {
      const unreachable: never = node.role;
      throw new Error(`unknown role ${String(unreachable)}`);
    }
  }
}

/**
 * The text lines inside a node's circle, under its id (at most three, about 11 characters each so
 * they fit the circle). Raft: term, vote, commit index. Paxos: the acceptor's promised ballot; the
 * proposer's own ballot while it tries or leads one (else whom it follows); then how far it has
 * applied. A crashed node shows what its disk holds.
 */
export function nodeLines(node: NodeSnapshot, protocol: ProtocolName): string[] {
  const p = node.paxos;
  if (p === null || !isPaxos(protocol)) {
    const vote = node.votedFor === null ? 'no vote' : `voted ${node.votedFor}`;
    // A crashed node shows what its disk holds; the commit index is volatile (Raft, Figure 2).
    return node.status === 'crashed'
      ? [`term ${node.term}`, vote, 'on disk']
      : [`term ${node.term}`, vote, `commit ${node.commitIndex}`];
  }
  const promised = `b ${p.promisedLabel}`;
  const own = p.ballot === 0 ? 'no ballot' : `own ${p.ballotLabel}`;
  // The promised ballot and the highest ballot it tried are durable (Paxos Made Simple, section 2.3).
  if (node.status === 'crashed') return [promised, own, 'on disk'];
  const second =
    node.role !== 'follower'
      ? own
      : protocol === 'paxos'
        ? p.ballot === 0
          ? 'no ballot'
          : `tried ${p.ballotLabel}`
        : node.leaderId === null
          ? 'no leader'
          : `follows ${node.leaderId}`;
  const third = protocol === 'paxos' ? (p.chosenSlots > 0 ? 'learned ✓' : 'undecided') : `applied ${node.commitIndex}`;
  return [promised, second, third];
}

/** The start of a node's accessible name: "n1, leader, term 3" or "n1, leader, phase 2, promised 3.n1, own ballot 3.n1". */
export function nodeSpokenState(node: NodeSnapshot, protocol: ProtocolName, phase1Quorum: number | null): string[] {
  const p = node.paxos;
  const role = node.status === 'crashed' ? 'crashed' : node.role;
  if (p === null || !isPaxos(protocol)) return [node.id, role, `term ${node.term}`];
  const parts = [node.id, role];
  if (node.status !== 'crashed' && node.role === 'leader') parts.push('phase 2');
  if (node.status !== 'crashed' && node.role === 'candidate') parts.push(`phase 1, ${promisesText(node, phase1Quorum)} promises`);
  parts.push(`promised ${p.promisedLabel}`);
  if (p.ballot !== 0) parts.push(`own ballot ${p.ballotLabel}`);
  return parts;
}

/** How the stage's facts line names a leader's reign: "term 4" or "ballot 4.n1". */
export function reignText(node: NodeSnapshot, protocol: ProtocolName): string {
  if (node.paxos === null || !isPaxos(protocol)) return `term ${node.term}`;
  return `ballot ${node.paxos.ballotLabel}`;
}
