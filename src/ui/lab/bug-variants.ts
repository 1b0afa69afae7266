/**
 * The deliberately broken Raft variants as the page describes them (DESIGN.md, "Invariants are code":
 * each bug flag breaks one rule, and an invariant catches it).
 *
 * The simulator's list is RAFT_BUGS in src/sim/scenario.ts, and the invariants are in
 * src/check/raft-invariants.ts. This file only imports their *types* (erased at build time), so the
 * page bundle never loads the simulator; `satisfies` checks the names at compile time and
 * bug-variants.test.ts checks that the list has exactly RAFT_BUGS, in order.
 */
import type { RaftInvariantName } from '../../check/raft-invariants';
import type { BugName } from '../../sim/scenario';

/** The select's value for correct Raft. */
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
  readonly breaks: readonly RaftInvariantName[];
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
] as const satisfies readonly BugVariantInfo[];

export type BugVariantName = (typeof RAFT_BUG_VARIANTS)[number]['name'];

/** The variant called `name`, or null for 'none' and for names the page does not know. */
export function bugVariant(name: string): BugVariantInfo | null {
  return RAFT_BUG_VARIANTS.find((v) => v.name === name) ?? null;
}
