/**
 * The lesson runner against a scripted worker: what it resolves a step's `highlight node=leader` to
 * when the worker says the cue is reached before it has drawn the cue's moment (it holds a frame
 * back until the page acknowledges the one before, so `stopped` may come first).
 */
import { describe, expect, it } from 'vitest';
import type { Lesson } from '../../lessons/lesson';
import { demoLesson } from '../testing/demo-lesson';
import type { ClusterSnapshot, LabReply, RunInfo } from '../../worker/lab-protocol';
import { LabClient } from '../lab/lab-client.svelte';
import { LessonRunner } from './lesson-runner.svelte';
import { ScriptedWorker } from '../testing/scripted-worker';

const STEPS = `## One
::: play to=1s
::: highlight node=leader
::: pause | Which node became leader?
`;

function demo(): Lesson {
  return demoLesson(STEPS);
}

let frameNo = 0;
/** A frame at `nowMs` in which `leader` (if any) is the one up leader. */
function frame(nowMs: number, leader: string | null, playing: boolean): LabReply {
  const nodes = ['n1', 'n2', 'n3'].map((id) => ({ id, status: 'up', role: id === leader ? 'leader' : 'follower' }));
  const snapshot = { nowMs, step: nowMs, nodes, messagesInFlight: 0, partition: [], cutLinks: [], storm: { duplicateProbability: 0, reorderProbability: 0 }, clientOps: { invoked: 0, ok: 0, fail: 0, info: 0 }, violationCount: 0 } as unknown as Omit<ClusterSnapshot, 'messages'>;
  frameNo++;
  return { type: 'frame', frame: frameNo, playing, speed: 1, frontierMs: nowMs, totalSteps: nowMs, snapshot, messages: { reset: true, added: [], inFlight: new Float64Array(0) }, panels: null, markers: [], resetMarkers: false };
}

const LOADED: LabReply = { type: 'loaded', info: { config: {}, members: ['n1', 'n2', 'n3'] } as unknown as RunInfo };

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls (the runner polls every 40 ms) until `done` holds, for at most 2 s. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await tick(20);
  expect(done()).toBe(true);
}

describe('lesson runner', () => {
  it('resolves "highlight node=leader" in the frame at the cue, even when the cue is reported before that frame', async () => {
    const worker = new ScriptedWorker();
    const lab = new LabClient(() => worker as unknown as Worker);
    const runner = new LessonRunner(lab, demo());
    runner.enter(0, true);
    worker.reply(LOADED);
    worker.reply(frame(0, null, false));
    await until(() => worker.commands().some((c) => c.type === 'play-to'));
    // Playing: no leader yet at 400 ms. The worker reaches 1 s, pauses and says so; its frame of that
    // moment waits for the page's acknowledgement of the 400 ms one.
    worker.reply(frame(400, null, true));
    worker.reply({ type: 'stopped', reason: 'cue', message: 'Paused at 1000 ms.' });
    await tick(120);
    expect(runner.question).toBeNull();
    worker.reply(frame(1000, 'n2', false));
    await until(() => runner.question !== null);
    expect(runner.highlightNode).toBe('n2');
    expect(runner.question).toContain('Which node became leader');
    runner.dispose();
    lab.dispose();
  });
});
