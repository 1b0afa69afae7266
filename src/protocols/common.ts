/** Small helpers every protocol's handlers share. */
import type { NodeId } from '../sim/types';

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
