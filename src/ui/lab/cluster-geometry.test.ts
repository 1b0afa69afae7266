import { describe, expect, it } from 'vitest';
import {
  boxExitDistance,
  cutLinkViews,
  electionTimerRemaining,
  glyphPath,
  groupLabelPoint,
  hullSpinePath,
  lanePoint,
  messageFraction,
  messageGlyph,
  messagePosition,
  partitionSeparates,
  ringLayout,
  ringPositions,
  timerArcPath,
  type Point,
} from './cluster-geometry';

const CENTER: Point = { x: 100, y: 100 };
const close = (actual: Point, expected: Point, digits = 6): void => {
  expect(actual.x).toBeCloseTo(expected.x, digits);
  expect(actual.y).toBeCloseTo(expected.y, digits);
};

describe('ringPositions', () => {
  it('puts the first node at the top and goes clockwise on screen (y down)', () => {
    const [top, right, bottom, left] = ringPositions(4, CENTER, 50);
    close(top!, { x: 100, y: 50 });
    close(right!, { x: 150, y: 100 });
    close(bottom!, { x: 100, y: 150 });
    close(left!, { x: 50, y: 100 });
  });

  it('puts a single node at the top', () => {
    const positions = ringPositions(1, CENTER, 30);
    expect(positions).toHaveLength(1);
    close(positions[0]!, { x: 100, y: 70 });
  });

  it('spaces 1..9 nodes evenly on the circle', () => {
    for (let count = 1; count <= 9; count++) {
      const positions = ringPositions(count, CENTER, 200);
      expect(positions).toHaveLength(count);
      for (const p of positions) expect(Math.hypot(p.x - CENTER.x, p.y - CENTER.y)).toBeCloseTo(200, 9);
      if (count >= 2) {
        const chord = 2 * 200 * Math.sin(Math.PI / count);
        for (let i = 0; i < count; i++) {
          const a = positions[i]!;
          const b = positions[(i + 1) % count]!;
          expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeCloseTo(chord, 9);
        }
      }
    }
  });

  it('for 3 nodes puts n2 lower right and n3 lower left', () => {
    const [, n2, n3] = ringPositions(3, { x: 0, y: 0 }, 10);
    close(n2!, { x: 10 * Math.cos(Math.PI / 6), y: 5 });
    close(n3!, { x: -10 * Math.cos(Math.PI / 6), y: 5 });
  });

  it('refuses counts outside 1..9', () => {
    expect(() => ringPositions(0, CENTER, 10)).toThrow(RangeError);
    expect(() => ringPositions(10, CENTER, 10)).toThrow(RangeError);
    expect(() => ringPositions(2.5, CENTER, 10)).toThrow(RangeError);
  });

  it('ringLayout keys positions by member id in order', () => {
    const layout = ringLayout(['n1', 'n2'], CENTER, 40);
    close(layout.get('n1')!, { x: 100, y: 60 });
    close(layout.get('n2')!, { x: 100, y: 140 });
    expect(layout.get('n3')).toBeUndefined();
  });
});

describe('messageFraction', () => {
  it('is (now - sent) / (deliver - sent)', () => {
    expect(messageFraction(100, 200, 125)).toBe(0.25);
    expect(messageFraction(100, 200, 150)).toBe(0.5);
  });

  it('clamps to [0, 1]', () => {
    expect(messageFraction(100, 200, 50)).toBe(0);
    expect(messageFraction(100, 200, 260)).toBe(1);
  });

  it('handles a message that takes no time', () => {
    expect(messageFraction(100, 100, 99)).toBe(0);
    expect(messageFraction(100, 100, 100)).toBe(1);
  });
});

