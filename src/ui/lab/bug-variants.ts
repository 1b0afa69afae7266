/**
 * The deliberately broken Raft and Paxos variants as the page describes them (DESIGN.md, "Invariants
 * are code": each bug flag breaks one rule, and an invariant catches it).
 *
 * The simulator's lists are RAFT_BUGS and PAXOS_BUGS in src/sim/scenario.ts, and the invariants are in
 * src/check/raft-invariants.ts and src/check/paxos-invariants.ts. This file only imports their *types*
 * (erased at build time), so the page bundle never loads the simulator; `satisfies` checks the names
 * at compile time and bug-variants.test.ts checks that each list has exactly the simulator's flags,
 * in order, and that each variant really breaks what it says.
 */
import type { PaxosInvariantName } from '../../check/paxos-invariants';
import type { RaftInvariantName } from '../../check/raft-invariants';
import type { BugName } from '../../sim/scenario';
import type { ProtocolName } from '../../worker/lab-protocol';

/** The select's value for the correct protocol. */
export const NO_BUG = 'none';

export interface BugVariantInfo {
  /** The flag, as the CLI's --bug and the scenario's "bugs" spell it. */
  readonly name: BugName;
  /** A short title for the menu. */
  readonly title: string;
  /** What the broken server does, in plain words, and why that is unsafe. */
  readonly description: string;
  /** Where the paper states the rule the variant breaks. */
  readonly rule: string;
  /** The invariants expected to catch it, the usual first. */
  readonly breaks: readonly (RaftInvariantName | PaxosInvariantName)[];
}

export const RAFT_BUG_VARIANTS = [
  {
    name: 'commit-old-term',
    title: 'Commit an old-term entry by counting replicas',
    description:
      'A leader marks an entry from an earlier term committed as soon as a majority stores it, and a new leader appends no no-op entry. ' +
      'That is the trap of Figure 8: a later leader that never saw the entry can still win an election and overwrite it, so a "committed" entry is lost.',
    rule: 'Raft section 5.4.2 and Figure 8',
    breaks: ['LeaderCompleteness', 'StateMachineSafety'],
  },
  {
    name: 'vote-without-log-check',
    title: 'Grant votes without the up-to-date check',
    description:
      "Servers grant their vote without checking that the candidate's log is at least as up-to-date as their own, " +
      'so a server that is missing committed entries can be elected and overwrite them.',
    rule: 'Raft section 5.4.1 (election restriction)',
    breaks: ['LeaderCompleteness'],
  },
  {
    name: 'forget-vote-on-restart',
    title: 'Forget votedFor on restart',
    description:
      'votedFor is kept in memory instead of on disk, so a server that crashes and restarts can vote a second time in the same term, ' +
      'and two candidates can both win that term.',
    rule: 'Raft Figure 2 (votedFor is persistent state)',
    breaks: ['ElectionSafety'],
  },
  {
    name: 'skip-prev-log-check',
    title: 'Skip the AppendEntries consistency check',
    description:
      'Followers accept AppendEntries whenever they have an entry at prevLogIndex, without checking that its term is prevLogTerm, ' +
      'so two logs can hold the same entry at an index and still differ before it.',
    rule: 'Raft section 5.3 (consistency check)',
    breaks: ['LogMatching'],
  },
  {
    name: 'no-step-down',
    title: 'Leader ignores a higher term',
    description:
      'A leader that sees a higher term adopts it but stays leader instead of stepping down to follower, ' +
      'so it can lead in the same term as the server that was elected in it.',
    rule: 'Raft Figure 2, rules for all servers',
    breaks: ['ElectionSafety'],
  },
] as const satisfies readonly (BugVariantInfo & { readonly breaks: readonly RaftInvariantName[] })[];

/**
 * Paxos's variants, one per rule of Lamport's "Paxos Made Simple" (2001) that an acceptor or a
 * proposer must keep. They apply to single-decree Paxos and to Multi-Paxos alike.
 */
export const PAXOS_BUG_VARIANTS = [
  {
    name: 'acceptor-forgets-promise',
    title: 'Acceptor keeps its promise in memory only',
    description:
      'An acceptor promises a ballot (phase 1b) without writing the promise to disk, so after a crash and restart it has forgotten it: ' +
      'it promises lower ballots again and accepts proposals it had promised to refuse, letting an older proposer overwrite a newer one.',
    rule: 'Paxos Made Simple, section 2.2 (an acceptor remembers its promise even if it fails and restarts) and 2.5 (stable storage)',
    breaks: ['PromiseMonotonic', 'AcceptedBallotNotAbovePromise'],
  },
  {
    name: 'ignore-accepted-value',
    title: 'Proposer ignores values reported in phase 1',
    description:
      'A proposer that wins phase 1 proposes its own value (in Multi-Paxos, a no-op) even where an acceptor reported an accepted value, ' +
      'instead of the value of the highest-numbered proposal reported. A value already chosen is then overwritten by a second one.',
    rule: 'Paxos Made Simple, section 2.2, phase 2(a) (propose the highest-numbered value reported)',
    breaks: ['Agreement', 'StateMachineSafety'],
  },
  {
    name: 'accept-lower-ballot',
    title: 'Acceptor accepts below its promise',
    description:
      'An acceptor accepts a proposal even though it has promised a higher ballot, overwriting what it accepted there. ' +
      'The proposer of the higher ballot counted on that promise, so a value can be chosen that the newer ballot never saw.',
    rule: 'Paxos Made Simple, section 2.2, phase 2(b) (accept unless a higher-numbered prepare was answered)',
    breaks: ['AcceptedBallotNotAbovePromise', 'Agreement'],
  },
] as const satisfies readonly (BugVariantInfo & { readonly breaks: readonly PaxosInvariantName[] })[];

export type BugVariantName = (typeof RAFT_BUG_VARIANTS)[number]['name'] | (typeof PAXOS_BUG_VARIANTS)[number]['name'];

/** The variants a protocol offers: Raft's, or Paxos's (single decree and Multi-Paxos share them). */
export function bugVariantsFor(protocol: ProtocolName): readonly BugVariantInfo[] {
  return protocol === 'raft' ? RAFT_BUG_VARIANTS : PAXOS_BUG_VARIANTS;
}

/**
 * The variant called `name` among `protocol`'s (or among every protocol's when it is not given), or
 * null for 'none' and for names the page does not know.
 */
export function bugVariant(name: string, protocol?: ProtocolName): BugVariantInfo | null {
  const list: readonly BugVariantInfo[] = protocol === undefined ? [...RAFT_BUG_VARIANTS, ...PAXOS_BUG_VARIANTS] : bugVariantsFor(protocol);
  return list.find((v) => v.name === name) ?? null;
}

/** What the protocols are called in the menus (the CLI's --protocol names are the values). */
export const PROTOCOL_TITLES: Readonly<Record<ProtocolName, string>> = {
  raft: 'Raft',
  paxos: 'Paxos (single decree)',
  multipaxos: 'Multi-Paxos',
};
