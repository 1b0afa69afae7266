import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inlineText } from '../lessons/markdown';
import { bundledScenarioNames, deckIdOfPath, formatProblem, parseDeck, parseSpeed, splitDirective, type DeckContext, type DeckProblem } from './deck';

const CONTEXT: DeckContext = { scenarios: ['figure-8-commit-old-term', 'lesson-paxos-duel'], bugs: ['commit-old-term', 'no-step-down'], nemesis: ['crash', 'partition'] };

const GOOD = `---
id: talk
title: A talk
speed: 1/20
---

## Who leads?
::: run protocol=raft nodes=5 seed=3 load=0
::: action at=1s crash node=n2
::: action at=600ms client-request op=write key=x value=1 node=n2
::: cue at=0 | Five **followers**.
::: cue until=leader-elected within=5s
The caption, with *emphasis*.

- a list item

Notes:
Say this out loud.

## Figure 8
::: run scenario=figure-8-commit-old-term bug=commit-old-term speed=0.1
::: cue at=2600ms
::: cue until=committed index=2 on=majority
::: cue until=violation invariant=StateMachineSafety within=20s | Broken.
`;

function problemsOf(text: string, fileId: string | null = 'talk'): DeckProblem[] {
  const parsed = parseDeck(text, fileId, CONTEXT);
  return parsed.ok ? [] : [...parsed.problems];
}

/** GOOD with one line replaced (1-based), for a bad deck whose problem is on a known line. */
function withLine(n: number, text: string): string {
  const lines = GOOD.split('\n');
  lines[n - 1] = text;
  return lines.join('\n');
}

