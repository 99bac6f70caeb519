import { checkArea, checkLine, type GeometryProblem } from '@cc/domain';

export type GeometryKind = 'area' | 'line';

export type ParseProblem =
  | { code: 'EMPTY' }
  | { code: 'BAD_JSON' }
  | { code: 'NO_GEOMETRY' }
  | { code: 'MANY_FEATURES'; count: number }
  | { code: 'WRONG_TYPE'; found: string }
  | { code: 'GEOMETRY'; problem: GeometryProblem };

export type ParseResult = { ok: true; geometry: { type: string; coordinates: unknown } } | { ok: false; problem: ParseProblem };

const AREA_TYPES = ['Polygon', 'MultiPolygon'];
const LINE_TYPES = ['LineString'];

/**
 * Read pasted or uploaded GeoJSON: a bare geometry, a Feature, or a FeatureCollection with exactly
 * one feature. The shape is checked with the same rules as the server (closed rings, no
 * self-intersection …) so the user sees the problem before saving.
 */
export function parseGeometry(text: string, kind: GeometryKind): ParseResult {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, problem: { code: 'EMPTY' } };
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch {
    return { ok: false, problem: { code: 'BAD_JSON' } };
  }
  let g = data as { type?: unknown; coordinates?: unknown; geometry?: unknown; features?: unknown };
  if (g && g.type === 'FeatureCollection') {
    const features = Array.isArray(g.features) ? g.features : [];
    if (features.length === 0) return { ok: false, problem: { code: 'NO_GEOMETRY' } };
    if (features.length > 1) return { ok: false, problem: { code: 'MANY_FEATURES', count: features.length } };
    g = features[0] as typeof g;
  }
  if (g && g.type === 'Feature') g = g.geometry as typeof g;
  if (!g || typeof g !== 'object' || typeof g.type !== 'string' || !('coordinates' in g)) {
    return { ok: false, problem: { code: 'NO_GEOMETRY' } };
  }
  const allowed = kind === 'area' ? AREA_TYPES : LINE_TYPES;
  if (!allowed.includes(g.type)) return { ok: false, problem: { code: 'WRONG_TYPE', found: g.type } };
  const geometry = { type: g.type, coordinates: g.coordinates };
  const problem = kind === 'area' ? checkArea(geometry) : checkLine(geometry);
  if (problem) return { ok: false, problem: { code: 'GEOMETRY', problem } };
  return { ok: true, geometry };
}

/** The centre of a geometry's bounding box, [lng, lat]. */
export function bboxCenter(geometry: { coordinates: unknown }): [number, number] | null {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const walk = (c: unknown) => {
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
      minX = Math.min(minX, c[0]); maxX = Math.max(maxX, c[0]);
      minY = Math.min(minY, c[1]); maxY = Math.max(maxY, c[1]);
    } else if (Array.isArray(c)) c.forEach(walk);
  };
  walk(geometry.coordinates);
  return Number.isFinite(minX) ? [(minX + maxX) / 2, (minY + maxY) / 2] : null;
}

export const pretty = (geometry: unknown) => JSON.stringify(geometry, null, 2);
