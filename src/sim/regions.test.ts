import { describe, expect, it } from 'vitest';
import { defaultRttMs, floorOneWayMs, greatCircleKm, INTRA_REGION_ONE_WAY_MS, isRegion, pairKey, REGION_IDS, REGIONS, REGIONS_ABOUT, RttTable } from './regions';

describe('regions', () => {
  it('has the ten regions of ../shared/data/regions.json, labelled approximate', () => {
    expect(REGION_IDS).toEqual(['us-east', 'us-west-ca', 'us-west', 'eu-west', 'eu-central', 'ap-tokyo', 'ap-seoul', 'ap-singapore', 'ap-sydney', 'sa-saopaulo']);
    expect(REGIONS_ABOUT).toMatch(/[Aa]pproximate/);
    expect(isRegion('eu-west')).toBe(true);
    expect(isRegion('mars')).toBe(false);
  });

  it('has a symmetric RTT for every pair, and the intra-region RTT is sub-millisecond', () => {
    for (const a of REGION_IDS) {
      for (const b of REGION_IDS) {
        expect(defaultRttMs(a, b)).toBe(defaultRttMs(b, a));
        if (a === b) expect(defaultRttMs(a, b)).toBe(2 * INTRA_REGION_ONE_WAY_MS);
      }
    }
    expect(defaultRttMs('us-east', 'eu-west')).toBe(80.5);
    expect(2 * INTRA_REGION_ONE_WAY_MS).toBeLessThan(1.01);
  });

  it('no measured RTT beats light in fibre over the great circle, and none is absurdly slower', () => {
    for (const r of REGIONS) {
      for (const q of REGIONS) {
        if (r.id === q.id) continue;
        const floorRtt = 2 * floorOneWayMs(r.id, q.id);
        expect(defaultRttMs(r.id, q.id), `${r.id}-${q.id}`).toBeGreaterThan(floorRtt);
        expect(defaultRttMs(r.id, q.id), `${r.id}-${q.id}`).toBeLessThan(4 * floorRtt);
      }
    }
  });

  it('great-circle distances are right within 1% (N. Virginia-Ireland about 5,450 km)', () => {
    expect(greatCircleKm('us-east', 'eu-west')).toBeGreaterThan(5_400);
    expect(greatCircleKm('us-east', 'eu-west')).toBeLessThan(5_500);
    expect(greatCircleKm('eu-west', 'us-east')).toBeCloseTo(greatCircleKm('us-east', 'eu-west'), 9);
    expect(floorOneWayMs('eu-west', 'eu-west')).toBe(0);
  });

  it('RttTable applies overrides to the unordered pair, the rest from the table', () => {
    const t = new RttTable([{ between: ['eu-west', 'us-east'], ms: 60 }, { between: ['ap-tokyo', 'ap-tokyo'], ms: 2 }]);
    expect(t.rttMs('us-east', 'eu-west')).toBe(60);
    expect(t.oneWayMs('eu-west', 'us-east')).toBe(30);
    expect(t.rttMs('ap-tokyo', 'ap-tokyo')).toBe(2);
    expect(t.rttMs('us-east', 'us-west')).toBe(87.8);
    expect(pairKey('b', 'a')).toBe('a|b');
  });
});
