import { describe, expect, it } from 'vitest';
import { areaWithin, checkArea, checkLine, distanceToLineM, pointInPolygon, type AreaGeometry, type Position } from './geo.js';

const rect = (x0: number, y0: number, x1: number, y1: number): AreaGeometry => ({
  type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
});

describe('point in polygon', () => {
  const square: Position[][] = rect(113.6, 34.7, 113.61, 34.71).coordinates as Position[][];
  it.each([
    [[113.605, 34.705], true, 'inside'],
    [[113.62, 34.705], false, 'outside'],
    [[113.6, 34.705], true, 'on the left edge'],
    [[113.61, 34.705], true, 'on the right edge'],
    [[113.605, 34.71], true, 'on the top edge'],
    [[113.61, 34.71], true, 'on the top-right corner'],
  ] as [Position, boolean, string][])('%j → %s (%s)', (p, expected) => {
    expect(pointInPolygon(p, square)).toBe(expected);
  });

  it('excludes a hole’s interior', () => {
    const withHole: Position[][] = [square[0]!, rect(113.603, 34.703, 113.607, 34.707).coordinates[0] as Position[]];
    expect(pointInPolygon([113.605, 34.705], withHole)).toBe(false);
    expect(pointInPolygon([113.601, 34.701], withHole)).toBe(true);
  });
});

describe('a grid within its community', () => {
  const community = rect(113.6, 34.7, 113.62, 34.72);
  it('accepts grids that share the community’s edges', () => {
    expect(areaWithin(rect(113.6, 34.7, 113.61, 34.71), community)).toBe(true);
    expect(areaWithin(rect(113.61, 34.71, 113.62, 34.72), community)).toBe(true);
  });
  it('refuses a grid reaching outside', () => {
    expect(areaWithin(rect(113.61, 34.71, 113.63, 34.72), community)).toBe(false);
  });
});

describe('geometry checks', () => {
  it('names the problem', () => {
    expect(checkArea(rect(1, 1, 2, 2))).toBeNull();
    expect(checkArea({ type: 'Polygon', coordinates: [[[1, 1], [2, 1], [2, 2], [1, 2]]] })).toBe('RING_NOT_CLOSED');
    expect(checkArea({ type: 'Polygon', coordinates: [[[1, 1], [2, 2], [2, 1], [1, 2], [1, 1]]] })).toBe('SELF_INTERSECTION');
    expect(checkArea({ type: 'Point', coordinates: [1, 1] })).toBe('NOT_POLYGON');
    expect(checkLine({ type: 'LineString', coordinates: [[1, 1]] })).toBe('TOO_FEW_POINTS');
  });

  it('measures the distance to a road in metres', () => {
    // 0.001° of latitude ≈ 110.6 m
    const d = distanceToLineM([113.605, 34.701], [[113.6, 34.7], [113.61, 34.7]]);
    expect(d).toBeGreaterThan(109);
    expect(d).toBeLessThan(112);
  });
});
