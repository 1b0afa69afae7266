/**
 * Node and client ids as the simulator hands them out.
 *
 * Ids are compared and looked up on every message: a leader finds a follower among its peers
 * (indexOf), maps and sets are keyed by them, the network and the checkers compare them. An id built
 * with a template literal is a fresh heap string, and two of those compare character by character;
 * V8 compares internalized strings (one copy per distinct text, as literals are) by pointer. Over five
 * ids, indexOf was about 4x faster with internalized ones. Only speed depends on this: equal strings
 * are equal either way.
 */

/** `s` itself, as the engine's single internalized copy of its text (a property key is always one). */
export function internalized(s: string): string {
  const holder: Record<string, 0> = { [s]: 0 };
  return Object.keys(holder)[0]!;
}

/** The id of the i-th client (0-based): c1, c2, ... */
export function clientId(i: number): string {
  return internalized(`c${i + 1}`);
}