describe('deck parser', () => {
  it('reads a good deck: scenes, runs, scripted actions in time order, cues, caption and notes', () => {
    const parsed = parseDeck(GOOD, 'talk', CONTEXT);
    if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join('\n'));
    const { deck } = parsed;
    expect(deck.id).toBe('talk');
    expect(deck.title).toBe('A talk');
    expect(deck.file).toBe('presentations/talk.md');
    expect(deck.scenes.map((s) => s.title)).toEqual(['Who leads?', 'Figure 8']);
    const [one, two] = deck.scenes;
    expect(one!.line).toBe(7);
    expect(one!.runLine).toBe(8);
    expect(one!.speed).toBe(0.05);
    expect(one!.config).toEqual({
      scenario: null, protocol: 'raft', nodes: 5, seed: 3, bugs: null, loadOpsPerSec: 0, nemesis: null, q1: null, q2: null,
      actions: [
        { atMs: 600, type: 'client-request', op: 'write', key: 'x', value: '1', node: 'n2' },
        { atMs: 1000, type: 'crash', node: 'n2' },
      ],
    });
    expect(one!.cues).toHaveLength(2);
    expect(one!.cues[0]).toMatchObject({ kind: 'at', atMs: 0, line: 11 });
    expect(inlineText(one!.cues[0]!.text!)).toBe('Five followers.');
    expect(one!.cues[1]).toEqual({ kind: 'until', line: 12, goal: { kind: 'leader-elected' }, withinMs: 5000, text: null });
    expect(one!.caption.map((b) => b.kind)).toEqual(['paragraph', 'list']);
    expect(one!.notes).toEqual([{ kind: 'paragraph', children: [{ kind: 'text', text: 'Say this out loud.' }] }]);
    expect(two!.config.scenario).toBe('figure-8-commit-old-term');
    expect(two!.config.bugs).toEqual(['commit-old-term']);
    expect(two!.speed).toBe(0.1);
    expect(two!.cues[2]).toMatchObject({ kind: 'until', goal: { kind: 'violation', invariant: 'StateMachineSafety' }, withinMs: 20_000 });
    expect(two!.notes).toEqual([]);
  });

  it('names the file, the line and the field of every problem', () => {
    const cases: Array<[string, number, string, RegExp]> = [
      [withLine(8, '::: run protocol=raft nodes=12 seed=3'), 8, 'scene 1 › run › nodes', /from 1 to 9/],
      [withLine(8, '::: run protocol=zab'), 8, 'scene 1 › run › protocol', /raft, paxos, multipaxos/],
      [withLine(8, '::: run seed=-1'), 8, 'scene 1 › run › seed', /whole number/],
      [withLine(8, '::: run colour=red'), 8, 'scene 1 › run › colour', /unknown argument/],
      [withLine(21, '::: run scenario=nope'), 21, 'scene 2 › run › scenario', /no bundled scenario "nope"/],
      [withLine(21, '::: run scenario=figure-8-commit-old-term bug=made-up'), 21, 'scene 2 › run › bug', /unknown bug variant "made-up"/],
      [withLine(8, '::: run protocol=raft q1=2'), 8, 'scene 1 › run › q1', /paxos/],
      [withLine(8, '::: run speed=fast'), 8, 'scene 1 › run › speed', /number from/],
      [withLine(9, '::: action at=1s crash node=n7'), 9, 'scene 1 › action 1 › node', /n1 \.\.\. n5/],
      [withLine(9, '::: action at=1s crash node=leader'), 9, 'scene 1 › action 1 › node', /node id/],
      [withLine(9, '::: action crash node=n1'), 9, 'scene 1 › action 1 › at', /needs at=TIME/],
      [withLine(9, '::: action at=1s explode node=n1'), 9, 'scene 1 › action 1', /unknown action "explode"/],
      [withLine(9, '::: action at=1s partition groups=n1,n2'), 9, 'scene 1 › action 1 › groups', /two or more/],
      [withLine(9, '::: action at=1s client-request op=write key=x'), 9, 'scene 1 › action 1 › value', /needs value=/],
      [withLine(9, '::: action at=1s slow-node node=n1 factor=0'), 9, 'scene 1 › action 1 › factor', /from 1 to 1000/],
      [withLine(9, '::: action at=1s crash node=n1 factor=2'), 9, 'scene 1 › action 1 › factor', /crash takes at=, node=/],
      [withLine(11, '::: cue at=soon'), 11, 'scene 1 › cue 1 › at', /a time like/],
      [withLine(12, '::: cue until=world-peace'), 12, 'scene 1 › cue 2 › until', /unknown goal "world-peace"/],
      [withLine(12, '::: cue until=committed'), 12, 'scene 1 › cue 2 › until', /needs index=N/],
      [withLine(12, '::: cue until=leader-elected within=9h'), 12, 'scene 1 › cue 2 › within', /up to 120s/],
      [withLine(12, '::: cue at=1s until=leader-elected'), 12, 'scene 1 › cue 2', /not both/],
      [withLine(12, '::: cue'), 12, 'scene 1 › cue 2', /needs at=TIME/],
      [withLine(12, '::: cue at=0'), 12, 'scene 1 › cue 2 › at', /must increase/],
      [withLine(12, '::: cue at=2s | <b>bold</b>'), 12, 'scene 1 › cue 2 › text', /raw HTML is not allowed in a deck/],
      [withLine(12, '::: wait 2s'), 12, 'scene 1 › wait', /unknown directive/],
      [withLine(13, 'The caption <script>alert(1)</script>'), 13, 'scene 1 › caption', /raw HTML/],
      [withLine(13, '# A big heading'), 13, 'scene 1 › caption', /"##" starts a scene/],
      [withLine(19, '::: cue at=3s'), 19, 'scene 1 › notes', /directives belong above the "Notes:" line \(line 17\)/],
      [withLine(2, 'id: other'), 2, 'front matter › id', /must equal the file name "talk"/],
      [withLine(2, 'id: local'), 2, 'front matter › id', /reserved/],
      [withLine(3, 'title:'), 3, 'front matter › title', /required/],
      [withLine(4, 'speed: 99'), 4, 'front matter › speed', /from 0.001 to 10/],
      [withLine(4, 'colour: red'), 4, 'front matter › colour', /unknown key/],
      [withLine(6, 'Some words before any scene.'), 6, 'body', /before the first scene/],
    ];
    for (const [text, line, field, message] of cases) {
      const problems = problemsOf(text);
      const hit = problems.find((p) => p.line === line && p.field === field);
      expect(hit, `${field} at line ${line}; got ${problems.map(formatProblem).join(' / ')}`).toBeDefined();
      expect(hit!.message).toMatch(message);
      expect(hit!.file).toBe('presentations/talk.md');
      expect(formatProblem(hit!)).toBe(`presentations/talk.md:${line}: ${field}: ${hit!.message}`);
    }
  });

  it('refuses a scene without a run or a cue, and a deck without scenes or front matter', () => {
    const noRun = problemsOf(withLine(21, ''));
    expect(noRun).toEqual([expect.objectContaining({ line: 20, field: 'scene 2 › run', message: expect.stringMatching(/needs a "::: run/) })]);
    expect(problemsOf(withLine(22, '::: run seed=2'))).toContainEqual(expect.objectContaining({ line: 22, field: 'scene 2 › run', message: 'a scene has one run (the first is at line 21)' }));
    const noCue = problemsOf(GOOD.replace(/::: cue.*\n/g, ''));
    expect(noCue.filter((p) => p.field.endsWith('› cue')).map((p) => p.line)).toEqual([7, 18]); // two cue lines fewer in scene 1
    expect(problemsOf('---\nid: talk\ntitle: T\n---\n')).toContainEqual(expect.objectContaining({ field: 'body', message: expect.stringMatching(/at least one scene/) }));
    expect(problemsOf('## Scene\n')).toEqual([{ file: 'presentations/talk.md', line: 1, field: 'front matter', message: 'a deck starts with front matter: a "---" line' }]);
    expect(problemsOf('---\nid: talk\n')[0]!.message).toMatch(/never closed/);
  });

  it('bounds captions, scenes and cues', () => {
    const long = withLine(13, 'word '.repeat(200));
    expect(problemsOf(long)).toContainEqual(expect.objectContaining({ line: 13, field: 'scene 1 › caption', message: expect.stringMatching(/longer than 600 characters.*notes/) }));
    const manyCues = GOOD.replace('::: cue at=0 | Five **followers**.', Array.from({ length: 13 }, (_, i) => `::: cue at=${i}s`).join('\n'));
    expect(problemsOf(manyCues)).toContainEqual(expect.objectContaining({ field: 'scene 1 › cue 13', message: 'at most 12 cues in a scene' }));
    const manyScenes = GOOD + Array.from({ length: 40 }, (_, i) => `## S${i}\n::: run seed=1\n::: cue at=0\n`).join('');
    expect(problemsOf(manyScenes)).toContainEqual(expect.objectContaining({ field: 'scene 41', message: 'at most 40 scenes' }));
    expect(problemsOf('x'.repeat(200 * 1024))[0]!.message).toMatch(/larger than 128 KiB/);
  });

  it('a deck opened from a file keeps its own id, and names the file it came from', () => {
    const parsed = parseDeck(GOOD, null, CONTEXT, 'my-talk.md');
    expect(parsed.ok && parsed.deck.id).toBe('talk');
    const bad = parseDeck(withLine(11, '::: cue at=never'), null, CONTEXT, 'my-talk.md');
    expect(bad.ok ? [] : bad.problems.map(formatProblem)).toEqual([expect.stringMatching(/^my-talk\.md:11: scene 1 › cue 1 › at: /)]);
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('---', 'id: talk', 'title: T', '## S', '::: run seed=1', '::: cue at=0', '::: cue until=x', 'Notes:', '```', '::: action at=1s crash node=n1'), fc.string()), { maxLength: 30 }), (lines) => {
        const parsed = parseDeck(lines.join('\n'), 'talk', CONTEXT);
        if (!parsed.ok) for (const p of parsed.problems) expect(p.line).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('deck helpers', () => {
  it('splits a directive into name, arguments, words and text', () => {
    expect(splitDirective(' cue until=committed index=2 | Committed | really')).toEqual({
      name: 'cue', args: new Map([['until', 'committed'], ['index', '2']]), words: [], text: 'Committed | really', repeated: null,
    });
    expect(splitDirective('run seed=1 seed=2').repeated).toBe('seed');
  });
  it('reads speeds as numbers or fractions, within the lab\'s range', () => {
    expect(parseSpeed('0.05')).toBe(0.05);
    expect(parseSpeed('1/20')).toBe(0.05);
    expect(parseSpeed('10')).toBe(10);
    for (const bad of ['0', '11', '1/0', 'fast', '-1', '']) expect(parseSpeed(bad)).toBeNull();
  });
  it('names bundled scenarios as the lab worker does, and decks by file', () => {
    expect(bundledScenarioNames(['../../../scenarios/figure-8.json', '../../../lessons/paxos/duel.json', 'README.md'])).toEqual(['figure-8', 'lesson-paxos-duel']);
    expect(deckIdOfPath('../../../presentations/raft-under-failure.md')).toBe('raft-under-failure');
    expect(deckIdOfPath('../../../presentations/sub/x.txt')).toBeNull();
  });
});
