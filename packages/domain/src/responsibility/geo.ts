/**
 * Geometry helpers without I/O. Coordinates are stored in WGS-84 ([lng, lat], GeoJSON order).
 * Chinese map tiles (AutoNavi/Tencent) are drawn in GCJ-02: the web converts for display only.
 */
export type Position = [number, number];
export interface PolygonGeometry { type: 'Polygon'; coordinates: Position[][] }
export interface MultiPolygonGeometry { type: 'MultiPolygon'; coordinates: Position[][][] }
export interface LineStringGeometry { type: 'LineString'; coordinates: Position[] }
export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;

export type GeometryProblem =
  | 'NOT_POLYGON'
  | 'NOT_LINESTRING'
  | 'BAD_COORDINATE'
  | 'RING_NOT_CLOSED'
  | 'RING_TOO_SHORT'
  | 'SELF_INTERSECTION'
  | 'TOO_FEW_POINTS';

export function isValidPosition(p: unknown): p is Position {
  return Array.isArray(p) && p.length >= 2 && typeof p[0] === 'number' && typeof p[1] === 'number'
    && Number.isFinite(p[0]) && Number.isFinite(p[1]) && p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90;
}

/** Polygons must close, have ≥ 4 positions per ring and no self-intersections. */
export function checkArea(g: unknown): GeometryProblem | null {
  const geom = g as { type?: string; coordinates?: unknown };
  let polygons: unknown[];
  if (geom?.type === 'Polygon') polygons = [geom.coordinates];
  else if (geom?.type === 'MultiPolygon' && Array.isArray(geom.coordinates)) polygons = geom.coordinates;
  else return 'NOT_POLYGON';
  for (const poly of polygons) {
    if (!Array.isArray(poly) || poly.length === 0) return 'NOT_POLYGON';
    for (const ring of poly) {
      if (!Array.isArray(ring) || !ring.every(isValidPosition)) return 'BAD_COORDINATE';
      if (ring.length < 4) return 'RING_TOO_SHORT';
      const a = ring[0]!;
      const b = ring[ring.length - 1]!;
      if (a[0] !== b[0] || a[1] !== b[1]) return 'RING_NOT_CLOSED';
      if (ringSelfIntersects(ring)) return 'SELF_INTERSECTION';
    }
  }
  return null;
}

export function checkLine(g: unknown): GeometryProblem | null {
  const geom = g as { type?: string; coordinates?: unknown };
  if (geom?.type !== 'LineString' || !Array.isArray(geom.coordinates)) return 'NOT_LINESTRING';
  if (!geom.coordinates.every(isValidPosition)) return 'BAD_COORDINATE';
  if (geom.coordinates.length < 2) return 'TOO_FEW_POINTS';
  return null;
}

function orient(a: Position, b: Position, c: Position): number {
  const v = (b[1] - a[1]) * (c[0] - b[0]) - (b[0] - a[0]) * (c[1] - b[1]);
  return v === 0 ? 0 : v > 0 ? 1 : 2;
}
function onSegment(a: Position, b: Position, c: Position): boolean {
  return Math.min(a[0], c[0]) <= b[0] && b[0] <= Math.max(a[0], c[0]) && Math.min(a[1], c[1]) <= b[1] && b[1] <= Math.max(a[1], c[1]);
}
export function segmentsIntersect(p1: Position, q1: Position, p2: Position, q2: Position): boolean {
  const o1 = orient(p1, q1, p2), o2 = orient(p1, q1, q2), o3 = orient(p2, q2, p1), o4 = orient(p2, q2, q1);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && onSegment(p1, p2, q1)) || (o2 === 0 && onSegment(p1, q2, q1))
    || (o3 === 0 && onSegment(p2, p1, q2)) || (o4 === 0 && onSegment(p2, q1, q2));
}

/** O(n²) check, fine for hand-drawn grid boundaries (tens to a few hundred vertices). */
export function ringSelfIntersects(ring: Position[]): boolean {
  const n = ring.length - 1; // edges; last position repeats the first
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) continue; // neighbours share a vertex
      if (segmentsIntersect(ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!)) return true;
    }
  }
  return false;
}

