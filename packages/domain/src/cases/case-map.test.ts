import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { CASE_STATE_CATEGORY, CASE_STATES } from './case-workflow.js';
import { decodeCaseMap } from './case-map.js';
import { CASE_MAP_LIMIT, CaseMap, type CaseMapPoint } from '../schemas/cases.js';

const STATES = CASE_STATES.filter((s) => CASE_STATE_CATEGORY[s] === 'open');
const CATEGORIES = ['0101', '0107', '0203'];

/** What the server's query does, in TypeScript. */
function encode(points: CaseMapPoint[], truncated = false): CaseMap {
  return {
    limit: CASE_MAP_LIMIT,
    truncated,
    count: points.length,
    states: [...STATES],
    categories: CATEGORIES,
    id: points.map((p) => p.id),
    latE6: points.map((p) => Math.round(p.lat * 1e6)),
    lngE6: points.map((p) => Math.round(p.lng * 1e6)),
    state: points.map((p) => STATES.indexOf(p.state)),
    category: points.map((p) => CATEGORIES.indexOf(p.category)),
    overdue: points.map((p) => (p.overdue ? 1 : 0)),
  };
}

const POINTS: CaseMapPoint[] = [
  { id: 1, lat: 34.746611, lng: 113.625368, state: 'reported', category: '0101', overdue: false },
  { id: 42, lat: 34.7500001234, lng: 113.6299999876, state: 'assigned', category: '0107', overdue: true },
  { id: 7, lat: -33.8688, lng: -151.2093, state: 'deferred', category: '0203', overdue: false },
  { id: 9_007_199_254_740_991, lat: 90, lng: -180, state: 'return_requested', category: '0101', overdue: true },
  { id: 3, lat: -90, lng: 180, state: 'deferral_requested', category: '0107', overdue: false },
];

describe('decodeCaseMap', () => {
  it('gives back every point in column order, positions to the micro-degree', () => {
    const m = encode(POINTS);
    expect(Value.Check(CaseMap, m)).toBe(true);
    const decoded = decodeCaseMap(m);
    expect(decoded).toHaveLength(POINTS.length);
    decoded.forEach((d, i) => {
      const p = POINTS[i]!;
      expect({ ...d, lat: 0, lng: 0 }).toEqual({ ...p, lat: 0, lng: 0 });
      expect(Math.abs(d.lat - p.lat)).toBeLessThanOrEqual(0.5e-6 + 1e-12);
      expect(Math.abs(d.lng - p.lng)).toBeLessThanOrEqual(0.5e-6 + 1e-12);
    });
    // A position already in micro-degrees comes back exactly.
    expect(decoded[0]).toEqual(POINTS[0]);
    expect(decoded[3]).toMatchObject({ lat: 90, lng: -180 });
  });

  it('decodes an empty map to no points', () => {
    const m = encode([], false);
    expect(Value.Check(CaseMap, m)).toBe(true);
    expect(decodeCaseMap(m)).toEqual([]);
    expect(decodeCaseMap({ ...m, categories: [] })).toEqual([]);
  });

  it('refuses columns that disagree with count, and indexes outside a dictionary', () => {
    const m = encode(POINTS);
    expect(() => decodeCaseMap({ ...m, lngE6: m.lngE6.slice(1) })).toThrow(/lngE6 has 4 elements, count is 5/);
    expect(() => decodeCaseMap({ ...m, count: 4 })).toThrow(/count is 4/);
    expect(() => decodeCaseMap({ ...m, state: m.state.map(() => STATES.length) })).toThrow(/outside the dictionary/);
    expect(() => decodeCaseMap({ ...m, category: m.category.map(() => 3) })).toThrow(/outside the dictionary/);
  });
});
