// @vitest-environment jsdom
/**
 * The sequence-diagram export on real runs, checked twice: by a strict line grammar of our own, and
 * by the real Mermaid parser (which needs a DOM, hence jsdom for this file only), reading the
 * diagram back and comparing every participant, arrow and note text with what we wrote, so that no
 * text was cut short by a comment or read as syntax.
 */
import { describe, expect, it } from 'vitest';
import { Run } from '../check/run';
import { defaultScenario, type OperatorAction, type Scenario } from '../sim/scenario';
import type { TraceEvent } from '../sim/trace';
import { DEFAULT_MAX_ARROWS, safeText, sequenceDiagram } from './mermaid';

function scenario(overrides: Partial<Scenario> & { nodes?: number } = {}): Scenario {
  const { nodes = 3, ...rest } = overrides;
  const s = { ...defaultScenario(), seed: 1, untilMs: 600, ...rest };
  s.cluster = { nodes };
  return s;
}

function traceOf(s: Scenario): { events: TraceEvent[]; members: readonly string[] } {
  const run = new Run(s, { keepTrace: true });
  run.runUntil();
  return { events: [...run.sim.trace.slice()], members: run.sim.members };
}

const ID = '[A-Za-z][A-Za-z0-9_]*';
const TEXT = '[A-Za-z0-9 _.,:=>-]+';
/** Every line the exporter may write; anything else fails the structural check. */
const LINE = [
  /^sequenceDiagram$/,
  new RegExp(`^  title ${TEXT}$`),
  new RegExp(`^  participant ${ID}( as ${TEXT})?$`),
  new RegExp(`^  ${ID}(->>|-x|--x)${ID}: ${TEXT}$`),
  new RegExp(`^  Note over ${ID}(,${ID})?: ${TEXT}$`),
];

function checkStructure(text: string): void {
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  expect(lines[0]).toBe('sequenceDiagram');
  for (const line of lines) expect(LINE.some((re) => re.test(line)), `bad line: ${JSON.stringify(line)}`).toBe(true);
  // Every participant used is declared, and declared once.
  const declared = lines.filter((l) => l.startsWith('  participant ')).map((l) => l.split(' ')[3]!);
  expect(new Set(declared).size).toBe(declared.length);
  for (const line of lines) {
    const arrow = new RegExp(`^  (${ID})(?:->>|-x|--x)(${ID}):`).exec(line);
    const note = new RegExp(`^  Note over (${ID})(?:,(${ID}))?:`).exec(line);
    for (const id of [arrow?.[1], arrow?.[2], note?.[1], note?.[2]]) if (id !== undefined) expect(declared).toContain(id);
  }
}

interface MermaidMessage {
  from?: string;
  to?: string;
  message: string;
  type: number;
}

/** Parses with the real Mermaid and reads back what it understood. */
async function mermaidReadBack(text: string): Promise<{ actors: string[]; messages: MermaidMessage[]; title: string }> {
  const mermaid = (await import('mermaid')).default;
  await mermaid.parse(text); // throws on a syntax error
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as { getActors(): Map<string, unknown>; getMessages(): MermaidMessage[]; getDiagramTitle(): string };
  return { actors: [...db.getActors().keys()], messages: db.getMessages(), title: db.getDiagramTitle() };
}

/** The real parser read exactly the participants, arrows and notes we wrote, text for text. */
async function expectMermaidReadsBack(text: string): Promise<void> {
  const lines = text.slice(0, -1).split('\n');
  const back = await mermaidReadBack(text);
  const participants = lines.filter((l) => l.startsWith('  participant ')).map((l) => l.split(' ')[3]!);
  expect(back.actors).toEqual(participants);
  const rows = lines.filter((l) => !l.startsWith('  participant ') && !l.startsWith('  title ') && l !== 'sequenceDiagram');
  expect(back.messages.map((m) => m.message)).toEqual(rows.map((l) => l.slice(l.indexOf(': ') + 2)));
  // Mermaid's line types: 0 solid arrow, 3 solid cross, 4 dotted cross, 2 note.
  const lineType = (l: string): number => {
    if (l.startsWith('  Note over ')) return 2;
    const kind = /^ {2}\w+(->>|-x|--x)\w+:/.exec(l)?.[1];
    return kind === '--x' ? 4 : kind === '-x' ? 3 : 0;
  };
  expect(back.messages.map((m) => m.type)).toEqual(rows.map(lineType));
  // And the arrows join the participants we named.
  const ends = rows.filter((l) => !l.startsWith('  Note over ')).map((l) => /^ {2}(\w+?)(?:->>|--x|-x)(\w+):/.exec(l)!.slice(1, 3));
  expect(back.messages.filter((m) => m.type !== 2).map((m) => [m.from, m.to])).toEqual(ends);
  expect(back.title).toBe(lines[1]!.slice('  title '.length));
}

