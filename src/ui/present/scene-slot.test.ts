/**
 * A scene slot against a scripted worker: what it asks the worker to do to prepare a scene (load,
 * play until each cue, back to the first), which replies it trusts (only those after the answer to
 * its own command), and how it plays to cues live, on and off script.
 */
import { describe, expect, it } from 'vitest';
import type { DeckScene } from '../../present/deck';
import type { ClusterSnapshot, LabConfig, LabReply, RunInfo } from '../../worker/lab-protocol';
import { SceneSlot } from './scene-slot.svelte';
import { ScriptedWorker } from '../testing/scripted-worker';

const CONFIG: LabConfig = { scenario: null, protocol: 'raft', nodes: 3, seed: 3, bugs: null, loadOpsPerSec: 0, nemesis: null, q1: null, q2: null, actions: [] };

const SCENE: DeckScene = {
  index: 2,
  title: 'The leader crashes',
  line: 10,
  runLine: 11,
  config: CONFIG,
  speed: 0.05,
  cues: [
    { kind: 'at', line: 12, atMs: 0, text: null },
    { kind: 'until', line: 13, goal: { kind: 'leader-elected' }, withinMs: 5000, text: null },
    { kind: 'at', line: 14, atMs: 900, text: null },
  ],
  caption: [],
  notes: [],
};

function frame(nowMs: number, n = 1): LabReply {
  const snapshot = { nowMs, step: n, nodes: [], messagesInFlight: 0, partition: [], cutLinks: [], storm: { duplicateProbability: 0, reorderProbability: 0 }, clientOps: { invoked: 0, ok: 0, fail: 0, info: 0 }, violationCount: 0 } as unknown as Omit<ClusterSnapshot, 'messages'>;
  return { type: 'frame', frame: n, playing: false, speed: 0.05, frontierMs: nowMs, totalSteps: n, snapshot, messages: { reset: true, added: [], inFlight: new Float64Array(0) }, panels: null, markers: [], resetMarkers: false };
}
const LOADED: LabReply = { type: 'loaded', info: { config: CONFIG, members: ['n1', 'n2', 'n3'] } as unknown as RunInfo };

function setup(): { slot: SceneSlot; worker: ScriptedWorker } {
  const worker = new ScriptedWorker();
  const slot = new SceneSlot(() => worker as unknown as Worker);
  return { slot, worker };
}

/** Prepares SCENE, answering as the worker would: cue moments 0, 210 and 900. */
function prepare(slot: SceneSlot, worker: ScriptedWorker): void {
  slot.prepare(SCENE);
  worker.reply(LOADED);
  worker.reply(frame(0));
  worker.reply({ type: 'solved', met: true, message: '' });
  worker.reply(frame(210));
  worker.reply({ type: 'solved', met: true, message: '' });
  worker.reply(frame(900));
  worker.reply(frame(0));
}

