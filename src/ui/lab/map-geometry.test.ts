import { describe, expect, it } from 'vitest';
import { REGIONS } from '../../sim/regions';
import type { RegionView } from '../../worker/lab-protocol';
import { fanOut, greatCirclePosition, MAP_HEIGHT, MAP_WIDTH, mapFrame, mapProjection, placeNodes, project, route, routePath } from './map-geometry';

const byId = (id: string): RegionView => REGIONS.find((r) => r.id === id)!;
const close = (a: number, b: number, eps = 1e-6): boolean => Math.abs(a - b) < eps;

describe('map geometry', () => {
  const projection = mapProjection();

  it('fits every region inside the view, west to east, north above south', () => {
    for (const r of REGIONS) {
      const p = project(projection, r.lon, r.lat);
      expect(p.x, r.id).toBeGreaterThan(0);
      expect(p.x, r.id).toBeLessThan(MAP_WIDTH);
      expect(p.y, r.id).toBeGreaterThan(0);
      expect(p.y, r.id).toBeLessThan(MAP_HEIGHT);
    }
    const virginia = project(projection, byId('us-east').lon, byId('us-east').lat);
    const tokyo = project(projection, byId('ap-tokyo').lon, byId('ap-tokyo').lat);
    const sydney = project(projection, byId('ap-sydney').lon, byId('ap-sydney').lat);
    expect(virginia.x).toBeLessThan(tokyo.x);
    expect(tokyo.y).toBeLessThan(sydney.y);
  });

  it('fans several nodes of one region out around it, evenly, the first at the top', () => {
    expect(fanOut({ x: 10, y: 20 }, 1, 30)).toEqual([{ x: 10, y: 20 }]);
    expect(fanOut({ x: 0, y: 0 }, 0, 30)).toEqual([]);
    const three = fanOut({ x: 100, y: 100 }, 3, 30);
    expect(three).toHaveLength(3);
    expect(close(three[0]!.x, 100)).toBe(true);
    expect(three[0]!.y).toBeLessThan(100);
    // Neighbours are `spacing` apart, all at one distance from the centre.
    for (let i = 0; i < 3; i++) {
      const a = three[i]!;
      const b = three[(i + 1) % 3]!;
      expect(close(Math.hypot(a.x - b.x, a.y - b.y), 30)).toBe(true);
      expect(close(Math.hypot(a.x - 100, a.y - 100), 30 / (2 * Math.sin(Math.PI / 3)))).toBe(true);
    }
    expect(three[1]!.x).toBeGreaterThan(100); // clockwise: the second to the right
  });

  it('places each node at its region, and several in one region apart from each other', () => {
    const regions = ['us-east', 'eu-west', 'ap-tokyo'].map(byId);
    const placement = placeNodes(projection, regions, ['n1', 'n2', 'n3', 'n4', 'n5'], { n1: 'us-east', n2: 'eu-west', n3: 'ap-tokyo', n4: 'us-east', n5: 'eu-west' }, 40);
    expect(placement.nodes.size).toBe(5);
    const n1 = placement.nodes.get('n1')!;
    const n4 = placement.nodes.get('n4')!;
    expect(close(Math.hypot(n1.x - n4.x, n1.y - n4.y), 40)).toBe(true);
    const virginia = placement.regions.get('us-east')!;
    expect(close((n1.x + n4.x) / 2, virginia.x) && close((n1.y + n4.y) / 2, virginia.y)).toBe(true);
    expect(placement.nodes.get('n3')).toEqual(placement.regions.get('ap-tokyo'));
    expect(placement.offsets.get('n3')).toEqual({ x: 0, y: 0 });
  });

  it('moves a message along the great circle at (now - sent) / (deliver - sent) of its trip', () => {
    const a = byId('us-east');
    const b = byId('eu-west');
    const path = route(a, b);
    const zero = { x: 0, y: 0 };
    const message = { sentAtMs: 100, deliverAtMs: 140 };
    const start = greatCirclePosition(projection, path, zero, zero, message, 100);
    const end = greatCirclePosition(projection, path, zero, zero, message, 140);
    expect(start).toEqual(project(projection, a.lon, a.lat));
    const pEnd = project(projection, b.lon, b.lat);
    expect(close(end.x, pEnd.x, 1e-3) && close(end.y, pEnd.y, 1e-3)).toBe(true);
    // Half way is the great circle's midpoint, which bows north of the straight line on the map.
    const mid = greatCirclePosition(projection, path, zero, zero, message, 120);
    const [lon, lat] = path(0.5);
    expect(mid).toEqual(project(projection, lon, lat));
    expect(lat).toBeGreaterThan((a.lat + b.lat) / 2);
    // Before it is sent and after it arrives, it stays at its ends (clamped, like the ring).
    expect(greatCirclePosition(projection, path, zero, zero, message, 50)).toEqual(start);
    // Fan-out offsets: it leaves the sender's node and reaches the receiver's.
    const from = { x: 10, y: -5 };
    const to = { x: -8, y: 6 };
    const left = greatCirclePosition(projection, path, from, to, message, 100);
    expect(close(left.x, start.x + 10) && close(left.y, start.y - 5)).toBe(true);
    const arrived = greatCirclePosition(projection, path, from, to, message, 140);
    expect(close(arrived.x, pEnd.x - 8, 1e-3) && close(arrived.y, pEnd.y + 6, 1e-3)).toBe(true);
  });

  it('draws a route as an SVG path', () => {
    expect(routePath(projection, byId('us-east'), byId('eu-central'))).toMatch(/^M[\d.]+,[\d.]+/);
  });
});

describe('the map frame', () => {
  const regions = ['us-east', 'us-west', 'eu-west', 'eu-central', 'ap-tokyo'].map(byId);
  it('crops to the latitudes a cluster needs, keeps every region inside, and is never thinner than the minimum band', () => {
    const whole = mapFrame([]);
    const north = mapFrame(regions.map((r) => r.lat));
    expect(whole.height).toBeGreaterThan(400);
    // Virginia to Tokyo (35-53 N) needs about half the height of the whole band.
    expect(north.height).toBeLessThan(whole.height * 0.6);
    for (const r of regions) {
      const p = project(north.projection, r.lon, r.lat);
      expect(p.x, r.id).toBeGreaterThan(0);
      expect(p.x, r.id).toBeLessThan(north.width);
      expect(p.y, r.id).toBeGreaterThan(40);
      expect(p.y, r.id).toBeLessThan(north.height - 40);
    }
    const one = mapFrame([50]);
    const ratio = one.height / one.width;
    expect(ratio).toBeGreaterThan(0.2);
    expect(project(one.projection, 8, 50).y).toBeGreaterThan(0);
    // Far south: the band stops at 60 S.
    const south = mapFrame([-34, -33]);
    expect(project(south.projection, 151, -33.9).y).toBeLessThan(south.height);
    expect(south.height).toBeLessThanOrEqual(whole.height + 1);
  });
});
