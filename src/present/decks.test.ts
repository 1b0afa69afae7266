/**
 * Every bundled deck (presentations/*.md) validates, and every scene plays headless from its run to
 * each cue as the presenter prepares it in the worker (the `solve` command: play until the cue's goal
 * holds): every event cue is reached within its time, every time cue lands on its millisecond, and
 * the moment of each cue and what the cluster looks like there (each node's status, role and term)
 * are the same every time (pinned in __snapshots__: a simulator change that moves a talk's story
 * shows up here, a change of the trace's bytes alone does not). Regenerate after reading the diff:
 *
 *     npx vitest run src/present/decks.test.ts -u
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GEO_NEMESIS_FAULTS, NEMESIS_FAULTS, PAXOS_BUGS, RAFT_BUGS } from '../sim/scenario';
import { LabSession } from '../worker/lab-session';
import { EventCache, playUntil } from '../worker/lesson-driver';
import { bundledScenarioNames, cueTarget, formatProblem, parseDeck, type Deck, type DeckContext, type DeckScene } from './deck';

const ROOT = join(__dirname, '..', '..');
const scenarioPaths = [
  ...readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.json')).map((f) => `scenarios/${f}`),
  ...readdirSync(join(ROOT, 'lessons'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(ROOT, 'lessons', d.name)).filter((f) => f.endsWith('.json')).map((f) => `lessons/${d.name}/${f}`)),
];
const names = bundledScenarioNames(scenarioPaths);
/** The scenarios as the lab worker bundles them: name -> text. */
const bundled = new Map<string, string>();
for (const p of scenarioPaths) {
  const [name] = bundledScenarioNames([p]);
  bundled.set(name!, readFileSync(join(ROOT, p), 'utf8'));
}
const CONTEXT: DeckContext = { scenarios: names, bugs: [...RAFT_BUGS, ...PAXOS_BUGS], nemesis: [...NEMESIS_FAULTS, ...GEO_NEMESIS_FAULTS] };

const deckFiles = readdirSync(join(ROOT, 'presentations')).filter((f) => f.endsWith('.md')).sort();

function load(file: string): Deck {
  const parsed = parseDeck(readFileSync(join(ROOT, 'presentations', file), 'utf8'), file.replace(/\.md$/, ''), CONTEXT);
  if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join('\n'));
  return parsed.deck;
}

interface CueRecord {
  readonly cue: number;
  readonly met: boolean;
  readonly atMs: number;
  /** "n1 follower 1, n2 LEADER 1, n3 crashed 0": what the audience sees at the cue. */
  readonly cluster: string;
}

/** Plays a scene as the presenter prepares it: its run, then each cue in turn. */
function playScene(scene: DeckScene): CueRecord[] {
  const session = new LabSession(scene.config, bundled);
  const cache = new EventCache(session);
  return scene.cues.map((cue, i) => {
    const target = cueTarget(cue, session.cursor.atMs);
    const met = target === null ? true : playUntil(session, cache, [target.goal], target.withinMs);
    const cluster = session.snapshot().nodes.map((n) => `${n.id} ${n.status === 'up' ? (n.role === 'leader' ? 'LEADER' : n.role) : n.status} ${n.term}`).join(', ');
    return { cue: i + 1, met, atMs: Math.floor(session.cursor.atMs), cluster };
  });
}

describe('bundled decks', () => {
  it('there is at least one deck, and the talk has six to eight scenes', () => {
    expect(deckFiles).toContain('raft-under-failure.md');
    const talk = load('raft-under-failure.md');
    expect(talk.scenes.length).toBeGreaterThanOrEqual(6);
    expect(talk.scenes.length).toBeLessThanOrEqual(8);
    // Every scene says what to show and has notes for the speaker.
    for (const s of talk.scenes) {
      expect(s.caption.length, s.title).toBeGreaterThan(0);
      expect(s.notes.length, s.title).toBeGreaterThan(0);
    }
    // Both protocol families and a bug variant are in the talk.
    expect(talk.scenes.some((s) => s.config.bugs?.includes('commit-old-term'))).toBe(true);
    expect(talk.scenes.some((s) => s.config.scenario?.includes('paxos'))).toBe(true);
  });

  for (const file of deckFiles) {
    const deck = load(file);
    for (const scene of deck.scenes) {
      it(`${deck.id}, scene ${scene.index + 1} (${scene.title}): every cue is reached, always at the same moment`, () => {
        const cues = playScene(scene);
        cues.forEach((c, i) => {
          expect(c.met, `${deck.file}:${scene.cues[i]!.line}: cue ${i + 1} is not reached`).toBe(true);
          const cue = scene.cues[i]!;
          if (cue.kind === 'at') expect(c.atMs).toBe(Math.max(cue.atMs, i === 0 ? 0 : cues[i - 1]!.atMs));
          if (i > 0) expect(c.atMs).toBeGreaterThanOrEqual(cues[i - 1]!.atMs);
        });
        expect(playScene(scene)).toEqual(cues);
        expect(cues).toMatchSnapshot();
      });
    }
  }

  it('the Figure 8 scene breaks State Machine Safety with the bug, and the same choreography without it does not', () => {
    const talk = load('raft-under-failure.md');
    const buggy = talk.scenes.find((s) => s.config.bugs?.includes('commit-old-term'))!;
    const fixed = talk.scenes.find((s) => s.config.scenario === buggy.config.scenario && s.config.bugs?.length === 0)!;
    const violations = (scene: DeckScene): string[] => {
      const session = new LabSession(scene.config, bundled);
      session.advanceTo(6000);
      return session.panels().violations.map((v) => v.invariant);
    };
    expect(violations(buggy)).toContain('StateMachineSafety');
    expect(violations(fixed)).toEqual([]);
  });
});
