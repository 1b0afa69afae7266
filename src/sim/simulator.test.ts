/**
 * Kernel tests with a tiny fake protocol ("ping"), so that what is tested is the simulator itself:
 * delivery, latency, crashes and durability, fsync-held sends, pause, partitions, operator actions,
 * determinism. Node n1 pings every other node every `pingIntervalMs` using its node clock; the
 * others reply with a Pong; n1 persists a counter for every Pong. Tests may also drive a node
 * directly through the NodeEnv the kernel handed it (`h.env('n2').persist(...)`).
 */
import { describe, expect, it } from 'vitest';
import { PROTOCOL_FACTORIES } from '../protocols';
import { buildScenario, defaultScenario, parseScenario, type Scenario } from './scenario';
import { Simulator } from './simulator';
import type { TraceEvent } from './trace';
import type { ClientReply, ClientRequest, Message, NodeEnv, NodeId, ProtocolFactory, ProtocolNode } from './types';

// ---- the fake protocol ----------------------------------------------------------------------------

interface PingMessage extends Message {
  readonly type: 'Ping' | 'Pong' | 'Note';
  readonly seq: number;
}
interface PingDurable {
  pongs: number;
  notes: string[];
}
type PingWrite = { kind: 'pong' } | { kind: 'note'; text: string };

interface Received {
  atMs: number;
  node: NodeId;
  from: string;
  type: string;
  seq: number;
}

class PingHarness {
  readonly envs = new Map<NodeId, NodeEnv>();
  readonly boots: Array<{ node: NodeId; atMs: number; durable: PingDurable }> = [];
  readonly received: Received[] = [];
  readonly ticks: Array<{ node: NodeId; atMs: number }> = [];
  readonly stops: Array<{ node: NodeId; atMs: number }> = [];
  /** Called for every Ping/Pong/Note a node receives (after it is logged). */
  onReceive: ((node: NodeId, message: PingMessage) => void) | null = null;
  readonly factory: ProtocolFactory<PingDurable, PingWrite>;

  constructor(readonly pingIntervalMs = 100) {
    this.factory = pingFactory(this);
  }

  env(id: NodeId): NodeEnv {
    const env = this.envs.get(id);
    if (env === undefined) throw new Error(`no env for ${id}`);
    return env;
  }

  note(id: NodeId, text: string): void {
    this.env(id).persist({ kind: 'note', text } satisfies PingWrite);
  }

  sendNote(from: NodeId, to: NodeId, seq: number): void {
    this.env(from).send(to, { type: 'Note', term: 0, seq } as PingMessage);
  }
}

function pingFactory(h: PingHarness): ProtocolFactory<PingDurable, PingWrite> {
  return {
    name: 'ping',
    emptyDurable: () => ({ pongs: 0, notes: [] }),
    applyWrite: (d, w) => {
      if (w.kind === 'pong') d.pongs++;
      else d.notes.push(w.text);
    },
    cloneDurable: (d) => ({ pongs: d.pongs, notes: d.notes.slice() }),
    describe: (m) => `seq=${(m as PingMessage).seq}`,
    create(env, durable): ProtocolNode {
      h.envs.set(env.id, env);
      h.boots.push({ node: env.id, atMs: env.nowMs(), durable: { pongs: durable.pongs, notes: durable.notes.slice() } });
      // A node may scribble on its copy of the durable state; the disk must not see it.
      durable.notes.push('volatile scribble');
      let seq = 0;
      const tick = (): void => {
        h.ticks.push({ node: env.id, atMs: env.nowMs() });
        env.record({ kind: 'timer', node: env.id, timer: 'ping' });
        for (const m of env.members) if (m !== env.id) env.send(m, { type: 'Ping', term: 0, seq: ++seq } as PingMessage);
        env.clock.setTimeout(tick, h.pingIntervalMs);
      };
      if (env.id === 'n1' && h.pingIntervalMs > 0) env.clock.setTimeout(tick, h.pingIntervalMs);
      return {
        receive(from, message) {
          if (message.type === 'ClientRequest') {
            const req = message as ClientRequest;
            const reply: ClientReply = { type: 'ClientReply', term: 0, opId: req.opId, ok: true, value: `v${req.opId}` };
            env.send(from, reply);
            return;
          }
          const m = message as PingMessage;
          h.received.push({ atMs: env.nowMs(), node: env.id, from, type: m.type, seq: m.seq });
          h.onReceive?.(env.id, m);
          if (m.type === 'Ping') env.send(from, { type: 'Pong', term: 0, seq: m.seq } as PingMessage);
          else if (m.type === 'Pong') env.persist({ kind: 'pong' } satisfies PingWrite);
        },
        stop() {
          // Deliberately leaves its timer set: cancelling a crashed node's timers is the kernel's
          // job, and a node that cleaned up after itself would hide a kernel that does not.
          h.stops.push({ node: env.id, atMs: env.nowMs() });
        },
        view: () => ({ id: env.id, seq }),
      };
    },
  };
}

// ---- helpers ------------------------------------------------------------------------------------

/** A validated 3-node scenario: constant 10 ms latency, 5 ms fsync, no load, no nemesis. */
function scenario(over: Record<string, unknown> = {}): Scenario {
  const base = defaultScenario();
  const input = {
    ...base,
    cluster: { nodes: 3 },
    untilMs: 450,
    timing: { ...base.timing, fsyncMs: 5 },
    network: { ...base.network, latency: { kind: 'constant', ms: 10 } },
    workload: { ...base.workload, clients: 1, opsPerSec: 0 },
    ...over,
  };
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(`bad test scenario: ${JSON.stringify(parsed.errors)}`);
  return parsed.scenario;
}

function start(s: Scenario, h: PingHarness, keepTrace = true): Simulator {
  const sim = new Simulator(s, h.factory as ProtocolFactory, { keepTrace });
  sim.start();
  return sim;
}

/** Schedules `fn` at absolute virtual time `atMs` on the kernel's clock (a test-side hook). */
function at(sim: Simulator, atMs: number, fn: () => void): void {
  sim.clock.setTimeout(fn, atMs - sim.nowMs);
}

