import { describe, expect, it } from 'vitest';
import type { MarkerKind, TimelineMarker } from '../../worker/lab-protocol';
import {
  MIN_WINDOW_MS,
  clampToRecordedMs,
  clusterMarkers,
  domainEndMs,
  timeTicks,
  timelineScale,
} from './timeline-scale';

const marker = (kind: MarkerKind, atMs: number, step = atMs): TimelineMarker => ({
  kind,
  atMs,
  step,
  label: `${kind} at ${atMs}`,
});

describe('timeline domain and scale', () => {
  it('shows at least MIN_WINDOW_MS, and the whole recording beyond it', () => {
    expect(domainEndMs(0)).toBe(MIN_WINDOW_MS);
    expect(domainEndMs(500)).toBe(MIN_WINDOW_MS);
    // Beyond it, the recording rounded up to a tick step of about an eighth of it (here 2 s).
    expect(domainEndMs(12_345)).toBe(14_000);
    expect(domainEndMs(14_000)).toBe(14_000);
    expect(domainEndMs(3_600_000)).toBe(3_600_000);
    expect(() => domainEndMs(-1)).toThrow(RangeError);
  });

  it('moves the end a few times while a run records, not with every frame, and always past the frontier', () => {
    const ends = new Set<number>();
    for (let frontier = 10_000; frontier <= 20_000; frontier += 16) {
      const end = domainEndMs(frontier);
      expect(end).toBeGreaterThanOrEqual(frontier);
      expect(end).toBeLessThan(frontier * 1.26);
      ends.add(end);
    }
    expect(ends.size).toBeLessThanOrEqual(6);
  });

  it('maps ms to x inside the insets and back', () => {
    const scale = timelineScale(10_000, 1020, 10);
    expect(scale.x(0)).toBe(10);
    expect(scale.x(10_000)).toBe(1010);
    expect(scale.x(5000)).toBe(510);
    expect(scale.ms(510)).toBe(5000);
    expect(scale.ms(scale.x(1234))).toBeCloseTo(1234, 6);
  });

  it('uses the minimum window early in a run', () => {
    const scale = timelineScale(100, 200);
    expect(scale.domainEndMs).toBe(MIN_WINDOW_MS);
    expect(scale.x(1000)).toBe(100);
  });

  it('clamps both ways to the track', () => {
    const scale = timelineScale(10_000, 1020, 10);
    expect(scale.x(-50)).toBe(10);
    expect(scale.x(20_000)).toBe(1010);
    expect(scale.ms(0)).toBe(0);
    expect(scale.ms(5000)).toBe(10_000);
  });

  it('survives a track narrower than its insets', () => {
    const scale = timelineScale(10_000, 0, 10);
    expect(scale.endPx).toBeGreaterThan(scale.startPx);
    expect(Number.isFinite(scale.ms(5))).toBe(true);
  });

  it('clamps seeks to the recorded part', () => {
    expect(clampToRecordedMs(-5, 1000)).toBe(0);
    expect(clampToRecordedMs(1500, 1000)).toBe(1000);
    expect(clampToRecordedMs(700, 1000)).toBe(700);
    expect(clampToRecordedMs(700, 0)).toBe(0);
    expect(clampToRecordedMs(Number.NaN, 1000)).toBe(0);
  });
});

describe('timeTicks', () => {
  it('picks the smallest nice step that keeps ticks apart', () => {
    // 2 s on 800 px: at most 10 ticks, so 200 ms steps (2000/200 = 10).
    expect(timeTicks(2000, 800)).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000]);
    // 2 s on 400 px: at most 5 ticks, so 500 ms steps.
    expect(timeTicks(2000, 400)).toEqual([0, 500, 1000, 1500, 2000]);
  });

  it('uses whole minutes for long runs', () => {
    const ticks = timeTicks(10 * 60_000, 800);
    expect(ticks).toEqual([0, 60_000, 120_000, 180_000, 240_000, 300_000, 360_000, 420_000, 480_000, 540_000, 600_000]);
  });

  it('keeps every tick within the domain and at least minSpacing apart', () => {
    for (const endMs of [2000, 3333, 17_500, 61_000, 250_000, 1_000_000]) {
      for (const trackPx of [120, 333, 800, 1600]) {
        const ticks = timeTicks(endMs, trackPx, 80);
        expect(ticks[0]).toBe(0);
        expect(ticks.at(-1)).toBeLessThanOrEqual(endMs);
        if (ticks.length > 1) {
          const stepPx = ((ticks[1] as number) / endMs) * trackPx;
          expect(stepPx).toBeGreaterThanOrEqual(80 - 1e-9);
        }
      }
    }
  });

  it('gives a lone 0 for an empty domain', () => {
    expect(timeTicks(0, 800)).toEqual([0]);
  });
});

