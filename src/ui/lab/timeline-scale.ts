/**
 * The timeline's maths, kept out of the component so it can be tested: where a moment goes on the
 * track and back, which times get a tick, and which markers share a spot.
 *
 * The track shows [0, max(frontierMs, MIN_WINDOW_MS)]: the whole recorded run, and never less than
 * two seconds, so the first frames of a run do not stretch one heartbeat across the whole width.
 */
import { scaleLinear } from 'd3';
import type { MarkerKind, TimelineMarker } from '../../worker/lab-protocol';

/** The shortest span the track shows, however little has been recorded. */
export const MIN_WINDOW_MS = 2000;

/** Tick spacings, ascending: 1-2-5 below ten seconds, then steps that are whole in seconds and minutes. */
export const TICK_STEPS_MS: readonly number[] = [
  100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000,
];

/** The track's end moves in steps of about this fraction of the recorded run (see domainEndMs). */
const DOMAIN_STEP_FRACTION = 1 / 8;

/**
 * The end of the track's domain, which starts at 0: the recorded run rounded up to a whole tick
 * step of about an eighth of its length. While a run records, the axis then rescales a few times a
 * second instead of crawling every frame (at 10x every tick, label and marker moved 60 times a second,
 * and the page missed frames redrawing them); the track past the frontier is shown as not yet recorded.
 */
export function domainEndMs(frontierMs: number): number {
  if (!Number.isFinite(frontierMs) || frontierMs < 0) throw new RangeError(`frontierMs must be >= 0, got ${frontierMs}`);
  if (frontierMs <= MIN_WINDOW_MS) return MIN_WINDOW_MS;
  const wanted = frontierMs * DOMAIN_STEP_FRACTION;
  const step = TICK_STEPS_MS.find((s) => s >= wanted) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1]!;
  return Math.ceil(frontierMs / step) * step;
}

/** A moment the user can seek to: [0, frontierMs] (the future past the frontier is not recorded yet). */
export function clampToRecordedMs(ms: number, frontierMs: number): number {
  if (Number.isNaN(ms)) return 0;
  return Math.min(Math.max(0, frontierMs), Math.max(0, ms));
}

export interface TimelineScale {
  readonly domainEndMs: number;
  /** The pixel range: x of 0 ms and x of domainEndMs. */
  readonly startPx: number;
  readonly endPx: number;
  /** x of a moment (moments outside the domain are placed on the track's ends). */
  x(ms: number): number;
  /** The moment at x (x outside the track gives the domain's ends). */
  ms(xPx: number): number;
}

/**
 * Maps [0, domainEndMs(frontierMs)] onto [insetPx, widthPx - insetPx]. The inset leaves room at
 * both ends for the playhead's handle and the first and last tick labels.
 */
export function timelineScale(frontierMs: number, widthPx: number, insetPx = 0): TimelineScale {
  const endMs = domainEndMs(frontierMs);
  const startPx = insetPx;
  // A track narrower than its insets (a collapsed layout) still gets a one-pixel range, not an inverted one.
  const endPx = Math.max(insetPx + 1, widthPx - insetPx);
  const scale = scaleLinear().domain([0, endMs]).range([startPx, endPx]).clamp(true);
  return {
    domainEndMs: endMs,
    startPx,
    endPx,
    x: (ms) => scale(ms),
    ms: (xPx) => scale.invert(xPx),
  };
}

/**
 * Tick positions in ms: multiples of the smallest step in TICK_STEPS_MS that keeps at least
 * `minSpacingPx` between ticks on a track `trackPx` wide. Always includes 0.
 */
export function timeTicks(endMs: number, trackPx: number, minSpacingPx = 80): number[] {
  if (!(endMs > 0)) return [0];
  const maxTicks = Math.max(1, Math.floor(trackPx / minSpacingPx));
  const stepMs = TICK_STEPS_MS.find((step) => endMs / step <= maxTicks) ?? (TICK_STEPS_MS.at(-1) as number);
  const ticks: number[] = [];
  // Bounded: at most maxTicks + 1 ticks for any step that fit, or a few hundred for a 2 h step on a
  // run far beyond what the lab allows.
  for (let i = 0; i * stepMs <= endMs && i <= 1000; i++) ticks.push(i * stepMs);
  return ticks;
}

/** Markers close enough on the track to be drawn as one glyph. */
export interface MarkerGroup {
  readonly kind: MarkerKind;
  /** Sorted by time; the first one is where the group is drawn and where a click seeks. */
  readonly markers: readonly TimelineMarker[];
  readonly count: number;
  /** x of the first marker. */
  readonly xPx: number;
  /**
   * Where to draw the group: xPx, except for violations close together, which are pushed apart
   * (see clusterMarkers) so that each stays visible and can be pointed at.
   */
  readonly drawXPx: number;
  readonly firstMs: number;
  readonly lastMs: number;
}

const KIND_ORDER: readonly MarkerKind[] = ['election', 'fault', 'action', 'violation'];

export interface ClusterOptions {
  /** Markers of one kind closer than this share a group. */
  readonly minGapPx: number;
  /** Violations are drawn at least this far apart... */
  readonly violationGapPx?: number;
  /** ...as long as that moves none of them more than this from its true place. */
  readonly violationMaxShiftPx?: number;
}

/**
 * Groups markers of the same kind that are closer than `minGapPx` on the track. A group starts at
 * its first marker and takes every later marker less than `minGapPx` to the right of that first
 * one, so two groups of one kind are always at least `minGapPx` apart and a long run of close
 * markers becomes several groups, not one wide one.
 *
 * Violations are never grouped: each is its own group, and they come last so a view that draws the
 * groups in order draws violations on top. Violations closer than `violationGapPx` are pushed right
 * (drawXPx) until they are that far apart, so none hides another, unless that would move one more
 * than `violationMaxShiftPx` from its true place (a burst of them: then they may overlap).
 * Other groups come in kind order (election, fault, action), each kind by time.
 */
export function clusterMarkers(
  markers: readonly TimelineMarker[],
  xOf: (ms: number) => number,
  options: ClusterOptions,
): MarkerGroup[] {
  const { minGapPx, violationGapPx = 10, violationMaxShiftPx = 30 } = options;
  const groups: MarkerGroup[] = [];
  for (const kind of KIND_ORDER) {
    const ofKind = markers.filter((m) => m.kind === kind).sort((a, b) => a.atMs - b.atMs || a.step - b.step);
    let current: TimelineMarker[] = [];
    let startPx = 0;
    let previousDrawPx = Number.NEGATIVE_INFINITY;
    const close = (): void => {
      const first = current[0];
      const last = current.at(-1);
      if (first === undefined || last === undefined) return;
      let drawXPx = startPx;
      if (kind === 'violation') {
        const dodgedPx = Math.max(startPx, previousDrawPx + violationGapPx);
        if (dodgedPx - startPx <= violationMaxShiftPx) drawXPx = dodgedPx;
        previousDrawPx = drawXPx;
      }
      groups.push({
        kind,
        markers: current,
        count: current.length,
        xPx: startPx,
        drawXPx,
        firstMs: first.atMs,
        lastMs: last.atMs,
      });
      current = [];
    };
    for (const marker of ofKind) {
      const xPx = xOf(marker.atMs);
      if (current.length > 0 && (kind === 'violation' || xPx - startPx >= minGapPx)) close();
      if (current.length === 0) startPx = xPx;
      current.push(marker);
    }
    close();
  }
  return groups;
}