describe('scene slot', () => {
  it('prepares a scene: loads it, plays until each cue to learn its moment, and returns to the first', () => {
    const { slot, worker } = setup();
    slot.prepare(SCENE);
    expect(slot.status).toBe('preparing');
    expect(worker.commands()).toEqual([{ type: 'speed', speed: 0.05 }, { type: 'load', config: CONFIG, atMs: 0 }]);
    // A frame before `loaded` belongs to whatever the worker held before: ignored.
    worker.reply(frame(4242));
    worker.reply(LOADED);
    // Cue 1 is at 0: the load's own frame is the cue's.
    worker.reply(frame(0));
    expect(worker.commands().at(-1)).toEqual({ type: 'solve', solution: [], goals: [{ kind: 'leader-elected' }], withinMs: 5000 });
    // A frame sent before the worker answered the solve is not the cue's moment.
    worker.reply(frame(55));
    worker.reply({ type: 'solved', met: true, message: '' });
    worker.reply(frame(210));
    // Cue 3, a time: "time-at-least" with exactly the time left, so the run lands on its millisecond.
    expect(worker.commands().at(-1)).toEqual({ type: 'solve', solution: [], goals: [{ kind: 'time-at-least', ms: 900 }], withinMs: 690 });
    worker.reply({ type: 'solved', met: true, message: '' });
    worker.reply(frame(900));
    expect(worker.commands().at(-1)).toEqual({ type: 'seek', atMs: 0 });
    expect(slot.status).toBe('preparing');
    worker.reply(frame(0));
    expect(slot.status).toBe('ready');
    expect(slot.fresh).toBe(true);
    expect(slot.cueMoments).toEqual([0, 210, 900]);
    expect(slot.cueMissed).toEqual([false, false, false]);
    expect(slot.lab.snapshot?.nowMs).toBe(0);
  });

  it('plays to a cue at its prepared moment, and is at the cue once the worker stopped and drew it', () => {
    const { slot, worker } = setup();
    prepare(slot, worker);
    slot.playToCue(1);
    expect(worker.commands().at(-1)).toEqual({ type: 'play-to', cue: { atMs: 210 } });
    expect(slot.phase).toBe('to-cue');
    worker.reply(frame(100));
    expect(slot.phase).toBe('to-cue');
    worker.reply({ type: 'stopped', reason: 'cue', message: '' });
    expect(slot.phase).toBe('to-cue');
    worker.reply(frame(210));
    expect(slot.phase).toBe('at-cue');
    expect(slot.cue).toBe(1);
    // Back to cue 0: a seek to its moment.
    slot.seekCue(0);
    expect(worker.commands().slice(-2)).toEqual([{ type: 'pause' }, { type: 'seek', atMs: 0 }]);
  });

  it('"next" while playing lands on the cue: a seek to a known moment, top speed for a goal off script', () => {
    const { slot, worker } = setup();
    prepare(slot, worker);
    slot.playToCue(2);
    slot.finishCue();
    expect(worker.commands().at(-1)).toEqual({ type: 'seek', atMs: 900 });
    worker.reply({ type: 'stopped', reason: 'cue', message: '' });
    worker.reply(frame(900));

    // Off script the prepared moments no longer hold: a goal cue plays until its goal.
    slot.seekCue(0);
    slot.act({ type: 'crash', node: 'n1' });
    expect(slot.offScript).toBe(true);
    expect(worker.commands().at(-1)).toEqual({ type: 'act', action: { type: 'crash', node: 'n1' } });
    slot.playToCue(1);
    expect(worker.commands().at(-1)).toEqual({ type: 'play-to', cue: { goal: { kind: 'leader-elected' }, withinMs: 5000 } });
    slot.finishCue();
    expect(worker.commands().at(-1)).toEqual({ type: 'speed', speed: 10 });
    worker.reply({ type: 'stopped', reason: 'cue', message: '' });
    // The scene's own speed again once it stopped.
    expect(worker.commands().at(-1)).toEqual({ type: 'speed', speed: 0.05 });
  });

  it('prepared again while a load is on its way, it trusts only the last load', () => {
    const { slot, worker } = setup();
    slot.prepare(SCENE);
    slot.prepare({ ...SCENE, cues: [{ kind: 'at', line: 12, atMs: 0, text: null }] });
    worker.reply(LOADED);
    worker.reply(frame(777));
    expect(slot.status).toBe('preparing');
    worker.reply(LOADED);
    worker.reply(frame(0));
    expect(slot.status).toBe('ready');
    expect(slot.cueMoments).toEqual([0]);
  });

  it('says why a scene could not start, and a cue not reached in time is marked missed', () => {
    const { slot, worker } = setup();
    slot.prepare(SCENE);
    worker.reply({ type: 'error', message: 'There is no scenario named "x".', recoverable: false });
    expect(slot.status).toBe('failed');
    expect(slot.error).toBe('There is no scenario named "x".');

    const again = setup();
    again.slot.prepare(SCENE);
    again.worker.reply(LOADED);
    again.worker.reply(frame(0));
    again.worker.reply({ type: 'solved', met: false, message: '' });
    again.worker.reply(frame(5000));
    // The time cue (900) is behind where the run stands: nothing to play, straight back to the first cue.
    expect(again.worker.commands().filter((c) => c.type === 'solve')).toHaveLength(1);
    expect(again.worker.commands().at(-1)).toEqual({ type: 'seek', atMs: 0 });
    again.worker.reply(frame(0));
    expect(again.slot.status).toBe('ready');
    expect(again.slot.cueMissed).toEqual([false, true, false]);
    expect(again.slot.cueMoments).toEqual([0, 5000, 5000]);
  });
});
