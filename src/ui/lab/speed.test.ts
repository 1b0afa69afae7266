import { describe, expect, it } from 'vitest';
import { SPEED_DEFAULT, SPEED_MAX, SPEED_MIN } from '../../worker/lab-protocol';
import {
  SPEED_PRESETS,
  SPEED_SLIDER_MAX,
  formatClockMs,
  formatMs,
  formatSpeed,
  sliderFromSpeed,
  snapSpeed,
  speedFromSlider,
  stepSpeed,
} from './speed';

describe('speed slider', () => {
  it('spans SPEED_MIN to SPEED_MAX', () => {
    expect(speedFromSlider(0)).toBe(SPEED_MIN);
    expect(speedFromSlider(SPEED_SLIDER_MAX)).toBe(SPEED_MAX);
    expect(sliderFromSpeed(SPEED_MIN)).toBe(0);
    expect(sliderFromSpeed(SPEED_MAX)).toBe(SPEED_SLIDER_MAX);
  });

  it('is logarithmic: real time sits three quarters of the way (three of four decades)', () => {
    expect(sliderFromSpeed(1)).toBe(750);
    expect(sliderFromSpeed(0.01)).toBe(250);
    expect(speedFromSlider(750)).toBe(1);
  });

  it('clamps positions and speeds outside the range', () => {
    expect(speedFromSlider(-50)).toBe(SPEED_MIN);
    expect(speedFromSlider(5000)).toBe(SPEED_MAX);
    expect(sliderFromSpeed(100)).toBe(SPEED_SLIDER_MAX);
    expect(sliderFromSpeed(1e-6)).toBe(0);
  });

  it('returns only presets, for every position', () => {
    for (let position = 0; position <= SPEED_SLIDER_MAX; position++) {
      expect(SPEED_PRESETS).toContain(speedFromSlider(position));
    }
  });

  it('round-trips every preset through its slider position', () => {
    for (const preset of SPEED_PRESETS) {
      expect(speedFromSlider(sliderFromSpeed(preset))).toBe(preset);
    }
  });

  it('moves monotonically: a position to the right is never slower', () => {
    let previous = speedFromSlider(0);
    for (let position = 1; position <= SPEED_SLIDER_MAX; position++) {
      const speed = speedFromSlider(position);
      expect(speed).toBeGreaterThanOrEqual(previous);
      previous = speed;
    }
  });

  it('the default speed is a preset', () => {
    expect(SPEED_PRESETS).toContain(SPEED_DEFAULT);
    expect(snapSpeed(SPEED_DEFAULT)).toBe(SPEED_DEFAULT);
  });

  it('snaps on the log scale, to the nearest preset by ratio', () => {
    expect(snapSpeed(0.03)).toBe(1 / 50); // 0.03/0.02 = 1.5 < 0.05/0.03 = 1.67
    expect(snapSpeed(0.04)).toBe(1 / 20);
    expect(snapSpeed(1.3)).toBe(1);
    expect(snapSpeed(1.5)).toBe(2);
    expect(snapSpeed(7)).toBe(5);
    expect(snapSpeed(8)).toBe(10);
  });

  it('steps preset to preset and stops at the ends', () => {
    expect(stepSpeed(1 / 20, 1)).toBe(1 / 10);
    expect(stepSpeed(1 / 20, -1)).toBe(1 / 50);
    expect(stepSpeed(0.05000000000000001, 1)).toBe(1 / 10);
    expect(stepSpeed(SPEED_MAX, 1)).toBe(SPEED_MAX);
    expect(stepSpeed(SPEED_MIN, -1)).toBe(SPEED_MIN);
    // Between presets: to the neighbour in that direction.
    expect(stepSpeed(0.03, 1)).toBe(1 / 20);
    expect(stepSpeed(0.03, -1)).toBe(1 / 50);
  });

  it('rejects speeds that are not positive numbers', () => {
    expect(() => snapSpeed(0)).toThrow(RangeError);
    expect(() => snapSpeed(Number.NaN)).toThrow(RangeError);
    expect(() => speedFromSlider(Number.NaN)).toThrow(RangeError);
  });
});

describe('formatSpeed', () => {
  it('writes slow speeds as fractions and fast ones as multiples', () => {
    expect(formatSpeed(0.05)).toBe('1/20×');
    expect(formatSpeed(2)).toBe('2×');
    expect(formatSpeed(1)).toBe('1×');
    expect(formatSpeed(0.001)).toBe('1/1000×');
    expect(formatSpeed(0.5)).toBe('1/2×');
    expect(formatSpeed(10)).toBe('10×');
    expect(formatSpeed(1.5)).toBe('1.5×');
  });

  it('labels every preset differently', () => {
    const labels = SPEED_PRESETS.map(formatSpeed);
    expect(new Set(labels).size).toBe(SPEED_PRESETS.length);
    expect(labels).toEqual([
      '1/1000×',
      '1/500×',
      '1/200×',
      '1/100×',
      '1/50×',
      '1/20×',
      '1/10×',
      '1/5×',
      '1/2×',
      '1×',
      '2×',
      '5×',
      '10×',
    ]);
  });

  it('writes speeds between 1/2 and 1 as decimals', () => {
    expect(formatSpeed(0.75)).toBe('0.75×');
    expect(formatSpeed(0.6)).toBe('0.6×');
  });
});

describe('formatMs', () => {
  it('uses ms below a second', () => {
    expect(formatMs(0)).toBe('0 ms');
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(849.6)).toBe('850 ms');
  });

  it('uses seconds with one decimal below a minute', () => {
    expect(formatMs(12_400)).toBe('12.4 s');
    expect(formatMs(12_449)).toBe('12.4 s');
    expect(formatMs(1000)).toBe('1 s');
    expect(formatMs(1500)).toBe('1.5 s');
    expect(formatMs(59_900)).toBe('59.9 s');
  });

  it('uses minutes and zero-padded seconds from a minute on', () => {
    expect(formatMs(185_000)).toBe('3 min 05 s');
    expect(formatMs(60_000)).toBe('1 min 00 s');
    expect(formatMs(61_400)).toBe('1 min 01 s');
    expect(formatMs(3_599_000)).toBe('59 min 59 s');
  });

  it('never rounds up to "1000 ms" or "60 s"', () => {
    expect(formatMs(999.6)).toBe('1 s');
    expect(formatMs(59_960)).toBe('1 min 00 s');
    expect(formatMs(119_600)).toBe('2 min 00 s');
  });

  it('rejects negative and non-finite durations', () => {
    expect(() => formatMs(-1)).toThrow(RangeError);
    expect(() => formatMs(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('formatClockMs', () => {
  it('shows seconds with millisecond precision', () => {
    expect(formatClockMs(1234)).toBe('1.234 s');
    expect(formatClockMs(0)).toBe('0.000 s');
    expect(formatClockMs(125_400)).toBe('125.400 s');
  });
});