const arrowLines = (text: string): string[] => text.split('\n').filter((l) => /^ {2}\w+(->>|-x|--x)\w+:/.test(l));

describe('sequenceDiagram on a real Raft run (3 nodes, seed 1, 0..600ms)', () => {
  const { events, members } = traceOf(scenario());
  const diagram = sequenceDiagram(events, { fromMs: 0, toMs: 600, members });
  const lines = diagram.text.split('\n');

  it('declares the nodes in member order, then the clients of the window, sorted', () => {
    expect(lines.filter((l) => l.startsWith('  participant '))).toEqual([
      '  participant n1',
      '  participant n2',
      '  participant n3',
      '  participant c1',
      '  participant c2',
    ]);
    expect(lines[1]).toBe('  title Faultline, 0ms..600ms');
  });

  it('draws the election: a candidate note, RequestVote arrows and their answers, the leader note', () => {
    const candidate = lines.indexOf('  Note over n1: 192ms candidate t1');
    const leader = lines.indexOf('  Note over n1: 203ms leader t1');
    expect(candidate).toBeGreaterThan(0);
    expect(leader).toBeGreaterThan(candidate);
    const votes = lines.filter((l) => /^ {2}n1->>n[23]: RequestVote t1 last=0:t0$/.test(l));
    expect(votes).toHaveLength(2);
    expect(lines.indexOf('  n3->>n1: RequestVoteResponse t1 granted')).toBeLessThan(leader);
    expect(lines).toContain('  Note over n1: 210ms commit 1');
  });

  it('shows client operations as notes over the clients and their requests as arrows', () => {
    expect(lines).toContain('  Note over c2: 582ms invoke op1 write k2 4');
    expect(lines).toContain('  Note over c1: 584ms invoke op2 read k0');
    expect(lines).toContain('  c2->>n2: ClientRequest op1 write k2 4');
    expect(lines).toContain('  n2->>c2: ClientRedirect op1 leader=n1');
  });

  it('draws messages still in flight at the window end as dotted lost arrows, last', () => {
    const inFlight = lines.filter((l) => l.includes('--x'));
    expect(inFlight.length).toBeGreaterThan(0);
    for (const l of inFlight) expect(l).toMatch(/, in flight at 600ms$/);
    expect(lines.slice(-1 - inFlight.length, -1)).toEqual(inFlight);
  });

  it('counts its arrows and is valid Mermaid, read back text for text', async () => {
    expect(diagram.truncated).toBe(false);
    expect(diagram.arrows).toBe(arrowLines(diagram.text).length);
    expect(diagram.arrows).toBe(events.filter((e) => e.kind === 'sent' && e.atMs <= 600).length);
    checkStructure(diagram.text);
    await expectMermaidReadsBack(diagram.text);
  });

  it('is deterministic: the same run and window give byte-identical text', () => {
    const again = traceOf(scenario());
    expect(sequenceDiagram(again.events, { fromMs: 0, toMs: 600, members: again.members }).text).toBe(diagram.text);
  });

  it('keeps to its window: nothing before fromMs or after toMs', () => {
    const part = sequenceDiagram(events, { fromMs: 300, toMs: 400, members });
    const times = [...part.text.matchAll(/: (\d+)ms /g)].map((m) => Number(m[1]));
    expect(times.length).toBeGreaterThan(0);
    for (const t of times) expect(t >= 300 && t <= 400).toBe(true);
    expect(part.text).not.toContain('RequestVote');
    // Only messages sent in 300..400 are drawn: four heartbeat rounds' worth at most.
    expect(part.arrows).toBe(events.filter((e) => e.kind === 'sent' && e.atMs >= 300 && e.atMs <= 400).length);
  });
});

