/** Small helpers every protocol's handlers share. */
import type { Address, ClientRequest, Message, NodeId } from '../sim/types';

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

/** What a node host hands its handlers: a client's request, or a protocol message of type M. */
export type HandlerInput<M> = { type: 'client'; from: Address; request: ClientRequest } | { type: 'message'; from: Address; message: M };

/** Sorts an arriving message into a handler input; a message of no type the protocol knows is a bug. */
export function inputOf<M>(protocol: string, node: NodeId, from: Address, message: Message, messageTypes: ReadonlySet<string>): HandlerInput<M> {
  if (message.type === 'ClientRequest') return { type: 'client', from, request: message as ClientRequest };
  if (messageTypes.has(message.type)) return { type: 'message', from, message: message as M };
  throw new Error(`${protocol}: ${node} got an unknown message type ${message.type}`);
}
