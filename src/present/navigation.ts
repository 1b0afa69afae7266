/**
 * Moving through a deck, as pure functions: where a command (next, back, reset, go to) takes the
 * presenter, and what the page must do to get there. The page (src/ui/present/presenter.svelte.ts)
 * keeps the position and performs the effect; it never decides navigation itself, so the keys, the
 * notes window and the tests all agree.
 *
 * A position is (scene, cue). A scene opens at its first cue (prepared in advance, so showing it is
 * a swap); "next" plays to the scene's next cue, or, after the last cue, opens the next scene; "back"
 * returns to the previous cue's moment (from the lab's record: instant), or, at the first cue, opens
 * the previous scene at its first cue.
 */

export interface NavPosition {
  /** 0-based scene index. */
  readonly scene: number;
  /** 0-based cue index within the scene. */
  readonly cue: number;
}

export type NavCommand =
  | { readonly type: 'next' }
  | { readonly type: 'prev' }
  | { readonly type: 'first' }
  | { readonly type: 'last' }
  /** 0-based scene index. */
  | { readonly type: 'goto'; readonly scene: number }
  /** Back to the scene's first cue, as prepared (off-script actions undone). */
  | { readonly type: 'reset' };

export type NavEffect =
  | { readonly kind: 'none' }
  /** Show `scene` at its first cue (a prepared copy, swapped in). */
  | { readonly kind: 'enter'; readonly scene: number }
  /** Play the scene on to this cue and pause there. */
  | { readonly kind: 'play-to-cue'; readonly cue: number }
  /** "Next" while the scene is still playing to its cue: get there now. */
  | { readonly kind: 'finish-cue' }
  /** Show the moment this (earlier) cue was reached. */
  | { readonly kind: 'seek-cue'; readonly cue: number };

export interface NavResult {
  readonly position: NavPosition;
  readonly effect: NavEffect;
}

/**
 * Where `command` goes from `at`. `cueCounts[i]` is scene i's number of cues (each at least 1);
 * `playingToCue` is true while the scene is still on its way to cue `at.cue`.
 */
export function navigate(cueCounts: readonly number[], at: NavPosition, playingToCue: boolean, command: NavCommand): NavResult {
  const scenes = cueCounts.length;
  const stay: NavResult = { position: at, effect: { kind: 'none' } };
  if (scenes === 0) return stay;
  const enter = (scene: number): NavResult => ({ position: { scene, cue: 0 }, effect: { kind: 'enter', scene } });
  switch (command.type) {
    case 'next': {
      if (playingToCue) return { position: at, effect: { kind: 'finish-cue' } };
      if (at.cue + 1 < (cueCounts[at.scene] ?? 1)) return { position: { scene: at.scene, cue: at.cue + 1 }, effect: { kind: 'play-to-cue', cue: at.cue + 1 } };
      return at.scene + 1 < scenes ? enter(at.scene + 1) : stay;
    }
    case 'prev': {
      if (at.cue > 0) return { position: { scene: at.scene, cue: at.cue - 1 }, effect: { kind: 'seek-cue', cue: at.cue - 1 } };
      // At the first cue but still playing towards it cannot happen: the first cue is prepared.
      return at.scene > 0 ? enter(at.scene - 1) : stay;
    }
    case 'first':
      return enter(0);
    case 'last':
      return enter(scenes - 1);
    case 'goto':
      return Number.isInteger(command.scene) && command.scene >= 0 && command.scene < scenes ? enter(command.scene) : stay;
    case 'reset':
      return enter(at.scene);
    default: {
      const never: never = command;
      throw new Error(`present: unknown navigation command ${JSON.stringify(never)}`);
    }
  }
}

/** The scene a URL's `scene` names (1-based), as a 0-based index, or why it names none. Absent: the first. */
export function resolveScene(param: string | null, sceneCount: number): { ok: true; index: number } | { ok: false; message: string } {
  if (param === null || param === '') return { ok: true, index: 0 };
  const n = /^\d{1,3}$/.test(param) ? Number(param) : NaN;
  if (!(n >= 1 && n <= sceneCount)) return { ok: false, message: `This deck has scenes 1 to ${sceneCount}; there is no scene "${param.slice(0, 20)}".` };
  return { ok: true, index: n - 1 };
}

/** The presenter's URL for a deck and a scene (0-based index; shown 1-based). */
export function presentUrl(deck: string, scene = 0): string {
  return `?view=present&deck=${encodeURIComponent(deck)}&scene=${scene + 1}`;
}

export function notesUrl(deck: string): string {
  return `?view=notes&deck=${encodeURIComponent(deck)}`;
}

export interface KeyLike {
  readonly key: string;
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey?: boolean;
}

/** What a key does in presenter mode (and the notes window), or null when it is not one of ours. */
export type KeyIntent =
  | { readonly kind: 'nav'; readonly command: NavCommand }
  | { readonly kind: 'toggle-play' }
  | { readonly kind: 'actions' }
  | { readonly kind: 'fullscreen' }
  | { readonly kind: 'theme' }
  | { readonly kind: 'blank' }
  | { readonly kind: 'notes' }
  | { readonly kind: 'help' }
  | { readonly kind: 'close' }
  | { readonly kind: 'digit'; readonly digit: number }
  | { readonly kind: 'enter' };

/**
 * The keys (docs/PRESENTING.md): clickers send Page Down / Page Up (some send arrows or Space), so
 * all of those move; R resets the scene; K plays or pauses off-script; A opens the operator actions.
 * Modified keys (Ctrl, Alt, Meta) are left to the browser.
 */
export function keyIntent(event: KeyLike): KeyIntent | null {
  if (event.altKey || event.ctrlKey || event.metaKey) return null;
  switch (event.key) {
    case ' ':
    case 'PageDown':
    case 'ArrowRight':
    case 'ArrowDown':
    case 'n':
    case 'N':
      return { kind: 'nav', command: { type: 'next' } };
    case 'PageUp':
    case 'ArrowLeft':
    case 'ArrowUp':
    case 'Backspace':
    case 'p':
    case 'P':
      return { kind: 'nav', command: { type: 'prev' } };
    case 'Home':
      return { kind: 'nav', command: { type: 'first' } };
    case 'End':
      return { kind: 'nav', command: { type: 'last' } };
    case 'r':
    case 'R':
      return { kind: 'nav', command: { type: 'reset' } };
    case 'k':
    case 'K':
      return { kind: 'toggle-play' };
    case 'a':
    case 'A':
      return { kind: 'actions' };
    case 'f':
    case 'F':
      return { kind: 'fullscreen' };
    case 't':
    case 'T':
      return { kind: 'theme' };
    case 'b':
    case 'B':
    case '.':
      return { kind: 'blank' };
    case 's':
    case 'S':
      return { kind: 'notes' };
    case '?':
      return { kind: 'help' };
    case 'Escape':
      return { kind: 'close' };
    case 'Enter':
      return { kind: 'enter' };
    default:
      return /^[0-9]$/.test(event.key) ? { kind: 'digit', digit: Number(event.key) } : null;
  }
}

/** Typing a scene number then Enter jumps there (PowerPoint's habit): the digits typed so far, bounded. */
export function appendDigit(buffer: string, digit: number): string {
  return `${buffer}${digit}`.slice(-3);
}
