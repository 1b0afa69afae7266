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
  return p.fitExtent([[MAP_PADDING, MAP_PADDING], [width - MAP_PADDING, height - MAP_PADDING]], bandOutline(-60, 84));
}

/** The band between two latitudes, all longitudes, as points along its edge (every 10 and 12 degrees). */
function bandOutline(south: number, north: number): { type: 'MultiPoint'; coordinates: Array<[number, number]> } {
  const samples: Array<[number, number]> = [];
  for (let lon = -180; lon <= 180; lon += 10) samples.push([lon, south], [lon, north]);
  const step = (north - south) / 12;
  for (let i = 0; i <= 12; i++) samples.push([-180, south + i * step], [180, south + i * step]);
  return { type: 'MultiPoint', coordinates: samples };
}

/** Margins around the regions' latitudes: room for labels, fanned-out nodes and routes bowing poleward. */
const BAND_MARGIN_SOUTH_DEG = 22;
const BAND_MARGIN_NORTH_DEG = 18;
/** The band is never thinner than this (one region's cluster still shows its continent). */
const BAND_MIN_DEG = 70;

export interface MapFrame {
  readonly projection: GeoProjection;
  /** The view's user space: `width` wide, as tall as the band needs. */
  readonly width: number;
  readonly height: number;
}

/**
 * The map for a cluster: every longitude (routes cross oceans), but only the band of latitudes its
 * regions need, so a cluster in the northern mid-latitudes fills the view instead of a third of it.
 * Always within 60 S to 84 N; `lats` empty gives that whole band.
 */
export function mapFrame(lats: readonly number[], width = MAP_WIDTH): MapFrame {
  let south = -60;
  let north = 84;
  if (lats.length > 0) {
    south = Math.max(-60, Math.min(...lats) - BAND_MARGIN_SOUTH_DEG);
    north = Math.min(84, Math.max(...lats) + BAND_MARGIN_NORTH_DEG);
    // Widen a thin band about its middle, then keep it within the outer limits.
    const missing = BAND_MIN_DEG - (north - south);
    if (missing > 0) {
      south -= missing / 2;
      north += missing / 2;
      if (south < -60) [south, north] = [-60, Math.min(84, north + (-60 - south))];
      if (north > 84) [south, north] = [Math.max(-60, south - (north - 84)), 84];
    }
  }
  const band = bandOutline(south, north);
  const projection = geoNaturalEarth1().fitWidth(width - 2 * MAP_PADDING, band);
  const [[x0, y0], [x1, y1]] = geoPath(projection).bounds(band);
  const [tx, ty] = projection.translate();
  projection.translate([tx + MAP_PADDING - x0, ty + MAP_PADDING - y0]);
  if (!(x1 - x0 <= width)) throw new Error('map: the band does not fit the width it was fitted to');
  return { projection, width, height: Math.ceil(y1 - y0 + 2 * MAP_PADDING) };
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