const eventsOf = (sim: Simulator): TraceEvent[] => [...sim.trace.slice()];
function ofKind<K extends TraceEvent['kind']>(sim: Simulator, kind: K): Array<Extract<TraceEvent, { kind: K }>> {
  return eventsOf(sim).filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
}
const brief = (e: TraceEvent): string => {
  switch (e.kind) {
    case 'sent':
      return `${e.atMs} sent #${e.msgId} ${e.from}->${e.to} ${e.type} ${e.detail}`;
    case 'delivered':
      return `${e.atMs} delivered #${e.msgId} ${e.from}->${e.to} ${e.type}`;
    case 'dropped':
      return `${e.atMs} dropped #${e.msgId} ${e.from}->${e.to} ${e.reason}`;
    case 'duplicated':
      return `${e.atMs} duplicated #${e.msgId} as #${e.copyId}`;
    default:
      return `${e.atMs} ${e.kind}`;
  }
};
/** Every message event involving `node` as receiver, briefly. */
const toNode = (sim: Simulator, node: NodeId, kinds: TraceEvent['kind'][]): string[] =>
  eventsOf(sim)
    .filter((e) => kinds.includes(e.kind) && 'to' in e && e.to === node)
    .map(brief);

// ---- tests ----------------------------------------------------------------------------------------

describe('Simulator lifecycle', () => {
  it('refuses to step before start and to start twice', () => {
    const sim = new Simulator(scenario(), new PingHarness().factory as ProtocolFactory);
    expect(() => sim.step()).toThrow(/before start/);
    sim.start();
    expect(() => sim.start()).toThrow(/twice/);
  });

  it('boots every member with empty durable state, up', () => {
    const h = new PingHarness();
    const sim = start(scenario(), h);
    expect(sim.members).toEqual(['n1', 'n2', 'n3']);
    expect(h.boots).toEqual(['n1', 'n2', 'n3'].map((node) => ({ node, atMs: 0, durable: { pongs: 0, notes: [] } })));
    for (const id of sim.members) expect(sim.status(id)).toBe('up');
    expect(sim.view('n1')).toEqual({ id: 'n1', seq: 0 });
    expect(sim.protocolName).toBe('ping');
    expect(() => sim.status('n4')).toThrow(/no node n4/);
  });

  it('runUntil stops at the limit and parks the clock there; step returns false when nothing is due', () => {
    const h = new PingHarness();
    const sim = start(scenario(), h);
    sim.runUntil(250);
    expect(sim.nowMs).toBe(250);
    expect(h.ticks.map((t) => t.atMs)).toEqual([100, 200]);
    expect(sim.step(250)).toBe(false);
    expect(sim.nowMs).toBe(250);
    const steps = sim.stepCount;
    expect(sim.step(300)).toBe(true); // the tick at 300
    expect(sim.stepCount).toBe(steps + 1);
    expect(sim.nowMs).toBe(300);
    sim.runUntil();
    expect(sim.nowMs).toBe(450);
  });
});

describe('message delivery', () => {
  it('delivers every message after the sampled (constant) latency', () => {
    const h = new PingHarness();
    const sim = start(scenario(), h);
    sim.runUntil();
    const sent = new Map(ofKind(sim, 'sent').map((e) => [e.msgId, e]));
    const delivered = ofKind(sim, 'delivered');
    // 4 rounds (100..400) of 2 pings and 2 pongs.
    expect(sent.size).toBe(16);
    expect(delivered).toHaveLength(16);
    for (const d of delivered) {
      const s = sent.get(d.msgId)!;
      expect([d.from, d.to, d.type, d.atMs]).toEqual([s.from, s.to, s.type, s.atMs + 10]);
    }
    expect(ofKind(sim, 'dropped')).toEqual([]);
    // The node saw exactly what the trace says was delivered to it, at that time.
    expect(h.received.map((r) => `${r.atMs} ${r.from}->${r.node} ${r.type}`)).toEqual(
      delivered.map((d) => `${d.atMs} ${d.from}->${d.to} ${d.type}`),
    );
    expect(ofKind(sim, 'sent')[0]).toEqual({ kind: 'sent', atMs: 100, msgId: 1, from: 'n1', to: 'n2', type: 'Ping', term: 0, detail: 'seq=1' });
  });

  it('delivers after a sampled uniform latency, within its bounds', () => {
    const h = new PingHarness();
    const sim = start(scenario({ network: { latency: { kind: 'uniform', minMs: 5, maxMs: 50 } }, untilMs: 3_000 }), h);
    sim.runUntil();
    const sentAt = new Map(ofKind(sim, 'sent').map((e) => [e.msgId, e.atMs]));
    const latencies = ofKind(sim, 'delivered').map((d) => d.atMs - sentAt.get(d.msgId)!);
    expect(latencies.length).toBeGreaterThan(100);
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(50);
    expect(new Set(latencies).size).toBeGreaterThan(10);
  });

  it('records node timer events stamped with the virtual time', () => {
    const h = new PingHarness();
    const sim = start(scenario(), h);
    sim.runUntil();
    expect(ofKind(sim, 'timer')).toEqual([100, 200, 300, 400].map((atMs) => ({ kind: 'timer', atMs, node: 'n1', timer: 'ping' })));
  });

  it('loses every message at loss probability 1 (reason loss), at send time', () => {
    const h = new PingHarness();
    const sim = start(scenario({ network: { latency: { kind: 'constant', ms: 10 }, lossProbability: 1 } }), h);
    sim.runUntil(250);
    expect(ofKind(sim, 'delivered')).toEqual([]);
    expect(toNode(sim, 'n2', ['sent', 'dropped'])).toEqual(['100 sent #1 n1->n2 Ping seq=1', '100 dropped #1 n1->n2 loss', '200 sent #3 n1->n2 Ping seq=3', '200 dropped #3 n1->n2 loss']);
  });

  it('duplicates every message at duplicate probability 1, and delivers both copies', () => {
    const h = new PingHarness(0);
    const sim = start(scenario({ network: { latency: { kind: 'constant', ms: 10 }, duplicateProbability: 1 } }), h);
    at(sim, 50, () => h.sendNote('n2', 'n3', 1));
    sim.runUntil();
    expect(eventsOf(sim).map(brief)).toEqual([
      '50 sent #1 n2->n3 Note seq=1',
      '50 duplicated #1 as #2',
      '60 delivered #1 n2->n3 Note',
      '60 delivered #2 n2->n3 Note',
    ]);
  });
});