describe('lanePoint and messagePosition', () => {
  const a: Point = { x: 0, y: 0 };
  const b: Point = { x: 100, y: 0 };
  const lane = { fromInset: 10, toInset: 20, laneOffset: 5 };

  it('runs from the sender inset to the receiver inset', () => {
    close(lanePoint(a, b, 0, lane), { x: 10, y: 5 });
    close(lanePoint(a, b, 1, lane), { x: 80, y: 5 });
    close(lanePoint(a, b, 0.5, lane), { x: 45, y: 5 });
  });

  it('puts a -> b and b -> a on opposite sides of the link', () => {
    const there = lanePoint(a, b, 0.5, { fromInset: 0, toInset: 0, laneOffset: 6 });
    const back = lanePoint(b, a, 0.5, { fromInset: 0, toInset: 0, laneOffset: 6 });
    close(there, { x: 50, y: 6 });
    close(back, { x: 50, y: -6 });
  });

  it('offsets perpendicular to a diagonal link', () => {
    const p = lanePoint({ x: 0, y: 0 }, { x: 30, y: 40 }, 0.5, { fromInset: 0, toInset: 0, laneOffset: 5 });
    // unit direction (0.6, 0.8); right-hand normal (-0.8, 0.6)
    close(p, { x: 15 - 4, y: 20 + 3 });
  });

  it('falls back to the midpoint when insets swallow the link', () => {
    close(lanePoint(a, { x: 20, y: 0 }, 0, { fromInset: 15, toInset: 15, laneOffset: 0 }), { x: 10, y: 0 });
    close(lanePoint(a, a, 0.5, lane), { x: 0, y: 0 });
  });

  it('positions a message by virtual time', () => {
    const message = { sentAtMs: 1000, deliverAtMs: 1040 };
    const options = { fromInset: 0, toInset: 0, laneOffset: 0 };
    close(messagePosition(message, a, b, 1010, options), { x: 25, y: 0 });
    close(messagePosition(message, a, b, 900, options), { x: 0, y: 0 });
    close(messagePosition(message, a, b, 5000, options), { x: 100, y: 0 });
  });
});

describe('boxExitDistance', () => {
  it('leaves through the side or the top, whichever comes first', () => {
    expect(boxExitDistance(40, 10, 1, 0)).toBe(40);
    expect(boxExitDistance(40, 10, 0, -1)).toBe(10);
    // 45 degrees: the top is reached first (10 / sin 45).
    expect(boxExitDistance(40, 10, Math.SQRT1_2, Math.SQRT1_2)).toBeCloseTo(10 * Math.SQRT2, 9);
    // Shallow: x = 40 is reached at distance 40 / 0.98 before y = 10 (at 10 / 0.199).
    expect(boxExitDistance(40, 10, 0.98, Math.sqrt(1 - 0.98 ** 2))).toBeCloseTo(40 / 0.98, 9);
  });

  it('is 0 for no direction', () => {
    expect(boxExitDistance(40, 10, 0, 0)).toBe(0);
  });
});

describe('electionTimerRemaining', () => {
  const follower = { status: 'up', role: 'follower', electionDeadlineMs: 300, electionArmedAtMs: 100 } as const;

  it('is the fraction of the timeout still to run', () => {
    expect(electionTimerRemaining(follower, 100)).toBe(1);
    expect(electionTimerRemaining(follower, 150)).toBe(0.75);
    expect(electionTimerRemaining(follower, 250)).toBe(0.25);
  });

  it('clamps before arming and after the deadline', () => {
    expect(electionTimerRemaining(follower, 50)).toBe(1);
    expect(electionTimerRemaining(follower, 400)).toBe(0);
  });

  it('draws candidates too', () => {
    expect(electionTimerRemaining({ ...follower, role: 'candidate' }, 200)).toBe(0.5);
  });

  it('is null for leaders, nodes that are not up, and no timer', () => {
    expect(electionTimerRemaining({ ...follower, role: 'leader' }, 150)).toBeNull();
    expect(electionTimerRemaining({ ...follower, status: 'crashed' }, 150)).toBeNull();
    expect(electionTimerRemaining({ ...follower, status: 'paused' }, 150)).toBeNull();
    expect(electionTimerRemaining({ ...follower, electionDeadlineMs: null }, 150)).toBeNull();
    expect(electionTimerRemaining({ ...follower, electionArmedAtMs: null }, 150)).toBeNull();
  });
});

