/**
 * Geometry of the map view (MapView.svelte), pure so it is tested without a browser: the projection
 * (D3's Natural Earth, fitted to the view), where each node sits (at its region, fanned out around it
 * when a region holds several), and where a message is at a moment: along the great circle between its
 * regions (d3.geoInterpolate), at the fraction (now - sent) / (deliver - sent) of its trip, exactly as
 * the ring places it on a straight link (cluster-geometry.ts messageFraction).
 */
import { geoInterpolate, geoNaturalEarth1, geoPath, type GeoProjection } from 'd3';
import type { RegionView } from '../../worker/lab-protocol';
import { messageFraction, type Point } from './cluster-geometry';

/** The map's user space: Natural Earth's outline is about 1.95 times as wide as it is tall. */
export const MAP_WIDTH = 960;
export const MAP_HEIGHT = 500;
const MAP_PADDING = 8;

/**
 * Natural Earth 1 fitted to the view, the Pacific cut at the antimeridian (the projection's default).
 * Latitudes beyond 60 S hold no region, so the view is cropped there (Antarctica would take a fifth of it).
 */
export function mapProjection(width = MAP_WIDTH, height = MAP_HEIGHT): GeoProjection {
  const p = geoNaturalEarth1();
  // Fit the band from 60 S to 84 N, all longitudes, into the view (its edge sampled every 10 and 12 degrees).
  const samples: Array<[number, number]> = [];
  for (let lon = -180; lon <= 180; lon += 10) samples.push([lon, -60], [lon, 84]);
  for (let lat = -60; lat <= 84; lat += 12) samples.push([-180, lat], [180, lat]);
  return p.fitExtent([[MAP_PADDING, MAP_PADDING], [width - MAP_PADDING, height - MAP_PADDING]], { type: 'MultiPoint', coordinates: samples });
}

export function project(projection: GeoProjection, lon: number, lat: number): Point {
  const xy = projection([lon, lat]);
  if (xy === null) throw new Error(`map: cannot project ${lon}, ${lat}`);
  return { x: xy[0], y: xy[1] };
}

/**
 * Where `count` nodes of one region sit around its point: one at the point itself; more on a small
 * circle around it, the first at the top and the rest clockwise, `spacing` apart (at least `minRadius` out).
 */
export function fanOut(center: Point, count: number, spacing: number, minRadius = 0): Point[] {
  if (count <= 0) return [];
  if (count === 1) return [{ ...center }];
  // Chord between neighbours on a circle of radius r is 2 r sin(pi / count): make it `spacing`.
  const radius = Math.max(minRadius, spacing / (2 * Math.sin(Math.PI / count)));
  return Array.from({ length: count }, (_, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / count;
    return { x: center.x + radius * Math.cos(angle), y: center.y + radius * Math.sin(angle) };
  });
}

export interface MapPlacement {
  /** Each region's projected point. */
  regions: Map<string, Point>;
  /** Each node's point (fanned out around its region's). */
  nodes: Map<string, Point>;
  /** Each node's offset from its region's point (messages leave and arrive there). */
  offsets: Map<string, Point>;
}

/** Places regions and nodes. `nodeRegions` maps every member to a region of `regions`. */
export function placeNodes(
  projection: GeoProjection,
  regions: readonly RegionView[],
  members: readonly string[],
  nodeRegions: Readonly<Record<string, string>>,
  spacing: number,
): MapPlacement {
  const regionPoints = new Map<string, Point>();
  for (const r of regions) regionPoints.set(r.id, project(projection, r.lon, r.lat));
  const byRegion = new Map<string, string[]>();
  for (const id of members) {
    const r = nodeRegions[id];
    if (r === undefined || !regionPoints.has(r)) continue;
    const list = byRegion.get(r) ?? [];
    list.push(id);
    byRegion.set(r, list);
  }
  const nodes = new Map<string, Point>();
  const offsets = new Map<string, Point>();
  for (const [r, ids] of byRegion) {
    const c = regionPoints.get(r)!;
    fanOut(c, ids.length, spacing).forEach((p, i) => {
      nodes.set(ids[i]!, p);
      offsets.set(ids[i]!, { x: p.x - c.x, y: p.y - c.y });
    });
  }
  return { regions: regionPoints, nodes, offsets };
}

/** A great circle between two regions, as a function of the fraction travelled (0 at `from`). */
export type Route = (t: number) => [number, number];

export function route(from: RegionView, to: RegionView): Route {
  return geoInterpolate([from.lon, from.lat], [to.lon, to.lat]);
}

/**
 * Where a message is at `nowMs`: the point of the great circle between its regions at the fraction of
 * its trip (d3.geoInterpolate, then projected), shifted from the sender's fan-out offset towards the
 * receiver's as it goes, so it leaves one node and reaches the other exactly.
 */
export function greatCirclePosition(
  projection: GeoProjection,
  path: Route,
  fromOffset: Point,
  toOffset: Point,
  message: { readonly sentAtMs: number; readonly deliverAtMs: number },
  nowMs: number,
): Point {
  const t = messageFraction(message.sentAtMs, message.deliverAtMs, nowMs);
  const [lon, lat] = path(t);
  const p = project(projection, lon, lat);
  return { x: p.x + fromOffset.x + (toOffset.x - fromOffset.x) * t, y: p.y + fromOffset.y + (toOffset.y - fromOffset.y) * t };
}

/** The SVG path of the great circle between two regions (split at the antimeridian by D3). */
export function routePath(projection: GeoProjection, from: RegionView, to: RegionView): string {
  return geoPath(projection)({ type: 'LineString', coordinates: [[from.lon, from.lat], [to.lon, to.lat]] }) ?? '';
}

/** The key of an unordered pair of regions: "a|b" with a < b. */
export function regionPairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