describe('crash and restart', () => {
  it('a crashed node drops incoming messages (reason crashed) until it restarts', () => {
    const h = new PingHarness();
    const sim = start(scenario({ actions: [{ atMs: 150, type: 'crash', node: 'n2' }, { atMs: 350, type: 'restart', node: 'n2' }] }), h);
    sim.runUntil(250);
    expect(sim.status('n2')).toBe('crashed');
    expect(sim.view('n2')).toBeNull();
    sim.runUntil();
    expect(sim.status('n2')).toBe('up');
    expect(toNode(sim, 'n2', ['delivered', 'dropped'])).toEqual([
      '110 delivered #1 n1->n2 Ping',
      '210 dropped #5 n1->n2 crashed',
      '310 dropped #8 n1->n2 crashed', // (n2 sent no Pong at 210: ids 6, 7 went to n3 and its Pong)
      '410 delivered #11 n1->n2 Ping',
    ]);
    expect(h.received.filter((r) => r.node === 'n2').map((r) => r.atMs)).toEqual([110, 410]);
    expect(h.stops).toEqual([{ node: 'n2', atMs: 150 }]);
    expect(h.boots.filter((b) => b.node === 'n2').map((b) => b.atMs)).toEqual([0, 350]);
  });

  it("a crashed node's timers stop, and a restart starts exactly one new set", () => {
    const h = new PingHarness();
    const sim = start(scenario({ untilMs: 900, actions: [{ atMs: 150, type: 'crash', node: 'n1' }, { atMs: 320, type: 'restart', node: 'n1' }] }), h);
    sim.runUntil(160);
    // Only the pending restart action is left on the clock: the dead node's timer was cancelled,
    // not merely ignored (a leak would pile up across crashes).
    expect(sim.clock.pending).toBe(1);
    sim.runUntil();
    expect(h.ticks.map((t) => t.atMs)).toEqual([100, 420, 520, 620, 720, 820]);
    expect(ofKind(sim, 'sent').filter((e) => e.type === 'Ping' && e.atMs > 100 && e.atMs < 420)).toEqual([]);
  });

  it('crashing a crashed node does nothing: no second stop, no fault', () => {
    const h = new PingHarness();
    const sim = start(scenario({ actions: [{ atMs: 150, type: 'crash', node: 'n2' }, { atMs: 160, type: 'crash', node: 'n2' }] }), h);
    sim.runUntil();
    expect(h.stops).toEqual([{ node: 'n2', atMs: 150 }]);
    expect(ofKind(sim, 'fault').map((f) => `${f.atMs} ${f.fault} ${f.detail}`)).toEqual(['150 crash n2']);
    expect(ofKind(sim, 'action').map((f) => `${f.atMs} ${f.action} ${f.detail}`)).toEqual(['150 crash n2', '160 crash n2']);
  });

  it('power loss: a write not yet fsynced is lost on restart', () => {
    const h = new PingHarness(0);
    const sim = start(scenario({ actions: [{ atMs: 103, type: 'power-loss', node: 'n2' }, { atMs: 200, type: 'restart', node: 'n2' }] }), h);
    at(sim, 100, () => h.note('n2', 'a')); // durable at 105
    sim.runUntil();
    expect(h.boots.filter((b) => b.node === 'n2').map((b) => b.durable.notes)).toEqual([[], []]);
    expect(sim.durableState('n2')).toEqual({ pongs: 0, notes: [] });
    expect(ofKind(sim, 'fault').map((f) => `${f.atMs} ${f.fault} ${f.detail}`)).toEqual(['103 power-loss n2', '200 restart n2']);
  });

  it('a process crash keeps a write not yet fsynced (the OS has it) but never sends what waited on it', () => {
    const h = new PingHarness(0);
    const sim = start(scenario({ actions: [{ atMs: 103, type: 'crash', node: 'n2' }, { atMs: 200, type: 'restart', node: 'n2' }] }), h);
    at(sim, 100, () => {
      h.note('n2', 'a'); // durable at 105
      h.sendNote('n2', 'n3', 7); // held until then
    });
    sim.runUntil();
    expect(h.boots.filter((b) => b.node === 'n2').map((b) => b.durable.notes)).toEqual([[], ['a']]);
    expect(sim.durableState('n2')).toEqual({ pongs: 0, notes: ['a'] });
    expect(ofKind(sim, 'sent').filter((e) => e.from === 'n2' && e.type === 'Note')).toEqual([]);
  });

  it('writes are serialised: a power loss between two fsyncs keeps the first and loses the second', () => {
    const h = new PingHarness(0);
    const sim = start(scenario({ actions: [{ atMs: 107, type: 'power-loss', node: 'n2' }, { atMs: 200, type: 'restart', node: 'n2' }] }), h);
    at(sim, 100, () => {
      h.note('n2', 'a'); // durable at 105
      h.note('n2', 'b'); // durable at 110
    });
    sim.runUntil();
    expect(h.boots.filter((b) => b.node === 'n2').at(-1)!.durable.notes).toEqual(['a']);
  });

  it('a process crash between two fsyncs keeps both writes, in order', () => {
    const h = new PingHarness(0);
    const sim = start(scenario({ actions: [{ atMs: 107, type: 'crash', node: 'n2' }, { atMs: 200, type: 'restart', node: 'n2' }] }), h);
    at(sim, 100, () => {
      h.note('n2', 'a');
      h.note('n2', 'b');
    });
    sim.runUntil();
    expect(h.boots.filter((b) => b.node === 'n2').at(-1)!.durable.notes).toEqual(['a', 'b']);
  });

  it('applies durable writes only at fsync completion', () => {
    const h = new PingHarness(0);
    const sim = start(scenario(), h);
    at(sim, 100, () => h.note('n3', 'x'));
    sim.runUntil(104);
    expect(sim.durableState('n3')).toEqual({ pongs: 0, notes: [] });
    sim.runUntil(105);
    expect(sim.durableState('n3')).toEqual({ pongs: 0, notes: ['x'] });
  });

  it('the env of a dead incarnation can no longer send or persist', () => {
    const h = new PingHarness(0);
    const sim = start(scenario({ actions: [{ atMs: 50, type: 'crash', node: 'n2' }, { atMs: 60, type: 'restart', node: 'n2' }] }), h);
    let oldEnv: NodeEnv | null = null;
    at(sim, 10, () => {
      oldEnv = h.env('n2');
    });
    at(sim, 100, () => {
      const env = oldEnv!;
      env.send('n3', { type: 'Note', term: 0, seq: 1 } as PingMessage);
      env.persist({ kind: 'note', text: 'ghost' } satisfies PingWrite);
    });
    sim.runUntil();
    expect(ofKind(sim, 'sent')).toEqual([]);
    expect(sim.durableState('n2')).toEqual({ pongs: 0, notes: [] });
  });
});

