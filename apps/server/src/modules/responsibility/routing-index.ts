import Flatbush from 'flatbush';
import { sql } from 'kysely';
import { distanceM, distanceToLineM, pointInArea, type AreaGeometry, type LineStringGeometry, type Position } from '@cc/domain';
import type { DB } from '../../platform/database.js';
import type { MapSettings } from '@cc/domain';
import { DEFAULT_MAP_SETTINGS } from './settings.service.js';

/**
 * The city's geometry in memory, indexed for point queries: grids, communities and streets
 * (point in polygon), road segments (nearest line), zones (point in polygon) and located units
 * (nearest shop). Coordinates are projected to metres on a flat plane around the city's latitude,
 * exact enough within a city. Each app instance keeps one index per city and rebuilds it when
 * tenant.geo_version moves, so instances behind a load balancer agree.
 */
export interface RegionNode { id: number; parentId: number | null; level: string; code: string; name: string }
interface AreaEntry { id: number; geometry: AreaGeometry }
interface LineEntry { id: number; code: string; name: string; coordinates: Position[] }
interface PointEntry { id: number; name: string; lng: number; lat: number }

class Projection {
  private readonly k: number;
  constructor(lat0: number) {
    this.k = Math.cos((lat0 * Math.PI) / 180) * 111_320;
  }
  x(lng: number) { return lng * this.k; }
  y(lat: number) { return lat * 110_574; }
}

function areaIndex(entries: AreaEntry[], proj: Projection): Flatbush | null {
  if (!entries.length) return null;
  const idx = new Flatbush(entries.length);
  for (const e of entries) {
    const pts = e.geometry.type === 'Polygon' ? e.geometry.coordinates[0]! : e.geometry.coordinates.flatMap((p) => p[0]!);
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const [lng, lat] of pts) {
      const x = proj.x(lng), y = proj.y(lat);
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
    idx.add(minX, minY, maxX, maxY);
  }
  idx.finish();
  return idx;
}

export class CityIndex {
  readonly regions = new Map<number, RegionNode>();
  private readonly proj: Projection;
  private readonly areaLayers: Record<'grid' | 'community' | 'street', { entries: AreaEntry[]; idx: Flatbush | null }>;
  private readonly zones: { entries: AreaEntry[]; idx: Flatbush | null };
  private readonly segments: { entries: LineEntry[]; idx: Flatbush | null };
  private readonly points: { entries: PointEntry[]; idx: Flatbush | null };

  constructor(
    readonly version: number,
    regions: (RegionNode & { geometry: AreaGeometry | null })[],
    zones: AreaEntry[],
    segments: LineEntry[],
    points: PointEntry[],
  ) {
    const lats = [...points.map((p) => p.lat), ...segments.map((s) => s.coordinates[0]![1])];
    const first = regions.find((r) => r.geometry)?.geometry;
    if (first) lats.push(first.type === 'Polygon' ? first.coordinates[0]![0]![1] : first.coordinates[0]![0]![0]![1]);
    this.proj = new Projection(lats.length ? lats.reduce((a, b) => a + b, 0) / lats.length : 30);
    for (const r of regions) this.regions.set(r.id, { id: r.id, parentId: r.parentId, level: r.level, code: r.code, name: r.name });
    const layer = (level: string) => {
      const entries = regions.filter((r) => r.level === level && r.geometry).map((r) => ({ id: r.id, geometry: r.geometry! }));
      return { entries, idx: areaIndex(entries, this.proj) };
    };
    this.areaLayers = { grid: layer('grid'), community: layer('community'), street: layer('street') };
    this.zones = { entries: zones, idx: areaIndex(zones, this.proj) };

    const segIdx = segments.length ? new Flatbush(segments.length) : null;
    for (const s of segments) {
      const xs = s.coordinates.map(([lng]) => this.proj.x(lng));
      const ys = s.coordinates.map(([, lat]) => this.proj.y(lat));
      segIdx!.add(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys));
    }
    segIdx?.finish();
    this.segments = { entries: segments, idx: segIdx };

