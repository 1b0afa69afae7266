/**
 * Cloud regions for geo-replicated scenarios: ten regions, their approximate coordinates, and the
 * average round-trip times between them. A copy of ../shared/data/regions.json kept in the repository
 * (the simulator never reads files at run time, and CI clones this repository alone).
 *
 * The numbers are APPROXIMATE defaults: public measurements of one provider's inter-region network
 * (averages published in 2017, "Latency Between AWS Global Regions"), symmetrised by averaging both
 * directions and rounded to 0.1 ms. Scenarios may override any pair (`regions.rttMs`), and views must
 * label them approximate. The physics floor of a pair is 2 x great-circle distance / (about 200 km per
 * ms, light in fibre): no network can beat it, and real ones are 1.3-2.5 times slower.
 */

export const REGIONS_ABOUT =
  "Ten cloud regions with approximate coordinates and average round-trip times in milliseconds between them. RTTs are public measurements of one provider's inter-region network (averages published in 2017, 'Latency Between AWS Global Regions'), symmetrised by averaging both directions and rounded to 0.1 ms. Approximate: use them as realistic defaults, and edit them per scenario. The physical floor for a pair is 2 x great-circle distance / (about 200 km per ms, light in fibre).";

export interface Region {
  readonly id: string;
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
}

export const REGIONS: readonly Region[] = [
  { id: 'us-east', name: 'N. Virginia', lat: 38.9, lon: -77.4 },
  { id: 'us-west-ca', name: 'N. California', lat: 37.4, lon: -121.9 },
  { id: 'us-west', name: 'Oregon', lat: 45.8, lon: -119.7 },
  { id: 'eu-west', name: 'Ireland', lat: 53.3, lon: -6.3 },
  { id: 'eu-central', name: 'Frankfurt', lat: 50.1, lon: 8.7 },
  { id: 'ap-tokyo', name: 'Tokyo', lat: 35.7, lon: 139.7 },
  { id: 'ap-seoul', name: 'Seoul', lat: 37.6, lon: 127.0 },
  { id: 'ap-singapore', name: 'Singapore', lat: 1.35, lon: 103.8 },
  { id: 'ap-sydney', name: 'Sydney', lat: -33.9, lon: 151.2 },
  { id: 'sa-saopaulo', name: 'Sao Paulo', lat: -23.5, lon: -46.6 },
];

export const REGION_IDS: readonly string[] = REGIONS.map((r) => r.id);

/** Average RTT in ms, upper triangle in REGIONS order (approximate, see REGIONS_ABOUT). */
const RTT_TABLE_MS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'us-east': { 'us-west-ca': 72.2, 'us-west': 87.8, 'eu-west': 80.5, 'eu-central': 88.6, 'ap-tokyo': 145.3, 'ap-seoul': 177.5, 'ap-singapore': 216.7, 'ap-sydney': 229.9, 'sa-saopaulo': 119.5 },
  'us-west-ca': { 'us-west': 19.3, 'eu-west': 153.2, 'eu-central': 166.6, 'ap-tokyo': 102.5, 'ap-seoul': 132.1, 'ap-singapore': 174.0, 'ap-sydney': 157.7, 'sa-saopaulo': 192.7 },
  'us-west': { 'eu-west': 137.0, 'eu-central': 159.5, 'ap-tokyo': 89.1, 'ap-seoul': 118.3, 'ap-singapore': 161.4, 'ap-sydney': 162.1, 'sa-saopaulo': 182.7 },
  'eu-west': { 'eu-central': 19.6, 'ap-tokyo': 212.4, 'ap-seoul': 242.4, 'ap-singapore': 238.6, 'ap-sydney': 309.6, 'sa-saopaulo': 191.3 },
  'eu-central': { 'ap-tokyo': 236.6, 'ap-seoul': 265.8, 'ap-singapore': 325.9, 'ap-sydney': 323.4, 'sa-saopaulo': 194.9 },
  'ap-tokyo': { 'ap-seoul': 31.4, 'ap-singapore': 73.8, 'ap-sydney': 103.9, 'sa-saopaulo': 256.8 },
  'ap-seoul': { 'ap-singapore': 71.6, 'ap-sydney': 134.0, 'sa-saopaulo': 286.3 },
  'ap-singapore': { 'ap-sydney': 175.4, 'sa-saopaulo': 328.1 },
  'ap-sydney': { 'sa-saopaulo': 322.5 },
};

/** One-way latency inside a region (two availability zones apart): sub-millisecond. */
export const INTRA_REGION_ONE_WAY_MS = 0.5;

/** Light in fibre covers about 200 km per ms (two thirds of c). */
export const FIBRE_KM_PER_MS = 200;
const EARTH_RADIUS_KM = 6371;

const BY_ID = new Map(REGIONS.map((r) => [r.id, r]));

export function isRegion(id: string): boolean {
  return BY_ID.has(id);
}

export function region(id: string): Region {
  const r = BY_ID.get(id);
  if (r === undefined) throw new Error(`regions: unknown region ${JSON.stringify(id)} (known: ${REGION_IDS.join(', ')})`);
  return r;
}

/** The key of an unordered pair, as overrides are stored: "a|b" with a < b. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** The table's average RTT between two different regions, in ms. */
export function defaultRttMs(a: string, b: string): number {
  if (a === b) return 2 * INTRA_REGION_ONE_WAY_MS;
  const ms = RTT_TABLE_MS[a]?.[b] ?? RTT_TABLE_MS[b]?.[a];
  if (ms === undefined) throw new Error(`regions: no RTT between ${a} and ${b}`);
  return ms;
}

/** Great-circle (haversine) distance between two regions, in km. */
export function greatCircleKm(a: string, b: string): number {
  const p = region(a);
  const q = region(b);
  const rad = Math.PI / 180;
  const dLat = (q.lat - p.lat) * rad;
  const dLon = (q.lon - p.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(p.lat * rad) * Math.cos(q.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The physics floor of a one-way trip between two regions, in ms (0 inside a region). */
export function floorOneWayMs(a: string, b: string): number {
  return a === b ? 0 : greatCircleKm(a, b) / FIBRE_KM_PER_MS;
}

/**
 * The RTT table a scenario runs with: the defaults, with the scenario's overrides of some pairs.
 * Lookups are by pair key; a run builds this once.
 */
export class RttTable {
  private readonly overrides = new Map<string, number>();

  constructor(overrides: ReadonlyArray<{ between: readonly [string, string]; ms: number }> = []) {
    for (const o of overrides) this.overrides.set(pairKey(o.between[0], o.between[1]), o.ms);
  }

  /** Average RTT in ms (a region with itself: the intra-region RTT, unless overridden). */
  rttMs(a: string, b: string): number {
    return this.overrides.get(pairKey(a, b)) ?? defaultRttMs(a, b);
  }

  /** Mean one-way latency: half the RTT. */
  oneWayMs(a: string, b: string): number {
    return this.rttMs(a, b) / 2;
  }
}