describe('timerArcPath', () => {
  it('is empty when nothing remains', () => {
    expect(timerArcPath(0, 50)).toBe('');
    expect(timerArcPath(-0.3, 50)).toBe('');
  });

  it('draws a quarter clockwise from 12 o\'clock to 3 o\'clock', () => {
    expect(timerArcPath(0.25, 50)).toBe('M0,-50A50,50 0 0 1 50,0');
  });

  it('draws a half to 6 o\'clock with the small-arc flag', () => {
    expect(timerArcPath(0.5, 50)).toBe('M0,-50A50,50 0 0 1 0,50');
  });

  it('uses the large-arc flag past half', () => {
    expect(timerArcPath(0.75, 50)).toBe('M0,-50A50,50 0 1 1 -50,0');
  });

  it('draws a full circle as two half arcs', () => {
    const full = 'M0,-50A50,50 0 1 1 0,50A50,50 0 1 1 0,-50';
    expect(timerArcPath(1, 50)).toBe(full);
    expect(timerArcPath(0.9995, 50)).toBe(full);
    expect(timerArcPath(7, 50)).toBe(full);
  });
});

describe('messageGlyph', () => {
  it('maps categories to shapes, replies hollow', () => {
    expect(messageGlyph('vote')).toMatchObject({ shape: 'diamond', hollow: false, colorVar: '--msg-vote' });
    expect(messageGlyph('vote-reply')).toMatchObject({ shape: 'diamond', hollow: true, colorVar: '--msg-vote' });
    expect(messageGlyph('append')).toMatchObject({ shape: 'circle', hollow: false, colorVar: '--msg-append' });
    expect(messageGlyph('append-reply')).toMatchObject({ shape: 'circle', hollow: true, colorVar: '--msg-append' });
    expect(messageGlyph('client')).toMatchObject({ shape: 'square', hollow: false, colorVar: '--msg-client' });
    expect(messageGlyph('client-reply')).toMatchObject({ shape: 'square', hollow: true, colorVar: '--msg-client' });
  });

  it('draws heartbeats smaller and lighter than appends with entries', () => {
    const heartbeat = messageGlyph('append', true);
    const append = messageGlyph('append', false);
    expect(heartbeat).toMatchObject({ shape: 'circle', hollow: false, colorVar: '--msg-heartbeat', key: 'append-heartbeat' });
    expect(heartbeat.areaPx2).toBeLessThan(append.areaPx2);
  });

  it('gives each glyph a distinct key', () => {
    const keys = (['vote', 'vote-reply', 'append', 'append-reply', 'client', 'client-reply'] as const).map((c) => messageGlyph(c).key);
    keys.push(messageGlyph('append', true).key);
    expect(new Set(keys).size).toBe(7);
  });
});

describe('glyphPath', () => {
  it('draws a diamond with its points on the axes', () => {
    // d3.symbolDiamond: y = sqrt(area / (2 * tan 30deg)), x = y * tan 30deg; d3 rounds to 3 decimals.
    const y = Math.sqrt(150 / (2 * Math.tan(Math.PI / 6)));
    const numbers = glyphPath('diamond', 150).match(/-?\d+(\.\d+)?/g)!.map(Number);
    expect(numbers).toHaveLength(8);
    expect(numbers[0]).toBeCloseTo(0, 3);
    expect(numbers[1]).toBeCloseTo(-y, 3);
    expect(numbers[2]).toBeCloseTo(y * Math.tan(Math.PI / 6), 3);
    expect(numbers[3]).toBeCloseTo(0, 3);
    expect(numbers[5]).toBeCloseTo(y, 3);
  });

  it('draws a square of the given area', () => {
    expect(glyphPath('square', 100)).toBe('M-5,-5h10v10h-10Z');
  });

  it('draws a circle as arcs of radius sqrt(area / pi)', () => {
    const path = glyphPath('circle', 100);
    expect(path).toMatch(/A/);
    const radius = Number(path.match(/A(\d+(\.\d+)?)/)![1]);
    expect(radius).toBeCloseTo(Math.sqrt(100 / Math.PI), 3);
  });

  it('returns the same string for the same glyph', () => {
    expect(glyphPath('diamond', 150)).toBe(glyphPath('diamond', 150));
    expect(glyphPath('diamond', 150)).not.toBe(glyphPath('diamond', 50));
  });
});

