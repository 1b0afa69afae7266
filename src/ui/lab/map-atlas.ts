/**
 * The world's land outline for the map view, loaded on demand: world-atlas's land-110m (Natural Earth
 * 1:110m, public domain) as TopoJSON, turned into GeoJSON by topojson-client. Both are dynamic imports,
 * so they are separate chunks fetched only when a map is first shown (the initial page stays small).
 */
import type { GeoPermissibleObjects } from 'd3';
import type { GeometryCollection, Topology } from 'topojson-specification';

let land: Promise<GeoPermissibleObjects> | null = null;

export function loadLand(): Promise<GeoPermissibleObjects> {
  land ??= Promise.all([import('topojson-client'), import('world-atlas/land-110m.json')]).then(([topojson, atlas]) => {
    const topology = (atlas as unknown as { default: Topology<{ land: GeometryCollection }> }).default;
    return topojson.feature(topology, topology.objects.land) as GeoPermissibleObjects;
  });
  return land;
}
