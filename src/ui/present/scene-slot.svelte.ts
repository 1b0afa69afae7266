/**
 * One lab worker of the presenter (a "slot", src/present/slots.ts): it holds one scene of the deck,
 * prepared in advance at its first cue, so showing the scene is a swap and not a load.
 *
 * Preparing a scene: load its run, then for each cue in turn play until the cue's goal holds (the
 * worker's `solve` command with no actions: computed at once, not paced), noting the moment of every
 * cue; then go back to the first cue's moment. The scene's later cues are then known moments, so
 * "next" plays to a moment (`play-to` at the scene's speed: the audience watches it happen) and lands
 * exactly where the deck's headless test says it does. Off script (after a live operator action), the
 * future is not the prepared one, and "next" plays until the cue's goal itself.
 *
 * The worker's replies are read here too, in order, beside the LabClient's: a command's effect shows
 * in the first frame after its answer (`loaded`, `solved`, `stopped`), so each stage waits for that.
 * No protocol logic: every number shown is the worker's.
 */
import { cueTarget, type DeckScene } from '../../present/deck';
import type { ScenePhase } from '../../present/channel';
import { SPEED_MAX, type LabAction, type LabConfig, type LabReply } from '../../worker/lab-protocol';
import { LabClient } from '../lab/lab-client.svelte';

type Stage =
  | { readonly stage: 'load' }
  | { readonly stage: 'solve'; readonly cue: number }
  | { readonly stage: 'frame'; readonly cue: number }
  | { readonly stage: 'seek-back' };

export type SlotStatus = 'idle' | 'preparing' | 'ready' | 'failed';

export class SceneSlot {
  readonly lab: LabClient;
  /** The scene held (or being prepared), or null. */
  scene = $state.raw<DeckScene | null>(null);
  status = $state<SlotStatus>('idle');
  /** Prepared and never shown live: as good as new (slots.ts). */
  fresh = $state(false);
  /** Why the scene could not be prepared (the worker's message). */
  error = $state<string | null>(null);
  /** Where each cue is (virtual ms), as preparation found it. */
  cueMoments = $state.raw<readonly number[]>([]);
  /** Cues whose goal did not hold within their time (the speaker is told; the audience is not). */
  cueMissed = $state.raw<readonly boolean[]>([]);
  /** The cue the scene stands at, or plays towards. */
  cue = $state(0);
  phase = $state<Exclude<ScenePhase, 'preparing' | 'failed'>>('at-cue');
  /** A live operator action (or a new seed) since the scene was prepared. */
  offScript = $state(false);
  /** Wall time (performance.now) the slot became ready; for the bench and tests. */
  readyAt = $state<number | null>(null);

  #stage: Stage | null = null;
  #moments: number[] = [];
  #missed: boolean[] = [];
  /** A `stopped` arrived while playing to a cue: the next frame is the cue's moment. */
  #awaitingCueFrame = false;
  /** "Next" sped the scene up to finish a cue: put the speed back when it stops. */
  #finishing = false;
  #offScriptWhenReady = false;
  /**
   * Loads sent and not yet answered: a slot prepared again while a load is on its way gets two
   * `loaded` replies, and only the last one is about the scene it now holds.
   */
  #loadsInFlight = 0;

