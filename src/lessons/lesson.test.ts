import { describe, expect, it } from 'vitest';
import { parseLesson } from './lesson';
import { inlineText, parseInline, parseMarkdown, safeHref } from './markdown';

const FRONT = `---
id: demo
title: A demo lesson
summary: What it is about.
protocol: raft
prerequisites: [leader-election]
minutes: 5
scenario: scenario.json
---
`;

function lesson(body: string, front = FRONT): ReturnType<typeof parseLesson> {
  return parseLesson(front + body, 'demo', ['scenario.json', 'other.json']);
}

function problems(body: string, front = FRONT): string[] {
  const parsed = lesson(body, front);
  return parsed.ok ? [] : parsed.problems.map((p) => `${p.line}: ${p.message}`);
}

describe('lesson format', () => {
  it('parses front matter, the introduction, steps and every directive', () => {
    const parsed = lesson(`Intro **text**.

## First step
Some prose.
::: play to=1.5s
::: pause | Who leads?
::: highlight node=leader

## Second step
::: load file=other.json seed=7
::: play until=committed index=3 on=all within=20s
::: goal new-leader-after-crash | A new leader
::: goal committed index=2 | Entry 2 committed on a majority
::: hint after=10s | Crash it.
::: show crash node=leader within=5s
::: show wait ms=200ms
::: show partition groups=n1,n2/n3,n4,n5
::: show client-request op=cas key=x value=2 expected=1
`);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const l = parsed.lesson;
    expect(l).toMatchObject({ id: 'demo', title: 'A demo lesson', protocol: 'raft', prerequisites: ['leader-election'], minutes: 5, scenario: 'scenario.json' });
    expect(inlineText((l.intro[0] as { children: Parameters<typeof inlineText>[0] }).children)).toBe('Intro text.');
    expect(l.steps.map((s) => s.title)).toEqual(['First step', 'Second step']);
    expect(l.steps[0]!.directives).toEqual([
      { kind: 'play-to', line: 14, ms: 1500 },
      { kind: 'pause', line: 15, question: 'Who leads?' },
      { kind: 'highlight', line: 16, node: 'leader', logIndex: null },
    ]);
    const second = l.steps[1]!;
    expect(second.directives[0]).toEqual({ kind: 'load', line: 19, file: 'other.json', seed: 7 });
    expect(second.directives[1]).toEqual({ kind: 'play-until', line: 20, goal: { kind: 'committed', index: 3, on: 'all' }, withinMs: 20_000 });
    expect(second.goals.map((g) => g.spec)).toEqual([{ kind: 'new-leader-after-crash' }, { kind: 'committed', index: 2, on: 'majority' }]);
    expect(second.hints).toEqual([{ afterMs: 10_000, text: 'Crash it.' }]);
    expect(second.solution).toEqual([
      { type: 'crash', node: 'leader' },
      { type: 'wait', ms: 200 },
      { type: 'partition', groups: [['n1', 'n2'], ['n3', 'n4', 'n5']] },
      { type: 'client-request', op: 'cas', key: 'x', value: '2', expected: '1' },
    ]);
    expect(second.solutionWithinMs).toBe(5000);
  });

  it('names the file, the line and the reason of every problem', () => {
    expect(problems('## S\n::: goal leader-elected\n::: show crash node=n1\n')).toEqual(['11: goal: needs the text the student reads, after "|"']);
    expect(problems('## S\n::: goal committed index=0 | x\n::: show heal\n')).toEqual(['11: goal: index must be a whole number of at least 1, got "0"']);
    expect(problems('## S\n::: play to=soon\n')).toEqual(['11: play: to must be a time like 500ms or 2s, got "soon"']);
    expect(problems('## S\n::: frobnicate\n')).toEqual(['11: frobnicate: unknown directive (known: load, reset, play, pause, highlight, goal, hint, show)']);
    expect(problems('## S\n::: load file=missing.json\n')).toEqual(['11: scenario file "missing.json" is not in lessons/demo/']);
    expect(problems('## S\n::: goal leader-elected | x\n')).toEqual(['10: step "S" has goals but no "::: show" solution']);
    expect(problems('## S\n::: show crash node=n12\n')).toEqual(['11: show: node must be n1 ... n9 or leader, got "n12"']);
    expect(problems('## S\n::: goal flying-pigs | x\n::: show heal\n')[0]).toMatch(/^11: goal: unknown goal "flying-pigs" \(known: leader-elected,/);
    expect(problems('Intro only, no steps.\n')).toEqual(['10: a lesson needs at least one step (a "## Title" heading)']);
    expect(problems('## S\ntext', FRONT.replace('protocol: raft', 'protocol: zab'))).toEqual(['5: protocol must be one of raft, paxos, multipaxos, got "zab"']);
    expect(problems('## S\ntext', FRONT.replace('id: demo', 'id: other'))).toEqual(['2: id "other" must equal the folder name "demo"']);
    expect(problems('## S\ntext', FRONT.replace('minutes: 5\n', ''))).toEqual(['2: front matter: "minutes" is required']);
    expect(problems('## S\ntext', FRONT.replace('minutes: 5', 'colour: red'))).toEqual([
      '7: front matter: unknown key "colour" (known: id, title, summary, protocol, prerequisites, minutes, scenario)',
      '2: front matter: "minutes" is required',
    ]);
    expect(parseLesson('no front matter', 'demo', []).ok).toBe(false);
    const quoted = lesson('## S\ntext', FRONT.replace('title: A demo lesson', 'title: "Quoted: a title"'));
    expect(quoted.ok && quoted.lesson.title).toBe('Quoted: a title');
  });

  it('refuses raw HTML, naming the line, and never lets a script through as markup', () => {
    expect(problems('## S\nHello <script>alert(1)</script>\n<img src=x onerror=alert(1)>\n')).toEqual([
      '11: raw HTML is not allowed in a lesson (write Markdown; it is shown as text)',
      '12: raw HTML is not allowed in a lesson (write Markdown; it is shown as text)',
    ]);
    // Whatever the validator says, the parsed Markdown holds only text spans: the page renders no tag.
    const { blocks } = parseMarkdown('Hello <script>alert(1)</script>');
    expect(blocks).toEqual([{ kind: 'paragraph', children: [{ kind: 'text', text: 'Hello <script>alert(1)</script>' }] }]);
  });
});

describe('lesson Markdown', () => {
  it('parses headings, lists, quotes, code and mermaid fences', () => {
    const { blocks, problems: p } = parseMarkdown('### Title\n\n- one\n- *two*\n\n1. a\n2. b\n\n> quoted\n\n```ts\nconst x = 1;\n```\n\n```mermaid\nsequenceDiagram\n  a->>b: hi\n```');
    expect(p).toEqual([]);
    expect(blocks.map((b) => b.kind)).toEqual(['heading', 'list', 'list', 'quote', 'code', 'mermaid']);
    expect(blocks[5]).toEqual({ kind: 'mermaid', text: 'sequenceDiagram\n  a->>b: hi' });
    expect(blocks[1]).toMatchObject({ ordered: false, items: [[{ kind: 'text', text: 'one' }], [{ kind: 'em', children: [{ kind: 'text', text: 'two' }] }]] });
  });

  it('keeps only safe links', () => {
    expect(safeHref('https://raft.github.io')).toBe(true);
    expect(safeHref('../leader-election')).toBe(true);
    expect(safeHref('javascript:alert(1)')).toBe(false);
    expect(safeHref('JaVaScRiPt:alert(1)')).toBe(false);
    expect(safeHref('data:text/html,x')).toBe(false);
    expect(safeHref('//evil.example')).toBe(false);
    expect(parseInline('[click](javascript:alert(1))')).toEqual([{ kind: 'text', text: 'click' }, { kind: 'text', text: ')' }]);
    expect(parseInline('[click](javascript:void)')).toEqual([{ kind: 'text', text: 'click' }]);
    expect(parseInline('see [the paper](https://raft.github.io/raft.pdf), **5.2**')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', href: 'https://raft.github.io/raft.pdf', children: [{ kind: 'text', text: 'the paper' }] },
      { kind: 'text', text: ', ' },
      { kind: 'strong', children: [{ kind: 'text', text: '5.2' }] },
    ]);
  });

  it('reports an unclosed fence', () => {
    expect(parseMarkdown('```\ncode').problems).toEqual([{ line: 1, message: 'a ``` code fence is never closed' }]);
  });
});