describe('sends wait for pending disk writes', () => {
  it('a send issued after a pending persist leaves when the fsync completes (persist time + fsyncMs)', () => {
    const h = new PingHarness(0);
    const sim = start(scenario(), h);
    at(sim, 100, () => {
      h.sendNote('n2', 'n3', 1); // nothing pending: leaves now
      h.note('n2', 'a'); // durable at 105
      h.sendNote('n2', 'n3', 2); // held until 105
      h.sendNote('n2', 'n1', 3); // held too, in order
    });
    sim.runUntil();
    expect(eventsOf(sim).map(brief)).toEqual([
      '100 sent #1 n2->n3 Note seq=1',
      '105 sent #2 n2->n3 Note seq=2',
      '105 sent #3 n2->n1 Note seq=3',
      '110 delivered #1 n2->n3 Note',
      '115 delivered #2 n2->n3 Note',
      '115 delivered #3 n2->n1 Note',
    ]);
  });

  it('a paused node sends what waited on its disk only when it resumes (and still hears of durability)', () => {
    const h = new PingHarness(0);
    const sim = start(scenario({ actions: [{ atMs: 102, type: 'pause', node: 'n2' }, { atMs: 130, type: 'resume', node: 'n2' }] }), h);
    const acks: number[] = [];
    at(sim, 100, () => {
      h.env('n2').persist({ kind: 'note', text: 'a' } satisfies PingWrite, () => acks.push(sim.nowMs)); // durable at 105
      h.sendNote('n2', 'n3', 1); // held behind it
    });
    sim.runUntil();
    expect(acks).toEqual([130]);
    expect(eventsOf(sim).filter((e) => e.kind === 'sent' || e.kind === 'delivered').map(brief)).toEqual([
      '130 sent #1 n2->n3 Note seq=1',
      '140 delivered #1 n2->n3 Note',
    ]);
  });

  it('a send waits for every write issued before it, not just the first', () => {
    const h = new PingHarness(0);
    const sim = start(scenario(), h);
    at(sim, 100, () => {
      h.note('n2', 'a'); // 105
      h.note('n2', 'b'); // 110
      h.sendNote('n2', 'n3', 1);
    });
    at(sim, 120, () => h.sendNote('n2', 'n3', 2)); // all durable by then: leaves at once
    sim.runUntil();
    expect(ofKind(sim, 'sent').map((e) => e.atMs)).toEqual([110, 120]);
  });

  it('a held send is lost with the write it waited for when the node crashes', () => {
    const h = new PingHarness(0);
    const sim = start(scenario({ actions: [{ atMs: 103, type: 'crash', node: 'n2' }] }), h);
    at(sim, 100, () => {
      h.note('n2', 'a');
      h.sendNote('n2', 'n3', 1);
    });
    sim.runUntil();
    expect(ofKind(sim, 'sent')).toEqual([]);
  });

  it('with fsyncMs 0 a held send still leaves at the same millisecond', () => {
    const h = new PingHarness(0);
    const sim = start(scenario({ timing: { ...defaultScenario().timing, fsyncMs: 0 } }), h);
    at(sim, 100, () => {
      h.note('n2', 'a');
      h.sendNote('n2', 'n3', 1);
    });
    sim.runUntil();
    expect(ofKind(sim, 'sent').map((e) => e.atMs)).toEqual([100]);
    expect(sim.durableState('n2')).toEqual({ pongs: 0, notes: ['a'] });
  });

  it('n1 persists one write per Pong (the protocol path, end to end)', () => {
    const h = new PingHarness();
    const sim = start(scenario(), h);
    sim.runUntil();
    expect(sim.durableState('n1')).toEqual({ pongs: 8, notes: [] });
  });
});