  constructor(makeWorker: () => Worker = defaultWorker) {
    this.lab = new LabClient(() => {
      const worker = makeWorker();
      // Registered before the LabClient's own listener (added after this returns), so a stage
      // change and the LabClient's new snapshot land in the same task.
      worker.addEventListener('message', (event: MessageEvent<LabReply>) => this.#observe(event.data));
      return worker;
    });
  }

  get ready(): boolean {
    return this.status === 'ready';
  }

  /** Loads the scene and plays it through its cues, then back to the first: in the background. */
  prepare(scene: DeckScene, variant: Partial<Pick<LabConfig, 'seed'>> = {}): void {
    this.scene = scene;
    this.status = 'preparing';
    this.fresh = true;
    this.error = null;
    this.cue = 0;
    this.phase = 'at-cue';
    this.offScript = false;
    this.readyAt = null;
    this.#offScriptWhenReady = variant.seed !== undefined;
    this.#moments = [];
    this.#missed = [];
    this.#awaitingCueFrame = false;
    this.#finishing = false;
    this.#stage = { stage: 'load' };
    this.lab.notice = null;
    this.lab.setSpeed(scene.speed);
    this.#loadsInFlight++;
    // The LabClient calls this for a load's error (after #observe has counted it): only the last load's counts.
    this.lab.load({ ...scene.config, ...variant }, 0, (message) => {
      if (this.#loadsInFlight === 0) this.#fail(message);
    });
  }

  /** Plays on to cue `cue` of the scene and pauses there (the audience watches it happen). */
  playToCue(cue: number): void {
    const scene = this.scene;
    if (scene === null || !this.ready) return;
    const target = scene.cues[cue];
    if (target === undefined) return;
    this.cue = cue;
    this.phase = 'to-cue';
    this.#awaitingCueFrame = false;
    const moment = this.cueMoments[cue];
    if (!this.offScript && moment !== undefined) this.lab.playTo({ atMs: moment });
    else if (target.kind === 'at') this.lab.playTo({ atMs: target.atMs });
    else this.lab.playTo({ goal: target.goal, withinMs: target.withinMs });
  }

  /** "Next" while playing to a cue: go to it now (a known moment: jump; a goal off script: at top speed). */
  finishCue(): void {
    const scene = this.scene;
    if (scene === null || this.phase !== 'to-cue') return;
    const target = scene.cues[this.cue];
    const moment = !this.offScript ? this.cueMoments[this.cue] : target?.kind === 'at' ? target.atMs : undefined;
    // Seeking while playing to a moment: the worker's next tick finds the moment reached and stops there.
    if (moment !== undefined) this.lab.seek(moment);
    else {
      this.#finishing = true;
      this.lab.setSpeed(SPEED_MAX);
    }
  }

  /** Shows the moment an earlier cue was reached (from the record: no re-run). */
  seekCue(cue: number): void {
    const moment = this.cueMoments[cue];
    if (moment === undefined) return;
    this.cue = cue;
    this.phase = 'at-cue';
    this.#awaitingCueFrame = false;
    this.#restoreSpeed();
    this.lab.pause();
    this.lab.seek(moment);
  }

  /** Plays or pauses at the scene's speed, off the cues (K). */
  togglePlay(): void {
    if (!this.ready) return;
    this.#restoreSpeed();
    if (this.phase === 'to-cue' || this.lab.playing) {
      this.phase = 'free';
      this.lab.pause();
    } else {
      this.phase = 'free';
      this.lab.play();
    }
  }

  /** A live operator action: the run leaves the script. */
  act(action: LabAction): void {
    if (!this.ready) return;
    this.offScript = true;
    this.lab.act(action);
  }

  /** Playback speed for this scene, off the deck's (the transport bar's slider). */
  setSpeed(speed: number): void {
    this.lab.setSpeed(speed);
  }

  /** One step forward or back, off the cues (the transport bar). */
  step(direction: 1 | -1): void {
    if (!this.ready) return;
    this.phase = 'free';
    this.lab.step(direction);
  }

  /** Marks the slot shown: from now on it is not as prepared. */
  spend(): void {
    this.fresh = false;
  }

  dispose(): void {
    this.#stage = null;
    this.lab.dispose();
  }

  #restoreSpeed(): void {
    if (!this.#finishing || this.scene === null) return;
    this.#finishing = false;
    this.lab.setSpeed(this.scene.speed);
  }

  #fail(message: string): void {
    if (this.#stage === null && this.status !== 'preparing') return;
    this.#stage = null;
    this.status = 'failed';
    this.error = message;
  }

  /** Goes on to cue `index` of the preparation (or, past the last, back to the first cue). */
  #prepareCue(index: number): void {
    const scene = this.scene!;
    if (index >= scene.cues.length) {
      const first = this.#moments[0]!;
      if (this.#moments[this.#moments.length - 1] === first) this.#finishPreparing();
      else {
        this.#stage = { stage: 'seek-back' };
        this.lab.seek(first);
      }
      return;
    }
    const from = index === 0 ? 0 : this.#moments[index - 1]!;
    const target = cueTarget(scene.cues[index]!, from);
    this.#missed[index] = false;
    if (target === null) {
      if (index === 0) {
        // At time 0: the load's own frame is the cue's.
        this.#stage = { stage: 'frame', cue: 0 };
        return;
      }
      this.#moments[index] = from;
      this.#prepareCue(index + 1);
      return;
    }
    this.#stage = { stage: 'solve', cue: index };
    this.lab.solve([], [target.goal], target.withinMs);
  }

  #finishPreparing(): void {
    this.#stage = null;
    this.cueMoments = [...this.#moments];
    this.cueMissed = [...this.#missed];
    this.cue = 0;
    this.phase = 'at-cue';
    this.offScript = this.#offScriptWhenReady;
    this.status = 'ready';
    this.readyAt = performance.now();
  }

  #observe(reply: LabReply): void {
    if (reply.type === 'loaded' || (reply.type === 'error' && !reply.recoverable && this.#loadsInFlight > 0)) {
      this.#loadsInFlight = Math.max(0, this.#loadsInFlight - 1);
      // An answer to an earlier load: the frames after it are of a run this slot no longer holds.
      if (this.#loadsInFlight > 0) return;
    }
    const stage = this.#stage;
    if (stage !== null) {
      if (reply.type === 'error' && (stage.stage === 'load' || !reply.recoverable)) {
        this.#fail(reply.message);
        return;
      }
      switch (stage.stage) {
        case 'load':
          if (reply.type === 'loaded') this.#prepareCue(0);
          return;
        case 'solve':
          if (reply.type === 'solved') {
            this.#missed[stage.cue] = !reply.met;
            this.#stage = { stage: 'frame', cue: stage.cue };
          } else if (reply.type === 'error') this.#fail(reply.message);
          return;
        case 'frame':
          if (reply.type === 'frame') {
            this.#moments[stage.cue] = reply.snapshot.nowMs;
            this.#prepareCue(stage.cue + 1);
          }
          return;
        case 'seek-back':
          if (reply.type === 'frame') this.#finishPreparing();
          return;
        default: {
          const never: never = stage;
          throw new Error(`present: unknown stage ${JSON.stringify(never)}`);
        }
      }
    }
    if (this.status !== 'ready') return;
    if (reply.type === 'stopped') {
      this.#restoreSpeed();
      if (this.phase === 'to-cue') this.#awaitingCueFrame = true;
    } else if (reply.type === 'frame' && this.#awaitingCueFrame) {
      this.#awaitingCueFrame = false;
      this.phase = 'at-cue';
    }
  }
}

function defaultWorker(): Worker {
  return new Worker(new URL('../../worker/lab.worker.ts', import.meta.url), { type: 'module', name: 'faultline-present' });
}