    const ptIdx = points.length ? new Flatbush(points.length) : null;
    for (const p of points) ptIdx!.add(this.proj.x(p.lng), this.proj.y(p.lat), this.proj.x(p.lng), this.proj.y(p.lat));
    ptIdx?.finish();
    this.points = { entries: points, idx: ptIdx };
  }

  private hit(layer: { entries: AreaEntry[]; idx: Flatbush | null }, p: Position): number | null {
    if (!layer.idx) return null;
    const x = this.proj.x(p[0]), y = this.proj.y(p[1]);
    for (const i of layer.idx.search(x, y, x, y)) {
      const e = layer.entries[i]!;
      if (pointInArea(p, e.geometry)) return e.id;
    }
    return null;
  }

  /** Grid, community and street of a point: the smallest area that contains it, then its parents. */
  locate(p: Position): { grid: RegionNode | null; community: RegionNode | null; street: RegionNode | null } {
    const gridId = this.hit(this.areaLayers.grid, p);
    const grid = gridId ? this.regions.get(gridId)! : null;
    const communityId = grid?.parentId ?? this.hit(this.areaLayers.community, p);
    const community = communityId ? this.regions.get(communityId) ?? null : null;
    const streetId = community?.parentId ?? this.hit(this.areaLayers.street, p);
    const street = streetId ? this.regions.get(streetId) ?? null : null;
    return { grid, community, street };
  }

  zoneAt(p: Position): number | null {
    return this.hit(this.zones, p);
  }

  nearestSegment(p: Position, radiusM: number): { entry: LineEntry; distanceM: number } | null {
    if (!this.segments.idx) return null;
    const x = this.proj.x(p[0]), y = this.proj.y(p[1]);
    let best: { entry: LineEntry; distanceM: number } | null = null;
    for (const i of this.segments.idx.search(x - radiusM, y - radiusM, x + radiusM, y + radiusM)) {
      const e = this.segments.entries[i]!;
      const d = distanceToLineM(p, e.coordinates);
      if (d <= radiusM && (!best || d < best.distanceM)) best = { entry: e, distanceM: d };
    }
    return best;
  }

  /** Located units within the radius, nearest first. */
  nearbyUnits(p: Position, radiusM: number, max = 20): { entry: PointEntry; distanceM: number }[] {
    if (!this.points.idx) return [];
    const ids = this.points.idx.neighbors(this.proj.x(p[0]), this.proj.y(p[1]), max, radiusM);
    return ids.map((i) => {
      const e = this.points.entries[i]!;
      return { entry: e, distanceM: distanceM(p, [e.lng, e.lat]) };
    });
  }

  /** Code and name of each zone, for answers. */
  readonly zoneMeta = new Map<number, { code: string; name: string }>();
}

async function build(db: DB, tenantId: number, version: number): Promise<CityIndex> {
  const [regions, zones, segments, points] = await Promise.all([
    db.selectFrom('region').select(['id', 'parent_id', 'level', 'code', 'name', 'geometry']).where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('responsibility_zone').select(['id', 'code', 'name', 'geometry']).where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('road_segment').select(['id', 'code', 'name', 'geometry']).where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('unit').select(['id', 'name', 'lng', 'lat']).where('tenant_id', '=', tenantId).where('lng', 'is not', null).execute(),
  ]);
  const index = new CityIndex(
    version,
    regions.map((r) => ({ id: r.id, parentId: r.parent_id, level: r.level, code: r.code, name: r.name, geometry: (r.geometry as AreaGeometry | null) ?? null })),
    zones.map((z) => ({ id: z.id, geometry: z.geometry as AreaGeometry })),
    segments.map((s) => ({ id: s.id, code: s.code, name: s.name, coordinates: (s.geometry as LineStringGeometry).coordinates })),
    points.map((p) => ({ id: p.id, name: p.name, lng: p.lng!, lat: p.lat! })),
  );
  for (const z of zones) index.zoneMeta.set(z.id, { code: z.code, name: z.name });
  return index;
}

/** One index per city, rebuilt when the city's geo_version moves; concurrent callers share a build. */
export function createRoutingIndex(db: DB) {
  const cache = new Map<number, CityIndex>();
  const cachedSettings = new Map<number, MapSettings>();
  const building = new Map<string, Promise<CityIndex>>();
  return {
    /** The city's index and map settings, read in one round trip. */
    async get(tenantId: number): Promise<{ index: CityIndex; settings: MapSettings }> {
      const { rows } = await sql<{ geo_version: number; settings: { map?: Partial<MapSettings> } }>`
        select geo_version, settings from tenant where id = ${tenantId}`.execute(db);
      const version = rows[0]?.geo_version ?? 0;
      const settings = { ...DEFAULT_MAP_SETTINGS, ...(rows[0]?.settings.map ?? {}) };
      cachedSettings.set(tenantId, settings);
      const current = cache.get(tenantId);
      if (current && current.version === version) return { index: current, settings };
      const key = `${tenantId}:${version}`;
      let p = building.get(key);
      if (!p) {
        p = build(db, tenantId, version).finally(() => building.delete(key));
        building.set(key, p);
      }
      const idx = await p;
      if (!cache.get(tenantId) || cache.get(tenantId)!.version <= idx.version) cache.set(tenantId, idx);
      return { index: idx, settings };
    },
    /**
     * The index this instance already holds, without asking the database: callers check its
     * version in their own query and call get() when it moved (settings changes bump it too).
     */
    peek(tenantId: number): { index: CityIndex; settings: MapSettings } | null {
      const index = cache.get(tenantId);
      const settings = cachedSettings.get(tenantId);
      return index && settings ? { index, settings } : null;
    },
  };
}

export type RoutingIndex = ReturnType<typeof createRoutingIndex>;
