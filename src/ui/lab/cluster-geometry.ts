/**
 * Pure layout maths for the cluster view (ClusterView.svelte, Legend.svelte): where nodes sit on the
 * ring, where a message is on its link at a virtual moment, the election-timer arc, message glyphs,
 * cut links and partition hulls. No DOM and no Svelte here, so all of it runs (and is tested) in Node.
 *
 * Everything is in SVG user units (the view's viewBox), y pointing down. Nothing here computes
 * protocol state: the inputs are numbers the worker already put in the snapshot.
 */
import { polygonHull, symbol, symbolCircle, symbolDiamond, symbolSquare } from 'd3';
import type { MessageCategory, NodeSnapshot } from '../../worker/lab-protocol';

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** The ring holds 1 to 9 nodes (Faultline's cluster sizes). */
export const RING_NODES_MIN = 1;
export const RING_NODES_MAX = 9;

/**
 * Positions of `count` nodes evenly spaced on a circle, the first at the top (12 o'clock) and the
 * rest clockwise on screen. In SVG coordinates (y down) increasing the angle turns clockwise.
 */
export function ringPositions(count: number, center: Point, radius: number): Point[] {
  if (!Number.isInteger(count) || count < RING_NODES_MIN || count > RING_NODES_MAX) {
    throw new RangeError(`ringPositions: count must be an integer in ${RING_NODES_MIN}..${RING_NODES_MAX}, got ${count}`);
  }
  if (!(radius >= 0)) throw new RangeError(`ringPositions: radius must be >= 0, got ${radius}`);
  const positions: Point[] = [];
  for (let i = 0; i < count; i++) {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / count;
    positions.push({ x: center.x + radius * Math.cos(angle), y: center.y + radius * Math.sin(angle) });
  }
  return positions;
}

/** Ring positions by member id, in the order given (members[0] at the top). */
export function ringLayout(members: readonly string[], center: Point, radius: number): Map<string, Point> {
  const positions = ringPositions(members.length, center, radius);
  return new Map(members.map((id, i) => [id, positions[i] as Point]));
}

const clamp01 = (value: number): number => (value < 0 ? 0 : value > 1 ? 1 : value);

/**
 * How far along its link a message is at `nowMs`: (now - sent) / (deliver - sent), clamped to [0, 1].
 * A message that takes no time is at the start until it is delivered and at the end from then on.
 */
export function messageFraction(sentAtMs: number, deliverAtMs: number, nowMs: number): number {
  const flightMs = deliverAtMs - sentAtMs;
  if (!(flightMs > 0)) return nowMs >= deliverAtMs ? 1 : 0;
  return clamp01((nowMs - sentAtMs) / flightMs);
}

export interface LaneOptions {
  /** Distance kept clear around the sender (its node radius plus a gap). */
  readonly fromInset: number;
  /** Distance kept clear around the receiver. */
  readonly toInset: number;
  /**
   * Offset perpendicular to the link, to the right of the direction of travel (as seen on screen), so
   * a message a -> b and one b -> a run in two separate lanes instead of on top of each other.
   */
  readonly laneOffset: number;
}

/**
 * The point at `fraction` (0 = leaving the sender, 1 = arriving) of the lane from `from` to `to`.
 * When the insets would swallow the whole link, the lane shrinks to the link's midpoint.
 */
export function lanePoint(from: Point, to: Point, fraction: number, options: LaneOptions): Point {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const length = Math.hypot(dx, dy);
  if (length === 0) return { x: from.x, y: from.y };
  const ux = dx / length;
  const uy = dy / length;
  let start = options.fromInset;
  let end = length - options.toInset;
  if (end < start) start = end = length / 2;
  const along = start + (end - start) * clamp01(fraction);
  // (-uy, ux) is the unit normal to the right of travel in a y-down frame; reversing the direction
  // flips it, which is what separates the two lanes.
  return {
    x: from.x + ux * along - uy * options.laneOffset,
    y: from.y + uy * along + ux * options.laneOffset,
  };
}

/**
 * How far from its centre a line leaving a box (half-width `halfWidth`, half-height `halfHeight`) in
 * direction (ux, uy) crosses the box's edge: how far to inset a lane that starts at the clients box.
 */
export function boxExitDistance(halfWidth: number, halfHeight: number, ux: number, uy: number): number {
  const byX = ux === 0 ? Infinity : halfWidth / Math.abs(ux);
  const byY = uy === 0 ? Infinity : halfHeight / Math.abs(uy);
  const distance = Math.min(byX, byY);
  return Number.isFinite(distance) ? distance : 0;
}

/** Where a message is drawn at `nowMs`: `lanePoint` at `messageFraction`. */
export function messagePosition(
  message: { readonly sentAtMs: number; readonly deliverAtMs: number },
  from: Point,
  to: Point,
  nowMs: number,
  options: LaneOptions,
): Point {
  return lanePoint(from, to, messageFraction(message.sentAtMs, message.deliverAtMs, nowMs), options);
}

/**
 * The fraction of a node's election timeout still to run at `nowMs`:
 * (electionDeadlineMs - now) / (electionDeadlineMs - electionArmedAtMs), clamped to [0, 1].
 * Null when there is no timer to draw: leaders, nodes that are not up, or no timer armed.
 */
export function electionTimerRemaining(
  node: Pick<NodeSnapshot, 'status' | 'role' | 'electionDeadlineMs' | 'electionArmedAtMs'>,
  nowMs: number,
): number | null {
  if (node.status !== 'up' || node.role === 'leader') return null;
  const deadlineMs = node.electionDeadlineMs;
  const armedAtMs = node.electionArmedAtMs;
  if (deadlineMs === null || armedAtMs === null) return null;
  const timeoutMs = deadlineMs - armedAtMs;
  if (!(timeoutMs > 0)) return nowMs >= deadlineMs ? 0 : 1;
  return clamp01((deadlineMs - nowMs) / timeoutMs);
}

/** Above this the countdown is drawn as a whole circle (a 360-degree arc has no visible extent). */
const FULL_ARC_MIN = 0.999;

const fmt = (value: number): string => {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
};

/**
 * An SVG path for a countdown arc of `fraction` of a full circle of `radius`, centred on the origin,
 * starting at 12 o'clock and running clockwise. Empty when nothing remains.
 */
export function timerArcPath(fraction: number, radius: number): string {
  const f = clamp01(fraction);
  if (f <= 0 || radius <= 0) return '';
  const r = fmt(radius);
  if (f >= FULL_ARC_MIN) {
    // Two half circles: an arc whose end equals its start draws nothing.
    return `M0,${fmt(-radius)}A${r},${r} 0 1 1 0,${r}A${r},${r} 0 1 1 0,${fmt(-radius)}`;
  }
  const angle = 2 * Math.PI * f;
  const largeArc = angle > Math.PI ? 1 : 0;
  return `M0,${fmt(-radius)}A${r},${r} 0 ${largeArc} 1 ${fmt(radius * Math.sin(angle))},${fmt(-radius * Math.cos(angle))}`;
}

export type GlyphShape = 'diamond' | 'circle' | 'square';

/** How a message is drawn: shape and fill by category (replies hollow), size by weight. */
export interface MessageGlyph {
  readonly shape: GlyphShape;
  /** Replies are drawn as outlines. */
  readonly hollow: boolean;
  /** The theme token for its color (theme.css). */
  readonly colorVar: '--msg-vote' | '--msg-append' | '--msg-heartbeat' | '--msg-client';
  /** Symbol area in square user units (d3.symbol's size). */
  readonly areaPx2: number;
  /** A stable name for CSS classes and caches, e.g. "append-heartbeat". */
  readonly key: string;
}

const GLYPH_AREA_PX2 = { diamond: 150, circle: 120, heartbeat: 50, square: 110 } as const;

/** The glyph of a message category (a heartbeat is a small, lighter append). */
export function messageGlyph(category: MessageCategory, heartbeat = false): MessageGlyph {
  switch (category) {
    case 'vote':
    case 'vote-reply':
      return { shape: 'diamond', hollow: category === 'vote-reply', colorVar: '--msg-vote', areaPx2: GLYPH_AREA_PX2.diamond, key: category };
    case 'append':
    case 'append-reply': {
      const hollow = category === 'append-reply';
      if (heartbeat && !hollow) {
        return { shape: 'circle', hollow, colorVar: '--msg-heartbeat', areaPx2: GLYPH_AREA_PX2.heartbeat, key: 'append-heartbeat' };
      }
      return { shape: 'circle', hollow, colorVar: '--msg-append', areaPx2: GLYPH_AREA_PX2.circle, key: category };
    }
    case 'client':
    case 'client-reply':
      return { shape: 'square', hollow: category === 'client-reply', colorVar: '--msg-client', areaPx2: GLYPH_AREA_PX2.square, key: category };
    default: {
      const unreachable: never = category;
      throw new Error(`messageGlyph: unknown category ${String(unreachable)}`);
    }
  }
}

const GLYPH_COLOR_CLASS = {
  '--msg-vote': 'c-vote',
  '--msg-append': 'c-append',
  '--msg-heartbeat': 'c-heartbeat',
  '--msg-client': 'c-client',
} as const;

/** The CSS classes that color a glyph drawn in SVG (the rules are global, in theme.css). */
export function glyphClass(glyph: MessageGlyph): string {
  return `glyph ${GLYPH_COLOR_CLASS[glyph.colorVar]} ${glyph.hollow ? 'hollow' : 'filled'}`;
}

const SYMBOL_TYPES = { diamond: symbolDiamond, circle: symbolCircle, square: symbolSquare } as const;
const glyphPathCache = new Map<string, string>();

/** The SVG path of a glyph centred on the origin (d3.symbol), cached: there are only a handful. */
export function glyphPath(shape: GlyphShape, areaPx2: number): string {
  const key = `${shape}:${areaPx2}`;
  let path = glyphPathCache.get(key);
  if (path === undefined) {
    path = symbol(SYMBOL_TYPES[shape], areaPx2)() ?? '';
    glyphPathCache.set(key, path);
  }
  return path;
}

/** A link with at least one direction cut, as drawn: one entry per unordered pair. */
export interface CutLinkView {
  /** The pair in member order (a before b). */
  readonly a: string;
  readonly b: string;
  /** Messages a -> b are lost. */
  readonly aToB: boolean;
  /** Messages b -> a are lost. */
  readonly bToA: boolean;
  /** "n1 → n2 cut", or both directions joined by ", ". */
  readonly title: string;
}

/**
 * Folds the snapshot's directed cut links into one entry per pair of members, in member order.
 * Links to anything that is not a member are left out (the ring cannot draw them).
 */
export function cutLinkViews(cutLinks: ReadonlyArray<readonly [string, string]>, members: readonly string[]): CutLinkView[] {
  const order = new Map(members.map((id, i) => [id, i]));
  const pairs = new Map<string, { a: string; b: string; aToB: boolean; bToA: boolean }>();
  for (const [from, to] of cutLinks) {
    const i = order.get(from);
    const j = order.get(to);
    if (i === undefined || j === undefined || i === j) continue;
    const [a, b] = i < j ? [from, to] : [to, from];
    const key = `${a}>${b}`;
    const pair = pairs.get(key) ?? { a, b, aToB: false, bToA: false };
    if (i < j) pair.aToB = true;
    else pair.bToA = true;
    pairs.set(key, pair);
  }
  return [...pairs.values()]
    .sort((p, q) => (order.get(p.a) ?? 0) - (order.get(q.a) ?? 0) || (order.get(p.b) ?? 0) - (order.get(q.b) ?? 0))
    .map((p) => {
      const parts: string[] = [];
      if (p.aToB) parts.push(`${p.a} → ${p.b} cut`);
      if (p.bToA) parts.push(`${p.b} → ${p.a} cut`);
      return { ...p, title: parts.join(', ') };
    });
}

/**
 * Whether a partition separates two nodes: both are listed and in different groups. Nodes not listed
 * are with everyone (lab-protocol.ts, ClusterSnapshot.partition).
 */
export function partitionSeparates(partition: ReadonlyArray<readonly string[]>, a: string, b: string): boolean {
  const groupA = partition.findIndex((group) => group.includes(a));
  const groupB = partition.findIndex((group) => group.includes(b));
  return groupA !== -1 && groupB !== -1 && groupA !== groupB;
}

/**
 * The spine of a partition group's shading: drawn with a round-joined stroke of width 2 * padding
 * (plus the same fill), it becomes the group's rounded hull. One point gives a dot, two a capsule,
 * three or more their convex hull. Empty for no points.
 */
export function hullSpinePath(points: readonly Point[]): string {
  if (points.length === 0) return '';
  const first = points[0] as Point;
  if (points.length === 1) {
    // A tiny horizontal run: a zero-length subpath is not reliably drawn with round caps.
    return `M${fmt(first.x - 0.01)},${fmt(first.y)}H${fmt(first.x + 0.01)}`;
  }
  const hull = points.length >= 3 ? polygonHull(points.map((p) => [p.x, p.y] as [number, number])) : null;
  if (hull === null || hull.length < 3) {
    // Two points, or all on one line: the segment between the two farthest apart.
    let best: [Point, Point] = [first, points[1] as Point];
    let bestLength = -1;
    for (const p of points) {
      for (const q of points) {
        const length = Math.hypot(p.x - q.x, p.y - q.y);
        if (length > bestLength) {
          bestLength = length;
          best = [p, q];
        }
      }
    }
    return `M${fmt(best[0].x)},${fmt(best[0].y)}L${fmt(best[1].x)},${fmt(best[1].y)}`;
  }
  return `M${hull.map(([x, y]) => `${fmt(x)},${fmt(y)}`).join('L')}Z`;
}

export interface GroupLabelPlacement {
  readonly x: number;
  readonly y: number;
  /** SVG text-anchor: the text runs away from the group, so it never reaches back over it. */
  readonly anchor: 'start' | 'middle' | 'end';
}

/** Below this horizontal component of the outward direction a label is centred, not run sideways. */
const LABEL_SIDEWAYS_MIN = 0.3;

/**
 * Where to put a group's label: outward from the ring centre through the group's centroid, `padding`
 * beyond the farthest of its points in that direction (so past a hull drawn with less padding). A
 * group balanced around the centre gets its label above its top point.
 */
export function groupLabelPoint(points: readonly Point[], center: Point, padding: number): GroupLabelPlacement {
  if (points.length === 0) return { x: center.x, y: center.y - padding, anchor: 'middle' };
  const cx = points.reduce((sum, p) => sum + p.x, 0) / points.length;
  const cy = points.reduce((sum, p) => sum + p.y, 0) / points.length;
  const dx = cx - center.x;
  const dy = cy - center.y;
  const length = Math.hypot(dx, dy);
  if (length < 1e-6) {
    const top = points.reduce((best, p) => (p.y < best.y ? p : best));
    return { x: top.x, y: top.y - padding, anchor: 'middle' };
  }
  const ux = dx / length;
  const uy = dy / length;
  const reach = Math.max(...points.map((p) => (p.x - center.x) * ux + (p.y - center.y) * uy));
  const anchor = ux > LABEL_SIDEWAYS_MIN ? 'start' : ux < -LABEL_SIDEWAYS_MIN ? 'end' : 'middle';
  return { x: center.x + ux * (reach + padding), y: center.y + uy * (reach + padding), anchor };
}
