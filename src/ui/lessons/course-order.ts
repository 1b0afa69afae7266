/**
 * The course's order: the lessons build on each other in this sequence (issue 7). A lesson folder
 * not named here comes after these, by id, so new content shows up without a code change.
 */
export const COURSE_ORDER: readonly string[] = [
  'why-agree', 'leader-election', 'log-replication', 'crashes-and-restarts', 'partitions', 'figure-8', 'paxos',
  'multi-and-flexible-paxos', 'clients-and-linearizability',
];

/** The ids in course order: the known ones as listed, then any others sorted by id. */
export function courseOrder(ids: readonly string[]): string[] {
  const rank = (id: string): number => {
    const i = COURSE_ORDER.indexOf(id);
    return i < 0 ? COURSE_ORDER.length : i;
  };
  return [...new Set(ids)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
