/**
 * Presenter mode's state: the deck, the position (scene, cue), the lab workers holding scenes
 * (SceneSlot, planned by src/present/slots.ts), the talk timer, and the BroadcastChannel to the notes
 * window. Navigation is decided by src/present/navigation.ts; this class performs its effects.
 *
 * Entering a scene makes a prepared slot live at once; the slots to prepare next (the next scene, a
 * fresh copy of this one, the previous one) start only once the new scene has been drawn, so their
 * work in the background never competes with the frame the audience is waiting for.
 */
import {
  channelName, parseChannelMessage, timerPause, timerStart, TIMER_STOPPED,
  type ChannelMessage, type NotesCommand, type PresenterState, type ScenePhase, type TalkTimer,
} from '../../present/channel';
import type { Deck, DeckScene } from '../../present/deck';
import { navigate, type NavCommand, type NavPosition } from '../../present/navigation';
import { planSlots, SLOT_COUNT } from '../../present/slots';
import type { LabAction } from '../../worker/lab-protocol';
import { SceneSlot } from './scene-slot.svelte';

/** Preparations wait this long after the new scene was drawn (two animation frames) before starting. */
const PREFETCH_DELAY_MS = 120;

export interface PresenterOptions {
  /** The id the URL names the deck by (`local` for a deck opened from a file): the channel's name. */
  readonly routeId: string;
  readonly makeWorker?: () => Worker;
  /** Wall clock for the talk timer (epoch ms). */
  readonly now?: () => number;
}

export class Presenter {
  readonly deck: Deck;
  readonly routeId: string;
  readonly slots: readonly SceneSlot[];
  liveIndex = $state<number | null>(null);
  position = $state.raw<NavPosition>({ scene: 0, cue: 0 });
  timer = $state.raw<TalkTimer>(TIMER_STOPPED);
  /** The screen is blanked (B or .): the audience sees black, the notes window still works. */
  blank = $state(false);
  /** Scene entries so far (tests and the bench read it through the page's data attributes). */
  entries = $state(0);
  /** performance.now() of the last navigation that swapped scenes, for the bench. */
  lastEnterAt = $state<number | null>(null);
  /** Preparations planned but not started yet (they wait for the new scene to be drawn). */
  pendingCount = $state(0);

  get live(): SceneSlot | null {
    return this.liveIndex === null ? null : (this.slots[this.liveIndex] ?? null);
  }

  get scene(): DeckScene {
    return this.deck.scenes[this.position.scene]!;
  }

  /** Where the live scene stands, as the notes window and the page say it. */
  get phase(): ScenePhase {
    const slot = this.live;
    if (slot === null || slot.status === 'preparing' || slot.status === 'idle') return 'preparing';
    if (slot.status === 'failed') return 'failed';
    return slot.phase;
  }

  #pending: ReadonlyArray<{ readonly slot: number; readonly scene: number }> = [];
  #prefetchTimer: ReturnType<typeof setTimeout> | null = null;
  #channel: BroadcastChannel | null = null;
  #now: () => number;

  constructor(deck: Deck, options: PresenterOptions) {
    this.deck = deck;
    this.routeId = options.routeId;
    this.#now = options.now ?? Date.now;
    this.slots = Array.from({ length: Math.min(SLOT_COUNT, Math.max(2, deck.scenes.length + 1)) }, () => new SceneSlot(options.makeWorker));
  }

  /** Opens the deck at a scene (0-based) and starts listening to the notes window. */
  start(scene: number): void {
    this.#enter(scene);
    this.position = { scene, cue: 0 };
    if (typeof BroadcastChannel === 'function') {
      this.#channel = new BroadcastChannel(channelName(this.routeId));
      this.#channel.onmessage = (event: MessageEvent) => this.#onChannel(parseChannelMessage(event.data));
    }
  }

  /** The window is going away (closed, or navigated): the notes window stops following it. */
  goodbye(): void {
    this.#post({ type: 'bye' });
  }

