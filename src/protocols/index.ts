/** The protocols the kernel can run, by name. */
import type { ProtocolName } from '../sim/scenario';
import type { ProtocolFactory } from '../sim/types';
import { paxosFactory } from './paxos/node';
import { raftFactory } from './raft/node';

export const PROTOCOL_FACTORIES: Record<ProtocolName, ProtocolFactory> = {
  raft: raftFactory as ProtocolFactory,
  paxos: paxosFactory as ProtocolFactory,
};