describe('pause and resume', () => {
  it('pause defers a node timer to the resume', () => {
    const h = new PingHarness();
    const sim = start(scenario({ actions: [{ atMs: 150, type: 'pause', node: 'n1' }, { atMs: 420, type: 'resume', node: 'n1' }] }), h);
    sim.runUntil(400);
    expect(sim.status('n1')).toBe('paused');
    sim.runUntil();
    // The tick due at 200 runs once, at the resume; the next is 100 ms after that.
    expect(h.ticks.map((t) => t.atMs)).toEqual([100, 420]);
    expect(ofKind(sim, 'timer').map((t) => t.atMs)).toEqual([100, 420]);
  });

  it('messages to a paused node are buffered (neither delivered nor dropped) and delivered on resume', () => {
    const h = new PingHarness();
    const sim = start(scenario({ actions: [{ atMs: 150, type: 'pause', node: 'n2' }, { atMs: 330, type: 'resume', node: 'n2' }] }), h);
    sim.runUntil(320);
    expect(toNode(sim, 'n2', ['delivered', 'dropped'])).toEqual(['110 delivered #1 n1->n2 Ping']);
    sim.runUntil();
    expect(toNode(sim, 'n2', ['delivered', 'dropped'])).toEqual([
      '110 delivered #1 n1->n2 Ping',
      '330 delivered #5 n1->n2 Ping',
      '330 delivered #8 n1->n2 Ping',
      '410 delivered #13 n1->n2 Ping', // #11 and #12 are n2's late Pongs
    ]);
    expect(h.received.filter((r) => r.node === 'n2').map((r) => `${r.atMs}:${r.seq}`)).toEqual(['110:1', '330:3', '330:5', '410:7']);
    // Its replies leave at the resume.
    expect(ofKind(sim, 'sent').filter((e) => e.from === 'n2').map((e) => e.atMs)).toEqual([110, 330, 330, 410]);
  });

  it('pausing a crashed node and resuming an up node do nothing', () => {
    const h = new PingHarness();
    const sim = start(
      scenario({
        actions: [
          { atMs: 10, type: 'crash', node: 'n3' },
          { atMs: 20, type: 'pause', node: 'n3' },
          { atMs: 30, type: 'resume', node: 'n2' },
        ],
      }),
      h,
    );
    sim.runUntil();
    expect(sim.status('n3')).toBe('crashed');
    expect(ofKind(sim, 'fault').map((f) => f.fault)).toEqual(['crash']);
  });

  it('a crash while paused discards deferred timers; a restart starts clean', () => {
    const h = new PingHarness();
    const sim = start(
      scenario({
        untilMs: 700,
        actions: [
          { atMs: 150, type: 'pause', node: 'n1' },
          { atMs: 250, type: 'crash', node: 'n1' },
          { atMs: 300, type: 'restart', node: 'n1' },
          { atMs: 350, type: 'resume', node: 'n1' }, // not paused any more: no effect
        ],
      }),
      h,
    );
    sim.runUntil();
    expect(h.ticks.map((t) => t.atMs)).toEqual([100, 400, 500, 600, 700]);
  });

  // Regression: a node timer that came due while the node was paused waited in a list the node's
  // clearTimeout(id) could not reach, so a timer cancelled after the resume still fired (under
  // XState: a cancelled `after` event, e.g. an election timeout just reset by a heartbeat).
  it('a timer cancelled by the node after a pause still must not fire', () => {
    const h = new PingHarness(0);
    const sim = start(scenario({ actions: [{ atMs: 50, type: 'pause', node: 'n2' }, { atMs: 200, type: 'resume', node: 'n2' }] }), h);
    const log: string[] = [];
    const clock = h.env('n2').clock;
    const b = clock.setTimeout(() => log.push('B'), 110);
    clock.setTimeout(() => {
      log.push('A');
      clock.clearTimeout(b); // A cancels B before B has run
    }, 100);
    sim.runUntil();
    expect(log).toEqual(['A']);
  });

  it('(control) without the pause, the cancelled timer does not fire', () => {
    const h = new PingHarness(0);
    const sim = start(scenario(), h);
    const log: string[] = [];
    const clock = h.env('n2').clock;
    const b = clock.setTimeout(() => log.push('B'), 110);
    clock.setTimeout(() => {
      log.push('A');
      clock.clearTimeout(b);
    }, 100);
    sim.runUntil();
    expect(log).toEqual(['A']);
  });

  it('a deferred timer cancelled while the node handles a buffered message does not fire', () => {
    const h = new PingHarness(0);
    const sim = start(scenario({ actions: [{ atMs: 50, type: 'pause', node: 'n2' }, { atMs: 200, type: 'resume', node: 'n2' }] }), h);
    const log: string[] = [];
    const clock = h.env('n2').clock;
    const election = clock.setTimeout(() => log.push('election timeout'), 100);
    h.onReceive = (node, m) => {
      if (node !== 'n2') return;
      log.push(`${m.type} at ${sim.nowMs}`);
      clock.clearTimeout(election); // a heartbeat resets the election timer
    };
    at(sim, 60, () => h.sendNote('n3', 'n2', 1)); // arrives at 70, buffered until the resume
    sim.runUntil();
    expect(log).toEqual(['Note at 200']);
  });

  it('a deferred timer that nobody cancels fires once at the resume', () => {
    const h = new PingHarness(0);
    const sim = start(scenario({ actions: [{ atMs: 50, type: 'pause', node: 'n2' }, { atMs: 200, type: 'resume', node: 'n2' }] }), h);
    const log: number[] = [];
    const clock = h.env('n2').clock;
    clock.setTimeout(() => log.push(sim.nowMs), 100);
    clock.setTimeout(() => log.push(sim.nowMs), 120);
    sim.runUntil();
    expect(log).toEqual([200, 200]);
  });

  // Regression: messages buffered for a paused node used to vanish without a trace event when it
  // crashed, so their `sent` never got a `delivered` or `dropped`.
  it('every message sent ends delivered or dropped, even when a paused node crashes', () => {
    const h = new PingHarness();
    const sim = start(scenario({ actions: [{ atMs: 150, type: 'pause', node: 'n2' }, { atMs: 250, type: 'crash', node: 'n2' }] }), h);
    sim.runUntil();
    const ended = new Set([...ofKind(sim, 'delivered'), ...ofKind(sim, 'dropped')].map((e) => e.msgId));
    const unaccounted = ofKind(sim, 'sent').filter((e) => e.atMs < 400 && !ended.has(e.msgId)).map(brief);
    expect(unaccounted).toEqual([]);
  });
});