describe('faults and lost messages', () => {
  const partition: OperatorAction = { atMs: 400, type: 'partition', groups: [['n1'], ['n2', 'n3']] };
  const { events, members } = traceOf(scenario({ untilMs: 900, actions: [partition, { atMs: 850, type: 'heal' }] }));
  const diagram = sequenceDiagram(events, { fromMs: 350, toMs: 900, members });
  const lines = diagram.text.split('\n');

  it('draws a message the partition dropped as a lost arrow with the reason', () => {
    const lost = lines.filter((l) => /^ {2}n1-xn[23]: AppendEntries t1 n=0 commit=1, lost: partition$/.test(l));
    expect(lost.length).toBeGreaterThan(0);
    const dropped = events.filter((e) => e.kind === 'dropped' && e.atMs <= 900 && e.reason === 'partition');
    expect(lines.filter((l) => l.endsWith('lost: partition'))).toHaveLength(dropped.length);
  });

  it('notes the operator action once (not again as its fault), over the nodes it names', () => {
    expect(lines).toContain('  Note over n1,n3: 400ms operator: partition n1 vs n2,n3');
    expect(lines).toContain('  Note over n1,n3: 850ms operator: heal');
    expect(diagram.text).not.toContain('fault: partition');
  });

  it('notes the new election on the majority side', () => {
    expect(lines.some((l) => /^ {2}Note over n[23]: \d+ms leader t2$/.test(l))).toBe(true);
  });

  it('is valid Mermaid', async () => {
    checkStructure(diagram.text);
    await expectMermaidReadsBack(diagram.text);
  });
});

describe('bounds', () => {
  const { events, members } = traceOf(scenario());
  const full = sequenceDiagram(events, { fromMs: 0, toMs: 600, members });

  it('stops after maxArrows arrows and says how many were left out', async () => {
    const cut = sequenceDiagram(events, { fromMs: 0, toMs: 600, members, maxArrows: 5 });
    expect(cut.truncated).toBe(true);
    expect(cut.arrows).toBe(5);
    expect(arrowLines(cut.text)).toEqual(arrowLines(full.text).slice(0, 5));
    const last = cut.text.trimEnd().split('\n').pop()!;
    expect(last).toMatch(new RegExp(`^ {2}Note over n1,c2: cut at \\d+ms after 5 arrows: ${full.arrows - 5} more messages and \\d+ notes left out$`));
    checkStructure(cut.text);
    await expectMermaidReadsBack(cut.text);
  });

  it('is not truncated when the window has exactly maxArrows arrows', () => {
    const exact = sequenceDiagram(events, { fromMs: 0, toMs: 600, members, maxArrows: full.arrows });
    expect(exact.truncated).toBe(false);
    expect(exact.text).toBe(full.text);
  });

  it('has a default bound of 200 arrows', () => {
    const long = traceOf(scenario({ untilMs: 5000, nodes: 5 }));
    const d = sequenceDiagram(long.events, { fromMs: 0, toMs: 5000, members: long.members });
    expect(DEFAULT_MAX_ARROWS).toBe(200);
    expect(d.arrows).toBe(200);
    expect(d.truncated).toBe(true);
  });

  it('says so when nothing happened in the window', async () => {
    const empty = sequenceDiagram(events, { fromMs: 10, toMs: 20, members });
    expect(empty.arrows).toBe(0);
    expect(empty.text).toContain('  Note over n1,n3: nothing happened from 10ms to 20ms');
    await expectMermaidReadsBack(empty.text);
  });

  it('refuses a bad window, member list or bound', () => {
    expect(() => sequenceDiagram(events, { fromMs: 500, toMs: 400, members })).toThrow(RangeError);
    expect(() => sequenceDiagram(events, { fromMs: -1, toMs: 400, members })).toThrow(RangeError);
    expect(() => sequenceDiagram(events, { fromMs: 0, toMs: 1.5, members })).toThrow(RangeError);
    expect(() => sequenceDiagram(events, { fromMs: 0, toMs: 400, members: [] })).toThrow(RangeError);
    expect(() => sequenceDiagram(events, { fromMs: 0, toMs: 400, members: ['n1', 'n1'] })).toThrow(RangeError);
    expect(() => sequenceDiagram(events, { fromMs: 0, toMs: 400, members, maxArrows: 0 })).toThrow(RangeError);
  });
});