/** Is p on the segment a–b (within a tolerance of about a millimetre)? */
function onEdge(p: Position, a: Position, b: Position): boolean {
  const EPS = 1e-11;
  const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
  if (Math.abs(cross) > EPS) return false;
  return p[0] >= Math.min(a[0], b[0]) - 1e-12 && p[0] <= Math.max(a[0], b[0]) + 1e-12
    && p[1] >= Math.min(a[1], b[1]) - 1e-12 && p[1] <= Math.max(a[1], b[1]) + 1e-12;
}

/**
 * Ray casting, with points on the outer boundary counted as inside (a grid shares edges with its
 * community; plain ray casting would put half of those shared vertices outside). Holes (rings
 * after the first) exclude their interior, not their edges.
 */
export function pointInPolygon(p: Position, polygon: Position[][]): boolean {
  const outer = polygon[0]!;
  for (let i = 0; i < outer.length - 1; i++) if (onEdge(p, outer[i]!, outer[i + 1]!)) return true;
  const inRing = (ring: Position[]) => {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if ((yi > p[1]) !== (yj > p[1]) && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
  if (!inRing(outer)) return false;
  return !polygon.slice(1).some((hole) => inRing(hole) && !hole.some((_, i) => i < hole.length - 1 && onEdge(p, hole[i]!, hole[i + 1]!)));
}

export function pointInArea(p: Position, g: AreaGeometry): boolean {
  return g.type === 'Polygon' ? pointInPolygon(p, g.coordinates) : g.coordinates.some((poly) => pointInPolygon(p, poly));
}

export interface BBox { minLng: number; minLat: number; maxLng: number; maxLat: number }

export function bboxOf(positions: Iterable<Position>): BBox {
  let minLng = Infinity, minLat = Infinity, maxLng = -Infinity, maxLat = -Infinity;
  for (const [x, y] of positions) {
    if (x < minLng) minLng = x;
    if (y < minLat) minLat = y;
    if (x > maxLng) maxLng = x;
    if (y > maxLat) maxLat = y;
  }
  return { minLng, minLat, maxLng, maxLat };
}

export function positionsOf(g: AreaGeometry | LineStringGeometry): Position[] {
  if (g.type === 'LineString') return g.coordinates;
  if (g.type === 'Polygon') return g.coordinates.flat();
  return g.coordinates.flat(2);
}

/** The middle of an area's bounding box (for a marker or a test point; inside any convex area). */
export function bboxCentre(g: AreaGeometry): Position {
  const b = bboxOf(positionsOf(g));
  return [(b.minLng + b.maxLng) / 2, (b.minLat + b.maxLat) / 2];
}

/** Is every vertex of `inner` inside `outer` (a grid inside its community)? */
export function areaWithin(inner: AreaGeometry, outer: AreaGeometry): boolean {
  return positionsOf(inner).every((p) => pointInArea(p, outer));
}

const EARTH_RADIUS_M = 6_371_008.8;
/** Great-circle distance in metres. */
export function distanceM(a: Position, b: Position): number {
  const toRad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * toRad;
  const dLng = (b[0] - a[0]) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * toRad) * Math.cos(b[1] * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Distance in metres from a point to a line, on a local flat projection (good within a city). */
export function distanceToLineM(p: Position, line: Position[]): number {
  const k = Math.cos((p[1] * Math.PI) / 180);
  const toXY = (q: Position) => [(q[0] - p[0]) * k * 111_320, (q[1] - p[1]) * 110_574] as const;
  let best = Infinity;
  for (let i = 0; i < line.length - 1; i++) {
    const [ax, ay] = toXY(line[i]!);
    const [bx, by] = toXY(line[i + 1]!);
    const dx = bx - ax, dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
    const d = Math.hypot(ax + t * dx, ay + t * dy);
    if (d < best) best = d;
  }
  return best;
}

export function lineLengthM(line: Position[]): number {
  let sum = 0;
  for (let i = 0; i < line.length - 1; i++) sum += distanceM(line[i]!, line[i + 1]!);
  return sum;
}