describe('partitions and links', () => {
  it('a partition drops messages across groups, including those already in flight', () => {
    const h = new PingHarness();
    const sim = start(
      scenario({
        actions: [
          { atMs: 205, type: 'partition', groups: [['n1'], ['n2', 'n3']] }, // the pings of 200 are on the wire
          { atMs: 350, type: 'heal' },
        ],
      }),
      h,
    );
    sim.runUntil();
    expect(toNode(sim, 'n2', ['delivered', 'dropped'])).toEqual([
      '110 delivered #1 n1->n2 Ping',
      '210 dropped #5 n1->n2 partition',
      '310 dropped #7 n1->n2 partition',
      '410 delivered #9 n1->n2 Ping',
    ]);
  });

  it('a partition drops replies on the wire in the other direction too', () => {
    const h = new PingHarness();
    const sim = start(scenario({ actions: [{ atMs: 215, type: 'partition', groups: [['n1'], ['n2', 'n3']] }] }), h);
    sim.runUntil(300);
    expect(toNode(sim, 'n1', ['delivered', 'dropped']).filter((l) => l.startsWith('220'))).toEqual([
      '220 dropped #7 n2->n1 partition',
      '220 dropped #8 n3->n1 partition',
    ]);
  });

  it('nodes inside one group still talk', () => {
    const h = new PingHarness(0);
    const sim = start(scenario({ actions: [{ atMs: 5, type: 'partition', groups: [['n1'], ['n2', 'n3']] }] }), h);
    at(sim, 10, () => h.sendNote('n2', 'n3', 1));
    at(sim, 10, () => h.sendNote('n2', 'n1', 2));
    sim.runUntil();
    expect(ofKind(sim, 'delivered').map((e) => e.msgId)).toEqual([1]);
    expect(ofKind(sim, 'dropped').map((e) => `${e.msgId} ${e.reason}`)).toEqual(['2 partition']);
  });

  it('clients are outside partitions: an operator request to an isolated node still completes', () => {
    const h = new PingHarness(0);
    const sim = start(
      scenario({
        actions: [
          { atMs: 5, type: 'partition', groups: [['n1'], ['n2', 'n3']] },
          { atMs: 10, type: 'client-request', op: 'write', key: 'k1', value: '7' },
        ],
      }),
      h,
    );
    sim.runUntil();
    const client = sim.workload.history[0]!.client; // the operator's client
    const lines = eventsOf(sim).filter((e) => e.kind !== 'fault').map(brief);
    expect(lines).toEqual([
      '5 action',
      '10 action',
      '10 invoke',
      `10 sent #1 ${client}->n1 ClientRequest op1 write k1 7`,
      `20 delivered #1 ${client}->n1 ClientRequest`,
      `20 sent #2 n1->${client} ClientReply op1 ok v1`,
      `30 delivered #2 n1->${client} ClientReply`,
      '30 ok',
    ]);
    expect(sim.workload.history).toHaveLength(1);
    expect(sim.workload.history[0]).toMatchObject({ op: 'write', key: 'k1', value: '7', outcome: 'ok', invokeMs: 10, completeMs: 30 });
  });

  it('a one-way cut blocks only that direction', () => {
    const h = new PingHarness();
    const sim = start(scenario({ untilMs: 250, actions: [{ atMs: 150, type: 'cut-link', from: 'n1', to: 'n2', oneWay: true }] }), h);
    sim.runUntil();
    expect(ofKind(sim, 'dropped').map(brief)).toEqual(['210 dropped #5 n1->n2 link-cut']);
    expect(h.received.filter((r) => r.atMs >= 200).map((r) => `${r.from}->${r.node} ${r.type}`)).toEqual(['n1->n3 Ping', 'n3->n1 Pong']);
  });

  it('a cut in the reply direction lets the ping through and drops the pong; heal-link restores it', () => {
    const h = new PingHarness();
    const sim = start(
      scenario({
        actions: [
          { atMs: 150, type: 'cut-link', from: 'n2', to: 'n1', oneWay: true },
          { atMs: 250, type: 'heal-link', from: 'n2', to: 'n1', oneWay: true },
        ],
      }),
      h,
    );
    sim.runUntil();
    expect(ofKind(sim, 'dropped').map(brief)).toEqual(['220 dropped #7 n2->n1 link-cut']);
    expect(h.received.filter((r) => r.node === 'n1' && r.from === 'n2').map((r) => r.atMs)).toEqual([120, 320, 420]);
  });
});

