/**
 * The client's outcomes against a scripted port: which refusals make an operation a definite fail,
 * and which leave it unknown (info).
 */
import { describe, expect, it } from 'vitest';
import type { TimerId } from './clock';
import { defaultScenario } from './scenario';
import { RngStreams } from './rng';
import type { ClientId, ClientRequest, Message, NodeId } from './types';
import { Workload, type ClientPort, type HistoryOp } from './workload';

const MEMBERS: NodeId[] = ['n1', 'n2', 'n3'];

function setup(): { workload: Workload; sent: Array<{ from: ClientId; to: NodeId; message: Message }>; completed: Array<{ op: HistoryOp; reason: string }> } {
  const sent: Array<{ from: ClientId; to: NodeId; message: Message }> = [];
  const completed: Array<{ op: HistoryOp; reason: string }> = [];
  let timers = 0;
  const port: ClientPort = {
    nowMs: () => 0,
    send: (from, to, message) => sent.push({ from, to, message }),
    // Timers never fire here: the test delivers every reply itself.
    setTimer: () => ++timers as unknown as TimerId,
    clearTimer: () => undefined,
    recordInvoke: () => undefined,
    recordComplete: (op, reason) => completed.push({ op, reason }),
  };
  const config = { ...defaultScenario().workload, opsPerSec: 0, maxRedirects: 0 };
  const workload = new Workload(config, MEMBERS, new RngStreams(1).stream('clients'), port);
  return { workload, sent, completed };
}

const redirect = (opId: number): Message => ({ type: 'ClientRedirect', term: 0, opId, leaderHint: null }) as Message;

describe('client outcomes', () => {
  it('an operation every attempt of which was refused definitely did not happen: fail', () => {
    const { workload, sent, completed } = setup();
    expect(workload.operatorRequest('write', 'k1', '3', null)).toBe(true);
    const request = sent[0]!.message as ClientRequest;
    workload.receive(sent[0]!.from, 'n1', redirect(request.opId) as never);
    expect(completed.map((c) => [c.op.outcome, c.reason])).toEqual([['fail', 'no-leader']]);
  });

  it('a request the network duplicated may still run after a copy was refused: info, not fail', () => {
    const { workload, sent, completed } = setup();
    workload.operatorRequest('write', 'k1', '3', null);
    const { from, message } = sent[0]!;
    workload.requestCopied(from, message);
    workload.receive(from, 'n1', redirect((message as ClientRequest).opId) as never);
    expect(completed.map((c) => [c.op.outcome, c.reason])).toEqual([['info', 'no-leader']]);
  });

  it('a copy of an earlier operation, or of a reply, changes nothing', () => {
    const { workload, sent, completed } = setup();
    workload.operatorRequest('write', 'k1', '3', null);
    const { from, message } = sent[0]!;
    workload.requestCopied(from, { ...message, opId: (message as ClientRequest).opId - 1 } as Message);
    workload.requestCopied(from, { type: 'ClientReply', term: 0, opId: (message as ClientRequest).opId, ok: true, value: '3' } as Message);
    workload.requestCopied('c9', message);
    workload.receive(from, 'n1', redirect((message as ClientRequest).opId) as never);
    expect(completed.map((c) => c.op.outcome)).toEqual(['fail']);
  });
});
