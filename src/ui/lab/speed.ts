/**
 * Playback speed and time labels for the lab's transport bar and timeline.
 *
 * Speed is virtual milliseconds per wall millisecond, from SPEED_MIN (1/1000: one virtual
 * millisecond per wall second, slow enough to watch a single message cross a link) to SPEED_MAX
 * (10: ten seconds of cluster time per wall second). Four decades do not fit a linear slider, so
 * the slider is logarithmic, and it snaps to a short list of nice presets: a reader can tell
 * "1/20×" from "1/50×", not 0.047 from 0.052, and the speed shown is then always one of a few
 * values that read well.
 */
import { SPEED_MAX, SPEED_MIN } from '../../worker/lab-protocol';

/** The slider's integer positions are 0..SPEED_SLIDER_MAX (log scale from SPEED_MIN to SPEED_MAX). */
export const SPEED_SLIDER_MAX = 1000;

/** The speeds the slider snaps to, ascending; the first is SPEED_MIN and the last SPEED_MAX. */
export const SPEED_PRESETS: readonly number[] = [
  1 / 1000,
  1 / 500,
  1 / 200,
  1 / 100,
  1 / 50,
  1 / 20,
  1 / 10,
  1 / 5,
  1 / 2,
  1,
  2,
  5,
  10,
];

const LOG_MIN = Math.log10(SPEED_MIN);
const LOG_SPAN = Math.log10(SPEED_MAX) - LOG_MIN;

function assertSpeed(speed: number): void {
  if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`speed must be a positive number, got ${speed}`);
}

/** Clamps a speed to [SPEED_MIN, SPEED_MAX]. */
export function clampSpeed(speed: number): number {
  assertSpeed(speed);
  return Math.min(SPEED_MAX, Math.max(SPEED_MIN, speed));
}

/** The preset nearest to `speed` on the log scale (so 0.03 snaps to 1/50, not to 1/20). */
export function snapSpeed(speed: number): number {
  const logSpeed = Math.log10(clampSpeed(speed));
  let best = SPEED_PRESETS[0] as number;
  for (const preset of SPEED_PRESETS) {
    if (Math.abs(Math.log10(preset) - logSpeed) < Math.abs(Math.log10(best) - logSpeed)) best = preset;
  }
  return best;
}

/** The speed at a slider position (clamped to the slider's range), snapped to a preset. */
export function speedFromSlider(position: number): number {
  if (!Number.isFinite(position)) throw new RangeError(`slider position must be a number, got ${position}`);
  const fraction = Math.min(1, Math.max(0, position / SPEED_SLIDER_MAX));
  return snapSpeed(10 ** (LOG_MIN + fraction * LOG_SPAN));
}

/** The slider position (an integer in 0..SPEED_SLIDER_MAX) that shows `speed`. */
export function sliderFromSpeed(speed: number): number {
  const fraction = (Math.log10(clampSpeed(speed)) - LOG_MIN) / LOG_SPAN;
  return Math.round(fraction * SPEED_SLIDER_MAX);
}

/**
 * The next preset above (`direction` 1) or below (-1) `speed`, or the end preset when there is none.
 * A speed between two presets steps to the neighbouring preset in that direction, never back to itself.
 */
export function stepSpeed(speed: number, direction: 1 | -1): number {
  const clamped = clampSpeed(speed);
  // A relative tolerance, so 1/20 computed as 0.05 or 0.05000000000000001 counts as that preset.
  const same = (preset: number): boolean => Math.abs(preset - clamped) <= preset * 1e-9;
  if (direction === 1) {
    return SPEED_PRESETS.find((p) => p > clamped && !same(p)) ?? SPEED_MAX;
  }
  return [...SPEED_PRESETS].reverse().find((p) => p < clamped && !same(p)) ?? SPEED_MIN;
}

/** "1/20×" for 0.05, "2×" for 2, "1.5×" for 1.5; slower than real time is written as a fraction. */
export function formatSpeed(speed: number): string {
  assertSpeed(speed);
  if (speed >= 1) return `${trimZero(speed.toFixed(1))}×`;
  // Between 1/2 and 1 no fraction 1/n is near; write those (never presets) as decimals.
  if (speed > 0.5 * (1 + 1e-9)) return `${trimZero(speed.toFixed(2))}×`;
  return `1/${Math.round(1 / speed)}×`;
}

function trimZero(text: string): string {
  return text.replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1');
}

const MS_PER_S = 1000;
const S_PER_MIN = 60;

/**
 * A duration for labels: "850 ms" below a second, "12.4 s" (one decimal, ".0" dropped) below a
 * minute, "3 min 05 s" from a minute on. Rounding never produces "1000 ms" or "60 s".
 */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ms must be a non-negative number, got ${ms}`);
  const wholeMs = Math.round(ms);
  if (wholeMs < MS_PER_S) return `${wholeMs} ms`;
  const tenthsOfS = Math.round(ms / 100);
  if (tenthsOfS < S_PER_MIN * 10) return `${trimZero((tenthsOfS / 10).toFixed(1))} s`;
  const wholeS = Math.round(ms / MS_PER_S);
  const minutes = Math.floor(wholeS / S_PER_MIN);
  const seconds = wholeS % S_PER_MIN;
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** The virtual clock as the transport bar shows it: seconds with millisecond precision, "1.234 s". */
export function formatClockMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ms must be a non-negative number, got ${ms}`);
  return `${(ms / MS_PER_S).toFixed(3)} s`;
}