describe('clusterMarkers', () => {
  const identity = (ms: number): number => ms;

  it('groups markers of one kind closer than the gap, and counts them', () => {
    const groups = clusterMarkers([marker('election', 100), marker('election', 105), marker('election', 200)], identity, { minGapPx: 10 });
    expect(groups.map((g) => [g.kind, g.count, g.xPx, g.firstMs, g.lastMs])).toEqual([
      ['election', 2, 100, 100, 105],
      ['election', 1, 200, 200, 200],
    ]);
  });

  it('does not chain: a long run of close markers becomes several groups', () => {
    const markers = [0, 4, 8, 12, 16, 20].map((ms) => marker('fault', ms));
    const groups = clusterMarkers(markers, identity, { minGapPx: 10 });
    expect(groups.map((g) => g.count)).toEqual([3, 3]);
    expect(groups.map((g) => g.xPx)).toEqual([0, 12]);
  });

  it('keeps markers exactly the gap apart separate', () => {
    const groups = clusterMarkers([marker('action', 0), marker('action', 10)], identity, { minGapPx: 10 });
    expect(groups.map((g) => g.count)).toEqual([1, 1]);
  });

  it('never merges different kinds', () => {
    const groups = clusterMarkers([marker('election', 50), marker('fault', 50), marker('action', 50)], identity, { minGapPx: 10 });
    expect(groups.map((g) => g.kind)).toEqual(['election', 'fault', 'action']);
  });

  it('never clusters violations away, and puts them last (drawn on top)', () => {
    const groups = clusterMarkers(
      [marker('violation', 100), marker('violation', 101), marker('election', 100), marker('election', 102)],
      identity,
      { minGapPx: 10 },
    );
    expect(groups.map((g) => [g.kind, g.count])).toEqual([
      ['election', 2],
      ['violation', 1],
      ['violation', 1],
    ]);
  });

  it('pushes close violations apart so each can be seen and pointed at', () => {
    const groups = clusterMarkers(
      [marker('violation', 100), marker('violation', 104), marker('violation', 106), marker('violation', 300)],
      identity,
      { minGapPx: 18, violationGapPx: 10, violationMaxShiftPx: 30 },
    );
    expect(groups.map((g) => g.xPx)).toEqual([100, 104, 106, 300]);
    expect(groups.map((g) => g.drawXPx)).toEqual([100, 110, 120, 300]);
  });

  it('lets a burst of violations overlap rather than drift far from their time', () => {
    const groups = clusterMarkers(
      [0, 1, 2, 3, 4, 5].map((ms) => marker('violation', 100 + ms)),
      identity,
      { minGapPx: 18, violationGapPx: 10, violationMaxShiftPx: 30 },
    );
    // 100, 110, 120, 130 (shift 27 <= 30); then 140 would be 36 from 104: it stays at 104, and so on.
    const shifts = groups.map((g) => g.drawXPx - g.xPx);
    expect(shifts.every((shift) => shift >= 0 && shift <= 30)).toBe(true);
    expect(groups).toHaveLength(6);
  });

  it('draws other groups where they are', () => {
    const groups = clusterMarkers([marker('fault', 100), marker('fault', 102)], identity, { minGapPx: 10 });
    expect(groups[0]?.drawXPx).toBe(100);
  });

  it('sorts by time whatever order the markers came in, then by step', () => {
    const groups = clusterMarkers(
      [marker('election', 300), marker('election', 100, 7), marker('election', 100, 3)],
      identity,
      { minGapPx: 10 },
    );
    expect(groups[0]?.markers.map((m) => m.step)).toEqual([3, 7]);
    expect(groups.map((g) => g.firstMs)).toEqual([100, 300]);
  });

  it('uses the pixel positions it is given, not the times', () => {
    const scale = timelineScale(100_000, 1000);
    // 500 ms apart is 5 px on this track: one group at an 8 px gap.
    const groups = clusterMarkers([marker('fault', 10_000), marker('fault', 10_500)], scale.x, { minGapPx: 8 });
    expect(groups).toHaveLength(1);
    expect(groups[0]?.count).toBe(2);
  });

  it('returns nothing for no markers', () => {
    expect(clusterMarkers([], identity, { minGapPx: 10 })).toEqual([]);
  });
});
