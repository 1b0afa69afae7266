/**
 * The presenter window and the speaker-notes window talk over a BroadcastChannel (same origin, no
 * network): the presenter owns the position and the talk timer and announces them; the notes window
 * asks for them when it opens and sends navigation commands. Messages are checked on arrival (another
 * tab of the same origin could post anything), and a message that does not check is ignored.
 *
 * Pure: message shapes, their validation, and the talk timer's arithmetic.
 */
import type { NavCommand } from './navigation';

export const CHANNEL_PREFIX = 'faultline-present:';

export function channelName(deckId: string): string {
  return `${CHANNEL_PREFIX}${deckId}`;
}

/** The talk timer: running since `startedAtMs` (wall clock, epoch ms) plus what it counted before a pause. */
export interface TalkTimer {
  readonly startedAtMs: number | null;
  readonly accumulatedMs: number;
}

export const TIMER_STOPPED: TalkTimer = { startedAtMs: null, accumulatedMs: 0 };

export function timerElapsedMs(timer: TalkTimer, nowMs: number): number {
  return timer.accumulatedMs + (timer.startedAtMs === null ? 0 : Math.max(0, nowMs - timer.startedAtMs));
}

export function timerStart(timer: TalkTimer, nowMs: number): TalkTimer {
  return timer.startedAtMs !== null ? timer : { startedAtMs: nowMs, accumulatedMs: timer.accumulatedMs };
}

export function timerPause(timer: TalkTimer, nowMs: number): TalkTimer {
  return timer.startedAtMs === null ? timer : { startedAtMs: null, accumulatedMs: timerElapsedMs(timer, nowMs) };
}

/** "12:05", or "1:02:05" past the hour. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** Where the scene stands: preparing, paused at its cue, playing to it, or running off script. */
export type ScenePhase = 'preparing' | 'at-cue' | 'to-cue' | 'free' | 'failed';
const PHASES: readonly ScenePhase[] = ['preparing', 'at-cue', 'to-cue', 'free', 'failed'];

export interface PresenterState {
  readonly deck: string;
  readonly scene: number;
  readonly cue: number;
  readonly phase: ScenePhase;
  /** An operator action was taken live since the scene opened. */
  readonly offScript: boolean;
  /** Virtual time shown when the state was sent (null while preparing). */
  readonly nowMs: number | null;
  readonly timer: TalkTimer;
  readonly blank: boolean;
}

export type NotesCommand =
  | { readonly type: 'nav'; readonly command: NavCommand }
  | { readonly type: 'toggle-play' }
  | { readonly type: 'blank' }
  | { readonly type: 'timer'; readonly action: 'start' | 'pause' | 'reset' };

export type ChannelMessage =
  /** Presenter to notes: where the talk is. */
  | { readonly type: 'state'; readonly state: PresenterState }
  /** Notes to presenter: send me the state. */
  | { readonly type: 'hello' }
  /** Notes to presenter: do this. */
  | { readonly type: 'command'; readonly command: NotesCommand }
  /** Presenter to notes: the presenter window is closing. */
  | { readonly type: 'bye' };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function count(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function parseNav(v: unknown): NavCommand | null {
  if (!isRecord(v)) return null;
  switch (v.type) {
    case 'next':
    case 'prev':
    case 'first':
    case 'last':
    case 'reset':
      return { type: v.type };
    case 'goto':
      return count(v.scene) ? { type: 'goto', scene: v.scene } : null;
    default:
      return null;
  }
}

function parseTimer(v: unknown): TalkTimer | null {
  if (!isRecord(v)) return null;
  const started = v.startedAtMs;
  if (!(started === null || (typeof started === 'number' && Number.isFinite(started)))) return null;
  if (!(typeof v.accumulatedMs === 'number' && Number.isFinite(v.accumulatedMs) && v.accumulatedMs >= 0)) return null;
  return { startedAtMs: started, accumulatedMs: v.accumulatedMs };
}

/** A message as received, checked; null for anything else. */
export function parseChannelMessage(data: unknown): ChannelMessage | null {
  if (!isRecord(data)) return null;
  switch (data.type) {
    case 'hello':
    case 'bye':
      return { type: data.type };
    case 'command': {
      const c = data.command;
      if (!isRecord(c)) return null;
      if (c.type === 'nav') {
        const command = parseNav(c.command);
        return command === null ? null : { type: 'command', command: { type: 'nav', command } };
      }
      if (c.type === 'toggle-play' || c.type === 'blank') return { type: 'command', command: { type: c.type } };
      if (c.type === 'timer' && (c.action === 'start' || c.action === 'pause' || c.action === 'reset')) return { type: 'command', command: { type: 'timer', action: c.action } };
      return null;
    }
    case 'state': {
      const s = data.state;
      if (!isRecord(s)) return null;
      const timer = parseTimer(s.timer);
      if (
        typeof s.deck !== 'string' || !count(s.scene) || !count(s.cue) || !(PHASES as readonly unknown[]).includes(s.phase) ||
        typeof s.offScript !== 'boolean' || typeof s.blank !== 'boolean' || timer === null ||
        !(s.nowMs === null || (typeof s.nowMs === 'number' && Number.isFinite(s.nowMs)))
      ) {
        return null;
      }
      return {
        type: 'state',
        state: { deck: s.deck, scene: s.scene, cue: s.cue, phase: s.phase as ScenePhase, offScript: s.offScript, nowMs: s.nowMs as number | null, timer, blank: s.blank },
      };
    }
    default:
      return null;
  }
}