describe('cutLinkViews', () => {
  const members = ['n1', 'n2', 'n3'];

  it('folds both directions of one pair into one entry in member order', () => {
    expect(cutLinkViews([['n2', 'n1'], ['n1', 'n2']], members)).toEqual([
      { a: 'n1', b: 'n2', aToB: true, bToA: true, title: 'n1 → n2 cut, n2 → n1 cut' },
    ]);
  });

  it('keeps the direction of a one-way cut', () => {
    expect(cutLinkViews([['n3', 'n1']], members)).toEqual([{ a: 'n1', b: 'n3', aToB: false, bToA: true, title: 'n3 → n1 cut' }]);
  });

  it('sorts pairs by member order and skips links to non-members', () => {
    const views = cutLinkViews([['n2', 'n3'], ['n1', 'n3'], ['c1', 'n1'], ['n1', 'n1']], members);
    expect(views.map((v) => `${v.a}-${v.b}`)).toEqual(['n1-n3', 'n2-n3']);
  });
});

describe('partitionSeparates', () => {
  const partition = [['n1', 'n2'], ['n3', 'n4']];

  it('separates nodes in different groups', () => {
    expect(partitionSeparates(partition, 'n1', 'n3')).toBe(true);
    expect(partitionSeparates(partition, 'n4', 'n2')).toBe(true);
  });

  it('keeps nodes in one group together and unlisted nodes with everyone', () => {
    expect(partitionSeparates(partition, 'n1', 'n2')).toBe(false);
    expect(partitionSeparates(partition, 'n1', 'n5')).toBe(false);
    expect(partitionSeparates([], 'n1', 'n2')).toBe(false);
  });
});

describe('hullSpinePath', () => {
  it('is empty for no points', () => {
    expect(hullSpinePath([])).toBe('');
  });

  it('is a tiny run for one point and a segment for two', () => {
    expect(hullSpinePath([{ x: 10, y: 20 }])).toBe('M9.99,20H10.01');
    expect(hullSpinePath([{ x: 10, y: 20 }, { x: 30, y: 40 }])).toBe('M10,20L30,40');
  });

  it('is the convex hull for three or more points', () => {
    const path = hullSpinePath([
      { x: 0, y: 0 },
      { x: 10, y: 0 },
      { x: 5, y: 2 },
      { x: 10, y: 10 },
      { x: 0, y: 10 },
    ]);
    expect(path.startsWith('M')).toBe(true);
    expect(path.endsWith('Z')).toBe(true);
    const vertices = path.slice(1, -1).split('L');
    expect(vertices).toHaveLength(4);
    expect(vertices).not.toContain('5,2');
    expect(new Set(vertices)).toEqual(new Set(['0,0', '10,0', '10,10', '0,10']));
  });

  it('uses the farthest pair for collinear points', () => {
    expect(hullSpinePath([{ x: 0, y: 0 }, { x: 5, y: 0 }, { x: 10, y: 0 }])).toBe('M0,0L10,0');
  });
});

describe('groupLabelPoint', () => {
  it('goes outward through the centroid, past the farthest point', () => {
    // Centroid straight above the centre; the top point reaches 50 up, so the label is 50 + 30 up.
    expect(groupLabelPoint([{ x: 100, y: 50 }, { x: 140, y: 90 }, { x: 60, y: 90 }], CENTER, 30)).toMatchObject({
      anchor: 'middle',
    });
    close(groupLabelPoint([{ x: 100, y: 50 }, { x: 140, y: 90 }, { x: 60, y: 90 }], CENTER, 30), { x: 100, y: 20 });
  });

  it('runs the text away from the group on either side', () => {
    const right = groupLabelPoint([{ x: 150, y: 100 }], CENTER, 30);
    close(right, { x: 180, y: 100 });
    expect(right.anchor).toBe('start');
    const left = groupLabelPoint([{ x: 50, y: 100 }], CENTER, 30);
    close(left, { x: 20, y: 100 });
    expect(left.anchor).toBe('end');
  });

  it('measures reach along the centroid direction', () => {
    // Centroid at (100, 150): straight down; the lower point reaches 80 down.
    close(groupLabelPoint([{ x: 40, y: 120 }, { x: 160, y: 180 }], CENTER, 20), { x: 100, y: 200 });
  });

  it('puts a balanced group above its top point', () => {
    close(groupLabelPoint([{ x: 100, y: 50 }, { x: 100, y: 150 }], CENTER, 30), { x: 100, y: 20 });
  });
});