describe('escaping', () => {
  // Hand-made events whose user text tries every way of breaking a diagram: keywords as names,
  // comment and statement characters, HTML, newlines, arrows, Mermaid directives.
  const evil = 'x;%%{init: {"theme":"dark"}}%%\nend\r\n<br/>#35; Note over n1: pwned';
  const events: TraceEvent[] = [
    { kind: 'invoke', atMs: 1, client: 'end', opId: 1, op: 'write', key: 'k;1', value: evil },
    { kind: 'sent', atMs: 1, msgId: 1, from: 'end', to: 'n1', type: 'ClientRequest', term: 0, detail: `op1 write k;1 ${evil}` },
    { kind: 'invoke', atMs: 1, client: 'c 2', opId: 2, op: 'read', key: '#k', value: '' },
    { kind: 'sent', atMs: 1, msgId: 2, from: 'c 2', to: 'n1', type: 'Client->>Request', term: 0, detail: '--x' },
    { kind: 'sent', atMs: 1, msgId: 3, from: 'P_1', to: 'n1', type: 'ClientRequest', term: 0, detail: 'op9 read k' },
    { kind: 'delivered', atMs: 2, msgId: 1, from: 'end', to: 'n1', type: 'ClientRequest' },
    { kind: 'dropped', atMs: 2, msgId: 2, from: 'c 2', to: 'n1', reason: 'operator' },
    { kind: 'ok', atMs: 3, client: 'end', opId: 1, value: evil },
    { kind: 'fault', atMs: 3, fault: 'weird;fault', detail: '<script>n1</script>' },
  ];
  const diagram = sequenceDiagram(events, { fromMs: 0, toMs: 10, members: ['n1', 'n2'] });

  it('gives unsafe names generated ids with a safe alias, and keeps plain ones', () => {
    const participants = diagram.text.split('\n').filter((l) => l.startsWith('  participant '));
    expect(participants).toEqual(['  participant n1', '  participant n2', '  participant P_3 as P_1', '  participant P_4 as c 2', '  participant P_5 as end']);
  });

  it('lets only whitelisted characters through', () => {
    for (const line of diagram.text.split('\n').slice(1)) {
      expect(line).toMatch(/^[A-Za-z0-9 _.,:=>-]*$/);
    }
    expect(diagram.text).not.toMatch(/[#;%<{}"\r]/);
    checkStructure(diagram.text);
  });

  it('is still valid Mermaid, read back exactly as written', async () => {
    await expectMermaidReadsBack(diagram.text);
  });

  it('safeText replaces, collapses, cuts and never returns empty', () => {
    expect(safeText('a#b;c%d<e\n f')).toBe('a_b_c_d_e f');
    expect(safeText('')).toBe('_');
    expect(safeText('x'.repeat(100), 10)).toBe('xxxxxxxx..');
  });
});

describe('duplicates', () => {
  const events: TraceEvent[] = [
    { kind: 'sent', atMs: 1, msgId: 1, from: 'n1', to: 'n2', type: 'AppendEntries', term: 2, detail: 'prev=3/t2 n=1 commit=3' },
    { kind: 'duplicated', atMs: 1, msgId: 1, copyId: 2, from: 'n1', to: 'n2' },
    { kind: 'delivered', atMs: 5, msgId: 1, from: 'n1', to: 'n2', type: 'AppendEntries' },
    { kind: 'dropped', atMs: 6, msgId: 2, from: 'n1', to: 'n2', reason: 'loss' },
  ];

  it('notes the duplication and draws the copy as its own arrow', async () => {
    const d = sequenceDiagram(events, { fromMs: 0, toMs: 10, members: ['n1', 'n2', 'n3'] });
    expect(d.text.split('\n').slice(5, -1)).toEqual([
      '  Note over n1,n2: 1ms duplicated: AppendEntries t2 n=1 commit=3',
      '  n1->>n2: AppendEntries t2 n=1 commit=3',
      '  n1-xn2: AppendEntries t2 n=1 commit=3, copy, lost: loss',
    ]);
    expect(d.arrows).toBe(2);
    await expectMermaidReadsBack(d.text);
  });
});

describe('sequenceDiagram on a Multi-Paxos run', () => {
  const { events, members } = traceOf(scenario({ protocol: 'paxos', untilMs: 900 }));
  const diagram = sequenceDiagram(events, { fromMs: 0, toMs: 900, members });
  const lines = diagram.text.split('\n');

  it('writes ballots as the views do (round.proposer) and notes leaders and chosen values', () => {
    expect(lines).toContain('  Note over n1: 202ms leader b1.n1');
    expect(lines.some((l) => /^ {2}n1->>n[23]: Prepare b1\.n1 from=1$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}n[23]->>n1: Promise b1\.n1 from=1 n=0$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}Note over n\d: \d+ms chosen slot \d+ = /.test(l))).toBe(true);
  });

  it('is valid Mermaid', async () => {
    checkStructure(diagram.text);
    await expectMermaidReadsBack(diagram.text);
  });
});