describe('slow nodes, skewed clocks and network storms', () => {
  it('a slow node takes factor times as long to fsync and to get its messages out, until healed', () => {
    const h = new PingHarness(100);
    const sim = start(scenario({ actions: [{ atMs: 1, type: 'slow-node', node: 'n2', factor: 3 }, { atMs: 250, type: 'slow-node', node: 'n2', factor: 1 }] }), h);
    at(sim, 150, () => h.note('n2', 'a'));
    sim.runUntil(164);
    expect(sim.durableState('n2')).toEqual({ pongs: 0, notes: [] });
    sim.runUntil();
    expect(sim.durableState('n2')).toEqual({ pongs: 0, notes: ['a'] }); // 150 + 3 x 5 ms
    const pongs = h.received.filter((r) => r.node === 'n1' && r.type === 'Pong').map((r) => `${r.atMs} ${r.from}`);
    // Pings out at 100, 200, 300, 400 take 10 ms; n2's pongs take 30 ms while it is slow, n3's 10 ms.
    expect(pongs).toEqual(['120 n3', '140 n2', '220 n3', '240 n2', '320 n2', '320 n3', '420 n2', '420 n3']);
    expect(ofKind(sim, 'fault').map((f) => `${f.atMs} ${f.fault} ${f.detail}`)).toEqual(['1 slow-node n2 x3', '250 slow-node n2 x1']);
  });

  it("a skewed clock fires the node's timers by its own rate, and reads its own time", () => {
    const h = new PingHarness(100);
    const sim = start(scenario({ actions: [{ atMs: 50, type: 'clock-skew', node: 'n1', rate: 2 }, { atMs: 300, type: 'clock-skew', node: 'n1', rate: 1 }] }), h);
    sim.runUntil();
    // The first timer was set before the skew (fires at 100); from then on 100 ms of n1's clock is
    // 50 ms of virtual time, until the clock is back in step at 300.
    expect(ofKind(sim, 'timer').map((e) => e.atMs)).toEqual([100, 150, 200, 250, 300, 400]);
    // n1's reading: in step until 50, twice as fast after, and it keeps its lead once back in step.
    expect(h.ticks.map((t) => t.atMs)).toEqual([150, 250, 350, 450, 550, 650]);
    expect(h.env('n1').nowMs()).toBe(700);
    expect(h.env('n1').localToVirtualMs(650)).toBe(400);
    // Other nodes' clocks are untouched.
    expect(h.env('n2').nowMs()).toBe(450);
  });

  it('a fractional clock rate still fires a timer no earlier than the node asked, by its clock', () => {
    const h = new PingHarness(7);
    const sim = start(scenario({ untilMs: 200, actions: [{ atMs: 1, type: 'clock-skew', node: 'n1', rate: 1.3 }] }), h);
    sim.runUntil();
    const ticks = h.ticks.map((t) => t.atMs);
    expect(ticks.length).toBeGreaterThan(20);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]! - ticks[i - 1]!).toBeGreaterThanOrEqual(7);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]! - ticks[i - 1]!).toBeLessThanOrEqual(9);
  });

  it('a network storm duplicates (or reorders) messages on every link until calmed', () => {
    const h = new PingHarness(100);
    const sim = start(scenario({ actions: [{ atMs: 150, type: 'network-storm', duplicateProbability: 1, reorderProbability: 0 }, { atMs: 250, type: 'network-storm', duplicateProbability: 0, reorderProbability: 0 }] }), h);
    sim.runUntil();
    const sentAt = new Map(ofKind(sim, 'sent').map((e) => [e.msgId, e.atMs]));
    const duplicatedAt = ofKind(sim, 'duplicated').map((e) => sentAt.get(e.msgId));
    // Only what was sent during the storm, every one of it: the two pings of 200, and the four pongs
    // of 210 (each node answers both copies of its ping).
    expect(duplicatedAt).toEqual([200, 200, 210, 210, 210, 210]);
    expect(ofKind(sim, 'fault').map((f) => f.detail)).toEqual(['dup=1 reorder=0', 'dup=0 reorder=0']);
  });

  it('refuses a slow factor or clock rate out of range, naming the field', () => {
    const base = scenario();
    for (const [action, path] of [
      [{ atMs: 1, type: 'slow-node', node: 'n1', factor: 0.5 }, 'actions[0].factor'],
      [{ atMs: 1, type: 'clock-skew', node: 'n1', rate: 0 }, 'actions[0].rate'],
      [{ atMs: 1, type: 'clock-skew', node: 'n9', rate: 2 }, 'actions[0].node'],
      [{ atMs: 1, type: 'network-storm', duplicateProbability: 2, reorderProbability: 0 }, 'actions[0].duplicateProbability'],
      [{ atMs: 1, type: 'network-storm', duplicateProbability: 0 }, 'actions[0].reorderProbability'],
    ] as const) {
      const parsed = parseScenario({ ...base, actions: [action] });
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.errors.map((e) => e.path)).toContain(path);
    }
  });
});

describe('operator message actions', () => {
  it('drop-message removes an in-flight message; duplicate-message sends a copy with a new id', () => {
    const h = new PingHarness();
    const sim = start(
      scenario({
        untilMs: 150,
        actions: [
          { atMs: 105, type: 'drop-message', messageId: 1 }, // n1->n2 Ping, sent at 100
          { atMs: 105, type: 'duplicate-message', messageId: 2 }, // n1->n3 Ping, sent at 100
        ],
      }),
      h,
    );
    sim.runUntil();
    expect(eventsOf(sim).map(brief).slice(0, 9)).toEqual([
      '100 timer',
      '100 sent #1 n1->n2 Ping seq=1',
      '100 sent #2 n1->n3 Ping seq=2',
      '105 action',
      '105 dropped #1 n1->n2 operator',
      '105 action',
      '105 duplicated #2 as #3',
      '110 delivered #2 n1->n3 Ping',
      '110 sent #4 n3->n1 Pong seq=2',
    ]);
    expect(toNode(sim, 'n3', ['delivered'])).toEqual(['110 delivered #2 n1->n3 Ping', '115 delivered #3 n1->n3 Ping']);
    expect(h.received.filter((r) => r.node === 'n2')).toEqual([]);
    expect(ofKind(sim, 'action').map((a) => `${a.action} ${a.detail}`)).toEqual(['drop-message #1', 'duplicate-message #2']);
    expect(sim.network.inFlight.size).toBe(0);
  });

  it('dropping or duplicating a message no longer in flight is recorded and does nothing', () => {
    const h = new PingHarness();
    const sim = start(
      scenario({
        untilMs: 150,
        actions: [
          { atMs: 130, type: 'drop-message', messageId: 1 },
          { atMs: 130, type: 'duplicate-message', messageId: 2 },
          { atMs: 130, type: 'drop-message', messageId: 999 },
        ],
      }),
      h,
    );
    sim.runUntil();
    expect(ofKind(sim, 'action')).toHaveLength(3);
    expect(ofKind(sim, 'dropped')).toEqual([]);
    expect(ofKind(sim, 'duplicated')).toEqual([]);
  });
});