  dispose(): void {
    if (this.#prefetchTimer !== null) clearTimeout(this.#prefetchTimer);
    this.#post({ type: 'bye' });
    this.#channel?.close();
    this.#channel = null;
    for (const s of this.slots) s.dispose();
  }

  command(command: NavCommand): void {
    const live = this.live;
    const cueCounts = this.deck.scenes.map((s) => s.cues.length);
    // While the live scene is still preparing, only scene moves make sense.
    const settled = live !== null && live.ready;
    const { position, effect } = navigate(cueCounts, this.position, settled && live.phase === 'to-cue', command);
    switch (effect.kind) {
      case 'none':
        return;
      case 'enter':
        this.#enter(effect.scene);
        break;
      case 'play-to-cue':
        if (!settled) return;
        live.playToCue(effect.cue);
        break;
      case 'finish-cue':
        live?.finishCue();
        break;
      case 'seek-cue':
        if (!settled) return;
        live.seekCue(effect.cue);
        break;
      default: {
        const never: never = effect;
        throw new Error(`present: unknown effect ${JSON.stringify(never)}`);
      }
    }
    this.position = position;
    // The talk starts with its first move forward (the notes window can also start the timer).
    if (command.type === 'next' && this.timer.startedAtMs === null && this.timer.accumulatedMs === 0) this.timer = timerStart(this.timer, this.#now());
  }

  togglePlay(): void {
    this.live?.togglePlay();
  }

  act(action: LabAction): void {
    this.live?.act(action);
  }

  /** The same scene with another seed (off script): prepared in the live slot. */
  newSeed(seed: number): void {
    const live = this.live;
    if (live === null) return;
    live.prepare(this.scene, { seed });
    live.spend();
    this.position = { scene: this.position.scene, cue: 0 };
  }

  timerCommand(action: 'start' | 'pause' | 'reset'): void {
    const now = this.#now();
    this.timer = action === 'start' ? timerStart(this.timer, now) : action === 'pause' ? timerPause(this.timer, now) : TIMER_STOPPED;
  }

  /** What the notes window is told. */
  state(): PresenterState {
    const live = this.live;
    const phase = this.phase;
    const snap = live?.lab.snapshot ?? null;
    return {
      deck: this.routeId,
      scene: this.position.scene,
      cue: this.position.cue,
      phase,
      offScript: live?.offScript ?? false,
      nowMs: phase === 'at-cue' && snap !== null ? Math.floor(snap.nowMs) : null,
      timer: this.timer,
      blank: this.blank,
    };
  }

  /** Tells the notes window where the talk is (the page calls it whenever the state changes). */
  broadcast(): void {
    this.#post({ type: 'state', state: this.state() });
  }

  #post(message: ChannelMessage): void {
    try {
      this.#channel?.postMessage(message);
    } catch {
      /* the channel is closed: the notes window will ask again */
    }
  }

  #onChannel(message: ChannelMessage | null): void {
    if (message === null) return;
    switch (message.type) {
      case 'hello':
        this.broadcast();
        return;
      case 'command':
        this.#notesCommand(message.command);
        return;
      case 'state':
      case 'bye':
        // Another presenter window of the same deck: nothing to do (the notes window follows the last one).
        return;
      default: {
        const never: never = message;
        throw new Error(`present: unknown channel message ${JSON.stringify(never)}`);
      }
    }
  }

  #notesCommand(command: NotesCommand): void {
    switch (command.type) {
      case 'nav':
        this.command(command.command);
        return;
      case 'toggle-play':
        this.togglePlay();
        return;
      case 'blank':
        this.blank = !this.blank;
        return;
      case 'timer':
        this.timerCommand(command.action);
        return;
      default: {
        const never: never = command;
        throw new Error(`present: unknown notes command ${JSON.stringify(never)}`);
      }
    }
  }

  #enter(scene: number): void {
    const infos = this.slots.map((s) => ({ scene: s.scene?.index ?? null, fresh: s.fresh && s.status !== 'failed', ready: s.ready }));
    const plan = planSlots(infos, this.liveIndex, scene, this.deck.scenes.length);
    const previous = this.live;
    const now = plan.prepare.filter((p) => p.slot === plan.live);
    for (const p of now) this.slots[p.slot]!.prepare(this.deck.scenes[p.scene]!);
    previous?.spend();
    this.liveIndex = plan.live;
    this.slots[plan.live]!.spend();
    // A slot that was live keeps playing in the background otherwise.
    if (previous !== null && previous !== this.live && previous.lab.playing) previous.lab.pause();
    this.entries++;
    this.lastEnterAt = performance.now();
    this.#pending = plan.prepare.filter((p) => p.slot !== plan.live);
    this.pendingCount = this.#pending.length;
    this.#schedulePrefetch();
  }

  /** Starts the pending preparations once the live scene is ready and drawn. */
  #schedulePrefetch(): void {
    if (this.#prefetchTimer !== null) clearTimeout(this.#prefetchTimer);
    this.#prefetchTimer = null;
    const tryStart = (): void => {
      this.#prefetchTimer = null;
      const live = this.live;
      if (live !== null && live.status === 'preparing') {
        this.#prefetchTimer = setTimeout(tryStart, 50);
        return;
      }
      const afterPaint = (): void => {
        this.#prefetchTimer = setTimeout(() => {
          this.#prefetchTimer = null;
          const pending = this.#pending;
          this.#pending = [];
          this.pendingCount = 0;
          for (const p of pending) if (p.slot !== this.liveIndex) this.slots[p.slot]!.prepare(this.deck.scenes[p.scene]!);
        }, PREFETCH_DELAY_MS);
      };
      if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') requestAnimationFrame(() => requestAnimationFrame(afterPaint));
      else afterPaint();
    };
    tryStart();
  }
}