describe('the trace records operator actions and their effects', () => {
  it("records an 'action' (the input) followed by a 'fault' (the effect)", () => {
    const h = new PingHarness(0);
    const sim = start(
      scenario({
        actions: [
          { atMs: 10, type: 'crash', node: 'n2' },
          { atMs: 20, type: 'restart', node: 'n2' },
          { atMs: 30, type: 'pause', node: 'n3' },
          { atMs: 40, type: 'resume', node: 'n3' },
          { atMs: 50, type: 'partition', groups: [['n1'], ['n2', 'n3']] },
          { atMs: 60, type: 'heal' },
          { atMs: 70, type: 'cut-link', from: 'n1', to: 'n2', oneWay: false },
          { atMs: 80, type: 'heal-link', from: 'n1', to: 'n2', oneWay: true },
          { atMs: 90, type: 'client-request', op: 'cas', key: 'k1', value: '2', expected: '1' },
        ],
      }),
      h,
    );
    sim.runUntil();
    const lines = eventsOf(sim)
      .filter((e) => e.kind === 'action' || e.kind === 'fault')
      .map((e) => (e.kind === 'action' ? `${e.atMs} action ${e.action} ${e.detail}` : e.kind === 'fault' ? `${e.atMs} fault ${e.fault} ${e.detail}` : ''));
    expect(lines).toEqual([
      '10 action crash n2',
      '10 fault crash n2',
      '20 action restart n2',
      '20 fault restart n2',
      '30 action pause n3',
      '30 fault pause n3',
      '40 action resume n3',
      '40 fault resume n3',
      '50 action partition n1 | n2,n3',
      '50 fault partition n1 | n2,n3',
      '60 action heal ',
      '60 fault heal ',
      '70 action cut-link n1<->n2',
      '70 fault cut-link n1<->n2',
      '80 action heal-link n1->n2',
      '80 fault heal-link n1->n2',
      '90 action client-request cas k1 2 if 1',
    ]);
  });
});

describe('observers', () => {
  it('an observer that asks for message events sees each step\'s events exactly once, with their trace indexes', () => {
    const h = new PingHarness();
    const sim = new Simulator(scenario({ actions: [{ atMs: 150, type: 'crash', node: 'n3' }] }), h.factory as ProtocolFactory);
    const seen: TraceEvent[] = [];
    let calls = 0;
    sim.addObserver({
      messageEvents: true,
      afterStep(s, events, indexes) {
        calls++;
        expect(s).toBe(sim);
        expect(indexes[0]).toBe(seen.length);
        expect(events.length).toBeGreaterThan(0);
        expect(indexes.length).toBe(events.length);
        events.forEach((e, i) => expect(sim.trace.at(indexes[i]!)).toEqual(e));
        seen.push(...events);
      },
    });
    sim.start();
    sim.runUntil();
    expect(seen).toEqual(eventsOf(sim));
    expect(calls).toBeGreaterThan(10);
    expect(calls).toBeLessThanOrEqual(sim.stepCount);
  });

  it('an observer that does not ask sees every other event once, with its trace index, and no message events', () => {
    const h = new PingHarness();
    const sim = new Simulator(scenario({ actions: [{ atMs: 150, type: 'crash', node: 'n3' }] }), h.factory as ProtocolFactory);
    const seen: Array<[number, TraceEvent]> = [];
    sim.addObserver({
      afterStep(_s, events, indexes) {
        expect(indexes.length).toBe(events.length);
        events.forEach((e, i) => seen.push([indexes[i]!, e]));
      },
    });
    sim.start();
    sim.runUntil();
    const all = eventsOf(sim);
    const expected = all.map((e, i) => [i, e] as [number, TraceEvent]).filter(([, e]) => !['sent', 'delivered', 'dropped', 'duplicated'].includes(e.kind));
    expect(all.some((e) => e.kind === 'sent')).toBe(true);
    expect(expected.length).toBeGreaterThan(0);
    expect(seen).toEqual(expected);
  });

  it('records the same trace whether or not an observer asks for message events', () => {
    const hashOf = (withObserver: boolean): string => {
      const h = new PingHarness();
      const sim = new Simulator(scenario({ actions: [{ atMs: 150, type: 'crash', node: 'n3' }] }), h.factory as ProtocolFactory);
      if (withObserver) sim.addObserver({ messageEvents: true, afterStep: () => {} });
      sim.start();
      sim.runUntil();
      return sim.trace.finalHash();
    };
    expect(hashOf(true)).toBe(hashOf(false));
  });
});

describe('determinism', () => {
  const noisy = (seed: number): Scenario =>
    scenario({
      seed,
      untilMs: 2_000,
      network: { latency: { kind: 'uniform', minMs: 1, maxMs: 40 }, lossProbability: 0.1, duplicateProbability: 0.1, reorderProbability: 0.2 },
      actions: [
        { atMs: 300, type: 'crash', node: 'n2' },
        { atMs: 500, type: 'partition', groups: [['n1', 'n2'], ['n3']] },
        { atMs: 700, type: 'restart', node: 'n2' },
        { atMs: 900, type: 'pause', node: 'n3' },
        { atMs: 1_100, type: 'heal' },
        { atMs: 1_300, type: 'resume', node: 'n3' },
      ],
    });
  const hashOf = (s: Scenario, keepTrace = true): string => {
    const sim = start(s, new PingHarness(), keepTrace);
    sim.runUntil();
    return sim.trace.finalHash();
  };

  it('the same scenario and seed give the same trace hash, kept or not', () => {
    const a = hashOf(noisy(7));
    expect(hashOf(noisy(7))).toBe(a);
    expect(hashOf(noisy(7), false)).toBe(a);
  });

  it('a different seed gives a different trace hash', () => {
    expect(hashOf(noisy(8))).not.toBe(hashOf(noisy(7)));
  });

  it('a different operator action gives a different trace hash', () => {
    const s = noisy(7);
    const changed = { ...s, actions: s.actions.map((x, i) => (i === 0 ? { ...x, atMs: 301 } : x)) };
    expect(hashOf(changed)).not.toBe(hashOf(s));
  });

  it('the real Raft protocol under nemesis and load is deterministic too', () => {
    const run = (seed: number): { hash: string; events: number } => {
      const s = buildScenario({ nodes: 3, seed, untilMs: 3_000, nemesis: ['partition', 'crash', 'pause'], nemesisIntervalMs: 400, loadOpsPerSec: 50 });
      const sim = new Simulator(s, PROTOCOL_FACTORIES.raft, { keepTrace: false });
      sim.start();
      sim.runUntil();
      return { hash: sim.trace.finalHash(), events: sim.trace.length };
    };
    const first = run(11);
    expect(first.events).toBeGreaterThan(100);
    expect(run(11)).toEqual(first);
    expect(run(12).hash).not.toBe(first.hash);
  });
});
